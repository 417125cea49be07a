/**
 * Units and revenue per SKU, warehouse and local day: ordered (lines of
 * orders received that day), cancelled (lines of orders cancelled that day)
 * and shipped (lines of orders shipped that day). Revenue is the line total,
 * before order-level discounts.
 *
 * Warehouse: each line is split over the allocation items that hold it
 * (shipment_items: one per warehouse bin the line was reserved in, leaving
 * out items a re-route replaced: they are the refused shipment's record, and
 * the new items hold the same units), units as
 * allocated and revenue pro rata, exactly (item i of a line gets
 * floor(total * C_i / q) - floor(total * C_(i-1) / q), C = units allocated up
 * to and including it, in item id order), so the parts add up to the line.
 * A line without items (not allocated yet, services) is one part, "".
 *
 * Cost: a shipped part costs its units at the unit cost recorded on the ship
 * movements of its shipment and SKU (the moving average when the goods left,
 * so a refold always finds the same cost). Unknown, and the row's cost_shipped
 * NULL, when a movement has no cost (shipped before costs were recorded, a
 * SKU never received at a cost), the warehouse keeps costs in another
 * currency than the order's, or the part was never allocated. A row that
 * shipped nothing has cost NULL as well: there is no margin to speak of.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { dayOfNumberSql } from "../bucket-sql";
import { countWhere, deleteUnitRows, sumWhere, type Fold } from "./fold";
import { UNIT_EVENTS } from "./unit-events";

// The sales are sorted by order before their lines and items are looked up: the unit's events are staged in time order,
// and lines and items looked up in the order of their keys are found on the pages just read (the bench's first three
// units: 618-627 ms sorted, 692-700 ms in time order; bench/rollup-profile.ts). Each part is computed once
// (MATERIALIZED): flattened into the outer query, the allocation's running sum and the unit cost were evaluated once
// per use, nine and three times per part. An item holding its whole line skips the running
// sum: its revenue is the line's total whatever came before it (floor(t * (C + q) / q) - floor(t * C / q) = t for any
// C), so its own quantity stands in for the sum.

/** 0 ordered, 1 cancelled, 2 shipped. */
const KINDS = ["ordered", "cancelled", "shipped"] as const;

/** The unit cost, in the order's currency, of what a shipment took of a SKU out of stock; NULL when unknown. */
const shippedUnitCost = sql`(SELECT CASE WHEN COUNT(*) > 0 AND COUNT(m.unit_cost) = COUNT(*) THEN
      CAST(ROUND(SUM(-m.on_hand_delta * m.unit_cost) * 1.0 / NULLIF(SUM(-m.on_hand_delta), 0)) AS INTEGER) END
    FROM stock_movements m WHERE m.ref_id = si.shipment_id AND m.kind = 'ship' AND m.sku = si.sku
      AND (SELECT w.currency FROM warehouses w WHERE w.id = si.warehouse_id) = e.currency)`;

export const skuSales: Fold = {
  name: "sku-sales",
  tables: ["rollup_sku_days"],
  async refold(d1, unit) {
    const ofKind = (kind: number) => sql.raw(`kind = ${kind}`);
    const measures = KINDS.flatMap((_, k) => [sumWhere(sql`units`, ofKind(k)), sumWhere(sql`revenue`, ofKind(k))]);
    const shipped = ofKind(2);
    return [
      deleteUnitRows(d1, "rollup_sku_days", unit),
      statement(
        d1,
        sql`INSERT INTO rollup_sku_days (store_id, day, warehouse_id, sku, currency, units_ordered, revenue_ordered,
          units_cancelled, revenue_cancelled, units_shipped, revenue_shipped, cost_shipped)
        WITH sales AS MATERIALIZED (
          SELECT e.store_id AS store_id, e.order_id AS order_id, e.day_number AS day_number, e.currency AS currency, e.type AS type, e.to_status AS to_status
          FROM ${UNIT_EVENTS}
          WHERE e.type = 'received' OR (e.to_status IN ('cancelled', 'shipped') AND e.entered)
          ORDER BY e.order_id
        ),
        parts AS MATERIALIZED (
          SELECT e.store_id AS store_id, e.day_number AS day_number, l.sku AS sku, e.currency AS currency,
            CASE WHEN e.type = 'received' THEN 0 WHEN e.to_status = 'cancelled' THEN 1 ELSE 2 END AS kind,
            COALESCE(si.warehouse_id, '') AS warehouse_id, COALESCE(si.quantity, l.quantity) AS units,
            l.quantity AS quantity, l.total_amount AS total,
            CASE WHEN si.quantity = l.quantity THEN si.quantity
              ELSE (SELECT SUM(x.quantity) FROM shipment_items x WHERE x.order_id = si.order_id AND x.line_no = si.line_no AND x.rerouted_at IS NULL AND x.id <= si.id) END AS cum,
            CASE WHEN e.to_status = 'shipped' THEN ${shippedUnitCost} END AS unit_cost
          FROM sales e CROSS JOIN order_lines l ON l.order_id = e.order_id
            LEFT JOIN shipment_items si ON si.order_id = l.order_id AND si.line_no = l.line_no AND si.rerouted_at IS NULL
        )
        SELECT store_id, ${dayOfNumberSql(sql`day_number`)}, warehouse_id, sku, currency, ${sql.join(measures, sql`, `)},
          CASE WHEN ${countWhere(shipped)} = 0 OR ${countWhere(sql`${shipped} AND unit_cost IS NULL`)} > 0 THEN NULL ELSE ${sumWhere(sql`units * unit_cost`, shipped)} END
        FROM (
          SELECT store_id, day_number, warehouse_id, sku, currency, kind, units, unit_cost,
            CASE WHEN cum IS NULL THEN total ELSE total * cum / quantity - total * (cum - units) / quantity END AS revenue
          FROM parts
        )
        WHERE ${unit.guard}
        GROUP BY store_id, day_number, warehouse_id, sku, currency`,
      ),
    ];
  },
};
