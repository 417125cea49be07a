/**
 * Lists across shards (docs/SHARDING.md section 4 and build step 7): a list that names no one store asks every shard
 * that may hold one of the caller's stores for a page, and merges the pages by their key. Ids begin with their
 * creation time and are unique across databases (src/lib/ids.ts), so merging by id gives one order across shards,
 * and the cursor stays the last id: each shard is asked for its rows after it.
 *
 * A caller with one shard in play (every deployment until placement is on) runs its one query on the request's own
 * env, as before (`byShard` keeps it): no second round trip, the request's read-replica session kept.
 */
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { shardOf, shardsInUse } from "./homes";
import { byShard, type Shard } from "./shard";

/** The shards that may hold rows of `stores`: every shard in use for "*", else each store's. */
export async function shardsHolding(env: ShardEnv, stores: Principal["stores"]): Promise<Shard[]> {
  if (stores === "*") return [...(await shardsInUse(env))];
  const found = new Map<string, Shard>();
  for (const store of stores) {
    const shard = await shardOf(env, { store });
    found.set(shard.id, shard);
  }
  return [...found.values()];
}

/**
 * `query` on each shard holding any of `stores` (on `env` itself for its own shard), every shard's rows
 * together, newest first by `key` (oldest first for `asc`): the caller asks each for `limit + 1` rows after its
 * cursor and pages the first `limit + 1` of these.
 */
export async function acrossShards<Row>(
  env: ShardEnv,
  stores: Principal["stores"],
  query: (onIt: ShardEnv) => Promise<Row[]>,
  key: (row: Row) => string,
  dir: "asc" | "desc" = "desc",
): Promise<Row[]> {
  const rows = await byShard(env, await shardsHolding(env, stores), (shard) => shard, query);
  const sign = dir === "desc" ? 1 : -1;
  return rows.sort((a, b) => (key(a) < key(b) ? sign : key(a) > key(b) ? -sign : 0));
}

/**
 * A list's rows for one page: narrowed to a store or warehouse (`narrowed`), the request is already on its shard
 * (src/http/route-shard.ts) and `query` runs there alone; otherwise `acrossShards`.
 */
export function listedAcross<Row>(
  env: ShardEnv,
  p: Pick<Principal, "stores">,
  narrowed: unknown,
  query: (onIt: ShardEnv) => Promise<Row[]>,
  key: (row: Row) => string,
  dir: "asc" | "desc" = "desc",
): Promise<Row[]> {
  return narrowed ? query(env) : acrossShards(env, p.stores, query, key, dir);
}

/**
 * Records named by id (orders of a merged page, say) read where each lives: the ids grouped by their shard (the tag
 * in each id, src/db/homes.ts), `read` once per shard with its ids, the answers together.
 */
export function byShardOfIds<Row>(env: ShardEnv, ids: readonly string[], read: (onIt: ShardEnv, ids: string[]) => Promise<Row[]>): Promise<Row[]> {
  return byShard(env, ids, (id) => shardOf(env, { id }), read);
}
