/**
 * Which stock pool a new store goes into, and so which database holds its rows (docs/SHARDING.md section 2, "Placing
 * stores"). Stores that share a warehouse must share a pool: the warehouse's stock is reserved in the same batch as
 * each store's orders. So the merchant says what the store shares, not where it goes:
 *
 * - `shared`: the main pool (pool 0, on shard 0 unless it was moved), with every warehouse of every store ("*");
 * - `own`: a pool of its own on the shard with the most room (src/db/pools.ts). A warehouse of every store would
 *   serve it from another pool, so while one exists this is refused (409 `pool_split`);
 * - `{ with_store }`: that store's pool, to share its warehouses.
 *
 * Unset, the deployment decides (`STORE_PLACEMENT`): `shared`, or `spread`, which is `own` unless a warehouse of
 * every store exists (then `shared`: the pool of the warehouses that will serve it).
 */
import { sql } from "drizzle-orm";
import { database } from "../db/client";
import { missing, POOL_ZERO, poolOfStores, shardOfPool, withdrawHome } from "../db/homes";
import { openPool, roomiestShard } from "../db/pools";
import { warehouses } from "../db/schema";
import { onShard } from "../db/shard";
import type { ShardEnv } from "../env";
import { ApiError, validationFailed } from "../http/problem";
import type { StockInput } from "./schemas";

/**
 * A warehouse of every store, if any: they are the main pool's (`poolOfStores`), so on its shard (shard 0 unless it
 * moved). Inactive ones count, since they can be switched on again.
 */
async function everyStoreWarehouse(env: ShardEnv): Promise<string | null> {
  const [row] = await database(onShard(env, await shardOfPool(env, POOL_ZERO)))
    .select({ id: warehouses.id })
    .from(warehouses)
    .where(sql`EXISTS (SELECT 1 FROM json_each(${warehouses.storeIds}) WHERE value = '*')`)
    .limit(1);
  return row?.id ?? null;
}

const ownPool = (storeId: string) => `pool_${storeId.slice("st_".length)}`;

const besideEveryStoreWarehouse = (every: string) =>
  new ApiError(
    409,
    "pool_split",
    "A warehouse serves every store",
    `Warehouse ${every} serves every store ("*"), so a new store shares its stock pool: create it with stock "shared", or give ${every} a list of stores first.`,
  );

/** The pool of a new store `storeId` (opened here when it is a pool of its own). */
export async function placeStore(env: ShardEnv, storeId: string, stock: StockInput | undefined, now = Date.now()): Promise<string> {
  // Asked once: under "spread" it decides the default, and an own pool is refused beside it.
  const mayBeOwn = stock === "own" || (stock === undefined && env.STORE_PLACEMENT === "spread");
  const every = mayBeOwn ? await everyStoreWarehouse(env) : null;
  const asked = stock ?? (env.STORE_PLACEMENT === "spread" && !every ? "own" : "shared");
  if (asked === "shared") return POOL_ZERO;
  if (asked === "own") {
    if (every) throw besideEveryStoreWarehouse(every);
    const pool = ownPool(storeId);
    await openPool(env, pool, await roomiestShard(env, now), now);
    return pool;
  }
  if ((await missing(env, "store", [asked.with_store])).length) {
    throw validationFailed([{ field: "stock.with_store", message: `no such store ${asked.with_store}` }]);
  }
  const found = await poolOfStores(env, [asked.with_store]);
  // One store is in one pool: never a split.
  return "pool" in found ? found.pool : POOL_ZERO;
}

/**
 * After a store's home is written in `pool`, and before its row: a store outside the main pool beside a warehouse of
 * every store is refused once more, in case that warehouse was created since `placeStore` looked. The warehouse's
 * creation looks for such stores after writing its own row (src/inventory/warehouse-routes.ts), so of the two made
 * at once at least one sees the other and withdraws. Withdrawing here deletes the home, and the pool if it was the
 * store's own.
 */
export async function confirmPlacement(env: ShardEnv, storeId: string, pool: string): Promise<void> {
  if (pool === POOL_ZERO) return;
  const every = await everyStoreWarehouse(env);
  if (!every) return;
  await withdrawHome(env, storeId, pool === ownPool(storeId) ? pool : null);
  throw besideEveryStoreWarehouse(every);
}
