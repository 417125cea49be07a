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
  },
  (t) => [index("customer_tokens_order_idx").on(t.orderId)],
);
