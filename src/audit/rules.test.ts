import { describe, expect, it } from "vitest";
import { evaluate } from "./evaluate";
import { DEFAULT_RULES, normaliseRules, RULE_KINDS, type RuleConfig } from "./rule-set";
import { RuleSetBody } from "./schemas";
import type { AuditContext, AuditOrder, CatalogueFacts } from "./types";
import type { OrderLineRow, OrderRow } from "../orders/serialize";

const NOW = Date.UTC(2026, 10, 26, 12);

function subject(o: Partial<OrderRow> = {}, lines: Partial<OrderLineRow>[] = [{}]): AuditOrder {
  const ls = lines.map((l, i) => ({ orderId: "ord_1", lineNo: i + 1, sku: "TEA", name: "Tea", type: "goods" as const, quantity: 1, unitPrice: 1000, totalAmount: 1000, ...l }));
  const subtotal = ls.reduce((s, l) => s + l.totalAmount, 0);
  return {
    lines: ls,
    order: {
      id: "ord_1",
      storeId: "st_1",
      channel: "web",
      externalId: null,
      status: "received",
      version: 1,
      paymentStatus: "paid",
      requiresShipping: true,
      customerName: "Ada",
      customerEmail: "ada@example.com",
      customerPhone: "+1 415 555 0100",
      customerEmailIndex: null,
      customerPhoneIndex: null,
      customerEmailMerchantIndex: null,
      customerPhoneMerchantIndex: null,
      shippingAddress: { name: "Ada", line1: "1 Market St", line2: null, city: "San Francisco", region: "CA", postal_code: "94105", country: "US" },
      currency: "USD",
      subtotalAmount: subtotal,
      shippingAmount: 0,
      discountAmount: 0,
      taxAmount: 0,
      totalAmount: subtotal,
      note: null,
      locale: null,
      channelTotalAmount: null,
      confirmations: [],
      statusReason: null,
      createdAt: NOW,
      updatedAt: NOW,
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
      ...o,
    },
  };
}

const tea: CatalogueFacts = { name: "Tea", type: "goods", active: true, price: 1000, currency: "USD" };
function ctx(over: Partial<AuditContext> = {}): AuditContext {
  return { catalogue: new Map([["TEA", tea]]), recentOrders: [], blocked: [], stock: null, now: NOW, ...over };
}

/** Runs one rule kind alone, with its default severity and the given params. */
function only(kind: string, s: AuditOrder, c = ctx(), params: Record<string, unknown> = {}) {
  const rules: RuleConfig[] = normaliseRules([{ kind, enabled: true, params }]);
  return evaluate(s, c, rules);
}
const codes = (d: ReturnType<typeof evaluate>) => d.findings.map((f) => f.code);

describe("the default rules", () => {
  it("approve a complete, paid, catalogue-priced order", () => {
    expect(evaluate(subject(), ctx(), DEFAULT_RULES)).toEqual({ outcome: "approve", findings: [] });
  });
  it("cover every kind", () => {
    expect(DEFAULT_RULES.map((r) => r.kind).sort()).toEqual(Object.keys(RULE_KINDS).sort());
  });
});

