/**
 * From the change feed to partners' endpoints, per the Standard Webhooks
 * spec. One pass (`dispatchWebhooks`) does two things:
 *
 * 1. Fan-out: the events after the dispatcher's cursor become one delivery
 *    per matching subscription (same store, or stock of a warehouse serving
 *    every store; a matching type; committed after the subscription was
 *    created). Paused and disabled subscriptions get theirs too: they wait. The cursor only moves forward and (subscription, event)
 *    is unique, so two passes at once neither lose nor double a delivery.
 * 2. Delivery: due deliveries are claimed (a conditional update that pushes
 *    `next_attempt_at` out by a lease, so a second runner skips them), sent,
 *    and each attempt is logged. A failure is retried on RETRY_DELAYS_MS
 *    (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over 27.6 h);
 *    after the last one the delivery is `failed` (a replay sends it again).
 *
 * Disabling: a subscription whose every attempt has failed for
 * DISABLE_AFTER_MS (24 h, measured from the first failure after its last
 * success) is disabled at its next failure, and its store gets a notice
 * (GET /v1/notices), in the same batch. Deliveries wait while it is
 * disabled or paused, and go out once it is active again.
 *
 * Ordering is not promised (retries overtake): every payload carries the
 * order's version and the feed's seq, so receivers drop what is older than
 * what they hold. `now` is a parameter so tests drive a day of retries
 * without sleeping; the signature's timestamp is always the real time of
 * sending, as receivers check it against their own clock.
 */
import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, database, nonEmpty, notMoving } from "../db/client";
import { events, merchantNotices, webhookAttempts, webhookDeliveries, webhookDispatchCursor, webhookSubscriptions } from "../db/schema";
import type { ShardEnv } from "../env";
import { matchesAny } from "../events/event-types";
import { newId } from "../lib/ids";
import { signedHeaders } from "../lib/standard-webhooks";

export const RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000] as const;
export const DISABLE_AFTER_MS = 24 * 3_600_000;
/** Longer than a request may take: a runner that died mid-attempt is retried after it. */
const LEASE_MS = 60_000;
const REQUEST_TIMEOUT_MS = 15_000;
const FAN_OUT_EVENTS = 500;
const EXCERPT_CHARS = 200;

type Db = ReturnType<typeof database>;

/** Subscriptions of stores that are not on the move between databases (their deliveries wait for the switch). */
const subscriptionNotMoving = notMoving(webhookSubscriptions.storeId);

/** When the next attempt is due after `attempts` failed ones, or null when the schedule is spent. */
export function nextAttemptAfter(attempts: number, now: number): number | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : now + delay;
}

/** Whether a subscription gets a delivery of an event: one after its start, of its store (or every store's), of its types. */
export function subscriptionWants(s: { storeId: string; startSeq: number; eventTypes: readonly string[] }, e: { seq: number; storeId: string; type: string }): boolean {
  return e.seq > s.startSeq && (e.storeId === s.storeId || e.storeId === "*") && matchesAny(s.eventTypes, e.type);
}

/** Turns new events into deliveries; returns how many events it read. */
async function fanOut(db: Db, now: number): Promise<number> {
  // One batch, one snapshot: a subscription created after it starts after every event it read (its start_seq).
  const [subs, fresh] = await db.batch([
    db
      .select({ id: webhookSubscriptions.id, storeId: webhookSubscriptions.storeId, eventTypes: webhookSubscriptions.eventTypes, startSeq: webhookSubscriptions.startSeq })
      // Paused and disabled ones too: their deliveries wait, and go out once they are active again. Not those of a
      // store being moved between databases (src/pools/move-pool.ts): the move fans out its events and carries the
      // deliveries across itself, and its guards would refuse these writes.
      .from(webhookSubscriptions)
      .where(subscriptionNotMoving),
    db
      .select({ seq: events.seq, storeId: events.storeId, type: events.type })
      .from(events)
      .where(gt(events.seq, sql`coalesce((SELECT ${webhookDispatchCursor.lastSeq} FROM ${webhookDispatchCursor} WHERE ${webhookDispatchCursor.id} = 1), 0)`))
      .orderBy(asc(events.seq))
      .limit(FAN_OUT_EVENTS),
  ]);
  if (!subs.length) {
    // Nobody listens: skip ahead in one statement that checks again, so a subscription created meanwhile keeps its events.
    await db.run(
      sql`UPDATE webhook_dispatch_cursor SET last_seq = max(last_seq, (SELECT coalesce(max(seq), 0) FROM events)) WHERE id = 1 AND NOT EXISTS (SELECT 1 FROM webhook_subscriptions)`,
    );
    return 0;
  }
  if (!fresh.length) return 0;
  const rows = fresh.flatMap((e) =>
    subs
      .filter((s) => subscriptionWants(s, e))
      .map((s) => ({ id: newId("msg", now), subscriptionId: s.id, eventSeq: e.seq, status: "pending" as const, attempts: 0, nextAttemptAt: now, createdAt: now })),
  );
  const last = fresh[fresh.length - 1]!.seq;
  await db.batch(
    nonEmpty<BatchItem<"sqlite">>([
      // 9 columns a row: 11 rows keep a statement under D1's 100 bound parameters.
      ...chunk(rows, 11).map((part) => db.insert(webhookDeliveries).values(part).onConflictDoNothing()),
      db
        .update(webhookDispatchCursor)
        .set({ lastSeq: sql`max(${webhookDispatchCursor.lastSeq}, ${last})` })
        .where(eq(webhookDispatchCursor.id, 1)),
    ]),
  );
  return fresh.length;
}

