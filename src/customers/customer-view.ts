/**
 * Customers as the API shows them. The contact goes through the order API's
 * own projection (src/orders/project-order.ts), so a position sees of a
 * customer exactly what it sees of their orders; the pseudonym for
 * `pseudonymous` positions is the customer's id, which says nothing of them.
 */
import type { z } from "@hono/zod-openapi";
import { type ActorName, namedActor } from "../activity/actor-names";
import type { ContactScope } from "../auth/roles";
import { fromMinor } from "../lib/money";
import { projectCustomer, seesMessages } from "../orders/project-order";
import { iso } from "../orders/serialize";
import type { CustomerRow, Profile } from "./read-customers";
import type { CustomerProfile, CustomerSummary } from "./schemas";

const money = (byCurrency: Record<string, number>) =>
  Object.entries(byCurrency)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, minor]) => ({ currency, amount: fromMinor(minor, currency) }));
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function customerContact(c: CustomerRow, scope: ContactScope): Partial<ReturnType<typeof projectCustomer>> {
  if (c.status === "erased") return {};
  return projectCustomer(scope, { name: c.name ?? "", email: c.email, phone: c.phone, address: c.address ?? {}, customerKey: c.id });
}

export function customerSummary(c: CustomerRow, scope: ContactScope): z.infer<typeof CustomerSummary> {
  return {
    id: c.id,
    status: c.status,
    merged_into: c.mergedInto,
    contact: customerContact(c, scope),
    tags: c.tags,
    orders_count: c.ordersCount,
    spent: money(c.spent),
    first_order_at: isoOrNull(c.firstOrderAt),
    last_order_at: isoOrNull(c.lastOrderAt),
    rfm:
      c.rfmSegment && c.rfmRecency && c.rfmFrequency && c.rfmMonetary ? { recency: c.rfmRecency, frequency: c.rfmFrequency, monetary: c.rfmMonetary, segment: c.rfmSegment } : null,
    created_at: iso(c.createdAt),
    erased_at: isoOrNull(c.erasedAt),
  };
}

/** The profile as the API answers it; `names` names each event's actor (actorNames, one lookup per response). */
export function customerProfileView(p: Profile, scope: ContactScope, names: ReadonlyMap<string, ActorName>): z.infer<typeof CustomerProfile> {
  return {
    ...customerSummary(p.customer, scope),
    version: p.customer.version,
    figures: {
      orders_count: p.stats.ordersCount,
      spent: money(p.stats.spent),
      average_order_value: money(p.stats.averageOrder),
      first_order_at: isoOrNull(p.stats.firstOrderAt),
      last_order_at: isoOrNull(p.stats.lastOrderAt),
    },
    orders: p.orders.map((o) => ({
      id: o.id,
      store_id: o.storeId,
      channel: o.channel,
      status: o.status,
      payment_status: o.paymentStatus,
      currency: o.currency,
      total: fromMinor(o.totalAmount, o.currency),
      created_at: iso(o.createdAt),
    })),
    after_sales: p.afterSales.map((a) => ({
      id: a.id,
      order_id: a.orderId,
      kind: a.kind,
      status: a.status,
      resolution: a.resolution,
      refund: a.refundAmount === null ? null : { currency: a.currency, amount: fromMinor(a.refundAmount, a.currency) },
      created_at: iso(a.createdAt),
    })),
    blocklist: p.blocked.map((b) => ({ entry_id: b.id, store_id: b.storeId, kind: b.kind })),
    merged_from: p.mergedFrom,
    events: p.events.map((e) => ({
      id: e.id,
      customer_id: e.customerId,
      type: e.type,
      actor: e.actor,
      ...namedActor(names, e.actor),
      other_customer_id: e.otherCustomerId,
      // Notes are staff's words about a person: contact data, like the customer's messages.
      body: seesMessages(scope) ? e.body : null,
      data: e.data ?? null,
      created_at: iso(e.createdAt),
    })),
  };
}

/** The CSV's columns: the contact ones only for positions that see them. */
export function csvColumns(scope: ContactScope): string[] {
  const contact = scope === "contact" ? ["name", "email", "phone"] : scope === "ship_to" ? ["name", "phone"] : [];
  return ["id", ...contact, "country", "tags", "orders", "spent", "first_order_at", "last_order_at", "segment"];
}

export function csvRow(c: CustomerRow, scope: ContactScope): unknown[] {
  const v = customerContact(c, scope);
  const contact = scope === "contact" ? [v.customer?.name, v.customer?.email, v.customer?.phone] : scope === "ship_to" ? [v.customer?.name, v.customer?.phone] : [];
  return [
    c.id,
    ...contact,
    v.shipping_address?.country ?? "",
    c.tags.join("; "),
    c.ordersCount,
    money(c.spent)
      .map((m) => `${m.currency} ${m.amount}`)
      .join("; "),
    isoOrNull(c.firstOrderAt) ?? "",
    isoOrNull(c.lastOrderAt) ?? "",
    c.rfmSegment ?? "",
  ];
}
