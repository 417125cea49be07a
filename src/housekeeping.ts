/** Hourly clean-up of records that only matter for a while, and the re-encryption of customer data (src/db/reseal-pii.ts). */
import { lt } from "drizzle-orm";
import { database } from "./db/client";
import { resealPii } from "./db/reseal-pii";
import { consumedMessages, idempotencyKeys } from "./db/schema";
import type { Env } from "./env";
import { pruneEvents } from "./events/prune-events";
import { IDEMPOTENCY_TTL_MS } from "./http/idempotency";

/** Receipts outlive any redelivery: queues give up long before this. */
const RECEIPT_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export async function housekeeping(env: Env, now = Date.now()): Promise<void> {
  const db = database(env);
  await db.batch([
    db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, now - IDEMPOTENCY_TTL_MS)),
    db.delete(consumedMessages).where(lt(consumedMessages.consumedAt, now - RECEIPT_TTL_MS)),
  ]);
  await pruneEvents(env, now);
  const resealed = await resealPii(env);
  if (Object.keys(resealed).length) console.log(`pii reseal: ${JSON.stringify(resealed)}`);
}
