/**
 * What taking a platform order in means, decided without I/O: the intake
 * body a platform order becomes (SKUs through the connection's map), and,
 * for an order we already have, what changed and what to do about it.
 *
 * Rules, in order:
 * - a draft or pending checkout is not an order (skip);
 * - a platform order we do not have is created; one that is already
 *   cancelled is created and cancelled when a webhook brings it (a late
 *   `orders/create` must then find it, not resurrect it) and skipped by
 *   reconciliation (which reads current states: nothing comes later);
 * - a state older than the newest we applied is stale, the same one is
 *   unchanged (platforms retry and reorder deliveries);
 * - a cancellation cancels while the order may still be cancelled
 *   (received, on hold, approved, processing: a cancel after release
 *   intercepts the parcels on the floor) and is reported once it is out;
 * - a content change (lines, amounts, address, contact, note) before
 *   release is an edit, audited again (an approved order is held first:
 *   lines are fixed once approved); after release (processing) the
 *   order's parcels are intercepted for a person to decide; once shipped
 *   it is reported for staff;
 * - payment follows the platform for unpaid, authorized, paid and voided;
 *   refunds are after-sales' business (one request per platform refund),
 *   so refunded states are not copied onto the order's payment.
 */
import { fromMinor } from "../lib/money";
import type { CreateOrderInput, EditOrderInput } from "../orders/schemas";
import type { MappedAddress, MappedOrder } from "./platforms/platform";

/** Platform keys to our SKU: the connection's map, then the platform SKU itself where our catalogue has it. */
export type SkuResolver = { mapped: ReadonlyMap<string, string>; catalogue: ReadonlySet<string> };

export type IntakeBody = { input: CreateOrderInput; unmapped: { line: number; keys: string[] }[] };

const cut = (s: string | null | undefined, max: number) => (s ? [...s.trim()].slice(0, max).join("") : "");
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()\-.]{4,32}$/;

/** Our SKU for a platform line: its keys looked up in order; an unmapped line keeps its first key (held, not failed). */
export function resolveSku(keys: readonly string[], r: SkuResolver): { sku: string; mapped: boolean } {
  for (const k of keys) {
    const sku = r.mapped.get(k);
    if (sku) return { sku, mapped: true };
  }
  // Many shops use our SKUs as theirs: a platform SKU (not a variant key) our catalogue knows needs no entry.
  const own = keys.find((k) => !k.includes(":") && r.catalogue.has(k));
  if (own) return { sku: own, mapped: true };
  return { sku: cut(keys[0] ?? "unknown", 64) || "unknown", mapped: false };
}

function address(a: MappedAddress): CreateOrderInput["shipping_address"] {
  return {
    name: cut(a.name, 200),
    line1: cut(a.line1, 200),
    line2: a.line2 ? cut(a.line2, 200) : null,
    district: a.district ? cut(a.district, 100) : null,
    city: cut(a.city, 100),
    region: a.region ? cut(a.region, 100) : null,
    postal_code: cut(a.postalCode, 20),
    country: a.country,
  };
}

/** The intake body for a platform order (validated by intake's own schema before it is used). */
export function intakeBody(mapped: MappedOrder, opts: { storeId: string; channel: string; skus: SkuResolver }): IntakeBody {
  const unmapped: IntakeBody["unmapped"] = [];
  const lines = mapped.lines.map((l, i) => {
    const r = resolveSku(l.platformKeys, opts.skus);
    if (!r.mapped) unmapped.push({ line: i, keys: l.platformKeys });
    return { sku: r.sku, name: cut(l.name, 200) || r.sku, quantity: l.quantity, unit_price: l.unitPrice };
  });
  const ship = mapped.shippingAddress ?? mapped.billingAddress;
  const email = mapped.customer.email && EMAIL.test(mapped.customer.email) ? mapped.customer.email : null;
  const phone = mapped.customer.phone && PHONE.test(mapped.customer.phone.trim()) ? mapped.customer.phone.trim() : null;
  const locale = mapped.locale && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(mapped.locale) ? mapped.locale : undefined;
  const input: CreateOrderInput = {
    store_id: opts.storeId,
    channel: opts.channel,
    external_id: mapped.externalId,
    customer: { name: cut(mapped.customer.name, 200) || "Customer", email, phone },
    shipping_address: ship
      ? address(ship)
      : // A platform order without any address (a service, a gift card) is refused by intake's schema, naming the field.
        ({} as CreateOrderInput["shipping_address"]),
    lines,
    currency: mapped.currency,
    shipping_amount: mapped.shipping,
    discount_amount: mapped.discount,
    tax_amount: mapped.tax,
    payment_status: mapped.paymentStatus,
    total_amount: mapped.total,
    ...(mapped.note ? { note: cut(mapped.note, 2000) } : {}),
    ...(locale ? { locale } : {}),
  };
  return { input, unmapped };
}

