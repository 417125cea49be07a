// A small 5-field cron matcher for the schedules in wrangler.toml, so that
// `npm start` can fire cron triggers locally (wrangler dev does not).
// Pure: no I/O, no clock; times are matched in UTC, as Cloudflare runs crons.
//
// Fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or JAN-DEC)
// day-of-week (1-7 or SUN-SAT, 1 = Sunday, as Cloudflare's Quartz-style crons).
// Each field is `*`, `?` (same as `*`), a number or name, a range `a-b`, a step
// `*/n`, `a-b/n` or `a/n`, or a comma list of those. Quartz extensions (L, W, #)
// are refused: wrangler.toml does not use them and guessing would fire wrongly.
// As in Vixie cron, when both day-of-month and day-of-week are restricted, a
// day matches if either does.

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, base: 1 },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, base: 1 },
];

export class CronError extends Error {}

function value(text, field, expr) {
  const upper = text.toUpperCase();
  if (field.names?.includes(upper)) return field.names.indexOf(upper) + field.base;
  if (!/^\d+$/.test(text)) {
    throw new CronError(`cron "${expr}": ${field.name} "${text}" is not a number${field.names ? " or name" : ""}`);
  }
  const n = Number(text);
  if (n < field.min || n > field.max) {
    throw new CronError(`cron "${expr}": ${field.name} ${n} is outside ${field.min}-${field.max}`);
  }
  return n;
}

function parseField(text, field, expr) {
  const allowed = new Set();
  for (const part of text.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(`cron "${expr}": cannot read ${field.name} "${part}"`);
    const [, range, stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new CronError(`cron "${expr}": ${field.name} step must be at least 1`);
    let lo;
    let hi;
    if (range === "*" || range === "?") {
      [lo, hi] = [field.min, field.max];
    } else if (range.includes("-")) {
      const bounds = range.split("-");
      if (bounds.length !== 2) throw new CronError(`cron "${expr}": cannot read ${field.name} range "${range}"`);
      lo = value(bounds[0], field, expr);
      hi = value(bounds[1], field, expr);
      if (lo > hi) throw new CronError(`cron "${expr}": ${field.name} range "${range}" runs backwards`);
    } else {
      lo = value(range, field, expr);
      // `a/n` means from a to the end in steps of n; a bare `a` is just a.
      hi = stepText === undefined ? lo : field.max;
    }
    for (let v = lo; v <= hi; v += step) allowed.add(v);
  }
  return { allowed, any: text === "*" || text === "?" };
}

/** Parses a 5-field expression; throws CronError naming what is wrong. */
export function parseCron(expr) {
  const parts = String(expr).trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`cron "${expr}": expected 5 fields, got ${parts.length}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((p, i) => parseField(p, FIELDS[i], expr));
  return { expr, minute, hour, dayOfMonth, month, dayOfWeek };
}

/** Whether the schedule fires in the minute that contains `date` (UTC). */
export function cronMatches(cron, date) {
  const c = typeof cron === "string" ? parseCron(cron) : cron;
  const d = date instanceof Date ? date : new Date(date);
  if (!c.minute.allowed.has(d.getUTCMinutes())) return false;
  if (!c.hour.allowed.has(d.getUTCHours())) return false;
  if (!c.month.allowed.has(d.getUTCMonth() + 1)) return false;
  const dom = c.dayOfMonth.allowed.has(d.getUTCDate());
  const dow = c.dayOfWeek.allowed.has(d.getUTCDay() + 1);
  if (c.dayOfMonth.any && c.dayOfWeek.any) return true;
  if (c.dayOfMonth.any) return dow;
  if (c.dayOfWeek.any) return dom;
  return dom || dow;
}

/** The expressions of `crons = [...]` in a wrangler.toml (top-level [triggers] only). */
export function readCrons(tomlText) {
  let table = "";
  let collecting = null;
  const found = [];
  for (const raw of tomlText.split(/\r?\n/)) {
    const line = stripComment(raw);
    if (collecting !== null) {
      collecting += ` ${line}`;
      if (line.includes("]")) {
        found.push(...strings(collecting));
        collecting = null;
      }
      continue;
    }
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*$/.exec(line);
    if (header) {
      table = header[1];
      continue;
    }
    const m = /^\s*crons\s*=\s*(\[.*)$/.exec(line);
    if (!m) continue;
    if (table !== "triggers") continue;
    if (m[1].includes("]")) found.push(...strings(m[1]));
    else collecting = m[1];
  }
  return found;
}

function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === "#") {
      return line.slice(0, i);
    }
  }
  return line;
}

function strings(text) {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]);
}

/** Milliseconds from `now` to the start of the next UTC minute. */
export function msToNextMinute(now) {
  return 60_000 - (now % 60_000);
}
