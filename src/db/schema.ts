/**
 * The D1 schema: the single source of truth for every order and everything
 * queried. Times are UTC epoch milliseconds; money is integer minor units
 * next to an ISO 4217 currency. Migrations in `migrations/` are generated
 * from this file (`npm run db:generate`); never edit an applied migration.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
  /** Customers may ask to return or exchange goods for this many days after delivery; null: no limit. Staff may still open one later. */
  returnWindowDays: integer("return_window_days"),
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
    /** JSON array of warehouse ids, or ["*"] for every warehouse: what warehouse staff may see and work in. */
    warehouseIds: text("warehouse_ids", { mode: "json" }).$type<string[]>().notNull().default(["*"]),
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
    /** What a scanner reads off the item (EAN/UPC/...), accepted at pick and pack as well as the SKU. */
    barcode: text("barcode"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("products_store_sku_uq").on(t.storeId, t.sku)],
);

/**
 * A place that holds stock: our own, or a third-party logistics provider
 * (3PL) that we dispatch to by signed webhook and that confirms shipments
 * back through /webhooks/3pl/:id, signed with the same secret.
 */
export const warehouses = sqliteTable("warehouses", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["own", "third_party"] }).notNull().default("own"),
  country: text("country").notNull(),
  region: text("region"),
  /** The currency stock costs are kept in. */
  currency: text("currency").notNull().default("USD"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  /** Packing accepts a measured weight within max(pct of expected, grams) of the catalogue weight. */
  weightTolerancePct: integer("weight_tolerance_pct").notNull().default(5),
  weightToleranceGrams: integer("weight_tolerance_grams").notNull().default(20),
  /** 3PL only: where dispatches are POSTed, and the Standard Webhooks secret (whsec_...) for both directions. */
  webhookUrl: text("webhook_url"),
  webhookSecret: text("webhook_secret"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull().default(0),
});

export const zones = sqliteTable(
  "zones",
  {
    id: text("id").primaryKey(),
    warehouseId: text("warehouse_id").notNull().references(() => warehouses.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("zones_wh_code_uq").on(t.warehouseId, t.code)],
);

/**
 * A bin location. `pick_sequence` is its place on the walking path: pick
 * lists are sorted by it. Every warehouse has one `outbound` bin (OUTBOUND)
 * where picked goods wait for packing and shipping. Bins are never deleted
 * (only deactivated), so a stock row's bin always exists.
 */
export const bins = sqliteTable(
  "bins",
  {
    id: text("id").primaryKey(),
    warehouseId: text("warehouse_id").notNull().references(() => warehouses.id),
    zoneId: text("zone_id").references(() => zones.id),
    code: text("code").notNull(),
    kind: text("kind", { enum: ["storage", "outbound"] }).notNull().default("storage"),
    pickSequence: integer("pick_sequence").notNull().default(0),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("bins_wh_code_uq").on(t.warehouseId, t.code)],
);

/**
 * Stock per (bin, sku). Rows are never deleted. The CHECKs are what make
 * reservation race-free: a batch that would reserve more than is on hand,
 * or take on-hand below what is reserved, fails as a whole (D1 rolls the
 * batch back), so concurrent allocations can never oversell. SKUs are the
 * merchant's, shared by its stores.
 */
export const stockLevels = sqliteTable(
  "stock_levels",
  {
    binId: text("bin_id").notNull().references(() => bins.id),
    sku: text("sku").notNull(),
    warehouseId: text("warehouse_id").notNull().references(() => warehouses.id),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    available: integer("available").generatedAlwaysAs(sql`on_hand - reserved`, { mode: "virtual" }),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.binId, t.sku] }),
    index("stock_levels_wh_sku_idx").on(t.warehouseId, t.sku),
    check("stock_levels_on_hand_nonneg", sql`${t.onHand} >= 0`),
    check("stock_levels_reserved_nonneg", sql`${t.reserved} >= 0`),
    check("stock_levels_reserved_within_on_hand", sql`${t.reserved} <= ${t.onHand}`),
  ],
);

