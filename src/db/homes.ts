/**
 * Where a store lives (docs/SHARDING.md sections 3 and 4): the directory's `store_homes` gives each store a pool
 * and a tag, `pools` gives the pool's shard, `shards` the binding. `shardOf` answers "which database" for a store
 * or a warehouse, or for an id that carries a tag (src/lib/ids.ts); `storeTag` and `warehouseTag` give the tag new
 * ids carry.
 *
 * A new store goes into the pool src/stores/place-store.ts chooses (`POOL_ZERO`, the main pool, made on shard 0, unless it
 * has stock of its own or shares another store's), a new warehouse into its stores' pool (`poolOfStores`; a pool may
 * hold more than one connected set of stores and warehouses, and may not split one). A store with no home (made before
 * homes, or written straight to a database without one) and an id without a tag are "legacy": shard 0, unless
 * `legacy_homes` names their store.
 *
 * Answers are cached per isolate for `CACHE_MS`, finished answers only, never a pending lookup (two callers that
 * miss at once both read; the directory is small and read-mostly). A tag never changes, so tags are kept for the
 * isolate's life; a store's shard changes only by a move (step 9), whose freeze outlasts the cache.
 */
import { eq, inArray, ne, type SQL, sql } from "drizzle-orm";
import { type IdPrefix, newTag, tagOf } from "../lib/ids";
import { anyOf, constraintFailed, type Database, database, directory, type DirectoryEnv } from "./client";
import { legacyHomes, poolMoves, pools, shards, storeHomes, stores, warehouseHomes, warehouses } from "./schema";
import { byShard, type Shard, SHARD_BINDINGS, SHARD_ZERO, type ShardBinding } from "./shard";

/** The main pool: stores placed with `shared` stock, and the warehouses of every store. Made on shard 0; it may move. */
export const POOL_ZERO = "pool_s0";
export const CACHE_MS = 30_000;

/** `storeTag`: a store known only by its tag (the customer's link, `/o/<tag>.<token>`). */
export type Key = { store: string } | { warehouse: string } | { id: string } | { storeTag: string };

/**
 * Ids that carry their warehouse's tag rather than a store's: a wave's, a bin transfer's and a transfer between
 * warehouses' (its source's) belong to no one store.
 */
const WAREHOUSE_TAGGED: readonly IdPrefix[] = ["wv", "trf", "stt"];
const tagKind = (id: string): "store" | "warehouse" => (WAREHOUSE_TAGGED.includes(id.slice(0, id.indexOf("_")) as IdPrefix) ? "warehouse" : "store");

/** Entries kept per cache before it starts again: enough for every store of a big merchant, bounded for a platform. */
const MAX_ENTRIES = 20_000;
const shardCache = new Map<string, { shard: Shard; at: number }>();
const tagCache = new Map<string, string | null>();

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, value);
}

/** Forgets every cached answer (tests; a move's switch in this isolate). */
export function forgetHomes(): void {
  shardCache.clear();
  tagCache.clear();
  legacyHomesSeen = null;
  shardsSeen = null;
}

const isShardBinding = (b: string): b is ShardBinding => (SHARD_BINDINGS as readonly string[]).includes(b);

function shardFrom(row: { id: string; binding: string }): Shard {
  if (row.id === SHARD_ZERO.id && row.binding === SHARD_ZERO.binding) return SHARD_ZERO;
  if (!isShardBinding(row.binding)) throw new Error(`shard ${row.id} names binding ${row.binding}, which is not a shard binding of this Worker`);
  return Object.freeze({ id: row.id, binding: row.binding });
}

/** The shard of the home `where` picks in `homes` (stores' or warehouses'), or null when there is no such home. */
async function homeShard(db: Database, homes: typeof storeHomes | typeof warehouseHomes, where: SQL | undefined): Promise<Shard | null> {
  const [row] = await db
    .select({ id: shards.id, binding: shards.binding })
    .from(homes)
    .innerJoin(pools, eq(pools.id, homes.poolId))
    .innerJoin(shards, eq(shards.id, pools.shardId))
    .where(where)
    .limit(1);
  return row ? shardFrom(row) : null;
}

