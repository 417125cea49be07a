import { describe, expect, it } from "vitest";
import {
  allowedPoEvents,
  convertMinor,
  decidePoEvent,
  landedUnitCosts,
  orderQuantityProblem,
  overReceipts,
  parseRate,
  receiptAllowance,
  spreadByShare,
  statusAfterReceipt,
} from "./purchase-order-rules";

const line = (lineNo: number, quantity: number, receivedQty = 0, sku = `SKU-${lineNo}`) => ({ lineNo, sku, quantity, receivedQty });

describe("the purchase order lifecycle", () => {
  it("allows what each state allows", () => {
    expect(allowedPoEvents("draft")).toEqual(["submit", "cancel"]);
    expect(allowedPoEvents("submitted")).toEqual(["cancel"]);
    expect(allowedPoEvents("partially_received")).toEqual(["close"]);
    expect(allowedPoEvents("received")).toEqual(["close"]);
    expect(allowedPoEvents("closed")).toEqual([]);
    expect(allowedPoEvents("cancelled")).toEqual([]);
  });

  it("refuses the wrong moment, an empty submit, a cancel without a reason and a short close without one", () => {
    expect(decidePoEvent("received", "submit", [line(1, 5, 5)], null)).toMatchObject({ ok: false, code: "illegal_transition", extra: { allowed: ["close"] } });
    expect(decidePoEvent("partially_received", "cancel", [line(1, 5, 2)], "x")).toMatchObject({ ok: false, code: "illegal_transition" });
    expect(decidePoEvent("draft", "submit", [line(1, 0)], null)).toMatchObject({ ok: false, code: "empty" });
    expect(decidePoEvent("draft", "cancel", [line(1, 5)], null)).toMatchObject({ ok: false, code: "reason_required" });
    expect(decidePoEvent("partially_received", "close", [line(1, 5, 2), line(2, 3, 3)], null)).toMatchObject({
      ok: false,
      code: "reason_required",
      extra: { short: [{ line_no: 1, sku: "SKU-1", units: 3 }] },
    });
  });

  it("moves on when it may", () => {
    expect(decidePoEvent("draft", "submit", [line(1, 5)], null)).toEqual({ ok: true, to: "submitted" });
    expect(decidePoEvent("submitted", "cancel", [line(1, 5)], "supplier out of stock")).toEqual({ ok: true, to: "cancelled" });
    expect(decidePoEvent("received", "close", [line(1, 5, 5)], null)).toEqual({ ok: true, to: "closed" });
    expect(decidePoEvent("partially_received", "close", [line(1, 5, 2)], "rest discontinued")).toEqual({ ok: true, to: "closed" });
  });

  it("is received once every line has all its units", () => {
    expect(statusAfterReceipt([line(1, 5, 5), line(2, 3, 4)])).toBe("received");
    expect(statusAfterReceipt([line(1, 5, 5), line(2, 3, 2)])).toBe("partially_received");
  });
});

describe("receipts", () => {
  it("allow the supplier's tolerance over the ordered quantity, rounded down", () => {
    expect(receiptAllowance(10, 5)).toBe(10);
    expect(receiptAllowance(100, 5)).toBe(105);
    expect(receiptAllowance(30, 10)).toBe(33);
  });

  it("name the lines a receipt would take over their allowance, counting earlier receipts and repeated lines", () => {
    const lines = [line(1, 100, 90), line(2, 10)];
    expect(overReceipts(lines, [{ lineNo: 1, quantity: 15 }], 5)).toEqual([]);
    expect(
      overReceipts(
        lines,
        [
          { lineNo: 1, quantity: 10 },
          { lineNo: 1, quantity: 6 },
          { lineNo: 2, quantity: 10 },
        ],
        5,
      ),
    ).toEqual([{ line_no: 1, sku: "SKU-1", ordered: 100, received: 106, allowed: 105 }]);
  });
});

describe("money", () => {
  it("reads a rate as written, and nothing else", () => {
    expect(parseRate("7.1234")).toBe(7.1234);
    expect(parseRate("1")).toBe(1);
    for (const bad of ["0", "-1", "1e3", "abc", "", "01.5", "1.", ".5"]) expect(parseRate(bad), bad).toBeNull();
  });

  it("converts between currencies through whole units, to the nearest minor unit (hand-computed)", () => {
    // $10.00 at 7.1234 CNY/USD = 71.234 CNY -> 7123 fen
    expect(convertMinor(1000, "USD", "CNY", 7.1234)).toBe(7123);
    // $19.99 at 149.5 JPY/USD = 2988.505 JPY -> 2989 yen (no decimals)
    expect(convertMinor(1999, "USD", "JPY", 149.5)).toBe(2989);
    // 500 yen at 0.0067 USD/JPY = 3.35 USD -> 335 cents
    expect(convertMinor(500, "JPY", "USD", 0.0067)).toBe(335);
    // 0.100 KWD (three decimals) at 3.25 USD/KWD = 0.325 USD -> 33 cents (half away from zero)
    expect(convertMinor(100, "KWD", "USD", 3.25)).toBe(33);
    expect(convertMinor(1234, "EUR", "EUR", 2)).toBe(1234);
  });

  it("spreads an amount in proportion, the pieces summing to it exactly", () => {
    expect(spreadByShare(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(spreadByShare(1000, [3000, 1000])).toEqual([750, 250]);
    expect(spreadByShare(7, [0, 0])).toEqual([4, 3]);
    expect(spreadByShare(0, [5, 5])).toEqual([0, 0]);
    const pieces = spreadByShare(99_999, [13, 7, 29, 1]);
    expect(pieces.reduce((a, b) => a + b, 0)).toBe(99_999);
  });

  it("adds landed costs per unit by value or by weight (hand-computed)", () => {
    const lines = [
      { quantity: 10, unitCost: 500, weightGrams: 200 },
      { quantity: 5, unitCost: 1000, weightGrams: 1000 },
    ];
    // By value: 5000 and 5000 of value share 1500 evenly: 750 / 10 units = 75, 750 / 5 units = 150.
    expect(landedUnitCosts(lines, 1500, "value")).toEqual([575, 1150]);
    // By weight: 2000 g and 5000 g share 1500 as 428.57 and 1071.43 -> 429 and 1071; per unit 42.9 -> 43, 214.2 -> 214.
    expect(landedUnitCosts(lines, 1500, "weight")).toEqual([543, 1214]);
    expect(landedUnitCosts(lines, 0, "value")).toEqual([500, 1000]);
  });
});

describe("order quantities", () => {
  it("follow the supplier's minimum and pack size", () => {
    expect(orderQuantityProblem(5, undefined)).toBeNull();
    expect(orderQuantityProblem(24, { minOrderQty: 12, packSize: 12 })).toBeNull();
    expect(orderQuantityProblem(6, { minOrderQty: 12, packSize: 6 })).toBe("the supplier's minimum is 12");
    expect(orderQuantityProblem(18, { minOrderQty: 12, packSize: 12 })).toBe("order whole packs of 12");
  });
});
