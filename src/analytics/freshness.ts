/** How current the rollups are for a key's stores: the watermark and the buckets still waiting. */
import type { D1Reads } from "../db/client";
import { sql } from "drizzle-orm";
import type { Principal } from "../http/auth";
import { iso } from "../orders/serialize";
import { batch, statement } from "./d1";
import { storeScope } from "./report-query";

export async function freshness(d1: D1Reads, stores: Principal["stores"]) {
  const scope = storeScope(stores);
  const [state, pending] = await batch(d1, [
    statement(d1, sql`SELECT watermark, last_run_at FROM rollup_state WHERE id = 1`),
    statement(d1, sql`SELECT COUNT(*) AS n FROM rollup_dirty${scope ? sql` WHERE ${scope}` : sql``}`),
  ]);
  const s = state!.results[0] as { watermark: number; last_run_at: number | null } | undefined;
  return {
    as_of: s && s.watermark > 0 ? iso(s.watermark) : null,
    pending_buckets: (pending!.results[0] as { n: number }).n,
    last_run_at: s?.last_run_at ? iso(s.last_run_at) : null,
  };
}
