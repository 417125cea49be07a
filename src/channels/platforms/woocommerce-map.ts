/**
 * A WooCommerce order (REST API v3 shape, which is also the webhook body) in
 * our terms. Invariants: money is read from WooCommerce's decimal strings and
 * only ever added or subtracted in integer minor units, never as floats (the
 * line `price` number is ignored for that reason); text is kept as decoded
 * from the JSON (`\uXXXX` escapes are the characters they stand for); dates
 * are the `*_gmt` fields, which carry no zone and are UTC.
 */
import { fromMinor, isCurrency, toMinor } from "../../lib/money";
import { idString } from "./json";
import type { MappedAddress, MappedLine, MappedOrder, MappedRefund, PlatformOrder } from "./platform";

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string => (typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "");
const optional = (v: unknown): string | null => str(v) || null;

/** Statuses that are not orders yet, or no longer: never taken in (block checkout drafts, the trash). */
const NOT_ORDERS = new Set(["checkout-draft", "auto-draft", "draft", "trash"]);

/** `2025-06-14T14:31:05` (a `*_gmt` field, no zone) to epoch ms; null when absent or unreadable. */
export function wooGmt(value: unknown): number | null {
  const s = str(value);
  if (!s) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Exact money arithmetic in the order's currency. Throws on an amount that is not a plain decimal: a bug or a corrupt order, never rounded. */
function moneyOf(currency: string) {
  const minor = (amount: unknown, what: string): number => {
    const s = str(amount) || "0";
    const negative = s.startsWith("-");
    const parsed = toMinor(negative ? s.slice(1) : s, currency);
    if (!parsed.ok) throw new Error(`WooCommerce ${what} "${s}": ${parsed.message}`);
    return negative ? -parsed.minor : parsed.minor;
  };
  const text = (m: number) => fromMinor(m, currency);
  return { minor, text, same: (amount: unknown, what: string) => text(minor(amount, what)) };
}

function address(a: Obj): MappedAddress | null {
  if (!str(a.address_1) && !str(a.city) && !str(a.postcode)) return null;
  const person = [str(a.first_name), str(a.last_name)].filter(Boolean).join(" ");
  return {
    name: person || str(a.company),
    line1: str(a.address_1),
    line2: optional(a.address_2),
    district: null,
    city: str(a.city),
    region: optional(a.state),
    postalCode: str(a.postcode),
    country: str(a.country).toUpperCase(),
    phone: optional(a.phone),
  };
}

function paymentStatus(o: Obj, refunded: number, total: number): MappedOrder["paymentStatus"] {
  const status = str(o.status);
  if (status === "refunded" || (refunded > 0 && refunded >= total)) return "refunded";
  if (refunded > 0) return "partially_refunded";
  if (status === "processing" || status === "completed" || wooGmt(o.date_paid_gmt) !== null) return "paid";
  // Cancelled before any payment: nothing was taken, the authorisation (if any) is gone.
  if (status === "cancelled") return "voided";
  // pending, on-hold (awaiting a bank transfer or a cheque), failed (the customer may pay again).
  return "unpaid";
}

export function mapWooCommerceOrder(order: PlatformOrder): MappedOrder {
  const o = obj(order.raw);
  const externalId = idString(o.id);
  if (!externalId) throw new Error("WooCommerce order without an id");
  const currency = str(o.currency).toUpperCase();
  if (!isCurrency(currency)) throw new Error(`WooCommerce order ${externalId}: unknown currency "${currency}"`);
  const m = moneyOf(currency);

  const lines: MappedLine[] = list(o.line_items).map((l) => {
    const quantity = Number(l.quantity) || 0;
    // `subtotal` is the line before coupons, `total` after: the difference is the line's share of the discount.
    const subtotal = m.minor(l.subtotal, "line subtotal");
    // Exact whenever the line is (the usual case); a subtotal that does not divide (3 for 10.00) rounds to the cent, and the audit compares totals.
    const unit = quantity > 0 ? Math.round(subtotal / quantity) : subtotal;
    const variation = idString(l.variation_id);
    const product = idString(l.product_id);
    return {
      externalLineId: idString(l.id),
      platformKeys: [str(l.sku), variation && variation !== "0" ? `variant:${variation}` : "", product && product !== "0" ? `product:${product}` : ""].filter(Boolean),
      name: str(l.name),
      quantity,
      unitPrice: m.text(unit),
      discount: m.text(subtotal - m.minor(l.total, "line total")),
      // WooCommerce's line items do not say whether the product is virtual; a shop selling downloads maps them in the SKU map.
      requiresShipping: true,
    };
  });

  const total = m.minor(o.total, "total");
  const refunds: MappedRefund[] = list(o.refunds).map((r) => ({
    externalId: idString(r.id) ?? "",
    // WooCommerce lists refunds on the order with negative totals.
    amount: m.text(Math.abs(m.minor(r.total, "refund total"))),
    // The order's embedded refunds carry no date: the order's last change is the latest they can be.
    createdAt: wooGmt(o.date_modified_gmt) ?? 0,
    note: optional(r.reason),
    lines: [],
  }));
  const refunded = refunds.reduce((n, r) => n + m.minor(r.amount, "refund"), 0);

  const status = str(o.status);
  const billing = obj(o.billing);
  const createdAt = wooGmt(o.date_created_gmt) ?? 0;
  const updatedAt = wooGmt(o.date_modified_gmt) ?? createdAt;
  const customerName = [str(billing.first_name), str(billing.last_name)].filter(Boolean).join(" ");

  return {
    externalId,
    name: str(o.number) ? `#${str(o.number)}` : `#${externalId}`,
    currency,
    lines,
    shipping: m.same(o.shipping_total, "shipping_total"),
    discount: m.same(o.discount_total, "discount_total"),
    tax: m.same(o.total_tax, "total_tax"),
    total: m.text(total),
    paymentStatus: paymentStatus(o, refunded, total),
    note: optional(o.customer_note),
    customer: { name: customerName || str(billing.company), email: optional(billing.email), phone: optional(billing.phone) },
    shippingAddress: address(obj(o.shipping)),
    billingAddress: address(billing),
    locale: null,
    createdAt,
    updatedAt,
    cancelled: status === "cancelled" ? { at: updatedAt, reason: null } : null,
    refunds,
    skip: NOT_ORDERS.has(status),
  };
}
