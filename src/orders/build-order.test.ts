import { describe, expect, it } from "vitest";
import { buildOrder } from "./build-order";
import { CreateOrderBody } from "./schemas";

const input = (over: Record<string, unknown> = {}) =>
  CreateOrderBody.parse({
    store_id: "st_1",
    channel: "web",
    customer: { name: "Li Wei" },
    shipping_address: { name: "Li Wei", line1: "1 Nanjing Rd", city: "Shanghai", postal_code: "200001", country: "CN" },
    lines: [
      { sku: "A", quantity: 3, unit_price: "10.05" },
      { sku: "S", quantity: 1, unit_price: "99.00" },
    ],
    currency: "CNY",
    shipping_amount: "8.00",
    discount_amount: "5.15",
    tax_amount: "1.00",
    ...over,
  });

const catalogue = new Map([
  ["A", { name: "Green tea", type: "goods" as const, active: true }],
  ["S", { name: "Installation", type: "service" as const, active: true }],
]);

describe("buildOrder", () => {
  it("computes totals in minor units and names lines from the catalogue", () => {
    const r = buildOrder(input(), { catalogue, actor: "key_1", now: 1_700_000_000_000 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { order, lines, event } = r.value;
    expect(lines.map((l) => [l.lineNo, l.name, l.type, l.unitPrice, l.totalAmount])).toEqual([
      [1, "Green tea", "goods", 1005, 3015],
      [2, "Installation", "service", 9900, 9900],
    ]);
    expect(order).toMatchObject({
      subtotalAmount: 12915,
      shippingAmount: 800,
      discountAmount: 515,
      taxAmount: 100,
      totalAmount: 12915 + 800 + 100 - 515,
      status: "received",
      version: 1,
      requiresShipping: true,
      paymentStatus: "unpaid",
      createdAt: 1_700_000_000_000,
    });
    expect(order.id).toMatch(/^ord_[0-9A-Z]{26}$/);
    expect(event).toMatchObject({ orderId: order.id, seq: 1, type: "received", toStatus: "received", actor: "key_1" });
  });

  it("marks a service-only order as not requiring shipping, and unknown SKUs as goods", () => {
    const services = buildOrder(input({ lines: [{ sku: "S", quantity: 1, unit_price: "1" }] }), { catalogue, actor: "a", now: 1 });
    expect(services.ok && services.value.order.requiresShipping).toBe(false);
    const unknown = buildOrder(input({ lines: [{ sku: "NEW", quantity: 1, unit_price: "1", name: "Mystery" }] }), { catalogue, actor: "a", now: 1 });
    expect(unknown.ok && unknown.value.lines[0]).toMatchObject({ name: "Mystery", type: "goods" });
    const nameless = buildOrder(input({ lines: [{ sku: "NEW", quantity: 1, unit_price: "1" }] }), { catalogue, actor: "a", now: 1 });
    expect(nameless.ok && nameless.value.lines[0]!.name).toBe("NEW");
  });

  it("prefers the name the channel sent over the catalogue's", () => {
    const r = buildOrder(input({ lines: [{ sku: "A", name: "Tea (gift wrap)", quantity: 1, unit_price: "1" }] }), { catalogue, actor: "a", now: 1 });
    expect(r.ok && r.value.lines[0]!.name).toBe("Tea (gift wrap)");
  });

  it("refuses a discount larger than what it discounts", () => {
    const r = buildOrder(input({ discount_amount: "1000.00" }), { catalogue, actor: "a", now: 1 });
    expect(r).toEqual({ ok: false, errors: [{ field: "discount_amount", message: expect.stringContaining("larger") }] });
  });

  it("uses the currency's exponent", () => {
    const r = buildOrder(input({ currency: "JPY", lines: [{ sku: "A", quantity: 2, unit_price: "1500" }], shipping_amount: "500", discount_amount: "0", tax_amount: "0" }), {
      catalogue,
      actor: "a",
      now: 1,
    });
    expect(r.ok && r.value.order.totalAmount).toBe(3500);
  });
});
