/**
 * A store's webhook subscriptions. The signing secret is made here, sealed
 * at rest (encryptedText) and returned only by create and rotate; every
 * other answer leaves it out. A new subscription receives the events
 * committed after it was created (`start_seq`); older ones on replay.
 */
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { database } from "../db/client";
import { stores, webhookAttempts, webhookDeliveries, webhookSubscriptions } from "../db/schema";
import type { ShardEnv } from "../env";
import { assertStoreInScope, storeScope, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import { newId } from "../lib/ids";
import { storeTag } from "../db/homes";
import type { CreateSubscriptionInput, ListSubscriptionsFilter, UpdateSubscriptionInput } from "./schemas";

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
}

export async function createSubscription(env: ShardEnv, body: CreateSubscriptionInput, opts: { principal: Principal; now?: number }) {
  assertStoreInScope(opts.principal, body.store_id);
  const db = database(env);
  const store = await db.select({ id: stores.id }).from(stores).where(eq(stores.id, body.store_id)).get();
  if (!store) return { ok: false as const, errors: [{ field: "store_id", message: "no such store" }] };
  const now = opts.now ?? Date.now();
  const secret = newSecret();
  const [row] = await db
    .insert(webhookSubscriptions)
    .values({
      // With the store's tag: requests naming the subscription reach its store's shard (src/http/route-shard.ts).
      id: newId("whs", now, await storeTag(env, body.store_id)),
      storeId: body.store_id,
      url: body.url,
      eventTypes: [...new Set(body.event_types)],
      description: body.description ?? null,
      status: "active",
      secret,
      // Read in the insert itself: every event committed after this row is delivered, none before.
      startSeq: sql`(SELECT coalesce(max(seq), 0) FROM events)`,
      createdBy: opts.principal.id,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return { ok: true as const, row: row!, secret };
}

export async function getSubscription(env: ShardEnv, p: Principal, id: string): Promise<SubscriptionRow | null> {
  const row = await database(env)
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.id, id), storeScope(p, webhookSubscriptions.storeId)))
    .get();
  return row ?? null;
}

export async function listSubscriptions(env: ShardEnv, p: Principal, q: ListSubscriptionsFilter) {
  if (q.store_id) assertStoreInScope(p, q.store_id);
  const after = cursorKey(q.cursor, (k) => k.startsWith("whs_"));
  const rows = await database(env)
    .select()
    .from(webhookSubscriptions)
    .where(
      and(
        storeScope(p, webhookSubscriptions.storeId),
        q.store_id ? eq(webhookSubscriptions.storeId, q.store_id) : undefined,
        after ? lt(webhookSubscriptions.id, after) : undefined,
      ),
    )
    .orderBy(desc(webhookSubscriptions.id))
    .limit(q.limit + 1)
    .all();
  return pageOf(rows, q.limit, (r) => r.id);
}

export async function updateSubscription(env: ShardEnv, p: Principal, id: string, body: UpdateSubscriptionInput, now = Date.now()) {
  const current = await getSubscription(env, p, id);
  if (!current) return null;
  const reenable = body.status === "active" && current.status !== "active";
  const [row] = await database(env)
    .update(webhookSubscriptions)
    .set({
      url: body.url,
      eventTypes: body.event_types ? [...new Set(body.event_types)] : undefined,
      description: body.description,
      status: body.status,
      // Enabled again: the failure clock starts over; what waited while it was off is sent now.
      ...(reenable ? { failingSince: null, disabledAt: null, disabledReason: null } : {}),
      updatedAt: now,
    })
    .where(eq(webhookSubscriptions.id, id))
    .returning();
  return row ?? null;
}

/** How long the old secret keeps signing beside the new one after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export async function rotateSecret(env: ShardEnv, p: Principal, id: string, now = Date.now()) {
  const current = await getSubscription(env, p, id);
  if (!current) return null;
  const secret = newSecret();
  const [row] = await database(env)
    .update(webhookSubscriptions)
    .set({ secret, previousSecret: current.secret, previousSecretUntil: now + ROTATION_OVERLAP_MS, updatedAt: now })
    .where(eq(webhookSubscriptions.id, id))
    .returning();
  return row ? { row, secret } : null;
}

/** Gone with its deliveries and their log: nothing more is sent to it. */
export async function deleteSubscription(env: ShardEnv, p: Principal, id: string) {
  const current = await getSubscription(env, p, id);
  if (!current) return null;
  const db = database(env);
  await db.batch([
    db.delete(webhookAttempts).where(eq(webhookAttempts.subscriptionId, id)),
    db.delete(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id)),
    db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)),
  ]);
  return current;
}
