/**
 * The change scan: finds the orders changed since the watermark and marks
 * the (store, local day) buckets their changes touch as dirty, then moves
 * the watermark, in one batch. A changed order touches the day it was
 * received (facts bucketed by intake) and the days of its new events (every
 * state change writes its event and bumps orders.updated_at in one batch,
 * both stamped with the same instant), plus what each fold's own change
 * source (`changedSlots`: floor work, audits, tracking) names.
 *
 * Work per call is bounded: at most about `limit` orders, cut at an
 * updated_at boundary so no order with that timestamp is left behind.
 */
import { sql, type SQL } from "drizzle-orm";
import { batch, statement } from "./d1";
import type { StoreConfigs } from "./apply-store-config";
import { FOLDS } from "./folds";
import { insertJsonRows, SLOT_MS } from "./folds/fold";
import { daysBetween, localDay } from "./time-zones";

export type MarkResult = { watermark: number; orders: number; buckets: number; unknownStores: string[] };

/** Pure: (store, slot) pairs to the (store, day) buckets they fall in. Both ends of a slot are checked, to be safe for odd offsets. */
export function bucketsOf(slots: readonly { store_id: string; slot: number }[], configs: StoreConfigs, moving: ReadonlySet<string> = new Set()) {
  const buckets = new Map<string, [string, string]>();
  const unknown = new Set<string>();
  for (const { store_id, slot } of slots) {
    // A store on the move: the switch marks its days on the database it goes to.
    if (moving.has(store_id)) continue;
    const config = configs.get(store_id);
    if (!config) {
      unknown.add(store_id);
      continue;
    }
    for (const t of [slot * SLOT_MS, slot * SLOT_MS + SLOT_MS - 1]) {
      const day = localDay(config.timezone, t);
      buckets.set(`${store_id}\n${day}`, [store_id, day]);
    }
  }
  return { buckets: [...buckets.values()], unknownStores: [...unknown] };
}

export async function markChanges(
  d1: D1Database,
  configs: StoreConfigs,
  { from, to, limit, guard, now, moving }: { from: number; to: number; limit: number; guard: SQL; now: number; moving?: ReadonlySet<string> },
): Promise<MarkResult> {
  const boundary = await statement(
    d1,
    sql`
    SELECT updated_at FROM orders WHERE updated_at > ${from} AND updated_at <= ${to}
    ORDER BY updated_at LIMIT 1 OFFSET ${limit}`,
  ).first<{ updated_at: number }>();
  const upTo = boundary?.updated_at ?? to;
  // Each source is its own statement: D1 caps the terms of one compound SELECT.
  const sources = FOLDS.flatMap((f) => (f.changedSlots ? [statement(d1, f.changedSlots(from, upTo))] : []));
  const [counted, found, ...more] = await batch(d1, [
    statement(d1, sql`SELECT COUNT(*) AS n FROM orders WHERE updated_at > ${from} AND updated_at <= ${upTo}`),
    statement(
      d1,
      sql`
      SELECT o.store_id AS store_id, o.created_at / ${SLOT_MS} AS slot
      FROM orders o WHERE o.updated_at > ${from} AND o.updated_at <= ${upTo}
      UNION
      SELECT o.store_id, e.created_at / ${SLOT_MS}
      FROM orders o JOIN order_events e ON e.order_id = o.id
      WHERE o.updated_at > ${from} AND o.updated_at <= ${upTo} AND e.created_at > ${from}`,
    ),
    ...sources,
  ]);
  const slots = [found!, ...more].flatMap((r) => r.results as { store_id: string; slot: number }[]);
  const { buckets, unknownStores } = bucketsOf(slots, configs, moving);
  // A store created after this run read the configurations: leave the watermark for the next run.
  if (unknownStores.length) return { watermark: from, orders: 0, buckets: 0, unknownStores };
  await batch(d1, [
    ...insertJsonRows(
      d1,
      "rollup_dirty",
      ["store_id", "day", "marked_at"],
      buckets.map(([s, d]) => [s, d, now]),
      guard,
      {
        orIgnore: true,
      },
    ),
    statement(d1, sql`UPDATE rollup_state SET watermark = max(watermark, ${upTo}) WHERE id = 1 AND ${guard}`),
  ]);
  return { watermark: upTo, orders: (counted!.results[0] as { n: number }).n, buckets: buckets.length, unknownStores };
}

/** At most this many (store, day) marks in one run from scratch; past it the run scans as any other. */
export const MARK_EVERYTHING_MAX = 200_000;

/**
 * A run from scratch (watermark 0: the first run, or after a rebuild) has every fact to fold, and scanning which
 * buckets changed (every order, its events, every fold's sources) only to mark them all was a third of a full
 * rebuild's database time. Instead: every day of every store, from the earliest instant any source holds (the
 * orders, their events, each fold's `earliestAt`, all on indexes) to the day of `to`, is marked dirty and the
 * watermark moves to `to`, in one batch. A day without facts refolds to nothing. Null when that would be more
 * than `max` marks: the caller scans instead.
 */
export async function markEverything(
  d1: D1Database,
  configs: StoreConfigs,
  { to, guard, now, max = MARK_EVERYTHING_MAX, moving = new Set() }: { to: number; guard: SQL; now: number; max?: number; moving?: ReadonlySet<string> },
): Promise<MarkResult | null> {
  const sources = [sql`SELECT MIN(created_at) AS t FROM orders`, sql`SELECT MIN(created_at) AS t FROM order_events`, ...FOLDS.flatMap((f) => (f.earliestAt ? [f.earliestAt] : []))];
  const [counted, stores, ...found] = await batch(d1, [
    statement(d1, sql`SELECT COUNT(*) AS n FROM orders WHERE updated_at <= ${to}`),
    statement(d1, sql`SELECT id FROM stores`),
    ...sources.map((q) => statement(d1, q)),
  ]);
  // A store created after this run read the configurations: the caller reads them again, as for the scan.
  const unknownStores = (stores!.results as { id: string }[]).map((s) => s.id).filter((id) => !configs.has(id) && !moving.has(id));
  if (unknownStores.length) return { watermark: 0, orders: 0, buckets: 0, unknownStores };
  const times = found.map((r) => (r.results[0] as { t: number | null } | undefined)?.t).filter((t): t is number => typeof t === "number" && t <= to);
  const spans = times.length ? [...configs].map(([store, c]) => [store, localDay(c.timezone, Math.min(...times)), localDay(c.timezone, to)] as const) : [];
  const buckets = spans.reduce((n, [, first, last]) => n + daysBetween(first, last) + 1, 0);
  if (buckets > max) return null;
  const marks: D1PreparedStatement[] = [];
  for (let i = 0; i < spans.length; i += 200) {
    const part = JSON.stringify(spans.slice(i, i + 200));
    marks.push(
      statement(
        d1,
        sql`WITH RECURSIVE days(store_id, day, last) AS (
          SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(${part})
          UNION ALL SELECT store_id, date(day, '+1 day'), last FROM days WHERE day < last)
        INSERT OR IGNORE INTO rollup_dirty (store_id, day, marked_at) SELECT store_id, day, ${now} FROM days WHERE ${guard}`,
      ),
    );
  }
  await batch(d1, [...marks, statement(d1, sql`UPDATE rollup_state SET watermark = max(watermark, ${to}) WHERE id = 1 AND ${guard}`)]);
  return { watermark: to, orders: (counted!.results[0] as { n: number }).n, buckets, unknownStores: [] };
}
