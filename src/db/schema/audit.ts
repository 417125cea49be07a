/** The order audit's rules, results and blocklist (src/audit). */
import { encryptedText } from "../encrypted";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { orders } from "./orders";
import { stores } from "./stores";

/** A store's audit rules, as data. Every change bumps `version`, which each audit result records. */
export const auditRuleSets = sqliteTable("audit_rule_sets", {
  storeId: text("store_id")
    .primaryKey()
    .references(() => stores.id),
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
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
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

/** Customers a store refuses to serve, matched on a normalised email, phone or address. */
export const blocklistEntries = sqliteTable(
  "blocklist_entries",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    kind: text("kind", { enum: ["email", "phone", "address"] }).notNull(),
    /** The normalised value, sealed at rest; matched through `valueIndex`. */
    value: encryptedText("value").notNull(),
    /** Blind index (src/lib/pii-crypto.ts) of the normalised value: what the audit and the uniqueness check compare. */
    valueIndex: text("value_index"),
    /**
     * Which normalisation `value` is in (`BLOCK_VALUE_FORM`, src/audit/normalise.ts): null for entries stored before
     * postal codes were compacted, which the hourly re-encryption job brings to the current form (src/db/reseal-pii.ts).
     */
    valueForm: integer("value_form"),
    note: text("note"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("blocklist_store_kind_value_index_uq").on(t.storeId, t.kind, t.valueIndex)],
);

/**
 * An auditor's claim on an order awaiting review, so two auditors do not
 * work the same order. One row per order; it counts only while `until` is
 * ahead and the order is still received or on hold (src/review/claims.ts),
 * so a claim ends by itself when it expires or the order leaves the queue.
 */
export const orderClaims = sqliteTable(
  "order_claims",
  {
    orderId: text("order_id")
      .primaryKey()
      .references(() => orders.id),
    claimedBy: text("claimed_by").notNull(),
    until: integer("until").notNull(),
    claimedAt: integer("claimed_at").notNull(),
  },
  (t) => [index("order_claims_holder_idx").on(t.claimedBy, t.until)],
);

/** Staff's internal notes on an order: read by staff who read orders, never by the customer. */
export const orderNotes = sqliteTable(
  "order_notes",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    storeId: text("store_id").notNull(),
    authorId: text("author_id").notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("order_notes_order_idx").on(t.orderId, t.createdAt)],
);
