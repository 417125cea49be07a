/**
 * The archive cron: completed and cancelled orders older than their store's
 * `archive_after_days` leave the working lists. They stay queryable
 * (`include_archived=true`, by id) and frozen: both states are terminal, so
 * no transition or edit applies to them. Archiving is bookkeeping, not a
 * change of the order: it writes `archived_at` only, no event, no version.
 */
import { sql } from "drizzle-orm";
import { database, notMoving } from "../db/client";
import type { ShardEnv } from "../env";

const BATCH = 500;
/** A run stops after this many batches; the next run carries on. */
const MAX_BATCHES = 40;

export async function archiveOrders(env: ShardEnv, { now = Date.now() }: { now?: number } = {}): Promise<{ archived: number }> {
  const db = database(env);
  let archived = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const result = await db.run(sql`
      UPDATE orders SET archived_at = ${now}
      WHERE id IN (
        SELECT o.id FROM orders o JOIN stores s ON s.id = o.store_id
        WHERE o.archived_at IS NULL AND ${notMoving(sql`o.store_id`)}
          AND o.status IN ('completed', 'cancelled')
          AND coalesce(o.completed_at, o.cancelled_at, o.updated_at) <= ${now} - s.archive_after_days * 86400000
        LIMIT ${BATCH}
      )`);
    const changed = result.meta.changes ?? 0;
    archived += changed;
    if (changed < BATCH) break;
  }
  return { archived };
}
