import { describe, expect, it } from "vitest";
import { correctionOf, correctionRefusal, ledgerTotals, paymentEntries, refundEntry } from "./ledger-rules";

const fact = { orderId: "ord_1", amount: null, fee: null, reference: null, orderTotal: 2468, currency: "KWD" };

describe("the ledger's entries", () => {
  it("a capture defaults to the order's total, once per order without a reference and once per reference with one", () => {
    expect(paymentEntries({ ...fact, status: "paid" })).toEqual([
      { kind: "captured", amount: 2468, currency: "KWD", reference: null, source: "payment_report", sourceKey: "capture:ord_1:order" },
    ]);
    expect(paymentEntries({ ...fact, status: "paid", amount: 1000, fee: 35, reference: "ch_1" }).map((e) => [e.kind, e.amount, e.sourceKey])).toEqual([
      ["captured", 1000, "capture:ord_1:ch_1"],
      ["payment_fee", -35, "fee:ord_1:ch_1"],
    ]);
  });
  it("a paid order reported paid again books the report's fee, not a second capture", () => {
    expect(paymentEntries({ ...fact, status: "paid", fee: 35, reference: "ch_1", alreadyPaid: true }).map((e) => [e.kind, e.amount, e.sourceKey])).toEqual([
      ["payment_fee", -35, "fee:ord_1:ch_1"],
    ]);
    expect(paymentEntries({ ...fact, status: "paid", alreadyPaid: true })).toEqual([]);
  });
  it("an authorisation and its release; refunds are after-sales' alone", () => {
    expect(paymentEntries({ ...fact, status: "authorized" })[0]).toMatchObject({ kind: "authorised", amount: 2468 });
    expect(paymentEntries({ ...fact, status: "voided" })[0]).toMatchObject({ kind: "authorised", amount: -2468 });
    expect(paymentEntries({ ...fact, status: "refunded" })).toEqual([]);
    expect(paymentEntries({ ...fact, status: "unpaid" })).toEqual([]);
    expect(refundEntry({ requestId: "as_1", amount: 500, currency: "JPY", reference: "re_1" })).toMatchObject({ kind: "refunded", amount: -500, sourceKey: "refund:as_1" });
  });
  it("a correction reverses an entry exactly, naming it, keyed by the entry alone", () => {
    const cogs = { id: "led_1", kind: "cost_of_goods", amount: -200, currency: "USD", reference: null, sku: "A", quantity: 2 } as const;
    expect(correctionOf(cogs, { reason: "wrong cost", replacement: null })).toEqual([
      {
        kind: "cost_of_goods",
        amount: 200,
        currency: "USD",
        reference: null,
        sku: "A",
        quantity: -2,
        source: "correction",
        sourceKey: "reverse:led_1",
        reverses: "led_1",
        reason: "wrong cost",
      },
    ]);
  });
  it("a replacement keeps the direction of the entry it replaces", () => {
    const fee = { id: "led_2", kind: "payment_fee", amount: -216, currency: "USD", reference: "ch_1", sku: null, quantity: null } as const;
    expect(correctionOf(fee, { reason: "fee was 1.90", replacement: 190 }).map((d) => [d.amount, d.sourceKey, d.reverses ?? null])).toEqual([
      [216, "reverse:led_2", "led_2"],
      [-190, "replace:led_2", null],
    ]);
    const capture = { id: "led_3", kind: "captured", amount: 3000, currency: "JPY", reference: null, sku: null, quantity: null } as const;
    expect(correctionOf(capture, { reason: "partial", replacement: 2500 })[1]).toMatchObject({ amount: 2500, kind: "captured" });
    expect(correctionOf({ ...capture, amount: 0 }, { reason: "zero", replacement: 5 })[1]!.amount).toBe(5);
    expect(correctionOf({ ...fee, amount: 0 }, { reason: "zero", replacement: 5 })[1]!.amount).toBe(-5);
  });
  it("a reversal is not corrected, and an entry is reversed once", () => {
    expect(correctionRefusal({ reverses: "led_1" }, false)).toBe("reverses_an_entry");
    expect(correctionRefusal({ reverses: null }, true)).toBe("already_reversed");
    expect(correctionRefusal({ reverses: null }, false)).toBeNull();
  });
  it("add up per currency, never across, gross profit leaving authorisations out", () => {
    const totals = ledgerTotals([
      { kind: "authorised", amount: 3000, currency: "JPY" },
      { kind: "captured", amount: 3000, currency: "JPY" },
      { kind: "payment_fee", amount: -99, currency: "JPY" },
      { kind: "cost_of_goods", amount: -1200, currency: "JPY" },
      { kind: "captured", amount: 2468, currency: "KWD" },
      { kind: "refunded", amount: -1234, currency: "KWD" },
      { kind: "shipping_cost", amount: -650, currency: "USD" },
      { kind: "platform_fee", amount: -1, currency: "KWD" },
    ]);
    expect(totals).toEqual([
      { currency: "JPY", authorised: 3000, captured: 3000, refunded: 0, fees: -99, shipping: 0, costOfGoods: -1200, grossProfit: 1701 },
      { currency: "KWD", authorised: 0, captured: 2468, refunded: -1234, fees: -1, shipping: 0, costOfGoods: 0, grossProfit: 1233 },
      { currency: "USD", authorised: 0, captured: 0, refunded: 0, fees: 0, shipping: -650, costOfGoods: 0, grossProfit: -650 },
    ]);
  });
});
