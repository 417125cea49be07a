/** Which backorders get arriving stock first, by the store's `backorder_priority`. Pure. */
import type { stores } from "../db/schema";

export type BackorderPriority = (typeof stores.$inferSelect)["backorderPriority"];
export type Waiting = { orderId: string; storeId: string; backorderedAt: number; total: number; units: number };

/** Pure: the store's backorders in the order its priority serves them; ties go to the older backorder, then the id. */
export function servingOrder(waiting: readonly Waiting[], priority: BackorderPriority): Waiting[] {
  const key = (w: Waiting) => (priority === "largest_value" ? -w.total : priority === "fewest_units" ? w.units : 0);
  return [...waiting].sort((a, b) => key(a) - key(b) || a.backorderedAt - b.backorderedAt || a.orderId.localeCompare(b.orderId));
}
