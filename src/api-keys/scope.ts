/** No key sees or grants beyond its own scope: a list of ids, or "*" for all. */
import type { Principal } from "../http/auth";

export const withinScope = (mine: "*" | readonly string[], ids: readonly string[]) => mine === "*" || (!ids.includes("*") && ids.every((s) => mine.includes(s)));

/** A key's stores and warehouses both within the principal's. */
export const within = (p: Principal, key: { storeIds: readonly string[]; warehouseIds: readonly string[] }) =>
  withinScope(p.stores, key.storeIds) && withinScope(p.warehouses, key.warehouseIds);
