/**
 * The order's history as an event finds it, written on the event itself (order_events.previous_at, last_approved_at,
 * last_shipped_at): when the order's previous event happened, and its latest approval and shipment before this one.
 *
 * The analytics rollups need these for every event they count (how long staff took since the previous change, the
 * approval a shipment's wait starts from, the shipment a delivery's transit starts from, whether an approval was the
 * first), and a refold used to look each one up in the order's earlier events: a search of the (order, seq) index and
 * a read of a row written days before, per event and per refold. Here they are read once, when the event is written,
 * from the order's own few events, which the change has just been decided on. On issue #18's bench the staging took
 * 17% less CPU (docs/analytics.md), and the event row is written anyway: no extra row billed, no index to keep.
 *
 * As SQL of the event's own insert, so they are read inside the commit that writes the event: the order object
 * serializes its changes, and a batch is one transaction.
 */
import { type SQL, sql } from "drizzle-orm";

/**
 * The history of the event at `seq` of order `orderId`, looked up in the order's earlier events: values when the
 * event is written (the seq 1 event, the order's first, has none), or columns (`e.order_id`, `e.seq`) for events
 * written before these columns existed, which the rollups' staging looks up (src/analytics/folds/unit-events.ts).
 */
export function historyAsOf(orderId: string | SQL, seq: number | SQL): { previousAt: SQL; lastApprovedAt: SQL; lastShippedAt: SQL } {
  const latest = (type: string) => sql`(SELECT MAX(p.created_at) FROM order_events p WHERE p.order_id = ${orderId} AND p.seq < ${seq} AND p.type = ${type})`;
  return {
    previousAt: sql`(SELECT p.created_at FROM order_events p WHERE p.order_id = ${orderId} AND p.seq = ${seq} - 1)`,
    lastApprovedAt: latest("approve"),
    lastShippedAt: latest("ship"),
  };
}
