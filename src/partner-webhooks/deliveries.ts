/** A subscription's deliveries and their attempt log, and replays: one delivery, or every event since a time. */
import { and, asc, desc, eq, gte, inArray, lt } from "drizzle-orm";
import { chunk, database, nonEmpty } from "../db/client";
import { events, webhookAttempts, webhookDeliveries } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import { matchesAny } from "../events/event-types";
import { newId } from "../lib/ids";
import { getSubscription } from "./manage-subscriptions";
import type { ListDeliveriesFilter } from "./schemas";

/** Replay since a time sends at most this many events a call; the answer says when it stopped short. */
const REPLAY_MAX = 5_000;

const deliveryColumns = {
  id: webhookDeliveries.id,
  subscriptionId: webhookDeliveries.subscriptionId,
  eventSeq: webhookDeliveries.eventSeq,
  eventType: events.type,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  deliveredAt: webhookDeliveries.deliveredAt,
  createdAt: webhookDeliveries.createdAt,
};

export async function listDeliveries(env: ShardEnv, p: Principal, subscriptionId: string, q: ListDeliveriesFilter) {
  if (!(await getSubscription(env, p, subscriptionId))) return null;
  const after = cursorKey(q.cursor, (k) => k.startsWith("msg_"));
  const rows = await database(env)
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .innerJoin(events, eq(events.seq, webhookDeliveries.eventSeq))
    .where(
      and(eq(webhookDeliveries.subscriptionId, subscriptionId), q.status ? eq(webhookDeliveries.status, q.status) : undefined, after ? lt(webhookDeliveries.id, after) : undefined),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(q.limit + 1)
    .all();
  return pageOf(rows, q.limit, (r) => r.id);
}

export async function getDelivery(env: ShardEnv, p: Principal, subscriptionId: string, deliveryId: string) {
  if (!(await getSubscription(env, p, subscriptionId))) return null;
  const db = database(env);
  const [delivery, attempts] = await db.batch([
    db
      .select(deliveryColumns)
      .from(webhookDeliveries)
      .innerJoin(events, eq(events.seq, webhookDeliveries.eventSeq))
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.subscriptionId, subscriptionId))),
    db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)).orderBy(asc(webhookAttempts.id)),
  ]);
  return delivery[0] ? { ...delivery[0], log: attempts } : null;
}

/** Sends one delivery again, on a fresh schedule and with the same `webhook-id`. */
export async function replayDelivery(env: ShardEnv, p: Principal, subscriptionId: string, deliveryId: string, now = Date.now()) {
  if (!(await getSubscription(env, p, subscriptionId))) return null;
  const [row] = await database(env)
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now, deliveredAt: null })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.subscriptionId, subscriptionId)))
    .returning({ id: webhookDeliveries.id });
  return row ? getDelivery(env, p, subscriptionId, deliveryId) : null;
}

/**
 * Every event of the subscription's store and types from `since` on is sent
 * again: a delivery it had is reset (same `webhook-id`), one it never had
 * (the event came before the subscription) is made.
 */
export async function replaySince(env: ShardEnv, p: Principal, subscriptionId: string, since: number, now = Date.now()) {
  const sub = await getSubscription(env, p, subscriptionId);
  if (!sub) return null;
  const db = database(env);
  const found = await db
    .select({ seq: events.seq, type: events.type })
    .from(events)
    .where(and(gte(events.createdAt, since), inArray(events.storeId, [sub.storeId, "*"])))
    .orderBy(asc(events.seq))
    .limit(REPLAY_MAX + 1)
    .all();
  const picked = found.slice(0, REPLAY_MAX).filter((e) => matchesAny(sub.eventTypes, e.type));
  const rows = picked.map((e) => ({ id: newId("msg", now), subscriptionId, eventSeq: e.seq, status: "pending" as const, attempts: 0, nextAttemptAt: now, createdAt: now }));
  if (rows.length) {
    await db.batch(
      nonEmpty(
        chunk(rows, 11).map((part) =>
          db
            .insert(webhookDeliveries)
            .values(part)
            .onConflictDoUpdate({
              target: [webhookDeliveries.subscriptionId, webhookDeliveries.eventSeq],
              set: { status: "pending", attempts: 0, nextAttemptAt: now, deliveredAt: null },
            }),
        ),
      ),
    );
  }
  return { queued: rows.length, truncated: found.length > REPLAY_MAX };
}
