/** The store: currency, time zone, language and the per-store switches of the order flow. */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
  /**
   * Which backorders get stock first when it arrives (src/procurement/backorders.ts): `oldest` (first
   * backordered), `largest_value` (the highest order total) or `fewest_units` (the smallest orders, so the most
   * customers are served).
   */
  backorderPriority: text("backorder_priority", { enum: ["oldest", "largest_value", "fewest_units"] })
    .notNull()
    .default("oldest"),
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
    .default(["order.on_hold", "order.approved", "order.shipped", "shipment.out_for_delivery", "shipment.exception", "order.delivered", "order.completed", "order.cancelled"]),
  /** Who the store's invoices say sells (src/finance): legal name, address, tax number and the number prefix; null: the store's name and "INV-". */
  invoicing: text("invoicing", { mode: "json" }).$type<{ legal_name?: string; address?: string; tax_id?: string; prefix?: string } | null>(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
