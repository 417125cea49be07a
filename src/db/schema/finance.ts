/** The books (src/finance): invoices, numbered without gaps per store. */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { InvoiceDocument } from "../../finance/invoice-rules";
import { encryptedJson } from "../encrypted";
import { orders } from "./orders";
import { stores } from "./stores";

/**
 * One invoice per order, never changed once issued. `number` runs 1, 2, 3…
 * per store with no gaps: it is drawn inside the insert (the store's highest
 * plus one, D1 writing one statement at a time) and the unique indexes refuse
 * a second invoice for the order or a second use of a number.
 */
export const invoices = sqliteTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    number: integer("number").notNull(),
    /** As printed: the store's prefix and the number, six digits at least (INV-000042). */
    numberText: text("number_text").notNull(),
    currency: text("currency").notNull(),
    totalAmount: integer("total_amount").notNull(),
    /** What was invoiced as it stood at issue: seller, buyer (personal data, so sealed), lines and amounts. */
    document: encryptedJson<InvoiceDocument>("document").notNull(),
    issuedBy: text("issued_by").notNull(),
    issuedAt: integer("issued_at").notNull(),
  },
  (t) => [uniqueIndex("invoices_order_uq").on(t.orderId), uniqueIndex("invoices_store_number_uq").on(t.storeId, t.number), index("invoices_issued_idx").on(t.storeId, t.issuedAt)],
);
