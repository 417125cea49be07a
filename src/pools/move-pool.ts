/**
 * Moving a stock pool to another shard (docs/SHARDING.md section 8): copy, catch up, freeze, copy the rest, verify,
 * switch, clean up. The move is driven by short calls (`POST /v1/pools/{id}/move`, scripts/move-pool.mjs), each doing
 * a bounded share of the work and saving where it stopped in the directory's `pool_moves` row, so no call runs into
 * a Worker's limits and any isolate can take the next one.
 *
 * - **copying**: the pool is served from its shard as usual while its rows are copied to the target, pass after
 *   pass (src/pools/copy-rows.ts), each pass writing only what changed since the last. The target's guards refuse
 *   anyone else's writes to the pool's rows there (`moving_owners`, side `target`).
 * - **frozen**: once a pass finds little left to copy, the source's guards start refusing every write to the pool
 *   (side `source`): requests answer 503 `pool_moving` with Retry-After, queue messages retry, crons try again on
 *   their next run. The events the source's dispatcher had not fanned out yet are fanned out to the pool's
 *   subscriptions, then passes run until one writes nothing: the two sides are equal.
 * - **switched**: the directory names the target, the target's guards are lifted and the rollups are told to
 *   refold the days the source had not rolled up yet. Each isolate's cached route expires within `CACHE_MS`; until
 *   then a write routed to the source is refused there and drops the cache, and its retry goes to the target.
 * - **cleaned**: the source's copy is deleted. Its guards stay (`side = 'source'`), so a writer that still routes
 *   there fails rather than writing where nobody reads.
 */
import { and, eq, sql } from "drizzle-orm";
import { IDEMPOTENCY_TTL_MS } from "../http/idempotency";
import { localDay } from "../analytics/time-zones";
import { d1, directory, type DirectoryEnv } from "../db/client";
import { CACHE_MS, forgetHomes, POOL_ZERO, shardNamed } from "../db/homes";
import { poolMoves, pools, shards, storeHomes, warehouseHomes } from "../db/schema";
import { onShard, type Shard } from "../db/shard";
import type { Env } from "../env";
import { ApiError } from "../http/problem";
import { subscriptionWants } from "../partner-webhooks/dispatch";
import { newId } from "../lib/ids";
import { asMove, countOwned, type Cursor, deleteChunk, LOGS, type Owners, OWNED_TABLES, syncChunk } from "./copy-rows";

/** Rows compared per chunk, and chunks per call: a call stays far inside a Worker's limits on D1 queries. */
const ROWS_PER_CHUNK = 200;
const CHUNKS_PER_CALL = 40;
/** The online copy freezes the pool once a pass writes this few rows, or after this many passes whatever it wrote. */
const FREEZE_AT_ROWS = 200;
const MAX_ONLINE_PASSES = 4;

/**
 * Shard machinery the move carries too, though no store owns it: the records that keep a retried request, a
 * redelivered queue message or a partner's repeated webhook from acting twice once it reaches the target. Copied
 * for every store of the source (a record names no store; another's is harmless there), as far back as a retry
 * plausibly comes.
 */
const CARRIED = [
  { table: "idempotency_keys", time: "created_at", key: ["principal_id", "key"], keep: IDEMPOTENCY_TTL_MS },
  { table: "consumed_messages", time: "consumed_at", key: ["consumer", "message_id"], keep: 24 * 60 * 60 * 1000 },
  { table: "inbound_webhooks", time: "received_at", key: ["source", "event_id"], keep: 3 * 24 * 60 * 60 * 1000 },
] as const;

type Progress = {
  /** Index into the pass's tables (OWNED_TABLES, then CARRIED), and the key the next chunk starts after. */
  table: number;
  after: Cursor;
  /** Rows written so far in this pass, and in the last whole pass (null before one finished). */
  written: number;
  lastPass: number | null;
  /** When this pass started, and from when the carried tables are copied in it. */
  passStartedAt: number;
  carrySince: number;
  /** Frozen: the source's dispatch cursor at the freeze, and whether the pool's later events were fanned out. */
  fannedTo?: number;
  fanned?: boolean;
  /** Frozen: the source's rollup watermark at the freeze; its runs skip the pool from then on. */
  rolledTo?: number;
  /** After the switch: the table the clean-up deletes from (OWNED_TABLES backwards), and `moved_rows` last. */
  cleaning?: number;
};