/** The shard a pool is on (shard 0 for the main pool before the directory has it: it is made with the first home). */
export async function shardOfPool(env: DirectoryEnv, pool: string): Promise<Shard> {
  const [row] = await directory(env)
    .select({ id: shards.id, binding: shards.binding })
    .from(pools)
    .innerJoin(shards, eq(shards.id, pools.shardId))
    .where(eq(pools.id, pool))
    .limit(1);
  return row ? shardFrom(row) : SHARD_ZERO;
}

let shardsSeen: { shards: readonly Shard[]; at: number } | null = null;

/**
 * The shards in use: shard 0 and every shard the directory lists (a deploy adds them), asked once per `CACHE_MS`.
 * What the crons run on (`forEachShard`): a shard that holds no pool yet is swept too, and has nothing to sweep.
 */
export async function shardsInUse(env: DirectoryEnv, now = Date.now()): Promise<readonly Shard[]> {
  if (shardsSeen && now - shardsSeen.at < CACHE_MS) return shardsSeen.shards;
  const rows = await directory(env).select({ id: shards.id, binding: shards.binding }).from(shards).orderBy(shards.id);
  const listed = rows.flatMap((row) => {
    if (row.id === SHARD_ZERO.id) return [];
    // A shard whose binding this Worker lacks is a deploy's mistake: said, and skipped, so the others' crons still run.
    if (!isShardBinding(row.binding)) {
      console.error(`shard ${row.id} names binding ${row.binding}, which this Worker does not have: its crons do not run`);
      return [];
    }
    return [shardFrom(row)];
  });
  shardsSeen = { shards: [SHARD_ZERO, ...listed], at: now };
  return shardsSeen.shards;
}

/** Drops this isolate's answer of `shardsInUse`, after it registered a shard (other isolates' expire in `CACHE_MS`). */
export function shardsChanged(): void {
  shardsSeen = null;
}

/**
 * The shard a message names by its id (`OutboxMessage.shard`), from the shards in use; null for one this Worker does
 * not reach (a deploy's mistake, or a shard removed since), which the caller must not handle elsewhere.
 */
export async function shardNamed(env: DirectoryEnv, id: string, now = Date.now()): Promise<Shard | null> {
  if (id === SHARD_ZERO.id) return SHARD_ZERO;
  return (await shardsInUse(env, now)).find((s) => s.id === id) ?? null;
}

let legacyHomesSeen: { any: boolean; at: number } | null = null;

/**
 * Whether `legacy_homes` has any row, asked once per `CACHE_MS`: until a store made before tags moves off shard 0
 * (step 9) it is empty, and every untagged id (all of a deployment's older orders) is shard 0's without a read of
 * its own. A move writes its rows before it switches, and its freeze outlasts this answer.
 */
async function anyLegacyHomes(db: Database, now: number): Promise<boolean> {
  if (legacyHomesSeen && now - legacyHomesSeen.at < CACHE_MS) return legacyHomesSeen.any;
  const [row] = await db.select({ id: legacyHomes.id }).from(legacyHomes).limit(1);
  legacyHomesSeen = { any: row !== undefined, at: now };
  return legacyHomesSeen.any;
}

/**
 * Which shard holds a store, a warehouse, or the records an id names: by its tag (a store's, or for waves and bin
 * transfers the warehouse's), a legacy id by `legacy_homes`.
 */
export async function shardOf(env: DirectoryEnv, key: Key, now = Date.now()): Promise<Shard> {
  const tag = "id" in key ? tagOf(key.id) : "storeTag" in key ? key.storeTag : null;
  const tagged = "storeTag" in key ? "store" : "id" in key && tag ? tagKind(key.id) : null;
  const cacheKey =
    "store" in key ? `s:${key.store}` : "warehouse" in key ? `w:${key.warehouse}` : tag ? `${tagged === "store" ? "t" : "u"}:${tag}` : `i:${(key as { id: string }).id}`;
  const hit = shardCache.get(cacheKey);
  if (hit && now - hit.at < CACHE_MS) return hit.shard;
  const db = directory(env);
  let shard: Shard | null;
  if ("store" in key) shard = await homeShard(db, storeHomes, eq(storeHomes.storeId, key.store));
  else if ("warehouse" in key) shard = await homeShard(db, warehouseHomes, eq(warehouseHomes.warehouseId, key.warehouse));
  else if (tag) shard = tagged === "store" ? await homeShard(db, storeHomes, eq(storeHomes.tag, tag)) : await homeShard(db, warehouseHomes, eq(warehouseHomes.tag, tag));
  else if (!("id" in key) || !(await anyLegacyHomes(db, now))) shard = null;
  else {
    const [legacy] = await db.select({ storeId: legacyHomes.storeId }).from(legacyHomes).where(eq(legacyHomes.id, key.id)).limit(1);
    shard = legacy ? await homeShard(db, storeHomes, eq(storeHomes.storeId, legacy.storeId)) : null;
  }
  const answer = shard ?? SHARD_ZERO;
  remember(shardCache, cacheKey, { shard: answer, at: now });
  return answer;
}

