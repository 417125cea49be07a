/** A store's SLA targets, read and replaced. Replacing them re-judges the store's history at the next rollup runs (apply-store-config.ts). */
import type { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { stores, storeSlas } from "../db/schema";
import type { ShardEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";
import { iso } from "../orders/serialize";
import type { SlaBody, StoreSla } from "./schemas";
import { slaOf } from "./sla";

const MINUTE_MS = 60_000;
const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / MINUTE_MS));
const ms = (min: number | null) => (min === null ? null : min * MINUTE_MS);

/** The store's targets in minutes (the defaults until it sets its own); null when the store is not visible. */
export async function getStoreSla(env: ShardEnv, p: Principal, storeId: string): Promise<z.infer<typeof StoreSla> | null> {
  if (!seesStore(p, storeId)) return null;
  const db = database(env);
  const [store, row] = await db.batch([db.select({ id: stores.id }).from(stores).where(eq(stores.id, storeId)), db.select().from(storeSlas).where(eq(storeSlas.storeId, storeId))]);
  if (!store[0]) return null;
  const sla = slaOf(row[0]);
  return {
    store_id: storeId,
    received_to_approved_minutes: minutes(sla.received_to_approved),
    approved_to_shipped_minutes: minutes(sla.approved_to_shipped),
    shipped_to_delivered_minutes: minutes(sla.shipped_to_delivered),
    received_to_completed_minutes: minutes(sla.received_to_completed),
    is_default: !row[0],
    updated_at: row[0] ? iso(row[0].updatedAt) : null,
  };
}

/** Replaces all four targets; the targets as stored, or null when the store is not visible. */
export async function setStoreSla(env: ShardEnv, storeId: string, opts: { principal: Principal; targets: z.infer<typeof SlaBody> }): Promise<z.infer<typeof StoreSla> | null> {
  const p = opts.principal;
  if (!(await getStoreSla(env, p, storeId))) return null;
  const b = opts.targets;
  const values = {
    receivedToApprovedMs: ms(b.received_to_approved_minutes),
    approvedToShippedMs: ms(b.approved_to_shipped_minutes),
    shippedToDeliveredMs: ms(b.shipped_to_delivered_minutes),
    receivedToCompletedMs: ms(b.received_to_completed_minutes),
    updatedAt: Date.now(),
  };
  await database(env)
    .insert(storeSlas)
    .values({ storeId, ...values })
    .onConflictDoUpdate({ target: storeSlas.storeId, set: values });
  return getStoreSla(env, p, storeId);
}
