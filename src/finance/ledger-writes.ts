/**
 * Ledger inserts for the writers' own batches. Every insert is
 * ON CONFLICT DO NOTHING on the unique `source_key`: a fact written twice
 * (a redelivered webhook, a retried consumer, two imports of one file) is
 * recorded once. Nothing here reads; the hot paths pay one INSERT.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { ledgerEntries } from "../db/schema";
import { newId } from "../lib/ids";
import type { LedgerDraft } from "./ledger-rules";

type EntryAt = { storeId: string; orderId: string; actor: string; now: number };

/** The row of a draft entry. */
export const ledgerRow = (r: LedgerDraft, at: EntryAt): typeof ledgerEntries.$inferInsert => ({
  id: newId("led", at.now),
  storeId: at.storeId,
  orderId: at.orderId,
  kind: r.kind,
  amount: r.amount,
  currency: r.currency,
  reference: r.reference,
  sku: r.sku ?? null,
  quantity: r.quantity ?? null,
  source: r.source,
  sourceKey: r.sourceKey,
  reverses: r.reverses ?? null,
  actor: at.actor,
  reason: r.reason ?? null,
  createdAt: at.now,
});

export function insertLedger(db: Database, rows: readonly LedgerDraft[], at: EntryAt) {
  return db
    .insert(ledgerEntries)
    .values(rows.map((r) => ledgerRow(r, at)))
    .onConflictDoNothing({ target: ledgerEntries.sourceKey });
}

/** A random id made in SQL, for entries inserted by INSERT … SELECT (one row per order or SKU found in the batch). */
export const sqlLedgerId = sql`'led_' || lower(hex(randomblob(12)))`;

/**
 * INSERT … SELECT into the ledger, the select's columns in the table's order:
 * id, store_id, order_id, kind, amount, currency, reference, sku, quantity, source, source_key, reverses, actor, created_at
 * (`reason`, the table's last column, is a correction's alone: NULL here).
 * (`WHERE true`: without a WHERE, SQLite would read ON CONFLICT as a join's ON.)
 */
export function insertLedgerSelect(db: Database, select: SQL) {
  return db.insert(ledgerEntries).select(sql`SELECT *, NULL FROM (${select}) WHERE true`).onConflictDoNothing({ target: ledgerEntries.sourceKey });
}
