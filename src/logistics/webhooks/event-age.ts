/**
 * How old a partner's tracking event may be. EasyPost, AfterShip and
 * Shippo's token scheme sign the body but no timestamp, so a captured
 * request verifies forever; and a parcel's news from months ago changes
 * nothing a customer should hear about now. An event whose own time
 * (`occurredAt`) is older than the limit is acknowledged (2xx, so the partner
 * stops retrying: a retry would be just as old) and neither stored nor applied.
 *
 * The limit is the `TRACKING_EVENT_MAX_AGE_DAYS` var (a whole number of days,
 * default 30): longer than any partner's retry tail (AfterShip's is under
 * six days) plus an outage of ours, shorter than any replay worth fearing.
 */
export const DEFAULT_MAX_AGE_DAYS = 30;
const DAY_MS = 86_400_000;

/** The configured limit in days; a missing or unreadable value is the default (and says so in the log). */
export function maxEventAgeDays(configured: string | undefined): number {
  if (configured === undefined || configured.trim() === "") return DEFAULT_MAX_AGE_DAYS;
  const days = Number(configured);
  if (Number.isInteger(days) && days >= 1) return days;
  console.warn(`TRACKING_EVENT_MAX_AGE_DAYS=${JSON.stringify(configured)} is not a whole number of days >= 1; using ${DEFAULT_MAX_AGE_DAYS}`);
  return DEFAULT_MAX_AGE_DAYS;
}

/** Null when the event is recent enough; else why it is not taken. Pure. */
export function staleEvent({ occurredAt, now, maxAgeDays }: { occurredAt: number; now: number; maxAgeDays: number }): string | null {
  if (now - occurredAt <= maxAgeDays * DAY_MS) return null;
  return `event_too_old: it happened ${new Date(occurredAt).toISOString()}, more than ${maxAgeDays} days ago; not stored`;
}
