/**
 * How a settlement's lines are judged against the ledger, as a pure function:
 * the statement of the rules, and what the SQL of ./match-settlement.ts is
 * tested against.
 *
 * - a capture or refund line whose reference the ledger holds (same kind and
 *   currency, store's own entries) is `matched` when the amounts are equal,
 *   else `amount_differs`;
 * - a capture or refund line the ledger does not know is `not_ours`;
 * - any other line (a payout, an adjustment, a reserve) is `skipped`;
 * - a ledger capture of the settlement's period and currencies that no line
 *   names, and no other settlement of the store matched, is
 *   `missing_from_settlement`.
 */
import type { SettlementLineStatus } from "../db/schema/finance";
import type { SettlementLine } from "./settlement-csv";

export type LedgerMoney = { orderId: string; kind: "captured" | "refunded"; reference: string | null; amount: number; currency: string; createdAt: number };

export type Judged = { lineNo: number | null; reference: string | null; orderId: string | null; status: SettlementLineStatus };

export const UNMATCHED: readonly SettlementLineStatus[] = ["amount_differs", "missing_from_settlement", "not_ours"];

export function judgeSettlement(lines: readonly SettlementLine[], ledger: readonly LedgerMoney[], opts: { matchedElsewhere?: ReadonlySet<string> } = {}): Judged[] {
  const sums = new Map<string, { orderId: string; amount: number }>();
  for (const e of ledger) {
    if (e.reference === null) continue;
    const k = `${e.kind}|${e.currency}|${e.reference}`;
    const s = sums.get(k);
    if (s) s.amount += e.amount;
    else sums.set(k, { orderId: e.orderId, amount: e.amount });
  }
  const out: Judged[] = lines.map((l) => {
    if (l.kind === "other") return { lineNo: l.lineNo, reference: l.reference, orderId: null, status: "skipped" };
    const s = l.reference === null ? undefined : sums.get(`${l.kind}|${l.currency}|${l.reference}`);
    if (!s) return { lineNo: l.lineNo, reference: l.reference, orderId: null, status: "not_ours" };
    return { lineNo: l.lineNo, reference: l.reference, orderId: s.orderId, status: s.amount === l.amount ? "matched" : "amount_differs" };
  });
  const captures = lines.filter((l) => l.kind === "captured" && l.occurredAt !== null);
  if (!captures.length) return out;
  const start = Math.min(...captures.map((l) => l.occurredAt!));
  const end = Math.max(...captures.map((l) => l.occurredAt! + l.occurredSpan - 1));
  const currencies = new Set(lines.map((l) => l.currency));
  const named = new Set(lines.map((l) => l.reference));
  const missing = new Map<string, Judged>();
  for (const e of ledger) {
    if (e.kind !== "captured" || e.createdAt < start || e.createdAt > end || !currencies.has(e.currency)) continue;
    if (e.reference !== null && (named.has(e.reference) || opts.matchedElsewhere?.has(e.reference))) continue;
    missing.set(`${e.orderId}|${e.reference ?? ""}`, { lineNo: null, reference: e.reference, orderId: e.orderId, status: "missing_from_settlement" });
  }
  return [...out, ...missing.values()];
}
