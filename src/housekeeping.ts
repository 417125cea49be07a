/** Hourly clean-up of records that only matter for a while, and the re-encryption of customer data (src/db/reseal-pii.ts). */
import { lt } from "drizzle-orm";
import { database, directory, type DirectoryEnv } from "./db/client";
import { resealPii } from "./db/reseal-pii";
import { authChallenges, consumedMessages, idempotencyKeys, sessions, userTokens } from "./db/schema";
import type { ShardEnv } from "./env";
import { pruneEvents } from "./events/prune-events";
import { IDEMPOTENCY_TTL_MS } from "./http/idempotency";

/** Receipts outlive any redelivery: queues give up long before this. */
const RECEIPT_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * Ended console sessions and dead emailed links are kept this long after they
 * ended (a person's session list, an admin asking "was that link used?"),
 * then dropped; who signed in when stays in the activity log.
 */
const STAFF_RECORD_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A shard's part, on every shard: its own idempotency records, receipts and events. */
export async function housekeeping(env: ShardEnv, now = Date.now()): Promise<void> {
  const db = database(env);
  await db.batch([
    db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, now - IDEMPOTENCY_TTL_MS)),
    db.delete(consumedMessages).where(lt(consumedMessages.consumedAt, now - RECEIPT_TTL_MS)),
  ]);
  await pruneEvents(env, now);
  const resealed = await resealPii(env);
  if (Object.keys(resealed).length) console.log(`pii reseal: ${JSON.stringify(resealed)}`);
}

/** The directory's part, once a run: the staff's ended sessions, dead emailed links and passkey challenges. */
export async function housekeepDirectory(env: DirectoryEnv, now = Date.now()): Promise<void> {
  const db = directory(env);
  await db.batch([
    // A session's end is its absolute end at the latest (revoked and idle ones end earlier).
    db.delete(sessions).where(lt(sessions.expiresAt, now - STAFF_RECORD_TTL_MS)),
    db.delete(userTokens).where(lt(userTokens.expiresAt, now - STAFF_RECORD_TTL_MS)),
    db.delete(authChallenges).where(lt(authChallenges.expiresAt, now)),
  ]);
}
