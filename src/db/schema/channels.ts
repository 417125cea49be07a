/**
 * Sales channels (src/channels): a store's connections to the platforms it
 * sells on, and which of our orders came from which platform order.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { encryptedJson, encryptedText } from "../encrypted";
import { stores } from "./stores";

export const CHANNEL_PLATFORMS = ["shopify", "woocommerce", "bigcommerce"] as const;

/** What a connection pushes back to its platform. */
export type ChannelPushes = { fulfillments: boolean; cancellations: boolean; refunds: boolean };

/**
 * A store's connection to one shop on one platform: data, not code. Secrets
 * (API credentials, the webhook secret and, while it is being rotated, the
 * previous one) are sealed at rest and never returned by the API.
 */
/** A connection's fee schedule, minor units of `currency`. */
export type PlatformFeeSchedule = { percent_bps: number; fixed_minor: number; currency: string };

export const channelConnections = sqliteTable(
  "channel_connections",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    platform: text("platform", { enum: CHANNEL_PLATFORMS }).notNull(),
    name: text("name").notNull(),
    /** The shop as the platform names it in webhooks: Shopify's myshopify domain, WooCommerce's site URL, BigCommerce's store hash. */
    shopDomain: text("shop_domain").notNull(),
    /** Where the platform's REST API answers (configurable, so tests and staging point it elsewhere). */
    apiBaseUrl: text("api_base_url").notNull(),
    /** API credentials as the platform needs them (an access token; a consumer key and secret), sealed. */
    credentials: encryptedJson<Record<string, string>>("credentials").notNull(),
    webhookSecret: encryptedText("webhook_secret"),
    previousWebhookSecret: encryptedText("previous_webhook_secret"),
    /** Until when the previous secret still verifies (epoch ms): a rotation keeps it for PREVIOUS_SECRET_GRACE_MS, or until cleared. */
    previousWebhookSecretUntil: integer("previous_webhook_secret_until"),
    pushes: text("pushes", { mode: "json" }).$type<ChannelPushes>().notNull().default({ fulfillments: true, cancellations: true, refunds: false }),
    status: text("status", { enum: ["active", "paused"] })
      .notNull()
      .default("active"),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /**
     * The marketplace's fee per order as the merchant's contract states it (no platform's payload carries it):
     * at each capture of an order taken in through this connection, a `platform_fee` entry of
     * round(captured × percent_bps / 10,000) + fixed_minor, when the order is in `currency` (src/finance/platform-fee.ts).
     */
    platformFee: text("platform_fee", { mode: "json" }).$type<PlatformFeeSchedule>(),
  },
  (t) => [index("channel_connections_store_idx").on(t.storeId), index("channel_connections_shop_idx").on(t.platform, t.shopDomain)],
);

/** Platform SKUs (or variant ids, as `variant:<id>`) to ours, per connection. An unmapped one holds the order; it does not fail it. */
export const channelSkuMap = sqliteTable(
  "channel_sku_map",
  {
    connectionId: text("connection_id")
      .notNull()
      .references(() => channelConnections.id),
    platformKey: text("platform_key").notNull(),
    sku: text("sku").notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.platformKey] })],
);

/** Our order for each platform order: one per (connection, platform order id), however often the platform tells us. */
export const channelOrders = sqliteTable(
  "channel_orders",
  {
    connectionId: text("connection_id")
      .notNull()
      .references(() => channelConnections.id),
    /** The platform's order id, as a string (Shopify's ids pass 2^53). */
    externalId: text("external_id").notNull(),
    orderId: text("order_id").notNull(),
    storeId: text("store_id").notNull(),
    /** The order's name on the platform, as the merchant knows it ("#1042"). */
    externalName: text("external_name"),
    /** The platform's `updated_at` of the newest state we applied: an older one arriving late is not applied. */
    platformUpdatedAt: integer("platform_updated_at").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.externalId] }), uniqueIndex("channel_orders_order_uq").on(t.orderId)],
);

export const INBOX_STATUSES = ["pending", "done", "failed"] as const;

/**
 * Every verified platform webhook, as it arrived (the raw body sealed: it
 * names the customer), and what working it came to. One row per
 * (connection, platform delivery id): a platform's retry of the same
 * delivery is stored once. Staff read it to see why a shop's order did not
 * arrive.
 */
export const channelInbox = sqliteTable(
  "channel_inbox",
  {
    id: text("id").primaryKey(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => channelConnections.id),
    storeId: text("store_id").notNull(),
    deliveryId: text("delivery_id").notNull(),
    topic: text("topic").notNull(),
    /** order: about an order; ignored: a topic we do not act on; unreadable: verified but not an order we can read. */
    kind: text("kind", { enum: ["order", "ignored", "unreadable"] }).notNull(),
    externalId: text("external_id"),
    /** The request's headers the adapter reads (topic, delivery id, shop), to describe the delivery again when it is worked. */
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    /** The exact bytes as text (UTF-8; `base64:` and the bytes when they are not UTF-8), sealed. */
    body: encryptedText("body").notNull(),
    status: text("status", { enum: INBOX_STATUSES }).notNull(),
    /** What taking it in came to (created, updated, cancelled, unchanged, stale, skipped, held, intercepted, refund_opened...). */
    outcome: text("outcome"),
    orderId: text("order_id"),
    /** Why it failed or what staff should know (a platform call that failed, an unmapped SKU). */
    detail: text("detail"),
    attempts: integer("attempts").notNull().default(0),
    receivedAt: integer("received_at").notNull(),
    processedAt: integer("processed_at"),
  },
  (t) => [uniqueIndex("channel_inbox_delivery_uq").on(t.connectionId, t.deliveryId), index("channel_inbox_connection_idx").on(t.connectionId, t.id)],
);

/** Each platform refund we saw, once: the after-sales request it opened (or why none was). */
export const channelRefunds = sqliteTable(
  "channel_refunds",
  {
    connectionId: text("connection_id")
      .notNull()
      .references(() => channelConnections.id),
    refundId: text("refund_id").notNull(),
    orderId: text("order_id").notNull(),
    afterSalesId: text("after_sales_id"),
    /** opened: an after-sales request; cancelled_order: the order was cancelled with it; refused: after-sales said no (detail says why). */
    outcome: text("outcome").notNull(),
    detail: text("detail"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.refundId] })],
);
