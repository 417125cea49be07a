/**
 * Order flow per local hour and day: how many orders entered each state
 * (counted from order_events, so an order held twice counts two holds), and
 * the amounts of the orders received, per store, channel, warehouse and
 * currency. The day rows are summed from the hour rows in the same batch.
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
 * amounts, warehouse, offset and hour). The hour rows are grouped in the
 * order of their table's key (the hour last, then the offset, which the hour
 * of a store fixes), so they are written in key order and the day rows read
 * them in it, without sorting (src/db/schema/analytics.ts).
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { hourDaySql, hourLabelSql } from "../bucket-sql";
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

export const orderCounts: Fold = {
  name: "order-counts",
  tables: ["rollup_order_hours", "rollup_order_days"],
  async refold(d1, unit) {
    const hs = sql`hour_start`;
    const off = sql`offset_ms`;
    const entered = (status: string) => sql.raw(`e.to_status = '${status}' AND e.entered`);
    const received = sql`e.type = 'received'`;
    return [
      deleteUnitRows(d1, "rollup_order_hours", unit),
      deleteUnitRows(d1, "rollup_order_days", unit),
      statement(
        d1,
        sql`INSERT INTO rollup_order_hours (store_id, day, hour_start, hour_label, channel, warehouse_id, currency, ${measureList})
        SELECT store_id, ${hourDaySql(hs, off)}, hour_start, ${hourLabelSql(hs, off, unit.zones)}, channel, warehouse_id, currency, ${measureList}
        FROM (
          SELECT e.store_id AS store_id, e.offset_ms AS offset_ms, e.hour_start AS hour_start, e.channel AS channel,
            e.warehouse_id AS warehouse_id, e.currency AS currency,
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
          GROUP BY e.store_id, e.day_number, e.channel, e.warehouse_id, e.currency, e.hour_start, e.offset_ms
        )
        WHERE ${unit.guard}`,
      ),
      statement(
        d1,
        sql`INSERT INTO rollup_order_days (store_id, day, channel, warehouse_id, currency, ${measureList})
        SELECT store_id, day, channel, warehouse_id, currency, ${measureSums}
        FROM rollup_order_hours
        WHERE ${storeIn(sql`store_id`, unit.storeIds)} AND day BETWEEN ${unit.firstDay} AND ${unit.lastDay} AND ${unit.guard}
        GROUP BY store_id, day, channel, warehouse_id, currency`,
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
