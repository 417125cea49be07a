/**
 * Hands outbox rows to their queues. Sending is best effort by design: a row
 * stays owed until a consumer marks it delivered, and the sweep resends what
 * is owed, so a failed or lost send here delays a side effect but never loses it.
 *
 * The hot paths (intake, each order object's commit, tracking webhooks) send
 * through `sendOutboxSoon`: rows handed over within a few milliseconds in the
 * same Worker instance leave together, one `sendBatch` per queue. Each send is
 * a round trip to the queue service; under load a storefront's burst of
 * orders would otherwise pay one each, for messages whose consumers take them
 * in batches anyway.
 */
import type { OnShard } from "../db/shard";
import type { Env, OutboxMessage } from "../env";
import type { outbox } from "../db/schema";
import type { Topic } from "./topics";

type Sendable = Pick<typeof outbox.$inferSelect, "id" | "orderId" | "topic" | "type" | "payload" | "createdAt">;
/** A row handed over for sending, with the shard whose outbox holds it. */
type Stamped = Sendable & { shard: string };

export function toMessage(row: Sendable, shard?: string): OutboxMessage {
  const message: OutboxMessage = { id: row.id, type: row.type, order_id: row.orderId, payload: row.payload, created_at: row.createdAt };
  if (shard) message.shard = shard;
  return message;
}

export function queueFor(env: Env, topic: Topic): Queue<OutboxMessage> {
  const queues: Record<Topic, Queue<OutboxMessage>> = {
    fulfilment: env.FULFILMENT_QUEUE,
    notifications: env.NOTIFICATIONS_QUEUE,
    webhooks: env.WEBHOOKS_QUEUE,
    logistics: env.LOGISTICS_QUEUE,
    channels: env.CHANNELS_QUEUE,
  };
  return queues[topic];
}

/** Sends rows grouped by topic, each message naming its row's shard (`env`'s); resolves to the ids the queues accepted. */
export function sendOutbox(env: OnShard<Env>, rows: readonly Sendable[]): Promise<string[]> {
  return sendStamped(
    env,
    rows.map((r) => ({ ...r, shard: env.shard.id })),
  );
}

async function sendStamped(env: Env, rows: readonly Stamped[]): Promise<string[]> {
  const byTopic = new Map<Topic, Stamped[]>();
  for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  const sent: string[] = [];
  await Promise.all(
    [...byTopic].map(async ([topic, group]) => {
      // sendBatch takes at most 100 messages.
      for (let i = 0; i < group.length; i += 100) {
        const part = group.slice(i, i + 100);
        await queueFor(env, topic).sendBatch(part.map((r) => ({ body: toMessage(r, r.shard), contentType: "json" })));
        sent.push(...part.map((r) => r.id));
      }
    }),
  );
  return sent;
}

/** How long the first row waits for company, and the most rows one gathering takes. */
export const COALESCE_MS = 5;
const GATHER_MAX = 100;

let gathering: Stamped[] | null = null;

/**
 * Sends `rows` together with whatever else this instance hands over within
 * COALESCE_MS. The caller that opens a gathering does the sending and gets
 * its outcome; a caller whose rows joined an open gathering gets a promise
 * that resolves at once. (Waiting on another request's I/O is not allowed
 * in a Worker: that request may end first.) Joined rows whose send fails
 * are resent by the sweep, like any row whose send was lost.
 */
export function sendOutboxSoon(env: OnShard<Env>, rows: readonly Sendable[]): Promise<unknown> {
  if (rows.length === 0) return Promise.resolve();
  // Stamped now: a gathering carries rows of requests on different shards.
  const stamped = rows.map((r) => ({ ...r, shard: env.shard.id }));
  if (gathering && gathering.length + stamped.length <= GATHER_MAX) {
    gathering.push(...stamped);
    return Promise.resolve();
  }
  const mine = stamped;
  gathering = mine;
  return new Promise((resolve) => setTimeout(resolve, COALESCE_MS)).then(() => {
    if (gathering === mine) gathering = null;
    return sendStamped(env, mine);
  });
}
