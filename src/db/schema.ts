/**
 * The D1 schema: the single source of truth for every order and everything
 * queried. Times are UTC epoch milliseconds; money is integer minor units
 * next to an ISO 4217 currency. Migrations in `migrations/` are generated
 * from this file (`npm run db:generate`); never edit an applied migration.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const stores = sqliteTable("stores", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  currency: text("currency").notNull(),
  timezone: text("timezone").notNull().default("UTC"),
  /** Default language of customer messages (BCP 47, e.g. "en", "zh-CN"); an order's own locale wins. */
  language: text("language").notNull().default("en"),
  /** Audit new orders as they arrive. Off: orders wait in `received` for staff to decide (edits and payments still audit). */
  autoAudit: integer("auto_audit", { mode: "boolean" }).notNull().default(true),
  /** A delivered order completes by itself after this many days (the customer can confirm receipt sooner). */
  completeAfterDays: integer("complete_after_days").notNull().default(7),
  /** Completed and cancelled orders leave the working lists (archived, frozen) after this many days. */
  archiveAfterDays: integer("archive_after_days").notNull().default(30),
  /** Two-level review: order totals per currency above which an approval takes two people; null when off. */
  financeReview: text("finance_review", { mode: "json" }).$type<Record<string, string> | null>(),
  /** Which order milestones the customer is told about (outbox message types, e.g. "order.shipped"). */
  notifyOn: text("notify_on", { mode: "json" })
    .$type<string[]>()
    .notNull()
    .default([
      "order.on_hold",
      "order.approved",
      "order.shipped",
      "shipment.out_for_delivery",
      "shipment.exception",
      "order.delivered",
      "order.completed",
      "order.cancelled",
    ]),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Only the SHA-256 of a key is stored; the key itself is shown once, at creation. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    role: text("role").notNull(),
    /** JSON array of store ids, or ["*"] for every store. */
    storeIds: text("store_ids", { mode: "json" }).$type<string[]>().notNull(),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, so a person can tell keys apart. */
    keyPrefix: text("key_prefix").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_uq").on(t.keyHash)],
);

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull().references(() => stores.id),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: ["goods", "service"] }).notNull(),
    price: integer("price").notNull(),
    currency: text("currency").notNull(),
    weightGrams: integer("weight_grams").notNull().default(0),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("products_store_sku_uq").on(t.storeId, t.sku)],
);

export const warehouses = sqliteTable("warehouses", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["own", "third_party"] }).notNull().default("own"),
  country: text("country").notNull(),
  region: text("region"),
  createdAt: integer("created_at").notNull(),
});

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull().references(() => stores.id),
    channel: text("channel").notNull(),
    externalId: text("external_id"),
    status: text("status").notNull(),
    /** Bumped by every state change; the optimistic-concurrency guard and the ETag. */
    version: integer("version").notNull(),
    paymentStatus: text("payment_status").notNull(),
    /** True when any line is goods: such an order must ship before it is delivered. */
    requiresShipping: integer("requires_shipping", { mode: "boolean" }).notNull(),
    customerName: text("customer_name").notNull(),
    customerEmail: text("customer_email"),
    customerPhone: text("customer_phone"),
    shippingAddress: text("shipping_address", { mode: "json" }).$type<Record<string, string | null>>().notNull(),
    currency: text("currency").notNull(),
    subtotalAmount: integer("subtotal_amount").notNull(),
    shippingAmount: integer("shipping_amount").notNull(),
    discountAmount: integer("discount_amount").notNull(),
    taxAmount: integer("tax_amount").notNull(),
    totalAmount: integer("total_amount").notNull(),
    note: text("note"),
    /** The customer's language for messages and the order page. */
    locale: text("locale"),
    /** The total the channel computed, if it sent one: the audit checks it against ours. */
    channelTotalAmount: integer("channel_total_amount"),
    /** Hold reason codes the customer confirmed on the order page ("the address is right as it is"). */
    confirmations: text("confirmations", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** Reason of the latest hold or cancellation, for lists; the full story is in order_events. */
    statusReason: text("status_reason"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    approvedAt: integer("approved_at"),
    heldAt: integer("held_at"),
    processingAt: integer("processing_at"),
    shippedAt: integer("shipped_at"),
    deliveredAt: integer("delivered_at"),
    completedAt: integer("completed_at"),
    cancelledAt: integer("cancelled_at"),
    archivedAt: integer("archived_at"),
  },
  (t) => [
    uniqueIndex("orders_store_external_uq").on(t.storeId, t.externalId),
    index("orders_store_id_idx").on(t.storeId, t.id),
    index("orders_status_id_idx").on(t.status, t.id),
    index("orders_created_idx").on(t.createdAt),
  ],
);

