/** Customer messages (src/notifications). */
import { encryptedText } from "../encrypted";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Messages to customers, one per outbox message and channel, with their delivery status. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    /** The outbox message that caused it: one notification per message, however often it is delivered. */
    messageId: text("message_id").notNull(),
    orderId: text("order_id").notNull(),
    storeId: text("store_id").notNull(),
    template: text("template").notNull(),
    language: text("language").notNull(),
    channel: text("channel", { enum: ["email"] }).notNull(),
    // The address and the text (which greets the customer by name) are sealed at rest.
    recipient: encryptedText("recipient"),
    subject: text("subject").notNull(),
    body: encryptedText("body").notNull(),
    status: text("status", { enum: ["sent", "skipped", "failed"] }).notNull(),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    error: text("error"),
    attempts: integer("attempts").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("notifications_message_uq").on(t.messageId, t.channel), index("notifications_order_idx").on(t.orderId)],
);
