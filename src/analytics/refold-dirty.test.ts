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
  it("splits days at gaps and at maxDays, and puts the stores of each run in their time zones", () => {
    const units = planUnits(
      [
        { store_id: "st_ny1", day: "2026-03-07" },
        { store_id: "st_ny2", day: "2026-03-08" },
        { store_id: "st_in", day: "2026-03-08" },
        { store_id: "st_ny1", day: "2026-03-09" },
        { store_id: "st_ny1", day: "2026-03-12" },
        { store_id: "st_unknown", day: "2026-03-08" },
      ],
      configs,
      2,
    );
    expect(units.map((u) => [u.firstDay, u.lastDay, u.storeIds, u.zones.map((z) => [z.timezone, z.storeIds]), u.buckets.length])).toEqual([
      [
        "2026-03-07",
        "2026-03-08",
        ["st_in", "st_ny1", "st_ny2"],
        [
          ["Asia/Kolkata", ["st_in"]],
          ["America/New_York", ["st_ny1", "st_ny2"]],
        ],
        3,
      ],
      ["2026-03-09", "2026-03-09", ["st_ny1"], [["America/New_York", ["st_ny1"]]], 1],
      ["2026-03-12", "2026-03-12", ["st_ny1"], [["America/New_York", ["st_ny1"]]], 1],
    ]);
    const [first] = units;
    const [kolkata, newYork] = first!.zones;
    expect(newYork!.start).toBe(Date.parse("2026-03-07T05:00:00Z"));
    expect(newYork!.end).toBe(Date.parse("2026-03-09T04:00:00Z"));
    expect(newYork!.segments.map((s) => s.offsetMs / 3_600_000)).toEqual([-5, -4]);
    expect(kolkata!.start).toBe(Date.parse("2026-03-06T18:30:00Z"));
    expect(first!.start).toBe(kolkata!.start);
    expect(first!.end).toBe(newYork!.end);
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
