/**
 * The hourly check for parcels gone quiet: a shipment handed over, not yet
 * delivered or returned, that nobody (carrier, partner or person) has said
 * anything about for the store's `stale_tracking_days` (5 by default) raises
 * a `stale_tracking` exception. Idempotent: one open exception per shipment
 * (its unique open key), and any later tracking news resolves it.
 */
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { database, nonEmpty, notMoving } from "../db/client";
import type { ShardEnv } from "../env";
import { raiseException } from "./logistics-exceptions";

export const DEFAULT_STALE_DAYS = 5;
const DAY_MS = 86_400_000;

export async function flagStaleTracking(env: ShardEnv, now = Date.now(), limit = 200): Promise<{ flagged: number }> {
  const db = database(env);
  const stale = await db.all<{ shipment_id: string; order_id: string; store_id: string; last_update_at: number; days: number; status: string | null }>(sql`
    SELECT t.shipment_id, t.order_id, t.store_id, t.last_update_at, t.status,
           COALESCE(json_extract(sl.config, '$.stale_tracking_days'), ${DEFAULT_STALE_DAYS}) AS days
    FROM shipment_tracking t
    JOIN shipments s ON s.id = t.shipment_id
    LEFT JOIN store_logistics sl ON sl.store_id = t.store_id
    WHERE t.handed_over_at IS NOT NULL AND ${notMoving(sql`t.store_id`)}
      AND (t.status IS NULL OR t.status NOT IN ('delivered', 'returned_to_sender'))
      AND s.status IN ('shipped', 'in_transit', 'out_for_delivery', 'exception')
      AND t.last_update_at < ${now} - COALESCE(json_extract(sl.config, '$.stale_tracking_days'), ${DEFAULT_STALE_DAYS}) * ${DAY_MS}
      AND NOT EXISTS (SELECT 1 FROM logistics_exceptions e WHERE e.open_key = t.shipment_id || ':stale_tracking')
    ORDER BY t.last_update_at
    LIMIT ${limit}`);
  if (stale.length === 0) return { flagged: 0 };
  const statements: BatchItem<"sqlite">[] = stale.map((s) =>
    raiseException(db, {
      shipmentId: s.shipment_id,
      orderId: s.order_id,
      storeId: s.store_id,
      kind: "stale_tracking",
      detail: `no tracking news for ${Math.floor((now - s.last_update_at) / DAY_MS)} days (limit ${s.days}); last status ${s.status ?? "none"}`,
      trackingEventId: null,
      now,
    }),
  );
  await db.batch(nonEmpty(statements));
  return { flagged: stale.length };
}
