/**
 * Moving a stock pool to another shard (docs/SHARDING.md section 8): copy, catch up, freeze, copy the rest, verify,
 * switch, clean up. The move is driven by short calls (`POST /v1/pools/{id}/move`, scripts/move-pool.mjs), each doing
 * a bounded share of the work and saving where it stopped in the directory's `pool_moves` row, so no call runs into
 * a Worker's limits and any isolate can take the next one.
 *
 * - **copying**: the pool is served from its shard as usual. The source logs every change to its rows from the start
 *   (`moving_owners` side `copying`: the guard triggers write each changed row's key to `move_changes`); a first pass
 *   copies every row (src/pools/copy-rows.ts), then rounds of the catch-up copy the logged rows again, and the logs'
 *   new rows. The target's guards refuse anyone else's writes to the pool's rows there (side `target`).
 * - **frozen**: once a round leaves little logged, the source's guards start refusing every write to the pool (side
 *   `source`): requests answer 503 `pool_moving` with Retry-After, queue messages retry, crons try again on their
 *   next run. The events the source's dispatcher had not fanned out yet are fanned out to the pool's subscriptions,
 *   rounds drain what is still logged, and every owned table is counted on both sides: they must be equal.
 * - **switched**: the directory names the target, the target's guards are lifted and the rollups are told to
 *   refold the days the source had not rolled up yet. Each isolate's cached route expires within `CACHE_MS`; until
 *   then a write routed to the source is refused there and drops the cache, and its retry goes to the target.
 * - **cleaned**: the source's copy is deleted. Its guards stay (`side = 'source'`), so a writer that still routes
 *   there fails rather than writing where nobody reads.
 */
import type { z } from "@hono/zod-openapi";
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { IDEMPOTENCY_TTL_MS } from "../http/idempotency";
import { localDay } from "../analytics/time-zones";
import { anyOf, constraintFailed, d1, database, directory, type DirectoryEnv } from "../db/client";
import { CACHE_MS, forgetHomes, POOL_ZERO, shardNamed } from "../db/homes";
import { boundShards, registerBoundShards } from "../db/pools";
import { poolMoves, pools, shards, storeHomes, stores as storeRows, warehouseHomes, warehouses as warehouseRows } from "../db/schema";
import { onShard, type Shard, SHARD_ZERO } from "../db/shard";
import type { Env } from "../env";
import { ApiError } from "../http/problem";
import { subscriptionWants } from "../partner-webhooks/dispatch";
import { newId } from "../lib/ids";
import type { TableName } from "../db/placement";
import type { Move } from "./schemas";
import { asMove, countsOf, type Cursor, deleteChunk, LOGS, type Owners, OWNED_TABLES, syncChunk, syncKeys } from "./copy-rows";

/** Rows compared per chunk, and chunks per call: a call stays far inside a Worker's limits on D1 queries. */
const ROWS_PER_CHUNK = 200;
const CHUNKS_PER_CALL = 40;
/** Logged changes read per chunk of the catch-up. */
const CHANGES_PER_CHUNK = 500;
/**
 * The copy freezes the pool once a round of the catch-up leaves this few changes behind it, or after this many
 * rounds whatever it leaves (writes outrunning the copy): the freeze then drains the rest.
 */
const FREEZE_AT_CHANGES = 200;
const MAX_ONLINE_ROUNDS = 30;
/** How far before the last round's start each round copies the carried records again: the isolates' clocks differ. */
const CARRY_MARGIN_MS = 2_000;
/** A start takes a few directory and shard statements: one still `moving` with no move row after this has stopped. */
const START_TIMEOUT_MS = 60_000;

/**
 * Shard machinery the move carries too, though no store owns it: the records that keep a retried request, a
 * redelivered queue message or a partner's repeated webhook from acting twice once it reaches the target. Copied
 * for every store of the source (a record names no store; another's is harmless there), as far back as a retry
 * plausibly comes in the first pass, then in each round of the catch-up what is newer than the last round's start
 * (`carrySince`). An idempotency record still being answered (status 0) is not copied: its request either finishes
 * (and a later round copies the answer: `carrySince` stays before the oldest such claim) or fails and the record is
 * deleted, and a copy of the claim would answer "in progress" on the target for a day.
 */
