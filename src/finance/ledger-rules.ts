/**
 * The ledger's pure rules: which entries a fact makes, and what they add up
 * to. No I/O, so every writer (the payment report in the order's object,
 * after-sales, labels, handover, reconciliation) builds its rows here and
 * inserts them in its own batch.
 *
 * Invariants:
 * - amounts are integers in the currency's minor unit (JPY 0 decimals, KWD 3),
 *   signed from the merchant's side: money in > 0, money out < 0;
 * - an entry's `sourceKey` names the fact, so the same fact always makes the
 *   same key and a second write of it is a no-op (unique index);
 * - gross profit is the sum of every entry but `authorised` (an
 *   authorisation is a promise, not money), per currency, never across.
 */
import type { LedgerKind } from "../db/schema/finance";

export type LedgerDraft = {
  kind: LedgerKind;
  amount: number;
  currency: string;
  reference: string | null;
  sku?: string | null;
  quantity?: number | null;
  source: string;
  sourceKey: string;
  reverses?: string | null;
  /** A correction's reason. */
  reason?: string | null;
};

export type PaymentFact = {
  orderId: string;
  /** The payment status reported. */
  status: string;
  /** Minor units; the order's total when the report names none. */
  amount: number | null;
  fee: number | null;
  reference: string | null;
  orderTotal: number;
  currency: string;
  /** The order was paid before this report (it arrived paid, or was reported paid before). */
  alreadyPaid?: boolean;
};

/**
 * The entries a payment report makes. `paid` captures (and books the PSP's
 * fee when given), `authorized` authorises, `voided` releases an
 * authorisation. Refund statuses make none: refunds are booked by
 * after-sales, the one place a refund is decided, so a PSP's refund report
 * and the request that caused it are never both counted.
 *
 * Without a reference, one capture per order: a report repeated without a
 * reference is the same fact. With one, one capture per reference, unless
 * the order was paid already.
 */
export function paymentEntries(f: PaymentFact): LedgerDraft[] {
  const ref = f.reference ?? "order";
  const base = { currency: f.currency, reference: f.reference, source: "payment_report" };
  const amount = f.amount ?? f.orderTotal;
  switch (f.status) {
    case "paid": {
      // A paid order reported paid again is the same payment (a storefront that sent the order paid, then its
      // provider's report with the charge's reference): its fee is news, a second capture is not.
      const out: LedgerDraft[] = f.alreadyPaid ? [] : [{ ...base, kind: "captured", amount, sourceKey: `capture:${f.orderId}:${ref}` }];
      if (f.fee) out.push({ ...base, kind: "payment_fee", amount: -f.fee, sourceKey: `fee:${f.orderId}:${ref}` });
      return out;
    }
    case "authorized":
      return [{ ...base, kind: "authorised", amount, sourceKey: `authorise:${f.orderId}:${ref}` }];
    case "voided":
      return [{ ...base, kind: "authorised", amount: -amount, sourceKey: `void:${f.orderId}:${ref}` }];
    default:
      return [];
  }
}

export const refundEntry = (f: { requestId: string; amount: number; currency: string; reference: string | null }): LedgerDraft => ({
  kind: "refunded",
  amount: -f.amount,
  currency: f.currency,
  reference: f.reference,
  source: "after_sales",
  sourceKey: `refund:${f.requestId}`,
});

type CorrectedEntry = { id: string; kind: LedgerKind; amount: number; currency: string; reference: string | null; sku: string | null; quantity: number | null };

/**
 * A correction of entry `e`: its exact opposite naming it (`reverses`), and,
 * when the right amount is given, a replacement of the same kind, currency,
 * reference and SKU. Both carry the reason.
 *
 * The keys name the corrected entry alone (`reverse:<id>`, `replace:<id>`),
 * not the request: so an entry is reversed at most once, however many people
 * or retries try at once (the unique source key lets one insert win), and its
 * replacement is written only with the reversal that won.
 *
 * `replacement` is the amount's size in minor units, as every money input is
 * given (never signed); it takes the direction of the entry it replaces
 * (a fee stays money out), or for an entry of zero its kind's usual one.
 */
export function correctionOf(e: CorrectedEntry, c: { reason: string; replacement: number | null }): LedgerDraft[] {
  const base = { kind: e.kind, currency: e.currency, reference: e.reference, sku: e.sku, source: "correction", reason: c.reason };
  const reversal: LedgerDraft = { ...base, amount: -e.amount, quantity: e.quantity === null ? null : -e.quantity, sourceKey: `reverse:${e.id}`, reverses: e.id };
  if (c.replacement === null) return [reversal];
  const sign = e.amount !== 0 ? Math.sign(e.amount) : MONEY_IN.has(e.kind) ? 1 : -1;
  return [reversal, { ...base, amount: sign * c.replacement, quantity: e.quantity, sourceKey: `replace:${e.id}` }];
}

const MONEY_IN: ReadonlySet<LedgerKind> = new Set(["authorised", "captured"]);

/** Why an entry may not be corrected: a reversal is itself the correction (correct its replacement, or nothing). */
export function correctionRefusal(e: { reverses: string | null }, alreadyReversed: boolean): "reverses_an_entry" | "already_reversed" | null {
  if (e.reverses !== null) return "reverses_an_entry";
  if (alreadyReversed) return "already_reversed";
  return null;
}

export type LedgerTotals = {
  currency: string;
  authorised: number;
  captured: number;
  refunded: number;
  fees: number;
  shipping: number;
  costOfGoods: number;
  grossProfit: number;
};

/** Per currency: what the entries add up to. Fees are payment and platform fees together. */
export function ledgerTotals(entries: readonly { kind: LedgerKind; amount: number; currency: string }[]): LedgerTotals[] {
  const by = new Map<string, LedgerTotals>();
  for (const e of entries) {
    let t = by.get(e.currency);
    if (!t) {
      t = { currency: e.currency, authorised: 0, captured: 0, refunded: 0, fees: 0, shipping: 0, costOfGoods: 0, grossProfit: 0 };
      by.set(e.currency, t);
    }
    if (e.kind === "authorised") {
      t.authorised += e.amount;
      continue;
    }
    if (e.kind === "captured") t.captured += e.amount;
    else if (e.kind === "refunded") t.refunded += e.amount;
    else if (e.kind === "payment_fee" || e.kind === "platform_fee") t.fees += e.amount;
    else if (e.kind === "shipping_cost") t.shipping += e.amount;
    else if (e.kind === "cost_of_goods") t.costOfGoods += e.amount;
    t.grossProfit += e.amount;
  }
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