export type MoveView = {
  pool_id: string;
  from_shard: string;
  to_shard: string;
  phase: (typeof poolMoves.$inferSelect)["phase"];
  passes: number;
  /** Rows the last whole pass wrote: 0 in the frozen phase means the two sides are equal. */
  last_pass_written: number | null;
  /** The table the move is working on. */
  at_table: string | null;
  stores: string[];
  warehouses: string[];
  started_at: string;
  frozen_at: string | null;
  switched_at: string | null;
  /** How long writes to the pool were refused: from the freeze to the switch. */
  frozen_ms: number | null;
};

type MoveRow = typeof poolMoves.$inferSelect;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const PASS_TABLES = OWNED_TABLES.length + CARRIED.length;

function viewOf(row: MoveRow, owners: Owners): MoveView {
  const p = JSON.parse(row.progress) as Progress;
  const at =
    row.phase === "switched"
      ? OWNED_TABLES[OWNED_TABLES.length - 1 - (p.cleaning ?? 0)]
      : p.table < OWNED_TABLES.length
        ? OWNED_TABLES[p.table]
        : CARRIED[p.table - OWNED_TABLES.length]?.table;
  return {
    pool_id: row.poolId,
    from_shard: row.fromShard,
    to_shard: row.toShard,
    phase: row.phase,
    passes: row.passes,
    last_pass_written: p.lastPass,
    at_table: row.phase === "cleaned" ? null : (at ?? null),
    stores: [...owners.stores],
    warehouses: [...owners.warehouses],
    started_at: iso(row.startedAt)!,
    frozen_at: iso(row.frozenAt),
    switched_at: iso(row.switchedAt),
    frozen_ms: row.frozenAt !== null && row.switchedAt !== null ? row.switchedAt - row.frozenAt : null,
  };
}

const freshPass = (now: number, carrySince: number): Progress => ({ table: 0, after: null, written: 0, lastPass: null, passStartedAt: now, carrySince });

async function ownersOf(env: DirectoryEnv, pool: string): Promise<Owners> {
  const db = directory(env);
  const [stores, warehouses] = await db.batch([
    db.select({ id: storeHomes.storeId }).from(storeHomes).where(eq(storeHomes.poolId, pool)).orderBy(storeHomes.storeId),
    db.select({ id: warehouseHomes.warehouseId }).from(warehouseHomes).where(eq(warehouseHomes.poolId, pool)).orderBy(warehouseHomes.warehouseId),
  ]);
  return { pool, stores: stores.map((s) => s.id), warehouses: warehouses.map((w) => w.id) };
}

async function shardOrFail(env: Env, id: string): Promise<Shard> {
  const shard = await shardNamed(env, id);
  if (!shard) throw new ApiError(422, "unknown_shard", "Unknown shard", `This Worker reaches no shard ${id}`);
  return shard;
}

const sideOf = (env: Env, shard: Shard) => d1(onShard(env, shard));

/** The pool's current move, if any that has not finished. */
export async function currentMove(env: Env, pool: string): Promise<MoveView | null> {
  const [row] = await directory(env).select().from(poolMoves).where(eq(poolMoves.poolId, pool)).limit(1);
  return row ? viewOf(row, await ownersOf(env, pool)) : null;
}

/**
 * Starts moving `pool` to the shard `to`, or takes the next step of its move. Resolves to where the move stands;
 * `done` once the source's copy is cleaned up.
 */
export async function moveStep(env: Env, pool: string, to: string, now = Date.now()): Promise<MoveView> {
  const db = directory(env);
  const [row] = await db.select().from(poolMoves).where(eq(poolMoves.poolId, pool)).limit(1);
  if (!row || row.phase === "cleaned") return startMove(env, pool, to, now, row ?? null);
  if (row.toShard !== to) throw new ApiError(409, "move_in_progress", "Already moving", `Pool ${pool} is moving to ${row.toShard}; finish that move first`);
  const owners = await ownersOf(env, pool);
  const source = await shardOrFail(env, row.fromShard);
  const target = await shardOrFail(env, row.toShard);
  const progress = JSON.parse(row.progress) as Progress;
  if (row.phase === "switched") return cleanUp(env, row, progress, owners, source, target, now);
  return copyStep(env, row, progress, owners, source, target, now);
}

