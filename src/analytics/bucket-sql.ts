/**
 * SQL expressions that put a UTC epoch-ms column into the store's local day
 * and hour (the definitions are in time-zones.ts). The offsets come from JS
 * as segments and are inlined as integer literals: they are computed here,
 * never user input, so inlining is safe and keeps D1's bound-parameter budget
 * for the values that need it.
 */
import { sql, type SQL } from "drizzle-orm";
import { offsetLabel, type Segment } from "./time-zones";

const HOUR_MS = 3_600_000;

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

export function offsetSql(column: SQL, segments: readonly Segment[]): SQL {
  return bySegment(column, segments, (s) => int(s.offsetMs));
}

/** The local calendar day, YYYY-MM-DD. */
export function localDaySql(column: SQL, segments: readonly Segment[]): SQL {
  return sql`strftime('%Y-%m-%d', (${column} + ${offsetSql(column, segments)}) / 1000, 'unixepoch')`;
}

/** The UTC instant at which the row's local hour began. */
export function hourStartSql(column: SQL, segments: readonly Segment[]): SQL {
  return sql`(${column} - ((${column} + ${offsetSql(column, segments)}) % ${int(HOUR_MS)}))`;
}

/** The local hour with its offset: 2026-11-01T01:00-05:00. */
export function hourLabelSql(column: SQL, segments: readonly Segment[]): SQL {
  const label = bySegment(column, segments, (s) => sql.raw(`'${offsetLabel(s.offsetMs)}'`));
  return sql`(strftime('%Y-%m-%dT%H:00', (${column} + ${offsetSql(column, segments)}) / 1000, 'unixepoch') || ${label})`;
}
