/**
 * Reconciliation: platforms drop webhooks, so each active connection's
 * changed orders are pulled through the platform's REST API, and only what
 * is missing or stale is taken in (the same take-in a webhook uses).
 *
 * A run is a window of platform `updated_at` times ([from, until)) worked
 * page by page. After every page its cursor and counts are saved, so a run
 * cut short (the step's page budget spent, the Worker stopped, the platform
 * rate-limiting or down) continues where it stopped at the next step,
 * never from the start. A rate limit parks the run until the platform's
 * Retry-After; an outage parks it a minute; a refusal (revoked credentials)
 * fails it and the next scheduled run starts over from the same watermark.
 *
 * Scheduled runs pull from the connection's watermark (less an overlap) to
 * now; when one completes, the watermark moves to its end. Backfills pull a
 * range someone asked for, and move no watermark.
 *
 * Invariant: one worker at a time per run (a lease, taken by a guarded
 * update), so a cron tick and a queue delivery never pull the same pages.
 */
import { and, desc, eq, inArray, isNull, lte, lt, or, sql } from "drizzle-orm";
import { chunk, database, notMoving } from "../db/client";
import { channelConnections, channelOrders, channelSyncRuns, channelSyncState, type SyncRunError } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { loadConnection } from "./connections";
import { adapterFor } from "./platforms";
import type { Http, PlatformAdapter, PlatformConnection, PlatformOrder } from "./platforms/platform";
import { type SeenOrder, scheduledWindow, selectForTakeIn } from "./reconcile-select";
import { type TakeInResult, type TakeInSource, takeInPlatformOrder } from "./take-in";

export type SyncRunRow = typeof channelSyncRuns.$inferSelect;
export type TakeIn = (env: ShardEnv, connection: PlatformConnection, order: PlatformOrder, options: { source: TakeInSource; deliveryId: string | null }) => Promise<TakeInResult>;
/** A platform order's id and last change; the adapter's mapping by default. */
export type Identify = (adapter: PlatformAdapter, order: PlatformOrder) => SeenOrder;

export type ReconcileOptions = {
  now?: number;
  /** The take-in (injectable so selection, paging and resuming are tested on their own). */
  takeIn?: TakeIn;
  identify?: Identify;
  http?: Http;
  /** Pages one step of one run may pull. */
  pagesPerStep?: number;
};

const PAGES_PER_STEP = 10;
/** Wall time one step may take before it saves and leaves the rest to the next: a cron invocation works several runs. */
const STEP_BUDGET_MS = 60_000;
/** Wall time a cron tick spends on runs in all. */
const TICK_BUDGET_MS = 4 * 60_000;
/** Runs a cron tick works at most: the rest wait for the next tick. */
const RUNS_PER_TICK = 20;
const LEASE_MS = 5 * 60_000;
const OUTAGE_PAUSE_MS = 60_000;
const ERROR_LOG_MAX = 20;
const HTTP_TIMEOUT_MS = 15_000;

export const platformHttp: Http = (request) => fetch(request, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });

const identifyByMapping: Identify = (adapter, order) => {
  const m = adapter.map(order);
  return { externalId: m.externalId, updatedAt: m.updatedAt };
};

const OPEN = ["queued", "running", "waiting"] as const;

/** A run, not yet started: worked from the queue (backfill) or by the next cron tick (scheduled). */
export function newRun(a: {
  connection: { id: string; storeId: string };
  kind: SyncRunRow["kind"];
  from: number;
  until: number;
  now: number;
  requestedBy: string | null;
}): SyncRunRow {
  return {
    id: newId("syn", a.now),
    connectionId: a.connection.id,
    storeId: a.connection.storeId,
    kind: a.kind,
    status: "queued",
    windowFrom: a.from,
    windowUntil: a.until,
    cursor: null,
    resumeAt: null,
    leaseUntil: null,
    pages: 0,
    seen: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    errors: 0,
    errorLog: [],
    requestedBy: a.requestedBy,
    createdAt: a.now,
    startedAt: null,
    finishedAt: null,
    updatedAt: a.now,
  };
}

/** Opens a scheduled run for each active connection that has none open. */
async function openScheduledRuns(env: ShardEnv, now: number): Promise<void> {
  const db = database(env);
  const rows = await db
    .select({
      id: channelConnections.id,
      storeId: channelConnections.storeId,
      platform: channelConnections.platform,
      createdAt: channelConnections.createdAt,
      watermark: channelSyncState.watermark,
    })
    .from(channelConnections)
    .leftJoin(channelSyncState, eq(channelSyncState.connectionId, channelConnections.id))
    .where(
      and(
        eq(channelConnections.status, "active"),
        notMoving(channelConnections.storeId),
        sql`NOT EXISTS (SELECT 1 FROM ${channelSyncRuns} r WHERE r.connection_id = ${channelConnections.id} AND r.kind = 'scheduled' AND r.status IN ('queued', 'running', 'waiting'))`,
      ),
    )
    .all();
  const runs = rows
    .filter((r) => adapterFor(r.platform))
    .map((r) => {
      const w = scheduledWindow({ watermark: r.watermark, connectedAt: r.createdAt, now });
      return newRun({ connection: r, kind: "scheduled", from: w.from, until: w.until, now, requestedBy: null });
    });
  // 24 columns a row: 4 rows keep a statement under D1's 100 bound parameters.
  for (const part of chunk(runs, 4)) await db.insert(channelSyncRuns).values(part);
}