async function startMove(env: Env, pool: string, to: string, now: number, finished: MoveRow | null): Promise<MoveView> {
  const db = directory(env);
  const [found] = await db.select({ id: pools.id, shardId: pools.shardId, state: pools.state }).from(pools).where(eq(pools.id, pool)).limit(1);
  if (!found) throw new ApiError(404, "not_found", "Not found", `No pool ${pool}`);
  if (pool === POOL_ZERO) {
    throw new ApiError(
      409,
      "pool_zero",
      "The main pool cannot move",
      "The main pool holds the stores made before pools, whose rows no directory entry names; move a store of its own pool instead",
    );
  }
  if (found.state !== "live") throw new ApiError(409, "pool_not_live", "Pool not live", `Pool ${pool} is ${found.state}`);
  const target = await shardOrFail(env, to);
  if (found.shardId === target.id) throw new ApiError(409, "same_shard", "Already there", `Pool ${pool} is on ${to} already`);
  const [targetRow] = await db.select({ state: shards.state }).from(shards).where(eq(shards.id, target.id)).limit(1);
  if (targetRow?.state === "draining") throw new ApiError(409, "shard_draining", "Shard draining", `${to} is being emptied; choose another shard`);
  const source = await shardOrFail(env, found.shardId);
  const owners = await ownersOf(env, pool);
  await refuseWhatCannotMove(sideOf(env, source), owners);
  // The target's guards first: from now on only the move writes the pool's rows there.
  await guard(sideOf(env, target), owners, "target", now);
  const progress = freshPass(now, now - Math.max(...CARRIED.map((c) => c.keep)));
  const values = {
    poolId: pool,
    fromShard: source.id,
    toShard: target.id,
    phase: "copying" as const,
    progress: JSON.stringify(progress),
    passes: 0,
    startedAt: now,
    frozenAt: null,
    switchedAt: null,
    updatedAt: now,
  };
  await db.batch([
    finished ? db.update(poolMoves).set(values).where(eq(poolMoves.poolId, pool)) : db.insert(poolMoves).values(values),
    db.update(pools).set({ state: "moving", updatedAt: now }).where(eq(pools.id, pool)),
  ]);
  return viewOf({ ...values }, owners);
}

/**
 * What a move cannot carry yet: a warehouse for every store (its stock events name no store) and a transfer in
 * transit between one of the pool's warehouses and a warehouse of another pool on the same database (one row that
 * would have to be on both databases; docs/SHARDING.md step 10).
 */
async function refuseWhatCannotMove(source: D1Database, owners: Owners): Promise<void> {
  const whs = JSON.stringify(owners.warehouses);
  const [everyStore, inTransit] = await source.batch<{ id: string }>([
    source.prepare(`SELECT w.id FROM warehouses w, json_each(w.store_ids) j WHERE w.id IN (SELECT value FROM json_each(?1)) AND j.value = '*' LIMIT 1`).bind(whs),
    source
      .prepare(
        `SELECT id FROM stock_transfers WHERE side = 'both' AND status <> 'received'
          AND ((from_warehouse_id IN (SELECT value FROM json_each(?1))) <> (to_warehouse_id IN (SELECT value FROM json_each(?1)))) LIMIT 1`,
      )
      .bind(whs),
  ]);
  if (everyStore!.results.length) {
    throw new ApiError(
      409,
      "every_store_warehouse",
      "Cannot move a warehouse of every store",
      `Warehouse ${everyStore!.results[0]!.id} ships for every store: it stays with the main pool`,
    );
  }
  if (inTransit!.results.length) {
    throw new ApiError(
      409,
      "transfer_in_transit",
      "A transfer is in transit",
      `Transfer ${inTransit!.results[0]!.id} is between this pool and another on the same database: receive it first`,
    );
  }
}

