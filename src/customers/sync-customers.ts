/**
 * The customers' cron (src/index.ts): on each shard, link what changed and
 * backfill a slice of older orders; then, once on the directory, recount
 * customers whose orders changed and rescore a slice of stale ones. Each step is bounded; a run that ends early leaves the
 * rest to the next. Safe to overlap with another run: every step is
 * idempotent and guarded.
 *
 * It has its own schedule, two minutes after each rollup run, rather than
 * running in the rollup's invocation: both work the one database, so a
 * customers run beside a rollup run slowed the rollup by its own length.
 * While the backfill has older orders to walk (after deploying customers,
 * or after loading orders straight into D1 as the rollup bench does), every
 * run spends its whole budget on it: about 9 statements and an HMAC per order.
 */
import { forEachShard, type Shard } from "../db/shard";
import type { Env } from "../env";
import { backfillLinks, linkChangedOrders } from "./link-orders";
import { type CustomerSyncRun, recountDirty, rescoreStale } from "./refresh-customers";

/** Like the rollups' lag: an order is linked once it is this old, so whatever stamped it has committed. */
export const CUSTOMER_LAG_MS = 60_000;
export const CUSTOMER_BUDGET_MS = 15_000;
/** Every 5 minutes at minutes 2, 7, 12, ...: between the rollup runs (minutes 0, 5, 10, ...), which take at most 20 s. */
export const CUSTOMER_CRON = "2-59/5 * * * *";

/** The sync over `shards` (the cron gives every shard in use), one after another, then the directory's recount. */
export async function syncCustomers(
  env: Env,
  shards: readonly Shard[],
  { now = Date.now(), lagMs = CUSTOMER_LAG_MS, budgetMs = CUSTOMER_BUDGET_MS } = {},
): Promise<CustomerSyncRun> {
  const deadline = Date.now() + budgetMs;
  const upTo = Math.min(now, Date.now()) - lagMs;
  const run: CustomerSyncRun = { linked: 0, backfilled: 0, recounted: 0, rescored: 0 };
  await forEachShard(
    env,
    async (onIt) => {
      // Each shard links what changed even past the deadline (at least a slice), so one busy shard cannot starve another.
      for (let n = -1, mine = 0; n !== 0 && (mine === 0 || Date.now() < deadline); mine += n) run.linked += n = await linkChangedOrders(onIt, { upTo });
      for (let n = -1; n !== 0 && Date.now() < deadline; ) run.backfilled += n = await backfillLinks(onIt);
    },
    shards,
  );
  for (let n = -1; n !== 0 && (run.recounted === 0 || Date.now() < deadline); ) run.recounted += n = await recountDirty(env, { now });
  if (Date.now() < deadline) run.rescored = await rescoreStale(env, { now });
  return run;
}
