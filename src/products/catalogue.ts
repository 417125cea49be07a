/**
 * Catalogue lookups for the intake path. Intake needs each SKU's name and
 * type (goods must ship, services need not). Answers are kept in the isolate
 * for CATALOGUE_CACHE_MS so that a storefront's burst of orders costs one D1
 * read, not one per order; a product change made through this isolate clears
 * its entries at once, other isolates see it within the window. The audit
 * stage re-reads the catalogue for its price and availability checks.
 */
import { and, eq, inArray } from "drizzle-orm";
import { chunk, database } from "../db/client";
import { products } from "../db/schema";
import type { ShardScope } from "../db/shard";

export const CATALOGUE_CACHE_MS = 10_000;

export type CatalogueEntry = { name: string; type: "goods" | "service"; active: boolean };

const cache = new Map<string, { entry: CatalogueEntry | null; expires: number }>();
const cacheKey = (storeId: string, sku: string) => `${storeId}\u0000${sku}`;

export function forgetProduct(storeId: string, sku: string): void {
  cache.delete(cacheKey(storeId, sku));
}

export async function lookupSkus(env: ShardScope, storeId: string, skus: readonly string[]): Promise<Map<string, CatalogueEntry | null>> {
  const now = Date.now();
  const out = new Map<string, CatalogueEntry | null>();
  const missing: string[] = [];
  for (const sku of new Set(skus)) {
    const hit = cache.get(cacheKey(storeId, sku));
    if (hit && hit.expires > now) out.set(sku, hit.entry);
    else missing.push(sku);
  }
  if (missing.length === 0) return out;
  const db = database(env);
  const rows = (
    await Promise.all(
      chunk(missing, 90).map((part) =>
        db
          .select({ sku: products.sku, name: products.name, type: products.type, active: products.active })
          .from(products)
          .where(and(eq(products.storeId, storeId), inArray(products.sku, part)))
          .all(),
      ),
    )
  ).flat();
  const found = new Map(rows.map((r) => [r.sku, { name: r.name, type: r.type, active: r.active }]));
  if (cache.size > 50_000) cache.clear();
  for (const sku of missing) {
    const entry = found.get(sku) ?? null;
    cache.set(cacheKey(storeId, sku), { entry, expires: now + CATALOGUE_CACHE_MS });
    out.set(sku, entry);
  }
  return out;
}
