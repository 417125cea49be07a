/**
 * Stock pools and where they go (docs/SHARDING.md, section 2, build step 8). A pool is stores and the warehouses that
 * serve them; every batch that writes a store's orders with a warehouse's stock stays inside one, so a pool is what
 * gets placed on a shard, and two pools join only when they are on the same shard.
 *
 * - A store with stock of its own starts a pool on the open shard with the most room (`roomiestShard`): the fewest
 *   stores. The shards are the D1 bindings this Worker has (`DB` is `s0`, `DB_<n>` is `s<n>`): adding a binding to
 *   wrangler.toml and deploying adds a shard, registered `open` the first time a pool is placed. An operator marks
 *   one `full` in the directory to stop new pools going there.
 * - A warehouse of stores in several pools on one shard joins them into one (`joinPools`): only the directory's
 *   homes change, since their rows are in the same database already. Pools on two shards cannot join until a move
 *   puts them together (step 9): `poolOfStores` (src/db/homes.ts) answers `split`, and the caller refuses with 409.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { anyOf, directory, type DirectoryEnv } from "./client";
import { poolNotLive, shardsChanged } from "./homes";
import { pools, shards, storeHomes, warehouseHomes } from "./schema";
import { SHARD_BINDINGS, SHARD_ZERO, type Shard, type ShardBinding } from "./shard";

/** The directory's name for a binding's shard: `DB` is `s0` (the database from before sharding), `DB_<n>` is `s<n>`. */
export const shardIdOf = (binding: ShardBinding): string => (binding === SHARD_ZERO.binding ? SHARD_ZERO.id : `s${binding.slice("DB_".length)}`);

const shardNumber = (id: string) => Number(id.slice(1));

/**
 * The shard with the most room among `loads` (each open shard this Worker reaches, with how many stores it holds): the
 * fewest stores, and of equals the lowest numbered, so placement is the same wherever it runs. Null when there is none.
 */
export function mostRoom(loads: readonly { id: string; stores: number }[]): string | null {
  let best: { id: string; stores: number } | null = null;
  for (const l of loads) {
    if (!best || l.stores < best.stores || (l.stores === best.stores && shardNumber(l.id) < shardNumber(best.id))) best = l;
  }
  return best?.id ?? null;
}

type BoundEnv = DirectoryEnv & Partial<Record<ShardBinding, D1Database>>;

/** The shards this Worker is bound to. */
export const boundShards = (env: BoundEnv): Shard[] => SHARD_BINDINGS.filter((b) => env[b] !== undefined).map((binding) => ({ id: shardIdOf(binding), binding }));

/**
 * The open shard with the most room for a new pool: each bound shard is registered first (idempotent; a shard an
 * operator marked `full` or `draining` keeps its state). Stores with no home (made before homes) are not counted:
 * they are all on shard 0, which a deployment from before sharding already fills.
 */
export async function roomiestShard(env: BoundEnv, now = Date.now()): Promise<Shard> {
  const db = directory(env);
  const bound = await registerBoundShards(env, now);
  const loads = await db
    .select({ id: shards.id, binding: shards.binding, stores: sql<number>`count(${storeHomes.storeId})` })
    .from(shards)
    .leftJoin(pools, eq(pools.shardId, shards.id))
    .leftJoin(storeHomes, eq(storeHomes.poolId, pools.id))
    .where(eq(shards.state, "open"))
    .groupBy(shards.id);
  // The directory's names win: a shard an operator registered under another id is still the binding's.
  const reachable = loads.filter((l) => bound.some((b) => b.binding === l.binding));
  const id = mostRoom(reachable);
  if (!id) throw new Error("no open shard this Worker is bound to: every shard in the directory is full or draining");
  const binding = reachable.find((l) => l.id === id)!.binding as ShardBinding;
  return id === SHARD_ZERO.id && binding === SHARD_ZERO.binding ? SHARD_ZERO : { id, binding };
}

/**
 * Registers every shard this Worker is bound to in the directory, `open` (idempotent: a shard an operator marked
 * `full` or `draining` keeps its state), so it can be placed on, moved to and swept. Returns the bound shards.
 */
export async function registerBoundShards(env: BoundEnv, now = Date.now()): Promise<Shard[]> {
  const bound = boundShards(env);
  const registered = await directory(env)
    .insert(shards)
    .values(bound.map((s) => ({ id: s.id, binding: s.binding, state: "open" as const, createdAt: now, updatedAt: now })))
    .onConflictDoNothing()
    .returning({ id: shards.id });
  if (registered.length) shardsChanged();
  return bound;
}

/** A new, empty pool on `shard`. */
export async function openPool(env: DirectoryEnv, id: string, shard: Shard, now = Date.now()): Promise<void> {
  await directory(env).insert(pools).values({ id, shardId: shard.id, state: "live", createdAt: now, updatedAt: now }).onConflictDoNothing();
}

/**
 * Joins the pools `from` into `into`, all on one shard (the caller checked): their stores' and warehouses' homes
 * name `into`, and the emptied pools are deleted, in one batch. No row moves and no route changes, so nothing a
 * request has cached goes stale. Only live pools join: a moving pool's stores and warehouses were read when its move
 * started, and the batch reads the pools' states in the same transaction as it writes (`poolNotLive` otherwise,
 * nothing changed).
 */
export async function joinPools(env: DirectoryEnv, into: string, from: readonly string[]): Promise<void> {
  const others = from.filter((p) => p !== into);
  if (!others.length) return;
  const db = directory(env);
  const involved = [into, ...others];
  const allLive = sql`NOT EXISTS (SELECT 1 FROM ${pools} WHERE ${pools.id} IN ${anyOf(involved)} AND ${pools.state} <> 'live')`;
  const [states] = await db.batch([
    db
      .select({ id: pools.id, state: pools.state })
      .from(pools)
      .where(inArray(pools.id, anyOf(involved))),
    db
      .update(storeHomes)
      .set({ poolId: into })
      .where(and(inArray(storeHomes.poolId, anyOf(others)), allLive)),
    db
      .update(warehouseHomes)
      .set({ poolId: into })
      .where(and(inArray(warehouseHomes.poolId, anyOf(others)), allLive)),
    db.delete(pools).where(and(inArray(pools.id, anyOf(others)), allLive)),
  ]);
  const moving = states.find((p) => p.state !== "live");
  if (moving) throw poolNotLive(moving.id);
}
