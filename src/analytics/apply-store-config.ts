/**
 * Rollups are bucketed by each store's local day and judged by its SLA, so
 * they depend on the store's configuration. rollup_stores records the
 * configuration each store's rollups were built with; when the store's time
 * zone or SLA changes, its rollup rows are dropped and every day it has data
 * for is marked dirty, all in one batch, so the next runs rebuild it under
 * the new configuration.
 */
import { sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { HELD_BY_A_MOVE, noneOnTheMove, ON_THE_MOVE } from "../db/client";
import { all, batch, statement } from "./d1";
import { ROLLUP_TABLES } from "./folds";
import { insertJsonRows } from "./folds/fold";
import { DEFAULT_SLA, type Sla } from "./sla";
import { addDays, isTimeZone, localDay } from "./time-zones";

export type StoreConfig = { timezone: string; sla: Sla };
export type StoreConfigs = Map<string, StoreConfig>;

type Row = {
  id: string;
  timezone: string;
  has_sla: number;
  received_to_approved_ms: number | null;
  approved_to_shipped_ms: number | null;
  shipped_to_delivered_ms: number | null;
  received_to_completed_ms: number | null;
  applied: string | null;
};

function configOf(row: Row): StoreConfig {
  let timezone = row.timezone;
  if (!isTimeZone(timezone)) {
    console.error(`store ${row.id}: time zone "${timezone}" is unknown to this runtime; rolling up in UTC`);
    timezone = "UTC";
  }
  const sla = row.has_sla
    ? {
        received_to_approved: row.received_to_approved_ms,
        approved_to_shipped: row.approved_to_shipped_ms,
        shipped_to_delivered: row.shipped_to_delivered_ms,
        received_to_completed: row.received_to_completed_ms,
      }
    : DEFAULT_SLA;
  return { timezone, sla };
}

/**
 * A day of the store's facts under its old zone lies at most this many days from the same instant's day under the
 * new one: the zones in use run from UTC-12 to UTC+14, 26 hours apart.
 */
const ZONE_SHIFT_DAYS = 2;

/**
 * Every local day (in `timezone`) the store's rollups may hold a fact on: each day from its first order to its
 * latest order change, and the days around each day its rollup rows or dirty marks name under the configuration
 * being replaced. Those cover what is recorded after an order's last change without changing it (floor work,
 * tracking, exceptions), already rolled up or marked; what has not been scanned yet is marked by the scan, in the
 * new zone.
 */
async function daysWithData(d1: D1Database, storeId: string, timezone: string): Promise<string[]> {
  // The hour rows name the days the day rows do. Each table's key or an index starts with (store_id, day). One read
  // each, with the orders', in one batch: D1 allows a compound SELECT only a few terms.
  const tables = [...ROLLUP_TABLES.filter((t) => t !== "rollup_order_hours"), "rollup_dirty"];
  const [span, ...named] = await batch(d1, [
    statement(d1, sql`SELECT MIN(created_at) AS lo, MAX(updated_at) AS hi FROM orders WHERE store_id = ${storeId}`),
    ...tables.map((t) => statement(d1, sql`SELECT DISTINCT day FROM ${sql.identifier(t)} WHERE store_id = ${storeId}`)),
  ]);
  const days = new Set<string>();
  const r = span?.results[0] as { lo: number | null; hi: number | null } | undefined;
  if (r && r.lo !== null && r.hi !== null) {
    for (let d = localDay(timezone, r.lo), last = localDay(timezone, r.hi); d <= last; d = addDays(d, 1)) days.add(d);
  }
  for (const { results } of named) {
    for (const { day } of results as { day: string }[]) for (let k = -ZONE_SHIFT_DAYS; k <= ZONE_SHIFT_DAYS; k++) days.add(addDays(day, k));
  }
  return [...days].sort();
}

/**
 * `configs`: every store the run marks changes of. `moving`: the stores only a move writes here (frozen on their
 * source, arriving on their target), which neither side rolls up. `copying`: the stores being copied from here, which
 * are still marked (their marks are guarded, so the copy carries them) but not refolded: their rollup rows stay as
 * the copy found them, and the target refolds the marks after the switch.
 */
export async function applyStoreConfigs(d1: D1Database, guard: SQL, now: number): Promise<{ configs: StoreConfigs; rebuilt: string[]; moving: Set<string>; copying: Set<string> }> {
  const read = await all<Row & { moving: number; on_the_move: number }>(
    d1,
    sql`
    SELECT s.id, s.timezone, l.store_id IS NOT NULL AS has_sla,
      l.received_to_approved_ms, l.approved_to_shipped_ms, l.shipped_to_delivered_ms, l.received_to_completed_ms,
      r.config AS applied, s.id IN (${HELD_BY_A_MOVE}) AS moving, s.id IN (${ON_THE_MOVE}) AS on_the_move
    FROM stores s LEFT JOIN store_slas l ON l.store_id = s.id LEFT JOIN rollup_stores r ON r.store_id = s.id`,
  );
  // A store on the move between databases is rolled up by neither side until the switch (src/pools/move-pool.ts):
  // only the move writes its rows, and the switch marks the days the source had not rolled up.
  const moving = new Set(read.filter((r) => r.moving).map((r) => r.id));
  const copying = new Set(read.filter((r) => r.on_the_move && !r.moving).map((r) => r.id));
  const rows = read.filter((r) => !r.moving);
  const configs: StoreConfigs = new Map();
  const fresh: unknown[][] = [];
  const rebuilt: string[] = [];
  for (const row of rows) {
    const config = configOf(row);
    const text = JSON.stringify(config);
    configs.set(row.id, config);
    // A store being copied is rebuilt under its new configuration by its target, which finds the old one applied.
    if (row.applied === text || copying.has(row.id)) continue;
    if (row.applied === null) {
      // Never rolled up: nothing to drop, and the change scan marks its days.
      fresh.push([row.id, config.timezone, text, now]);
      continue;
    }
    const days = await daysWithData(d1, row.id, config.timezone);
    const tables = [...ROLLUP_TABLES, "rollup_dirty"];
    // Nothing at all if the store's move began since the read: the rollup rows have no guard triggers to log the deletes.
    const still = sql`${guard} AND ${noneOnTheMove([row.id])}`;
    const done = await batch(d1, [
      ...tables.map((t) => statement(d1, sql`DELETE FROM ${sql.identifier(t)} WHERE store_id = ${row.id} AND ${still}`)),
      ...insertJsonRows(
        d1,
        "rollup_dirty",
        ["store_id", "day", "marked_at"],
        days.map((d) => [row.id, d, now]),
        still,
        {
          orIgnore: true,
        },
      ),
      statement(
        d1,
        sql`UPDATE rollup_stores SET timezone = ${config.timezone}, config = ${text}, applied_at = ${now}
        WHERE store_id = ${row.id} AND ${still}`,
      ),
    ]);
    if (done.at(-1)?.meta.changes) rebuilt.push(row.id);
  }
  if (fresh.length) {
    await batch(d1, insertJsonRows(d1, "rollup_stores", ["store_id", "timezone", "config", "applied_at"], fresh, guard, { orIgnore: true }));
  }
  return { configs, rebuilt, moving, copying };
}
