/**
 * A warehouse and the stock pools of its stores (docs/SHARDING.md, section 2): it reserves stock in the same batch as
 * each of its stores' orders, so every store it serves lives on its database. Stores of pools on one shard are joined
 * into one pool; stores on two shards are refused with 409 `pool_split`. A warehouse of every store ("*") is the main
 * pool's and needs every store on its shard; a store of its own pool placed at the same moment is caught by each side
 * looking again after it writes (src/stores/place-store.ts is the store's side).
 */
import { and, eq, sql } from "drizzle-orm";
import { database, poolMoving } from "../db/client";
import { poolOfStores, poolOfWarehouse, withdrawHome } from "../db/homes";
import { joinPools } from "../db/pools";
import { bins, warehouseChanges, warehouses } from "../db/schema";
import type { ShardEnv } from "../env";
import { ApiError } from "../http/problem";
import { newId } from "../lib/ids";
import type { WarehouseRow } from "./scope";
import { changedFields } from "./warehouse-stores";

export const poolSplit = (pools: Record<string, string>) => {
  const { "*": every, ...named } = pools;
  const listed = Object.entries(named)
    .map(([who, pool]) => `${who} in ${pool}`)
    .join(", ");
  return new ApiError(
    409,
    "pool_split",
    "Stores of different stock pools",
    every
      ? `A warehouse of every store would serve stores whose stock is kept on another database (${listed}): name the stores it ships for in store_ids instead (docs/SHARDING.md).`
      : `A warehouse serves stores of one stock pool only, and these are in pools on different databases: ${listed}. Move them onto one shard first (docs/SHARDING.md).`,
  );
};

/**
 * The pool a warehouse of `storeIds` belongs in, their pools joined into it when they are on one shard (only the
 * directory changes; a warehouse write that then fails leaves them joined, which is harmless), else 409 `pool_split`,
 * naming each store's pool, and nothing written. `current`: the warehouse's own pool, which a change of its stores
 * cannot leave.
 */
export async function poolFor(env: ShardEnv, storeIds: readonly string[], current?: string): Promise<string> {
  const found = await poolOfStores(env, storeIds, current);
  if ("split" in found) throw poolSplit(found.split);
  await joinPools(env, found.pool, found.joins);
  return found.pool;
}

/**
 * A new warehouse of every store, its rows written (`env` on its shard): looks again for a store placed in another
 * pool meanwhile. A pool on the main pool's shard joins it, as before the write; one on another shard makes the
 * warehouse withdraw, nothing of it left, with the 409 (with the 503 of `poolNotLive` when one of them is moving).
 */
export async function confirmNewEveryStore(env: ShardEnv, warehouseId: string): Promise<void> {
  const refusal = await joinedOrRefusal(env, await poolOfStores(env, ["*"]));
  if (!refusal) return;
  const db = database(env);
  await db.batch([
    db.delete(bins).where(eq(bins.warehouseId, warehouseId)),
    db.delete(warehouseChanges).where(eq(warehouseChanges.warehouseId, warehouseId)),
    db.delete(warehouses).where(eq(warehouses.id, warehouseId)),
  ]);
  await withdrawHome(env, warehouseId, null, "warehouse");
  throw refusal;
}

/**
 * Joins the pools a warehouse of every store found after its write, or says why it cannot stand: pools on two shards
 * (`pool_split`), or one of them moving (`poolNotLive`, src/db/pools.ts: its stores would leave without the warehouse).
 */
async function joinedOrRefusal(env: ShardEnv, found: Awaited<ReturnType<typeof poolOfStores>>): Promise<Error | null> {
  if ("split" in found) return poolSplit(found.split);
  try {
    await joinPools(env, found.pool, found.joins);
    return null;
  } catch (err) {
    if (poolMoving(err)) return err as Error;
    throw err;
  }
}

/**
 * A warehouse just made one of every store (its change committed at `changedAt`, `env` on its shard): the same look
 * again. On another shard it goes back to the stores it had, recorded as a change of its own (unless someone changed
 * it since), with the 409 (or, when a pool to join is moving, the 503).
 */
export async function confirmEveryStoreChange(env: ShardEnv, o: { warehouse: WarehouseRow; actor: string; changedAt: number }): Promise<void> {
  const { warehouse: wh, actor, changedAt } = o;
  const refusal = await joinedOrRefusal(env, await poolOfStores(env, ["*"], await poolOfWarehouse(env, wh.id)));
  if (!refusal) return;
  const db = database(env);
  const back = changedAt + 1;
  const ours = and(eq(warehouses.id, wh.id), eq(warehouses.updatedAt, changedAt));
  const changes = changedFields({ store_ids: ["*"] }, { store_ids: wh.storeIds });
  await db.batch([
    db
      .insert(warehouseChanges)
      .select(sql`SELECT ${newId("whc", back)}, ${wh.id}, 'update', ${actor}, ${JSON.stringify(changes)}, ${back} WHERE EXISTS (SELECT 1 FROM ${warehouses} WHERE ${ours})`),
    db.update(warehouses).set({ storeIds: wh.storeIds, updatedAt: back }).where(ours),
  ]);
  throw refusal;
}
