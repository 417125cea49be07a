/** Reading an order's ledger: its entries, oldest first, and what they add up to per currency. */
import { and, asc, eq } from "drizzle-orm";
import { database } from "../db/client";
import { ledgerEntries, orders } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { fromMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import { ledgerTotals } from "./ledger-rules";

export type LedgerRow = typeof ledgerEntries.$inferSelect;

/** The order's entries, or null when the order is not in the caller's stores (or does not exist). */
export async function ledgerOfOrder(env: ShardEnv, p: Principal, orderId: string): Promise<LedgerRow[] | null> {
  const db = database(env);
  const [order, entries] = await db.batch([
    db.select({ storeId: orders.storeId }).from(orders).where(eq(orders.id, orderId)),
    db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.orderId, orderId)))
      .orderBy(asc(ledgerEntries.createdAt), asc(ledgerEntries.id)),
  ]);
  const o = order[0];
  if (!o || (p.stores !== "*" && !p.stores.includes(o.storeId))) return null;
  return entries;
}

export const ledgerEntryBody = (e: LedgerRow) => ({
  id: e.id,
  kind: e.kind,
  amount: fromMinor(e.amount, e.currency),
  currency: e.currency,
  reference: e.reference,
  sku: e.sku,
  quantity: e.quantity,
  source: e.source,
  source_key: e.sourceKey,
  reverses: e.reverses,
  actor: e.actor,
  reason: e.reason,
  created_at: iso(e.createdAt),
});

export function ledgerBody(orderId: string, entries: LedgerRow[]) {
  return {
    order_id: orderId,
    entries: entries.map(ledgerEntryBody),
    totals: ledgerTotals(entries).map((t) => ({
      currency: t.currency,
      authorised: fromMinor(t.authorised, t.currency),
      captured: fromMinor(t.captured, t.currency),
      refunded: fromMinor(t.refunded, t.currency),
      fees: fromMinor(t.fees, t.currency),
      shipping: fromMinor(t.shipping, t.currency),
      cost_of_goods: fromMinor(t.costOfGoods, t.currency),
      gross_profit: fromMinor(t.grossProfit, t.currency),
    })),
  };
}
