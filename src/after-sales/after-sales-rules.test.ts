import { describe, expect, it } from "vitest";
import { allowedRequestEvents, checkOpen, decide, refundedSoFar, resumeDelay, RESUME_AT_LEAST_MS, type OrderFactsForAfterSales, type ReturnWindow } from "./after-sales-rules";

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

/** A store without a return window: the rules that do not depend on it. */
const open: ReturnWindow = { days: null, deliveredAt: null, now: 0, lateAllowed: false };

describe("opening", () => {
  it("needs a shipped, unarchived order", () => {
    for (const status of ["received", "on_hold", "approved", "processing", "cancelled"] as const) {
      expect(checkOpen({ ...order, status }, { kind: "refund", lines: [], prior: [], window: open })).toMatchObject({ ok: false, code: "not_after_sales" });
    }
    for (const status of ["shipped", "delivered", "completed"] as const)
      expect(checkOpen({ ...order, status }, { kind: "refund", lines: [], prior: [], window: open }).ok).toBe(true);
    expect(checkOpen({ ...order, archived: true }, { kind: "refund", lines: [], prior: [], window: open })).toMatchObject({ ok: false, code: "order_archived" });
  });

  it("returns and exchanges name their units; refunds and claims may be about the whole order", () => {
    expect(checkOpen(order, { kind: "return", lines: [], prior: [], window: open })).toMatchObject({ ok: false, field: "lines" });
    expect(checkOpen(order, { kind: "exchange", lines: [], prior: [], window: open })).toMatchObject({ ok: false, field: "lines" });
    expect(checkOpen(order, { kind: "claim", lines: [], prior: [], window: open })).toEqual({ ok: true, lines: [] });
  });

  it("never asks about more units than were ordered, across the order's live requests", () => {
    expect(
      checkOpen(order, {
        kind: "return",
        lines: [
          { sku: "TEA", quantity: 1 },
          { sku: "TEA", quantity: 1 },
        ],
        prior: [],
        window: open,
      }),
    ).toEqual({ ok: true, lines: [{ sku: "TEA", quantity: 2 }] });
    expect(checkOpen(order, { kind: "return", lines: [{ sku: "TEA", quantity: 3 }], prior: [], window: open })).toMatchObject({ ok: false, field: "lines" });
    expect(checkOpen(order, { kind: "return", lines: [{ sku: "MUG", quantity: 1 }], prior: [], window: open })).toMatchObject({ ok: false, message: "MUG is not on this order" });
    const prior = [{ status: "resolved" as const, lines: [{ sku: "TEA", quantity: 2 }], refundAmount: null }];
    expect(checkOpen(order, { kind: "return", lines: [{ sku: "TEA", quantity: 1 }], prior: prior, window: open })).toMatchObject({ ok: false, field: "lines" });
    // Rejected and withdrawn requests give their units back.
    const gone = [
      { status: "rejected" as const, lines: [{ sku: "TEA", quantity: 2 }], refundAmount: null },
      { status: "withdrawn" as const, lines: [{ sku: "TEA", quantity: 2 }], refundAmount: null },
    ];
    expect(checkOpen(order, { kind: "return", lines: [{ sku: "TEA", quantity: 2 }], prior: gone, window: open }).ok).toBe(true);
  });

  it("returns and exchanges close the store's window after delivery; refunds, claims and staff are not bound by it", () => {
    const day = 24 * 60 * 60 * 1000;
    const deliveredAt = Date.UTC(2026, 10, 1);
    const tea = [{ sku: "TEA", quantity: 1 }];
    const at = (now: number, more: Partial<ReturnWindow> = {}): ReturnWindow => ({ days: 30, deliveredAt, now, lateAllowed: false, ...more });
    // The last moment of the 30th day is in time; the next is not.
    expect(checkOpen(order, { kind: "return", lines: tea, prior: [], window: at(deliveredAt + 30 * day) }).ok).toBe(true);
    const late = checkOpen(order, { kind: "exchange", lines: tea, prior: [], window: at(deliveredAt + 30 * day + 1) });
    expect(late).toMatchObject({ ok: false, code: "return_window_closed" });
    expect(late.ok === false && late.message).toContain("2026-12-01");
    expect(checkOpen(order, { kind: "return", lines: tea, prior: [], window: at(deliveredAt + 31 * day) })).toMatchObject({ ok: false, code: "return_window_closed" });
    for (const kind of ["refund", "claim"] as const) expect(checkOpen(order, { kind: kind, lines: [], prior: [], window: at(deliveredAt + 400 * day) }).ok).toBe(true);
    expect(checkOpen(order, { kind: "return", lines: tea, prior: [], window: at(deliveredAt + 31 * day, { lateAllowed: true }) }).ok).toBe(true);
    // No limit, or not delivered yet (the clock has not started): always in time.
    expect(checkOpen(order, { kind: "return", lines: tea, prior: [], window: at(deliveredAt + 999 * day, { days: null }) }).ok).toBe(true);
    expect(checkOpen({ ...order, status: "shipped" }, { kind: "return", lines: tea, prior: [], window: at(deliveredAt + 999 * day, { deliveredAt: null }) }).ok).toBe(true);
    // A window of 0 days: final sale, nothing can be returned once delivered.
    expect(checkOpen(order, { kind: "return", lines: tea, prior: [], window: at(deliveredAt + 1, { days: 0 }) })).toMatchObject({ ok: false, code: "return_window_closed" });
  });
});