/** Our order as it stands, in the intake body's terms (amounts as decimal strings). */
export type CurrentOrder = {
  orderId: string;
  status: string;
  paymentStatus: string;
  /** The platform's `updated_at` of the newest state applied. */
  platformUpdatedAt: number;
  currency: string;
  lines: { sku: string; quantity: number; unitPrice: number }[];
  shippingAmount: number;
  discountAmount: number;
  taxAmount: number;
  note: string | null;
  customer: { name: string; email: string | null; phone: string | null };
  shippingAddress: CreateOrderInput["shipping_address"];
  /** The customer's personal data was erased (a privacy request): the platform's contact, address and note are not taken in again. */
  personalDataErased?: boolean;
};

export type TakeInPlan =
  | { kind: "skip"; reason: string }
  | { kind: "create"; thenCancel: boolean }
  | { kind: "stale" }
  | { kind: "unchanged" }
  | { kind: "cancel" }
  | { kind: "cancel_too_late"; reason: string }
  | {
      kind: "update";
      /** Content changes as an edit body; null when only payment (or refunds) changed. */
      edit: Omit<EditOrderInput, "reason"> | null;
      /** How the content change is applied given where the order is. */
      via: "edit" | "hold_then_edit" | "intercept" | "report";
      payment: "unpaid" | "authorized" | "paid" | "voided" | null;
    };

const BEFORE_RELEASE = new Set(["received", "on_hold"]);
const CANCELLABLE = new Set(["received", "on_hold", "approved", "processing"]);
const FOLLOWED_PAYMENTS = new Set(["unpaid", "authorized", "paid", "voided"]);

const sameAddress = (a: CreateOrderInput["shipping_address"], b: CreateOrderInput["shipping_address"]) =>
  (["name", "line1", "line2", "district", "city", "region", "postal_code", "country"] as const).every((k) => (a[k] ?? null) === (b[k] ?? null));

/** The content fields of `next` that differ from the order as it is. */
export function contentChanges(current: CurrentOrder, next: CreateOrderInput): Omit<EditOrderInput, "reason"> | null {
  const money = (minor: number) => fromMinor(minor, current.currency);
  const changes: Omit<EditOrderInput, "reason"> = {};
  const sameLines =
    current.lines.length === next.lines.length &&
    current.lines.every((l, i) => {
      const n = next.lines[i]!;
      return l.sku === n.sku && l.quantity === n.quantity && money(l.unitPrice) === n.unit_price;
    });
  if (!sameLines) changes.lines = next.lines;
  if (money(current.shippingAmount) !== (next.shipping_amount ?? money(0))) changes.shipping_amount = next.shipping_amount;
  if (money(current.discountAmount) !== (next.discount_amount ?? money(0))) changes.discount_amount = next.discount_amount;
  if (money(current.taxAmount) !== (next.tax_amount ?? money(0))) changes.tax_amount = next.tax_amount;
  if (current.personalDataErased) return Object.keys(changes).length ? changes : null;
  if ((current.note ?? null) !== (next.note ?? null)) changes.note = next.note ?? null;
  if (!sameAddress(current.shippingAddress, next.shipping_address)) changes.shipping_address = next.shipping_address;
  const c = next.customer;
  if (current.customer.name !== c.name || (current.customer.email ?? null) !== (c.email ?? null) || (current.customer.phone ?? null) !== (c.phone ?? null)) {
    changes.customer = { name: c.name, email: c.email ?? null, phone: c.phone ?? null };
  }
  return Object.keys(changes).length ? changes : null;
}

export function planTakeIn(
  current: CurrentOrder | null,
  mapped: MappedOrder,
  opts: { next: CreateOrderInput | null; source: "webhook" | "reconciliation" | "backfill" },
): TakeInPlan {
  const { next } = opts;
  if (mapped.skip) return { kind: "skip", reason: "not an order yet (a draft or an unfinished checkout)" };
  if (!current) {
    if (!mapped.cancelled) return { kind: "create", thenCancel: false };
    return opts.source === "webhook" ? { kind: "create", thenCancel: true } : { kind: "skip", reason: "cancelled on the platform before it reached us" };
  }
  if (mapped.updatedAt < current.platformUpdatedAt) return { kind: "stale" };
  if (mapped.updatedAt === current.platformUpdatedAt) return { kind: "unchanged" };
  if (current.status === "cancelled") return { kind: "unchanged" };
  if (mapped.cancelled) {
    return CANCELLABLE.has(current.status) ? { kind: "cancel" } : { kind: "cancel_too_late", reason: `cancelled on the platform, but the order is already ${current.status}` };
  }
  const edit = next ? contentChanges(current, next) : null;
  const payment = FOLLOWED_PAYMENTS.has(mapped.paymentStatus) && mapped.paymentStatus !== current.paymentStatus ? (mapped.paymentStatus as "unpaid") : null;
  if (!edit && !payment) return { kind: "unchanged" };
  const via = !edit || BEFORE_RELEASE.has(current.status) ? "edit" : current.status === "approved" ? "hold_then_edit" : current.status === "processing" ? "intercept" : "report";
  return { kind: "update", edit, via, payment };
}
