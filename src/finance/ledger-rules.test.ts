import { describe, expect, it } from "vitest";
import { ledgerTotals, paymentEntries, refundEntry, reversalOf } from "./ledger-rules";

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
  it("an authorisation and its release; refunds are after-sales' alone", () => {
    expect(paymentEntries({ ...fact, status: "authorized" })[0]).toMatchObject({ kind: "authorised", amount: 2468 });
    expect(paymentEntries({ ...fact, status: "voided" })[0]).toMatchObject({ kind: "authorised", amount: -2468 });
    expect(paymentEntries({ ...fact, status: "refunded" })).toEqual([]);
    expect(paymentEntries({ ...fact, status: "unpaid" })).toEqual([]);
    expect(refundEntry({ requestId: "as_1", amount: 500, currency: "JPY", reference: "re_1" })).toMatchObject({ kind: "refunded", amount: -500, sourceKey: "refund:as_1" });
  });
  it("a correction reverses an entry exactly, naming it", () => {
    expect(reversalOf({ id: "led_1", kind: "cost_of_goods", amount: -200, currency: "USD", reference: null, sku: "A", quantity: 2 }, "fix")).toMatchObject({
      kind: "cost_of_goods",
      amount: 200,
      quantity: -2,
      reverses: "led_1",
      source: "correction",
    });
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