describe("address and contact, per country", () => {
  const addr = (country: string, postal: string, region: string | null = "X") =>
    subject({ shippingAddress: { name: "A", line1: "1 Road", line2: null, city: "C", region, postal_code: postal, country } });
  it.each([
    ["US", "94105"],
    ["US", "94105-1234"],
    ["CN", "200001"],
    ["GB", "SW1A 1AA"],
    ["GB", "m11ae"],
    ["DE", "10115"],
    ["JP", "100-0001"],
    ["JP", "1000001"],
    ["FR", "75001"],
  ])("accepts %s postal code %s", (country, postal) => {
    expect(codes(only("address", addr(country, postal)))).not.toContain("postal_code_invalid");
  });
  it.each([
    ["US", "9410"],
    ["CN", "20001"],
    ["GB", "12345"],
    ["DE", "1011"],
    ["JP", "100-00001"],
  ])("refuses %s postal code %s", (country, postal) => {
    const d = only("address", addr(country, postal));
    expect(d.outcome).toBe("hold");
    expect(d.findings[0]).toMatchObject({ code: "postal_code_invalid", customerAction: "fix_address", confirmable: true, field: "shipping_address.postal_code" });
  });
  it("needs the region where the country's carriers do (US, CN, JP), not elsewhere", () => {
    expect(codes(only("address", addr("US", "94105", null)))).toEqual(["region_missing"]);
    expect(codes(only("address", addr("DE", "10115", null)))).toEqual([]);
  });
  it("flags missing parts and a missing way to reach the customer", () => {
    const s = subject({
      customerEmail: null,
      customerPhone: null,
      shippingAddress: { name: "A", line1: " ", line2: null, city: "", region: "CA", postal_code: "94105", country: "US" },
    });
    expect(codes(only("address", s))).toEqual(["address_incomplete", "address_incomplete", "contact_missing"]);
    expect(codes(only("address", s, ctx(), { require_contact: false }))).toEqual(["address_incomplete", "address_incomplete"]);
  });
  it.each([
    ["US", "+1 (415) 555-0100", true],
    ["US", "415 555 0100", true],
    ["US", "555-0100", false],
    ["CN", "+86 138 0013 8000", true],
    ["CN", "13800138000", true],
    ["CN", "12345", false],
    // Masked receiver numbers from Chinese marketplaces: a virtual mobile and the buyer's extension.
    ["CN", "13800138000-1234", true],
    ["CN", "13800138000转5678", true],
    ["CN", "13800138000#0012", true],
    ["CN", "+86 138 0013 8000-1234", true],
    ["CN", "13800138000-12345678", false],
    ["CN", "12800138000-1234", false],
    ["GB", "+44 20 7946 0958", true],
    ["GB", "+1 415 555 0100", true],
    ["DE", "+12", false],
    ["GB", "020 7946 0958", true],
    ["DE", "+49 30 123456", true],
    ["JP", "03-1234-5678", true],
    ["JP", "12", false],
  ])("%s phone %s valid: %s", (country, phone, valid) => {
    const s = subject({
      customerPhone: phone,
      shippingAddress: {
        name: "A",
        line1: "1",
        line2: null,
        city: "C",
        region: "R",
        postal_code: { US: "94105", CN: "200001", GB: "SW1A 1AA", DE: "10115", JP: "100-0001" }[country]!,
        country,
      },
    });
    expect(codes(only("address", s)).includes("phone_invalid")).toBe(!valid);
  });
  it("service-only orders need no address, only contact", () => {
    const s = subject({ requiresShipping: false, shippingAddress: { name: "", line1: "", line2: null, city: "", region: null, postal_code: "", country: "US" } });
    expect(codes(only("address", s))).toEqual([]);
  });
  it("a confirmed postal code no longer holds the order, but stays on record", () => {
    const s = subject({
      confirmations: ["postal_code_invalid"],
      shippingAddress: { name: "A", line1: "1", line2: null, city: "C", region: "CA", postal_code: "9410", country: "US" },
    });
    const d = only("address", s);
    expect(d.outcome).toBe("approve");
    expect(d.findings).toMatchObject([{ code: "postal_code_invalid", severity: "info" }]);
  });
});

describe("catalogue", () => {
  it("unknown and inactive SKUs hold", () => {
    const s = subject({}, [{ sku: "TEA" }, { sku: "GHOST" }, { sku: "OLD" }]);
    const c = ctx({
      catalogue: new Map([
        ["TEA", tea],
        ["GHOST", null],
        ["OLD", { ...tea, active: false }],
      ]),
    });
    expect(only("sku", s, c)).toMatchObject({
      outcome: "hold",
      findings: [
        { code: "sku_unknown", field: "lines.1.sku" },
        { code: "sku_inactive", field: "lines.2.sku" },
      ],
    });
  });
  it("prices: exact by default, within tolerance when set, either way", () => {
    const cheap = subject({}, [{ unitPrice: 950, totalAmount: 950 }]);
    expect(codes(only("price", cheap))).toEqual(["price_mismatch"]);
    expect(codes(only("price", cheap, ctx(), { tolerance_percent: 5 }))).toEqual([]);
    expect(codes(only("price", cheap, ctx(), { tolerance_percent: 4.9 }))).toEqual(["price_mismatch"]);
    expect(codes(only("price", subject({}, [{ unitPrice: 1050, totalAmount: 1050 }]), ctx(), { tolerance_percent: 5 }))).toEqual([]);
    expect(codes(only("price", subject()))).toEqual([]);
  });
  it("does not compare prices across currencies", () => {
    expect(codes(only("price", subject({ currency: "EUR" }, [{ unitPrice: 1, totalAmount: 1 }])))).toEqual([]);
  });
});

