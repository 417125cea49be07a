/**
 * The cron sweep: resends outbox rows still owed (no consumer has marked them
 * delivered) after a grace period, with backoff per row. It is the safety
 * net under the direct sends of intake and the order objects, so a crash
 * between a commit and its send delays a side effect but never loses it.
 */
import { and, asc, inArray, isNull, lt, sql } from "drizzle-orm";
import { database } from "../db/client";
import { outbox } from "../db/schema";
import type { ShardEnv } from "../env";
import { sendOutbox } from "./send";

/** Rows younger than this are left to the direct send that follows their commit. */
export const SWEEP_GRACE_MS = 30_000;
/** After this many sweeps a row is left for an operator (and the dead-letter queue holds its message). */
export const MAX_SWEEP_ATTEMPTS = 12;
const BATCH = 500;

export async function sweepOutbox(env: ShardEnv, now = Date.now()): Promise<{ resent: number }> {
  const db = database(env);
  const owed = await db
    .select()
    .from(outbox)
    .where(
      and(
        isNull(outbox.deliveredAt),
        lt(outbox.createdAt, now - SWEEP_GRACE_MS),
        lt(outbox.attempts, MAX_SWEEP_ATTEMPTS),
        // Backoff per row: 30s, 60s, 120s... capped at an hour since the last resend.
        sql`(${outbox.lastSentAt} IS NULL OR ${outbox.lastSentAt} < ${now} - min(3600000, 30000 << ${outbox.attempts}))`,
      ),
    )
    .orderBy(asc(outbox.createdAt))
    .limit(BATCH)
    .all();
  if (owed.length === 0) return { resent: 0 };
  const sent = await sendOutbox(env, owed);
  for (let i = 0; i < sent.length; i += 90) {
    await db
      .update(outbox)
      .set({ attempts: sql`${outbox.attempts} + 1`, lastSentAt: now })
      .where(inArray(outbox.id, sent.slice(i, i + 90)));
  }
  return { resent: sent.length };
}
