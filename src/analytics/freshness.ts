/** How current the rollups are for a key's stores: the watermark and the buckets still waiting. */
import type { D1Reads } from "../db/client";
import { sql } from "drizzle-orm";
import type { Principal } from "../http/auth";
import { iso } from "../orders/serialize";
import { batch, statement } from "./d1";
import { storeScope } from "./report-query";

/** One database's watermark, last run and buckets waiting for the stores. */
async function freshnessOn(d1: D1Reads, stores: Principal["stores"]) {
  const scope = storeScope(stores);
  const [state, pending] = await batch(d1, [
    statement(d1, sql`SELECT watermark, last_run_at FROM rollup_state WHERE id = 1`),
    statement(d1, sql`SELECT COUNT(*) AS n FROM rollup_dirty${scope ? sql` WHERE ${scope}` : sql``}`),
  ]);
  const s = state!.results[0] as { watermark: number; last_run_at: number | null } | undefined;
  return { watermark: s?.watermark ?? 0, lastRunAt: s?.last_run_at ?? null, pending: (pending!.results[0] as { n: number }).n };
}

/**
 * Over `shards` (src/analytics/report-shards.ts), each with its own rollup runs: the reports are as current as the
 * least current of them, so the oldest watermark and the oldest last run, and every shard's waiting buckets.
 */
export async function freshness(shards: readonly D1Reads[], stores: Principal["stores"]) {
  const each = await Promise.all(shards.map((d1) => freshnessOn(d1, stores)));
  const watermark = Math.min(...each.map((e) => e.watermark));
  const lastRuns = each.map((e) => e.lastRunAt);
  return {
    as_of: watermark > 0 ? iso(watermark) : null,
    pending_buckets: each.reduce((sum, e) => sum + e.pending, 0),
    last_run_at: lastRuns.every((t) => t !== null) ? iso(Math.min(...(lastRuns as number[]))) : null,
  };
}
