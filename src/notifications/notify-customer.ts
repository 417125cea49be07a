/**
 * The notifications consumer: for each order milestone the store announces,
 * render the message in the customer's language, send it through the
 * configured provider, and record it with its delivery status. The record
 * (unique per outbox message) commits with the consumer's receipt; the
 * provider gets the message id as idempotency key, so a send retried after a
 * crash is not a second email.
 *
 * What reaches the customer is customer-facing by construction: hold reasons
 * are rendered from their code and params (only those the customer can fix
 * or confirm), and staff text only when staff wrote it for the customer
 * (`customer_message` in the payload). A staff reason, an internal note, an
 * internal finding or a carrier's raw status text is never read here.
 */
import { asc, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, database, nonEmpty } from "../db/client";
import { channelOrders, customerTokens, notifications, orderHoldReasons, orders, stores } from "../db/schema";
import { customerOrderRef } from "../orders/order-ref";
import type { OutboxMessage, ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { fromMinor } from "../lib/money";
import { insertRow, type BatchContext, type Handler, type Write } from "../outbox/consume";
import { mintCustomerLink } from "../customer/tokens";
import { providerFor } from "./providers";
import { customerReasons } from "../audit/finding-text";
import type { FindingParams } from "../orders/stage";
import { AFTER_SALES_TEMPLATES, pickLanguage, render, type ShipmentTrouble, TEMPLATES } from "./templates";

/**
 * The order's columns a message is made of, and no more: the whole row would also carry (and open) the sealed
 * phone and address, which no message says, on every notice of every order.
 */
const ORDER_FACTS = {
  id: orders.id,
  storeId: orders.storeId,
  externalId: orders.externalId,
  customerName: orders.customerName,
  customerEmail: orders.customerEmail,
  locale: orders.locale,
  totalAmount: orders.totalAmount,
  currency: orders.currency,
};

type Facts = {
  order: Pick<typeof orders.$inferSelect, keyof typeof ORDER_FACTS>;
  store: { name: string; language: string; notifyOn: string[] };
  holds: { code: string; params: FindingParams[] | null }[];
  /** The platform's own name for the order ("#1042"), when it came from a platform. */
  platformName: string | null;
};

const TROUBLES: ReadonlySet<string> = new Set<ShipmentTrouble>(["failed_attempt", "exception", "returned_to_sender"]);

/** The orders, stores and hold reasons of every message in the batch: one D1 round trip for all of them. */
async function loadFacts(env: ShardEnv, orderIds: readonly string[]): Promise<Map<string, Facts>> {
  const db = database(env);
  const ids = [...new Set(orderIds)];
  const out = new Map<string, Facts>();
  if (ids.length === 0) return out;
  const parts = chunk(ids, 90);
  const results = await db.batch(
    nonEmpty<BatchItem<"sqlite">>([
      ...parts.map((part) =>
        db
          .select({ order: ORDER_FACTS, store: { name: stores.name, language: stores.language, notifyOn: stores.notifyOn }, platformName: channelOrders.externalName })
          .from(orders)
          .innerJoin(stores, eq(stores.id, orders.storeId))
          .leftJoin(channelOrders, eq(channelOrders.orderId, orders.id))
          .where(inArray(orders.id, part)),
      ),
      ...parts.map((part) =>
        db
          .select({ orderId: orderHoldReasons.orderId, code: orderHoldReasons.code, params: orderHoldReasons.params })
          .from(orderHoldReasons)
          .where(inArray(orderHoldReasons.orderId, part))
          .orderBy(asc(orderHoldReasons.orderId), asc(orderHoldReasons.code)),
      ),
    ]),
  );
  const rows = results.slice(0, parts.length).flat() as { order: Facts["order"]; store: Facts["store"]; platformName: string | null }[];
  const holds = results.slice(parts.length).flat() as ({ orderId: string } & Facts["holds"][number])[];
  for (const r of rows) out.set(r.order.id, { ...r, holds: [] });
  for (const h of holds) out.get(h.orderId)?.holds.push({ code: h.code, params: h.params });
  return out;
}

const isNotification = (type: string) => type in TEMPLATES || type in AFTER_SALES_TEMPLATES;

export async function notifyCustomer(env: ShardEnv, message: OutboxMessage, batch: BatchContext): Promise<Write[]> {
  if (!message.order_id) return [];
  const db = database(env);
  const facts = await batch.once("notify-customer:facts", () =>
    loadFacts(
      env,
      batch.messages.filter((m) => m.order_id && isNotification(m.type)).map((m) => m.order_id!),
    ),
  );
  const row = facts.get(message.order_id);
  if (!row || !(message.type in AFTER_SALES_TEMPLATES || row.store.notifyOn.includes(message.type))) return [];
  const holdRows = row.holds;
  const { order, store } = row;
  const language = pickLanguage(order.locale, store.language);
  const link = await mintCustomerLink(env, order.id, { db, reply: (message.payload as { by_customer?: boolean }).by_customer === true });
  // A shipment's tracking travels in the transition's data (see logistics).
  const payload = message.payload as {
    /** Written by staff for the customer; `reason` (staff's) is deliberately not read. */
    customer_message?: string | null;
    data?: {
      status?: string;
      tracking?: { number: string; url?: string | null; carrier?: string | null };
      after_sales?: { kind: string; resolution: string | null; refund_amount: string | null; currency?: string };
    } | null;
  };
  const tracking = payload.data?.tracking;
  const request = payload.data?.after_sales;
  const rendered = render(message.type, language, {
    store: store.name,
    customer: order.customerName,
    orderRef: customerOrderRef(order, row.platformName),
    total: `${fromMinor(order.totalAmount, order.currency)} ${order.currency}`,
    link: link.url,
    reasons: customerReasons(holdRows, language),
    message: payload.customer_message ?? null,
    exception: payload.data?.status && TROUBLES.has(payload.data.status) ? (payload.data.status as ShipmentTrouble) : null,
    tracking: tracking ? { number: tracking.number, url: tracking.url ?? null, carrier: tracking.carrier ?? null } : null,
    request: request ? { kind: request.kind, resolution: request.resolution, refund: request.refund_amount ? `${request.refund_amount} ${order.currency}` : null } : null,
  });
  if (!rendered) return [];

  const provider = providerFor(env);
  const base = {
    id: newId("ntf"),
    messageId: message.id,
    orderId: order.id,
    storeId: order.storeId,
    template: message.type,
    language,
    channel: "email" as const,
    recipient: order.customerEmail,
    subject: rendered.subject,
    body: rendered.text,
    provider: provider.name,
    attempts: 1,
    createdAt: Date.now(),
  };
  // Rows, not statements: a queue batch's notifications and links commit as a few multi-row inserts.
  if (!order.customerEmail) {
    return [insertRow(notifications, { ...base, status: "skipped", error: "the order has no email address" }, { onConflictDoNothing: true })];
  }
  // Throws for a failure worth retrying: the queue redelivers, nothing is recorded yet.
  const sent = await provider.send({ id: message.id, to: order.customerEmail, subject: rendered.subject, text: rendered.text });
  return [
    insertRow(customerTokens, link.row),
    insertRow(
      notifications,
      { ...base, status: sent.ok ? "sent" : "failed", providerRef: sent.ok ? sent.providerRef : null, error: sent.ok ? null : sent.error },
      { onConflictDoNothing: true },
    ),
  ];
}

/** Every message type with a template is the notifications consumer's. */
export const notificationHandlers: Record<`notifications:${string}`, Handler> = Object.fromEntries(
  [...Object.keys(TEMPLATES), ...Object.keys(AFTER_SALES_TEMPLATES)].map((type) => [`notifications:${type}`, notifyCustomer]),
);
