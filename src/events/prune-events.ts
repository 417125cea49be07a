/**
 * The feed and the webhook delivery log are kept EVENT_TTL_MS (30 days):
 * longer than any retry schedule (27.6 h) and than a poller is expected to
 * stay away. A delivery still pending for an event that is gone (its
 * subscription was off for a month) goes with it: there is nothing left to send.
 */
import { and, inArray, lt, type SQLWrapper, sql } from "drizzle-orm";
import { database, HELD_BY_A_MOVE, notMoving } from "../db/client";
import { events, webhookAttempts, webhookDeliveries } from "../db/schema";
import type { ShardEnv } from "../env";

export const EVENT_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A subscription whose store is not on the move between databases (a move copies its log as it is). */
const notMovingSubscription = (subscriptionId: SQLWrapper) => sql`${subscriptionId} NOT IN (SELECT id FROM webhook_subscriptions WHERE store_id IN (${HELD_BY_A_MOVE}))`;

export async function pruneEvents(env: ShardEnv, now = Date.now()): Promise<void> {
  const db = database(env);
  const cutoff = now - EVENT_TTL_MS;
  await db.batch([
    db.delete(events).where(and(lt(events.createdAt, cutoff), notMoving(events.storeId))),
    db.delete(webhookAttempts).where(and(lt(webhookAttempts.attemptedAt, cutoff), notMovingSubscription(webhookAttempts.subscriptionId))),
    db
      .delete(webhookDeliveries)
      .where(and(lt(webhookDeliveries.createdAt, cutoff), inArray(webhookDeliveries.status, ["delivered", "failed"]), notMovingSubscription(webhookDeliveries.subscriptionId))),
    db
      .delete(webhookDeliveries)
      .where(
        and(
          lt(webhookDeliveries.createdAt, cutoff),
          sql`NOT EXISTS (SELECT 1 FROM ${events} WHERE ${events.seq} = ${webhookDeliveries.eventSeq})`,
          notMovingSubscription(webhookDeliveries.subscriptionId),
        ),
      ),
  ]);
}