/** The cron: opens scheduled runs where due, then works every run that may go on (scheduled and backfills), a bounded number per tick. */
export async function reconcileChannels(env: ShardEnv, options: ReconcileOptions = {}): Promise<SyncRunRow[]> {
  const now = options.now ?? Date.now();
  await openScheduledRuns(env, now);
  const due = await database(env)
    .select({ id: channelSyncRuns.id })
    .from(channelSyncRuns)
    .where(and(inArray(channelSyncRuns.status, [...OPEN]), or(isNull(channelSyncRuns.resumeAt), lte(channelSyncRuns.resumeAt, now)), notMoving(channelSyncRuns.storeId)))
    .orderBy(channelSyncRuns.id)
    .limit(RUNS_PER_TICK)
    .all();
  const out: SyncRunRow[] = [];
  const started = Date.now();
  for (const { id } of due) {
    if (Date.now() - started > TICK_BUDGET_MS) break;
    const r = await workRun(env, id, { ...options, now });
    if (r) out.push(r);
  }
  return out;
}

/** Takes the run's lease if it may go on now; null when another worker holds it, it is parked, or it is over. */
async function claim(env: ShardEnv, runId: string, now: number): Promise<SyncRunRow | null> {
  const [row] = await database(env)
    .update(channelSyncRuns)
    .set({ status: "running", leaseUntil: now + LEASE_MS, resumeAt: null, startedAt: sql`COALESCE(${channelSyncRuns.startedAt}, ${now})`, updatedAt: now })
    .where(
      and(
        eq(channelSyncRuns.id, runId),
        inArray(channelSyncRuns.status, [...OPEN]),
        or(isNull(channelSyncRuns.resumeAt), lte(channelSyncRuns.resumeAt, now)),
        or(isNull(channelSyncRuns.leaseUntil), lt(channelSyncRuns.leaseUntil, now)),
      ),
    )
    .returning();
  return row ?? null;
}

type Counts = Pick<SyncRunRow, "pages" | "seen" | "created" | "updated" | "unchanged" | "skipped" | "errors" | "errorLog">;

const COUNTED: Record<Exclude<TakeInResult["outcome"], "failed">, keyof Pick<Counts, "created" | "updated" | "unchanged" | "skipped">> = {
  created: "created",
  updated: "updated",
  cancelled: "updated",
  unchanged: "unchanged",
  stale: "unchanged",
  skipped: "skipped",
};

function logError(c: Counts, e: SyncRunError): void {
  c.errors += 1;
  if (c.errorLog.length < ERROR_LOG_MAX) c.errorLog = [...c.errorLog, { ...e, message: e.message.slice(0, 300) }];
}

/** What we applied of each of these platform orders (their platform `updated_at`), in reads of 90 ids. */
async function appliedStates(env: ShardEnv, connectionId: string, ids: string[]): Promise<Map<string, number>> {
  const known = new Map<string, number>();
  for (const part of chunk([...new Set(ids)], 90)) {
    const rows = await database(env)
      .select({ externalId: channelOrders.externalId, at: channelOrders.platformUpdatedAt })
      .from(channelOrders)
      .where(and(eq(channelOrders.connectionId, connectionId), inArray(channelOrders.externalId, part)))
      .all();
    for (const r of rows) known.set(r.externalId, r.at);
  }
  return known;
}

