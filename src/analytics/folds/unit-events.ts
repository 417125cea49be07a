/**
 * The order events of a unit, read once for every fold that counts them.
 *
 * Five folds (order counts, processing times, staff actions, hold reasons,
 * SKU sales) aggregate the same events of a unit, each by its own bucket
 * and with facts of the event's order. Each used to walk the events' time
 * index and look up, per event, its order (through the text primary key),
 * its offset, its order's warehouse and its neighbour events: the lookups,
 * not the aggregation, were most of a refold. Here one statement writes each
 * event of the unit with all of that into `rollup_unit_events` (a working
 * table holding one unit at a time), and the folds read it with a plain scan:
 *
 *   - each event's offset, local day and hour come from the unit's local
 *     time per store (`rollup_unit_offsets`, written first in the same
 *     batch, fold.ts inUnitTime), as for the folds that read facts by time;
 *   - the facts of each order (store, channel, currency, amounts,
 *     primary warehouse) are read once per order, not per event, by its
 *     primary key: the unary `+` on the store keeps SQLite from probing the
 *     (store, …) index once per store and touched order (a fifth of the
 *     staging's CPU on the bench's data);
 *   - the unit's events are read by the time index, in the order a live
 *     database wrote them, so their rows lie together on few pages. Read per
 *     touched order through the (order, seq) index instead, every event of
 *     each order was read, those of other weeks too, each on its own page:
 *     831,000 page reads and 2.9 s of CPU over a rebuild of the bench's
 *     100,000 orders against 114,000 and 1.9 s (bench/rollup-profile.ts).
 *     The rows are then staged in time order; SKU sales, which looks up
 *     each sale's lines and items, sorts its events by order first;
 *   - what an event needs of the order's earlier events (the previous
 *     event's time for every event, the latest approval before a shipment,
 *     the latest shipment before a delivery, whether an approval had one
 *     before it) was written on the event when it was committed
 *     (src/orders/event-history.ts): looking it up here, per event and per
 *     refold, was a sixth of the staging's CPU. Events written before those
 *     columns existed have it looked up in the (order, seq) index. Earlier
 *     events may lie before the unit: the history is the order's, not the
 *     unit's. Window functions over each touched order's whole history gave
 *     the same answers at a third more of the staging's cost than the
 *     lookups (bench/rollup-profile.ts).
 *
 * The table is written by the run holding the lease only (`unit.guard`, like
 * every rollup write, here asserted first) and emptied first, so it holds
 * exactly the unit being refolded. A run that lost its lease writes nothing
 * here, and nothing of what it reads lands anywhere either: the folds' writes
 * carry the same guard.
 */
import { sql, type SQL } from "drizzle-orm";
import { assertInBatchSql } from "../../db/assert";
import { statement } from "../d1";
import { dayNumberSql, hourStartSql, inStores } from "../bucket-sql";
import { historyAsOf } from "../../orders/event-history";
import { inUnitTime, type FoldUnit } from "./fold";

/** What the event folds read from, as `e`. */
export const UNIT_EVENTS = sql`rollup_unit_events e`;

/**
 * Empties the working tables and writes the unit's local time per store and its events into them: run as one batch
 * before the folds read them. The
 * guard is asserted first, failing the batch when it does not hold (`assertionFailed`), so that the table is emptied
 * by a DELETE without a WHERE: SQLite then drops its pages at once instead of deleting the previous unit's tens of
 * thousands of rows one by one (24-28 ms against 1 ms a unit in node:sqlite, before the pages each deletion rewrites
 * are written out).
 */
