/** What a scanner read: an SKU, or a barcode from the catalogue of the shipment's store; and the record of a wrong scan. */
import { and, eq, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { products, warehouseEvents } from "../db/schema";

export async function skuForScan(db: Database, code: string, { storeId, skus }: { storeId: string; skus: readonly string[] }): Promise<string | null> {
  if (skus.includes(code)) return code;
  const rows = await db
    .select({ sku: products.sku })
    .from(products)
    .where(and(eq(products.storeId, storeId), or(eq(products.barcode, code), eq(products.sku, code))))
    .all();
  return rows.map((r) => r.sku).find((s) => skus.includes(s)) ?? null;
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