/** One page's orders: identified, selected, and the missing or stale ones taken in. */
async function takePage(
  env: ShardEnv,
  a: { adapter: PlatformAdapter; connection: PlatformConnection; orders: PlatformOrder[]; source: TakeInSource; counts: Counts; options: ReconcileOptions; now: number },
) {
  const { counts: c, now } = a;
  const identify = a.options.identify ?? identifyByMapping;
  const takeIn = a.options.takeIn ?? takeInPlatformOrder;
  const seen: (SeenOrder & { order: PlatformOrder })[] = [];
  for (const order of a.orders) {
    c.seen += 1;
    try {
      seen.push({ ...identify(a.adapter, order), order });
    } catch (err) {
      logError(c, { at: now, externalId: null, message: `unreadable order: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const { take, unchanged } = selectForTakeIn(
    seen,
    await appliedStates(
      env,
      a.connection.id,
      seen.map((s) => s.externalId),
    ),
  );
  // An order listed twice on the page counts once.
  c.seen -= seen.length - take.length - unchanged.length;
  c.unchanged += unchanged.length;
  for (const o of take) {
    try {
      const r = await takeIn(env, a.connection, o.order, { source: a.source, deliveryId: null });
      // An order that cannot become ours as it is (no address, an amount the currency cannot hold) is an error of the run, with the reason.
      if (r.outcome === "failed") logError(c, { at: now, externalId: o.externalId, message: r.detail ?? "the platform's order cannot be taken in" });
      else c[COUNTED[r.outcome]] += 1;
    } catch (err) {
      logError(c, { at: now, externalId: o.externalId, message: err instanceof Error ? err.message : String(err) });
    }
  }
}

/**
 * Works one run for up to `pagesPerStep` pages, saving cursor and counts
 * after each. Resolves to the run as it was left, or null when it could not
 * be claimed (another worker has it, it is parked or over).
 */
export async function workRun(env: ShardEnv, runId: string, options: ReconcileOptions = {}): Promise<SyncRunRow | null> {
  const now = options.now ?? Date.now();
  const run = await claim(env, runId, now);
  if (!run) return null;
  const db = database(env);
  const save = async (set: Partial<SyncRunRow>) => {
    const [row] = await db
      .update(channelSyncRuns)
      .set({ ...set, updatedAt: Date.now() })
      .where(eq(channelSyncRuns.id, runId))
      .returning();
    return row ?? null;
  };
  const c: Counts = {
    pages: run.pages,
    seen: run.seen,
    created: run.created,
    updated: run.updated,
    unchanged: run.unchanged,
    skipped: run.skipped,
    errors: run.errors,
    errorLog: run.errorLog,
  };
  const loaded = await loadConnection(env, run.connectionId);
  const adapter = loaded ? adapterFor(loaded.row.platform) : null;
  if (!loaded || !adapter || loaded.row.status !== "active") {
    logError(c, { at: now, externalId: null, message: !loaded ? "the connection is gone" : !adapter ? `no adapter for ${loaded.row.platform}` : "the connection is paused" });
    return save({ ...c, status: "failed", leaseUntil: null, finishedAt: now });
  }
  const http = options.http ?? platformHttp;
  const source: TakeInSource = run.kind === "backfill" ? "backfill" : "reconciliation";
  let cursor = run.cursor;
  const stepStarted = Date.now();
  for (let page = 0; page < (options.pagesPerStep ?? PAGES_PER_STEP) && Date.now() - stepStarted < STEP_BUDGET_MS; page++) {
    const r = await adapter.listChangedOrders(loaded.connection, { since: run.windowFrom, until: run.windowUntil, cursor }, http);
    if (!r.ok) {
      const at = Date.now();
      if (r.kind === "rate_limited") return save({ ...c, status: "waiting", resumeAt: at + r.retryAfterMs, leaseUntil: null });
      logError(c, { at, externalId: null, message: `${r.kind === "unavailable" ? "platform unavailable" : "platform refused"} (${r.status ?? "network"}): ${r.message}` });
      if (r.kind === "unavailable") return save({ ...c, status: "waiting", resumeAt: at + OUTAGE_PAUSE_MS, leaseUntil: null });
      return save({ ...c, status: "failed", leaseUntil: null, finishedAt: at });
    }
    await takePage(env, { adapter, connection: loaded.connection, orders: r.value.orders, source, counts: c, options, now });
    c.pages += 1;
    cursor = r.value.next;
    if (cursor === null) {
      const at = Date.now();
      if (run.kind === "scheduled") {
        await db
          .insert(channelSyncState)
          .values({ connectionId: run.connectionId, watermark: run.windowUntil, updatedAt: at })
          .onConflictDoUpdate({ target: channelSyncState.connectionId, set: { watermark: sql`MAX(${channelSyncState.watermark}, ${run.windowUntil})`, updatedAt: at } });
      }
      return save({ ...c, cursor: null, status: "done", leaseUntil: null, finishedAt: at });
    }
    // Saved after every page: a step cut short here goes on from this cursor.
    await save({ ...c, cursor, leaseUntil: Date.now() + LEASE_MS });
  }
  return save({ ...c, status: "running", leaseUntil: null });
}

/** A connection's runs, newest first. */
export async function listSyncRuns(env: ShardEnv, connectionId: string, page: { before: string | undefined; limit: number }): Promise<SyncRunRow[]> {
  return database(env)
    .select()
    .from(channelSyncRuns)
    .where(and(eq(channelSyncRuns.connectionId, connectionId), page.before ? lt(channelSyncRuns.id, page.before) : undefined))
    .orderBy(desc(channelSyncRuns.id))
    .limit(page.limit + 1)
    .all();
}
