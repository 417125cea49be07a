/**
 * The customers' figures and RFM segments, kept by the rollups
 * (src/analytics/run-rollups.ts) without scanning every customer each run:
 *   - customers whose orders changed (`dirty` > 0) are recounted from their
 *     links, which carry each order's facts (./link-orders.ts): all on the
 *     directory, whichever shards the orders are on;
 *   - recency moves with the calendar, so the customers recomputed longest
 *     ago (over a day) are rescored a slice at a time from their stored
 *     figures; every customer is rescored about daily whatever happens.
 * A recount clears `dirty` only if no change came after it read it, so a
 * change that lands mid-run is counted by the next run, never lost.
 */
import { sql } from "drizzle-orm";
import { all, batch, statement } from "../analytics/d1";
import { type DirectoryEnv, directoryD1 } from "../db/client";
import { customerStats, type OrderFacts } from "./customer-rules";
import { rfmOf } from "./rfm";

export const REFRESH_BATCH = 100;
const DAY_MS = 86_400_000;

type Figures = { id: string; status: string; mainCurrency: string | null; mainSpent: number; ordersCount: number; lastOrderAt: number | null };

/** The statements that store each customer's RFM, ranked against the others of its main currency as they stand. */
async function rescore(d1: D1Database, rows: readonly (Figures & { set: ReturnType<typeof sql>; guard: ReturnType<typeof sql> })[], now: number) {
  const ranks = await batch(
    d1,
    rows.map((r) =>
      statement(
        d1,
        sql`SELECT (SELECT COUNT(*) FROM customers WHERE status = 'active' AND main_currency = ${r.mainCurrency} AND main_spent < ${r.mainSpent}) AS below,
                   (SELECT COUNT(*) FROM customers WHERE status = 'active' AND main_currency = ${r.mainCurrency}) AS total`,
      ),
    ),
  );
  await batch(
    d1,
    rows.map((r, i) => {
      const rank = (ranks[i]!.results[0] ?? { below: 0, total: 0 }) as { below: number; total: number };
      // Only active customers have a segment: a merged one's orders are someone else's, an erased one is not marketed to.
      const rfm = r.status === "active" ? rfmOf({ lastOrderAt: r.lastOrderAt, orders: r.ordersCount, below: rank.below, total: Math.max(rank.total, 1) }, now) : null;
      return statement(
        d1,
        sql`UPDATE customers SET ${r.set}, rfm_recency = ${rfm?.recency ?? null}, rfm_frequency = ${rfm?.frequency ?? null}, rfm_monetary = ${rfm?.monetary ?? null},
              rfm_segment = ${rfm?.segment ?? null}, computed_at = ${now} WHERE id = ${r.id} AND ${r.guard}`,
      );
    }),
  );
}

/** Recounts customers whose orders changed; returns how many. */
export async function recountDirty(env: DirectoryEnv, { now = Date.now(), limit = REFRESH_BATCH }: { now?: number; limit?: number } = {}): Promise<number> {
  const d1 = directoryD1(env);
  const dirty = await all<{ id: string; status: string; dirty: number }>(d1, sql`SELECT id, status, dirty FROM customers WHERE dirty > 0 LIMIT ${limit}`);
  if (!dirty.length) return 0;
  const ids = dirty.map((d) => d.id);
  const facts = await all<{ customer_id: string; status: string; payment_status: string; currency: string; total_amount: number; created_at: number }>(
    d1,
    sql`SELECT customer_id, order_status AS status, payment_status, currency, total_amount, order_created_at AS created_at FROM customer_links
        WHERE customer_id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  );
  const byCustomer = new Map<string, OrderFacts[]>();
  for (const f of facts) {
    const list = byCustomer.get(f.customer_id) ?? [];
    list.push({ status: f.status, paymentStatus: f.payment_status, currency: f.currency, totalAmount: f.total_amount, createdAt: f.created_at });
    byCustomer.set(f.customer_id, list);
  }
  const rows = dirty.map((d) => {
    const s = customerStats(byCustomer.get(d.id) ?? []);
    return {
      id: d.id,
      status: d.status,
      mainCurrency: s.mainCurrency,
      mainSpent: s.mainSpent,
      ordersCount: s.ordersCount,
      lastOrderAt: s.lastOrderAt,
      set: sql`orders_count = ${s.ordersCount}, spent = ${JSON.stringify(s.spent)}, first_order_at = ${s.firstOrderAt}, last_order_at = ${s.lastOrderAt},
               main_currency = ${s.mainCurrency}, main_spent = ${s.mainSpent}, dirty = dirty - ${d.dirty}`,
      guard: sql`dirty >= ${d.dirty}`,
    };
  });
  await rescore(d1, rows, now);
  return rows.length;
}

/** Rescores the active customers scored longest ago (more than a day): recency changes with the date alone. */
export async function rescoreStale(env: DirectoryEnv, { now = Date.now(), limit = REFRESH_BATCH }: { now?: number; limit?: number } = {}): Promise<number> {
  const d1 = directoryD1(env);
  const stale = await all<{
    id: string;
    status: string;
    main_currency: string | null;
    main_spent: number;
    orders_count: number;
    last_order_at: number | null;
    computed_at: number | null;
  }>(
    d1,
    sql`SELECT id, status, main_currency, main_spent, orders_count, last_order_at, computed_at FROM customers
        WHERE status = 'active' AND dirty = 0 AND computed_at < ${now - DAY_MS} ORDER BY computed_at LIMIT ${limit}`,
  );
  await rescore(
    d1,
    stale.map((s) => ({
      id: s.id,
      status: s.status,
      mainCurrency: s.main_currency,
      mainSpent: s.main_spent,
      ordersCount: s.orders_count,
      lastOrderAt: s.last_order_at,
      set: sql`computed_at = computed_at`,
      guard: sql`computed_at IS ${s.computed_at} AND dirty = 0`,
    })),
    now,
  );
  return stale.length;
}

export type CustomerSyncRun = { linked: number; backfilled: number; recounted: number; rescored: number };
