/**
 * Catalogue lookups for the intake path. Intake needs each SKU's name and
 * type (goods must ship, services need not). Answers are kept in the isolate
 * for CATALOGUE_CACHE_MS so that a storefront's burst of orders costs one D1
 * read, not one per order; a product change made through this isolate clears
 * its entries at once, other isolates see it within the window. The audit
 * stage re-reads the catalogue for its price and availability checks.
 *
 * A lookup never waits for a read another lookup started: that read belongs
 * to another request (or queue batch), and a Worker request that ends first,
 * cut short or failed, leaves a promise of its I/O that never settles, so the
 * waiter would hang until the runtime cancels it. Lookups that miss the cache
 * at the same moment each read; the first answer back fills the cache.
 */
import { and, eq, inArray } from "drizzle-orm";
import { chunk, database } from "../db/client";
import { products } from "../db/schema";
import type { ShardScope } from "../db/shard";

export const CATALOGUE_CACHE_MS = 10_000;

export type CatalogueEntry = { name: string; type: "goods" | "service"; active: boolean };

const cache = new Map<string, { entry: CatalogueEntry | null; expires: number }>();
const cacheKey = (storeId: string, sku: string) => `${storeId}\u0000${sku}`;

/**
 * Bumped by each product change made through this isolate: a read begun before it is not cached. When the counts
 * are dropped (too many SKUs changed), the epoch moves on instead, so a read under way then is not cached either.
 */
const changes = new Map<string, number>();
let epoch = 0;

export function forgetProduct(storeId: string, sku: string): void {
  const key = cacheKey(storeId, sku);
  cache.delete(key);
  if (changes.size > 50_000) {
    changes.clear();
    epoch++;
  }
  changes.set(key, (changes.get(key) ?? 0) + 1);
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
  if (!missing.length) return out;
  // A product changed while it was being read may have been read before the change: answered, but not cached.
  const seenEpoch = epoch;
  const seen = missing.map((sku) => changes.get(cacheKey(storeId, sku)) ?? 0);
  const answer = await readSkus(env, storeId, missing);
  const expires = Date.now() + CATALOGUE_CACHE_MS;
  if (cache.size > 50_000) cache.clear();
  missing.forEach((sku, i) => {
    const entry = answer.get(sku) ?? null;
    out.set(sku, entry);
    const key = cacheKey(storeId, sku);
    if (epoch === seenEpoch && (changes.get(key) ?? 0) === seen[i]) cache.set(key, { entry, expires });
  });
  return out;
}

async function readSkus(env: ShardScope, storeId: string, skus: readonly string[]): Promise<ReadonlyMap<string, CatalogueEntry | null>> {
  const db = database(env);
  const rows = (
    await Promise.all(
      chunk([...skus], 90).map((part) =>
        db
          .select({ sku: products.sku, name: products.name, type: products.type, active: products.active })
          .from(products)
          .where(and(eq(products.storeId, storeId), inArray(products.sku, part)))
          .all(),
      ),
    )
  ).flat();
  const found = new Map(rows.map((r) => [r.sku, { name: r.name, type: r.type, active: r.active }]));
  return new Map(skus.map((sku) => [sku, found.get(sku) ?? null]));
}
