/** Rows to API shapes: minor units back to decimal strings, epoch ms to RFC 3339. */
import type { z } from "@hono/zod-openapi";
import type { orderEvents, orderLines, orders } from "../db/schema";
import { fromMinor } from "../lib/money";
import { customerKeyOf } from "../db/contact-index";
import { allowedEvents, type OrderStatus } from "./lifecycle";
import { type ContactScope, projectCustomer } from "./project-order";
import { type ActorName, actorKindOf, wordsFor } from "../activity/actor-names";
import type { Order, OrderEventSchema, OrderLine, OrderSummary } from "./schemas";

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type OrderEventRow = typeof orderEvents.$inferSelect;

export const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** How a role sees the customer on any order it reads (src/orders/project-order.ts). */
export function customerView(o: OrderRow, scope: ContactScope) {
  const facts = { storeId: o.storeId, email: o.customerEmail, phone: o.customerPhone, country: o.shippingAddress.country };
  return projectCustomer(scope, {
    name: o.customerName,
    email: o.customerEmail,
    phone: o.customerPhone,
    address: o.shippingAddress,
    // Keyed (PII_INDEX_KEY): computed only for the role that gets it.
    customerKey: scope === "pseudonymous" ? customerKeyOf(facts) : null,
  });
}

export function orderSummary(o: OrderRow, scope: ContactScope): z.infer<typeof OrderSummary> {
  const money = (minor: number) => fromMinor(minor, o.currency);
  const status = o.status as OrderStatus;
  return {
    id: o.id,
    store_id: o.storeId,
    channel: o.channel,
    external_id: o.externalId,
    status,
    version: o.version,
    allowed_events: allowedEvents({
      status,
      requiresShipping: o.requiresShipping,
      openAfterSales: o.openAfterSales,
      paymentStatus: o.paymentStatus,
      archived: o.archivedAt !== null,
    }),
    open_after_sales: o.openAfterSales,
    status_reason: o.statusReason,
    payment_status: o.paymentStatus as z.infer<typeof OrderSummary>["payment_status"],
    requires_shipping: o.requiresShipping,
    ...customerView(o, scope),
    currency: o.currency,
    subtotal_amount: money(o.subtotalAmount),
    shipping_amount: money(o.shippingAmount),
    discount_amount: money(o.discountAmount),
    tax_amount: money(o.taxAmount),
    total_amount: money(o.totalAmount),
    note: o.note,
    locale: o.locale,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
    approved_at: isoOrNull(o.approvedAt),
    held_at: isoOrNull(o.heldAt),
    processing_at: isoOrNull(o.processingAt),
    shipped_at: isoOrNull(o.shippedAt),
    delivered_at: isoOrNull(o.deliveredAt),
    completed_at: isoOrNull(o.completedAt),
    cancelled_at: isoOrNull(o.cancelledAt),
    archived_at: isoOrNull(o.archivedAt),
  };
}

export function orderLine(l: OrderLineRow, currency: string): z.infer<typeof OrderLine> {
  return {
    line_no: l.lineNo,
    sku: l.sku,
    name: l.name,
    type: l.type,
    quantity: l.quantity,
    unit_price: fromMinor(l.unitPrice, currency),
    total_amount: fromMinor(l.totalAmount, currency),
  };
}

export function orderWithLines(o: OrderRow, lines: OrderLineRow[], scope: ContactScope): z.infer<typeof Order> {
  return { ...orderSummary(o, scope), lines: lines.map((l) => orderLine(l, o.currency)) };
}

/** `internalNote: false` for readers outside the staff (a storefront's key): the note reads as null. */
export function orderEvent(e: OrderEventRow, { internalNote = true, actor }: { internalNote?: boolean; actor?: ActorName } = {}): z.infer<typeof OrderEventSchema> {
  const named = actor ?? { kind: actorKindOf(e.actor), name: wordsFor(e.actor) };
  return {
    id: e.id,
    seq: e.seq,
    type: e.type,
    from_status: e.fromStatus as OrderStatus | null,
    to_status: e.toStatus as OrderStatus,
    actor: e.actor,
    actor_kind: named.kind,
    actor_name: named.name,
    reason: e.reason,
    internal_note: internalNote ? e.internalNote : null,
    customer_message: e.customerMessage,
    data: e.data ?? null,
    created_at: iso(e.createdAt),
  };
}

/** ETags carry the order's version: `If-Match: "3"` guards a change against a stale read. */
export const etag = (version: number) => `"${version}"`;

export function parseIfMatch(header: string | undefined): number | null | "invalid" {
  if (header === undefined) return null;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return m ? Number(m[1]) : "invalid";
}
