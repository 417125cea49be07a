/** The customer's order page links (src/customer). */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { orders } from "./orders";

/** Links to the customer's order page. Only a hash is stored; each link expires. */
export const customerTokens = sqliteTable(
  "customer_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
    /**
     * Sent in a message that answers the customer's own act on their page (a request opened or withdrawn, receipt
     * confirmed, a fix to their address): such a link does not retire the links sent before it, so the page the
     * customer is using keeps working while our reply reaches their mailbox. Only the shop's own news does.
     */
    reply: integer("reply", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("customer_tokens_order_idx").on(t.orderId)],
);