export const MOVEMENT_KINDS = [
  "receive",
  "adjust",
  "transfer_out",
  "transfer_in",
  "count",
  "reserve",
  "release",
  "pick",
  "restock",
  "ship",
  "return",
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/**
 * The append-only stock ledger: every change of a stock row is a movement
 * written in the same batch, so summing the deltas per (bin, sku) gives the
 * levels back (checked by GET /v1/warehouses/:id/stock-check).
 */
export const stockMovements = sqliteTable(
  "stock_movements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    warehouseId: text("warehouse_id").notNull(),
    binId: text("bin_id").notNull(),
    sku: text("sku").notNull(),
    kind: text("kind", { enum: MOVEMENT_KINDS }).notNull(),
    onHandDelta: integer("on_hand_delta").notNull(),
    reservedDelta: integer("reserved_delta").notNull(),
    /** Receipts and transfers in: the unit cost paid; ship movements: the moving average at the time the goods left. Minor units of the warehouse's currency. */
    unitCost: integer("unit_cost"),
    actor: text("actor").notNull(),
    reason: text("reason"),
    /** What caused it: a receipt, adjustment, transfer, count, order or shipment id. */
    refType: text("ref_type"),
    refId: text("ref_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("stock_movements_wh_sku_idx").on(t.warehouseId, t.sku, t.id), index("stock_movements_ref_idx").on(t.refId)],
);

/** Moving average unit cost per (warehouse, sku), recomputed on every receipt and transfer in. */
export const stockCosts = sqliteTable(
  "stock_costs",
  {
    warehouseId: text("warehouse_id").notNull(),
    sku: text("sku").notNull(),
    /** Minor units of `currency`, rounded to the nearest unit at each receipt. */
    avgUnitCost: integer("avg_unit_cost").notNull(),
    currency: text("currency").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.warehouseId, t.sku] })],
);

/** A stocktake: what was counted where, what the system expected, and the variance booked. */
export const stockCounts = sqliteTable("stock_counts", {
  id: text("id").primaryKey(),
  warehouseId: text("warehouse_id").notNull(),
  actor: text("actor").notNull(),
  reason: text("reason"),
  createdAt: integer("created_at").notNull(),
});

