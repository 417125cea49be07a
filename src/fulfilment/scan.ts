/** What a scanner read: an SKU, or a barcode from the catalogue of the shipment's store; and the record of a wrong scan. */
import { and, eq, inArray, or, type SQLWrapper } from "drizzle-orm";
import type { Database } from "../db/client";
import { products, warehouseEvents } from "../db/schema";

export async function skuForScan(db: Database, code: string, { storeId, skus }: { storeId: string; skus: readonly string[] }): Promise<string | null> {
  return (await skusForScans(db, [code], { storeId, skus })).get(code) ?? null;
}

/** Codes per catalogue query: each is bound twice (barcode, SKU) beside the store, under D1's 100 bound parameters. */
const CODES_PER_QUERY = 45;

/**
 * The SKU of `skus` each code names (itself, or a product of the store whose SKU or barcode it is), or null for a code
 * naming none of them: every code in one round trip, whatever their number.
 */
export async function skusForScans(db: Database, codes: readonly string[], { storeId, skus }: { storeId: string; skus: readonly string[] }): Promise<Map<string, string | null>> {
  const distinct = [...new Set(codes)];
  const unknown = distinct.filter((c) => !skus.includes(c));
  if (!unknown.length) return skusFromCatalogue(distinct, skus, []);
  const [first, ...more] = catalogueForScans(db, unknown, storeId);
  const rows = more.length ? (await db.batch([first!, ...more])).flat() : await first!.all();
  return skusFromCatalogue(distinct, skus, rows);
}

/**
 * The store's products whose SKU or barcode is one of `codes`, for a caller's batch: one query per
 * CODES_PER_QUERY codes. `storeId` may be a subquery naming the store (one row, one column).
 */
export function catalogueForScans(db: Database, codes: readonly string[], storeId: string | SQLWrapper) {
  const queries = [];
  for (let i = 0; i < Math.max(codes.length, 1); i += CODES_PER_QUERY) {
    const chunk = codes.slice(i, i + CODES_PER_QUERY);
    queries.push(
      db
        .select({ sku: products.sku, barcode: products.barcode })
        .from(products)
        .where(
          and(typeof storeId === "string" ? eq(products.storeId, storeId) : inArray(products.storeId, storeId), or(inArray(products.barcode, chunk), inArray(products.sku, chunk))),
        ),
    );
  }
  return queries as [(typeof queries)[number], ...(typeof queries)[number][]];
}

/** Pure: which of `skus` each code names, given the catalogue rows read for the codes. */
export function skusFromCatalogue(codes: readonly string[], skus: readonly string[], rows: readonly { sku: string; barcode: string | null }[]): Map<string, string | null> {
  return new Map(codes.map((code) => [code, skus.includes(code) ? code : (rows.find((r) => (r.barcode === code || r.sku === code) && skus.includes(r.sku))?.sku ?? null)]));
}

/**
 * A scan of something that is not what the pick line or the parcel wants is
 * refused, and recorded in the floor's work log: the analytics count scan
 * mismatches per person (src/analytics/folds/floor-work.ts).
 */
export async function recordScanMismatch(
  db: Database,
  input: { stage: "pick" | "pack"; code: string; expected?: string; durationMs?: number | undefined },
  { at, worker }: { at: { warehouseId: string; shipmentId: string; waveId: string | null; storeId: string }; worker: string },
): Promise<void> {
  await db.insert(warehouseEvents).values({
    ...at,
    kind: "scan_mismatch",
    worker,
    durationMs: input.durationMs ?? null,
    data: { stage: input.stage, code: input.code, ...(input.expected ? { expected: input.expected } : {}) },
    createdAt: Date.now(),
  });
}
