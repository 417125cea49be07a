/**
 * Catalogue lookups for the intake path. Intake needs each SKU's name and
 * type (goods must ship, services need not). Answers are kept in the isolate
 * for CATALOGUE_CACHE_MS so that a storefront's burst of orders costs one D1
 * read, not one per order (also when the window ends under a burst: lookups
 * of SKUs already being read wait for that read); a product change made through this isolate clears
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
  // A read under way may have read the product before the change: later lookups read again, and it is not cached.
  reading.delete(cacheKey(storeId, sku));
}

/** Reads under way, by cache key: concurrent lookups of the same SKUs share one read (a burst after the window). */
const reading = new Map<string, Promise<ReadonlyMap<string, CatalogueEntry | null>>>();

export async function lookupSkus(env: ShardScope, storeId: string, skus: readonly string[]): Promise<Map<string, CatalogueEntry | null>> {
  const now = Date.now();
  const out = new Map<string, CatalogueEntry | null>();
  const missing: string[] = [];
  const waits = new Set<Promise<ReadonlyMap<string, CatalogueEntry | null>>>();
  for (const sku of new Set(skus)) {
    const key = cacheKey(storeId, sku);
    const hit = cache.get(key);
    const pending = reading.get(key);
    if (hit && hit.expires > now) out.set(sku, hit.entry);
    else if (pending) waits.add(pending);
    else missing.push(sku);
  }
  if (missing.length) {
    const keys = missing.map((sku) => cacheKey(storeId, sku));
    // Each SKU is kept only while this read is still the one under way for it (`forgetProduct` ends that).
    const ours = (key: string) => reading.get(key) === read;
    const read = readSkus(env, storeId, missing).then(
      (answer) => {
        const expires = Date.now() + CATALOGUE_CACHE_MS;
        if (cache.size > 50_000) cache.clear();
        for (const [sku, entry] of answer) {
          const key = cacheKey(storeId, sku);
          if (ours(key)) cache.set(key, { entry, expires });
        }
        for (const key of keys) if (ours(key)) reading.delete(key);
        return answer;
      },
      (err: unknown) => {
        for (const key of keys) if (ours(key)) reading.delete(key);
        throw err;
      },
    );
    for (const key of keys) reading.set(key, read);
    waits.add(read);
  }
  // Each read answers for the SKUs it was started for; a SKU another lookup is reading comes from that read.
  for (const answer of await Promise.all(waits)) for (const sku of skus) if (!out.has(sku) && answer.has(sku)) out.set(sku, answer.get(sku)!);
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