export const stockCountLines = sqliteTable(
  "stock_count_lines",
  {
    countId: text("count_id").notNull(),
    binId: text("bin_id").notNull(),
    sku: text("sku").notNull(),
    expected: integer("expected").notNull(),
    counted: integer("counted").notNull(),
  },
  (t) => [primaryKey({ columns: [t.countId, t.binId, t.sku] })],
);

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
    /** After-sales requests not yet closed: while any is open, the order does not complete (kept by the order object). */
    openAfterSales: integer("open_after_sales").notNull().default(0),
  },
  (t) => [
    uniqueIndex("orders_store_external_uq").on(t.storeId, t.externalId),
    index("orders_store_id_idx").on(t.storeId, t.id),
    index("orders_status_id_idx").on(t.status, t.id),
    index("orders_created_idx").on(t.createdAt),
    // The audit looks up a customer's recent orders (duplicates) by email or phone.
    index("orders_store_email_idx").on(t.storeId, sql`${t.customerEmail} COLLATE NOCASE`),
    index("orders_store_phone_idx").on(t.storeId, t.customerPhone),
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
    topic: text("topic", { enum: ["fulfilment", "notifications", "webhooks", "logistics"] }).notNull(),
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
  (t) => [
    index("audit_results_order_idx").on(t.orderId, t.createdAt),
    // Analytics folds and scans audits by time.
    index("audit_results_created_idx").on(t.createdAt),
  ],
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

/** A store's routing policy, as data (see src/fulfilment/routing-policy.ts for its shape and meaning). */
export const routingPolicies = sqliteTable("routing_policies", {
  storeId: text("store_id").primaryKey().references(() => stores.id),
  policy: text("policy", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * The outcome of allocating an order's goods: allocated (shipments exist),
 * backordered (retried by the cron and by hand) or released (cancelled),
 * with the policy's explanation of each warehouse it considered.
 */
export const allocations = sqliteTable(
  "allocations",
  {
    orderId: text("order_id").primaryKey().references(() => orders.id),
    storeId: text("store_id").notNull(),
    status: text("status", { enum: ["allocated", "backordered", "released"] }).notNull(),
    reason: text("reason"),
    explanation: text("explanation", { mode: "json" }).$type<unknown>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastAttemptAt: integer("last_attempt_at").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("allocations_status_idx").on(t.status, t.lastAttemptAt)],
);

/**
 * pending -> picking -> packed here; labelled, shipped, in_transit,
 * out_for_delivery, delivered, exception and returned belong to logistics.
 * `merged` shipments gave their items to `merged_into`; `cancelled` ones
 * lost all their items to cancellations.
 */
export const SHIPMENT_STATUSES = [
  "pending",
  "picking",
  "packed",
  "labelled",
  "intercepted",
  "shipped",
  "in_transit",
  "out_for_delivery",
  "delivered",
  "exception",
  "returned",
  "cancelled",
  "merged",
  "rejected",
  "closed",
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export const shipments = sqliteTable(
  "shipments",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    /** The order it was allocated for; a merged shipment also carries other orders' items. */
    orderId: text("order_id").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    status: text("status", { enum: SHIPMENT_STATUSES }).notNull(),
    carrier: text("carrier"),
    /** Same store, customer and address: shipments with equal keys may be merged. */
    mergeKey: text("merge_key").notNull(),
    mergedInto: text("merged_into"),
    /** Not released to picking before this time (the merge policy's hold window). */
    holdUntil: integer("hold_until").notNull(),
    waveId: text("wave_id"),
    /** When and why it was intercepted (status `intercepted`), and the status it was stopped at: where work resumes once released. */
    interceptedAt: integer("intercepted_at"),
    interceptReason: text("intercept_reason"),
    interceptedFrom: text("intercepted_from", { enum: ["pending", "picking", "packed", "labelled"] }),
    /** 3PL only: queued -> sent -> accepted | rejected. */
    dispatchStatus: text("dispatch_status", { enum: ["queued", "sent", "accepted", "rejected"] }),
    dispatchNote: text("dispatch_note"),
    expectedWeightGrams: integer("expected_weight_grams"),
    packages: text("packages", { mode: "json" }).$type<Record<string, unknown>[]>(),
    weightOverrideReason: text("weight_override_reason"),
    packedAt: integer("packed_at"),
    /** Packed and verified: the logistics stage may print its label. */
    readyForLabelAt: integer("ready_for_label_at"),
    shippedAt: integer("shipped_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("shipments_wh_status_idx").on(t.warehouseId, t.status, t.id),
    index("shipments_merge_idx").on(t.storeId, t.mergeKey, t.status),
    index("shipments_order_idx").on(t.orderId),
  ],
);

/**
 * One order line's quantity reserved at one bin. `reserved_qty` is what is
 * still held in the bin; picking moves it to `picked_qty` (the goods are now
 * in the OUTBOUND bin), a short pick to `short_qty`. The CHECKs stop two
 * racing operations from both consuming the same reservation.
 */
export const shipmentItems = sqliteTable(
  "shipment_items",
  {
    id: text("id").primaryKey(),
    shipmentId: text("shipment_id").notNull(),
    /** The shipment it was allocated to: where an unmerge sends it back. */
    originShipmentId: text("origin_shipment_id").notNull(),
    orderId: text("order_id").notNull(),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    binId: text("bin_id").notNull(),
    quantity: integer("quantity").notNull(),
    reservedQty: integer("reserved_qty").notNull(),
    pickedQty: integer("picked_qty").notNull().default(0),
    shortQty: integer("short_qty").notNull().default(0),
    packedQty: integer("packed_qty").notNull().default(0),
    /** The item's order was cancelled: it is skipped by picking and packing, and restocked if picked. */
    cancelledAt: integer("cancelled_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("shipment_items_shipment_idx").on(t.shipmentId),
    index("shipment_items_order_idx").on(t.orderId),
    check("shipment_items_reserved_nonneg", sql`${t.reservedQty} >= 0`),
    check("shipment_items_counts_nonneg", sql`${t.pickedQty} >= 0 AND ${t.shortQty} >= 0 AND ${t.packedQty} >= 0`),
    check("shipment_items_within_quantity", sql`${t.reservedQty} + ${t.pickedQty} + ${t.shortQty} <= ${t.quantity}`),
    check("shipment_items_packed_within_picked", sql`${t.packedQty} <= ${t.pickedQty}`),
  ],
);

/** A batch of shipments released to the floor together, grouped by carrier, zone or single-item orders. */
export const waves = sqliteTable(
  "waves",
  {
    id: text("id").primaryKey(),
    warehouseId: text("warehouse_id").notNull(),
    groupBy: text("group_by", { enum: ["carrier", "zone", "single_item"] }).notNull(),
    groupKey: text("group_key").notNull(),
    status: text("status", { enum: ["open", "picked"] }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [index("waves_wh_idx").on(t.warehouseId, t.id)],
);

/** Problems found on the floor (short picks, 3PL rejections) that someone must resolve. */
export const fulfilmentExceptions = sqliteTable(
  "fulfilment_exceptions",
  {
    id: text("id").primaryKey(),
    shipmentId: text("shipment_id").notNull(),
    itemId: text("item_id"),
    kind: text("kind", { enum: ["short_pick", "dispatch_rejected"] }).notNull(),
    quantity: integer("quantity").notNull().default(0),
    note: text("note"),
    status: text("status", { enum: ["open", "resolved"] }).notNull(),
    resolution: text("resolution"),
    createdBy: text("created_by").notNull(),
    resolvedBy: text("resolved_by"),
    createdAt: integer("created_at").notNull(),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [index("fulfilment_exceptions_shipment_idx").on(t.shipmentId)],
);

export const WAREHOUSE_EVENT_KINDS = [
  "pick",
  "short_pick",
  "pack_scan",
  "scan_mismatch",
  "pack",
  "weigh",
  "intercept",
  "resolve",
  "restock",
  "merge",
  "unmerge",
] as const;

/** Every pick, pack scan, wrong scan, pack and weigh on the floor, with who did it and how long it took. */
export const warehouseEvents = sqliteTable(
  "warehouse_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    warehouseId: text("warehouse_id").notNull(),
    shipmentId: text("shipment_id"),
    waveId: text("wave_id"),
    kind: text("kind", { enum: WAREHOUSE_EVENT_KINDS }).notNull(),
    worker: text("worker").notNull(),
    durationMs: integer("duration_ms"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("warehouse_events_wh_idx").on(t.warehouseId, t.id),
    index("warehouse_events_worker_idx").on(t.worker, t.id),
    // Analytics folds and scans the floor's work by time.
    index("warehouse_events_created_idx").on(t.createdAt),
  ],
);

export const SERVICE_TASK_STATUSES = ["open", "assigned", "in_progress", "done", "cancelled"] as const;

/** A service line of an order, for the service team: assigned to a person, started, done. */
export const serviceTasks = sqliteTable(
  "service_tasks",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    storeId: text("store_id").notNull(),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: SERVICE_TASK_STATUSES }).notNull(),
    assignee: text("assignee"),
    note: text("note"),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    assignedAt: integer("assigned_at"),
    startedAt: integer("started_at"),
    doneAt: integer("done_at"),
  },
  (t) => [
    uniqueIndex("service_tasks_order_line_uq").on(t.orderId, t.lineNo),
    index("service_tasks_store_status_idx").on(t.storeId, t.status, t.id),
  ],
);

/** Inbound partner webhooks already handled, by the partner's event id: a redelivery changes nothing. */
export const inboundWebhooks = sqliteTable(
  "inbound_webhooks",
  {
    source: text("source").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.eventId] })],
);

/**
 * Never holds a row. `assertInBatch` inserts into it only when a condition
 * is violated, and the CHECK then fails the whole D1 batch: a guard that
 * D1 batches (which have no interactive transactions) can evaluate inside
 * themselves, after the reads they depend on.
 */
export const batchAssertions = sqliteTable(
  "batch_assertions",
  { name: text("name").notNull(), ok: integer("ok").notNull() },
  (t) => [check("batch_assertion_failed", sql`${t.ok} = 1`)],
);
// ---- Analytics (src/analytics) ---------------------------------------------
// Rollup tables are derived: every row can be recomputed from the tables
// above, and is, whenever its (store, local day) is marked dirty. `day` is the
// store's local date (YYYY-MM-DD) in the time zone the rollups were built with
// (see analyticsStores). A dimension without a value is stored as ""
// (warehouse_id of an order not allocated yet): a stable key.

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

/**
 * Units and revenue per SKU (line totals, before order-level discounts) and
 * warehouse (the allocation's, "" when not allocated). Cost is that recorded
 * on the ship movements of what shipped; null when nothing shipped or a cost
 * is unknown.
 */
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

/**
 * The warehouse floor's work per person, warehouse and day: one row per
 * `metric` (pick, short_pick, pack_scan, scan_mismatch, pack, weight_override,
 * and the other warehouse event kinds), from warehouse_events. `units` is
 * what the metric moved (units picked or short, packages packed); durations
 * are those the floor reported (`duration_n` of `count` had one).
 */
export const rollupFloorDays = sqliteTable(
  "rollup_floor_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    worker: text("worker").notNull(),
    role: text("role").notNull(),
    metric: text("metric").notNull(),
    count: integer("count").notNull(),
    units: integer("units").notNull(),
    durationN: integer("duration_n").notNull(),
    durationSumMs: integer("duration_sum_ms").notNull(),
    durationMaxMs: integer("duration_max_ms").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.day, t.warehouseId, t.worker, t.metric] }),
    index("rollup_floor_days_day_idx").on(t.day),
  ],
);

