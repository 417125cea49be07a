import { describe, expect, it } from "vitest";
import { allKinds, errorsByInput, rulesOfForm } from "./audit-rules-form";
import { instantIn, skuEntriesOf } from "./integrations";
import { linesOf } from "./logistics";
import { changesOf, valuesOfForm } from "./store-form";

const reader = (fields: Record<string, string | string[]>) => ({
  one: (n: string) => {
    const v = fields[n];
    return (Array.isArray(v) ? v[0] : v) ?? "";
  },
  all: (n: string) => {
    const v = fields[n];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  },
});

describe("the audit rules form", () => {
  it("lists every kind once, the store's config first-hand and the rest off with their defaults", () => {
    const rules = allKinds([{ kind: "price", enabled: true, severity: "reject", params: { tolerance_percent: 3 } }]);
    const price = rules.find((r) => r.kind === "price")!;
    expect(price).toEqual({ kind: "price", enabled: true, severity: "reject", params: { tolerance_percent: 3 } });
    const quantity = rules.find((r) => r.kind === "quantity")!;
    expect(quantity).toMatchObject({ enabled: false, severity: "hold", params: { max_per_line: 50, max_units: 200 } });
    expect(new Set(rules.map((r) => r.kind)).size).toBe(rules.length);
  });

  it("reads each input type: checkboxes, numbers (or the text as typed), amounts per currency, choices", () => {
    const rules = rulesOfForm(
      reader({
        kind: ["address", "price", "amount", "payment"],
        "address.enabled": "on",
        "address.severity": "hold",
        "address.require_contact": "on",
        "price.enabled": "on",
        "price.severity": "bogus",
        "price.tolerance_percent": "abc",
        "amount.thresholds.currency": ["usd", "", "EUR"],
        "amount.thresholds.amount": ["500", "", ""],
        "payment.paid_statuses": ["paid", "stolen"],
      }),
      allKinds([]),
    );
    expect(rules.map((r) => r.kind)).toEqual(["address", "price", "amount", "payment"]);
    expect(rules[0]).toMatchObject({ enabled: true, params: { require_contact: true, check_phone_format: false } });
    // An unknown severity keeps the one before; a number that is not one goes as typed, for the API to name.
    expect(rules[1]).toMatchObject({ enabled: true, severity: "hold", params: { tolerance_percent: "abc" } });
    expect(rules[2]!.params.thresholds).toEqual({ USD: "500", EUR: "" });
    expect(rules[2]!.enabled).toBe(false);
    expect(rules[3]!.params.paid_statuses).toEqual(["paid"]);
  });

  it("puts the API's messages back on the inputs they are about", () => {
    const rules = allKinds([]).slice(0, 3);
    const errors = errorsByInput({ "rules.2.params.tolerance_percent": "too big", "rules.0.kind": "each kind appears once", "order.lines": "x" }, rules);
    expect(errors).toEqual({ [`${rules[2]!.kind}.tolerance_percent`]: "too big", [rules[0]!.kind]: "each kind appears once" });
  });
});

describe("the store form", () => {
  it("sends an empty return window as none, no thresholds as no finance review, and numbers as numbers", () => {
    const v = valuesOfForm(
      reader({
        name: "Shop",
        currency: "usd",
        timezone: "UTC",
        language: "en",
        complete_after_days: "7",
        archive_after_days: "-1",
        return_window_days: "",
        finance_currency: ["", ""],
        finance_amount: ["", ""],
      }),
    );
    expect(changesOf(v)).toMatchObject({
      currency: "USD",
      auto_audit: false,
      complete_after_days: 7,
      archive_after_days: -1,
      return_window_days: null,
      finance_review: null,
      notify_on: [],
    });
    const withFinance = valuesOfForm(reader({ finance_currency: ["cny", ""], finance_amount: ["8000", ""] }));
    expect(changesOf(withFinance).finance_review).toEqual({ thresholds: { CNY: "8000" } });
  });

  it("sends the invoicing details typed, and none when every field is empty", () => {
    expect(changesOf(valuesOfForm(reader({}))).invoicing).toBeNull();
    const v = valuesOfForm(reader({ invoicing_legal_name: " Demo Trading Ltd ", invoicing_address: "2 Dock Rd\nLondon", invoicing_prefix: "DT-" }));
    expect(changesOf(v).invoicing).toEqual({ legal_name: "Demo Trading Ltd", address: "2 Dock Rd\nLondon", prefix: "DT-" });
  });
});

describe("the dry runs' and integrations' small parsers", () => {
  it("reads items as SKU and quantity per line", () => {
    expect(linesOf("TEA-1 2\n\n MUG-1\nKETTLE-1, 3")).toEqual([
      { sku: "TEA-1", quantity: 2 },
      { sku: "MUG-1", quantity: 1 },
      { sku: "KETTLE-1", quantity: 3 },
    ]);
  });

  it("reads a SKU map, an empty SKU removing the entry", () => {
    expect(skuEntriesOf("SHOP-1 TEA-1\nvariant:42\n")).toEqual([
      { platform_key: "SHOP-1", sku: "TEA-1" },
      { platform_key: "variant:42", sku: null },
    ]);
  });

  it("reads a local time in the store's zone as an instant", () => {
    expect(instantIn("2026-12-03T09:30", "Asia/Shanghai")).toBe("2026-12-03T01:30:00.000Z");
    expect(instantIn("2026-07-01T12:00", "Europe/Berlin")).toBe("2026-07-01T10:00:00.000Z");
    expect(instantIn("nonsense", "UTC")).toBeNull();
  });
});