export function stageUnitEvents(d1: D1Database, unit: FoldUnit): D1PreparedStatement[] {
  const at = sql`h.created_at`;
  const off = sql`z.offset_ms`;
  // The order's history as the event found it, written with the event (src/orders/event-history.ts). An event written
  // before those columns existed (previous_at NULL after the first event) has it looked up in the order's earlier
  // events, which may lie before the unit: the history is the order's, not the unit's.
  const written = sql`(e.seq = 1 OR e.previous_at IS NOT NULL)`;
  const lookedUp = historyAsOf(sql`e.order_id`, sql`e.seq`);
  const history = (column: string, lookup: SQL) => sql`CASE WHEN ${written} THEN ${sql.raw(`e.${column}`)} ELSE ${lookup} END`;
  // The unit's local time per store, which the folds reading facts by time join (fold.ts inUnitTime).
  const offsets = unit.zones.flatMap((z) => z.storeIds.flatMap((store) => z.segments.map((s) => [store, s.from, s.to, s.offsetMs])));
  return [
    statement(d1, assertInBatchSql("rollup_unit_guard", sql`NOT (${unit.guard})`)),
    statement(d1, sql`DELETE FROM rollup_unit_offsets`),
    statement(
      d1,
      sql`INSERT INTO rollup_unit_offsets (store_id, from_ms, to_ms, offset_ms)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(${JSON.stringify(offsets)}) WHERE ${unit.guard}`,
    ),
    statement(d1, sql`DELETE FROM rollup_unit_events`),
    statement(
      d1,
      sql`INSERT INTO rollup_unit_events (store_id, order_id, seq, type, from_status, to_status, actor, reason, created_at, offset_ms, day_number, hour_start,
          channel, currency, warehouse_id, entered, previous_at, span_started_at, approved_before,
          subtotal_amount, discount_amount, shipping_amount, tax_amount, total_amount)
        WITH touched AS MATERIALIZED (
          SELECT DISTINCT order_id FROM order_events WHERE created_at >= ${unit.start} AND created_at < ${unit.end}
        ),
        o AS MATERIALIZED (
          SELECT o.id AS order_id, o.store_id AS store_id, o.channel AS channel, o.currency AS currency,
            o.created_at AS created_at, o.subtotal_amount AS subtotal_amount, o.discount_amount AS discount_amount,
            o.shipping_amount AS shipping_amount, o.tax_amount AS tax_amount, o.total_amount AS total_amount,
            COALESCE(o.primary_warehouse_id, '') AS warehouse_id
          FROM orders o
          WHERE o.id IN (SELECT order_id FROM touched) AND ${inStores(sql`+o.store_id`, unit.storeIds)}
        ),
        h AS (
          SELECT e.order_id AS order_id, e.seq AS seq, e.type AS type, e.from_status AS from_status, e.to_status AS to_status,
            e.actor AS actor, e.reason AS reason, e.created_at AS created_at,
            ${history("previous_at", lookedUp.previousAt)} AS previous_at,
            CASE e.type WHEN 'ship' THEN ${history("last_approved_at", lookedUp.lastApprovedAt)} WHEN 'deliver' THEN ${history("last_shipped_at", lookedUp.lastShippedAt)} END AS span_from,
            CASE WHEN e.type = 'approve' THEN (${history("last_approved_at", lookedUp.lastApprovedAt)}) IS NOT NULL ELSE 0 END AS approved_before
          FROM order_events e
          WHERE e.created_at >= ${unit.start} AND e.created_at < ${unit.end}
        )
        SELECT o.store_id, h.order_id, h.seq, h.type, h.from_status, h.to_status, h.actor, h.reason, ${at}, ${off},
          ${dayNumberSql(at, off)}, ${hourStartSql(at, off)},
          o.channel, o.currency, o.warehouse_id, (h.from_status IS NOT h.to_status),
          CASE WHEN h.type <> 'received' THEN h.previous_at END,
          CASE h.type WHEN 'approve' THEN o.created_at WHEN 'complete' THEN o.created_at ELSE h.span_from END,
          h.approved_before,
          o.subtotal_amount, o.discount_amount, o.shipping_amount, o.tax_amount, o.total_amount
        FROM h CROSS JOIN o ON o.order_id = h.order_id ${inUnitTime(at, sql`o.store_id`)}
        WHERE ${unit.guard}`,
    ),
  ];
}