const CARRIED = [
  { table: "idempotency_keys", time: "created_at", key: ["principal_id", "key"], keep: IDEMPOTENCY_TTL_MS, only: " AND status <> 0" },
  { table: "consumed_messages", time: "consumed_at", key: ["consumer", "message_id"], keep: 24 * 60 * 60 * 1000, only: "" },
  { table: "inbound_webhooks", time: "received_at", key: ["source", "event_id"], keep: 3 * 24 * 60 * 60 * 1000, only: "" },
] as const;

type Progress = {
  /** The first pass: an index into OWNED_TABLES then CARRIED, and the key the next chunk starts after. */
  table: number;
  after: Cursor;
  /** Rows the first pass wrote. */
  written: number;
  /** When the first pass started, and from when it (then the current round) carries the CARRIED tables. */
  passStartedAt: number;
  carrySince: number;
  /** The catch-up's current round: when it began, and where its copy of the CARRIED tables stands (index, key). */
  roundStartedAt?: number;
  carry?: { table: number; after: Cursor };
  /** The catch-up (after the first pass): the last `move_changes` id read in this round, and rows it wrote. */
  changesAfter: number;
  roundWritten: number;
  /** Rows the last whole round (or the first pass) wrote, and the changes still logged after it. */
  lastPass: number | null;
  backlog: number | null;
  /** Rounds of the catch-up, online and frozen. */
  rounds: number;
  /** Frozen: the source's dispatch cursor at the freeze, and whether the pool's later events were fanned out. */
  fannedTo?: number;
  fanned?: boolean;
  /** Frozen: the source's rollup watermark at the freeze; its runs skip the pool from then on. */
  rolledTo?: number;
  /** Frozen, once nothing is logged: the subscriptions copied last (their key), then the proof. */
  finish?: { after: Cursor };
  /** After the switch: the table the clean-up deletes from (OWNED_TABLES backwards). */
  cleaning?: number;
};

/** Where a move stands, as the API answers it (src/pools/schemas.ts). */
export type MoveView = z.infer<typeof Move>;

type MoveRow = typeof poolMoves.$inferSelect;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const PASS_TABLES = OWNED_TABLES.length + CARRIED.length;

function atTable(row: MoveRow, p: Progress): string | null {
  if (row.phase === "cleaned") return null;
  if (row.phase === "switched") return OWNED_TABLES[OWNED_TABLES.length - 1 - (p.cleaning ?? 0)] ?? null;
  if (p.finish) return "webhook_subscriptions";
  if (row.passes > 0) return "move_changes";
  return (p.table < OWNED_TABLES.length ? OWNED_TABLES[p.table] : CARRIED[p.table - OWNED_TABLES.length]?.table) ?? null;
}

function viewOf(row: MoveRow, owners: Owners): MoveView {
  const p = JSON.parse(row.progress) as Progress;
  return {
    pool_id: row.poolId,
    from_shard: row.fromShard,
    to_shard: row.toShard,
    phase: row.phase,
    passes: row.passes,
    last_pass_written: p.lastPass,
    changes_left: p.backlog,
    at_table: atTable(row, p),
    stores: owners.stores.filter((id) => id !== EVERY_STORE),
    warehouses: [...owners.warehouses],
    started_at: iso(row.startedAt)!,
    frozen_at: iso(row.frozenAt),
    switched_at: iso(row.switchedAt),
    frozen_ms: row.frozenAt !== null && row.switchedAt !== null ? row.switchedAt - row.frozenAt : null,
  };
}

const firstPass = (now: number, carrySince: number): Progress => ({
  table: 0,
  after: null,
  written: 0,
  passStartedAt: now,
  carrySince,
  changesAfter: 0,
  roundWritten: 0,
  lastPass: null,
  backlog: null,
  rounds: 0,
});

/**
 * The owner of what a warehouse of every store writes for no one store: its stock events name the store "*"
 * (migration 0016's triggers, one event for the whole warehouse). Such warehouses are the main pool's only
 * (src/db/homes.ts, `poolOfStores`), so the main pool carries "*" as one of its stores: its rows are copied, guarded
 * and fanned out with the pool's (`subscriptionWants` gives them to every subscription). No other pool's store is on
 * the main pool's shard while such a warehouse exists: a pool beside it there is joined into it, one elsewhere
 * refused (`pool_split`).
 */
const EVERY_STORE = "*";

