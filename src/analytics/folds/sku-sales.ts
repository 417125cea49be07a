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
import { deleteUnitRows, eventDay, eventsOfUnit, unitEventsWhere, type Fold } from "./fold";

export const skuSales: Fold = {
  name: "sku-sales",
  tables: ["rollup_sku_days"],
  async refold(d1, unit) {
    const when = (cond: string, col: string) => sql.raw(`SUM(CASE WHEN ${cond} THEN l.${col} ELSE 0 END)`);
    return [
      deleteUnitRows(d1, "rollup_sku_days", unit),
      statement(d1, sql`INSERT INTO rollup_sku_days (store_id, day, warehouse_id, sku, currency, units_ordered, revenue_ordered,
          units_cancelled, revenue_cancelled, units_shipped, revenue_shipped, cost_shipped)
        SELECT o.store_id, ${eventDay(unit)}, '', l.sku, o.currency,
          ${when("e.type = 'received'", "quantity")}, ${when("e.type = 'received'", "total_amount")},
          ${when("e.to_status = 'cancelled'", "quantity")}, ${when("e.to_status = 'cancelled'", "total_amount")},
          ${when("e.to_status = 'shipped'", "quantity")}, ${when("e.to_status = 'shipped'", "total_amount")},
          NULL
        FROM ${eventsOfUnit(unit)} JOIN order_lines l ON l.order_id = e.order_id
        WHERE ${unitEventsWhere(unit)} AND (e.type = 'received' OR e.to_status IN ('cancelled', 'shipped')) AND ${unit.guard}
        GROUP BY o.store_id, 2, l.sku, o.currency`),
    ];
  },
};
