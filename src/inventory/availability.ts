/**
 * Availability for the audit's stock rule: units free to reserve per SKU,
 * summed over the storage bins of every active warehouse. A merchant who
 * keeps no stock in the system yet answers null, and the rule is skipped
 * rather than holding every order.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { bins, stockLevels, warehouses } from "../db/schema";

/** The two reads behind availability, for a caller's own batch: whether any stock is kept, and the free units per SKU. */
export function availabilityQueries(db: Database, skus: readonly string[]) {
  return [
    db.select({ one: sql<number>`1` }).from(stockLevels).limit(1),
    db
      .select({ sku: stockLevels.sku, available: sql<number>`sum(${stockLevels.onHand} - ${stockLevels.reserved})` })
      .from(stockLevels)
      .innerJoin(bins, eq(bins.id, stockLevels.binId))
      .innerJoin(warehouses, eq(warehouses.id, stockLevels.warehouseId))
      .where(and(inArray(stockLevels.sku, skus.length ? [...skus] : [""]), eq(bins.kind, "storage"), eq(warehouses.active, true)))
      .groupBy(stockLevels.sku),
  ] as const;
}

/** Availability from those reads' rows: null when no stock is kept at all. */
export function availabilityFrom(any: readonly unknown[], rows: readonly { sku: string; available: number }[]): ReadonlyMap<string, number> | null {
  if (any.length === 0) return null;
  return new Map(rows.map((r) => [r.sku, Number(r.available)]));
}