describe("order checks", () => {
  it("totals: every line and the order add up; the channel's own total must match", () => {
    expect(codes(only("totals", subject()))).toEqual([]);
    expect(codes(only("totals", subject({}, [{ quantity: 2, unitPrice: 1000, totalAmount: 1000 }])))).toContain("line_total_mismatch");
    expect(codes(only("totals", subject({ totalAmount: 999 })))).toEqual(["total_mismatch"]);
    expect(codes(only("totals", subject({ channelTotalAmount: 1000 })))).toEqual([]);
    expect(codes(only("totals", subject({ channelTotalAmount: 1001 })))).toEqual(["channel_total_mismatch"]);
  });
  it("quantity limits per line and per order", () => {
    expect(codes(only("quantity", subject({}, [{ quantity: 51, totalAmount: 51000 }])))).toEqual(["quantity_over_limit"]);
    expect(codes(only("quantity", subject({}, [{ quantity: 50, totalAmount: 50000 }])))).toEqual([]);
    const many = subject(
      {},
      Array.from({ length: 5 }, () => ({ quantity: 41, totalAmount: 41000 })),
    );
    expect(codes(only("quantity", many))).toEqual(["units_over_limit"]);
    expect(codes(only("quantity", many, ctx(), { max_units: 1000 }))).toEqual([]);
  });
  it("amount threshold per currency, exclusive", () => {
    expect(codes(only("amount", subject({ totalAmount: 100000 })))).toEqual([]);
    expect(codes(only("amount", subject({ totalAmount: 100001 })))).toEqual(["amount_over_threshold"]);
    expect(codes(only("amount", subject({ currency: "KRW", totalAmount: 10 ** 9 })))).toEqual([]);
    expect(codes(only("amount", subject({ currency: "JPY", totalAmount: 150001 })))).toEqual(["amount_over_threshold"]);
  });
  it("a buyer's note holds for a person; blank notes do not", () => {
    expect(codes(only("note", subject({ note: "Please gift wrap" })))).toEqual(["buyer_note"]);
    expect(codes(only("note", subject({ note: "   " })))).toEqual([]);
  });
  it("unpaid orders wait (not hold) unless the store takes cash on delivery", () => {
    expect(only("payment", subject({ paymentStatus: "unpaid" }))).toMatchObject({ outcome: "wait", findings: [{ code: "awaiting_payment", severity: "wait" }] });
    expect(only("payment", subject({ paymentStatus: "authorized" })).outcome).toBe("approve");
    expect(only("payment", subject({ paymentStatus: "authorized" }), ctx(), { paid_statuses: ["paid"] }).outcome).toBe("wait");
    expect(only("payment", subject({ paymentStatus: "unpaid" }), ctx(), { allow_cash_on_delivery: true }).outcome).toBe("approve");
  });
});

describe("customer checks", () => {
  it("blocked customers are rejected", () => {
    const d = only("blocklist", subject(), ctx({ blocked: [{ kind: "email", value: "ada@example.com" }] }));
    expect(d).toMatchObject({ outcome: "reject", findings: [{ code: "customer_blocked", field: "customer.email", severity: "reject" }] });
  });
  it("the same items from the same customer within the window look like a duplicate", () => {
    const recent = (hoursAgo: number, contents = "TEAx1") => ctx({ recentOrders: [{ id: "ord_0", createdAt: NOW - hoursAgo * 3_600_000, contents }] });
    expect(codes(only("duplicate", subject(), recent(2)))).toEqual(["possible_duplicate"]);
    expect(codes(only("duplicate", subject(), recent(25)))).toEqual([]);
    expect(codes(only("duplicate", subject(), recent(25), { window_hours: 48 }))).toEqual(["possible_duplicate"]);
    expect(codes(only("duplicate", subject(), recent(2, "TEAx2")))).toEqual([]);
  });
  it("stock: skipped without inventory, holds when no warehouse has enough", () => {
    expect(codes(only("stock", subject({}, [{ quantity: 3, totalAmount: 3000 }])))).toEqual([]);
    expect(codes(only("stock", subject({}, [{ quantity: 3, totalAmount: 3000 }]), ctx({ stock: new Map([["TEA", 2]]) })))).toEqual(["stock_insufficient"]);
    expect(codes(only("stock", subject({}, [{ quantity: 2, totalAmount: 2000 }]), ctx({ stock: new Map([["TEA", 2]]) })))).toEqual([]);
  });
});

describe("the rule set", () => {
  it("takes the worst severity: reject over hold over wait over info", () => {
    const s = subject({ paymentStatus: "unpaid", note: "hi" });
    expect(evaluate(s, ctx(), DEFAULT_RULES).outcome).toBe("hold");
    expect(evaluate(s, ctx({ blocked: [{ kind: "phone", value: "+14155550100" }] }), DEFAULT_RULES).outcome).toBe("reject");
    const lenient = normaliseRules([
      { kind: "note", enabled: true, severity: "info", params: {} },
      { kind: "payment", enabled: true, params: {} },
    ]);
    expect(evaluate(s, ctx(), lenient).outcome).toBe("wait");
    expect(evaluate(s, ctx(), normaliseRules([{ kind: "payment", enabled: false, params: {} }])).outcome).toBe("approve");
  });

  it("refuses unknown kinds, repeated kinds and bad parameters, naming each", () => {
    const r = RuleSetBody.safeParse({
      rules: [
        { kind: "astrology" },
        { kind: "price", params: { tolerance_percent: -1 } },
        { kind: "price" },
        { kind: "amount", params: { thresholds: { XYZ: "1", USD: "1.234" } } },
        { kind: "quantity", params: { max_per_line: "ten" } },
        { kind: "sku", params: { surprise: true } },
      ],
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "rules.0.kind",
        "rules.1.params.tolerance_percent",
        "rules.2.kind",
        "rules.3.params.thresholds.XYZ",
        "rules.3.params.thresholds.USD",
        "rules.4.params.max_per_line",
        "rules.5.params",
      ]),
    );
    const severity = RuleSetBody.safeParse({ rules: [{ kind: "note", severity: "fatal" }] });
    expect(severity.error!.issues.map((i) => i.path.join("."))).toEqual(["rules.0.severity"]);
  });
});
