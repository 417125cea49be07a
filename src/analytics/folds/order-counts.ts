/**
 * Order flow per local hour and day: how many orders entered each state
 * (counted from order_events, so an order held twice counts two holds), and
 * the amounts of the orders received, per store, channel, warehouse and
 * currency.
 *
 * Warehouse: an order counts, in every bucket it touches, under the
 * warehouse its allocation put most of its units in (kept on the order:
 * src/fulfilment/primary-warehouse.ts),
 * from the moment it is allocated; until then, and for orders never
 * allocated, under "". Allocation is the `process` event, and a re-route
 * (the `reroute` event) can move the order to another warehouse, so the
 * change source below re-marks every day the order has events in when
 * either happens.
 *
 * Reads the unit's events as unit-events.ts staged them (with their order's
 * amounts, warehouse, offset and hour). The hours of a day are kept in one
 * row per (store, day, channel, warehouse, currency), as a JSON array
 * (`rollup_order_hours.hours`, src/db/schema/analytics.ts) beside the day's
 * sums, and the day rows are copied from those sums in the same batch.
 */
import { sql } from "drizzle-orm";
import { dayOfNumberSql, hourLabelSql } from "../bucket-sql";
import { statement } from "../d1";
import { countWhere, deleteUnitRows, SLOT_MS, storeIn, sumWhere, type Fold } from "./fold";
import { UNIT_EVENTS } from "./unit-events";

const MEASURES = [
  "received",
  "approved",
  "held",
  "processing",
  "shipped",
  "delivered",
  "completed",
  "cancelled",
  "rejected",
  "gross_amount",
  "discount_amount",
  "shipping_amount",
  "tax_amount",
  "net_amount",
  "cancelled_amount",
] as const;

const measureList = sql.raw(MEASURES.join(", "));
const measureSums = sql.raw(MEASURES.map((m) => `SUM(${m})`).join(", "));
/** An hour's entry in `rollup_order_hours.hours`: [hour_start, offset_ms, ...MEASURES]. */
const hourEntry = sql.raw(`json_array(hour_start, offset_ms, ${MEASURES.join(", ")})`);

/**
 * The order hours as rows, one per hour as reports and tests read them: store_id, day, channel, warehouse_id, currency,
 * hour_start, offset_ms, hour_label (the local hour with its offset: 2026-11-01T01:00-05:00) and the measures. A
 * subquery for a FROM clause; SQLite flattens it, so a report's conditions on the store and the days still read the
 * table's key, and a column the report does not select is not computed.
 */
export const orderHoursSql = (() => {
  const at = (i: number) => `h.value ->> ${i}`;
  return `(SELECT d.store_id AS store_id, d.day AS day, d.channel AS channel, d.warehouse_id AS warehouse_id, d.currency AS currency,
    ${at(0)} AS hour_start, ${at(1)} AS offset_ms, ${hourLabelSql(at(0), at(1))} AS hour_label, ${MEASURES.map((m, i) => `${at(i + 2)} AS ${m}`).join(", ")}
    FROM rollup_order_hours d, json_each(d.hours) h)`;
})();

export const orderCounts: Fold = {
  name: "order-counts",
  tables: ["rollup_order_hours", "rollup_order_days"],
  async refold(d1, unit) {
    const entered = (status: string) => sql.raw(`e.to_status = '${status}' AND e.entered`);
    const received = sql`e.type = 'received'`;
    const hourKey = sql.raw("e.store_id, e.day_number, e.channel, e.warehouse_id, e.currency, e.hour_start, e.offset_ms");
    return [
      deleteUnitRows(d1, "rollup_order_hours", unit),
      deleteUnitRows(d1, "rollup_order_days", unit),
      // The hours are grouped and ordered by their day's key, then the hour (the offset follows from the store and the
      // hour): the day's GROUP BY reads them in that order without sorting them again, and each day's entries come in
      // hour order. A row per hour instead, summed again for the day rows: 256-268 ms for one 7-day unit of issue #18's
      // bench data against 170-182 ms (node:sqlite).
      statement(
        d1,
        sql`INSERT INTO rollup_order_hours (store_id, day, channel, warehouse_id, currency, ${measureList}, hours)
        SELECT store_id, ${dayOfNumberSql(sql`day_number`)}, channel, warehouse_id, currency, ${measureSums}, json_group_array(${hourEntry})
        FROM (
          SELECT e.store_id AS store_id, e.day_number AS day_number, e.channel AS channel, e.warehouse_id AS warehouse_id,
            e.currency AS currency, e.hour_start AS hour_start, e.offset_ms AS offset_ms,
            ${countWhere(received)} AS received,
            ${countWhere(entered("approved"))} AS approved,
            ${countWhere(entered("on_hold"))} AS held,
            ${countWhere(entered("processing"))} AS processing,
            ${countWhere(entered("shipped"))} AS shipped,
            ${countWhere(entered("delivered"))} AS delivered,
            ${countWhere(entered("completed"))} AS completed,
            ${countWhere(entered("cancelled"))} AS cancelled,
            ${countWhere(sql`e.type = 'reject'`)} AS rejected,
            ${sumWhere(sql`e.subtotal_amount`, received)} AS gross_amount,
            ${sumWhere(sql`e.discount_amount`, received)} AS discount_amount,
            ${sumWhere(sql`e.shipping_amount`, received)} AS shipping_amount,
            ${sumWhere(sql`e.tax_amount`, received)} AS tax_amount,
            ${sumWhere(sql`e.total_amount`, received)} AS net_amount,
            ${sumWhere(sql`e.total_amount`, entered("cancelled"))} AS cancelled_amount
          FROM ${UNIT_EVENTS}
          GROUP BY ${hourKey}
          ORDER BY ${hourKey}
        )
        WHERE ${unit.guard}
        GROUP BY store_id, day_number, channel, warehouse_id, currency`,
      ),
      statement(
        d1,
        sql`INSERT INTO rollup_order_days (store_id, day, channel, warehouse_id, currency, ${measureList})
        SELECT store_id, day, channel, warehouse_id, currency, ${measureList}
        FROM rollup_order_hours
        WHERE ${storeIn(sql`store_id`, unit.storeIds)} AND day BETWEEN ${unit.firstDay} AND ${unit.lastDay} AND ${unit.guard}`,
      ),
    ];
  },
  // Allocation (the process event) gives an order its warehouse, a re-route may change it: every bucket the order counts
  // in moves, not only today's.
  changedSlots(from, to) {
    return sql`SELECT o.store_id AS store_id, e.created_at / ${SLOT_MS} AS slot
      FROM order_events p CROSS JOIN order_events e ON e.order_id = p.order_id CROSS JOIN orders o ON o.id = p.order_id
      WHERE p.created_at > ${from} AND p.created_at <= ${to} AND p.type IN ('process', 'reroute')`;
  },
  earliestAt: sql`SELECT MIN(created_at) AS t FROM order_events`,
};