async function ownersOf(env: DirectoryEnv, pool: string): Promise<Owners> {
  const db = directory(env);
  const [stores, warehouses] = await db.batch([
    db.select({ id: storeHomes.storeId }).from(storeHomes).where(eq(storeHomes.poolId, pool)).orderBy(storeHomes.storeId),
    db.select({ id: warehouseHomes.warehouseId }).from(warehouseHomes).where(eq(warehouseHomes.poolId, pool)).orderBy(warehouseHomes.warehouseId),
  ]);
  return { pool, stores: [...stores.map((s) => s.id), ...(pool === POOL_ZERO ? [EVERY_STORE] : [])], warehouses: warehouses.map((w) => w.id) };
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
  const [found] = await db.select({ id: pools.id, shardId: pools.shardId, state: pools.state, updatedAt: pools.updatedAt }).from(pools).where(eq(pools.id, pool)).limit(1);
  if (!found) throw new ApiError(404, "not_found", "Not found", `No pool ${pool}`);
  // A start that stopped between its claim and its move row left the pool `moving` with no move: taken over.
  const abandoned = found.state === "moving" && found.updatedAt < now - START_TIMEOUT_MS;
  // Not live with no move row: another start is between its claim and its row.
  if (found.state !== "live" && !abandoned) throw new ApiError(409, "move_in_progress", "Already moving", `Pool ${pool} is starting a move`);
  await registerBoundShards(env, now);
  const target = await shardOrFail(env, to);
  if (found.shardId === target.id) throw new ApiError(409, "same_shard", "Already there", `Pool ${pool} is on ${to} already`);
  const [targetRow] = await db.select({ state: shards.state }).from(shards).where(eq(shards.id, target.id)).limit(1);
  if (targetRow?.state === "draining") throw new ApiError(409, "shard_draining", "Shard draining", `${to} is being emptied; choose another shard`);
  const source = await shardOrFail(env, found.shardId);
  if (pool === POOL_ZERO && source.id === SHARD_ZERO.id) await refuseHomeless(env);
  await refuseWhatCannotMove(sideOf(env, source), await ownersOf(env, pool));
  // The claim: from the moment the pool is `moving`, no store or warehouse joins it (a new home or a join of pools
  // is refused, src/db/homes.ts), so the owners read next are all the move has to carry. Of two starts at once,
  // one claims it.
  const claimed = await db
    .update(pools)
    .set({ state: "moving", updatedAt: now })
    .where(and(eq(pools.id, pool), eq(pools.state, found.state), eq(pools.updatedAt, found.updatedAt)))
    .returning({ id: pools.id });
  if (!claimed.length) throw new ApiError(409, "move_in_progress", "Already moving", `Pool ${pool} started moving meanwhile`);
  const owners = await ownersOf(env, pool);
  try {
    // Again, with the owners that joined before the claim.
    await refuseWhatCannotMove(sideOf(env, source), owners);
  } catch (err) {
    await db
      .update(pools)
      .set({ state: "live", updatedAt: now })
      .where(and(eq(pools.id, pool), eq(pools.state, "moving"), eq(pools.updatedAt, now)));
    throw err;
  }
  // The target's guards: from now on only the move writes the pool's rows there. Then the source logs every change
  // to the pool, before the first pass reads a row: a row changed after it was copied is copied again. The move's
  // row comes last, so a call that finds it finds the guards in place.
  await guard(sideOf(env, target), owners, "target", now);
  await guard(sideOf(env, source), owners, "copying", now);
  const progress = firstPass(now, now - Math.max(...CARRIED.map((c) => c.keep)));
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
  try {
    await (finished ? db.update(poolMoves).set(values).where(eq(poolMoves.poolId, pool)) : db.insert(poolMoves).values(values));
  } catch (err) {
    // A start that stalled past START_TIMEOUT_MS, taken over meanwhile: the other start's row stands.
    if (constraintFailed(err, "pool_moves")) throw new ApiError(409, "move_in_progress", "Already moving", `Pool ${pool} started moving meanwhile`);
    throw err;
  }
  return viewOf({ ...values }, owners);
}

/**
 * A store or warehouse on shard 0 with no home, if any: made before homes, or written straight to the database
 * without one. Its ids carry no tag, so every lookup sends them to shard 0 (`shardOf`, src/db/homes.ts), and
 * `legacy_homes`, which could name them elsewhere, is not written. Reads shard 0's ids a page at a time and each
 * page's homes from the directory.
 */
