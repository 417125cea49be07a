/**
 * Customers (src/customers): one record per person the merchant sells to,
 * across every store and channel of the deployment, recognised by the
 * merchant-wide blind indexes of their email and phone (orders'
 * `customer_*_merchant_index`).
 *
 * Invariants:
 * - An order belongs to at most one customer (`customer_links`, keyed by the
 *   order); merging moves links, it never copies or deletes them, so the
 *   orders of a customer are always the links that point at it.
 * - `home_customer_id` on a link and an identity is the customer it was first
 *   recognised as: unmerging gives back exactly what that customer and the
 *   customers merged into it brought, and nothing recognised since.
 * - `customer_events` is append-only; an erasure blanks the text of notes
 *   (the one thing in it a person wrote about the customer), never a row.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { AddressFacts } from "../../orders/project-order";
import { encryptedJson, encryptedText } from "../encrypted";

export const CUSTOMER_STATUSES = ["active", "merged", "erased"] as const;
export const RFM_SEGMENTS = ["champions", "loyal", "promising", "new", "needs_attention", "at_risk", "hibernating", "lost"] as const;

export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    status: text("status", { enum: CUSTOMER_STATUSES }).notNull(),
    /** Set while merged: the customer this one's orders and identities now belong to. */
    mergedInto: text("merged_into"),
    // What the latest order said, sealed like the order's own fields; null once erased.
    name: encryptedText("name"),
    email: encryptedText("email"),
    phone: encryptedText("phone"),
    address: encryptedJson<AddressFacts>("address"),
    /** Blind indexes (merchant-wide, label `merchant:name`) of each word of the name: search by name without plaintext. */
    nameTerms: text("name_terms", { mode: "json" }).$type<string[]>().notNull().default([]),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
    // Recomputed by the rollups (src/customers/refresh-customers.ts) from the linked orders.
    ordersCount: integer("orders_count").notNull().default(0),
    /** Minor units per ISO currency, of orders neither cancelled nor refunded: `{"USD": 12950}`. */
    spent: text("spent", { mode: "json" }).$type<Record<string, number>>().notNull().default({}),
    firstOrderAt: integer("first_order_at"),
    lastOrderAt: integer("last_order_at"),
    rfmRecency: integer("rfm_recency"),
    rfmFrequency: integer("rfm_frequency"),
    rfmMonetary: integer("rfm_monetary"),
    rfmSegment: text("rfm_segment", { enum: RFM_SEGMENTS }),
    /** The currency spent most in and that spend: what the monetary score ranks, per currency (src/customers/rfm.ts). */
    mainCurrency: text("main_currency"),
    mainSpent: integer("main_spent").notNull().default(0),
    /** Changes to the linked orders not yet counted: bumped by each, cleared by the rollups only if no change came after they read it. */
    dirty: integer("dirty").notNull().default(1),
    /** When the figures were last recomputed: recency moves with the calendar, so old ones are refreshed a slice at a time. */
    computedAt: integer("computed_at"),
    /** The operation that last changed the row: later statements of the same D1 batch go on only if it is theirs. */
    lastOp: text("last_op"),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    erasedAt: integer("erased_at"),
  },
  (t) => [
    index("customers_status_id_idx").on(t.status, t.id),
    index("customers_merged_into_idx").on(t.mergedInto),
    index("customers_dirty_idx").on(t.dirty),
    index("customers_computed_idx").on(t.status, t.computedAt),
    index("customers_segment_idx").on(t.rfmSegment, t.id),
    index("customers_main_spent_idx").on(t.mainCurrency, t.mainSpent),
  ],
);

/** What recognises a customer: a merchant-wide blind index of a normalised email or phone, owned by one customer at a time. */
export const customerIdentities = sqliteTable(
  "customer_identities",
  {
    kind: text("kind", { enum: ["email", "phone"] }).notNull(),
    valueIndex: text("value_index").notNull(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    homeCustomerId: text("home_customer_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("customer_identities_uq").on(t.kind, t.valueIndex),
    index("customer_identities_customer_idx").on(t.customerId),
    index("customer_identities_home_idx").on(t.homeCustomerId),
  ],
);

/**
 * Which customer each order belongs to, and the identities it was recognised by (a changed contact relinks it).
 * Links live on the directory and orders on their store's shard, so a link carries what the customer pages count
 * and scope by: the order's store, time, status and total, copied by the linker from every change of the order
 * (src/customers/link-orders.ts). No foreign key to `orders`: it cannot point into another database.
 */
export const customerLinks = sqliteTable(
  "customer_links",
  {
    orderId: text("order_id").primaryKey(),
    storeId: text("store_id").notNull(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    homeCustomerId: text("home_customer_id").notNull(),
    emailIndex: text("email_index"),
    phoneIndex: text("phone_index"),
    linkedAt: integer("linked_at").notNull(),
    // The order as the linker last read it: "newest order wins" and the figures compare these.
    orderCreatedAt: integer("order_created_at").notNull(),
    orderStatus: text("order_status").notNull(),
    paymentStatus: text("payment_status").notNull(),
    currency: text("currency").notNull(),
    totalAmount: integer("total_amount").notNull(),
    /** The order's `updated_at` these facts are from: a slower linker never writes older facts over newer ones. */
    orderUpdatedAt: integer("order_updated_at").notNull(),
  },
  (t) => [
    index("customer_links_customer_idx").on(t.customerId, t.orderId),
    index("customer_links_home_idx").on(t.homeCustomerId),
    index("customer_links_store_idx").on(t.storeId, t.customerId),
  ],
);

export const CUSTOMER_EVENT_TYPES = ["created", "merged", "merged_into", "unmerged", "tags_changed", "note_added", "erased", "exported"] as const;

/** The customer's history: merges, unmerges, notes, tag changes, exports and the erasure, by whom and when. Append-only. */
export const customerEvents = sqliteTable(
  "customer_events",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id").notNull(),
    type: text("type", { enum: CUSTOMER_EVENT_TYPES }).notNull(),
    actor: text("actor").notNull(),
    /** The other customer of a merge or unmerge. */
    otherCustomerId: text("other_customer_id"),
    /** A note's text or an erasure's reason; blanked (never the row) when the customer is erased. */
    body: text("body"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("customer_events_customer_idx").on(t.customerId, t.id)],
);

/** Where the linker stands in each shard's orders changed since its last run (one row per shard). */
export const customerSyncState = sqliteTable("customer_sync_state", {
  id: integer("id").primaryKey(),
  /** The shard whose orders this row walks (`shards.id`); the row from before sharding is shard 0's. */
  shardId: text("shard_id").notNull().default("s0").unique(),
  updatedAt: integer("updated_at").notNull(),
  orderId: text("order_id").notNull(),
  /** The backfill's place in all orders by id: older orders get their merchant indexes and links from it. */
  backfillAfter: text("backfill_after").notNull(),
});