/**
 * Where the pools that moved off `from` went (src/pools/move-pool.ts), when they all went to one shard: where a
 * message sent from `from` about no order belongs once `from` refuses it. Null when none moved, when they went to
 * several shards, or while a move off `from` is under way (the refusal may be that pool's, which is not there yet).
 */
export async function movedAwayTo(env: DirectoryEnv, from: string): Promise<Shard | null> {
  const rows = await directory(env).selectDistinct({ to: poolMoves.toShard, phase: poolMoves.phase }).from(poolMoves).where(eq(poolMoves.fromShard, from));
  if (rows.some((r) => r.phase === "copying" || r.phase === "frozen")) return null;
  const targets = new Set(rows.map((r) => r.to));
  return targets.size === 1 ? shardNamed(env, [...targets][0]!) : null;
}

/** The two kinds of home: a store's and a warehouse's, each with its table, its owner column and its cache keys. */
const HOMES = {
  store: { table: storeHomes, name: "store_homes", owner: storeHomes.storeId, key: "s" },
  warehouse: { table: warehouseHomes, name: "warehouse_homes", owner: warehouseHomes.warehouseId, key: "w" },
} as const;
type HomeKind = keyof typeof HOMES;

async function readTag(db: Database, kind: HomeKind, owner: string): Promise<string | undefined> {
  const h = HOMES[kind];
  const [row] = await db.select({ tag: h.table.tag }).from(h.table).where(eq(h.owner, owner)).limit(1);
  return row?.tag;
}

async function cachedTag(env: DirectoryEnv, kind: HomeKind, owner: string): Promise<string | null> {
  const key = `${HOMES[kind].key}:${owner}`;
  const known = tagCache.get(key);
  if (known !== undefined) return known;
  // A store or warehouse without a home gets one only by being created, which writes the home first: null stays true.
  const tag = (await readTag(directory(env), kind, owner)) ?? null;
  remember(tagCache, key, tag);
  return tag;
}

/** The tag new ids of `storeId` carry, or null for a store with no home (its ids stay untagged, on shard 0). */
export const storeTag = (env: DirectoryEnv, storeId: string) => cachedTag(env, "store", storeId);

/** The tag new wave and bin-transfer ids of `warehouseId` carry, or null for a warehouse with no home. */
export const warehouseTag = (env: DirectoryEnv, warehouseId: string) => cachedTag(env, "warehouse", warehouseId);

/** Shard 0 and its pool, in every directory from the first store or warehouse on; a deploy adds the other shards. */
async function ensurePoolZero(db: Database, now: number): Promise<void> {
  await db.batch([
    db.insert(shards).values({ id: SHARD_ZERO.id, binding: SHARD_ZERO.binding, state: "open", createdAt: now, updatedAt: now }).onConflictDoNothing(),
    db.insert(pools).values({ id: POOL_ZERO, shardId: SHARD_ZERO.id, state: "live", createdAt: now, updatedAt: now }).onConflictDoNothing(),
  ]);
}

/**
 * Writes a home with a free tag (`insert` with the drawn tag; a conflict on the owner's key keeps the home already
 * there) and reads back the tag it holds. Tags are drawn at random from about a million, so a taken one is rare
 * until the directory is nearly full; eight draws then give up.
 */
export async function homeWithTag(
  table: "store_homes" | "warehouse_homes",
  insert: (tag: string) => Promise<unknown>,
  read: () => Promise<string | undefined>,
  draw: () => string = newTag,
) {
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      await insert(draw());
    } catch (err) {
      if (constraintFailed(err, `${table}.tag`)) continue;
      throw err;
    }
    const tag = await read();
    if (!tag) throw new Error(`${table}: no home after it was written`);
    return tag;
  }
  throw new Error(`${table}: no free tag after 8 draws; the directory's tags are nearly used up`);
}

