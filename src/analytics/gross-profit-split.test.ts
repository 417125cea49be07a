import { describe, expect, it } from "vitest";
import { largestRemainder, ORDER_LEVEL, orderParts, splitOverOrder, splitOverUnits } from "./gross-profit-split";

const sum = (xs: Iterable<number>) => [...xs].reduce((s, x) => s + x, 0);
const w = (...xs: number[]) => xs.map(BigInt);

describe("largestRemainder", () => {
  it("splits 100 yen three ways as 34, 33, 33: the leftover yen goes to the earliest of equal remainders", () => {
    expect(largestRemainder(100, w(1, 1, 1))).toEqual([34, 33, 33]);
  });

  it("gives the leftover cents to the largest remainders, in USD", () => {
    // 10.00 over 1:2:4 -> 1.428571, 2.857142, 5.714285: floors 142, 285, 571 (998), remainders .857, .714, .428.
    expect(largestRemainder(1000, w(1, 2, 4))).toEqual([143, 286, 571]);
  });

  it("is exact in KWD's three decimals", () => {
    // 1.000 KWD over 0.333 / 0.333 / 0.334 of value.
    const parts = largestRemainder(1000, w(333, 333, 334));
    expect(parts).toEqual([333, 333, 334]);
    expect(largestRemainder(7, w(3, 3, 3))).toEqual([3, 2, 2]);
  });

  it("always adds up to the whole, for any amount and weights", () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let t = 0; t < 500; t++) {
      const weights: bigint[] = Array.from({ length: 1 + rnd(6) }, () => BigInt(rnd(100_000)));
      if (!weights.some((x) => x > 0n)) weights[0] = 1n;
      const amount = rnd(10_000_000) - 5_000_000;
      const parts = largestRemainder(amount, weights);
      expect(sum(parts)).toBe(amount);
      // Each part is within one unit of its exact share.
      const total = Number(weights.reduce((s, x) => s + x, 0n));
      parts.forEach((p, i) => {
        expect(Math.abs(p - (amount * Number(weights[i])) / total)).toBeLessThan(1);
      });
    }
  });

  it("splits a negative amount as the negation of the positive one, so a reversal undoes its entry", () => {
    expect(largestRemainder(-1000, w(1, 2, 4))).toEqual([-143, -286, -571]);
  });

  it("stays exact past 2^53 of amount × weight", () => {
    const big = 9_000_000_000_000; // 9e12 minor units
    const parts = largestRemainder(big + 1, w(3_000_000_000_000, 6_000_000_000_000));
    expect(parts).toEqual([3_000_000_000_000, 6_000_000_000_001]);
  });

  it("refuses weights that cannot split anything", () => {
    expect(() => largestRemainder(5, w(0, 0))).toThrow();
    expect(() => largestRemainder(5, [-1n, 2n])).toThrow();
  });
});

describe("orderParts", () => {
  it("takes the discount off the lines pro rata and leaves shipping and tax at the order level (JPY)", () => {
    // 3 × 1000 + 1 × 500, discount 350, shipping 800, tax 315: total 4265.
    const parts = orderParts({
      lines: [
        { sku: "A", quantity: 3, total: 3000 },
        { sku: "B", quantity: 1, total: 500 },
      ],
      discount: 350,
      shipping: 800,
      tax: 315,
    });
    expect(parts).toEqual({
      skus: [
        { sku: "A", net: 2700, units: 3 },
        { sku: "B", net: 450, units: 1 },
      ],
      orderLevel: 1115,
    });
    expect(sum(parts.skus.map((s) => s.net)) + parts.orderLevel).toBe(3000 + 500 + 800 + 315 - 350);
  });

  it("adds lines of one SKU together, and takes a discount larger than the lines off the order level", () => {
    const parts = orderParts({
      lines: [
        { sku: "A", quantity: 1, total: 199 },
        { sku: "A", quantity: 2, total: 398 },
      ],
      discount: 700,
      shipping: 500,
      tax: 0,
    });
    expect(parts).toEqual({ skus: [{ sku: "A", net: 0, units: 3 }], orderLevel: 397 });
  });
});

describe("splitOverOrder", () => {
  it("gives each SKU exactly its net when the whole total is captured (USD)", () => {
    const parts = orderParts({
      lines: [
        { sku: "A", quantity: 1, total: 1999 },
        { sku: "B", quantity: 2, total: 1000 },
      ],
      discount: 300,
      shipping: 495,
      tax: 0,
    });
    const total = 1999 + 1000 + 495 - 300;
    const split = splitOverOrder(total, parts);
    expect(Object.fromEntries(split)).toEqual({ A: 1999 - 200, B: 1000 - 100, [ORDER_LEVEL]: 495 });
  });

  it("splits a part payment pro rata, and exactly", () => {
    const parts = orderParts({
      lines: [
        { sku: "A", quantity: 1, total: 1 },
        { sku: "B", quantity: 1, total: 1 },
        { sku: "C", quantity: 1, total: 1 },
      ],
      discount: 0,
      shipping: 0,
      tax: 0,
    });
    expect(Object.fromEntries(splitOverOrder(2, parts))).toEqual({ A: 1, B: 1 });
    expect(sum(splitOverOrder(-2, parts).values())).toBe(-2);
  });

  it("keeps the money of an order worth nothing at the order level", () => {
    const parts = orderParts({ lines: [{ sku: "A", quantity: 1, total: 0 }], discount: 0, shipping: 0, tax: 0 });
    expect(Object.fromEntries(splitOverOrder(500, parts))).toEqual({ [ORDER_LEVEL]: 500 });
  });
});

describe("splitOverUnits", () => {
  const parts = orderParts({
    lines: [
      { sku: "A", quantity: 3, total: 3000 }, // 1.000 KWD a unit
      { sku: "B", quantity: 1, total: 2500 },
    ],
    discount: 0,
    shipping: 1000,
    tax: 0,
  });

  it("puts a refund of named units on those SKUs, by the net revenue of the units named (KWD)", () => {
    // One A (1.000) and one B (2.500) returned, 3.000 refunded: 3.000 × 1/3.5 and × 2.5/3.5.
    const split = splitOverUnits(-3000, parts, [
      { sku: "A", quantity: 1 },
      { sku: "B", quantity: 1 },
    ]);
    expect(Object.fromEntries(split)).toEqual({ A: -857, B: -2143 });
    expect(Object.fromEntries(splitOverUnits(-1000, parts, [{ sku: "A", quantity: 1 }]))).toEqual({ A: -1000 });
  });

  it("caps named units at those ordered and ignores SKUs the order does not hold", () => {
    expect(
      Object.fromEntries(
        splitOverUnits(-600, parts, [
          { sku: "A", quantity: 9 },
          { sku: "Z", quantity: 1 },
        ]),
      ),
    ).toEqual({ A: -600 });
  });

  it("splits over the whole order when nothing named carries revenue", () => {
    expect(sum(splitOverUnits(-650, parts, [{ sku: "Z", quantity: 1 }]).values())).toBe(-650);
    expect(splitOverUnits(-650, parts, []).get(ORDER_LEVEL)).toBe(-100);
  });
});
