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
    // Analytics scans orders changed since its watermark.
    index("orders_updated_idx").on(t.updatedAt),
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
  (t) => [
    uniqueIndex("order_events_order_seq_uq").on(t.orderId, t.seq),
    // Analytics refolds a time range of events.
    index("order_events_created_idx").on(t.createdAt),
  ],
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

// ---- Analytics (src/analytics) ---------------------------------------------
// Rollup tables are derived: every row can be recomputed from the tables
// above, and is, whenever its (store, local day) is marked dirty. `day` is the
// store's local date (YYYY-MM-DD) in the time zone the rollups were built with
// (see analyticsStores). A dimension whose source does not exist yet is stored
// as "" (warehouse_id today): a stable key that later folds fill in.

/** Per store, the SLA targets in milliseconds; null means no target. A store without a row uses the defaults. */
export const storeSlas = sqliteTable("store_slas", {
  storeId: text("store_id").primaryKey().references(() => stores.id),
  receivedToApprovedMs: integer("received_to_approved_ms"),
  approvedToShippedMs: integer("approved_to_shipped_ms"),
  shippedToDeliveredMs: integer("shipped_to_delivered_ms"),
  receivedToCompletedMs: integer("received_to_completed_ms"),
  updatedAt: integer("updated_at").notNull(),
});

/** One row: the watermark of the change scan, the lease of the running rollup job, the last run's figures. */
export const rollupState = sqliteTable("rollup_state", {
  id: integer("id").primaryKey(),
  /** Orders with updated_at <= watermark have been scanned and their buckets marked. */
  watermark: integer("watermark").notNull(),
  leaseOwner: text("lease_owner"),
  leaseUntil: integer("lease_until").notNull(),
  lastRunAt: integer("last_run_at"),
  lastRun: text("last_run", { mode: "json" }).$type<Record<string, unknown>>(),
});

/** The configuration (time zone, SLA) each store's rollups were built with; a change rebuilds that store. */
export const rollupStores = sqliteTable("rollup_stores", {
  storeId: text("store_id").primaryKey(),
  timezone: text("timezone").notNull(),
  config: text("config").notNull(),
  appliedAt: integer("applied_at").notNull(),
});

/** (store, local day) buckets whose raw data changed and that the next runs recompute. */
export const rollupDirty = sqliteTable(
  "rollup_dirty",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    markedAt: integer("marked_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day] }), index("rollup_dirty_day_idx").on(t.day)],
);

const orderMeasures = () => ({
  received: integer("received").notNull(),
  approved: integer("approved").notNull(),
  held: integer("held").notNull(),
  processing: integer("processing").notNull(),
  shipped: integer("shipped").notNull(),
  delivered: integer("delivered").notNull(),
  completed: integer("completed").notNull(),
  cancelled: integer("cancelled").notNull(),
  rejected: integer("rejected").notNull(),
  /** Amounts of the orders received in the bucket, in minor units of `currency`. */
  grossAmount: integer("gross_amount").notNull(),
  discountAmount: integer("discount_amount").notNull(),
  shippingAmount: integer("shipping_amount").notNull(),
  taxAmount: integer("tax_amount").notNull(),
  netAmount: integer("net_amount").notNull(),
  /** Totals of the orders cancelled in the bucket. */
  cancelledAmount: integer("cancelled_amount").notNull(),
});

/** Order flow per local hour. `hour_start` is the UTC instant the local hour begins (unique across DST). */
export const rollupOrderHours = sqliteTable(
  "rollup_order_hours",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    hourStart: integer("hour_start").notNull(),
    /** The local hour with its offset, e.g. 2026-11-01T01:00-05:00. */
    hourLabel: text("hour_label").notNull(),
    channel: text("channel").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    currency: text("currency").notNull(),
    ...orderMeasures(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.day, t.hourStart, t.channel, t.warehouseId, t.currency] }),
    index("rollup_order_hours_day_idx").on(t.day),
  ],
);

/** Order flow per local day: the sum of the day's hours, kept so long ranges read few rows. */
export const rollupOrderDays = sqliteTable(
  "rollup_order_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    channel: text("channel").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    currency: text("currency").notNull(),
    ...orderMeasures(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.day, t.channel, t.warehouseId, t.currency] }),
    index("rollup_order_days_day_idx").on(t.day),
  ],
);

/**
 * Durations between milestones, per local day of the later milestone. `channel`
 * "*" rows cover all channels, so a store's day has exact percentiles both ways;
 * `histogram` (log-scale bins, JSON) merges across rows for approximate ones.
 */
export const rollupDurations = sqliteTable(
  "rollup_durations",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    span: text("span").notNull(),
    channel: text("channel").notNull(),
    count: integer("count").notNull(),
    sumMs: integer("sum_ms").notNull(),
    maxMs: integer("max_ms").notNull(),
    p50Ms: integer("p50_ms").notNull(),
    p90Ms: integer("p90_ms").notNull(),
    breaches: integer("breaches").notNull(),
    histogram: text("histogram").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.span, t.channel] }), index("rollup_durations_day_idx").on(t.day)],
);

/** Each milestone an order reached later than its store's SLA allowed. */
export const rollupSlaBreaches = sqliteTable(
  "rollup_sla_breaches",
  {
    orderId: text("order_id").notNull(),
    span: text("span").notNull(),
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    channel: text("channel").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    targetMs: integer("target_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.span] }), index("rollup_sla_breaches_store_day_idx").on(t.storeId, t.day)],
);

/** What each person (API key) did per day: one row per action (`metric`), with how long the order had waited for it. */
export const rollupStaffDays = sqliteTable(
  "rollup_staff_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    actor: text("actor").notNull(),
    role: text("role").notNull(),
    metric: text("metric").notNull(),
    count: integer("count").notNull(),
    latencySumMs: integer("latency_sum_ms").notNull(),
    latencyMaxMs: integer("latency_max_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.actor, t.metric] }), index("rollup_staff_days_day_idx").on(t.day)],
);

/** Holds, rejections and cancellations per reason given. */
export const rollupReasonDays = sqliteTable(
  "rollup_reason_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    event: text("event").notNull(),
    reason: text("reason").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.event, t.reason] }), index("rollup_reason_days_day_idx").on(t.day)],
);

/** Units and revenue per SKU (line totals, before order-level discounts). Cost stays null until inventory provides it. */
export const rollupSkuDays = sqliteTable(
  "rollup_sku_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    sku: text("sku").notNull(),
    currency: text("currency").notNull(),
    unitsOrdered: integer("units_ordered").notNull(),
    revenueOrdered: integer("revenue_ordered").notNull(),
    unitsCancelled: integer("units_cancelled").notNull(),
    revenueCancelled: integer("revenue_cancelled").notNull(),
    unitsShipped: integer("units_shipped").notNull(),
    revenueShipped: integer("revenue_shipped").notNull(),
    costShipped: integer("cost_shipped"),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.day, t.warehouseId, t.sku, t.currency] }),
    index("rollup_sku_days_day_idx").on(t.day),
  ],
);
