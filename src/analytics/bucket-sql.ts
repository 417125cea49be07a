/**
 * SQL expressions that put a UTC epoch-ms column into its store's local day
 * and hour (the definitions are in time-zones.ts). A unit of rollup work may
 * span several time zones: each row's zone is `z.zone` (see fold.ts), and
 * each zone's offsets come from JS as segments, inlined as integer literals:
 * they are computed here, never input, so inlining is safe and keeps D1's
 * bound-parameter budget for the values that need it.
 */
import { sql, type SQL } from "drizzle-orm";
import { offsetLabel, type Segment } from "./time-zones";

const HOUR_MS = 3_600_000;

/** The offsets of one time zone over the unit's time range. */
export type ZoneSegments = { segments: readonly Segment[] };

function int(n: number): SQL {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return sql.raw(String(n));
}

/** A CASE over the segments, choosing each row's value by its instant. */
function bySegment(column: SQL, segments: readonly Segment[], value: (s: Segment) => SQL): SQL {
  if (segments.length === 0) throw new Error("no segments");
  if (segments.length === 1) return value(segments[0]!);
  const branches = segments.slice(0, -1).map((s) => sql` WHEN ${column} < ${int(s.to)} THEN ${value(s)}`);
  return sql`(CASE${sql.join(branches)} ELSE ${value(segments.at(-1)!)} END)`;
}

/** Per zone (by index, `z.zone`), then per segment. */
function byZone(column: SQL, zones: readonly ZoneSegments[], value: (s: Segment) => SQL): SQL {
  if (zones.length === 1) return bySegment(column, zones[0]!.segments, value);
  const branches = zones.map((z, i) => sql` WHEN ${int(i)} THEN ${bySegment(column, z.segments, value)}`);
  return sql`(CASE z.zone${sql.join(branches)} END)`;
}

export function offsetSql(column: SQL, zones: readonly ZoneSegments[]): SQL {
  return byZone(column, zones, (s) => int(s.offsetMs));
}

/** The local calendar day, YYYY-MM-DD. */
export function localDaySql(column: SQL, zones: readonly ZoneSegments[]): SQL {
  return sql`strftime('%Y-%m-%d', (${column} + ${offsetSql(column, zones)}) / 1000, 'unixepoch')`;
}

/** The UTC instant at which the row's local hour began. */
export function hourStartSql(column: SQL, zones: readonly ZoneSegments[]): SQL {
  return sql`(${column} - ((${column} + ${offsetSql(column, zones)}) % ${int(HOUR_MS)}))`;
}

/** The local hour with its offset: 2026-11-01T01:00-05:00. */
export function hourLabelSql(column: SQL, zones: readonly ZoneSegments[]): SQL {
  const label = byZone(column, zones, (s) => sql.raw(`'${offsetLabel(s.offsetMs)}'`));
  return sql`(strftime('%Y-%m-%dT%H:00', (${column} + ${offsetSql(column, zones)}) / 1000, 'unixepoch') || ${label})`;
}
