/**
 * SQL expressions that put a UTC epoch-ms column into its store's local day
 * and hour (the definitions are in time-zones.ts). A unit of rollup work may
 * span several time zones; each zone's offsets come from JS as segments and
 * are inlined as integer literals: they are computed here, never input, so
 * inlining is safe and keeps D1's bound-parameter budget for the values
 * that need it.
 *
 * Folds group by integers (offset, hour start, local day number) and turn
 * them into date strings once per group, not once per event: strftime per
 * row was most of a fold's cost.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Segment } from "./time-zones";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** One time zone's stores and its offsets over the unit's time range. */
export type ZoneSql = { storeIds: readonly string[]; segments: readonly Segment[] };

function int(n: number): SQL {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return sql.raw(String(n));
}

export function inStores(store: SQL, storeIds: readonly string[]): SQL {
  return sql`${store} IN (SELECT value FROM json_each(${JSON.stringify(storeIds)}))`;
}

/** The offset in force at each row's instant, in one zone. */
export function bySegment(column: SQL, segments: readonly Segment[]): SQL {
  if (segments.length === 0) throw new Error("no segments");
  if (segments.length === 1) return int(segments[0]!.offsetMs);
  const branches = segments.slice(0, -1).map((s) => sql` WHEN ${column} < ${int(s.to)} THEN ${int(s.offsetMs)}`);
  return sql`(CASE${sql.join(branches)} ELSE ${int(segments.at(-1)!.offsetMs)} END)`;
}

/** The offset in force at each row's instant in its store's zone, in ms. */
export function offsetSql(column: SQL, store: SQL, zones: readonly ZoneSql[]): SQL {
  if (zones.length === 1) return bySegment(column, zones[0]!.segments);
  const branches = zones.slice(0, -1).map((z) => sql` WHEN ${inStores(store, z.storeIds)} THEN ${bySegment(column, z.segments)}`);
  return sql`(CASE${sql.join(branches)} ELSE ${bySegment(column, zones.at(-1)!.segments)} END)`;
}

/** Whole local days since 1970-01-01 (an integer to group by). */
export const dayNumberSql = (column: SQL, offset: SQL) => sql`((${column} + ${offset}) / ${int(DAY_MS)})`;

/** YYYY-MM-DD of a local day number. */
export const dayOfNumberSql = (dayNumber: SQL) => sql`date(${dayNumber} * 86400, 'unixepoch')`;

/** The UTC instant at which the row's local hour began. */
export const hourStartSql = (column: SQL, offset: SQL) => sql`(${column} - ((${column} + ${offset}) % ${int(HOUR_MS)}))`;

/** An offset in ms as RFC 3339 writes it, +05:30 or -04:00 (time-zones.ts offsetLabel), for a column or expression. */
const offsetLabelSql = (offset: string) =>
  `(CASE WHEN ${offset} < 0 THEN '-' ELSE '+' END || printf('%02d:%02d', abs(${offset}) / ${HOUR_MS}, abs(${offset}) % ${HOUR_MS} / 60000))`;

/** The local hour with its offset, 2026-11-01T01:00-05:00, of an hour start and the offset then (columns or expressions). */
export const hourLabelSql = (hourStart: string, offset: string) => `(strftime('%Y-%m-%dT%H:00', (${hourStart} + ${offset}) / 1000, 'unixepoch') || ${offsetLabelSql(offset)})`;
