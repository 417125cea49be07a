/**
 * Purchase orders' rules, pure: the lifecycle, what a change may touch in
 * each state, what a receipt may receive, how landed costs are spread over
 * what arrived, and the conversion of the order's currency into the
 * warehouse's. No I/O: src/procurement/purchase-orders.ts and
 * receive-purchase-order.ts read, decide here, and write.
 *
 * The lifecycle: draft -> submitted (sent to the supplier) -> partially
 * received -> received -> closed; a draft or a submitted order with nothing
 * received may be cancelled; one partly received may be closed short (no
 * more goods expected), with a reason.
 */
import type { PurchaseOrderStatus } from "../db/schema";
import { currencyExponent } from "../lib/money";

export const PO_EVENTS = ["submit", "cancel", "close"] as const;
export type PoEvent = (typeof PO_EVENTS)[number];

export const PO_TRANSITIONS: Record<PoEvent, { from: readonly PurchaseOrderStatus[]; to: PurchaseOrderStatus }> = {
  submit: { from: ["draft"], to: "submitted" },
  cancel: { from: ["draft", "submitted"], to: "cancelled" },
  close: { from: ["partially_received", "received"], to: "closed" },
};

/** States in which goods are expected: a receipt is taken, and the order counts as on order. */
export const OPEN_PO_STATUSES: ReadonlySet<PurchaseOrderStatus> = new Set(["submitted", "partially_received"]);

export function allowedPoEvents(status: PurchaseOrderStatus): PoEvent[] {
  return PO_EVENTS.filter((e) => PO_TRANSITIONS[e].from.includes(status));
}

type Line = { lineNo: number; sku: string; quantity: number; receivedQty: number };

export type Refusal = { ok: false; code: string; message: string; extra?: Record<string, unknown> };

/**
 * Whether `event` may happen now. Closing an order with goods still to come needs a reason (the under-receipt is
 * accepted on the record); cancelling always does.
 */
export function decidePoEvent(status: PurchaseOrderStatus, event: PoEvent, lines: readonly Line[], reason: string | null): { ok: true; to: PurchaseOrderStatus } | Refusal {
  const t = PO_TRANSITIONS[event];
  if (!t.from.includes(status)) {
    return { ok: false, code: "illegal_transition", message: `a ${status.replace("_", " ")} purchase order cannot ${event}`, extra: { allowed: allowedPoEvents(status) } };
  }
  if (event === "submit" && !lines.some((l) => l.quantity > 0)) return { ok: false, code: "empty", message: "a purchase order needs at least one line to submit" };
  if (event === "cancel" && !reason) return { ok: false, code: "reason_required", message: "say why the order is cancelled" };
  const short = lines.filter((l) => l.receivedQty < l.quantity);
  if (event === "close" && short.length && !reason) {
    return {
      ok: false,
      code: "reason_required",
      message: `still to receive: ${short.map((l) => `${l.quantity - l.receivedQty} x ${l.sku}`).join(", ")}; say why the rest will not come`,
      extra: { short: short.map((l) => ({ line_no: l.lineNo, sku: l.sku, units: l.quantity - l.receivedQty })) },
    };
  }
  return { ok: true, to: t.to };
}

/** After a receipt: received once every line has all its units, else partially received. */
export function statusAfterReceipt(lines: readonly Pick<Line, "quantity" | "receivedQty">[]): PurchaseOrderStatus {
  return lines.every((l) => l.receivedQty >= l.quantity) ? "received" : "partially_received";
}

/** The most a line may receive in total before a reason is needed: its quantity plus the tolerance, rounded down. */
export function receiptAllowance(quantity: number, overPct: number): number {
  return quantity + Math.floor((quantity * overPct) / 100);
}

/**
 * The lines a receipt would leave over their allowance: each is received anyway when the receipt gives a reason
 * (the supplier sent more and we keep it), refused otherwise.
 */
export function overReceipts(lines: readonly Line[], receiving: readonly { lineNo: number; quantity: number }[], overPct: number) {
  const adding = new Map<number, number>();
  for (const r of receiving) adding.set(r.lineNo, (adding.get(r.lineNo) ?? 0) + r.quantity);
  return lines
    .filter((l) => adding.has(l.lineNo) && l.receivedQty + adding.get(l.lineNo)! > receiptAllowance(l.quantity, overPct))
    .map((l) => ({ line_no: l.lineNo, sku: l.sku, ordered: l.quantity, received: l.receivedQty + adding.get(l.lineNo)!, allowed: receiptAllowance(l.quantity, overPct) }));
}

/** A positive decimal with up to 10 decimal places, as a rate is written ("7.1234"). */
const RATE = /^(?:0|[1-9]\d{0,9})(?:\.\d{1,10})?$/;

export function parseRate(rate: string): number | null {
  if (!RATE.test(rate)) return null;
  const n = Number(rate);
  return n > 0 ? n : null;
}

/**
 * `minor` units of `from` in minor units of `to` at `rate` (units of `to` per unit of `from`), rounded half away
 * from zero to the nearest minor unit of `to`. Exponents differ (JPY has none, KWD three), so the conversion goes
 * through whole units.
 */
export function convertMinor(minor: number, from: string, to: string, rate: number): number {
  if (from === to) return minor;
  const scaled = (minor * rate * 10 ** currencyExponent(to)) / 10 ** currencyExponent(from);
  // Float noise (0.1 * 3) must not flip a half: round at 1e-9 of a minor unit first.
  return Math.round(Number(scaled.toFixed(9)));
}

/**
 * `total` (minor units) split over `shares` in proportion, the pieces summing to exactly `total`: each gets its
 * proportional part rounded down, and the units left over go to the largest remainders (ties: the earlier line).
 * All-zero shares split evenly.
 */
export function spreadByShare(total: number, shares: readonly number[]): number[] {
  if (shares.length === 0) return [];
  const weights = shares.some((s) => s > 0) ? shares : shares.map(() => 1);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map((x) => Math.floor(x + 1e-9));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x + 1e-9) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left--;
  }
  return out;
}

export type ReceivedLine = { quantity: number /** minor units of the warehouse's currency */; unitCost: number; weightGrams: number };

/**
 * What each received line's units cost landed, per unit, in minor units of the warehouse's currency: its converted
 * unit cost plus its part of the landed costs, spread by the lines' value (units x unit cost) or weight
 * (units x catalogue weight), rounded to the nearest minor unit per unit. This is the cost the moving average takes in.
 */
export function landedUnitCosts(lines: readonly ReceivedLine[], landedTotal: number, by: "value" | "weight"): number[] {
  const shares = lines.map((l) => l.quantity * (by === "value" ? l.unitCost : l.weightGrams));
  const parts = spreadByShare(landedTotal, shares);
  return lines.map((l, i) => (l.quantity > 0 ? l.unitCost + Math.round(parts[i]! / l.quantity) : l.unitCost));
}

/**
 * Whether an order quantity suits the supplier's terms: at least the minimum, in whole packs. Null when it does,
 * else the problem in words.
 */
export function orderQuantityProblem(quantity: number, item: { minOrderQty: number; packSize: number } | undefined): string | null {
  if (!item) return null;
  if (quantity < item.minOrderQty) return `the supplier's minimum is ${item.minOrderQty}`;
  if (quantity % item.packSize !== 0) return `order whole packs of ${item.packSize}`;
  return null;
}
