/** What a scanner read: an SKU, or a barcode from the catalogue of the shipment's store. */
import { and, eq, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { products } from "../db/schema";

export async function skuForScan(db: Database, storeId: string, code: string, skus: readonly string[]): Promise<string | null> {
  if (skus.includes(code)) return code;
  const rows = await db
    .select({ sku: products.sku })
    .from(products)
    .where(and(eq(products.storeId, storeId), or(eq(products.barcode, code), eq(products.sku, code))))
    .all();
  return rows.map((r) => r.sku).find((s) => skus.includes(s)) ?? null;
}
