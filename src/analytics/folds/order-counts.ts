/**
 * Order flow per local hour and day: how many orders entered each state
 * (counted from order_events, so an order held twice counts two holds), and
 * the amounts of the orders received, per store, channel, warehouse and
 * currency. The day rows are summed from the hour rows in the same batch.
 *
 * Warehouse: an order counts, in every bucket it touches, under the
 * warehouse its allocation put most of its units in (orderWarehouseSql),
 * from the moment it is allocated; until then, and for orders never
 * allocated, under "". Allocation is the `process` event, so the change
 * source below re-marks every day the order has events in when it happens.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { hourDaySql, hourLabelSql, hourStartSql } from "../bucket-sql";
import { deleteUnitRows, eventOffset, EVENTS_WITH_ORDERS, orderWarehouseSql, SLOT_MS, storeIn, unitEventsWhere, type Fold } from "./fold";

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
    const at = sql`e.created_at`;
    const off = eventOffset(unit);
    const hs = sql`hour_start`;
    const zoneOff = sql`off`;
    return [
      deleteUnitRows(d1, "rollup_order_hours", unit),
      deleteUnitRows(d1, "rollup_order_days", unit),
      statement(
        d1,
        sql`INSERT INTO rollup_order_hours (store_id, day, hour_start, hour_label, channel, warehouse_id, currency, ${measureList})
        SELECT store_id, ${hourDaySql(hs, zoneOff)}, hour_start, ${hourLabelSql(hs, zoneOff, unit.zones)}, channel, warehouse_id, currency, ${measureList}
        FROM (
          SELECT o.store_id AS store_id, ${off} AS off, ${hourStartSql(at, off)} AS hour_start, o.channel AS channel,
            ${orderWarehouseSql(sql`o.id`)} AS warehouse_id, o.currency AS currency,
            SUM(e.type = 'received') AS received,
            SUM((e.to_status = 'approved' AND e.from_status IS NOT e.to_status)) AS approved,
            SUM((e.to_status = 'on_hold' AND e.from_status IS NOT e.to_status)) AS held,
            SUM((e.to_status = 'processing' AND e.from_status IS NOT e.to_status)) AS processing,
            SUM((e.to_status = 'shipped' AND e.from_status IS NOT e.to_status)) AS shipped,
            SUM((e.to_status = 'delivered' AND e.from_status IS NOT e.to_status)) AS delivered,
            SUM((e.to_status = 'completed' AND e.from_status IS NOT e.to_status)) AS completed,
            SUM((e.to_status = 'cancelled' AND e.from_status IS NOT e.to_status)) AS cancelled,
            SUM(e.type = 'reject') AS rejected,
            SUM(CASE WHEN e.type = 'received' THEN o.subtotal_amount ELSE 0 END) AS gross_amount,
            SUM(CASE WHEN e.type = 'received' THEN o.discount_amount ELSE 0 END) AS discount_amount,
            SUM(CASE WHEN e.type = 'received' THEN o.shipping_amount ELSE 0 END) AS shipping_amount,
            SUM(CASE WHEN e.type = 'received' THEN o.tax_amount ELSE 0 END) AS tax_amount,
            SUM(CASE WHEN e.type = 'received' THEN o.total_amount ELSE 0 END) AS net_amount,
            SUM(CASE WHEN (e.to_status = 'cancelled' AND e.from_status IS NOT e.to_status) THEN o.total_amount ELSE 0 END) AS cancelled_amount
          FROM ${EVENTS_WITH_ORDERS}
          WHERE ${unitEventsWhere(unit)}
          GROUP BY o.store_id, off, hour_start, o.channel, warehouse_id, o.currency
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
  // Allocation (the process event) gives an order its warehouse: every bucket the order counts in moves, not only today's.
  changedSlots(from, to) {
    return sql`SELECT o.store_id AS store_id, e.created_at / ${SLOT_MS} AS slot
      FROM order_events p CROSS JOIN order_events e ON e.order_id = p.order_id CROSS JOIN orders o ON o.id = p.order_id
      WHERE p.created_at > ${from} AND p.created_at <= ${to} AND p.type = 'process'`;
  },
};