async function homelessOnShardZero(env: Env): Promise<string | null> {
  const zero = database(onShard(env, SHARD_ZERO));
  const db = directory(env);
  const kinds = [
    { table: storeRows, homes: storeHomes, owner: storeHomes.storeId },
    { table: warehouseRows, homes: warehouseHomes, owner: warehouseHomes.warehouseId },
  ] as const;
  for (const { table, homes, owner } of kinds) {
    for (let after = ""; ; ) {
      const page = (await zero.select({ id: table.id }).from(table).where(gt(table.id, after)).orderBy(table.id).limit(500)).map((r) => r.id);
      if (!page.length) break;
      const homed = new Set(
        (
          await db
            .select({ id: owner })
            .from(homes)
            .where(inArray(owner, anyOf(page)))
        ).map((r) => r.id),
      );
      const homeless = page.find((id) => !homed.has(id));
      if (homeless) return homeless;
      after = page[page.length - 1]!;
    }
  }
  return null;
}

/**
 * The main pool on shard 0 moves only when shard 0 holds no store or warehouse without a home: their ids carry no
 * tag, so every route sends them to shard 0 whatever the directory says.
 */
async function refuseHomeless(env: Env): Promise<void> {
  const homeless = await homelessOnShardZero(env);
  if (!homeless) return;
  throw new ApiError(
    409,
    "pool_zero",
    "The main pool cannot move yet",
    `${homeless} was made before stock pools: its ids name no database, so it stays on s0, and the main pool with it. Move a pool of its own instead`,
  );
}

/**
 * What a move cannot carry yet: a transfer in transit between one of the pool's warehouses and a warehouse of another
 * pool on the same database (one row that would have to be on both databases; docs/SHARDING.md step 10).
 */
async function refuseWhatCannotMove(source: D1Database, owners: Owners): Promise<void> {
  const inTransit = await source
    .prepare(
      `SELECT id FROM stock_transfers WHERE side = 'both' AND status <> 'received'
        AND ((from_warehouse_id IN (SELECT value FROM json_each(?1))) <> (to_warehouse_id IN (SELECT value FROM json_each(?1)))) LIMIT 1`,
    )
    .bind(JSON.stringify(owners.warehouses))
    .first<{ id: string }>();
  if (inTransit) {
    throw new ApiError(409, "transfer_in_transit", "A transfer is in transit", `Transfer ${inTransit.id} is between this pool and another on the same database: receive it first`);
  }
}

/**
 * Marks the pool's owners on one side: on the target (`target`) only the move writes their rows from now on; on the
 * source (`copying`) every change to them is logged from now on.
 */
