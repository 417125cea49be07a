/**
 * The rollup cron job. One run:
 *   1. takes the lease (or does nothing: another run is working);
 *   2. applies store configuration changes (time zone, SLA) by marking the
 *      store for rebuild;
 *   3. scans orders changed since the watermark up to `now - lag`, marking
 *      the buckets they touch dirty and moving the watermark;
 *   4. recomputes dirty buckets from raw data, oldest first.
 * Steps 3 and 4 stop when the time budget is spent; the next run continues.
 * The lag covers writes that commit a little after the instant they stamp:
 * a change is scanned only once it is `lag` old, so it has committed by then.
 */
import { sql } from "drizzle-orm";
import { batch, first, statement } from "./d1";
import type { ShardEnv } from "../env";
import { randomToken } from "../lib/ids";
import { applyStoreConfigs, type StoreConfigs } from "./apply-store-config";
import { ROLLUP_TABLES } from "./folds";
import { actorRoles } from "./folds/fold";
import { acquireLease, leaseGuard, releaseLease } from "./lease";
import { markChanges, markEverything } from "./mark-changes";
import { refoldDirty } from "./refold-dirty";
import { d1 as binding, directoryD1, ON_THE_MOVE } from "../db/client";

export const ROLLUP_CRON = "*/5 * * * *";
export const ROLLUP_LAG_MS = 60_000;
/** Well inside a cron invocation's limits and far below the lease. */
export const ROLLUP_BUDGET_MS = 20_000;

export type RollupOptions = {
  /** The run's notion of now (the cron's scheduled time); never later than the clock. */
  now?: number;
  lagMs?: number;
  budgetMs?: number;
  /** Orders per scan step. */
  scanLimit?: number;
  /** Local days per unit of refold work. */
  maxDaysPerUnit?: number;
  /** Dirty buckets read at a time to plan units from. */
  pick?: number;
  /** From scratch too, scan the changes instead of marking every day (`markEverything`): the tests compare the two. */
  scanFromScratch?: boolean;
};

export type RollupRun =
  | { status: "busy" }
  | {
      status: "caught_up" | "partial";
      watermark: number;
      scanned_orders: number;
      marked_buckets: number;
      refolded_buckets: number;
      units: number;
      pending_buckets: number;
      rebuilt_stores: string[];
      duration_ms: number;
    };

async function pendingBuckets(d1: D1Database): Promise<number> {
  // A moving store's marks wait for its switch (applyStoreConfigs), those made while it is copied on its target: they
  // do not keep this database from being caught up.
  return (await first<{ n: number }>(d1, sql`SELECT COUNT(*) AS n FROM rollup_dirty WHERE store_id NOT IN (${ON_THE_MOVE})`))?.n ?? 0;
}

export async function runRollups(env: ShardEnv, options: RollupOptions = {}): Promise<RollupRun> {
  const d1 = binding(env);
  const started = Date.now();
  const deadline = started + (options.budgetMs ?? ROLLUP_BUDGET_MS);
  const upTo = Math.min(options.now ?? started, started) - (options.lagMs ?? ROLLUP_LAG_MS);
  const owner = randomToken(16);
  const lease = await acquireLease(d1, owner, started);
  if (!lease) return { status: "busy" };
  const guard = leaseGuard(owner);
  let result: RollupRun | undefined;
  try {
    let { configs, rebuilt, moving, copying } = await applyStoreConfigs(d1, guard, started);
    let watermark = lease.watermark;
    let scanned = 0;
    let marked = 0;
    let retried = false;
    // From scratch every bucket is dirty: mark them all at once (markEverything) instead of scanning, unless there
    // are too many marks for one batch (null: scan after all).
    let markAll = watermark === 0 && !options.scanFromScratch;
    // At least one scan step per run, however little budget is left: every run makes progress.
    for (let step = 0; watermark < upTo && (step === 0 || Date.now() < deadline); step++) {
      const all = markAll ? await markEverything(d1, configs, { to: upTo, guard, now: started, moving }) : null;
      markAll &&= all !== null;
      const r = all ?? (await markChanges(d1, configs, { from: watermark, to: upTo, limit: options.scanLimit ?? 5000, guard, now: started, moving }));
      if (r.unknownStores.length) {
        if (retried) break;
        retried = true;
        ({ configs, moving, copying } = await applyStoreConfigs(d1, guard, started));
        continue;
      }
      watermark = r.watermark;
      scanned += r.orders;
      marked += r.buckets;
    }
    const roles = await actorRoles(directoryD1(env));
    // A store being copied is marked above but not refolded: its rollup rows stay as the copy finds them.
    const refoldable: StoreConfigs = new Map([...configs].filter(([id]) => !copying.has(id)));
    const refolded = await refoldDirty(d1, refoldable, { guard, roles, deadline, maxDays: options.maxDaysPerUnit ?? 7, pick: options.pick });
    const pending = await pendingBuckets(d1);
    result = {
      status: watermark >= upTo && pending === 0 ? "caught_up" : "partial",
      watermark,
      scanned_orders: scanned,
      marked_buckets: marked,
      refolded_buckets: refolded.buckets,
      units: refolded.units,
      pending_buckets: pending,
      rebuilt_stores: rebuilt,
      duration_ms: Date.now() - started,
    };
    return result;
  } finally {
    await releaseLease(d1, owner, { now: Date.now(), lastRun: result ?? { status: "failed", duration_ms: Date.now() - started } });
  }
}

/**
 * Drops every rollup row and rewinds the watermark: the following runs
 * recompute everything from raw data. Refused (false) while a run holds the lease.
 * A store on the move keeps its rows and marks: one being copied is marked
 * again from its first day by the next run, and its target refolds those marks;
 * one frozen here or arriving is refolded by its target from the freeze only.
 */
export async function rebuildRollups(env: ShardEnv): Promise<boolean> {
  const d1 = binding(env);
  const owner = randomToken(16);
  if (!(await acquireLease(d1, owner, Date.now()))) return false;
  const guard = leaseGuard(owner);
  const tables = [...ROLLUP_TABLES, "rollup_dirty", "rollup_stores"];
  await batch(d1, [
    ...tables.map((t) => statement(d1, sql`DELETE FROM ${sql.identifier(t)} WHERE ${guard} AND store_id NOT IN (${ON_THE_MOVE})`)),
    statement(d1, sql`UPDATE rollup_state SET watermark = 0 WHERE id = 1 AND ${guard}`),
  ]);
  await releaseLease(d1, owner, { now: Date.now(), lastRun: { status: "rebuild_requested" } });
  return true;
}
