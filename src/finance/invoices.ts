/**
 * Issuing and reading invoices. One per order, issued on demand (by finance,
 * support or an admin) once the order is accepted, and never changed after.
 * The number is drawn inside the insert as the store's highest plus one: D1
 * runs one statement at a time, so two invoices issued at the same moment
 * take consecutive numbers, and a second issue of the same order finds the
 * first (the order's unique index) without using a number. No gaps, no
 * doubles.
 */
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { invoices, orderLines, orders, stores } from "../db/schema";
import type { ShardEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { newId, tagOf } from "../lib/ids";
import { DEFAULT_PREFIX, invoiceDocument, isInvoiceable } from "./invoice-rules";

export type InvoiceRow = typeof invoices.$inferSelect;

export type IssueResult = { ok: true; invoice: InvoiceRow; created: boolean } | { ok: false; code: "not_found" } | { ok: false; code: "not_invoiceable"; message: string };

export async function issueInvoice(env: ShardEnv, p: Principal, orderId: string, actor: string): Promise<IssueResult> {
  const db = database(env);
  const [orderRows, lines, existing, storeRows] = await db.batch([
    db
      .select()
      .from(orders)
      .where(and(eq(orders.id, orderId), storeScope(p, orders.storeId))),
    db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(orderLines.lineNo),
    db.select().from(invoices).where(eq(invoices.orderId, orderId)),
    db
      .select()
      .from(stores)
      .where(inArray(stores.id, db.select({ id: orders.storeId }).from(orders).where(eq(orders.id, orderId)))),
  ]);
  const order = orderRows[0];
  const store = storeRows[0];
  if (!order || !store) return { ok: false, code: "not_found" };
  if (existing[0]) return { ok: true, invoice: existing[0], created: false };
  if (!isInvoiceable(order.status))
    return {
      ok: false,
      code: "not_invoiceable",
      message: `a ${order.status.replace("_", " ")} order is not invoiced: an invoice is issued once the order is approved, and not after it is cancelled`,
    };

  const now = Date.now();
  const id = newId("inv", now, tagOf(orderId));
  const next = sql`(SELECT COALESCE(MAX(${invoices.number}), 0) + 1 FROM ${invoices} WHERE ${invoices.storeId} = ${store.id})`;
  const [, rows] = await db.batch([
    db
      .insert(invoices)
      .values({
        id,
        storeId: store.id,
        orderId,
        number: next,
        numberText: sql`printf('%s%06d', ${store.invoicing?.prefix ?? DEFAULT_PREFIX}, ${next})`,
        currency: order.currency,
        totalAmount: order.totalAmount,
        document: invoiceDocument({ store, order, lines }),
        issuedBy: actor,
        issuedAt: now,
      })
      // Issued a moment ago by someone else: theirs stands, and this one takes no number.
      .onConflictDoNothing({ target: invoices.orderId }),
    db.select().from(invoices).where(eq(invoices.orderId, orderId)),
  ]);
  const invoice = rows[0]!;
  return { ok: true, invoice, created: invoice.id === id };
}

export async function invoiceOfOrder(env: ShardEnv, p: Principal, orderId: string): Promise<InvoiceRow | null> {
  return (
    (await database(env)
      .select()
      .from(invoices)
      .where(and(eq(invoices.orderId, orderId), storeScope(p, invoices.storeId)))
      .get()) ?? null
  );
}

/** The invoices a key's stores issued, newest first (without their documents: a list carries no personal data). */
/** Newest first; unless narrowed to a store, from every shard holding one of the principal's stores (src/db/fan-out.ts). */
export async function listInvoices(env: ShardEnv, p: Principal, q: { storeId?: string; before?: string; limit: number }) {
  return listedAcross(
    env,
    p,
    q.storeId,
    (onIt) => invoicePage(onIt, p, q),
    (i) => i.id,
  );
}

function invoicePage(env: ShardEnv, p: Principal, q: { storeId?: string; before?: string; limit: number }) {
  return database(env)
    .select({
      id: invoices.id,
      storeId: invoices.storeId,
      orderId: invoices.orderId,
      number: invoices.number,
      numberText: invoices.numberText,
      currency: invoices.currency,
      totalAmount: invoices.totalAmount,
      issuedBy: invoices.issuedBy,
      issuedAt: invoices.issuedAt,
    })
    .from(invoices)
    .where(
      and(storeScope(p, invoices.storeId), q.storeId === undefined ? undefined : eq(invoices.storeId, q.storeId), q.before === undefined ? undefined : lt(invoices.id, q.before)),
    )
    .orderBy(desc(invoices.id))
    .limit(q.limit + 1)
    .all();
}
