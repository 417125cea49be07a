import { describe, expect, it } from "vitest";
import { carrierRows, type Parcel } from "./carrier-performance";

const parcel = (over: Partial<Parcel>): Parcel => ({
  store_id: "st_ny",
  carrier: "ups",
  service: "ground",
  handed_over_at: Date.parse("2026-03-02T15:00:00Z"),
  delivered_at: null,
  promised_days: 2,
  ...over,
});
const zones = new Map([["st_ny", "America/New_York"]]);
const byDay = (rows: unknown[][]) => Object.fromEntries(rows.map((r) => [r[1], r.slice(4)]));

describe("carrierRows", () => {
  it("judges on time by the store's local calendar days: delivered by the end of the promised day counts, a minute later does not", () => {
    const rows = carrierRows(
      [
        // Handed over Monday 10:00 in New York; promised 2 days: due by Wednesday 23:59 local (04:59 UTC Thursday).
        parcel({ delivered_at: Date.parse("2026-03-05T04:59:00Z") }),
        parcel({ delivered_at: Date.parse("2026-03-05T05:01:00Z") }),
        parcel({ delivered_at: Date.parse("2026-03-05T05:02:00Z"), promised_days: null }),
        parcel({ handed_over_at: null, delivered_at: Date.parse("2026-03-05T05:03:00Z") }),
      ],
      [],
      zones,
      "2026-03-01",
      "2026-03-07",
    );
    const days = byDay(rows);
    // shipped, delivered, on_time, late, transit_n, ...
    expect(days["2026-03-02"]!.slice(0, 4)).toEqual([3, 0, 0, 0]);
    expect(days["2026-03-04"]!.slice(0, 5)).toEqual([0, 1, 1, 0, 1]);
    expect(days["2026-03-05"]!.slice(0, 5)).toEqual([0, 3, 0, 1, 2]);
  });

  it("counts exceptions by kind on the day raised, and leaves out what falls outside the unit's days", () => {
    const rows = carrierRows(
      [parcel({ handed_over_at: Date.parse("2026-02-27T15:00:00Z"), delivered_at: Date.parse("2026-03-01T15:00:00Z") })],
      [
        { store_id: "st_ny", carrier: "ups", service: "ground", kind: "failed_attempt", created_at: Date.parse("2026-03-01T16:00:00Z") },
        { store_id: "st_ny", carrier: "ups", service: "ground", kind: "failed_attempt", created_at: Date.parse("2026-03-01T17:00:00Z") },
        { store_id: "st_ny", carrier: "ups", service: "ground", kind: "stale_tracking", created_at: Date.parse("2026-03-09T17:00:00Z") },
      ],
      zones,
      "2026-03-01",
      "2026-03-07",
    );
    expect(rows).toHaveLength(1);
    // Handed over Friday, delivered Sunday: 2 days, on time; no row for the Friday (outside the days).
    expect(rows[0]).toEqual(["st_ny", "2026-03-01", "ups", "ground", 0, 1, 1, 0, 1, 2 * 86_400_000, 2 * 86_400_000, 2, 0, 0, 0, 0]);
  });
});
