/**
 * Availability for the audit's stock rule: units free to reserve per SKU,
 * summed over the storage bins of every active warehouse. A merchant who
 * keeps no stock in the system yet answers null, and the rule is skipped
 * rather than holding every order.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { database } from "../db/client";
import { bins, stockLevels, warehouses } from "../db/schema";

export async function availableAcrossWarehouses(env: { DB: D1Database }, skus: readonly string[]): Promise<ReadonlyMap<string, number> | null> {
  const db = database(env);
  const [any, rows] = await db.batch([
    db.select({ one: sql<number>`1` }).from(stockLevels).limit(1),
    db
      .select({ sku: stockLevels.sku, available: sql<number>`sum(${stockLevels.onHand} - ${stockLevels.reserved})` })
      .from(stockLevels)
      .innerJoin(bins, eq(bins.id, stockLevels.binId))
      .innerJoin(warehouses, eq(warehouses.id, stockLevels.warehouseId))
      .where(and(inArray(stockLevels.sku, skus.length ? [...skus] : [""]), eq(bins.kind, "storage"), eq(warehouses.active, true)))
      .groupBy(stockLevels.sku),
  ]);
  if (any.length === 0) return null;
  return new Map(rows.map((r) => [r.sku, Number(r.available)]));
}
