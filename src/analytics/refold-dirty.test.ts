import { describe, expect, it } from "vitest";
import type { StoreConfigs } from "./apply-store-config";
import { bucketsOf } from "./mark-changes";
import { planUnits } from "./refold-dirty";
import { DEFAULT_SLA } from "./sla";

const configs: StoreConfigs = new Map([
  ["st_ny1", { timezone: "America/New_York", sla: DEFAULT_SLA }],
  ["st_ny2", { timezone: "America/New_York", sla: DEFAULT_SLA }],
  ["st_in", { timezone: "Asia/Kolkata", sla: DEFAULT_SLA }],
]);

describe("planUnits", () => {
  it("groups by time zone, splits at gaps and at maxDays, and names the stores of each run", () => {
    const units = planUnits(
      [
        { store_id: "st_ny1", day: "2026-03-07" },
        { store_id: "st_ny2", day: "2026-03-08" },
        { store_id: "st_ny1", day: "2026-03-09" },
        { store_id: "st_ny1", day: "2026-03-12" },
        { store_id: "st_in", day: "2026-03-08" },
        { store_id: "st_unknown", day: "2026-03-08" },
      ],
      configs,
      2,
    );
    expect(units.map((u) => [u.timezone, u.firstDay, u.lastDay, u.storeIds, u.buckets.length])).toEqual([
      ["America/New_York", "2026-03-07", "2026-03-08", ["st_ny1", "st_ny2"], 2],
      ["America/New_York", "2026-03-09", "2026-03-09", ["st_ny1"], 1],
      ["America/New_York", "2026-03-12", "2026-03-12", ["st_ny1"], 1],
      ["Asia/Kolkata", "2026-03-08", "2026-03-08", ["st_in"], 1],
    ]);
    const [first] = units;
    expect(first!.start).toBe(Date.parse("2026-03-07T05:00:00Z"));
    expect(first!.end).toBe(Date.parse("2026-03-09T04:00:00Z"));
    expect(first!.segments.map((s) => s.offsetMs / 3_600_000)).toEqual([-5, -4]);
  });
});

describe("bucketsOf", () => {
  it("maps 15-minute slots to each store's local day, and reports unknown stores", () => {
    const slot = (iso: string) => Math.floor(Date.parse(iso) / 900_000);
    const { buckets, unknownStores } = bucketsOf(
      [
        { store_id: "st_ny1", slot: slot("2026-03-09T03:45:00Z") },
        { store_id: "st_ny1", slot: slot("2026-03-09T04:00:00Z") },
        { store_id: "st_in", slot: slot("2026-03-08T18:30:00Z") },
        { store_id: "st_gone", slot: 1 },
      ],
      configs,
    );
    expect(buckets).toEqual([
      ["st_ny1", "2026-03-08"],
      ["st_ny1", "2026-03-09"],
      ["st_in", "2026-03-09"],
    ]);
    expect(unknownStores).toEqual(["st_gone"]);
  });
});
