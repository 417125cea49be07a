/** The books (src/finance): invoices, numbered without gaps per store. */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
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

/** What a ledger entry records. Amounts are signed from the merchant's side: money in positive, money out negative. */
export const LEDGER_KINDS = ["authorised", "captured", "refunded", "payment_fee", "platform_fee", "shipping_cost", "cost_of_goods"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * The money ledger: one row per money fact about an order, per currency, in
 * minor units. Append-only: a row is never updated or deleted; a correction
 * is a new row (`reverses` names the row it cancels). `source_key` is unique
 * and names the fact (`capture:<order>:<reference>`, `refund:<request>`,
 * `label:<shipment>:<tracking>`, `cogs:<shipment>:<order>:<sku>`), and every
 * writer inserts with ON CONFLICT DO NOTHING, so a redelivered webhook or a
 * retried step can never record a fact twice. Each row is written in the
 * same D1 batch as the fact it records.
 */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    kind: text("kind", { enum: LEDGER_KINDS }).notNull(),
    /** Minor units of `currency`, signed: captured > 0; refunds, fees, shipping and cost of goods < 0. */
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    /** The PSP's charge, payment or refund id (ch_…, pi_…, re_…, a Shopify order name): what a settlement line names. */
    reference: text("reference"),
    /** Cost of goods per SKU. */
    sku: text("sku"),
    quantity: integer("quantity"),
    /** Which step wrote it: payment_report, after_sales, label, label_void, handover, threepl, settlement, correction. */
    source: text("source").notNull(),
    sourceKey: text("source_key").notNull(),
    /** A correction names the entry it reverses. */
    reverses: text("reverses"),
    actor: text("actor").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Why a correction was written (its reversal and its replacement both carry it); null for every other source. Last: the INSERT … SELECTs list the columns in this order. */
    reason: text("reason"),
  },
  (t) => [
    uniqueIndex("ledger_entries_source_uq").on(t.sourceKey),
    index("ledger_entries_order_idx").on(t.orderId, t.createdAt),
    index("ledger_entries_reference_idx").on(t.storeId, t.reference),
    index("ledger_entries_created_idx").on(t.createdAt),
  ],
);

/** Per store, local day, channel and currency: the ledger folded (src/analytics/folds/finance.ts). */
export const rollupFinanceDays = sqliteTable(
  "rollup_finance_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    channel: text("channel").notNull(),
    currency: text("currency").notNull(),
    orders: integer("orders").notNull(),
    revenue: integer("revenue").notNull(),
    refunds: integer("refunds").notNull(),
    fees: integer("fees").notNull(),
    shipping: integer("shipping").notNull(),
    costOfGoods: integer("cost_of_goods").notNull(),
    grossProfit: integer("gross_profit").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.channel, t.currency] })],
);

export const SETTLEMENT_FORMATS = ["shopify_payouts", "stripe_balance"] as const;
export type SettlementFormat = (typeof SETTLEMENT_FORMATS)[number];
export const SETTLEMENT_STATUSES = ["importing", "reconciled"] as const;

/**
 * An imported payout or settlement file. `file_sha256` is set once the whole
 * file is stored; its unique index per store is what makes a second import of
 * the same file (at once or later) land on the first one.
 */
export const settlements = sqliteTable(
  "settlements",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    format: text("format", { enum: SETTLEMENT_FORMATS }).notNull(),
    status: text("status", { enum: SETTLEMENT_STATUSES }).notNull(),
    fileSha256: text("file_sha256"),
    lineCount: integer("line_count").notNull(),
    periodStart: integer("period_start"),
    periodEnd: integer("period_end"),
    importedBy: text("imported_by").notNull(),
    createdAt: integer("created_at").notNull(),
    reconciledAt: integer("reconciled_at"),
  },
  (t) => [uniqueIndex("settlements_file_uq").on(t.storeId, t.fileSha256), index("settlements_store_idx").on(t.storeId, t.createdAt)],
);

export const SETTLEMENT_LINE_KINDS = ["captured", "refunded", "other"] as const;
export const SETTLEMENT_LINE_STATUSES = ["pending", "matched", "amount_differs", "missing_from_settlement", "not_ours", "skipped"] as const;
export type SettlementLineStatus = (typeof SETTLEMENT_LINE_STATUSES)[number];

/**
 * A settlement's lines: one per row of the file, plus one per ledger capture
 * of the settlement's period that no row names (`missing_from_settlement`,
 * numbered after the file's rows). Finance resolves the unmatched ones with a
 * note; the match itself is never rewritten.
 */
export const settlementLines = sqliteTable(
  "settlement_lines",
  {
    settlementId: text("settlement_id")
      .notNull()
      .references(() => settlements.id),
    lineNo: integer("line_no").notNull(),
    kind: text("kind", { enum: SETTLEMENT_LINE_KINDS }).notNull(),
    /** The file's own type (charge, refund, payout, adjustment…). */
    type: text("type").notNull(),
    transactionId: text("transaction_id"),
    reference: text("reference"),
    amount: integer("amount").notNull(),
    fee: integer("fee").notNull(),
    currency: text("currency").notNull(),
    occurredAt: integer("occurred_at"),
    orderId: text("order_id"),
    /** What the ledger holds for the reference (null when nothing). */
    expectedAmount: integer("expected_amount"),
    status: text("status", { enum: SETTLEMENT_LINE_STATUSES }).notNull(),
    resolutionNote: text("resolution_note"),
    resolvedBy: text("resolved_by"),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [
    primaryKey({ columns: [t.settlementId, t.lineNo] }),
    index("settlement_lines_status_idx").on(t.settlementId, t.status),
    // Matching looks a settlement's references up in the ledger, and a capture up in every settlement of its store.
    index("settlement_lines_reference_idx").on(t.reference),
  ],
);
