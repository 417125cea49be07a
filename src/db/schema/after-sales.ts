/**
 * After-sales (stage 5, src/after-sales): returns, exchanges, refunds and
 * claims on shipped or delivered orders. Every change goes through the
 * order's object, as an order event in the same batch, so a request and the
 * order's completion never race.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
