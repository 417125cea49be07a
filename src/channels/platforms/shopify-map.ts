/**
 * A Shopify order (Admin REST shape) in our terms. Pure.
 *
 * Money: the shop-currency decimal strings (`price`, `total_tax`, ...),
 * summed exactly (./decimal.ts), never as floats. Our totals are tax
 * exclusive (total = lines + shipping + tax - discount): an order whose
 * prices include tax (`taxes_included`) carries no tax on top, so its tax
 * maps to zero and the total still agrees with Shopify's. Text is kept as
 * sent (names and addresses in any script). Ids are strings (big-int safe).
 */
import { addDecimals, moneyIn } from "./decimal";
import { idString } from "./json";
import type { MappedAddress, MappedLine, MappedOrder, MappedRefund, PlatformOrder } from "./platform";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);
const time = (v: unknown): number | null => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : null);
const int = (v: unknown): number => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : 0);

const PAYMENT: Record<string, MappedOrder["paymentStatus"]> = {
  pending: "unpaid",
  // Part of it paid: still owed, so the order waits like an unpaid one.
  partially_paid: "unpaid",
  authorized: "authorized",
  paid: "paid",
  partially_refunded: "partially_refunded",
  refunded: "refunded",
  voided: "voided",
  expired: "voided",
};

export function shopifyPaymentStatus(financialStatus: unknown): MappedOrder["paymentStatus"] {
  return (typeof financialStatus === "string" && PAYMENT[financialStatus]) || "unpaid";
}

const personName = (a: Obj) => str(a.name) ?? ([str(a.first_name), str(a.last_name)].filter(Boolean).join(" ") || null);

export function shopifyAddress(value: unknown): MappedAddress | null {
  const a = obj(value);
  if (!Object.keys(a).length) return null;
  const company = str(a.company);
  return {
    name: personName(a) ?? company ?? "",
    line1: str(a.address1) ?? "",
    // The company has no field of its own in our address: it rides on the second line, where couriers read it.
    line2: [str(a.address2), company && personName(a) ? company : null].filter(Boolean).join(", ") || null,
    district: null,
    city: str(a.city) ?? "",
    // The name as the shop's customer wrote it ("New York", "広東省" or "Guangdong"), else the code.
    region: str(a.province) ?? str(a.province_code),
    postalCode: str(a.zip) ?? "",
    country: (str(a.country_code) ?? "").toUpperCase(),
    phone: str(a.phone),
  };
}

function line(li: Obj, currency: string): MappedLine {
  const sku = str(li.sku);
  const variant = idString(li.variant_id);
  const product = idString(li.product_id);
  return {
    externalLineId: idString(li.id),
    platformKeys: [sku, variant ? `variant:${variant}` : null, product ? `product:${product}` : null].filter((k): k is string => k !== null),
    name: str(li.name) ?? ([str(li.title), str(li.variant_title)].filter(Boolean).join(" - ") || sku || "Item"),
    quantity: int(li.quantity),
    unitPrice: moneyIn(li.price, currency),
    discount: moneyIn(addDecimals(list(li.discount_allocations).map((d) => d.amount)), currency),
    requiresShipping: li.requires_shipping !== false,
  };
}

function refund(r: Obj, currency: string): MappedRefund | null {
  const externalId = idString(r.id);
  if (!externalId) return null;
  const paid = list(r.transactions).filter((t) => t.kind === "refund" && (t.status === undefined || t.status === "success"));
  return {
    externalId,
    amount: moneyIn(addDecimals(paid.map((t) => t.amount)), currency),
    createdAt: time(r.created_at) ?? time(r.processed_at) ?? 0,
    note: str(r.note),
    lines: list(r.refund_line_items)
      .map((l) => ({ externalLineId: idString(l.line_item_id) ?? "", quantity: int(l.quantity) }))
      .filter((l) => l.externalLineId && l.quantity > 0),
  };
}

export function mapShopifyOrder(order: PlatformOrder): MappedOrder {
  const o = obj(order.raw);
  const currency = (str(o.currency) ?? "").toUpperCase();
  const customer = obj(o.customer);
  const shippingAddress = shopifyAddress(o.shipping_address);
  const billingAddress = shopifyAddress(o.billing_address);
  const shippingLines = list(o.shipping_lines).filter((s) => s.is_removed !== true);
  const shipping = obj(obj(o.total_shipping_price_set).shop_money).amount ?? addDecimals(shippingLines.map((s) => s.price));
  const cancelledAt = time(o.cancelled_at);
  const createdAt = time(o.created_at) ?? 0;
  return {
    externalId: idString(o.id) ?? "",
    name: str(o.name),
    currency,
    lines: list(o.line_items)
      .map((li) => line(li, currency))
      .filter((l) => l.quantity > 0),
    shipping: moneyIn(shipping, currency),
    discount: moneyIn(o.total_discounts ?? "0", currency),
    tax: o.taxes_included === true ? moneyIn("0", currency) : moneyIn(o.total_tax ?? "0", currency),
    total: moneyIn(o.total_price ?? "0", currency),
    paymentStatus: shopifyPaymentStatus(o.financial_status),
    note: str(o.note),
    customer: {
      name: personName(customer) ?? shippingAddress?.name ?? billingAddress?.name ?? str(o.email) ?? "Customer",
      email: str(o.email) ?? str(o.contact_email) ?? str(customer.email),
      phone: str(o.phone) ?? str(customer.phone) ?? shippingAddress?.phone ?? billingAddress?.phone ?? null,
    },
    shippingAddress,
    billingAddress,
    locale: str(o.customer_locale),
    createdAt,
    updatedAt: time(o.updated_at) ?? createdAt,
    cancelled: cancelledAt === null ? null : { at: cancelledAt, reason: str(o.cancel_reason) },
    refunds: list(o.refunds)
      .map((r) => refund(r, currency))
      .filter((r): r is MappedRefund => r !== null),
    skip: false,
  };
}
