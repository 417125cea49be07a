/**
 * Adding and changing a product: its price is read in the store's currency,
 * and the catalogue cache forgets the SKU, so intake and the audit see the change.
 */
import { eq } from "drizzle-orm";
import { constraintFailed, database } from "../db/client";
import { products, stores } from "../db/schema";
import type { ShardEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";
import type { FieldError } from "../http/problem";
import { newId } from "../lib/ids";
import { storeTag } from "../db/homes";
import { toMinor } from "../lib/money";
import { forgetProduct } from "./catalogue";
import type { CreateProductInput, UpdateProductInput } from "./schemas";

export type ProductRow = typeof products.$inferSelect;

type Invalid = { ok: false; code: "invalid"; errors: FieldError[] };

function priceIn(price: string, currency: string): { ok: true; minor: number } | Invalid {
  const r = toMinor(price, currency);
  return r.ok ? { ok: true, minor: r.minor } : { ok: false, code: "invalid", errors: [{ field: "price", message: r.message }] };
}

export async function createProduct(
  env: ShardEnv,
  body: CreateProductInput,
): Promise<{ ok: true; row: ProductRow } | { ok: false; code: "unknown_store" | "duplicate_sku" } | Invalid> {
  const db = database(env);
  const store = await db.select({ currency: stores.currency }).from(stores).where(eq(stores.id, body.store_id)).get();
  if (!store) return { ok: false, code: "unknown_store" };
  const price = priceIn(body.price, store.currency);
  if (!price.ok) return price;
  const now = Date.now();
  const row: ProductRow = {
    // With the store's tag: requests naming the product reach its store's shard (src/http/route-shard.ts).
    id: newId("prd", now, await storeTag(env, body.store_id)),
    storeId: body.store_id,
    sku: body.sku,
    name: body.name,
    type: body.type,
    price: price.minor,
    currency: store.currency,
    weightGrams: body.weight_grams,
    barcode: body.barcode,
    active: body.active,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.insert(products).values(row);
  } catch (err) {
    if (constraintFailed(err, "products.store_id, products.sku")) return { ok: false, code: "duplicate_sku" };
    throw err;
  }
  forgetProduct(row.storeId, row.sku);
  return { ok: true, row };
}

/** The SKU and store never change. A product outside the key's stores is not found. */
export async function updateProduct(
  env: ShardEnv,
  id: string,
  opts: { principal: Principal; changes: UpdateProductInput },
): Promise<{ ok: true; row: ProductRow } | { ok: false; code: "not_found" } | Invalid> {
  const existing = await getProduct(env, opts.principal, id);
  if (!existing) return { ok: false, code: "not_found" };
  const { price, weight_grams, ...rest } = opts.changes;
  let minor: number | undefined;
  if (price !== undefined) {
    const parsed = priceIn(price, existing.currency);
    if (!parsed.ok) return parsed;
    minor = parsed.minor;
  }
  const [row] = await database(env)
    .update(products)
    .set({
      ...rest,
      ...(minor !== undefined ? { price: minor } : {}),
      ...(weight_grams !== undefined ? { weightGrams: weight_grams } : {}),
      updatedAt: Date.now(),
    })
    .where(eq(products.id, existing.id))
    .returning();
  forgetProduct(existing.storeId, existing.sku);
  return { ok: true, row: row! };
}

export async function getProduct(env: ShardEnv, p: Principal, id: string): Promise<ProductRow | null> {
  const row = await database(env).select().from(products).where(eq(products.id, id)).get();
  return row && seesStore(p, row.storeId) ? row : null;
}
