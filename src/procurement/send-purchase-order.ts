/**
 * A submitted purchase order goes to its supplier from the `webhooks` queue
 * (the `purchase_order.send` message committed with the submit): as a signed
 * Standard Webhooks POST to the supplier's `webhook_url` (the order as JSON,
 * `webhook-id` the message's id so the supplier dedupes our retries), or
 * else as an email with the order's PDF attached, through the notifications
 * provider (the message id its idempotency key), or, for a supplier with
 * neither, marked to be sent by hand. How it went is on the order
 * (`sent_via`, `sent_to`, `sent_at`). A failure throws: the queue retries
 * with backoff, then dead-letters.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { database } from "../db/client";
import { purchaseOrderLines, purchaseOrders, stores, suppliers, warehouses } from "../db/schema";
import type { OutboxMessage, ShardEnv } from "../env";
import { transport } from "../lib/outbound-transport";
import { fromMinor } from "../lib/money";
import { signedHeaders } from "../lib/standard-webhooks";
import { providerFor } from "../notifications/providers";
import type { Handler } from "../outbox/consume";
import type { PurchaseOrderDocument } from "./purchase-order-pdf";

const TIMEOUT_MS = 10_000;

/** The order, its supplier (with where to send it) and the document, or null when the order is gone. */
export async function purchaseOrderDocument(env: ShardEnv, id: string) {
  const db = database(env);
  const [poRows, lines] = await db.batch([
    db.select().from(purchaseOrders).where(eq(purchaseOrders.id, id)),
    db.select().from(purchaseOrderLines).where(eq(purchaseOrderLines.purchaseOrderId, id)).orderBy(asc(purchaseOrderLines.lineNo)),
  ]);
  const po = poRows[0];
  if (!po) return null;
  const [s, wh, store] = await db.batch([
    db.select().from(suppliers).where(eq(suppliers.id, po.supplierId)),
    db.select({ name: warehouses.name, country: warehouses.country, region: warehouses.region }).from(warehouses).where(eq(warehouses.id, po.warehouseId)),
    db.select({ name: stores.name }).from(stores).where(eq(stores.id, po.storeId)),
  ]);
  const supplier = s[0]!;
  const money = (minor: number) => fromMinor(minor, po.currency);
  const doc: PurchaseOrderDocument = {
    id: po.id,
    storeName: store[0]?.name ?? po.storeId,
    supplier: { name: supplier.name, contactName: supplier.contactName, email: supplier.email, phone: supplier.phone, paymentTerms: supplier.paymentTerms },
    deliverTo: wh[0] ?? { name: po.warehouseId, country: "", region: null },
    currency: po.currency,
    submittedAt: po.submittedAt,
    expectedAt: po.expectedAt,
    note: po.note,
    lines: lines
      .filter((l) => l.quantity > 0)
      .map((l) => ({ lineNo: l.lineNo, sku: l.sku, supplierSku: l.supplierSku, quantity: l.quantity, unitCost: money(l.unitCost), total: money(l.unitCost * l.quantity) })),
    total: money(lines.reduce((t, l) => t + l.unitCost * l.quantity, 0)),
  };
  return { po, supplier, doc };
}

/** The JSON a supplier's system receives. */
function webhookData(doc: PurchaseOrderDocument, storeId: string) {
  return {
    purchase_order_id: doc.id,
    store_id: storeId,
    buyer: doc.storeName,
    currency: doc.currency,
    submitted_at: doc.submittedAt === null ? null : new Date(doc.submittedAt).toISOString(),
    expected_at: doc.expectedAt === null ? null : new Date(doc.expectedAt).toISOString(),
    deliver_to: doc.deliverTo,
    note: doc.note,
    lines: doc.lines.map((l) => ({ line_no: l.lineNo, sku: l.sku, supplier_sku: l.supplierSku, quantity: l.quantity, unit_cost: l.unitCost, total: l.total })),
    total: doc.total,
  };
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function sendByWebhook(url: string, secret: string, message: OutboxMessage, data: Record<string, unknown>) {
  const body = JSON.stringify({ type: "purchase_order.submitted", id: message.id, created_at: new Date(message.created_at).toISOString(), data });
  const headers = { "content-type": "application/json", "user-agent": "edge-oms/1", ...(await signedHeaders(secret, message.id, body)) };
  const res = await transport.fetch(new Request(url, { method: "POST", headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) }));
  await res.body?.cancel();
  if (!res.ok) throw new Error(`${url} answered ${res.status} to purchase order ${String(data.purchase_order_id)}`);
}

export const sendPurchaseOrder: Handler = async function sendPurchaseOrder(env, message) {
  const id = String(message.payload.purchase_order_id ?? "");
  const found = await purchaseOrderDocument(env, id);
  // Gone, or cancelled before it left: nothing to send.
  if (!found || found.po.status === "cancelled" || found.po.sentAt !== null) return [];
  const { po, supplier, doc } = found;
  let sent: { via: "webhook" | "email" | "manual"; to: string | null };
  if (supplier.webhookUrl && supplier.webhookSecret) {
    await sendByWebhook(supplier.webhookUrl, supplier.webhookSecret, message, webhookData(doc, po.storeId));
    sent = { via: "webhook", to: supplier.webhookUrl };
  } else if (supplier.email) {
    const lines = doc.lines.map((l) => `${l.lineNo}. ${l.sku}${l.supplierSku ? ` (${l.supplierSku})` : ""}: ${l.quantity} x ${l.unitCost} = ${l.total} ${doc.currency}`);
    const r = await providerFor(env).send({
      id: message.id,
      to: supplier.email,
      subject: `Purchase order ${po.id} from ${doc.storeName}`,
      text: [
        `Hello${supplier.contactName ? ` ${supplier.contactName}` : ""},`,
        "",
        `please find our purchase order ${po.id} attached${doc.expectedAt ? `, due ${new Date(doc.expectedAt).toISOString().slice(0, 10)}` : ""}.`,
        "",
        ...lines,
        "",
        `Total: ${doc.total} ${doc.currency}`,
        `Deliver to: ${doc.deliverTo.name}, ${[doc.deliverTo.region, doc.deliverTo.country].filter(Boolean).join(", ")}`,
        ...(doc.note ? ["", doc.note] : []),
      ].join("\n"),
      attachments: [{ filename: `${po.id}.pdf`, contentType: "application/pdf", base64: base64(await (await import("./purchase-order-pdf")).purchaseOrderPdf(doc)) }],
    });
    if (!r.ok) {
      console.warn(`purchase order ${po.id}: the email provider refused it (${r.error}); marked to send by hand`);
      sent = { via: "manual", to: supplier.email };
    } else sent = { via: "email", to: supplier.email };
  } else {
    sent = { via: "manual", to: null };
  }
  return [database(env).update(purchaseOrders).set({ sentVia: sent.via, sentTo: sent.to, sentAt: Date.now() }).where(eq(purchaseOrders.id, po.id))];
};

/** The supplier's webhook refused every retry: the order is marked to send by hand (the console says so), once. */
export const sendByHandInstead: Handler = async function sendByHandInstead(env, message) {
  const id = String(message.payload.purchase_order_id ?? "");
  return [
    database(env)
      .update(purchaseOrders)
      .set({ sentVia: "manual", sentAt: Date.now() })
      .where(and(eq(purchaseOrders.id, id), isNull(purchaseOrders.sentAt))),
  ];
};

export const purchaseOrderSendHandlers = {
  "webhooks:purchase_order.send": sendPurchaseOrder,
  "dead_letters:purchase_order.send": sendByHandInstead,
} as const;
