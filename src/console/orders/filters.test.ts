import { describe, expect, it } from "vitest";
import { dayStart, filterQuery, filtersOf, inBatches, listQueryOf } from "./filters";

describe("order list filters", () => {
  it("starts a store's day at its own midnight, across daylight saving", () => {
    expect(dayStart("2026-12-03", "UTC")?.toISOString()).toBe("2026-12-03T00:00:00.000Z");
    expect(dayStart("2026-12-03", "Asia/Shanghai")?.toISOString()).toBe("2026-12-02T16:00:00.000Z");
    expect(dayStart("2026-03-08", "America/New_York")?.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(dayStart("2026-03-09", "America/New_York")?.toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(dayStart("2026-02-30", "UTC")).toBeNull();
    expect(dayStart("yesterday", "UTC")).toBeNull();
  });

  it("makes an inclusive 'to' day the API's exclusive bound and keeps the other filters", () => {
    const r = listQueryOf({ from: "2026-12-01", to: "2026-12-03", status: "on_hold", total_min: "50" }, "Europe/Berlin");
    expect(r).toEqual({
      ok: true,
      query: expect.objectContaining({ created_from: "2026-11-30T23:00:00.000Z", created_to: "2026-12-03T23:00:00.000Z", status: "on_hold", total_min: "50" }),
    });
    expect(listQueryOf({ to: "2026-13-01" }, "UTC")).toEqual({ ok: false, field: "to" });
  });

  it("reads and writes the filters of an address, leaving out empty ones", () => {
    const f = filtersOf(new URLSearchParams("status=on_hold&q=&sku=TEA-1&junk=1"));
    expect(f).toEqual({ status: "on_hold", sku: "TEA-1" });
    expect(filterQuery(f, { cursor: "abc" })).toBe("status=on_hold&sku=TEA-1&cursor=abc");
  });

  it("never runs more than the limit at once and keeps results in order", async () => {
    let running = 0;
    let most = 0;
    const out = await inBatches([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(most).toBe(3);
  });
});
