/**
 * An order's primary warehouse: the one its allocation put most of its
 * units in (ties: the smallest warehouse id). The order's rollups count it
 * there (analytics/folds/order-counts.ts). It is kept on the order
 * (`orders.primary_warehouse_id`, NULL until allocated) because the rollups
 * ask it of every order a unit of work touches: worked out from the items
 * each time, it was a tenth of the rollup staging's CPU (issue #18's bench
 * data: one 7-day unit staged in 166-169 ms with it read from the order,
 * 187-192 ms with it worked out; node:sqlite).
 *
 * Only allocation and a re-route change the allocation: the items are
 * written with the order's `process` event and never deleted or moved
 * between warehouses; a re-route marks the refused shipment's items
 * re-routed (they no longer count) and writes new ones. So the order gets
 * it with its `process` and again with each `reroute`, in the order's own
 * update (the order object is the one writer of the order row): from the
 * plan for an allocation, from the items and the plan for a re-route.
 */
import { sql, type SQL } from "drizzle-orm";

type Units = { warehouseId: string; quantity: number };

/** Pure: the primary warehouse of these allocated units, null for none. */
export function primaryWarehouse(items: readonly Units[]): string | null {
  const units = new Map<string, number>();
  for (const i of items) units.set(i.warehouseId, (units.get(i.warehouseId) ?? 0) + i.quantity);
  let best: string | null = null;
  for (const [id, n] of units) {
    const b = best === null ? -1 : units.get(best)!;
    // Ids compare as SQLite compares text (code units): the SQL below breaks ties the same way.
    if (n > b || (n === b && id < best!)) best = id;
  }
  return best;
}

/**
 * The same in SQL, from the order's items in the database (re-routed ones left out), as a re-route leaves them: the
 * live items of the refused shipment `refused` left out too and the new items `added` counted. It is the value of the
 * order's own update, which the change's item writes follow in its batch. NULL for none.
 */
export function primaryWarehouseSql(orderId: SQL, { refused = null, added = [] }: { refused?: string | null; added?: readonly Units[] } = {}): SQL {
  const more = JSON.stringify(added.map((i) => [i.warehouseId, i.quantity]));
  return sql`(SELECT w FROM (
      SELECT si.warehouse_id AS w, si.quantity AS q FROM shipment_items si
      WHERE si.order_id = ${orderId} AND si.rerouted_at IS NULL AND NOT (si.shipment_id IS ${refused} AND si.cancelled_at IS NULL)
      UNION ALL SELECT value ->> 0, value ->> 1 FROM json_each(${more})
    ) GROUP BY w ORDER BY SUM(q) DESC, w LIMIT 1)`;
}
