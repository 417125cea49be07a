/**
 * Erasing a customer (a privacy request): every personal field the system
 * holds about them is replaced or dropped, and the financial facts stay,
 * so the books still balance. One D1 batch, guarded like a merge (its first
 * statement takes the customer from active to erased and stamps `last_op`;
 * the rest run only under that stamp), recorded as an `erased` event with
 * who, when and why. What is replaced, dropped or kept, and why, is the
 * table in docs/customers.md; the statements below follow it in order.
 *
 * Not through the orders' objects: no order state changes (status, version,
 * amounts, lines and timeline stay), like archiving and the re-seal job.
 */
import { eq, inArray, sql } from "drizzle-orm";
import { batch, statement } from "../analytics/d1";
import { database, d1 as binding } from "../db/client";
import { customerLinks, invoices, orders } from "../db/schema";
import type { Env } from "../env";
import { newId, randomToken } from "../lib/ids";
import { seal } from "../lib/pii-crypto";
import { mergedTree } from "./read-customers";

export const ERASED = "[erased]";

export type EraseResult = { ok: true; orders: number; erasedAt: number } | { ok: false; code: "not_found" | "customer_not_active"; message: string };

export async function eraseCustomer(env: Env, { id, actor, reason }: { id: string; actor: string; reason: string }): Promise<EraseResult> {
  const d1 = binding(env);
  const db = database(env);
  const customer = await d1.prepare("SELECT status FROM customers WHERE id = ?").bind(id).first<{ status: string }>();
  if (!customer) return { ok: false, code: "not_found", message: "no such customer" };
  if (customer.status !== "active")
    return { ok: false, code: "customer_not_active", message: `customer ${id} is ${customer.status}: erase the customer it was merged into, or unmerge it first` };
  const linked = db.select({ id: customerLinks.orderId }).from(customerLinks).where(eq(customerLinks.customerId, id));
  const [orderRows, invoiceRows] = await db.batch([
    db.select({ id: orders.id, address: orders.shippingAddress }).from(orders).where(inArray(orders.id, linked)),
    db.select({ id: invoices.id, document: invoices.document }).from(invoices).where(inArray(invoices.orderId, linked)),
  ]);
  const op = randomToken(12);
  const now = Date.now();
  const mine = sql`EXISTS (SELECT 1 FROM customers WHERE id = ${id} AND last_op = ${op})`;
  const orderIds = sql`(SELECT order_id FROM customer_links WHERE customer_id = ${id})`;
  const shipmentIds = sql`(SELECT id FROM shipments WHERE order_id IN ${orderIds})`;
  const sealed = (v: unknown) => seal(typeof v === "string" ? v : JSON.stringify(v));
  const [taken] = await batch(d1, [
    statement(
      d1,
      sql`UPDATE customers SET status = 'erased', name = NULL, email = NULL, phone = NULL, address = NULL, name_terms = '[]', tags = '[]',
            erased_at = ${now}, last_op = ${op}, version = version + 1, dirty = dirty + 1, updated_at = ${now}
          WHERE id = ${id} AND status = 'active'`,
    ),
    // The same person's records merged into this one.
    statement(
      d1,
      sql`UPDATE customers SET status = 'erased', name = NULL, email = NULL, phone = NULL, address = NULL, name_terms = '[]', tags = '[]', erased_at = ${now}, updated_at = ${now}
          WHERE id IN ${mergedTree(id)} AND id <> ${id} AND ${mine}`,
    ),
    // A new order with the same email or phone is a new customer: nothing recognises the erased one any more.
    statement(d1, sql`DELETE FROM customer_identities WHERE customer_id = ${id} AND ${mine}`),
    statement(d1, sql`UPDATE customer_links SET email_index = NULL, phone_index = NULL WHERE customer_id = ${id} AND ${mine}`),
    statement(d1, sql`UPDATE customer_events SET body = NULL WHERE customer_id IN ${mergedTree(id)} AND type = 'note_added' AND ${mine}`),
    // Orders: the contact, the address but its country and region (where tax is due), the buyer's note; amounts, lines and times stay.
    ...orderRows.map((o) =>
      statement(
        d1,
        sql`UPDATE orders SET customer_name = ${sealed(ERASED)}, customer_email = NULL, customer_phone = NULL,
              shipping_address = ${sealed({ name: ERASED, line1: ERASED, line2: null, district: null, city: "", region: o.address.region ?? null, postal_code: "", country: o.address.country })},
              customer_email_index = NULL, customer_phone_index = NULL, customer_email_merchant_index = NULL, customer_phone_merchant_index = NULL, note = NULL
            WHERE id = ${o.id} AND ${mine}`,
      ),
    ),
    // Invoices keep their numbers, lines and totals; the buyer is replaced.
    ...invoiceRows.map((i) =>
      statement(d1, sql`UPDATE invoices SET document = ${sealed({ ...i.document, buyer: { name: ERASED, email: null, address: [] } })} WHERE id = ${i.id} AND ${mine}`),
    ),
    statement(d1, sql`UPDATE notifications SET recipient = NULL, body = ${sealed(ERASED)} WHERE order_id IN ${orderIds} AND ${mine}`),
    statement(d1, sql`UPDATE order_events SET internal_note = NULL, customer_message = NULL WHERE order_id IN ${orderIds} AND ${mine}`),
    // Staff's notes on the orders may name or describe the person; the fact that a note was written stays.
    statement(d1, sql`UPDATE order_notes SET body = ${ERASED} WHERE order_id IN ${orderIds} AND ${mine}`),
    statement(d1, sql`UPDATE after_sales_requests SET reason = ${ERASED}, note = NULL WHERE order_id IN ${orderIds} AND ${mine}`),
    statement(d1, sql`DELETE FROM customer_tokens WHERE order_id IN ${orderIds} AND ${mine}`),
    statement(d1, sql`DELETE FROM shipment_labels WHERE shipment_id IN ${shipmentIds} AND ${mine}`),
    statement(d1, sql`UPDATE tracking_events SET body = ${sealed("{}")} WHERE shipment_id IN ${shipmentIds} AND ${mine}`),
    statement(d1, sql`UPDATE channel_inbox SET body = ${sealed("{}")} WHERE order_id IN ${orderIds} AND ${mine}`),
    statement(
      d1,
      sql`INSERT INTO customer_events (id, customer_id, type, actor, body, data, created_at)
          SELECT ${newId("cev", now)}, ${id}, 'erased', ${actor}, ${reason}, ${JSON.stringify({ orders: orderRows.length, invoices: invoiceRows.length })}, ${now} WHERE ${mine}`,
    ),
  ]);
  if ((taken?.meta.changes ?? 0) !== 1) return { ok: false, code: "customer_not_active", message: `customer ${id} was merged or erased at the same moment` };
  return { ok: true, orders: orderRows.length, erasedAt: now };
}
