import { describe, expect, it } from "vitest";
import { change, resolvePeriod } from "./period";

describe("the dashboard's period", () => {
  it("is the last 7 local days by default, compared with the 7 days before", () => {
    const r = resolvePeriod({}, "2026-12-03");
    expect(r).toEqual({ ok: true, period: { kind: "7d", from: "2026-11-27", to: "2026-12-03", days: 7, previous: { from: "2026-11-20", to: "2026-11-26" } } });
  });

  it("today is compared with yesterday, 30 days with the 30 before, across a month end", () => {
    expect(resolvePeriod({ period: "today" }, "2026-03-01")).toMatchObject({
      period: { from: "2026-03-01", to: "2026-03-01", days: 1, previous: { from: "2026-02-28", to: "2026-02-28" } },
    });
    expect(resolvePeriod({ period: "30d" }, "2026-03-30")).toMatchObject({ period: { from: "2026-03-01", days: 30, previous: { from: "2026-01-30", to: "2026-02-28" } } });
  });

  it("a custom range keeps its dates and its length, and dates alone mean custom", () => {
    expect(resolvePeriod({ from: "2026-03-05", to: "2026-03-08" }, "2026-12-03")).toMatchObject({
      period: { kind: "custom", from: "2026-03-05", to: "2026-03-08", days: 4, previous: { from: "2026-03-01", to: "2026-03-04" } },
    });
  });

  it("refuses missing or malformed dates, a start after the end and more than 366 days", () => {
    expect(resolvePeriod({ period: "custom", from: "2026-03-05" }, "2026-12-03")).toEqual({ ok: false, refusal: "bad_dates" });
    expect(resolvePeriod({ period: "custom", from: "2026-02-30", to: "2026-03-05" }, "2026-12-03")).toEqual({ ok: false, refusal: "bad_dates" });
    expect(resolvePeriod({ period: "custom", from: "2026-03-06", to: "2026-03-05" }, "2026-12-03")).toEqual({ ok: false, refusal: "from_after_to" });
    expect(resolvePeriod({ period: "custom", from: "2025-01-01", to: "2026-01-02" }, "2026-12-03")).toEqual({ ok: false, refusal: "too_long" });
  });
});

describe("a figure's change", () => {
  it("says up or down with the size and the share of the previous value", () => {
    expect(change(12, 10)).toEqual({ direction: "up", delta: 2, pct: 0.2 });
    expect(change(5, 10)).toEqual({ direction: "down", delta: 5, pct: 0.5 });
    expect(change(7, 7)).toEqual({ direction: "same", delta: 0, pct: 0 });
  });

  it("has no percentage when the previous period had nothing, and keeps money exact", () => {
    expect(change(3, 0)).toEqual({ direction: "up", delta: 3, pct: null });
    expect(change(0.3, 0.1).delta).toBe(0.2);
  });
});
