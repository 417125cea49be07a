/**
 * Sending a push to its platform, from the channels queue (and, for
 * retries, from the minute cron). Each attempt is claimed first (a guarded
 * update taking the push's lease and counting the attempt), so a message
 * delivered twice, a cron tick and a manual retry never send the same push
 * twice at once; a sent push is never sent again. Every attempt is logged
 * with its time, outcome, HTTP status and a short message; what follows
 * (done, stop and show, try again later) is ./push-rules.ts.
 */
import { and, desc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { database, notMoving } from "../db/client";
import { channelPushAttempts, channelPushes, channelSkuMap, outbox } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import type { Handler } from "../outbox/consume";
import type { OutboxRow } from "../outbox/topics";
import { loadConnection } from "./connections";
import { adapterFor } from "./platforms";
import type { CallResult, FulfillmentPush, Http, PlatformAdapter, PlatformConnection, RefundPush } from "./platforms/platform";
import type { FulfillmentPayload, PushRow } from "./push-plan";
import { SEND_PUSH_MESSAGE } from "./push-plan";
import { afterAttempt } from "./push-rules";
import { platformHttp } from "./reconcile";

const LEASE_MS = 2 * 60_000;
/** A pending push whose message was lost is picked up by the sweep after this long. */
const ORPHAN_AFTER_MS = 5 * 60_000;
const SWEEP_LIMIT = 25;

export type SendOptions = { http?: Http; now?: number };

async function claim(env: ShardEnv, pushId: string, now: number): Promise<PushRow | null> {
  const [row] = await database(env)
    .update(channelPushes)
    .set({ status: "sending", leaseUntil: now + LEASE_MS, attempts: sql`${channelPushes.attempts} + 1`, updatedAt: now })
    .where(
      and(
        eq(channelPushes.id, pushId),
        or(
          and(inArray(channelPushes.status, ["pending", "retrying"]), or(isNull(channelPushes.nextAttemptAt), lte(channelPushes.nextAttemptAt, now))),
          // A sender that died mid-attempt: its lease ran out.
          and(eq(channelPushes.status, "sending"), lt(channelPushes.leaseUntil, now)),
        ),
      ),
    )
    .returning();
  return row ?? null;
}

/**
 * Our SKUs in a parcel as the platform's line ids, read from the platform's
 * order: a line matches when one of its keys is the SKU, or maps to it in
 * the connection's SKU map.
 */
async function platformLines(
  env: ShardEnv,
  a: { adapter: PlatformAdapter; connection: PlatformConnection; externalId: string; ourLines: FulfillmentPayload["ourLines"]; http: Http },
) {
  const fetched = await a.adapter.fetchOrder(a.connection, a.externalId, a.http);
  if (!fetched.ok) return fetched;
  if (!fetched.value) return { ok: false as const, kind: "refused" as const, status: 404, message: "the platform has no such order" };
  const mapped = a.adapter.map(fetched.value);
  const skuMap = await database(env).select().from(channelSkuMap).where(eq(channelSkuMap.connectionId, a.connection.id)).all();
  const ours = (key: string) => skuMap.find((m) => m.platformKey === key)?.sku ?? key;
  const lines: FulfillmentPush["lines"] = [];
  for (const l of a.ourLines) {
    const line = mapped.lines.find((pl) => pl.externalLineId && pl.platformKeys.some((k) => ours(k) === l.sku));
    if (!line?.externalLineId) return { ok: false as const, kind: "refused" as const, status: 422, message: `no line of the platform's order is ${l.sku}` };
    lines.push({ externalLineId: line.externalLineId, quantity: l.quantity });
  }
  return { ok: true as const, value: lines };
}

async function call(env: ShardEnv, push: PushRow, a: { adapter: PlatformAdapter; connection: PlatformConnection; http: Http }): Promise<CallResult<{ externalId: string } | null>> {
  const { adapter, connection, http } = a;
  if (push.kind === "cancellation") return adapter.cancelOrder(connection, push.externalId, { reason: (push.payload.reason as string | null) ?? null, key: push.ref }, http);
  if (push.kind === "refund") return adapter.refund(connection, push.externalId, push.payload as RefundPush, http);
  const p = push.payload as FulfillmentPayload;
  let lines = p.lines;
  if (!p.wholeOrder) {
    const resolved = await platformLines(env, { adapter, connection, externalId: push.externalId, ourLines: p.ourLines, http });
    if (!resolved.ok) return resolved;
    lines = resolved.value;
  }
  return adapter.createFulfillment(connection, push.externalId, { carrier: p.carrier, trackingNumber: p.trackingNumber, trackingUrl: p.trackingUrl, lines, key: p.key }, http);
}

/** One attempt at a push, if it is due and nobody else holds it. Resolves to the push as it was left, or null when there was nothing to do. */
export async function sendPush(env: ShardEnv, pushId: string, options: SendOptions = {}): Promise<PushRow | null> {
  const now = options.now ?? Date.now();
  const push = await claim(env, pushId, now);
  if (!push) return null;
  const loaded = await loadConnection(env, push.connectionId);
  const adapter = loaded ? adapterFor(loaded.row.platform) : null;
  let result: CallResult<{ externalId: string } | null> | { ok: false; kind: "error"; message: string };
  if (!loaded || !adapter) result = { ok: false, kind: "refused", status: 0, message: loaded ? `no adapter for ${loaded.row.platform}` : "the connection is gone" };
  // A paused connection talks to nobody: the push waits (with backoff) until it is resumed.
  else if (loaded.row.status !== "active") result = { ok: false, kind: "unavailable", status: null, message: "the connection is paused" };
  else {
    try {
      result = await call(env, push, { adapter, connection: loaded.connection, http: options.http ?? platformHttp });
    } catch (err) {
      result = { ok: false, kind: "error", message: err instanceof Error ? err.message : String(err) };
    }
  }
  const at = Date.now();
  const next = afterAttempt(result, { attempt: push.attempts, now: at });
  const db = database(env);
  const [rows] = await db.batch([
    db
      .update(channelPushes)
      .set({
        status: next.status,
        leaseUntil: null,
        nextAttemptAt: next.status === "retrying" ? next.nextAttemptAt : null,
        lastError: next.status === "sent" ? null : next.message.slice(0, 300),
        ...(result.ok ? { platformRef: result.value?.externalId ?? null, sentAt: at } : {}),
        updatedAt: at,
      })
      .where(eq(channelPushes.id, push.id))
      .returning(),
    db
      .insert(channelPushAttempts)
      .values({ pushId: push.id, attempt: push.attempts, at, outcome: next.outcome, httpStatus: next.httpStatus, message: next.message?.slice(0, 300) ?? null }),
  ]);
  return rows[0] ?? null;
}

/** The queue's side: the push named by connection, kind and our reference. */
export const sendPushHandler: Handler = async (env, message) => {
  const { connection_id, kind, ref } = message.payload as { connection_id?: string; kind?: PushRow["kind"]; ref?: string };
  if (!connection_id || !kind || !ref) return [];
  const row = await database(env)
    .select({ id: channelPushes.id })
    .from(channelPushes)
    .where(and(eq(channelPushes.connectionId, connection_id), eq(channelPushes.kind, kind), eq(channelPushes.ref, ref)))
    .get();
  if (row) await sendPush(env, row.id);
  return [];
};

/** The minute cron: pushes whose retry is due, whose sender died, or whose message was lost; a bounded number per tick. */
export async function sendDuePushes(env: ShardEnv, options: SendOptions = {}): Promise<PushRow[]> {
  const now = options.now ?? Date.now();
  const due = await database(env)
    .select({ id: channelPushes.id })
    .from(channelPushes)
    .where(
      and(
        or(
          and(eq(channelPushes.status, "retrying"), lte(channelPushes.nextAttemptAt, now)),
          and(eq(channelPushes.status, "sending"), lt(channelPushes.leaseUntil, now)),
          and(eq(channelPushes.status, "pending"), lt(channelPushes.createdAt, now - ORPHAN_AFTER_MS)),
        ),
        notMoving(channelPushes.storeId),
      ),
    )
    .orderBy(channelPushes.id)
    .limit(SWEEP_LIMIT)
    .all();
  const out: PushRow[] = [];
  for (const { id } of due) {
    const r = await sendPush(env, id, { ...options, now });
    if (r) out.push(r);
  }
  return out;
}

export type RetryResult = { ok: true; push: PushRow; outbox: OutboxRow } | { ok: false; code: "already_sent" | "in_flight"; push: PushRow };

/** Someone asks for a push to go again now (after fixing what the platform refused): it is queued at once. */
export async function retryPush(env: ShardEnv, push: PushRow): Promise<RetryResult> {
  if (push.status === "sent") return { ok: false, code: "already_sent", push };
  const now = Date.now();
  if (push.status === "sending" && (push.leaseUntil ?? 0) >= now) return { ok: false, code: "in_flight", push };
  const row: OutboxRow = {
    id: newId("obx", now),
    orderId: push.orderId,
    topic: "channels",
    type: SEND_PUSH_MESSAGE,
    payload: { connection_id: push.connectionId, kind: push.kind, ref: push.ref },
    createdAt: now,
  };
  const db = database(env);
  const [updated] = await db.batch([
    db
      .update(channelPushes)
      .set({ status: "pending", nextAttemptAt: null, leaseUntil: null, updatedAt: now })
      .where(and(eq(channelPushes.id, push.id), eq(channelPushes.status, push.status)))
      .returning(),
    db.insert(outbox).values(row),
  ]);
  const after = updated[0];
  if (!after) return { ok: false, code: "in_flight", push };
  return { ok: true, push: after, outbox: row };
}

/** A connection's pushes, newest first, each with its attempts. */
export async function listPushes(env: ShardEnv, connectionId: string, page: { before: string | undefined; limit: number; status?: PushRow["status"][] }) {
  const db = database(env);
  const rows = await db
    .select()
    .from(channelPushes)
    .where(
      and(
        eq(channelPushes.connectionId, connectionId),
        page.before ? lt(channelPushes.id, page.before) : undefined,
        page.status?.length ? inArray(channelPushes.status, page.status) : undefined,
      ),
    )
    .orderBy(desc(channelPushes.id))
    .limit(page.limit + 1)
    .all();
  const attempts = rows.length
    ? await db
        .select()
        .from(channelPushAttempts)
        // The page's pushes only (at most 100: D1 binds at most 100 parameters), not the look-ahead row.
        .where(
          inArray(
            channelPushAttempts.pushId,
            rows.slice(0, page.limit).map((r) => r.id),
          ),
        )
        .orderBy(channelPushAttempts.pushId, channelPushAttempts.attempt)
        .all()
    : [];
  return rows.map((r) => ({ push: r, attempts: attempts.filter((a) => a.pushId === r.id) }));
}

export async function loadPush(env: ShardEnv, id: string): Promise<PushRow | null> {
  return (await database(env).select().from(channelPushes).where(eq(channelPushes.id, id)).get()) ?? null;
}