/**
 * Audit findings per reason code, outcome and severity, per local day of the
 * audit (audit_results). `code` "" counts audits that found nothing.
 */
export const rollupAuditDays = sqliteTable(
  "rollup_audit_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    outcome: text("outcome").notNull(),
    code: text("code").notNull(),
    severity: text("severity").notNull(),
    /** Audits that raised the code (once each, however often it was raised). */
    audits: integer("audits").notNull(),
    findings: integer("findings").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.day, t.outcome, t.code, t.severity] }),
    index("rollup_audit_days_day_idx").on(t.day),
  ],
);

/**
 * Carrier performance per carrier service and local day: parcels handed
 * over, parcels delivered (judged on time or late against the transit days
 * the service promised when it was chosen), transit time, and delivery
 * exceptions by kind (the day each was raised).
 */
export const rollupCarrierDays = sqliteTable(
  "rollup_carrier_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    carrier: text("carrier").notNull(),
    service: text("service").notNull(),
    shipped: integer("shipped").notNull(),
    delivered: integer("delivered").notNull(),
    onTime: integer("on_time").notNull(),
    late: integer("late").notNull(),
    /** Delivered parcels with a handover time: the transit sums are over these. */
    transitN: integer("transit_n").notNull(),
    transitSumMs: integer("transit_sum_ms").notNull(),
    transitMaxMs: integer("transit_max_ms").notNull(),
    failedAttempt: integer("failed_attempt").notNull(),
    exception: integer("exception").notNull(),
    returnedToSender: integer("returned_to_sender").notNull(),
    staleTracking: integer("stale_tracking").notNull(),
    conflictingStatus: integer("conflicting_status").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.day, t.carrier, t.service] }),
    index("rollup_carrier_days_day_idx").on(t.day),
  ],
);

