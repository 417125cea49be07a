/** The outbox and what its consumers keep to dedupe (src/outbox). */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Side effects waiting to leave. Written in the same batch as the change
 * that causes them; `delivered_at` is set by the consumer that handled the
 * message, so a row without it is still owed and the sweep resends it.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id"),
    topic: text("topic", { enum: ["fulfilment", "notifications", "webhooks", "logistics", "channels"] }).notNull(),
    type: text("type").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastSentAt: integer("last_sent_at"),
    deliveredAt: integer("delivered_at"),
  },
  // No index by order: every row costs D1 a written row per index (docs/SCALING.md: the bill is rows written), and
  // the one reader by order, an order object resending what it owes, finds the few owed rows by `delivered_at`.
  (t) => [index("outbox_pending_idx").on(t.deliveredAt, t.createdAt)],
);

/** One row per (consumer, outbox id) that was handled: how consumers dedupe at-least-once delivery. */
export const consumedMessages = sqliteTable(
  "consumed_messages",
  {
    consumer: text("consumer").notNull(),
    messageId: text("message_id").notNull(),
    type: text("type").notNull(),
    orderId: text("order_id"),
    consumedAt: integer("consumed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.messageId] })],
);

/** Messages that exhausted their retries, kept for an operator to inspect and replay. */
export const deadLetters = sqliteTable("dead_letters", {
  id: text("id").primaryKey(),
  queue: text("queue").notNull(),
  messageId: text("message_id"),
  body: text("body", { mode: "json" }).$type<unknown>().notNull(),
  receivedAt: integer("received_at").notNull(),
});