/** Marks the pool's owners on one side: their rows there are written by the move alone from now on. */
async function guard(db: D1Database, owners: Owners, side: "source" | "target", now: number, also: D1PreparedStatement[] = []) {
  const ids = JSON.stringify([...owners.stores, ...owners.warehouses]);
  return db.batch([
    db
      .prepare(
        `INSERT INTO moving_owners (owner_id, pool_id, side, created_at) SELECT value, ?2, ?3, ?4 FROM json_each(?1) WHERE true
          ON CONFLICT (owner_id) DO UPDATE SET pool_id = excluded.pool_id, side = excluded.side, created_at = excluded.created_at`,
      )
      .bind(ids, owners.pool, side, now),
    ...also,
  ]);
}

async function save(env: Env, row: MoveRow, progress: Progress, changes: Partial<MoveRow>, now: number): Promise<MoveRow> {
  const next = { ...row, ...changes, progress: JSON.stringify(progress), updatedAt: now };
  await directory(env)
    .update(poolMoves)
    .set({ phase: next.phase, progress: next.progress, passes: next.passes, frozenAt: next.frozenAt, switchedAt: next.switchedAt, updatedAt: now })
    .where(eq(poolMoves.poolId, row.poolId));
  return next;
}

async function copyStep(env: Env, row: MoveRow, p: Progress, owners: Owners, sourceShard: Shard, targetShard: Shard, now: number): Promise<MoveView> {
  const source = sideOf(env, sourceShard);
  const target = sideOf(env, targetShard);
  if (row.phase === "frozen" && !p.fanned) {
    await fanOutPool(source, owners, p.fannedTo ?? 0, now);
    p.fanned = true;
  }
  for (let chunks = 0; chunks < CHUNKS_PER_CALL && p.table < PASS_TABLES; chunks++) {
    const r =
      p.table < OWNED_TABLES.length
        ? await syncChunk(source, target, OWNED_TABLES[p.table]!, owners, p.after, ROWS_PER_CHUNK)
        : await carryChunk(source, target, CARRIED[p.table - OWNED_TABLES.length]!, p.carrySince, p.after, ROWS_PER_CHUNK);
    p.written += r.written;
    if (r.done) {
      p.table += 1;
      p.after = null;
    } else p.after = r.next;
  }
  if (p.table < PASS_TABLES) return viewOf(await save(env, row, p, {}, now), owners);
  // A whole pass is done.
  const written = p.written;
  const passes = row.passes + 1;
  const next = { ...freshPass(now, p.passStartedAt - 60_000), lastPass: written, fannedTo: p.fannedTo, fanned: p.fanned, rolledTo: p.rolledTo };
  if (row.phase === "copying") {
    if (written > FREEZE_AT_ROWS && passes < MAX_ONLINE_PASSES) return viewOf(await save(env, row, next, { passes }, now), owners);
    return viewOf(await freeze(env, row, next, owners, source, passes, now), owners);
  }
  if (written > 0) return viewOf(await save(env, row, next, { passes }, now), owners);
  await verify(source, target, owners);
  return viewOf(await switchOver(env, row, next, owners, target, passes, now), owners);
}

/** The source refuses every write to the pool from here; its dispatch cursor at this instant is kept. */
async function freeze(env: Env, row: MoveRow, next: Progress, owners: Owners, source: D1Database, passes: number, now: number): Promise<MoveRow> {
  const [, cursor, rollups] = await guard(source, owners, "source", now, [
    source.prepare("SELECT coalesce((SELECT last_seq FROM webhook_dispatch_cursor WHERE id = 1), 0) AS n"),
    source.prepare("SELECT coalesce((SELECT watermark FROM rollup_state WHERE id = 1), 0) AS n"),
  ]);
  next.fannedTo = (cursor!.results[0] as { n: number }).n;
  next.rolledTo = (rollups!.results[0] as { n: number }).n;
  next.fanned = false;
  const db = directory(env);
  await db.update(pools).set({ state: "frozen", updatedAt: now }).where(eq(pools.id, row.poolId));
  return save(env, row, next, { phase: "frozen", passes, frozenAt: now }, now);
}