describe("deciding", () => {
  const none = { note: null, resolution: null, refundAmount: null };
  it("follows the request lifecycle", () => {
    expect(allowedRequestEvents("open")).toEqual(["accept", "reject", "resolve", "withdraw"]);
    expect(allowedRequestEvents("accepted")).toEqual(["resolve", "withdraw"]);
    for (const closed of ["resolved", "rejected", "withdrawn"] as const) expect(allowedRequestEvents(closed)).toEqual([]);
    expect(decide("accepted", { event: "accept", ...none }, { order: order, refundedBefore: 0 })).toMatchObject({
      ok: false,
      code: "illegal_transition",
      allowed: ["resolve", "withdraw"],
    });
    expect(decide("open", { event: "accept", ...none }, { order: order, refundedBefore: 0 })).toEqual({ ok: true, to: "accepted", closes: false, paymentStatus: null });
    expect(decide("accepted", { event: "withdraw", ...none }, { order: order, refundedBefore: 0 })).toEqual({ ok: true, to: "withdrawn", closes: true, paymentStatus: null });
  });

  it("a rejection says why; a resolution says how; only a refund carries an amount", () => {
    expect(decide("open", { event: "reject", ...none }, { order: order, refundedBefore: 0 })).toMatchObject({ ok: false, field: "note" });
    expect(decide("open", { event: "resolve", ...none }, { order: order, refundedBefore: 0 })).toMatchObject({ ok: false, field: "resolution" });
    expect(decide("open", { event: "resolve", ...none, resolution: "repair", refundAmount: 100 }, { order: order, refundedBefore: 0 })).toMatchObject({
      ok: false,
      field: "refund_amount",
    });
    expect(decide("open", { event: "accept", ...none, resolution: "refund" }, { order: order, refundedBefore: 0 })).toMatchObject({ ok: false, field: "resolution" });
  });

  it("refunds what was paid and not yet refunded, and moves the payment status", () => {
    const refund = (amount: number) => ({ event: "resolve" as const, note: null, resolution: "refund" as const, refundAmount: amount });
    expect(decide("open", refund(1000), { order: order, refundedBefore: 0 })).toMatchObject({ ok: true, paymentStatus: "partially_refunded", closes: true });
    expect(decide("open", refund(4230), { order: { ...order, paymentStatus: "partially_refunded" }, refundedBefore: 1000 })).toMatchObject({ ok: true, paymentStatus: "refunded" });
    expect(decide("open", refund(4231), { order: order, refundedBefore: 1000 })).toMatchObject({ ok: false, field: "refund_amount" });
    expect(decide("open", refund(0), { order: order, refundedBefore: 0 })).toMatchObject({ ok: false, field: "refund_amount" });
    expect(decide("open", refund(100), { order: { ...order, paymentStatus: "unpaid" }, refundedBefore: 0 })).toMatchObject({ ok: false, code: "not_paid" });
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
