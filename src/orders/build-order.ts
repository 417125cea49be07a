/**
 * Turns a validated create-order request into the rows of a new order: money
 * to minor units, totals computed, each line named and typed from the
 * catalogue. Pure: no I/O, so every rule here is unit-tested directly.
 */
import type { orderEvents, orderLines, orders } from "../db/schema";
import type { FieldError } from "../http/problem";
import { newId } from "../lib/ids";
import { MAX_MINOR, toMinor } from "../lib/money";
import type { CatalogueEntry } from "../products/catalogue";
import type { CreateOrderInput } from "./schemas";

export type NewOrder = {
  order: typeof orders.$inferSelect;
  lines: (typeof orderLines.$inferSelect)[];
  event: typeof orderEvents.$inferSelect;
};

export type BuildResult = { ok: true; value: NewOrder } | { ok: false; errors: FieldError[] };

export function minor(amount: string | undefined, currency: string): number {
  if (amount === undefined) return 0;
  const r = toMinor(amount, currency);
  // The schema has already checked every amount against its currency.
  if (!r.ok) throw new Error(`unchecked amount ${amount}`);
  return r.minor;
}

/** Prices lines in minor units and names and types them from the catalogue. */
export function priceLines(
  input: CreateOrderInput["lines"],
  opts: { orderId: string; currency: string; catalogue: ReadonlyMap<string, CatalogueEntry | null>; errors: FieldError[] },
): NewOrder["lines"] {
  const { orderId, currency, catalogue, errors } = opts;
  return input.map((l, i) => {
    const unitPrice = minor(l.unit_price, currency);
    const total = unitPrice * l.quantity;
    if (!Number.isSafeInteger(total)) errors.push({ field: `lines.${i}`, message: "line total is too large" });
    const known = catalogue.get(l.sku) ?? null;
    return {
      orderId,
      lineNo: i + 1,
      sku: l.sku,
      name: l.name ?? known?.name ?? l.sku,
      // An SKU the catalogue does not know is treated as goods; the audit flags it.
      type: known?.type ?? ("goods" as const),
      quantity: l.quantity,
      unitPrice,
      totalAmount: total,
    };
  });
}

export type Totals = { subtotal: number; shipping: number; discount: number; tax: number; total: number };

/** total = subtotal + shipping + tax - discount (tax exclusive); a discount may not exceed the rest. */
export function computeTotals(lines: readonly { totalAmount: number }[], amounts: { shipping: number; discount: number; tax: number }, errors: FieldError[]): Totals {
  const subtotal = lines.reduce((s, l) => s + l.totalAmount, 0);
  const total = subtotal + amounts.shipping + amounts.tax - amounts.discount;
  if (total < 0) {
    errors.push({ field: "discount_amount", message: "discount is larger than the order's subtotal, shipping and tax" });
  }
  if (subtotal + amounts.shipping + amounts.tax > MAX_MINOR) errors.push({ field: "lines", message: "order total is too large" });
  return { subtotal, ...amounts, total };
}

/** An address as the order stores it: every optional part present, as null when not given. */
export function storedAddress(a: CreateOrderInput["shipping_address"]): (typeof orders.$inferInsert)["shippingAddress"] {
  return {
    name: a.name,
    line1: a.line1,
    line2: a.line2 ?? null,
    district: a.district ?? null,
    city: a.city,
    region: a.region ?? null,
    postal_code: a.postal_code,
    country: a.country,
  };
}

/** `tag`: the store's tag (src/db/homes.ts), so the order's id names its store's shard; null for a store without one. */
export function buildOrder(input: CreateOrderInput, opts: { catalogue: ReadonlyMap<string, CatalogueEntry | null>; actor: string; now: number; tag?: string | null }): BuildResult {
  const { catalogue, actor, now } = opts;
  const errors: FieldError[] = [];
  const id = newId("ord", now, opts.tag ?? null);
  const lines = priceLines(input.lines, { orderId: id, currency: input.currency, catalogue, errors });
  const t = computeTotals(
    lines,
    {
      shipping: minor(input.shipping_amount, input.currency),
      discount: minor(input.discount_amount, input.currency),
      tax: minor(input.tax_amount, input.currency),
    },
    errors,
  );
  if (errors.length) return { ok: false, errors };

  const a = input.shipping_address;
  return {
    ok: true,
    value: {
      order: {
        id,
        storeId: input.store_id,
        channel: input.channel,
        externalId: input.external_id ?? null,
        status: "received",
        version: 1,
        paymentStatus: input.payment_status,
        requiresShipping: lines.some((l) => l.type === "goods"),
        customerName: input.customer.name,
        customerEmail: input.customer.email ?? null,
        customerPhone: input.customer.phone ?? null,
        // Keyed, so they are computed where the Worker's secrets are (create-order.ts), not in this pure builder.
        customerEmailIndex: null,
        customerPhoneIndex: null,
        customerEmailMerchantIndex: null,
        customerPhoneMerchantIndex: null,
        shippingAddress: storedAddress(a),
        currency: input.currency,
        subtotalAmount: t.subtotal,
        shippingAmount: t.shipping,
        discountAmount: t.discount,
        taxAmount: t.tax,
        totalAmount: t.total,
        note: input.note ?? null,
        locale: input.locale ?? null,
        channelTotalAmount: input.total_amount === undefined ? null : minor(input.total_amount, input.currency),
        confirmations: [],
        statusReason: null,
        createdAt: now,
        updatedAt: now,
        approvedAt: null,
        heldAt: null,
        processingAt: null,
        shippedAt: null,
        deliveredAt: null,
        completedAt: null,
        cancelledAt: null,
        archivedAt: null,
        primaryWarehouseId: null,
        personalDataErasedAt: null,
        openAfterSales: 0,
      },
      lines,
      event: {
        id: newId("evt", now),
        orderId: id,
        seq: 1,
        type: "received",
        fromStatus: null,
        toStatus: "received",
        actor,
        reason: null,
        internalNote: null,
        customerMessage: null,
        data: { channel: input.channel, external_id: input.external_id ?? null },
        createdAt: now,
        // The order's first event: no history before it (src/orders/event-history.ts).
        previousAt: null,
        lastApprovedAt: null,
        lastShippedAt: null,
      },
    },
  };
}