/**
 * Fans the pool's events after `from` out to its subscriptions on the source, as the dispatcher would have: the
 * dispatcher skips a store on the move, and every copied event must arrive with its deliveries (the target starts the
 * moved subscriptions after the last copied event).
 */
async function fanOutPool(source: D1Database, owners: Owners, from: number, now: number): Promise<void> {
  const stores = JSON.stringify(owners.stores);
  const subs = (
    await source
      .prepare("SELECT id, store_id AS storeId, event_types AS eventTypes, start_seq AS startSeq FROM webhook_subscriptions WHERE store_id IN (SELECT value FROM json_each(?1))")
      .bind(stores)
      .all<{ id: string; storeId: string; eventTypes: string; startSeq: number }>()
  ).results.map((s) => ({ ...s, eventTypes: JSON.parse(s.eventTypes) as string[] }));
  if (!subs.length) return;
  for (let after = from; ; ) {
    const { results } = await source
      .prepare("SELECT seq, store_id AS storeId, type FROM events WHERE store_id IN (SELECT value FROM json_each(?1)) AND seq > ?2 ORDER BY seq LIMIT 500")
      .bind(stores, after)
      .all<{ seq: number; storeId: string; type: string }>();
    if (!results.length) return;
    const rows = results.flatMap((e) => subs.filter((s) => subscriptionWants(s, e)).map((s) => [newId("msg", now), s.id, e.seq, now]));
    const insert =
      "INSERT INTO webhook_deliveries (id, subscription_id, event_seq, status, attempts, next_attempt_at, created_at) VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?4) ON CONFLICT DO NOTHING";
    if (rows.length)
      await source.batch(
        asMove(
          source,
          rows.map((r) => source.prepare(insert).bind(...r)),
        ),
      );
    after = results[results.length - 1]!.seq;
  }
}

