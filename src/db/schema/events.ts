/**
 * The change feed and partner webhook subscriptions (src/events,
 * src/partner-webhooks).
 *
 * `events` is written ONLY by SQLite triggers declared in migration
 * 0016_events_webhooks.sql (drizzle-kit does not know triggers: a
 * regenerated migration must carry them over by hand). Each trigger runs in
 * the transaction of the change it records, so the feed never misses a
 * committed change and never shows one that was rolled back. `seq` is
 * AUTOINCREMENT: on D1's single writer it is commit order, so a reader's
 * cursor (`seq > last`) never skips a change that committed late, which an id
 * made from a clock would. No customer data goes into `data`: ids, statuses,
 * tracking numbers and quantities only.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { encryptedText } from "../encrypted";
import { stores } from "./stores";

export const events = sqliteTable(
  "events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    /** The store the change belongs to; "*" for stock of a warehouse that serves every store. */
    storeId: text("store_id").notNull(),
    type: text("type").notNull(),
    orderId: text("order_id"),
    /** The changed resource: the order, shipment, after-sales request, or the SKU for stock. */
    resourceId: text("resource_id").notNull(),
    /** The order's version when the change was written: receivers drop an event older than what they hold. */
    orderVersion: integer("order_version"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("events_store_seq_idx").on(t.storeId, t.seq), index("events_created_idx").on(t.createdAt)],
);

export const WEBHOOK_SUBSCRIPTION_STATUSES = ["active", "paused", "disabled"] as const;

/** A store's endpoint for events. The secret (`whsec_...`) is sealed at rest and shown only at creation and rotation. */
export const webhookSubscriptions = sqliteTable(
  "webhook_subscriptions",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    url: text("url").notNull(),
    /** Event types or group patterns (`order.*`), validated against src/events/event-types.ts. */
    eventTypes: text("event_types", { mode: "json" }).$type<string[]>().notNull(),
    description: text("description"),
    status: text("status", { enum: WEBHOOK_SUBSCRIPTION_STATUSES }).notNull(),
    secret: encryptedText("secret").notNull(),
    /** After a rotation, the old secret still signs (beside the new one) until `previous_secret_until`: receivers switch without losing a delivery. */
    previousSecret: encryptedText("previous_secret"),
    previousSecretUntil: integer("previous_secret_until"),
    /** Events up to this seq happened before the subscription existed and are not sent (replay sends them on request). */
    startSeq: integer("start_seq").notNull(),
    /** Since when every attempt has failed (null after any success): what automatic disabling measures. */
    failingSince: integer("failing_since"),
    lastSuccessAt: integer("last_success_at"),
    disabledAt: integer("disabled_at"),
    disabledReason: text("disabled_reason"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_subscriptions_store_idx").on(t.storeId, t.id)],
);

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

/** One event for one subscription. Its id is the `webhook-id` header: the same on every attempt and replay. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    subscriptionId: text("subscription_id").notNull(),
    eventSeq: integer("event_seq").notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** Due time of the next attempt; while one is in flight, the end of its lease. */
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastStatusCode: integer("last_status_code"),
    deliveredAt: integer("delivered_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("webhook_deliveries_sub_event_uq").on(t.subscriptionId, t.eventSeq), index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt)],
);

/** The delivery log: one row per attempt. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    attemptedAt: integer("attempted_at").notNull(),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    /** The first 200 characters of the receiver's answer. */
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.id), index("webhook_attempts_time_idx").on(t.attemptedAt)],
);

/** Where the dispatcher has fanned the feed out to deliveries (one row, id 1). */
export const webhookDispatchCursor = sqliteTable("webhook_dispatch_cursor", {
  id: integer("id").primaryKey(),
  lastSeq: integer("last_seq").notNull(),
});

/** Notices for the merchant's staff (GET /v1/notices): today, a webhook subscription that was disabled. */
export const merchantNotices = sqliteTable(
  "merchant_notices",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    kind: text("kind", { enum: ["webhook_subscription_disabled"] }).notNull(),
    resourceId: text("resource_id").notNull(),
    message: text("message").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("merchant_notices_store_idx").on(t.storeId, t.id)],
);