/**
 * The refusal of a pool that is not `live`: a move (src/pools/move-pool.ts) read its stores and warehouses when it
 * started, so one that joined it now would be left behind on the old database. The API answers 503 `pool_moving`
 * with Retry-After (src/app.ts), and the same request succeeds once the move has switched.
 */
export const poolNotLive = (pool: string) => new Error(`pool_moving: pool ${pool} is moving to another database; a store or warehouse joins it once it has`);

async function homeNew(env: DirectoryEnv, kind: HomeKind, owner: string, now: number, pool = POOL_ZERO): Promise<{ tag: string; shard: Shard }> {
  const db = directory(env);
  await ensurePoolZero(db, now);
  const h = HOMES[kind];
  // Written only while the pool is live, in the same statement: a move marks its pool `moving` before it reads
  // the pool's homes, so every home is either read by the move or refused here.
  const insert = (tag: string) =>
    db.run(
      sql`INSERT INTO ${h.table} (${sql.identifier(h.owner.name)}, pool_id, tag, created_at)
        SELECT ${owner}, ${pool}, ${tag}, ${now} WHERE EXISTS (SELECT 1 FROM ${pools} WHERE ${pools.id} = ${pool} AND ${pools.state} = 'live')
        ON CONFLICT (${sql.identifier(h.owner.name)}) DO NOTHING`,
    );
  const read = async () => {
    const tag = await readTag(db, kind, owner);
    if (tag) return tag;
    const [found] = await db.select({ state: pools.state }).from(pools).where(eq(pools.id, pool)).limit(1);
    if (found && found.state !== "live") throw poolNotLive(pool);
    return undefined;
  };
  const tag = await homeWithTag(h.name, insert, read);
  const key = `${h.key}:${owner}`;
  remember(tagCache, key, tag);
  shardCache.delete(key);
  return { tag, shard: await shardOf(env, kind === "store" ? { store: owner } : { warehouse: owner }, now) };
}

/**
 * Gives a new store its home before its row is written: in `pool` (src/stores/place-store.ts chooses it; the main
 * pool by default) and with a free tag. Idempotent (a retried creation finds the home it made). Returns the store's
 * tag and the shard its rows go to. A pool that is moving takes no new home (`poolNotLive`).
 */
export const homeNewStore = (env: DirectoryEnv, storeId: string, now = Date.now(), pool = POOL_ZERO) => homeNew(env, "store", storeId, now, pool);

/**
 * `homeNewStore` for a warehouse: in `pool`, the pool of the stores it serves (`poolOfStores`), and the tag of its
 * waves and bin transfers.
 */
export const homeNewWarehouse = (env: DirectoryEnv, warehouseId: string, now = Date.now(), pool = POOL_ZERO) => homeNew(env, "warehouse", warehouseId, now, pool);

/**
 * The stock pool a warehouse of these stores belongs in (docs/SHARDING.md, section 2). Its stores' pools (a store
 * without a home is pool 0's: they are on shard 0, and pool 0 moves only when there is none) and `current`, the
 * warehouse's own pool when it exists, must all be on one shard: then the answer is the pool they become (`current`,
 * else pool 0 if among them, else the first by id) and the others, which the caller joins into it (`joinPools`,
 * src/db/pools.ts). Pools on two shards are `split`, with each store's pool named: a warehouse reserves stock in the
 * same batch as each store's orders, so it cannot serve stores on two databases. A warehouse of every store ("*") is
 * pool 0's, and needs every store on pool 0's shard.
 */
