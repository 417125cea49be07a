/**
 * The order list's filters: what the console's address bar says (days in the
 * store's time zone, amounts as typed) turned into GET /v1/orders' query.
 * Pure, so the time-zone arithmetic is unit-tested.
 */

/** The console's filter fields, as they appear in /console/orders?... and in saved views. */
export const FILTER_KEYS = ["q", "status", "store_id", "channel", "from", "to", "total_min", "total_max", "sku", "customer", "reason"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export function filtersOf(params: URLSearchParams): Filters {
  const out: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k)?.trim();
    if (v) out[k] = v.slice(0, 254);
  }
  return out;
}

/** The filters as a query string (stable order): the saved view's `query` and the pager's links. */
export function filterQuery(f: Filters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k]) p.set(k, f[k]!);
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  return p.toString();
}

/** The UTC offset (ms) of a time zone at an instant. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - (ms - (ms % 1000));
}

/** The instant a store's calendar day begins ("2026-03-08" in America/New_York -> 05:00Z), or null for a bad day. */
export function dayStart(day: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 10) !== day) return null;
  // Guess with the offset at the wall time read as UTC, then correct once for a DST change in between.
  let at = wall - offsetAt(wall, timeZone);
  at = wall - offsetAt(at, timeZone);
  return new Date(at);
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export type ApiListQuery = Record<string, string | undefined>;

/**
 * GET /v1/orders' query for these filters. `to` is inclusive for a person ("to the 3rd") and the API's
 * `created_to` is exclusive, so it becomes the start of the next day. A day that is not a date is a problem.
 */
export function listQueryOf(f: Filters, timeZone: string): { ok: true; query: ApiListQuery } | { ok: false; field: "from" | "to" } {
  const from = f.from ? dayStart(f.from, timeZone) : undefined;
  if (from === null) return { ok: false, field: "from" };
  const to = f.to ? (dayStart(f.to, timeZone) ? dayStart(nextDay(f.to), timeZone) : null) : undefined;
  if (to === null) return { ok: false, field: "to" };
  return {
    ok: true,
    query: {
      q: f.q,
      status: f.status,
      store_id: f.store_id,
      channel: f.channel,
      created_from: from?.toISOString(),
      created_to: to?.toISOString(),
      total_min: f.total_min,
      total_max: f.total_max,
      sku: f.sku,
      customer: f.customer,
      reason: f.reason,
    },
  };
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