async function guard(db: D1Database, owners: Owners, side: "copying" | "target", now: number) {
  const ids = JSON.stringify([...owners.stores, ...owners.warehouses]);
  return db.batch([
    db
      .prepare(
        `INSERT INTO moving_owners (owner_id, pool_id, side, created_at) SELECT value, ?2, ?3, ?4 FROM json_each(?1) WHERE true
          ON CONFLICT (owner_id) DO UPDATE SET pool_id = excluded.pool_id, side = excluded.side, created_at = excluded.created_at`,
      )
      .bind(ids, owners.pool, side, now),
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
  if (row.passes === 0) return firstPassStep(env, row, p, owners, source, target, now);
  const frozen = row.phase === "frozen";
  let budget = CHUNKS_PER_CALL;
  if (frozen && !p.fanned) {
    await fanOutPool(source, owners, p.fannedTo ?? 0, now);
    p.fanned = true;
  }
  // The logs first: a delivery is copied once its event is numbered on the target.
  for (const log of Object.keys(LOGS) as (keyof typeof LOGS)[]) {
    for (let done = false; !done && budget > 0; budget--) {
      const r = await syncChunk(source, target, log, owners, null, ROWS_PER_CHUNK);
      p.roundWritten += r.written;
      done = r.done;
    }
  }
  if (budget === 0) return viewOf(await save(env, row, p, {}, now), owners);
  if (p.finish) return finishStep(env, row, p, owners, source, target, budget, now);
  // Then the records that name no store, from a minute before the last round began.
  p.roundStartedAt ??= now;
  p.carry ??= { table: 0, after: null };
  for (; budget > 0 && p.carry.table < CARRIED.length; budget--) {
    const r = await carryChunk(source, target, CARRIED[p.carry.table]!, p.carrySince, p.carry.after, ROWS_PER_CHUNK);
    p.carry = r.done ? { table: p.carry.table + 1, after: null } : { table: p.carry.table, after: r.next };
  }
  if (budget === 0) return viewOf(await save(env, row, p, {}, now), owners);
  let roundDone = false;
  for (; budget > 0 && !roundDone; budget--) {
    const r = await catchUp(source, target, owners, p.changesAfter, frozen);
    p.roundWritten += r.written;
    p.changesAfter = r.after;
    roundDone = r.done;
  }
  if (!roundDone) return viewOf(await save(env, row, p, {}, now), owners);
  // A round is done: what is still logged is what changed meanwhile, and what was held back.
  const left = await source.prepare("SELECT count(*) AS n FROM move_changes WHERE pool_id = ?1").bind(owners.pool).first<{ n: number }>();
  const next: Progress = {
    ...p,
    changesAfter: 0,
    roundWritten: 0,
    lastPass: p.roundWritten,
    backlog: left?.n ?? 0,
    rounds: p.rounds + 1,
    carrySince: await carryFrom(source, p.roundStartedAt ?? now, now),
    roundStartedAt: now,
    carry: { table: 0, after: null },
  };
  const passes = row.passes + 1;
  if (!frozen) {
    if (next.backlog! > FREEZE_AT_CHANGES && next.rounds < MAX_ONLINE_ROUNDS) return viewOf(await save(env, row, next, { passes }, now), owners);
    return viewOf(await freeze(env, row, { ...next, rounds: 0 }, owners, source, passes, now), owners);
  }
  if (next.backlog! > 0) {
    // Frozen, nothing new is logged: what stays is held back for a row the source does not have either.
    if (next.rounds > 20) throw new Error(`move of ${owners.pool}: ${next.backlog} changes cannot be copied; the pool stays frozen`);
    return viewOf(await save(env, row, next, { passes }, now), owners);
  }
  return viewOf(await save(env, row, { ...next, finish: { after: null } }, { passes }, now), owners);
}

/** The first pass: every owned table compared chunk by chunk and copied, then the carried tables. */
async function firstPassStep(env: Env, row: MoveRow, p: Progress, owners: Owners, source: D1Database, target: D1Database, now: number): Promise<MoveView> {
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
  return viewOf(await save(env, row, { ...p, lastPass: p.written, carrySince: await carryFrom(source, p.passStartedAt, now) }, { passes: 1 }, now), owners);
}

/**
 * From when the next round copies the carried records: a few seconds before `start` (the isolates' clocks differ),
 * and no later than a request still being answered, whose answer comes after this round read it. A claim older than
 * five minutes belongs to a request that died: it never finishes.
 */
async function carryFrom(source: D1Database, start: number, now: number): Promise<number> {
  const open = await source
    .prepare("SELECT min(created_at) AS n FROM idempotency_keys WHERE status = 0 AND created_at > ?1")
    .bind(now - 5 * 60_000)
    .first<{ n: number | null }>();
  return Math.min(start - CARRY_MARGIN_MS, open?.n ?? Number.POSITIVE_INFINITY);
}

/**
 * One chunk of the catch-up: the next logged changes after `after`, each table's rows made equal on the target by key
 * (parents first), and their entries deleted but for the keys held back. `done` once the log has been read through.
 */
async function catchUp(source: D1Database, target: D1Database, owners: Owners, after: number, final: boolean) {
  const { results } = await source
    .prepare("SELECT id, tbl, key FROM move_changes WHERE pool_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3")
    .bind(owners.pool, after, CHANGES_PER_CHUNK)
    .all<{ id: number; tbl: TableName; key: string }>();
  if (!results.length) return { after, done: true, written: 0 };
  // Keys as `keyText` writes them, whatever spacing the trigger's json_array used.
  const norm = (key: string) => JSON.stringify(JSON.parse(key));
  let written = 0;
  const held = new Set<string>();
  for (const table of OWNED_TABLES) {
    const keys = [...new Set(results.filter((c) => c.tbl === table).map((c) => norm(c.key)))];
    if (!keys.length) continue;
    const r = await syncKeys(source, target, table, owners, keys, final);
    written += r.written;
    for (const k of r.held) held.add(`${table} ${k}`);
  }
  const settled = results.filter((c) => !held.has(`${c.tbl} ${norm(c.key)}`)).map((c) => c.id);
  if (settled.length) await source.prepare("DELETE FROM move_changes WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(settled)).run();
  return { after: results[results.length - 1]!.id, done: results.length < CHANGES_PER_CHUNK, written };
}

/**
 * Frozen and caught up (the last round carried the records too): the subscriptions, whose start depends on every
 * event being copied (src/pools/copy-rows.ts), then the proof and the switch.
 */
async function finishStep(env: Env, row: MoveRow, p: Progress, owners: Owners, source: D1Database, target: D1Database, budget: number, now: number): Promise<MoveView> {
  const f = p.finish!;
  let done = false;
  for (; budget > 0 && !done; budget--) {
    const r = await syncChunk(source, target, "webhook_subscriptions", owners, f.after, ROWS_PER_CHUNK);
    f.after = r.next;
    done = r.done;
  }
  if (!done) return viewOf(await save(env, row, p, {}, now), owners);
  await verify(source, target, owners);
  return viewOf(await switchOver(env, row, p, owners, target, row.passes, now), owners);
}

/** The source refuses every write to the pool from here; its dispatch cursor and rollup watermark at this instant are kept. */
async function freeze(env: Env, row: MoveRow, next: Progress, owners: Owners, source: D1Database, passes: number, now: number): Promise<MoveRow> {
  const [, cursor, rollups] = await source.batch([
    source.prepare("UPDATE moving_owners SET side = 'source', created_at = ?2 WHERE pool_id = ?1 AND side = 'copying'").bind(owners.pool, now),
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
    // The move's own writes are not logged by the guards: these are, for the catch-up to copy.
    const logged = "INSERT INTO move_changes (pool_id, tbl, key) VALUES (?1, 'webhook_deliveries', json_array(?2))";
    if (rows.length) {
      await source.batch(
        asMove(
          source,
          rows.flatMap((r) => [source.prepare(insert).bind(...r), source.prepare(logged).bind(owners.pool, r[0])]),
        ),
      );
    }
    after = results[results.length - 1]!.seq;
  }
}

/** Copies one chunk of a carried table's recent rows (insert, or update a record that changed). */
async function carryChunk(source: D1Database, target: D1Database, c: (typeof CARRIED)[number], since: number, after: Cursor, limit: number) {
  const key = c.key.map((k) => `"${k}"`).join(", ");
  const afterSql = after ? ` AND (${key}) > (${c.key.map((_, i) => `?${i + 2}`).join(", ")})` : "";
  const res = await source
    .prepare(`SELECT * FROM "${c.table}" WHERE "${c.time}" >= ?1${c.only}${afterSql} ORDER BY ${key} LIMIT ${limit}`)
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

/**
 * The proof before the switch: every owned table holds as many of the pool's rows on the target as on the source.
 * The catch-up copied every row the triggers logged, so a difference is a bug: the pool stays frozen.
 */
async function verify(source: D1Database, target: D1Database, owners: Owners): Promise<void> {
  const [here, there] = await Promise.all([countsOf(source, owners), countsOf(target, owners)]);
  const differ = OWNED_TABLES.flatMap((t, i) => (here[i] === there[i] ? [] : [`${t} ${here[i]} vs ${there[i]}`]));
  if (differ.length) throw new Error(`move of ${owners.pool}: the pool's rows differ (source vs target): ${differ.join("; ")}; the pool stays frozen`);
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
  await source.prepare("DELETE FROM move_changes WHERE pool_id = ?1").bind(owners.pool).run();
  return viewOf(await save(env, row, { ...p, cleaning }, { phase: "cleaned" }, now), owners);
}

/** Every pool with its shard, state, stores and warehouses: what an operator looks at before and during a move. */
export async function listPools(env: Env) {
  const db = directory(env);
  const [rows, stores, warehouses, moves, shardRows] = await db.batch([
    db.select().from(pools).orderBy(pools.id),
    db.select({ poolId: storeHomes.poolId, id: storeHomes.storeId }).from(storeHomes),
    db.select({ poolId: warehouseHomes.poolId, id: warehouseHomes.warehouseId }).from(warehouseHomes),
    db.select({ poolId: poolMoves.poolId, phase: poolMoves.phase, toShard: poolMoves.toShard }).from(poolMoves),
    db.select({ id: shards.id, state: shards.state }).from(shards).orderBy(shards.id),
  ]);
  const list = rows.map((p) => {
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
  // Each database this Worker is bound to, with how many pools and stores it holds: where a pool can go. A bound
  // shard not registered yet is open (a placement or a move registers it; a read writes nothing).
  const shardList = boundShards(env).map((s) => ({
    id: s.id,
    state: shardRows.find((r) => r.id === s.id)?.state ?? ("open" as const),
    pools: list.filter((p) => p.shard_id === s.id).length,
    stores: list.filter((p) => p.shard_id === s.id).reduce((n, p) => n + p.stores.length, 0),
  }));
  return { data: list, shards: shardList };
}