type Due = {
  id: string;
  subscriptionId: string;
  attempts: number;
  nextAttemptAt: number;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: number | null;
  event: typeof events.$inferSelect;
};

type Outcome = { due: Due; ok: boolean; statusCode: number | null; durationMs: number; excerpt: string | null; error: string | null };

/** The body receivers get: `{type, timestamp, data}` with the ids, the order's version and the feed position in `data`. */
export function payloadOf(e: typeof events.$inferSelect): string {
  return JSON.stringify({
    type: e.type,
    timestamp: new Date(e.createdAt).toISOString(),
    data: { ...e.data, event_seq: e.seq, store_id: e.storeId, order_version: e.orderVersion },
  });
}

async function excerptOf(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const { value } = await reader.read();
  await reader.cancel().catch(() => {});
  return value ? new TextDecoder().decode(value).slice(0, EXCERPT_CHARS) : null;
}

/** Signed with the secret, and during a rotation's overlap also with the previous one (space-separated, as the spec allows). */
async function headersFor(due: Due, body: string, sentAt: number, now: number): Promise<Record<string, string>> {
  const headers = await signedHeaders(due.secret, due.id, body, sentAt);
  if (due.previousSecret && due.previousSecretUntil !== null && now < due.previousSecretUntil) {
    const old = await signedHeaders(due.previousSecret, due.id, body, sentAt);
    headers["webhook-signature"] = `${headers["webhook-signature"]} ${old["webhook-signature"]}`;
  }
  return headers;
}

async function send(due: Due, now: number): Promise<Outcome> {
  const body = payloadOf(due.event);
  const started = Date.now();
  try {
    const headers = await headersFor(due, body, started, now);
    const res = await fetch(due.url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "edge-oms-webhooks/1" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const excerpt = await excerptOf(res).catch(() => null);
    return { due, ok: res.status >= 200 && res.status < 300, statusCode: res.status, durationMs: Date.now() - started, excerpt, error: null };
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { due, ok: false, statusCode: null, durationMs: Date.now() - started, excerpt: null, error: error.slice(0, EXCERPT_CHARS) };
  }
}

/** Claims up to `limit` due deliveries of active subscriptions; only the ones this runner won. */
async function claimDue(db: Db, now: number, limit: number): Promise<Due[]> {
  const rows = await db
    .select({
      id: webhookDeliveries.id,
      subscriptionId: webhookDeliveries.subscriptionId,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      url: webhookSubscriptions.url,
      secret: webhookSubscriptions.secret,
      previousSecret: webhookSubscriptions.previousSecret,
      previousSecretUntil: webhookSubscriptions.previousSecretUntil,
      event: events,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
    .innerJoin(events, eq(events.seq, webhookDeliveries.eventSeq))
    .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now), eq(webhookSubscriptions.status, "active"), subscriptionNotMoving))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .all();
  if (!rows.length) return [];
  const won = await db.batch(
    nonEmpty(
      rows.map((r) =>
        db
          .update(webhookDeliveries)
          .set({ nextAttemptAt: now + LEASE_MS })
          .where(and(eq(webhookDeliveries.id, r.id), eq(webhookDeliveries.status, "pending"), eq(webhookDeliveries.nextAttemptAt, r.nextAttemptAt)))
          .returning({ id: webhookDeliveries.id }),
      ),
    ),
  );
  return rows.filter((_, i) => won[i]!.length > 0);
}

