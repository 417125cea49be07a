/**
 * A BigCommerce order in our terms. BigCommerce's v2 order has no lines or
 * addresses of its own: `fetchOrder` composes the three reads into one raw
 * value, `{ order, products, shipping_addresses, refunds }` (refunds from v3,
 * only when the order says something was refunded).
 *
 * Invariants: v2 money comes as 4-decimal strings ("3000.0000") and v3 money
 * as JSON numbers; both are brought to the currency's own decimals exactly
 * (trailing zeros dropped, never a digit rounded: "12.3450" in USD throws).
 * Dates are RFC 2822 with an offset (v2) or ISO 8601 (v3).
 */
import { fromMinor, isCurrency, toMinor } from "../../lib/money";
import { idString } from "./json";
import type { MappedAddress, MappedLine, MappedOrder, MappedRefund, PlatformOrder } from "./platform";

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string => (typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "");
const optional = (v: unknown): string | null => str(v) || null;

/** BigCommerce's order statuses (`status_id`), as its API documents them. */
export const BC_STATUS = {
  incomplete: 0,
  pending: 1,
  shipped: 2,
  partiallyShipped: 3,
  refunded: 4,
  cancelled: 5,
  declined: 6,
  awaitingPayment: 7,
  awaitingPickup: 8,
  awaitingShipment: 9,
  completed: 10,
  awaitingFulfillment: 11,
  manualVerificationRequired: 12,
  disputed: 13,
  partiallyRefunded: 14,
} as const;

export function bcDate(value: unknown): number | null {
  const s = str(value);
  if (!s) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

/** Exact money in minor units of `currency`, from "3000.0000", "12.5" or 12.5. Throws rather than round. */
function moneyOf(currency: string) {
  const minor = (value: unknown, what: string): number => {
    const raw = typeof value === "number" ? String(value) : str(value) || "0";
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(raw);
    const parsed = m ? toMinor(`${m[2]}${m[3]?.replace(/0+$/, "") ? `.${m[3].replace(/0+$/, "")}` : ""}`, currency) : null;
    if (!m || !parsed?.ok) throw new Error(`BigCommerce ${what} "${raw}" is not an exact ${currency} amount`);
    return m[1] ? -parsed.minor : parsed.minor;
  };
  const text = (n: number) => fromMinor(n, currency);
  return { minor, text, same: (v: unknown, what: string) => text(minor(v, what)) };
}

function address(a: Obj): MappedAddress | null {
  if (!str(a.street_1) && !str(a.city) && !str(a.zip)) return null;
  const person = [str(a.first_name), str(a.last_name)].filter(Boolean).join(" ");
  return {
    name: person || str(a.company),
    line1: str(a.street_1),
    line2: optional(a.street_2),
    district: null,
    city: str(a.city),
    region: optional(a.state),
    postalCode: str(a.zip),
    country: str(a.country_iso2).toUpperCase(),
    phone: optional(a.phone),
  };
}

function paymentStatus(o: Obj): MappedOrder["paymentStatus"] {
  const status = Number(o.status_id);
  const payment = str(o.payment_status).toLowerCase();
  if (status === BC_STATUS.refunded || payment === "refunded") return "refunded";
  if (status === BC_STATUS.partiallyRefunded || payment === "partially refunded" || payment === "partially_refunded") return "partially_refunded";
  if (payment === "void" || payment === "voided") return "voided";
  if (payment === "authorized" || payment === "authorised") return "authorized";
  if (payment === "captured" || payment === "paid" || payment === "partially captured") return "paid";
  // pending, declined, or no payment recorded (an order keyed in by staff): the audit decides.
  return "unpaid";
}

export function mapBigCommerceOrder(order: PlatformOrder): MappedOrder {
  const raw = obj(order.raw);
  const o = obj(raw.order);
  const externalId = idString(o.id);
  if (!externalId) throw new Error("BigCommerce order without an id");
  // `currency_code` is the display currency; the shopper paid in the transactional one.
  const currency = (str(o.default_currency_code) || str(o.currency_code)).toUpperCase();
  if (!isCurrency(currency)) throw new Error(`BigCommerce order ${externalId}: unknown currency "${currency}"`);
  const m = moneyOf(currency);

  const lines: MappedLine[] = list(raw.products)
    .filter((p) => !p.parent_order_product_id)
    .map((p) => {
      const variant = idString(p.variant_id);
      const product = idString(p.product_id);
      return {
        externalLineId: idString(p.id),
        platformKeys: [str(p.sku), variant && variant !== "0" ? `variant:${variant}` : "", product && product !== "0" ? `product:${product}` : ""].filter(Boolean),
        name: str(p.name_customer) || str(p.name),
        quantity: Number(p.quantity) || 0,
        unitPrice: m.same(p.price_ex_tax, "price_ex_tax"),
        discount: m.text(list(p.applied_discounts).reduce((n, d) => n + m.minor(d.amount, "applied discount"), 0)),
        requiresShipping: str(p.type) !== "digital",
      };
    });

  const shippingAddresses = list(raw.shipping_addresses);
  const billing = obj(o.billing_address);
  const createdAt = bcDate(o.date_created) ?? 0;
  const updatedAt = bcDate(o.date_modified) ?? createdAt;
  const status = Number(o.status_id);
  const refunds: MappedRefund[] = list(raw.refunds).map((r) => ({
    externalId: idString(r.id) ?? "",
    amount: m.same(r.total_amount, "refund total_amount"),
    createdAt: bcDate(r.created) ?? updatedAt,
    note: optional(r.reason),
    lines: list(r.items)
      .filter((i) => str(i.item_type).toUpperCase() === "PRODUCT" && idString(i.item_id) && Number(i.quantity) > 0)
      .map((i) => ({ externalLineId: idString(i.item_id) ?? "", quantity: Number(i.quantity) })),
  }));
  const customerName = [str(billing.first_name), str(billing.last_name)].filter(Boolean).join(" ");

  return {
    externalId,
    name: `#${externalId}`,
    currency,
    lines,
    // Handling and gift wrapping are delivery costs the shopper paid on top of the goods.
    shipping: m.text(
      m.minor(o.shipping_cost_ex_tax, "shipping_cost_ex_tax") + m.minor(o.handling_cost_ex_tax, "handling_cost_ex_tax") + m.minor(o.wrapping_cost_ex_tax, "wrapping_cost_ex_tax"),
    ),
    discount: m.text(m.minor(o.discount_amount, "discount_amount") + m.minor(o.coupon_discount, "coupon_discount")),
    tax: m.same(o.total_tax, "total_tax"),
    total: m.same(o.total_inc_tax, "total_inc_tax"),
    paymentStatus: paymentStatus(o),
    note: optional(o.customer_message),
    customer: { name: customerName || str(billing.company), email: optional(billing.email), phone: optional(billing.phone) },
    shippingAddress: shippingAddresses[0] ? address(shippingAddresses[0]) : null,
    billingAddress: address(billing),
    locale: optional(o.customer_locale),
    createdAt,
    updatedAt,
    cancelled: status === BC_STATUS.cancelled || status === BC_STATUS.declined ? { at: updatedAt, reason: status === BC_STATUS.declined ? "declined" : null } : null,
    refunds,
    // Incomplete orders are abandoned checkouts; archived ones were deleted by the merchant.
    skip: status === BC_STATUS.incomplete || o.is_deleted === true,
  };
}
