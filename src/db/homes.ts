/**
 * Where a store lives (docs/SHARDING.md sections 3 and 4): the directory's `store_homes` gives each store a pool
 * and a tag, `pools` gives the pool's shard, `shards` the binding. `shardOf` answers "which database" for a store
 * or for an id that carries a store tag (src/lib/ids.ts); `storeTag` gives the tag new ids of a store carry.
 *
 * Placement is not on yet (build step 8): a new store goes into `POOL_ZERO`, the pool of everything on shard 0, so
 * its rows stay where they are today. A store with no home (made before homes, or written straight to a database,
 * as the demo seed does) and an id without a tag are "legacy": shard 0, unless `legacy_homes` names their store.
 *
 * Answers are cached per isolate for `CACHE_MS`, finished answers only, never a pending lookup (two callers that
 * miss at once both read; the directory is small and read-mostly). A tag never changes, so tags are kept for the
 * isolate's life; a store's shard changes only by a move (step 9), whose freeze outlasts the cache.
 */
import { eq } from "drizzle-orm";
import { newTag, tagOf } from "../lib/ids";
import { constraintFailed, type Database, directory } from "./client";
import { legacyHomes, pools, shards, storeHomes } from "./schema";
import { type Shard, SHARD_BINDINGS, SHARD_ZERO, type ShardBinding } from "./shard";

type DirectoryEnv = { DIRECTORY: D1Database; PII_KEYS?: string; PII_INDEX_KEY?: string; D1_TRACE?: string };

/** The pool every store is placed in until placement by pool is built (step 8): shard 0's. */
export const POOL_ZERO = "pool_s0";
export const CACHE_MS = 30_000;

export type Key = { store: string } | { id: string };

const shardCache = new Map<string, { shard: Shard; at: number }>();
const tagCache = new Map<string, string | null>();

/** Forgets every cached answer (tests; a move's switch in this isolate). */
export function forgetHomes(): void {
  shardCache.clear();
  tagCache.clear();
}

const isShardBinding = (b: string): b is ShardBinding => (SHARD_BINDINGS as readonly string[]).includes(b);

function shardFrom(row: { id: string; binding: string }): Shard {
  if (row.id === SHARD_ZERO.id && row.binding === SHARD_ZERO.binding) return SHARD_ZERO;
  if (!isShardBinding(row.binding)) throw new Error(`shard ${row.id} names binding ${row.binding}, which is not a shard binding of this Worker`);
  return Object.freeze({ id: row.id, binding: row.binding });
}

/** The shard of the store `where` picks, or null when the store has no home. */
async function homeShard(db: Database, where: ReturnType<typeof eq>): Promise<Shard | null> {
  const [row] = await db
    .select({ id: shards.id, binding: shards.binding })
    .from(storeHomes)
    .innerJoin(pools, eq(pools.id, storeHomes.poolId))
    .innerJoin(shards, eq(shards.id, pools.shardId))
    .where(where)
    .limit(1);
  return row ? shardFrom(row) : null;
}

/** Which shard holds a store, or the records an id names (by its store tag; a legacy id by `legacy_homes`). */
export async function shardOf(env: DirectoryEnv, key: Key, now = Date.now()): Promise<Shard> {
  const cacheKey = "store" in key ? `s:${key.store}` : tagOf(key.id) ? `t:${tagOf(key.id)}` : `i:${key.id}`;
  const hit = shardCache.get(cacheKey);
  if (hit && now - hit.at < CACHE_MS) return hit.shard;
  const db = directory(env);
  let shard: Shard | null;
  if ("store" in key) shard = await homeShard(db, eq(storeHomes.storeId, key.store));
  else {
    const tag = tagOf(key.id);
    if (tag) shard = await homeShard(db, eq(storeHomes.tag, tag));
    else {
      const [legacy] = await db.select({ storeId: legacyHomes.storeId }).from(legacyHomes).where(eq(legacyHomes.id, key.id)).limit(1);
      shard = legacy ? await homeShard(db, eq(storeHomes.storeId, legacy.storeId)) : null;
    }
  }
  const answer = shard ?? SHARD_ZERO;
  shardCache.set(cacheKey, { shard: answer, at: now });
  return answer;
}

/** The tag new ids of `storeId` carry, or null for a store with no home (its ids stay untagged, on shard 0). */
export async function storeTag(env: DirectoryEnv, storeId: string): Promise<string | null> {
  const known = tagCache.get(storeId);
  if (known !== undefined) return known;
  const [row] = await directory(env).select({ tag: storeHomes.tag }).from(storeHomes).where(eq(storeHomes.storeId, storeId)).limit(1);
  // A store without a home may get one only by being created, which writes the home first: caching null is safe.
  const tag = row?.tag ?? null;
  tagCache.set(storeId, tag);
  return tag;
}

/**
 * Gives a new store its home before its row is written: shard 0's pool (until step 8) and a free tag. Idempotent
 * (a retried creation finds the home it made). Returns the store's tag and the shard its rows go to.
 */
export async function homeNewStore(env: DirectoryEnv, storeId: string, now = Date.now()): Promise<{ tag: string; shard: Shard }> {
  const db = directory(env);
  // Shard 0 and its pool exist in every directory from the first store on; a deploy adds the other shards.
  await db.batch([
    db.insert(shards).values({ id: SHARD_ZERO.id, binding: SHARD_ZERO.binding, state: "open", createdAt: now, updatedAt: now }).onConflictDoNothing(),
    db.insert(pools).values({ id: POOL_ZERO, shardId: SHARD_ZERO.id, state: "live", createdAt: now, updatedAt: now }).onConflictDoNothing(),
  ]);
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      await db.insert(storeHomes).values({ storeId, poolId: POOL_ZERO, tag: newTag(), createdAt: now }).onConflictDoNothing({ target: storeHomes.storeId });
    } catch (err) {
      // Another store holds that tag: draw again (a million tags, so rare until the directory is nearly full).
      if (constraintFailed(err, "store_homes.tag")) continue;
      throw err;
    }
    const tag = await storeTagFresh(db, storeId);
    tagCache.set(storeId, tag);
    shardCache.delete(`s:${storeId}`);
    return { tag, shard: await shardOf(env, { store: storeId }, now) };
  }
  throw new Error("no free store tag after 8 draws: the directory's tags are nearly used up");
}

async function storeTagFresh(db: Database, storeId: string): Promise<string> {
  const [row] = await db.select({ tag: storeHomes.tag }).from(storeHomes).where(eq(storeHomes.storeId, storeId)).limit(1);
  if (!row) throw new Error(`store ${storeId} has no home after it was written`);
  return row.tag;
}
