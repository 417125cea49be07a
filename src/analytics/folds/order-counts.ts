/**
 * Order flow per local hour and day: how many orders entered each state
 * (counted from order_events, so an order held twice counts two holds), and
 * the amounts of the orders received, per store, channel, warehouse and
 * currency. The day rows are summed from the hour rows in the same batch.
 *
 * Warehouse: an order counts, in every bucket it touches, under the
 * warehouse its allocation put most of its units in (orderWarehouseSql),
 * from the moment it is allocated; until then, and for orders never
 * allocated, under "". Allocation is the `process` event, and a re-route
 * (the `reroute` event) can move the order to another warehouse, so the
 * change source below re-marks every day the order has events in when
 * either happens.
 *
 * Reads the unit's events as unit-events.ts staged them (with their order's
 * amounts, warehouse, offset and hour).
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { hourDaySql, hourLabelSql } from "../bucket-sql";
import { deleteUnitRows, SLOT_MS, storeIn, type Fold } from "./fold";
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
    const entered = (status: string) => sql.raw(`(e.to_status = '${status}' AND e.entered)`);
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
            SUM(e.type = 'received') AS received,
            SUM(${entered("approved")}) AS approved,
            SUM(${entered("on_hold")}) AS held,
            SUM(${entered("processing")}) AS processing,
            SUM(${entered("shipped")}) AS shipped,
            SUM(${entered("delivered")}) AS delivered,
            SUM(${entered("completed")}) AS completed,
            SUM(${entered("cancelled")}) AS cancelled,
            SUM(e.type = 'reject') AS rejected,
            SUM(CASE WHEN e.type = 'received' THEN e.subtotal_amount ELSE 0 END) AS gross_amount,
            SUM(CASE WHEN e.type = 'received' THEN e.discount_amount ELSE 0 END) AS discount_amount,
            SUM(CASE WHEN e.type = 'received' THEN e.shipping_amount ELSE 0 END) AS shipping_amount,
            SUM(CASE WHEN e.type = 'received' THEN e.tax_amount ELSE 0 END) AS tax_amount,
            SUM(CASE WHEN e.type = 'received' THEN e.total_amount ELSE 0 END) AS net_amount,
            SUM(CASE WHEN ${entered("cancelled")} THEN e.total_amount ELSE 0 END) AS cancelled_amount
          FROM ${UNIT_EVENTS}
          GROUP BY e.store_id, e.offset_ms, e.hour_start, e.channel, e.warehouse_id, e.currency
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
