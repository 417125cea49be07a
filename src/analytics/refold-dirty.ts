/**
 * Recomputes dirty buckets. Dirty (store, day) pairs are grouped into units
 * (the stores dirty over the same run of at most `maxDays` consecutive local
 * days, whatever their time zones) so that one pass over a time range of
 * events serves them all. Each unit is two D1 batches: the unit's order events staged
 * once for the folds that count them (folds/unit-events.ts), then every
 * fold's replacement rows and the removal of the dirty marks it served. A unit may refold a (store, day)
 * that was not dirty: recomputing a clean bucket changes nothing.
 */
import { sql, type SQL } from "drizzle-orm";
import { assertionFailed } from "../db/assert";
import { noneOnTheMove } from "../db/client";
import { all, batch, statement } from "./d1";
import type { StoreConfigs } from "./apply-store-config";
import { FOLDS, type FoldUnit } from "./folds";
import { storeIn, type ZonePart } from "./folds/fold";
import { stageUnitEvents } from "./folds/unit-events";
import type { Sla } from "./sla";
import { addDays, dayStart, daysBetween, offsetSegments } from "./time-zones";

export type DirtyBucket = { store_id: string; day: string };
export type PlannedUnit = Omit<FoldUnit, "guard" | "roles"> & { buckets: DirtyBucket[] };

/**
 * Pure: dirty buckets to units of work. Buckets of stores without a configuration are left for later.
 *
 * The days are cut into runs of consecutive days (at most `maxDays`), and within a run the stores dirty over the same
 * days share a unit over just those days. Stores in different time zones are often on different local days at the
 * same instant: after orders arrive at 20:00 UTC, Sydney's stores are dirty on the next day and New York's on this
 * one. One unit for the run would refold both days for every store, twice the work of what changed; an incremental
 * run then took 1.25 s of database CPU where its one-day runs took 0.8 s (bench/rollup-profile.ts --at).
 *
 * Groups whose days mostly overlap share one unit all the same, over the days of both (a store refolds a clean day
 * or two, which changes nothing). The staging and the floor and audit folds read every event of the unit's time
 * range, whatever its store, and keep the unit's stores' events: two units over nearly the same days read those
 * days twice. From scratch, the stores whose data starts a local day later (east of the others) made a second unit
 * of six days beside the first week's seven, and the same at the end.
 *
 * `partial`: the buckets are the first of more (a pick stopped by its limit), so their last days may lack some
 * stores. The last run is then left for the next pick, which starts with its days, unless it is the only run; a run
 * cut short made a unit for the stores picked and, after the next pick, another over the same days for the rest.
 */
export function planUnits(dirty: readonly DirtyBucket[], configs: StoreConfigs, maxDays: number, { partial = false } = {}): PlannedUnit[] {
  const known = dirty.filter((b) => configs.has(b.store_id));
  const runs: string[][] = [];
  for (const day of [...new Set(known.map((b) => b.day))].sort()) {
    const run = runs.at(-1);
    if (run && run.length < maxDays && daysBetween(run.at(-1)!, day) === 1) run.push(day);
    else runs.push([day]);
  }
  if (partial && runs.length > 1) runs.pop();
  return runs.flatMap((run) => {
    const inRun = known.filter((b) => b.day >= run[0]! && b.day <= run.at(-1)!);
    // Each store's first and last dirty day in the run (the run's days in order: a store's first sighting is its
    // first day, its last its last); the stores with the same two days make one group.
    const span = new Map<string, [string, string]>();
    for (const day of run) {
      for (const b of inRun) {
        if (b.day !== day) continue;
        const s = span.get(b.store_id);
        if (s) s[1] = day;
        else span.set(b.store_id, [day, day]);
      }
    }
    const groups = new Map<string, DaySpan & { storeIds: string[] }>();
    for (const [store, [firstDay, lastDay]] of span) {
      const key = `${firstDay} ${lastDay}`;
      const group = groups.get(key) ?? { firstDay, lastDay, storeIds: [] };
      group.storeIds.push(store);
      groups.set(key, group);
    }
    const shared: (DaySpan & { storeIds: string[] })[] = [];
    for (const key of [...groups.keys()].sort()) {
      const group = groups.get(key)!;
      const into = shared.find((u) => mostlyOverlap(u, group));
      if (!into) {
        shared.push(group);
        continue;
      }
      into.firstDay = [group.firstDay, into.firstDay].sort()[0]!;
      into.lastDay = [group.lastDay, into.lastDay].sort()[1]!;
      into.storeIds.push(...group.storeIds);
    }
    return shared.map(({ firstDay, lastDay, storeIds }) => {
      const mine = new Set(storeIds);
      return unitOf(
        storeIds.sort(),
        firstDay,
        lastDay,
        configs,
        inRun.filter((b) => mine.has(b.store_id)),
      );
    });
  });
}

