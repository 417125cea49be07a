/**
 * Correcting an order's ledger entry: its reversal and, when the right amount
 * is given, its replacement, written together in one D1 batch (the
 * correction is its own fact). The rules are ./ledger-rules.ts
 * (`correctionOf`, `correctionRefusal`).
 *
 * Invariants:
 * - an entry is reversed at most once: the reversal's source key names the
 *   entry alone, so of two corrections at the same moment one insert wins
 *   and the other writes nothing (not even its replacement: that insert is
 *   guarded on this request's reversal existing) and answers 409;
 * - a refusal (unknown entry, another order's, a reversal, a bad amount)
 *   writes nothing.
 */
import { and, eq, sql } from "drizzle-orm";
import { database } from "../db/client";
import { ledgerEntries, orders } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { newId } from "../lib/ids";
import { toMinor } from "../lib/money";
import { correctionOf, correctionRefusal } from "./ledger-rules";
import type { LedgerRow } from "./ledger";
import { ledgerRow } from "./ledger-writes";

export type CorrectionResult =
  | { ok: true; reversal: LedgerRow; replacement: LedgerRow | null; entries: LedgerRow[] }
  | { ok: false; code: "order_not_found" | "entry_not_found" }
  | { ok: false; code: "invalid"; errors: { field: string; message: string }[] }
  | { ok: false; code: "reverses_an_entry" | "already_reversed"; entry: LedgerRow };

export async function correctLedgerEntry(
  env: ShardEnv,
  p: Principal,
  c: { orderId: string; entryId: string; amount: string | undefined; reason: string },
): Promise<CorrectionResult> {
  const db = database(env);
  const [order, entry, reversed] = await db.batch([
    db.select({ storeId: orders.storeId }).from(orders).where(eq(orders.id, c.orderId)),
    db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.id, c.entryId), eq(ledgerEntries.orderId, c.orderId))),
    db
      .select({ id: ledgerEntries.id })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.sourceKey, `reverse:${c.entryId}`)),
  ]);
  const o = order[0];
  if (!o || (p.stores !== "*" && !p.stores.includes(o.storeId))) return { ok: false, code: "order_not_found" };
  const e = entry[0];
  if (!e) return { ok: false, code: "entry_not_found" };
  const refusal = correctionRefusal(e, reversed.length > 0);
  if (refusal) return { ok: false, code: refusal, entry: e };
  let replacement: number | null = null;
  if (c.amount !== undefined) {
    const parsed = toMinor(c.amount, e.currency);
    if (!parsed.ok) return { ok: false, code: "invalid", errors: [{ field: "amount", message: parsed.message }] };
    if (parsed.minor === 0) return { ok: false, code: "invalid", errors: [{ field: "amount", message: "must be more than zero; leave it out to reverse the entry only" }] };
    replacement = parsed.minor;
  }

  const now = Date.now();
  const [reversalDraft, replacementDraft] = correctionOf(e, { reason: c.reason, replacement });
  const at = { storeId: e.storeId, orderId: e.orderId, actor: p.id, now };
  const reversalId = newId("led", now);
  const row = (id: string, d: NonNullable<typeof reversalDraft>) => ({ ...ledgerRow(d, at), id });
  const first = db.insert(ledgerEntries).values(row(reversalId, reversalDraft!)).onConflictDoNothing({ target: ledgerEntries.sourceKey }).returning();
  let written: { reversal: LedgerRow | undefined; replacement: LedgerRow | null };
  if (replacementDraft) {
    const r = row(newId("led", now), replacementDraft);
    // Only with the reversal this request wrote: a correction that lost its race writes no replacement either.
    const second = db
      .insert(ledgerEntries)
      .select(
        sql`SELECT ${r.id}, ${r.storeId}, ${r.orderId}, ${r.kind}, ${r.amount}, ${r.currency}, ${r.reference}, ${r.sku}, ${r.quantity}, ${r.source}, ${r.sourceKey}, NULL, ${r.actor}, ${r.createdAt}, ${r.reason}
            FROM ${ledgerEntries} WHERE ${ledgerEntries.id} = ${reversalId}`,
      )
      .onConflictDoNothing({ target: ledgerEntries.sourceKey })
      .returning();
    const [a, b] = await db.batch([first, second]);
    written = { reversal: a[0], replacement: b[0] ?? null };
  } else {
    const [a] = await db.batch([first]);
    written = { reversal: a[0], replacement: null };
  }
  if (!written.reversal) return { ok: false, code: "already_reversed", entry: e };
  const entries = await db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, c.orderId)).orderBy(ledgerEntries.createdAt, ledgerEntries.id);
  return { ok: true, reversal: written.reversal, replacement: written.replacement, entries };
}
