/**
 * Warehouse scope. A key sees the warehouses in its `warehouse_ids` that ship
 * for at least one of its stores; one it cannot see is reported exactly like
 * one that does not exist (404 / "no such warehouse"), so ids never leak.
 */
import { and, eq, inArray, not, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { database } from "../db/client";
import { orders, shipments, warehouses } from "../db/schema";
import { seesWarehouse, storeScope, type Principal } from "../http/auth";
import { forbidden, notFound } from "../http/problem";
import { isShared, mayManage, servesAnyOf } from "./warehouse-stores";
import type { ShardScope } from "../db/shard";

export type WarehouseRow = typeof warehouses.$inferSelect;

export function warehouseScope(p: Principal, column: AnyColumn): SQL | undefined {
  return p.warehouses === "*" ? undefined : inArray(column, [...p.warehouses]);
}

/** Warehouses that ship for at least one of the key's stores (a list query's half of `servesAnyOf`). */
export function warehouseStoreScope(p: Principal): SQL | undefined {
  if (p.stores === "*") return undefined;
  const mine = sql.join(
    p.stores.map((s) => sql`${s}`),
    sql`, `,
  );
  return sql`EXISTS (SELECT 1 FROM json_each(${warehouses.storeIds}) WHERE value = '*' OR value IN (${mine}))`;
}

export async function visibleWarehouse(env: ShardScope, p: Principal, id: string): Promise<WarehouseRow | null> {
  if (!seesWarehouse(p, id)) return null;
  const row = await database(env).select().from(warehouses).where(eq(warehouses.id, id)).get();
  return row && servesAnyOf(row.storeIds, p.stores) ? row : null;
}

/** The warehouse named in the path, or a 404. */
export async function warehouseOr404(env: ShardScope, p: Principal, id: string): Promise<WarehouseRow> {
  const row = await visibleWarehouse(env, p, id);
  if (!row) throw notFound("warehouse");
  return row;
}

/**
 * The ledger's references (`ref_id`) that name another store's order or
 * shipment: stock in a shared warehouse is the merchant's, so a store-scoped
 * key reads every movement, but not which other store's order caused it.
 */
export async function foreignRefs(env: ShardScope, p: Principal, refs: readonly { refType: string | null; refId: string | null }[]): Promise<Set<string>> {
  if (p.stores === "*") return new Set();
  const ids = (type: string) => [...new Set(refs.filter((r) => r.refType === type && r.refId).map((r) => r.refId!))];
  const orderIds = ids("order");
  const shipmentIds = ids("shipment");
  const db = database(env);
  const mine = storeScope(p, orders.storeId)!;
  const [o, s] = await Promise.all([
    orderIds.length
      ? db
          .select({ id: orders.id })
          .from(orders)
          .where(and(inArray(orders.id, orderIds), not(mine)))
          .all()
      : [],
    shipmentIds.length
      ? db
          .select({ id: shipments.id })
          .from(shipments)
          .where(and(inArray(shipments.id, shipmentIds), not(storeScope(p, shipments.storeId)!)))
          .all()
      : [],
  ]);
  return new Set([...o, ...s].map((r) => r.id));
}

/** Refuses a key that may not manage a warehouse serving `storeIds` (403: the key knows the warehouse, it may only not change it). */
export function assertMayManage(p: Principal, storeIds: readonly string[]): void {
  if (mayManage(p, storeIds)) return;
  throw forbidden(
    isShared(storeIds) ? "A warehouse shared by several stores (or by every store) is managed only by a key for every store" : `This key may not act for store ${storeIds[0]}`,
  );
}

/** A warehouse named in a path for a change of its own or of its layout (zones, bins, package types): the same rule as changing it. */
export async function managedWarehouseOr404(env: ShardScope, p: Principal, id: string): Promise<WarehouseRow> {
  const wh = await warehouseOr404(env, p, id);
  assertMayManage(p, wh.storeIds);
  return wh;
}
