import { describe, expect, it } from "vitest";
import type { StoreConfigs } from "./apply-store-config";
import { bucketsOf } from "./mark-changes";
import { mostlyOverlap, planUnits } from "./refold-dirty";
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

describe("planUnits from scratch", () => {
  // Every store dirty on every day with data: a week of New York's days, and Kolkata's from a local day later.
  const week = (store: string, from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ store_id: store, day: `2026-03-${String(from + i).padStart(2, "0")}` }));
  const dirty = [...week("st_ny1", 2, 15), ...week("st_ny2", 2, 15), ...week("st_in", 3, 16)];

  it("gives the stores whose days mostly overlap one unit over the days of both", () => {
    const units = planUnits(dirty, configs, 7);
    expect(units.map((u) => [u.firstDay, u.lastDay, u.storeIds, u.buckets.length])).toEqual([
      ["2026-03-02", "2026-03-08", ["st_in", "st_ny1", "st_ny2"], 7 + 7 + 6],
      ["2026-03-09", "2026-03-15", ["st_in", "st_ny1", "st_ny2"], 7 + 7 + 7],
      ["2026-03-16", "2026-03-16", ["st_in"], 1],
    ]);
    // Each store in its own zone over the unit's days.
    expect(units[0]!.zones.map((z) => [z.timezone, z.storeIds, new Date(z.start).toISOString()])).toEqual([
      ["Asia/Kolkata", ["st_in"], "2026-03-01T18:30:00.000Z"],
      ["America/New_York", ["st_ny1", "st_ny2"], "2026-03-02T05:00:00.000Z"],
    ]);
    expect(units.flatMap((u) => u.buckets).length).toBe(dirty.length);
  });

  it("leaves a partial pick's last run for the next pick, unless it is the only run", () => {
    // A pick stopped after 30 buckets, in the order refoldDirty reads them (day, store): its last run lacks days and stores.
    const pick = [...dirty].sort((a, b) => a.day.localeCompare(b.day) || a.store_id.localeCompare(b.store_id)).slice(0, 30);
    const units = planUnits(pick, configs, 7, { partial: true });
    expect(units.map((u) => [u.firstDay, u.lastDay, u.storeIds])).toEqual([["2026-03-02", "2026-03-08", ["st_in", "st_ny1", "st_ny2"]]]);
    // The rest, picked next, starts where that run did: the same units as from all the buckets at once.
    const served = new Set(units.flatMap((u) => u.buckets.map((b) => `${b.store_id} ${b.day}`)));
    const rest = planUnits(
      dirty.filter((b) => !served.has(`${b.store_id} ${b.day}`)),
      configs,
      7,
    );
    expect([...units, ...rest].map((u) => [u.firstDay, u.lastDay, u.storeIds])).toEqual(planUnits(dirty, configs, 7).map((u) => [u.firstDay, u.lastDay, u.storeIds]));
    // A pick of a single run is refolded as it is: every run makes progress.
    const one = planUnits(pick.slice(0, 5), configs, 7, { partial: true });
    expect(one.flatMap((u) => u.buckets)).toHaveLength(5);
  });

  it("mostlyOverlap: more than half of the days of both together", () => {
    const span = (firstDay: string, lastDay: string) => ({ firstDay: `2026-03-${firstDay}`, lastDay: `2026-03-${lastDay}` });
    expect(mostlyOverlap(span("02", "08"), span("03", "08"))).toBe(true);
    expect(mostlyOverlap(span("10", "11"), span("11", "12"))).toBe(false);
    expect(mostlyOverlap(span("10", "10"), span("11", "11"))).toBe(false);
    expect(mostlyOverlap(span("10", "12"), span("11", "11"))).toBe(false);
    expect(mostlyOverlap(span("10", "12"), span("11", "12"))).toBe(true);
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
