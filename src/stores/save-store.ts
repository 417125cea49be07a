/** Creating and changing a store: API fields become columns, and a change forgets the store's cached finance thresholds. */
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { homeNewStore } from "../db/homes";
import { onShard } from "../db/shard";
import { stores } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { forgetOrderRules } from "./order-rules-cache";
import { confirmPlacement, placeStore } from "./place-store";
import type { CreateStoreInput, UpdateStoreInput } from "./schemas";

export type StoreRow = typeof stores.$inferSelect;

/** API fields to columns: the snake_case names that differ. */
const columns = ({
  auto_audit,
  notify_on,
  finance_review,
  complete_after_days,
  archive_after_days,
  return_window_days,
  backorder_priority,
  // Placement, not a column: read by `placeStore` at creation only.
  stock: _stock,
  ...rest
}: CreateStoreInput | (UpdateStoreInput & { stock?: undefined })) => ({
  ...rest,
  ...(backorder_priority === undefined ? {} : { backorderPriority: backorder_priority }),
  ...(complete_after_days === undefined ? {} : { completeAfterDays: complete_after_days }),
  ...(archive_after_days === undefined ? {} : { archiveAfterDays: archive_after_days }),
  ...(return_window_days === undefined ? {} : { returnWindowDays: return_window_days }),
  ...(finance_review === undefined ? {} : { financeReview: finance_review?.thresholds ?? null }),
  ...(auto_audit === undefined ? {} : { autoAudit: auto_audit }),
  ...(notify_on === undefined ? {} : { notifyOn: [...new Set(notify_on)] }),
});

/**
 * A new store gets its home in the directory first (src/db/homes.ts: the pool `placeStore` chose, so a shard, and the
 * tag its ids will carry), then its row, on the shard the home names: a store whose row exists always has a home. A
 * failure between the two leaves a home with no store (and perhaps an empty pool), which nothing reads.
 */
export async function createStore(env: ShardEnv, body: CreateStoreInput): Promise<StoreRow> {
  const now = Date.now();
  const id = newId("st", now);
  const pool = await placeStore(env, id, body.stock, now);
  const home = await homeNewStore(env, id, now, pool);
  await confirmPlacement(env, id, pool);
  const [row] = await database(onShard(env, home.shard))
    .insert(stores)
    .values({ id, ...columns(body), name: body.name, currency: body.currency, createdAt: now, updatedAt: now })
    .returning();
  return row!;
}

/** The store after the change, or null when there is no such store. */
export async function updateStore(env: ShardEnv, id: string, changes: UpdateStoreInput): Promise<StoreRow | null> {
  const [row] = await database(env)
    .update(stores)
    .set({ ...columns(changes), updatedAt: Date.now() })
    .where(eq(stores.id, id))
    .returning();
  if (!row) return null;
  forgetOrderRules(id);
  return row;
}
