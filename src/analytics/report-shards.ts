/**
 * Which databases a report reads (docs/SHARDING.md, build step 7): each shard holding one of the caller's stores,
 * narrowed to the stores a `store_id` filter names. The rollups are per database, kept by each shard's own runs, so
 * a report over stores on two shards reads both and merges (src/analytics/report-query.ts). The request's own shard
 * is read on its replica session (`readD1`); another shard on its primary.
 */
import { readD1, type D1Reads } from "../db/client";
import { shardsHolding } from "../db/fan-out";
import { shardOf } from "../db/homes";
import { onShard, type Shard } from "../db/shard";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";

export async function reportShards(env: ShardEnv, stores: Principal["stores"], wanted?: readonly string[]): Promise<D1Reads[]> {
  let shards: Shard[];
  if (wanted?.length) {
    const named = stores === "*" ? wanted : wanted.filter((s) => stores.includes(s));
    const found = new Map<string, Shard>();
    for (const store of new Set(named)) {
      const shard = await shardOf(env, { store });
      found.set(shard.id, shard);
    }
    shards = [...found.values()];
  } else shards = await shardsHolding(env, stores);
  // None (a filter outside the key's stores): the request's own shard, where the filter finds nothing.
  if (!shards.length) return [readD1(env)];
  return shards.map((s) => (s.id === env.shard.id ? readD1(env) : readD1(onShard(env, s))));
}