/** Copies one chunk of a carried table's recent rows (insert, or update a record that changed). */
async function carryChunk(source: D1Database, target: D1Database, c: (typeof CARRIED)[number], since: number, after: Cursor, limit: number) {
  const key = c.key.map((k) => `"${k}"`).join(", ");
  const afterSql = after ? ` AND (${key}) > (${c.key.map((_, i) => `?${i + 2}`).join(", ")})` : "";
  const res = await source
    .prepare(`SELECT * FROM "${c.table}" WHERE "${c.time}" >= ?1${afterSql} ORDER BY ${key} LIMIT ${limit}`)
    .bind(since, ...(after ?? []))
    .all<Record<string, unknown>>();
  const rows = res.results;
  if (rows.length) {
    const cols = Object.keys(rows[0]!);
    const update = cols.filter((col) => !(c.key as readonly string[]).includes(col));
    const sqlText = `INSERT INTO "${c.table}" (${cols.map((col) => `"${col}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})
      ON CONFLICT (${key}) DO UPDATE SET ${update.map((col) => `"${col}" = excluded."${col}"`).join(", ")}`;
    await target.batch(rows.map((r) => target.prepare(sqlText).bind(...cols.map((col) => r[col]))));
  }
  const done = rows.length < limit;
  const last = rows[rows.length - 1];
  // Carried rows are not the pool's own: they do not count as differences, so a quiet pool can reach zero.
  return { next: done || !last ? null : c.key.map((k) => last[k]), done, written: 0 };
}

/** The logs have every row on both sides (the keyed tables were proven equal by the pass that wrote nothing). */
async function verify(source: D1Database, target: D1Database, owners: Owners): Promise<void> {
  for (const log of Object.keys(LOGS) as (keyof typeof LOGS)[]) {
    const [here, there] = await Promise.all([countOwned(source, log, owners), countOwned(target, log, owners)]);
    if (here !== there) throw new Error(`move of ${owners.pool}: ${log} has ${here} rows on the source and ${there} on the target; the pool stays frozen`);
  }
}

/**
 * The switch: the rollups on the target are told to refold the days the source had not rolled up, the target's
 * guards are lifted, and the directory names the target.
 */
async function switchOver(env: Env, row: MoveRow, next: Progress, owners: Owners, target: D1Database, passes: number, now: number): Promise<MoveRow> {
  const { results: zones } = await target
    .prepare("SELECT id, timezone FROM stores WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(owners.stores))
    .all<{ id: string; timezone: string }>();
  // From the day of the source's watermark (a day before at most a year back) to today, in each store's time zone.
  const from = Math.max(next.rolledTo ?? 0, now - 366 * 24 * 60 * 60 * 1000) - 24 * 60 * 60 * 1000;
  const spans = JSON.stringify(zones.map((z) => [z.id, localDay(z.timezone, from), localDay(z.timezone, now)]));
  await target.batch(
    asMove(target, [
      target
        .prepare(
          `WITH RECURSIVE days(store_id, day, last) AS (
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?1)
            UNION ALL SELECT store_id, date(day, '+1 day'), last FROM days WHERE day < last)
          INSERT OR IGNORE INTO rollup_dirty (store_id, day, marked_at) SELECT store_id, day, ?2 FROM days`,
        )
        .bind(spans, now),
      target.prepare("DELETE FROM moving_owners WHERE pool_id = ?1 AND side = 'target'").bind(owners.pool),
    ]),
  );
  const db = directory(env);
  const switched = { ...next, cleaning: 0 };
  await db.batch([
    db
      .update(pools)
      .set({ shardId: row.toShard, state: "live", version: sql`${pools.version} + 1`, updatedAt: now })
      .where(and(eq(pools.id, row.poolId), eq(pools.state, "frozen"))),
    db
      .update(poolMoves)
      .set({ phase: "switched", passes, switchedAt: now, progress: JSON.stringify(switched), updatedAt: now })
      .where(eq(poolMoves.poolId, row.poolId)),
  ]);
  forgetHomes();
  return { ...row, phase: "switched", passes, switchedAt: now, progress: JSON.stringify(switched), updatedAt: now };
}

/**
 * Deletes the source's copy, children first, a chunk at a time, and then the target's map of copied log rows. Waits
 * until every isolate's cached route has expired (`CACHE_MS` after the switch), so no reader is still sent there.
 */
async function cleanUp(env: Env, row: MoveRow, p: Progress, owners: Owners, sourceShard: Shard, targetShard: Shard, now: number): Promise<MoveView> {
  if (now - (row.switchedAt ?? now) < CACHE_MS) return viewOf(row, owners);
  const source = sideOf(env, sourceShard);
  let cleaning = p.cleaning ?? 0;
  for (let chunks = 0; chunks < CHUNKS_PER_CALL && cleaning < OWNED_TABLES.length; chunks++) {
    const table = OWNED_TABLES[OWNED_TABLES.length - 1 - cleaning]!;
    if ((await deleteChunk(source, table, owners, 500)) < 500) cleaning += 1;
  }
  if (cleaning < OWNED_TABLES.length) return viewOf(await save(env, row, { ...p, cleaning }, {}, now), owners);
  await sideOf(env, targetShard).prepare("DELETE FROM moved_rows WHERE pool_id = ?1").bind(owners.pool).run();
  return viewOf(await save(env, row, { ...p, cleaning }, { phase: "cleaned" }, now), owners);
}

/** Every pool with its shard, state, stores and warehouses: what an operator looks at before and during a move. */
export async function listPools(env: DirectoryEnv) {
  const db = directory(env);
  const [rows, stores, warehouses, moves] = await db.batch([
    db.select().from(pools).orderBy(pools.id),
    db.select({ poolId: storeHomes.poolId, id: storeHomes.storeId }).from(storeHomes),
    db.select({ poolId: warehouseHomes.poolId, id: warehouseHomes.warehouseId }).from(warehouseHomes),
    db.select({ poolId: poolMoves.poolId, phase: poolMoves.phase, toShard: poolMoves.toShard }).from(poolMoves),
  ]);
  return rows.map((p) => {
    const move = moves.find((m) => m.poolId === p.id && m.phase !== "cleaned");
    return {
      id: p.id,
      shard_id: p.shardId,
      state: p.state,
      version: p.version,
      stores: stores.filter((s) => s.poolId === p.id).map((s) => s.id),
      warehouses: warehouses.filter((w) => w.poolId === p.id).map((w) => w.id),
      move: move ? { phase: move.phase, to_shard: move.toShard } : null,
    };
  });
}
