import { describe, expect, it } from "vitest";
import type { SettlementLine } from "./settlement-csv";
import { judgeSettlement, type LedgerMoney } from "./settlement-rules";

const T = Date.UTC(2026, 10, 20, 10, 0);
const line = (lineNo: number, kind: SettlementLine["kind"], reference: string | null, amount: number, at = T): SettlementLine => ({
  lineNo,
  kind,
  type: kind === "captured" ? "charge" : kind === "refunded" ? "refund" : "payout",
  transactionId: null,
  reference,
  amount,
  fee: 0,
  currency: "USD",
  occurredAt: at,
  occurredSpan: 60_000,
});
const capture = (orderId: string, reference: string | null, amount: number, createdAt = T + 1000): LedgerMoney => ({
  orderId,
  kind: "captured",
  reference,
  amount,
  currency: "USD",
  createdAt,
});

describe("judging a settlement against the ledger", () => {
  it("matches equal amounts, flags different ones, lines nobody recorded, captures nobody paid out, and skips payouts", () => {
    const judged = judgeSettlement(
      [
        line(1, "captured", "ch_a", 1000),
        line(2, "captured", "ch_b", 2001),
        line(3, "captured", "ch_x", 500),
        line(4, "refunded", "re_a", -300),
        line(5, "other", "po_1", -3201, T + 60_000),
      ],
      [capture("ord_a", "ch_a", 1000), capture("ord_b", "ch_b", 2000), capture("ord_c", "ch_c", 700), { ...capture("ord_a", "re_a", -300), kind: "refunded" }],
    );
    expect(judged.map((j) => [j.lineNo, j.reference, j.orderId, j.status])).toEqual([
      [1, "ch_a", "ord_a", "matched"],
      [2, "ch_b", "ord_b", "amount_differs"],
      [3, "ch_x", null, "not_ours"],
      [4, "re_a", "ord_a", "matched"],
      [5, "po_1", null, "skipped"],
      [null, "ch_c", "ord_c", "missing_from_settlement"],
    ]);
  });

  it("expects only the captures of the file's period, currencies, and not those another settlement paid out", () => {
    const judged = judgeSettlement(
      [line(1, "captured", "ch_a", 1000)],
      [
        capture("ord_a", "ch_a", 1000),
        capture("ord_late", "ch_late", 1000, T + 120_000),
        { ...capture("ord_eur", "ch_eur", 1000), currency: "EUR" },
        capture("ord_done", "ch_done", 1000),
        capture("ord_noref", null, 1000, T + 59_000),
      ],
      { matchedElsewhere: new Set(["ch_done"]) },
    );
    expect(judged.filter((j) => j.status === "missing_from_settlement").map((j) => j.orderId)).toEqual(["ord_noref"]);
  });
});