// ---------------------------------------------------------------------------
// Logistics (stage 4): carriers as data, labels, tracking, exceptions.

/** A store's carriers, services, rates and carrier-choice policy, as data (shape in src/logistics/carrier-config.ts). */
export const storeLogistics = sqliteTable("store_logistics", {
  storeId: text("store_id").primaryKey().references(() => stores.id),
  config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** The unified tracking vocabulary every partner's statuses are mapped onto (src/logistics/tracking-status.ts). */
export const TRACKING_STATUSES = [
  "pre_transit",
  "in_transit",
  "out_for_delivery",
  "available_for_pickup",
  "delivered",
  "failed_attempt",
  "exception",
  "returned_to_sender",
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/**
 * A shipment's label and tracking, one row from the moment it is labelled.
 * `status`/`status_at`/`peak_rank` only move forward (see advanceTracking);
 * every change bumps `version`, the guard of concurrent tracking updates.
 */
export const shipmentTracking = sqliteTable(
  "shipment_tracking",
  {
    shipmentId: text("shipment_id").primaryKey(),
    storeId: text("store_id").notNull(),
    orderId: text("order_id").notNull(),
    carrier: text("carrier").notNull(),
    service: text("service").notNull(),
    /** Which adapter issued the label: sandbox or http. */
    adapter: text("adapter").notNull(),
    /** The carrier's own id of the shipment (to fetch or cancel the label). */
    carrierRef: text("carrier_ref").notNull(),
    trackingNumber: text("tracking_number").notNull(),
    trackingUrl: text("tracking_url"),
    rateAmount: integer("rate_amount").notNull(),
    currency: text("currency").notNull(),
    packageCount: integer("package_count").notNull(),
    explanation: text("explanation", { mode: "json" }).$type<unknown>().notNull(),
    status: text("status", { enum: TRACKING_STATUSES }),
    /** When the partner says the current status happened (not when we heard it). */
    statusAt: integer("status_at"),
    /** Highest progress rank reached (pre_transit 1 ... out_for_delivery/available_for_pickup 3, terminal 9). */
    peakRank: integer("peak_rank").notNull().default(0),
    /** When we last heard anything about it (label, handover or a tracking event): the staleness clock. */
    lastUpdateAt: integer("last_update_at").notNull(),
    version: integer("version").notNull().default(1),
    /** The tracking event (or handover) that made the latest change: how a batch's later statements know the guarded update won. */
    lastEventId: text("last_event_id"),
    labelledBy: text("labelled_by").notNull(),
    labelledAt: integer("labelled_at").notNull(),
    handedOverBy: text("handed_over_by"),
    handedOverAt: integer("handed_over_at"),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    index("shipment_tracking_number_idx").on(t.trackingNumber),
    index("shipment_tracking_status_idx").on(t.status, t.lastUpdateAt),
    // Analytics: the change scan reads what changed, the carrier fold what was handed over or delivered in a range of time.
    index("shipment_tracking_updated_idx").on(t.lastUpdateAt),
    index("shipment_tracking_handed_over_idx").on(t.handedOverAt),
    index("shipment_tracking_delivered_idx").on(t.deliveredAt),
  ],
);

/** The printable label (a PDF, base64), apart from the tracking row that every webhook reads. */
export const shipmentLabels = sqliteTable("shipment_labels", {
  shipmentId: text("shipment_id").primaryKey(),
  contentType: text("content_type").notNull(),
  data: text("data").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const TRACKING_OUTCOMES = ["applied", "kept", "unmatched"] as const;

/**
 * Every tracking webhook we accepted, raw body included, unique per
 * (partner, event id): a redelivery is a no-op. The mapped fields are filled
 * at ingest; `shipment_id`, `outcome` and `processed_at` by the queue
 * consumer. Rows with a shipment are that shipment's timeline (by `occurred_at`).
 */
export const trackingEvents = sqliteTable(
  "tracking_events",
  {
    id: text("id").primaryKey(),
    partner: text("partner").notNull(),
    eventId: text("event_id").notNull(),
    trackingNumber: text("tracking_number").notNull(),
    carrier: text("carrier"),
    partnerStatus: text("partner_status").notNull(),
    status: text("status", { enum: TRACKING_STATUSES }).notNull(),
    message: text("message"),
    location: text("location"),
    occurredAt: integer("occurred_at").notNull(),
    receivedAt: integer("received_at").notNull(),
    body: text("body").notNull(),
    shipmentId: text("shipment_id"),
    /** applied: moved the shipment; kept: in the timeline only (late, out of order or after a terminal state); unmatched: no shipment has this number. */
    outcome: text("outcome", { enum: TRACKING_OUTCOMES }),
    processedAt: integer("processed_at"),
  },
  (t) => [
    uniqueIndex("tracking_events_partner_event_uq").on(t.partner, t.eventId),
    index("tracking_events_number_idx").on(t.trackingNumber),
    index("tracking_events_shipment_idx").on(t.shipmentId, t.occurredAt),
    index("tracking_events_outcome_idx").on(t.outcome, t.id),
  ],
);

/** What a carrier's tracking or silence raises: counted per carrier by the analytics. */
export const CARRIER_EXCEPTION_KINDS = ["failed_attempt", "exception", "returned_to_sender", "stale_tracking", "conflicting_status"] as const;
/** `recall`: a parcel left although its order was cancelled or it was intercepted; someone must get it back. */
export const LOGISTICS_EXCEPTION_KINDS = [...CARRIER_EXCEPTION_KINDS, "recall"] as const;

/**
 * Delivery problems for the logistics team: raised by tracking events and by
 * the staleness cron, resolved by a person. `open_key` is
 * "<shipment>:<kind>" while open and null once resolved: its unique index
 * keeps one open exception per shipment and kind however often it is raised.
 */
export const logisticsExceptions = sqliteTable(
  "logistics_exceptions",
  {
    id: text("id").primaryKey(),
    shipmentId: text("shipment_id").notNull(),
    orderId: text("order_id").notNull(),
    storeId: text("store_id").notNull(),
    kind: text("kind", { enum: LOGISTICS_EXCEPTION_KINDS }).notNull(),
    detail: text("detail"),
    trackingEventId: text("tracking_event_id"),
    status: text("status", { enum: ["open", "resolved"] }).notNull(),
    openKey: text("open_key"),
    createdAt: integer("created_at").notNull(),
    resolvedBy: text("resolved_by"),
    resolvedAt: integer("resolved_at"),
    resolution: text("resolution"),
  },
  (t) => [
    uniqueIndex("logistics_exceptions_open_uq").on(t.openKey),
    index("logistics_exceptions_status_idx").on(t.status, t.id),
    index("logistics_exceptions_order_idx").on(t.orderId),
    // Analytics folds and scans exceptions by the time they were raised.
    index("logistics_exceptions_created_idx").on(t.createdAt),
  ],
);

// After-sales (stage 5): returns, exchanges, refunds and claims on shipped or
// delivered orders. Every change goes through the order's object, as an order
// event in the same batch, so a request and the order's completion never race.
export const AFTER_SALES_KINDS = ["return", "exchange", "refund", "claim"] as const;
export const AFTER_SALES_STATUSES = ["open", "accepted", "resolved", "rejected", "withdrawn"] as const;
export const AFTER_SALES_RESOLUTIONS = ["refund", "replacement", "repair", "no_action"] as const;

export const afterSalesRequests = sqliteTable(
  "after_sales_requests",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    storeId: text("store_id").notNull(),
    kind: text("kind", { enum: AFTER_SALES_KINDS }).notNull(),
    status: text("status", { enum: AFTER_SALES_STATUSES }).notNull(),
    /** The customer's words: what is wrong. */
    reason: text("reason").notNull(),
    /** Which units it is about; empty when it is about the order as a whole (a lost parcel, a late refund). */
    lines: text("lines", { mode: "json" }).$type<{ sku: string; quantity: number }[]>().notNull(),
    /** customer, or the key that opened it for them (support, a storefront). */
    openedBy: text("opened_by").notNull(),
    resolution: text("resolution", { enum: AFTER_SALES_RESOLUTIONS }),
    /** The order's currency, which the refund is in. */
    currency: text("currency").notNull(),
    /** Minor units of `currency`, when the resolution is a refund. */
    refundAmount: integer("refund_amount"),
    /** What staff told the customer when they accepted, rejected or resolved it. */
    note: text("note"),
    decidedBy: text("decided_by"),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    acceptedAt: integer("accepted_at"),
    closedAt: integer("closed_at"),
  },
  (t) => [index("after_sales_order_idx").on(t.orderId, t.id), index("after_sales_store_status_idx").on(t.storeId, t.status, t.id)],
);
