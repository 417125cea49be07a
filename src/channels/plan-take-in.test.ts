import { describe, expect, it } from "vitest";
import { type CurrentOrder, contentChanges, intakeBody, planTakeIn, resolveSku } from "./plan-take-in";
import type { MappedOrder } from "./platforms/platform";

const T0 = Date.parse("2025-06-14T14:21:39Z");

function mappedOrder(over: Partial<MappedOrder> = {}): MappedOrder {
  return {
    externalId: "5893406212113",
    name: "#1042",
    currency: "USD",
    lines: [{ externalLineId: "1", platformKeys: ["SOCK-1", "variant:11"], name: "Sock", quantity: 2, unitPrice: "18.00", discount: "0.00", requiresShipping: true }],
    shipping: "6.95",
    discount: "0.00",
    tax: "0.00",
    total: "42.95",
    paymentStatus: "paid",
    note: null,
    customer: { name: "Maya Chen", email: "maya@example.com", phone: null },
    shippingAddress: {
      name: "Maya Chen",
      line1: "350 W 42nd St",
      line2: null,
      district: null,
      city: "New York",
      region: "New York",
      postalCode: "10036",
      country: "US",
      phone: null,
    },
    billingAddress: null,
    locale: "en-US",
    createdAt: T0,
    updatedAt: T0,
    cancelled: null,
    refunds: [],
    skip: false,
    ...over,
  };
}

const skus = { mapped: new Map([["variant:11", "OUR-SOCK"]]), catalogue: new Set<string>() };
const body = (m: MappedOrder) => intakeBody(m, { storeId: "st_1", channel: "shopify", skus }).input;

function current(over: Partial<CurrentOrder> = {}): CurrentOrder {
  const m = mappedOrder();
  const b = body(m);
  return {
    orderId: "ord_1",
    status: "received",
    paymentStatus: "paid",
    platformUpdatedAt: T0,
    currency: "USD",
    lines: [{ sku: "OUR-SOCK", quantity: 2, unitPrice: 1800 }],
    shippingAmount: 695,
    discountAmount: 0,
    taxAmount: 0,
    note: null,
    customer: { name: "Maya Chen", email: "maya@example.com", phone: null },
    shippingAddress: b.shipping_address,
    ...over,
  };
}

describe("which SKU a platform line is", () => {
  it("looks the platform's keys up in order, then takes a platform SKU our catalogue knows, else keeps the first key unmapped", () => {
    expect(resolveSku(["SOCK-1", "variant:11"], skus)).toEqual({ sku: "OUR-SOCK", mapped: true });
    expect(
      resolveSku(["SOCK-1", "variant:11"], {
        mapped: new Map([
          ["SOCK-1", "A"],
          ["variant:11", "B"],
        ]),
        catalogue: new Set(),
      }),
    ).toEqual({ sku: "A", mapped: true });
    expect(resolveSku(["TEA-1", "variant:9"], { mapped: new Map(), catalogue: new Set(["TEA-1"]) })).toEqual({ sku: "TEA-1", mapped: true });
    expect(resolveSku(["variant:9"], { mapped: new Map(), catalogue: new Set(["variant:9"]) })).toEqual({ sku: "variant:9", mapped: false });
    expect(resolveSku([], { mapped: new Map(), catalogue: new Set() })).toEqual({ sku: "unknown", mapped: false });
  });

  it("lists unmapped lines in the intake body without failing it", () => {
    const m = mappedOrder({
      lines: [
        ...mappedOrder().lines,
        { externalLineId: "2", platformKeys: ["CAP-9", "variant:99"], name: "Cap", quantity: 1, unitPrice: "29.00", discount: "0.00", requiresShipping: true },
      ],
    });
    const r = intakeBody(m, { storeId: "st_1", channel: "shopify", skus });
    expect(r.input.lines.map((l) => l.sku)).toEqual(["OUR-SOCK", "CAP-9"]);
    expect(r.unmapped).toEqual([{ line: 1, keys: ["CAP-9", "variant:99"] }]);
    expect(r.input).toMatchObject({ store_id: "st_1", channel: "shopify", external_id: "5893406212113", total_amount: "42.95", payment_status: "paid", locale: "en-US" });
  });

  it("drops a contact the intake would refuse rather than the order", () => {
    const r = intakeBody(mappedOrder({ customer: { name: "X", email: "not-an-email", phone: "call me" } }), { storeId: "s", channel: "shopify", skus });
    expect(r.input.customer).toEqual({ name: "X", email: null, phone: null });
  });
});

