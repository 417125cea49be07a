/**
 * Suppliers of a store and what each supplies: its code for our SKU, the
 * price in its currency, the minimum order, the pack size and the lead time.
 * A store-scoped key sees its stores' suppliers only; one it cannot see is
 * reported as one that does not exist.
 */
import type { z } from "@hono/zod-openapi";
import { and, asc, eq, gt } from "drizzle-orm";
import { database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { products, stores, supplierItems, suppliers } from "../db/schema";
import type { ShardEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import type { FieldError } from "../http/problem";
import { newId } from "../lib/ids";
import { storeTag } from "../db/homes";
import { fromMinor, toMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import type { CreateSupplier, PutSupplierItem, UpdateSupplier } from "./schemas";

export type SupplierRow = typeof suppliers.$inferSelect;
export type SupplierItemRow = typeof supplierItems.$inferSelect;

export const supplierBody = (s: SupplierRow) => ({
  id: s.id,
  store_id: s.storeId,
  name: s.name,
  contact_name: s.contactName,
  email: s.email,
  phone: s.phone,
  currency: s.currency,
  payment_terms: s.paymentTerms,
  payment_days: s.paymentDays,
  lead_time_days: s.leadTimeDays,
  over_receipt_pct: s.overReceiptPct,
  note: s.note,
  webhook_url: s.webhookUrl,
  webhook_secret_set: s.webhookSecret !== null,
  active: s.active,
  created_at: iso(s.createdAt),
  updated_at: iso(s.updatedAt),
});

export const supplierItemBody = (i: SupplierItemRow, currency: string) => ({
  supplier_id: i.supplierId,
  sku: i.sku,
  supplier_sku: i.supplierSku,
  unit_cost: fromMinor(i.unitCost, currency),
  currency,
  min_order_qty: i.minOrderQty,
  pack_size: i.packSize,
  lead_time_days: i.leadTimeDays,
  preferred: i.preferred,
  updated_at: iso(i.updatedAt),
});

/**
 * The optional fields as columns: only those given. The signing secret is
 * drawn anew only when the address changes or a rotation is asked for, so
 * saving a supplier's form unchanged does not break the supplier's checks.
 */
function columns(b: Partial<z.infer<typeof UpdateSupplier>>, current?: SupplierRow) {
  const out: Partial<SupplierRow> = {};
  if (b.name !== undefined) out.name = b.name;
  if (b.contact_name !== undefined) out.contactName = b.contact_name;
  if (b.email !== undefined) out.email = b.email;
  if (b.phone !== undefined) out.phone = b.phone;
  if (b.payment_terms !== undefined) out.paymentTerms = b.payment_terms;
  if (b.payment_days !== undefined) out.paymentDays = b.payment_days;
  if (b.lead_time_days !== undefined) out.leadTimeDays = b.lead_time_days;
  if (b.over_receipt_pct !== undefined) out.overReceiptPct = b.over_receipt_pct;
  if (b.note !== undefined) out.note = b.note;
  if (b.active !== undefined) out.active = b.active;
  const url = b.webhook_url === undefined ? (current?.webhookUrl ?? null) : b.webhook_url;
  if (url !== (current?.webhookUrl ?? null) || (b.rotate_webhook_secret && url !== null)) {
    out.webhookUrl = url;
    // A new address (or a rotation) gets a new secret, shown once; no address, no secret.
    out.webhookSecret = url === null ? null : webhookSecret();
  }
  return out;
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
function webhookSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
}

export async function createSupplier(env: ShardEnv, body: z.infer<typeof CreateSupplier>): Promise<{ ok: true; row: SupplierRow } | { ok: false; errors: FieldError[] }> {
  const db = database(env);
  const store = await db.select({ id: stores.id }).from(stores).where(eq(stores.id, body.store_id)).get();
  if (!store) return { ok: false, errors: [{ field: "store_id", message: "no such store" }] };
  const now = Date.now();
  const [row] = await db
    .insert(suppliers)
    .values({
      id: newId("sup", now, await storeTag(env, body.store_id)),
      storeId: body.store_id,
      currency: body.currency,
      ...columns(body),
      name: body.name,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return { ok: true, row: row! };
}

export async function visibleSupplier(env: ShardEnv, p: Principal, id: string): Promise<SupplierRow | null> {
  return (
    (await database(env)
      .select()
      .from(suppliers)
      .where(and(eq(suppliers.id, id), storeScope(p, suppliers.storeId)))
      .get()) ?? null
  );
}

export async function listSuppliers(env: ShardEnv, p: Principal, q: { storeId?: string; active?: boolean; after?: string; limit: number }): Promise<SupplierRow[]> {
  return listedAcross(
    env,
    p,
    q.storeId,
    (onIt) =>
      database(onIt)
        .select()
        .from(suppliers)
        .where(
          and(
            storeScope(p, suppliers.storeId),
            q.storeId === undefined ? undefined : eq(suppliers.storeId, q.storeId),
            q.active === undefined ? undefined : eq(suppliers.active, q.active),
            q.after === undefined ? undefined : gt(suppliers.id, q.after),
          ),
        )
        .orderBy(asc(suppliers.id))
        .limit(q.limit + 1)
        .all(),
    (r) => r.id,
    "asc",
  );
}

export async function updateSupplier(env: ShardEnv, s: SupplierRow, changes: z.infer<typeof UpdateSupplier>): Promise<SupplierRow> {
  const [row] = await database(env)
    .update(suppliers)
    .set({ ...columns(changes, s), updatedAt: Date.now() })
    .where(eq(suppliers.id, s.id))
    .returning();
  return row!;
}

export async function listSupplierItems(env: ShardEnv, supplierId: string): Promise<SupplierItemRow[]> {
  return database(env).select().from(supplierItems).where(eq(supplierItems.supplierId, supplierId)).orderBy(asc(supplierItems.sku)).all();
}

/** Sets what the supplier charges for `sku` (a product of the supplier's store), creating or replacing the item. */
export async function putSupplierItem(
  env: ShardEnv,
  s: SupplierRow,
  sku: string,
  body: z.infer<typeof PutSupplierItem>,
): Promise<{ ok: true; row: SupplierItemRow; created: boolean } | { ok: false; errors: FieldError[] }> {
  const db = database(env);
  const errors: FieldError[] = [];
  const cost = toMinor(body.unit_cost, s.currency);
  if (!cost.ok) errors.push({ field: "unit_cost", message: cost.message });
  const [product, existing] = await db.batch([
    db
      .select({ sku: products.sku })
      .from(products)
      .where(and(eq(products.storeId, s.storeId), eq(products.sku, sku))),
    db
      .select({ sku: supplierItems.sku })
      .from(supplierItems)
      .where(and(eq(supplierItems.supplierId, s.id), eq(supplierItems.sku, sku))),
  ]);
  if (!product[0]) errors.push({ field: "sku", message: `no product ${sku} in the supplier's store` });
  if (errors.length || !cost.ok) return { ok: false, errors };
  const values = {
    supplierSku: body.supplier_sku ?? null,
    unitCost: cost.minor,
    minOrderQty: body.min_order_qty ?? 1,
    packSize: body.pack_size ?? 1,
    leadTimeDays: body.lead_time_days ?? null,
    preferred: body.preferred ?? false,
    updatedAt: Date.now(),
  };
  const [row] = await db
    .insert(supplierItems)
    .values({ supplierId: s.id, sku, ...values })
    .onConflictDoUpdate({ target: [supplierItems.supplierId, supplierItems.sku], set: values })
    .returning();
  return { ok: true, row: row!, created: !existing[0] };
}

export async function deleteSupplierItem(env: ShardEnv, supplierId: string, sku: string): Promise<boolean> {
  const rows = await database(env)
    .delete(supplierItems)
    .where(and(eq(supplierItems.supplierId, supplierId), eq(supplierItems.sku, sku)))
    .returning({ sku: supplierItems.sku });
  return rows.length > 0;
}