export const orderLines = sqliteTable(
  "order_lines",
  {
    orderId: text("order_id").notNull().references(() => orders.id),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: ["goods", "service"] }).notNull(),
    quantity: integer("quantity").notNull(),
    unitPrice: integer("unit_price").notNull(),
    totalAmount: integer("total_amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);

/**
 * Append-only timeline. `seq` equals the order's version after the change,
 * and (order_id, seq) is unique: two writers can never both record version N.
 */
export const orderEvents = sqliteTable(
  "order_events",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    actor: text("actor").notNull(),
    reason: text("reason"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("order_events_order_seq_uq").on(t.orderId, t.seq)],
);

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
    topic: text("topic", { enum: ["fulfilment", "notifications"] }).notNull(),
    type: text("type").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastSentAt: integer("last_sent_at"),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    index("outbox_pending_idx").on(t.deliveredAt, t.createdAt),
    index("outbox_order_idx").on(t.orderId),
  ],
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

/**
 * A POST's first response, replayed for the same key and body. Scoped to the
 * API key, so two clients can never collide on each other's keys.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    principalId: text("principal_id").notNull(),
    key: text("key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    requestHash: text("request_hash").notNull(),
    /** 0 while the first request is still running (routes that claim before they act). */
    status: integer("status").notNull(),
    responseBody: text("response_body").notNull(),
    responseHeaders: text("response_headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.principalId, t.key] }), index("idempotency_created_idx").on(t.createdAt)],
);

/** A store's audit rules, as data. Every change bumps `version`, which each audit result records. */
export const auditRuleSets = sqliteTable("audit_rule_sets", {
  storeId: text("store_id").primaryKey().references(() => stores.id),
  version: integer("version").notNull(),
  rules: text("rules", { mode: "json" }).$type<unknown[]>().notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/** Every audit of an order: what the rules found and what was decided, with the rule set version. */
export const auditResults = sqliteTable(
  "audit_results",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    /** The order version the audit looked at. */
    orderVersion: integer("order_version").notNull(),
    ruleSetVersion: integer("rule_set_version").notNull(),
    outcome: text("outcome", { enum: ["approve", "hold", "reject", "wait"] }).notNull(),
    findings: text("findings", { mode: "json" }).$type<unknown[]>().notNull(),
    trigger: text("trigger").notNull(),
    durationMs: integer("duration_ms").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("audit_results_order_idx").on(t.orderId, t.createdAt)],
);

/** Why an order is on hold right now, one row per reason code: the review queue filters on it. */
export const orderHoldReasons = sqliteTable(
  "order_hold_reasons",
  {
    orderId: text("order_id").notNull().references(() => orders.id),
    code: text("code").notNull(),
    message: text("message").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.code] }), index("order_hold_reasons_code_idx").on(t.code, t.createdAt)],
);

/** Customers a store refuses to serve, matched on a normalised email, phone or address. */
export const blocklistEntries = sqliteTable(
  "blocklist_entries",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull().references(() => stores.id),
    kind: text("kind", { enum: ["email", "phone", "address"] }).notNull(),
    value: text("value").notNull(),
    note: text("note"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("blocklist_store_kind_value_uq").on(t.storeId, t.kind, t.value)],
);

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
    recipient: text("recipient"),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    status: text("status", { enum: ["sent", "skipped", "failed"] }).notNull(),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    error: text("error"),
    attempts: integer("attempts").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("notifications_message_uq").on(t.messageId, t.channel), index("notifications_order_idx").on(t.orderId)],
);

/** Links to the customer's order page. Only a hash is stored; each link expires. */
export const customerTokens = sqliteTable(
  "customer_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("customer_tokens_order_idx").on(t.orderId)],
);
