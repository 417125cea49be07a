/**
 * The dashboard's period and its comparison: a range of the store's local
 * days and the range of the same length just before it, and how a figure
 * moved between the two. Pure, so the rules are unit-tested.
 */
import { addDays, daysBetween, isDay } from "../../analytics/time-zones";

export const PERIODS = ["today", "7d", "30d", "custom"] as const;
export type PeriodKind = (typeof PERIODS)[number];

/** The API's limit for one report request. */
const MAX_DAYS = 366;

export type Range = { from: string; to: string };
export type Period = Range & { kind: PeriodKind; days: number; previous: Range };
export type PeriodRefusal = "bad_dates" | "from_after_to" | "too_long";

/** From the picker's fields; `today` is the local day of the store the page is about. */
export function resolvePeriod(input: { period?: string; from?: string; to?: string }, today: string): { ok: true; period: Period } | { ok: false; refusal: PeriodRefusal } {
  const kind: PeriodKind = (PERIODS as readonly string[]).includes(input.period ?? "") ? (input.period as PeriodKind) : input.from || input.to ? "custom" : "7d";
  let from: string;
  let to: string;
  if (kind === "custom") {
    if (!input.from || !input.to || !isDay(input.from) || !isDay(input.to)) return { ok: false, refusal: "bad_dates" };
    ({ from, to } = input as Range);
    if (daysBetween(from, to) < 0) return { ok: false, refusal: "from_after_to" };
    if (daysBetween(from, to) >= MAX_DAYS) return { ok: false, refusal: "too_long" };
  } else {
    to = today;
    from = addDays(today, kind === "today" ? 0 : kind === "7d" ? -6 : -29);
  }
  const days = daysBetween(from, to) + 1;
  const previousTo = addDays(from, -1);
  return { ok: true, period: { kind, from, to, days, previous: { from: addDays(previousTo, -(days - 1)), to: previousTo } } };
}

export type Change = { direction: "up" | "down" | "same"; delta: number /** null when the previous value was 0 */; pct: number | null };

/** How a figure moved from the previous period; money deltas keep three decimals (every ISO 4217 minor unit). */
export function change(current: number, previous: number): Change {
  const delta = Math.round((current - previous) * 1000) / 1000;
  const direction = delta > 0 ? "up" : delta < 0 ? "down" : "same";
  return { direction, delta: Math.abs(delta), pct: previous === 0 ? null : Math.abs(delta / previous) };
}
