/**
 * Works a stored platform delivery, from the `oms-channels` queue: describe
 * it again from its stored bytes and headers, fetch the order when the
 * platform sent only its id, take it in, and record the outcome on the
 * inbox row (committed with the queue receipt). A platform that is rate
 * limiting or down is retried by the queue (the inbox counts attempts and
 * says why); anything else is recorded, not retried.
 */
import { eq, sql } from "drizzle-orm";
import { database } from "../db/client";
import { channelInbox } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Handler, Write } from "../outbox/consume";
import { loadConnection } from "./connections";
import { adapterFor } from "./platforms";
import type { Http } from "./platforms/platform";
import { bodyBytes, DELIVERY_RECEIVED } from "./receive-delivery";
import { takeInPlatformOrder } from "./take-in";

/** Platform calls give up after this long: the queue retries the delivery later. */
const PLATFORM_TIMEOUT_MS = 10_000;

export const platformHttp: Http = (request) => fetch(request, { signal: AbortSignal.timeout(PLATFORM_TIMEOUT_MS) });

type Outcome = { status: "done" | "failed"; outcome: string; orderId: string | null; detail: string | null };

class RetryLater extends Error {}

async function work(env: ShardEnv, inboxId: string): Promise<Outcome | null> {
  const db = database(env);
  const row = await db.select().from(channelInbox).where(eq(channelInbox.id, inboxId)).get();
  if (row?.status !== "pending") return null;
  const loaded = await loadConnection(env, row.connectionId);
  const adapter = loaded && adapterFor(loaded.connection.platform);
  if (!loaded || !adapter) return { status: "failed", outcome: "failed", orderId: null, detail: "the connection or its platform adapter is gone" };
  const d = adapter.describe({ headers: new Headers(row.headers), body: bodyBytes(row.body), url: "" });
  if (d.kind !== "order") return { status: "done", outcome: d.kind, orderId: null, detail: null };
  let order = d.order;
  if (!order) {
    const fetched = await adapter.fetchOrder(loaded.connection, d.externalId, platformHttp);
    if (!fetched.ok && fetched.kind !== "refused") throw new RetryLater(`${adapter.platform} ${fetched.kind}${"message" in fetched ? `: ${fetched.message}` : ""}`);
    if (!fetched.ok)
      return { status: "failed", outcome: "failed", orderId: null, detail: `${adapter.platform} refused to give order ${d.externalId}: ${fetched.status} ${fetched.message}` };
    if (!fetched.value) return { status: "failed", outcome: "failed", orderId: null, detail: `${adapter.platform} has no order ${d.externalId}` };
    order = fetched.value;
  }
  const r = await takeInPlatformOrder(env, loaded.connection, order, { source: "webhook", deliveryId: row.deliveryId });
  return { status: r.outcome === "failed" ? "failed" : "done", outcome: r.outcome, orderId: r.orderId, detail: r.detail ?? null };
}

const workDelivery: Handler = async function workDelivery(env, message) {
  const inboxId = (message.payload as { inbox_id?: unknown } | null)?.inbox_id;
  if (typeof inboxId !== "string") return [];
  const db = database(env);
  let outcome: Outcome | null;
  try {
    outcome = await work(env, inboxId);
  } catch (err) {
    // Counted and explained now (the receipt batch will not commit); the queue tries again.
    const detail = err instanceof RetryLater ? `will retry: ${err.message}` : `will retry: ${err instanceof Error ? err.message : String(err)}`;
    await db
      .update(channelInbox)
      .set({ attempts: sql`${channelInbox.attempts} + 1`, detail: detail.slice(0, 1000) })
      .where(eq(channelInbox.id, inboxId));
    throw err;
  }
  if (!outcome) return [];
  const writes: Write[] = [
    db
      .update(channelInbox)
      .set({ ...outcome, detail: outcome.detail?.slice(0, 2000) ?? null, attempts: sql`${channelInbox.attempts} + 1`, processedAt: Date.now() })
      .where(eq(channelInbox.id, inboxId)),
  ];
  return writes;
};

export const channelHandlers = { [`channels:${DELIVERY_RECEIVED}`]: workDelivery } as const;
