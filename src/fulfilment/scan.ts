/** What a scanner read: an SKU, or a barcode from the catalogue of the shipment's store; and the record of a wrong scan. */
import { and, eq, inArray, or } from "drizzle-orm";
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
  const out = new Map<string, string | null>(distinct.filter((c) => skus.includes(c)).map((c) => [c, c]));
  const unknown = distinct.filter((c) => !out.has(c));
  if (!unknown.length) return out;
  const queries = [];
  for (let i = 0; i < unknown.length; i += CODES_PER_QUERY) {
    const chunk = unknown.slice(i, i + CODES_PER_QUERY);
    queries.push(
      db
        .select({ sku: products.sku, barcode: products.barcode })
        .from(products)
        .where(and(eq(products.storeId, storeId), or(inArray(products.barcode, chunk), inArray(products.sku, chunk)))),
    );
  }
  const [first, ...more] = queries;
  const rows = more.length ? (await db.batch([first!, ...more])).flat() : await first!.all();
  for (const code of unknown) out.set(code, rows.find((r) => (r.barcode === code || r.sku === code) && skus.includes(r.sku))?.sku ?? null);
  return out;
}

/**
 * A scan of something that is not what the pick line or the parcel wants is
 * refused, and recorded in the floor's work log: the analytics count scan
 * mismatches per person (src/analytics/folds/floor-work.ts).
 */
export async function recordScanMismatch(
  db: Database,
  input: { stage: "pick" | "pack"; code: string; expected?: string; durationMs?: number | undefined },
  { at, worker }: { at: { warehouseId: string; shipmentId: string; waveId: string | null }; worker: string },
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
