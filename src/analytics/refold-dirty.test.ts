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
  it("splits days at gaps and at maxDays, gives the stores dirty on the same days one unit, and puts them in their time zones", () => {
    const units = planUnits(
      [
        { store_id: "st_ny1", day: "2026-03-07" },
        { store_id: "st_ny1", day: "2026-03-08" },
        { store_id: "st_ny2", day: "2026-03-07" },
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
      ["2026-03-07", "2026-03-08", ["st_ny1", "st_ny2"], [["America/New_York", ["st_ny1", "st_ny2"]]], 4],
      ["2026-03-08", "2026-03-08", ["st_in"], [["Asia/Kolkata", ["st_in"]]], 1],
      ["2026-03-09", "2026-03-09", ["st_ny1"], [["America/New_York", ["st_ny1"]]], 1],
      ["2026-03-12", "2026-03-12", ["st_ny1"], [["America/New_York", ["st_ny1"]]], 1],
    ]);
    const [newYork] = units[0]!.zones;
    expect(newYork!.start).toBe(Date.parse("2026-03-07T05:00:00Z"));
    expect(newYork!.end).toBe(Date.parse("2026-03-09T04:00:00Z"));
    expect(newYork!.segments.map((s) => s.offsetMs / 3_600_000)).toEqual([-5, -4]);
    expect([units[0]!.start, units[0]!.end]).toEqual([newYork!.start, newYork!.end]);
    const [kolkata] = units[1]!.zones;
    expect([kolkata!.start, kolkata!.end]).toEqual([Date.parse("2026-03-07T18:30:00Z"), Date.parse("2026-03-08T18:30:00Z")]);
  });

  it("refolds each store over its own dirty days: an instant that is tomorrow in Kolkata and today in New York makes two one-day units", () => {
    const at = Date.parse("2026-03-10T20:00:00Z");
    const units = planUnits(
      [
        { store_id: "st_ny1", day: "2026-03-10" },
        { store_id: "st_ny2", day: "2026-03-10" },
        { store_id: "st_in", day: "2026-03-11" },
      ],
      configs,
      7,
    );
    expect(units.map((u) => [u.firstDay, u.lastDay, u.storeIds])).toEqual([
      ["2026-03-10", "2026-03-10", ["st_ny1", "st_ny2"]],
      ["2026-03-11", "2026-03-11", ["st_in"]],
    ]);
    // Each unit's range is its stores' one local day, and holds the instant.
    for (const u of units) expect(u.end - u.start).toBe(86_400_000);
    for (const u of units) expect(u.start <= at && at < u.end).toBe(true);
    // Every dirty bucket is served by exactly one unit.
    expect(units.flatMap((u) => u.buckets.map((b) => `${b.store_id} ${b.day}`)).sort()).toEqual(["st_in 2026-03-11", "st_ny1 2026-03-10", "st_ny2 2026-03-10"]);
  });

  it("a store dirty on two days of a run with a clean day between refolds the three (a clean bucket refolds to what it holds)", () => {
    const units = planUnits(
      [
        { store_id: "st_ny1", day: "2026-03-10" },
        { store_id: "st_ny2", day: "2026-03-11" },
        { store_id: "st_ny1", day: "2026-03-12" },
      ],
      configs,
      7,
    );
    expect(units.map((u) => [u.firstDay, u.lastDay, u.storeIds, u.buckets.length])).toEqual([
      ["2026-03-10", "2026-03-12", ["st_ny1"], 2],
      ["2026-03-11", "2026-03-11", ["st_ny2"], 1],
    ]);
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
