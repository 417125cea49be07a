/** The order aggregate (src/orders): orders, lines, the event log and hold reasons. Only the order's Durable Object writes them. */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { z } from "@hono/zod-openapi";
import type { Address } from "../../orders/schemas";
import type { FindingParams } from "../../orders/stage";
import { encryptedJson, encryptedText } from "../encrypted";
import { stores } from "./stores";

/** The order's states; which move is legal between them is src/orders/lifecycle.ts's to say. */
export const ORDER_STATUSES = ["received", "on_hold", "approved", "processing", "shipped", "delivered", "completed", "cancelled"] as const;

export const PAYMENT_STATUSES = ["unpaid", "authorized", "paid", "partially_refunded", "refunded", "voided"] as const;

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    channel: text("channel").notNull(),
    externalId: text("external_id"),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    /** Bumped by every state change; the optimistic-concurrency guard and the ETag. */
    version: integer("version").notNull(),
    paymentStatus: text("payment_status", { enum: PAYMENT_STATUSES }).notNull(),
    /** True when any line is goods: such an order must ship before it is delivered. */
    requiresShipping: integer("requires_shipping", { mode: "boolean" }).notNull(),
    // Customer PII, sealed at rest (src/db/encrypted.ts); looked up only through the blind indexes below.
    customerName: encryptedText("customer_name").notNull(),
    customerEmail: encryptedText("customer_email"),
    customerPhone: encryptedText("customer_phone"),
    shippingAddress: encryptedJson<z.infer<typeof Address>>("shipping_address").notNull(),
    /** Blind index (HMAC under PII_INDEX_KEY) of the normalised email, and of the phone normalised with the ship-to country. */
    customerEmailIndex: text("customer_email_index"),
    customerPhoneIndex: text("customer_phone_index"),
    /** The same, merchant-wide (not keyed by store): what recognises one customer across stores (src/customers). */
    customerEmailMerchantIndex: text("customer_email_merchant_index"),
    customerPhoneMerchantIndex: text("customer_phone_merchant_index"),
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
    /** The warehouse its allocation put most of its units in; NULL until allocated (fulfilment/primary-warehouse.ts). */
    primaryWarehouseId: text("primary_warehouse_id"),
    /** When the customer's personal data on this order was erased (src/customers/erase-order-stage.ts): edits of the contact or address are refused from then on. */
    personalDataErasedAt: integer("personal_data_erased_at"),
    /** After-sales requests not yet closed: while any is open, the order does not complete (kept by the order object). */
    openAfterSales: integer("open_after_sales").notNull().default(0),
  },
  (t) => [
    uniqueIndex("orders_store_external_uq").on(t.storeId, t.externalId),
    index("orders_store_id_idx").on(t.storeId, t.id),
    index("orders_status_id_idx").on(t.status, t.id),
    index("orders_created_idx").on(t.createdAt),
    // The audit looks up a customer's recent orders (duplicates) by email or phone, through their blind indexes.
    index("orders_store_email_index_idx").on(t.storeId, t.customerEmailIndex),
    index("orders_store_phone_index_idx").on(t.storeId, t.customerPhoneIndex),
    // Analytics scans orders changed since its watermark.
    index("orders_updated_idx").on(t.updatedAt),
  ],
);

export const orderLines = sqliteTable(
  "order_lines",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: ["goods", "service"] }).notNull(),
    quantity: integer("quantity").notNull(),
    unitPrice: integer("unit_price").notNull(),
    totalAmount: integer("total_amount").notNull(),
  },
  // The order list's SKU filter finds the orders holding a SKU through this index.
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] }), index("order_lines_sku_idx").on(t.sku, t.orderId)],
);

/**
 * Append-only timeline. `seq` equals the order's version after the change,
 * and (order_id, seq) is unique: two writers can never both record version N.
 */
export const orderEvents = sqliteTable(
  "order_events",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    fromStatus: text("from_status", { enum: ORDER_STATUSES }),
    toStatus: text("to_status", { enum: ORDER_STATUSES }).notNull(),
    actor: text("actor").notNull(),
    /** Staff's reason, for the timeline and lists: staff side only, never shown to the customer. */
    reason: text("reason"),
    /** Staff's internal note on the change: staff side only, never shown to the customer. */
    internalNote: text("internal_note"),
    /** What staff chose to tell the customer with this change: the only staff text that reaches them (message and order page). */
    customerMessage: text("customer_message"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
    /**
     * The order's history as the event found it, written with the event (src/orders/event-history.ts): the time of
     * the order's previous event (seq - 1), of its latest approval and of its latest shipment before this event.
     * Every rollup refold needs these per event, and looking them up in the order's earlier events was a fifth of
     * its staging (issue #18). NULL in events written before they existed (migration 0049): the staging looks those
     * up as before.
     */
    previousAt: integer("previous_at"),
    lastApprovedAt: integer("last_approved_at"),
    lastShippedAt: integer("last_shipped_at"),
  },
  (t) => [
    uniqueIndex("order_events_order_seq_uq").on(t.orderId, t.seq),
    // Analytics refolds a time range of events. With the order: the rollup's staging finds a unit's orders in the
    // index alone, without reading each event's row (a sixth of the staging; docs/analytics.md).
    index("order_events_created_idx").on(t.createdAt, t.orderId),
  ],
);

/** Why an order is on hold right now, one row per reason code: the review queue filters on it. */
export const orderHoldReasons = sqliteTable(
  "order_hold_reasons",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    code: text("code").notNull(),
    /** For staff, in English. The customer sees text rendered from `code` and `params` in their language (src/audit/finding-text.ts). */
    message: text("message").notNull(),
    /** The parameters of each finding behind this reason (one entry per finding); null on rows written before they were kept, and on manual holds. */
    params: text("params", { mode: "json" }).$type<FindingParams[]>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.code] }), index("order_hold_reasons_code_idx").on(t.code, t.createdAt)],
);
