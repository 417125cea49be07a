import { describe, expect, it } from "vitest";
import { compareKeys, firstOfPages, mergeGroupedPages, mergerOf, type RawRow } from "./report-query";

const dims = [
  { name: "day", column: "day" },
  { name: "currency", column: "currency", always: true },
];
const spec = { measures: { received: "SUM(received)", parts: "COUNT(*)", max_ms: "MAX(max_ms)", p50_ms: "MIN(p50_ms)" } };
const row = (day: string, currency: string, received: number, max_ms: number | null = null, p50_ms: number | null = null): RawRow => ({
  day,
  currency,
  received,
  parts: 1,
  max_ms,
  p50_ms,
});

describe("compareKeys", () => {
  it("orders as SQLite orders row values: NULL, then numbers, then text, element by element", () => {
    expect(compareKeys(["2026-01-01", "EUR"], ["2026-01-01", "USD"])).toBeLessThan(0);
    expect(compareKeys(["2026-01-02", "EUR"], ["2026-01-01", "USD"])).toBeGreaterThan(0);
    expect(compareKeys([null, "a"], [0, "a"])).toBeLessThan(0);
    expect(compareKeys([10, "a"], [9, "b"])).toBeGreaterThan(0);
    expect(compareKeys([10], ["10"])).toBeLessThan(0);
    expect(compareKeys(["x", 1], ["x", 1])).toBe(0);
  });
});

describe("mergeGroupedPages", () => {
  it("adds the groups two shards share, keeps the others, in key order, and pages the first `limit`", () => {
    const s0 = [row("2026-01-01", "USD", 2, 50, 10), row("2026-01-03", "USD", 1, 70, 30)];
    const s1 = [row("2026-01-01", "USD", 3, 90, 5), row("2026-01-02", "EUR", 4)];
    const { rows, more } = mergeGroupedPages([s0, s1], dims, spec, 2);
    expect(rows).toEqual([
      { day: "2026-01-01", currency: "USD", received: 5, parts: 2, max_ms: 90, p50_ms: 5 },
      { day: "2026-01-02", currency: "EUR", received: 4, parts: 1, max_ms: null, p50_ms: null },
    ]);
    expect(more).toBe(true);
    expect(mergeGroupedPages([s0, s1], dims, spec, 3).more).toBe(false);
  });

  it("leaves the shards' rows as they were", () => {
    const a = row("2026-01-01", "USD", 2);
    mergeGroupedPages([[a], [row("2026-01-01", "USD", 3)]], dims, spec, 10);
    expect(a.received).toBe(2);
  });
});

describe("mergerOf", () => {
  it("follows the aggregate, lets NULL give way, and refuses one it cannot combine unless the spec says how", () => {
    expect(mergerOf(spec, "max_ms")({ max_ms: null }, { max_ms: 4 }, "max_ms")).toBe(4);
    expect(mergerOf(spec, "p50_ms")({ p50_ms: 8 }, { p50_ms: 4 }, "p50_ms")).toBe(4);
    expect(() => mergerOf({ measures: { rate: "AVG(rate)" } }, "rate")).toThrow(/needs a merge/);
    expect(mergerOf({ measures: { rate: "AVG(rate)" }, merge: { rate: () => 7 } }, "rate")({}, {}, "rate")).toBe(7);
  });
});

describe("firstOfPages", () => {
  it("merges keyset pages by key and says whether more follow", () => {
    const key = (r: { at: number; id: string }) => [r.at, r.id];
    const pages = [
      [
        { at: 1, id: "b" },
        { at: 4, id: "a" },
      ],
      [
        { at: 1, id: "a" },
        { at: 2, id: "z" },
      ],
    ];
    expect(firstOfPages(pages, key, 3)).toEqual({
      rows: [
        { at: 1, id: "a" },
        { at: 1, id: "b" },
        { at: 2, id: "z" },
      ],
      more: true,
    });
    expect(firstOfPages(pages, key, 4).more).toBe(false);
  });
});