describe("planning a take-in", () => {
  it("creates a new order, but not a draft; one cancelled before it reached us is created cancelled from a webhook, skipped by reconciliation", () => {
    expect(planTakeIn(null, mappedOrder(), { next: body(mappedOrder()), source: "webhook" })).toEqual({ kind: "create", thenCancel: false });
    expect(planTakeIn(null, mappedOrder({ skip: true }), { next: null, source: "webhook" }).kind).toBe("skip");
    const cancelled = mappedOrder({ cancelled: { at: T0, reason: "customer" } });
    expect(planTakeIn(null, cancelled, { next: body(cancelled), source: "webhook" })).toEqual({ kind: "create", thenCancel: true });
    expect(planTakeIn(null, cancelled, { next: body(cancelled), source: "reconciliation" }).kind).toBe("skip");
  });

  it("ignores an older state arriving late, and the same state again", () => {
    const m = mappedOrder({ updatedAt: T0 - 1, note: "changed" });
    expect(planTakeIn(current(), m, { next: body(m), source: "webhook" })).toEqual({ kind: "stale" });
    expect(planTakeIn(current(), mappedOrder(), { next: body(mappedOrder()), source: "webhook" })).toEqual({ kind: "unchanged" });
  });

  it("cancels while the order may be cancelled, and reports a cancellation once it has shipped", () => {
    const m = mappedOrder({ updatedAt: T0 + 1, cancelled: { at: T0 + 1, reason: "customer" } });
    for (const status of ["received", "on_hold", "approved", "processing"])
      expect(planTakeIn(current({ status }), m, { next: body(m), source: "webhook" })).toEqual({ kind: "cancel" });
    expect(planTakeIn(current({ status: "shipped" }), m, { next: body(m), source: "webhook" }).kind).toBe("cancel_too_late");
    expect(planTakeIn(current({ status: "cancelled" }), m, { next: body(m), source: "webhook" })).toEqual({ kind: "unchanged" });
  });

  it("edits before release, holds an approved order first, intercepts after release, reports once shipped", () => {
    const m = mappedOrder({ updatedAt: T0 + 1, lines: [{ ...mappedOrder().lines[0]!, quantity: 3 }] });
    const plan = (status: string) => planTakeIn(current({ status }), m, { next: body(m), source: "webhook" });
    expect(plan("received")).toEqual({ kind: "update", edit: { lines: [{ sku: "OUR-SOCK", name: "Sock", quantity: 3, unit_price: "18.00" }] }, via: "edit", payment: null });
    expect(plan("on_hold")).toMatchObject({ via: "edit" });
    expect(plan("approved")).toMatchObject({ via: "hold_then_edit" });
    expect(plan("processing")).toMatchObject({ via: "intercept" });
    expect(plan("shipped")).toMatchObject({ via: "report" });
  });

  it("follows payment (but not refunds, which are after-sales' business)", () => {
    const paid = mappedOrder({ updatedAt: T0 + 1, paymentStatus: "paid" });
    expect(planTakeIn(current({ paymentStatus: "unpaid", status: "shipped" }), paid, { next: body(paid), source: "webhook" })).toEqual({
      kind: "update",
      edit: null,
      via: "edit",
      payment: "paid",
    });
    const refunded = mappedOrder({ updatedAt: T0 + 1, paymentStatus: "refunded" });
    expect(planTakeIn(current(), refunded, { next: body(refunded), source: "webhook" })).toEqual({ kind: "unchanged" });
  });

  it("sees which content changed: address, amounts, note, contact", () => {
    const m = mappedOrder({
      shipping: "0.00",
      note: "ring twice",
      customer: { name: "Maya Chen", email: "new@example.com", phone: null },
      shippingAddress: { ...mappedOrder().shippingAddress!, line2: "Apt 12B" },
    });
    expect(Object.keys(contentChanges(current(), body(m)) ?? {}).sort()).toEqual(["customer", "note", "shipping_address", "shipping_amount"]);
    expect(contentChanges(current(), body(mappedOrder()))).toBeNull();
    // Once the customer's personal data was erased, the platform's contact, address and note are not taken in again; amounts still are.
    const erased = current({ customer: { name: "[erased]", email: null, phone: null }, note: null, personalDataErased: true });
    expect(Object.keys(contentChanges(erased, body(m)) ?? {})).toEqual(["shipping_amount"]);
    expect(contentChanges(erased, body(mappedOrder()))).toBeNull();
  });
});
