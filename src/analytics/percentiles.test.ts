import { describe, expect, it } from "vitest";
import { prng } from "../../bench/lib/generate-orders.mjs";
import { binOf, binValue, percentileFromBins, rankOf, summarize } from "./percentiles";

describe("exact percentiles (nearest rank)", () => {
  it("are real samples", () => {
    expect(summarize([7])).toMatchObject({ count: 1, sumMs: 7, maxMs: 7, p50Ms: 7, p90Ms: 7 });
    expect(summarize([4, 1, 3, 2])).toMatchObject({ p50Ms: 2, p90Ms: 4, maxMs: 4, sumMs: 10 });
    const tens = Array.from({ length: 10 }, (_, i) => (i + 1) * 10);
    expect(summarize(tens)).toMatchObject({ p50Ms: 50, p90Ms: 90, maxMs: 100 });
    const hundred = Array.from({ length: 101 }, (_, i) => 100 - i);
    expect(summarize(hundred)).toMatchObject({ p50Ms: 50, p90Ms: 90, maxMs: 100 });
    expect(rankOf(50, 1)).toBe(1);
    expect(rankOf(90, 11)).toBe(10);
    expect(() => summarize([])).toThrow();
  });

  it("put every value in one bin, zero and negatives in bin 0", () => {
    const s = summarize([0, -5, 1, 1000, 1000, 3_600_000]);
    expect(Object.values(s.histogram).reduce((a, b) => a + b, 0)).toBe(6);
    expect(s.histogram["0"]).toBe(2);
    expect(s.histogram[String(binOf(1000))]).toBe(2);
  });
});

describe("histogram percentiles", () => {
  it("bins are monotonic and their middle is within 4.5% of any value in them", () => {
    let last = 0;
    for (let v = 1; v < 1e11; v = Math.ceil(v * 1.07)) {
      const b = binOf(v);
      expect(b).toBeGreaterThanOrEqual(last);
      last = b;
      expect(Math.abs(binValue(b) - v) / v).toBeLessThan(0.045 + 1 / v);
    }
  });

  it("merged from several buckets, estimate the percentiles of all the values within the bin error", () => {
    const rand = prng(42);
    const buckets = Array.from({ length: 30 }, () => Array.from({ length: 50 + Math.floor(rand() * 200) }, () => Math.round(Math.exp(8 + rand() * 10))));
    const merged = new Map<number, number>();
    for (const values of buckets) {
      for (const [bin, c] of Object.entries(summarize(values).histogram)) merged.set(Number(bin), (merged.get(Number(bin)) ?? 0) + c);
    }
    const all = buckets.flat().sort((a, b) => a - b);
    const max = all.at(-1)!;
    for (const p of [50, 90, 99]) {
      const exact = all[rankOf(p, all.length) - 1]!;
      const estimate = percentileFromBins(merged, p, max)!;
      expect(Math.abs(estimate - exact) / exact, `p${p}`).toBeLessThan(0.045);
    }
    expect(percentileFromBins(merged, 100, max)).toBeLessThanOrEqual(max);
    expect(percentileFromBins(new Map(), 50, 0)).toBeNull();
  });
});