type DaySpan = { firstDay: string; lastDay: string };

/** Whether two spans of days share more than half the days of both together. */
export function mostlyOverlap(a: DaySpan, b: DaySpan): boolean {
  // ISO days sort as text.
  const [first, from] = [a.firstDay, b.firstDay].sort() as [string, string];
  const [to, last] = [a.lastDay, b.lastDay].sort() as [string, string];
  if (from > to) return false;
  return 2 * (daysBetween(from, to) + 1) > daysBetween(first, last) + 1;
}

/** The unit refolding `storeIds` over the local days [firstDay, lastDay], each store in its own zone. */
function unitOf(storeIds: readonly string[], firstDay: string, lastDay: string, configs: StoreConfigs, buckets: DirtyBucket[]): PlannedUnit {
  const byZone = new Map<string, string[]>();
  for (const id of storeIds) {
    const tz = configs.get(id)!.timezone;
    byZone.set(tz, [...(byZone.get(tz) ?? []), id]);
  }
  const zones: ZonePart[] = [...byZone].map(([timezone, ids]) => {
    const start = dayStart(timezone, firstDay);
    const end = dayStart(timezone, addDays(lastDay, 1));
    return { timezone, storeIds: ids, start, end, segments: offsetSegments(timezone, start, end) };
  });
  return {
    storeIds,
    firstDay,
    lastDay,
    zones,
    start: Math.min(...zones.map((z) => z.start)),
    end: Math.max(...zones.map((z) => z.end)),
    slas: new Map<string, Sla>(storeIds.map((id) => [id, configs.get(id)!.sla])),
    buckets,
  };
}

/** Whether the unit was written: not when its guard failed (the lease lost, or one of its stores began to move). */
export async function refoldUnit(d1: D1Database, unit: FoldUnit, served: readonly DirtyBucket[]): Promise<boolean> {
  // The unit's order events, with their orders' facts and buckets, once for all the folds that count them (unit-events.ts).
  try {
    await batch(d1, stageUnitEvents(d1, unit));
  } catch (err) {
    if (assertionFailed(err)) return false;
    throw err;
  }
  const statements = (await Promise.all(FOLDS.map((f) => f.refold(d1, unit)))).flat();
  const keys = JSON.stringify(served.map((b) => [b.store_id, b.day]));
  statements.push(
    statement(
      d1,
      sql`DELETE FROM rollup_dirty
      WHERE (store_id, day) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${keys}))
        AND ${unit.guard}`,
    ),
  );
  const results = await batch(d1, statements);
  // The marks it served were read just before, by the one run holding the lease: none removed means none written.
  return (results.at(-1)?.meta.changes ?? 0) > 0;
}

export async function refoldDirty(
  d1: D1Database,
  configs: StoreConfigs,
  { guard, roles, deadline, maxDays, pick = 1000 }: { guard: SQL; roles: string; deadline: number; maxDays: number; pick?: number },
): Promise<{ units: number; buckets: number }> {
  let units = 0;
  let buckets = 0;
  const known = [...configs.keys()];
  // At least one unit per run, even when the scan used up the budget: every run makes progress.
  while (units === 0 || Date.now() < deadline) {
    const dirty = await all<DirtyBucket>(
      d1,
      sql`SELECT store_id, day FROM rollup_dirty
      WHERE ${storeIn(sql`store_id`, known)} ORDER BY day, store_id LIMIT ${pick}`,
    );
    if (!dirty.length) break;
    for (const unit of planUnits(dirty, configs, maxDays, { partial: dirty.length === pick })) {
      if (units > 0 && Date.now() >= deadline) return { units, buckets };
      const { buckets: served, ...rest } = unit;
      // The rollup rows have no move guards: a store whose move began after this run read its stores is left alone.
      // Then, or when the lease is lost, the run stops: the same marks would be planned again until its deadline.
      if (!(await refoldUnit(d1, { ...rest, guard: sql`${guard} AND ${noneOnTheMove(rest.storeIds)}`, roles }, served))) return { units, buckets };
      units++;
      buckets += served.length;
    }
  }
  return { units, buckets };
}