export async function poolOfStores(
  env: DirectoryEnv,
  storeIds: readonly string[],
  current?: string,
): Promise<{ pool: string; joins: string[] } | { split: Record<string, string> }> {
  const db = directory(env);
  const every = storeIds.includes("*");
  const named = [...new Set(storeIds.filter((s) => s !== "*"))];
  const homes = every
    ? await db.select({ storeId: storeHomes.storeId, poolId: storeHomes.poolId }).from(storeHomes).where(ne(storeHomes.poolId, POOL_ZERO))
    : named.length
      ? await db
          .select({ storeId: storeHomes.storeId, poolId: storeHomes.poolId })
          .from(storeHomes)
          .where(inArray(storeHomes.storeId, anyOf(named)))
      : [];
  const poolOf = new Map(homes.map((h) => [h.storeId, h.poolId]));
  const byStore: Record<string, string> = every ? Object.fromEntries(poolOf) : Object.fromEntries(named.map((s) => [s, poolOf.get(s) ?? POOL_ZERO]));
  const involved = new Set([...Object.values(byStore), ...(every ? [POOL_ZERO] : []), ...(current ? [current] : [])]);
  const target = current ?? (involved.has(POOL_ZERO) || !involved.size ? POOL_ZERO : [...involved].sort()[0]!);
  if (every && target !== POOL_ZERO) return { split: { "*": POOL_ZERO, warehouse: target } };
  const rows = await db
    .select({ id: pools.id, shardId: pools.shardId })
    .from(pools)
    .where(inArray(pools.id, anyOf([...involved])));
  const shardOfPool = new Map(rows.map((r) => [r.id, r.shardId]));
  shardOfPool.set(POOL_ZERO, shardOfPool.get(POOL_ZERO) ?? SHARD_ZERO.id);
  const home = shardOfPool.get(target);
  const elsewhere = [...involved].filter((p) => shardOfPool.get(p) !== home);
  if (elsewhere.length) {
    const shown = every
      ? Object.entries(byStore)
          .filter(([, p]) => elsewhere.includes(p))
          .slice(0, 5)
      : Object.entries(byStore);
    return { split: { ...(every ? { "*": POOL_ZERO } : {}), ...Object.fromEntries(shown), ...(current ? { warehouse: current } : {}) } };
  }
  return { pool: target, joins: [...involved].filter((p) => p !== target) };
}

/**
 * Takes back a home written for a creation that was then refused (a store's, or a warehouse's with `kind`), and
 * `pool` with it when given (the pool was the creation's own). Nothing else points at either yet.
 */
export async function withdrawHome(env: DirectoryEnv, owner: string, pool: string | null, kind: HomeKind = "store"): Promise<void> {
  const db = directory(env);
  const h = HOMES[kind];
  await db.batch([db.delete(h.table).where(eq(h.owner, owner)), ...(pool ? [db.delete(pools).where(eq(pools.id, pool))] : [])]);
  tagCache.delete(`${h.key}:${owner}`);
  shardCache.delete(`${h.key}:${owner}`);
}

/** The pool a warehouse is in: its home's, pool 0's without one. */
export async function poolOfWarehouse(env: DirectoryEnv, warehouseId: string): Promise<string> {
  const [home] = await directory(env).select({ poolId: warehouseHomes.poolId }).from(warehouseHomes).where(eq(warehouseHomes.warehouseId, warehouseId)).limit(1);
  return home?.poolId ?? POOL_ZERO;
}

/** What `missing` reads: the directory, and the shards' bindings to look for the rows on. */
type LookupEnv = DirectoryEnv & Partial<Record<ShardBinding, D1Database>>;

/**
 * Which of `ids` name no store (or warehouse): each is looked for on the shard its home names, shard 0 for one
 * without a home. A home alone is not enough: it is written before its store's row, which may never have followed.
 * One query per shard holding any of them; staff and keys are scoped to a few, so this is a round trip or two.
 */
export async function missing(env: LookupEnv, kind: HomeKind, ids: readonly string[]): Promise<string[]> {
  const table = kind === "store" ? stores : warehouses;
  const found = await byShard(
    env,
    [...new Set(ids)],
    (id) => shardOf(env, kind === "store" ? { store: id } : { warehouse: id }),
    async (onIt, some) =>
      (
        await database(onIt)
          .select({ id: table.id })
          .from(table)
          .where(inArray(table.id, anyOf(some)))
      ).map((r) => r.id),
  );
  return ids.filter((id) => !found.includes(id));
}

/**
 * The first list of a person's or key's scope that names a store or warehouse that does not exist, and which ids
 * ("*" names none); null when every one does.
 */
export async function missingInScope(
  env: LookupEnv,
  scope: { storeIds: readonly string[]; warehouseIds: readonly string[] },
): Promise<{ field: "store_ids" | "warehouse_ids"; kind: HomeKind; ids: string[] } | null> {
  for (const [field, kind, ids] of [
    ["store_ids", "store", scope.storeIds],
    ["warehouse_ids", "warehouse", scope.warehouseIds],
  ] as const) {
    if (ids.includes("*")) continue;
    const gone = await missing(env, kind, ids);
    if (gone.length) return { field, kind, ids: gone };
  }
  return null;
}
