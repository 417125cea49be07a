/**
 * Local days and hours in a store's IANA time zone, for instants stored as
 * UTC epoch milliseconds. SQLite knows no time zones, so the offsets are
 * worked out here (from the runtime's tz database, through Intl) and handed
 * to SQL as piecewise-constant segments (see bucket-sql.ts).
 *
 * Definitions every rollup and report relies on:
 * - the local day of instant t is the calendar date of t + offset(t);
 * - the local hour of t starts at t - ((t + offset(t)) mod 1h), so each hour
 *   bucket is keyed by a real UTC instant: the repeated 01:00 of a DST
 *   fall-back is two buckets, and the skipped 02:00 of a spring-forward none.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * Offsets per zone and UTC day, for days whose offset holds all day (checked
 * at the day's start, middle and last millisecond: zones change offset at most
 * a few times a year, never there and back within hours). Finished numbers,
 * so safe to keep across requests; bounded, cleared when full. The rollups
 * ask for tens of thousands of instants per run, and Intl costs microseconds
 * each: this is most of what the change scan and the carrier fold spent.
 */
const dayOffsets = new Map<string, number | null>();
const DAY_OFFSETS_MAX = 100_000;

/** Local wall-clock time minus UTC at instant t, in milliseconds (whole seconds). */
export function offsetMs(tz: string, t: number): number {
  const day = Math.floor(t / DAY_MS);
  const key = `${tz}\n${day}`;
  let known = dayOffsets.get(key);
  if (known === undefined) {
    const start = day * DAY_MS;
    const first = intlOffsetMs(tz, start);
    known = first === intlOffsetMs(tz, start + DAY_MS / 2) && first === intlOffsetMs(tz, start + DAY_MS - 1) ? first : null;
    if (dayOffsets.size >= DAY_OFFSETS_MAX) dayOffsets.clear();
    dayOffsets.set(key, known);
  }
  return known ?? intlOffsetMs(tz, t);
}

/** The offset straight from Intl, uncached (offsetMs is the one to call; this is what it is checked against). */
export function intlOffsetMs(tz: string, t: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(t))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * YYYY-MM-DD of a UTC-epoch-ms "wall clock" value. Each day's date is made once, not a Date and an ISO string per
 * call: the carrier fold asks up to four times per parcel, for thousands of parcels a unit. Bounded like the offsets.
 */
const dates = new Map<number, string>();
const dateOf = (wall: number) => dayOfNumber(Math.floor(wall / DAY_MS));

/** YYYY-MM-DD of a local day number (whole days since 1970-01-01, as the rollups' SQL groups by them). */
export function dayOfNumber(n: number): string {
  let date = dates.get(n);
  if (date === undefined) {
    date = new Date(n * DAY_MS).toISOString().slice(0, 10);
    if (dates.size >= DAY_OFFSETS_MAX) dates.clear();
    dates.set(n, date);
  }
  return date;
}

export function localDay(tz: string, t: number): string {
  return dateOf(t + offsetMs(tz, t));
}

/**
 * True for a real calendar date written YYYY-MM-DD (2024-02-29 yes, 2026-02-29,
 * 2026-02-30 and 2026-13-01 no). Never throws: a query parameter is any text.
 */
export function isDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

export function addDays(day: string, n: number): string {
  return dateOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
}

/** Whole days from `a` to `b` (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** The first instant whose local day is `day` or later: where the day begins (not always at 00:00). */
export function dayStart(tz: string, day: string): number {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  const guess = midnight - offsetMs(tz, midnight);
  if (localDay(tz, guess) >= day && localDay(tz, guess - 1) < day) return guess;
  // Offsets stay within +-15h, so the start lies in this window; local days never run backwards.
  let lo = midnight - 16 * HOUR_MS;
  let hi = midnight + 16 * HOUR_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(tz, mid) >= day) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** A stretch of time during which the zone's offset does not change. */
export type Segment = { from: number; to: number; offsetMs: number };

/**
 * The offsets in force over [start, end), as consecutive segments. Sampled
 * every hour, then each change is pinned to the millisecond; zones change
 * offset at most a few times a year, so this is one segment almost always.
 */
export function offsetSegments(tz: string, start: number, end: number): Segment[] {
  const segments: Segment[] = [];
  let from = start;
  let current = offsetMs(tz, start);
  for (let probe = start + HOUR_MS; ; probe += HOUR_MS) {
    const at = Math.min(probe, end - 1);
    const offset = offsetMs(tz, at);
    if (offset !== current) {
      // The change lies in (at - 1h, at]: find the first instant with the new offset.
      let lo = Math.max(from, at - HOUR_MS);
      let hi = at;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMs(tz, mid) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ from, to: hi, offsetMs: current });
      from = hi;
      current = offsetMs(tz, hi);
      probe = hi;
      continue;
    }
    if (at >= end - 1) break;
  }
  segments.push({ from, to: end, offsetMs: current });
  return segments;
}

/** "+05:30" style offset. */
export function offsetLabel(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const minutes = Math.round(Math.abs(offset) / 60_000);
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** RFC 3339 in the zone's local time: 2026-11-01T01:30:00.000-05:00. */
export function localIso(tz: string, t: number): string {
  const offset = offsetMs(tz, t);
  return `${new Date(t + offset).toISOString().slice(0, 23)}${offsetLabel(offset)}`;
}

/** Start of the local hour containing t (a UTC instant). */
export function hourStart(tz: string, t: number): number {
  const offset = offsetMs(tz, t);
  return t - ((((t + offset) % HOUR_MS) + HOUR_MS) % HOUR_MS);
}
