/**
 * Warehouse scope. A key sees the warehouses in its `warehouse_ids`; one it
 * cannot see is reported exactly like one that does not exist (404 / "no
 * such warehouse"), so ids never leak.
 */
import { eq, inArray, type AnyColumn, type SQL } from "drizzle-orm";
import { database } from "../db/client";
import { warehouses } from "../db/schema";
import { seesWarehouse, type Principal } from "../http/auth";
import { notFound } from "../http/problem";

export type WarehouseRow = typeof warehouses.$inferSelect;

export function warehouseScope(p: Principal, column: AnyColumn): SQL | undefined {
  return p.warehouses === "*" ? undefined : inArray(column, [...p.warehouses]);
}

export async function visibleWarehouse(env: { DB: D1Database }, p: Principal, id: string): Promise<WarehouseRow | null> {
  if (!seesWarehouse(p, id)) return null;
  return (await database(env).select().from(warehouses).where(eq(warehouses.id, id)).get()) ?? null;
}

/** The warehouse named in the path, or a 404. */
export async function warehouseOr404(env: { DB: D1Database }, p: Principal, id: string): Promise<WarehouseRow> {
  const row = await visibleWarehouse(env, p, id);
  if (!row) throw notFound("warehouse");
  return row;
}
