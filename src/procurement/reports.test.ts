import { describe, expect, it } from "vitest";
import { ageBuckets, supplierNumbers } from "./reports";

const DAY = 86_400_000;
const now = Date.parse("2026-12-04T12:00:00Z");

describe("supplier numbers (hand-computed)", () => {
  const period = { from: Date.parse("2026-11-01T00:00:00Z"), to: Date.parse("2026-12-01T00:00:00Z") };
  const at = (d: string) => Date.parse(`${d}T10:00:00Z`);
  const orders = [
    // On time: all in before due.
    { status: "received", submittedAt: at("2026-11-02"), expectedAt: at("2026-11-12"), receivedAt: at("2026-11-11"), ordered: 100, received: 100, openValue: 0 },
    // Late.
    { status: "closed", submittedAt: at("2026-11-05"), expectedAt: at("2026-11-15"), receivedAt: at("2026-11-18"), ordered: 50, received: 60, openValue: 0 },
    // Closed short: never fully in, so not on time; fills 30 of 50.
    { status: "closed", submittedAt: at("2026-11-20"), expectedAt: at("2026-11-30"), receivedAt: null, ordered: 50, received: 30, openValue: 0 },
    // Open, in the period: counted as submitted and open, not completed.
    { status: "partially_received", submittedAt: at("2026-11-25"), expectedAt: at("2026-12-05"), receivedAt: null, ordered: 10, received: 4, openValue: 600 },
    // Open, submitted before the period: only in the open orders.
    { status: "submitted", submittedAt: at("2026-10-20"), expectedAt: at("2026-11-01"), receivedAt: null, ordered: 5, received: 0, openValue: 500 },
  ];
  it("counts on-time and fill over the orders completed in the period, open orders whenever submitted", () => {
    expect(supplierNumbers(orders, period)).toEqual({
      orders_submitted: 4,
      orders_completed: 3,
      orders_on_time: 1,
      on_time_rate: 0.3333,
      // 100 + 50 + 50 ordered; 100 + 50 (60 received, capped at what was ordered) + 30.
      units_ordered: 200,
      units_received: 180,
      fill_rate: 0.9,
      open_orders: 2,
      open_value_minor: 1100,
    });
    expect(supplierNumbers([], period)).toMatchObject({ on_time_rate: null, fill_rate: null, open_orders: 0 });
  });
});

describe("stock ageing, first in first out", () => {
  it("takes the newest receipts as what is on hand, and units beyond every receipt as the oldest", () => {
    const receipts = [
      { at: now - 5 * DAY, qty: 10 },
      { at: now - 45 * DAY, qty: 20 },
      { at: now - 75 * DAY, qty: 20 },
      { at: now - 200 * DAY, qty: 100 },
    ];
    // 35 on hand: 10 from 5 days ago, 20 from 45 days ago, 5 of the 75-day-old receipt.
    expect(ageBuckets(35, receipts, now)).toEqual([10, 20, 5, 0]);
    expect(ageBuckets(200, receipts, now)).toEqual([10, 20, 20, 150]);
    expect(ageBuckets(8, [], now)).toEqual([0, 0, 0, 8]);
    expect(ageBuckets(0, receipts, now)).toEqual([0, 0, 0, 0]);
    // Exactly 30 days old is still in the first bucket.
    expect(ageBuckets(1, [{ at: now - 30 * DAY, qty: 1 }], now)).toEqual([1, 0, 0, 0]);
  });
});
