/**
 * Order flow per local hour and day: how many orders entered each state
 * (counted from order_events, so an order held twice counts two holds), and
 * the amounts of the orders received, per store, channel, warehouse and
 * currency. The day rows are summed from the hour rows in the same batch.
 *
 * Warehouse is "" for now: orders carry no warehouse until allocation
 * (issue 3/4) records one; a shipment-based fold will then fill it in.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { hourLabelSql, hourStartSql } from "../bucket-sql";
import { deleteUnitRows, eventDay, eventsOfUnit, storeIn, unitEventsWhere, type Fold } from "./fold";

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
    return [
      deleteUnitRows(d1, "rollup_order_hours", unit),
      deleteUnitRows(d1, "rollup_order_days", unit),
      statement(d1, sql`INSERT INTO rollup_order_hours (store_id, day, hour_start, hour_label, channel, warehouse_id, currency, ${measureList})
        SELECT o.store_id, ${eventDay(unit)}, ${hourStartSql(at, unit.zones)}, ${hourLabelSql(at, unit.zones)}, o.channel, '', o.currency,
          SUM(e.type = 'received'),
          SUM(e.to_status = 'approved'),
          SUM(e.to_status = 'on_hold'),
          SUM(e.to_status = 'processing'),
          SUM(e.to_status = 'shipped'),
          SUM(e.to_status = 'delivered'),
          SUM(e.to_status = 'completed'),
          SUM(e.to_status = 'cancelled'),
          SUM(e.type = 'reject'),
          SUM(CASE WHEN e.type = 'received' THEN o.subtotal_amount ELSE 0 END),
          SUM(CASE WHEN e.type = 'received' THEN o.discount_amount ELSE 0 END),
          SUM(CASE WHEN e.type = 'received' THEN o.shipping_amount ELSE 0 END),
          SUM(CASE WHEN e.type = 'received' THEN o.tax_amount ELSE 0 END),
          SUM(CASE WHEN e.type = 'received' THEN o.total_amount ELSE 0 END),
          SUM(CASE WHEN e.to_status = 'cancelled' THEN o.total_amount ELSE 0 END)
        FROM ${eventsOfUnit(unit)}
        WHERE ${unitEventsWhere(unit)} AND ${unit.guard}
        GROUP BY o.store_id, 2, 3, 4, o.channel, o.currency`),
      statement(d1, sql`INSERT INTO rollup_order_days (store_id, day, channel, warehouse_id, currency, ${measureList})
        SELECT store_id, day, channel, warehouse_id, currency, ${measureSums}
        FROM rollup_order_hours
        WHERE ${storeIn(sql`store_id`, unit.storeIds)} AND day BETWEEN ${unit.firstDay} AND ${unit.lastDay} AND ${unit.guard}
        GROUP BY store_id, day, channel, warehouse_id, currency`),
    ];
  },
};
