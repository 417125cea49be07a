import { describe, expect, it } from "vitest";
import { allowedRequestEvents, checkOpen, decide, refundedSoFar, resumeDelay, RESUME_AT_LEAST_MS, type OrderFactsForAfterSales } from "./after-sales-rules";

const order: OrderFactsForAfterSales = {
  status: "delivered",
  archived: false,
  currency: "USD",
  totalAmount: 5230,
  paymentStatus: "paid",
  lines: [
    { sku: "TEA", quantity: 2 },
    { sku: "CUP", quantity: 1 },
  ],
};

describe("opening", () => {
  it("needs a shipped, unarchived order", () => {
    for (const status of ["received", "on_hold", "approved", "processing", "cancelled"] as const) {
      expect(checkOpen({ ...order, status }, "refund", [], [])).toMatchObject({ ok: false, code: "not_after_sales" });
    }
    for (const status of ["shipped", "delivered", "completed"] as const) expect(checkOpen({ ...order, status }, "refund", [], []).ok).toBe(true);
    expect(checkOpen({ ...order, archived: true }, "refund", [], [])).toMatchObject({ ok: false, code: "order_archived" });
  });

  it("returns and exchanges name their units; refunds and claims may be about the whole order", () => {
    expect(checkOpen(order, "return", [], [])).toMatchObject({ ok: false, field: "lines" });
    expect(checkOpen(order, "exchange", [], [])).toMatchObject({ ok: false, field: "lines" });
    expect(checkOpen(order, "claim", [], [])).toEqual({ ok: true, lines: [] });
  });

  it("never asks about more units than were ordered, across the order's live requests", () => {
    expect(checkOpen(order, "return", [{ sku: "TEA", quantity: 1 }, { sku: "TEA", quantity: 1 }], [])).toEqual({ ok: true, lines: [{ sku: "TEA", quantity: 2 }] });
    expect(checkOpen(order, "return", [{ sku: "TEA", quantity: 3 }], [])).toMatchObject({ ok: false, field: "lines" });
    expect(checkOpen(order, "return", [{ sku: "MUG", quantity: 1 }], [])).toMatchObject({ ok: false, message: "MUG is not on this order" });
    const prior = [{ status: "resolved" as const, lines: [{ sku: "TEA", quantity: 2 }], refundAmount: null }];
    expect(checkOpen(order, "return", [{ sku: "TEA", quantity: 1 }], prior)).toMatchObject({ ok: false, field: "lines" });
    // Rejected and withdrawn requests give their units back.
    const gone = [{ status: "rejected" as const, lines: [{ sku: "TEA", quantity: 2 }], refundAmount: null }, { status: "withdrawn" as const, lines: [{ sku: "TEA", quantity: 2 }], refundAmount: null }];
    expect(checkOpen(order, "return", [{ sku: "TEA", quantity: 2 }], gone).ok).toBe(true);
  });
});

describe("deciding", () => {
  const none = { note: null, resolution: null, refundAmount: null };
  it("follows the request lifecycle", () => {
    expect(allowedRequestEvents("open")).toEqual(["accept", "reject", "resolve", "withdraw"]);
    expect(allowedRequestEvents("accepted")).toEqual(["resolve", "withdraw"]);
    for (const closed of ["resolved", "rejected", "withdrawn"] as const) expect(allowedRequestEvents(closed)).toEqual([]);
    expect(decide("accepted", { event: "accept", ...none }, order, 0)).toMatchObject({ ok: false, code: "illegal_transition", allowed: ["resolve", "withdraw"] });
    expect(decide("open", { event: "accept", ...none }, order, 0)).toEqual({ ok: true, to: "accepted", closes: false, paymentStatus: null });
    expect(decide("accepted", { event: "withdraw", ...none }, order, 0)).toEqual({ ok: true, to: "withdrawn", closes: true, paymentStatus: null });
  });

  it("a rejection says why; a resolution says how; only a refund carries an amount", () => {
    expect(decide("open", { event: "reject", ...none }, order, 0)).toMatchObject({ ok: false, field: "note" });
    expect(decide("open", { event: "resolve", ...none }, order, 0)).toMatchObject({ ok: false, field: "resolution" });
    expect(decide("open", { event: "resolve", ...none, resolution: "repair", refundAmount: 100 }, order, 0)).toMatchObject({ ok: false, field: "refund_amount" });
    expect(decide("open", { event: "accept", ...none, resolution: "refund" }, order, 0)).toMatchObject({ ok: false, field: "resolution" });
  });

  it("refunds what was paid and not yet refunded, and moves the payment status", () => {
    const refund = (amount: number) => ({ event: "resolve" as const, note: null, resolution: "refund" as const, refundAmount: amount });
    expect(decide("open", refund(1000), order, 0)).toMatchObject({ ok: true, paymentStatus: "partially_refunded", closes: true });
    expect(decide("open", refund(4230), { ...order, paymentStatus: "partially_refunded" }, 1000)).toMatchObject({ ok: true, paymentStatus: "refunded" });
    expect(decide("open", refund(4231), order, 1000)).toMatchObject({ ok: false, field: "refund_amount" });
    expect(decide("open", refund(0), order, 0)).toMatchObject({ ok: false, field: "refund_amount" });
    expect(decide("open", refund(100), { ...order, paymentStatus: "unpaid" }, 0)).toMatchObject({ ok: false, code: "not_paid" });
    expect(
      refundedSoFar([
        { status: "resolved", lines: [], refundAmount: 700 },
        { status: "resolved", lines: [], refundAmount: null },
        { status: "rejected", lines: [], refundAmount: 999 },
      ]),
    ).toBe(700);
  });

  it("the completion clock resumes with what was left, at least a day", () => {
    expect(resumeDelay(0)).toBe(RESUME_AT_LEAST_MS);
    expect(resumeDelay(5 * RESUME_AT_LEAST_MS)).toBe(5 * RESUME_AT_LEAST_MS);
  });
});
