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
    pushes: text("pushes", { mode: "json" }).$type<ChannelPushes>().notNull().default({ fulfillments: true, cancellations: true, refunds: false }),
    status: text("status", { enum: ["active", "paused"] })
      .notNull()
      .default("active"),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
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
