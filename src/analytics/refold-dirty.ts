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
 * run then took 1.25 s of database CPU where its one-day runs took 0.8 s (bench/rollup-profile.ts --at). From
 * scratch every store is dirty on every day, so a run splits only at the data's first and last days.
 */
export function planUnits(dirty: readonly DirtyBucket[], configs: StoreConfigs, maxDays: number): PlannedUnit[] {
  const known = dirty.filter((b) => configs.has(b.store_id));
  const days = [...new Set(known.map((b) => b.day))].sort();
  const units: PlannedUnit[] = [];
  let run: string[] = [];
  const flush = () => {
    if (!run.length) return;
    const inRun = known.filter((b) => b.day >= run[0]! && b.day <= run.at(-1)!);
    // Each store's first and last dirty day in the run (the run's days in order: a store's first sighting is its
    // first day, its last its last); the stores with the same two days make one unit.
    const span = new Map<string, [string, string]>();
    for (const day of run) {
      for (const b of inRun) {
        if (b.day !== day) continue;
        const s = span.get(b.store_id);
        if (s) s[1] = day;
        else span.set(b.store_id, [day, day]);
      }
    }
    const groups = new Map<string, string[]>();
    for (const [store, [first, last]] of span) groups.set(`${first} ${last}`, [...(groups.get(`${first} ${last}`) ?? []), store]);
    for (const key of [...groups.keys()].sort()) {
      const [firstDay, lastDay] = key.split(" ") as [string, string];
      const storeIds = groups.get(key)!.sort();
      const mine = new Set(storeIds);
      units.push(
        unitOf(
          storeIds,
          firstDay,
          lastDay,
          configs,
          inRun.filter((b) => mine.has(b.store_id)),
        ),
      );
    }
    run = [];
  };
  for (const day of days) {
    if (run.length && (run.length >= maxDays || daysBetween(run.at(-1)!, day) !== 1)) flush();
    run.push(day);
  }
  flush();
  return units;
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

export async function refoldUnit(d1: D1Database, unit: FoldUnit, served: readonly DirtyBucket[]): Promise<void> {
  // The unit's order events, with their orders' facts and buckets, once for all the folds that count them (unit-events.ts).
  await batch(d1, stageUnitEvents(d1, unit));
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
  await batch(d1, statements);
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
    for (const unit of planUnits(dirty, configs, maxDays)) {
      if (units > 0 && Date.now() >= deadline) return { units, buckets };
      const { buckets: served, ...rest } = unit;
      await refoldUnit(d1, { ...rest, guard, roles }, served);
      units++;
      buckets += served.length;
    }
  }
  return { units, buckets };
}