/** The log rows, each delivery's next state, and each subscription's health, as one batch. */
function recordOutcomes(db: Db, outcomes: Outcome[], now: number): BatchItem<"sqlite">[] {
  const writes: BatchItem<"sqlite">[] = [];
  const attemptRows = outcomes.map((o) => ({
    deliveryId: o.due.id,
    subscriptionId: o.due.subscriptionId,
    attemptedAt: now,
    statusCode: o.statusCode,
    durationMs: o.durationMs,
    responseExcerpt: o.excerpt,
    error: o.error,
  }));
  for (const part of chunk(attemptRows, 14)) writes.push(db.insert(webhookAttempts).values(part));
  for (const o of outcomes) {
    const attempts = o.due.attempts + 1;
    const next = o.ok ? null : nextAttemptAfter(attempts, now);
    writes.push(
      db
        .update(webhookDeliveries)
        .set({
          attempts,
          lastStatusCode: o.statusCode,
          status: o.ok ? "delivered" : next === null ? "failed" : "pending",
          deliveredAt: o.ok ? now : null,
          nextAttemptAt: next ?? now,
        })
        .where(eq(webhookDeliveries.id, o.due.id)),
    );
  }
  const succeeded = [...new Set(outcomes.filter((o) => o.ok).map((o) => o.due.subscriptionId))];
  const failedOnly = [...new Set(outcomes.filter((o) => !o.ok).map((o) => o.due.subscriptionId))].filter((s) => !succeeded.includes(s));
  if (succeeded.length) {
    writes.push(db.update(webhookSubscriptions).set({ lastSuccessAt: now, failingSince: null }).where(inArray(webhookSubscriptions.id, succeeded)));
  }
  if (failedOnly.length) {
    writes.push(
      db
        .update(webhookSubscriptions)
        .set({ failingSince: sql`coalesce(${webhookSubscriptions.failingSince}, ${now})` })
        .where(inArray(webhookSubscriptions.id, failedOnly)),
    );
    const cutoff = now - DISABLE_AFTER_MS;
    for (const subId of failedOnly) {
      const failingLong = and(eq(webhookSubscriptions.id, subId), eq(webhookSubscriptions.status, "active"), lte(webhookSubscriptions.failingSince, cutoff));
      // The notice first: it is written only if the update below is about to disable the subscription.
      writes.push(
        db.insert(merchantNotices).select(
          db
            .select({
              id: sql<string>`${newId("ntc", now)}`.as("id"),
              storeId: webhookSubscriptions.storeId,
              kind: sql<"webhook_subscription_disabled">`'webhook_subscription_disabled'`.as("kind"),
              resourceId: webhookSubscriptions.id,
              message:
                sql<string>`'Webhook subscription ' || ${webhookSubscriptions.id} || ' to ' || ${webhookSubscriptions.url} || ' was disabled: every delivery attempt has failed since ' || strftime('%Y-%m-%dT%H:%M:%SZ', ${webhookSubscriptions.failingSince} / 1000, 'unixepoch') || '. Fix the endpoint, then set its status to active again; undelivered events are sent then.'`.as(
                  "message",
                ),
              createdAt: sql<number>`${now}`.as("created_at"),
            })
            .from(webhookSubscriptions)
            .where(failingLong),
        ),
      );
      writes.push(
        db
          .update(webhookSubscriptions)
          .set({ status: "disabled", disabledAt: now, disabledReason: "every delivery attempt failed for 24 hours", updatedAt: now })
          .where(failingLong),
      );
    }
  }
  return writes;
}

export type PassResult = { fannedOut: number; attempted: number; delivered: number; active: boolean };

/** One pass: fan out new events, then send what is due. */
export async function dispatchWebhooks(env: ShardEnv, opts: { now?: number; limit?: number } = {}): Promise<PassResult> {
  const now = opts.now ?? Date.now();
  const db = database(env);
  const fannedOut = await fanOut(db, now);
  const due = await claimDue(db, now, opts.limit ?? 50);
  const outcomes = await Promise.all(due.map((d) => send(d, now)));
  if (outcomes.length) await db.batch(nonEmpty(recordOutcomes(db, outcomes, now)));
  const active = await db.select({ id: webhookSubscriptions.id }).from(webhookSubscriptions).where(eq(webhookSubscriptions.status, "active")).limit(1).get();
  return { fannedOut, attempted: outcomes.length, delivered: outcomes.filter((o) => o.ok).length, active: Boolean(active) };
}
