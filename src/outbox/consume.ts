/**
 * Queue consumers. Queues deliver at least once and in any order, so every
 * consumer dedupes on the outbox id: the receipt row (consumer, message id)
 * is written in the same D1 batch as the handler's own writes and the
 * outbox row's `delivered_at`. A second delivery finds the receipt and is
 * acknowledged without effect; two deliveries at once race on the receipt's
 * primary key and exactly one batch commits.
 *
 * Handlers are registered per consumer and message type by the stages that
 * act on them (audit, allocation, notifications). A message nobody handles
 * yet is still receipted, so the outbox shows it was delivered.
 */
import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { constraintFailed, database, type Database } from "../db/client";
import { consumedMessages, deadLetters, outbox } from "../db/schema";
import type { Env, OutboxMessage } from "../env";
import { newId } from "../lib/ids";

export type Consumer = "fulfilment" | "notifications" | "webhooks" | "logistics";

/** A handler does its (idempotent) work and returns D1 writes to commit with the receipt. */
export type Handler = (env: Env, message: OutboxMessage) => Promise<BatchItem<"sqlite">[]>;

const handlers = new Map<string, Handler>();

export function registerHandler(consumer: Consumer, type: string, handler: Handler): void {
  handlers.set(`${consumer}:${type}`, handler);
}

const QUEUE_CONSUMER: Record<string, Consumer> = {
  "oms-fulfilment": "fulfilment",
  "oms-notifications": "notifications",
  "oms-webhooks": "webhooks",
  "oms-logistics": "logistics",
};

export const DEAD_LETTER_QUEUE = "oms-dead-letters";

/** Backoff for a failed message: 10s, 20s, 40s... capped at 10 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));

async function alreadyConsumed(db: Database, consumer: Consumer, id: string): Promise<boolean> {
  const row = await db
    .select({ id: consumedMessages.messageId })
    .from(consumedMessages)
    .where(and(eq(consumedMessages.consumer, consumer), eq(consumedMessages.messageId, id)))
    .get();
  return row !== undefined;
}

/** Handles one message; resolves to "done" or "duplicate", throws to ask for a retry. */
export async function consumeMessage(env: Env, consumer: Consumer, message: OutboxMessage): Promise<"done" | "duplicate"> {
  const db = database(env);
  if (await alreadyConsumed(db, consumer, message.id)) return "duplicate";
  const handler = handlers.get(`${consumer}:${message.type}`);
  const writes = handler ? await handler(env, message) : [];
  const now = Date.now();
  try {
    await db.batch([
      db.insert(consumedMessages).values({
        consumer,
        messageId: message.id,
        type: message.type,
        orderId: message.order_id,
        consumedAt: now,
      }),
      db.update(outbox).set({ deliveredAt: now }).where(eq(outbox.id, message.id)),
      ...writes,
    ]);
  } catch (err) {
    if (constraintFailed(err, "consumed_messages")) return "duplicate";
    throw err;
  }
  return "done";
}

export async function consumeBatch(batch: MessageBatch<OutboxMessage>, env: Env): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return keepDeadLetters(batch, env);
  const consumer = QUEUE_CONSUMER[batch.queue];
  if (!consumer) {
    console.error(`no consumer for queue ${batch.queue}`);
    batch.retryAll();
    return;
  }
  await Promise.all(
    batch.messages.map(async (m) => {
      try {
        await consumeMessage(env, consumer, m.body);
        m.ack();
      } catch (err) {
        console.warn(`${consumer} failed on ${m.body.type} ${m.body.id} (attempt ${m.attempts})`, err);
        m.retry({ delaySeconds: retryDelaySeconds(m.attempts) });
      }
    }),
  );
}

/** Messages that used up their retries are kept for an operator; the outbox row stays owed. */
async function keepDeadLetters(batch: MessageBatch<OutboxMessage>, env: Env): Promise<void> {
  const db = database(env);
  const now = Date.now();
  const rows = batch.messages.map((m) => ({
    id: newId("dlq", now),
    queue: batch.queue,
    messageId: (m.body as Partial<OutboxMessage>)?.id ?? null,
    body: m.body,
    receivedAt: now,
  }));
  for (const row of rows) await db.insert(deadLetters).values(row).onConflictDoNothing();
  batch.ackAll();
}
