/**
 * Hands outbox rows to their queues. Sending is best effort by design: a row
 * stays owed until a consumer marks it delivered, and the sweep resends what
 * is owed, so a failed or lost send here delays a side effect but never loses it.
 */
import type { Env, OutboxMessage } from "../env";
import type { outbox } from "../db/schema";
import type { Topic } from "./topics";

type Sendable = Pick<typeof outbox.$inferSelect, "id" | "orderId" | "topic" | "type" | "payload" | "createdAt">;

export function toMessage(row: Sendable): OutboxMessage {
  return { id: row.id, type: row.type, order_id: row.orderId, payload: row.payload, created_at: row.createdAt };
}

export function queueFor(env: Env, topic: Topic): Queue<OutboxMessage> {
  return topic === "fulfilment"
    ? env.FULFILMENT_QUEUE
    : topic === "webhooks"
      ? env.WEBHOOKS_QUEUE
      : topic === "logistics"
        ? env.LOGISTICS_QUEUE
        : env.NOTIFICATIONS_QUEUE;
}

/** Sends rows grouped by topic; resolves to the ids that the queues accepted. */
export async function sendOutbox(env: Env, rows: readonly Sendable[]): Promise<string[]> {
  const byTopic = new Map<Topic, Sendable[]>();
  for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  const sent: string[] = [];
  await Promise.all(
    [...byTopic].map(async ([topic, group]) => {
      // sendBatch takes at most 100 messages.
      for (let i = 0; i < group.length; i += 100) {
        const part = group.slice(i, i + 100);
        await queueFor(env, topic).sendBatch(part.map((r) => ({ body: toMessage(r), contentType: "json" })));
        sent.push(...part.map((r) => r.id));
      }
    }),
  );
  return sent;
}
