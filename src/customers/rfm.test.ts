import { describe, expect, it } from "vitest";
import { frequencyScore, monetaryScore, recencyScore, rfmOf, segmentOf } from "./rfm";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);

describe("RFM scores", () => {
  it("scores recency by days since the last order", () => {
    expect(recencyScore(NOW - 3 * DAY, NOW)).toBe(5);
    expect(recencyScore(NOW - 30 * DAY, NOW)).toBe(5);
    expect(recencyScore(NOW - 31 * DAY, NOW)).toBe(4);
    expect(recencyScore(NOW - 100 * DAY, NOW)).toBe(3);
    expect(recencyScore(NOW - 200 * DAY, NOW)).toBe(2);
    expect(recencyScore(NOW - 400 * DAY, NOW)).toBe(1);
    // A clock a little behind an order's stamp is not negative days.
    expect(recencyScore(NOW + DAY, NOW)).toBe(5);
  });

  it("scores frequency by orders that count", () => {
    expect([1, 2, 3, 4, 5, 9, 10, 50].map(frequencyScore)).toEqual([1, 2, 3, 3, 4, 4, 5, 5]);
  });

  it("ranks spend in fifths among customers of the same currency", () => {
    expect(monetaryScore(0, 100)).toBe(1);
    expect(monetaryScore(19, 100)).toBe(1);
    expect(monetaryScore(20, 100)).toBe(2);
    expect(monetaryScore(99, 100)).toBe(5);
    // Alone in a currency there is nobody to rank against: the middle.
    expect(monetaryScore(0, 1)).toBe(3);
  });

  it("names a segment for every combination of scores", () => {
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) expect(segmentOf(r, f, m)).toBeTypeOf("string");
    expect(segmentOf(5, 5, 5)).toBe("champions");
    expect(segmentOf(3, 4, 1)).toBe("loyal");
    expect(segmentOf(5, 1, 1)).toBe("new");
    expect(segmentOf(4, 2, 3)).toBe("promising");
    expect(segmentOf(3, 1, 5)).toBe("needs_attention");
    expect(segmentOf(2, 3, 1)).toBe("at_risk");
    expect(segmentOf(2, 1, 1)).toBe("hibernating");
    expect(segmentOf(1, 5, 5)).toBe("lost");
  });

  it("gives no segment to a customer without an order that counts", () => {
    expect(rfmOf({ lastOrderAt: null, orders: 0, below: 0, total: 0 }, NOW)).toBeNull();
    expect(rfmOf({ lastOrderAt: NOW - DAY, orders: 1, below: 0, total: 1 }, NOW)).toEqual({ recency: 5, frequency: 1, monetary: 3, segment: "new" });
  });
});
