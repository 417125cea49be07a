/**
 * What reconciliation takes in, as pure rules: only platform orders we do
 * not have, or whose platform `updated_at` is newer than the state we last
 * applied. Everything else is counted as unchanged and left alone, so a
 * pull over a busy window costs one read per page, not one take-in per
 * order.
 */

/** A platform order as reconciliation sees it: its id and when the platform last changed it. */
export type SeenOrder = { externalId: string; updatedAt: number };

export function selectForTakeIn<T extends SeenOrder>(seen: readonly T[], known: ReadonlyMap<string, number>): { take: T[]; unchanged: T[] } {
  const take: T[] = [];
  const unchanged: T[] = [];
  // A page may list an order twice (it changed while we paged): the newest state is the one to take.
  const newest = new Map<string, T>();
  for (const o of seen) {
    const prev = newest.get(o.externalId);
    if (!prev || prev.updatedAt < o.updatedAt) newest.set(o.externalId, o);
  }
  for (const o of newest.values()) {
    const applied = known.get(o.externalId);
    if (applied === undefined || applied < o.updatedAt) take.push(o);
    else unchanged.push(o);
  }
  return { take, unchanged };
}

/** A few minutes of overlap: the platform's clock and its indexing lag may put a change just before the watermark. */
export const OVERLAP_MS = 5 * 60_000;

/**
 * The window of the next scheduled pull: from the watermark (less the
 * overlap) to now. A connection never pulled starts from when it was
 * connected; what came before is a backfill's job.
 */
export function scheduledWindow(a: { watermark: number | null; connectedAt: number; now: number }): { from: number; until: number } {
  const from = (a.watermark ?? a.connectedAt) - OVERLAP_MS;
  return { from: Math.min(from, a.now - 1), until: a.now };
}

/** A backfill's range: a real range, not in the future, at most a year. */
export const MAX_BACKFILL_MS = 366 * 24 * 3600_000;
export function checkBackfillRange(a: { from: number; to: number; now: number }): { field: string; message: string } | null {
  if (a.from >= a.to) return { field: "to", message: "must be after from" };
  if (a.from > a.now) return { field: "from", message: "is in the future" };
  if (a.to - a.from > MAX_BACKFILL_MS) return { field: "to", message: "a backfill covers at most 366 days; ask for several" };
  return null;
}
