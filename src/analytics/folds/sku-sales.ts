/**
 * Units and revenue per SKU and local day: ordered (lines of orders received
 * that day), cancelled (lines of orders cancelled that day) and shipped
 * (lines of orders shipped that day). Revenue is the line total, before
 * order-level discounts. Warehouse is "" and cost null until inventory
 * (issue 3) records the warehouse and moving-average cost of what shipped;
 * margin is then revenue_shipped - cost_shipped.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { dayOfNumberSql } from "../bucket-sql";
import { deleteUnitRows, eventDayNumber, EVENTS_WITH_ORDERS, unitEventsWhere, type Fold } from "./fold";

export const skuSales: Fold = {
  name: "sku-sales",
  tables: ["rollup_sku_days"],
  async refold(d1, unit) {
    const when = (cond: string, col: string, as: string) => sql.raw(`SUM(CASE WHEN ${cond} THEN l.${col} ELSE 0 END) AS ${as}`);
    return [
      deleteUnitRows(d1, "rollup_sku_days", unit),
      statement(d1, sql`INSERT INTO rollup_sku_days (store_id, day, warehouse_id, sku, currency, units_ordered, revenue_ordered,
          units_cancelled, revenue_cancelled, units_shipped, revenue_shipped, cost_shipped)
        SELECT store_id, ${dayOfNumberSql(sql`day_number`)}, '', sku, currency, units_ordered, revenue_ordered,
          units_cancelled, revenue_cancelled, units_shipped, revenue_shipped, NULL
        FROM (
          SELECT o.store_id AS store_id, ${eventDayNumber(unit)} AS day_number, l.sku AS sku, o.currency AS currency,
            ${when("e.type = 'received'", "quantity", "units_ordered")}, ${when("e.type = 'received'", "total_amount", "revenue_ordered")},
            ${when("e.to_status = 'cancelled'", "quantity", "units_cancelled")}, ${when("e.to_status = 'cancelled'", "total_amount", "revenue_cancelled")},
            ${when("e.to_status = 'shipped'", "quantity", "units_shipped")}, ${when("e.to_status = 'shipped'", "total_amount", "revenue_shipped")}
          FROM ${EVENTS_WITH_ORDERS} JOIN order_lines l ON l.order_id = e.order_id
          WHERE ${unitEventsWhere(unit)} AND (e.type = 'received' OR e.to_status IN ('cancelled', 'shipped'))
          GROUP BY o.store_id, day_number, l.sku, o.currency
        )
        WHERE ${unit.guard}`),
    ];
  },
};
