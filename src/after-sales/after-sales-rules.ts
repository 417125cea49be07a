/**
 * After-sales requests: what a customer asks after the parcel left (return
 * it, exchange it, refund it, or a claim: lost, damaged, missing items), and
 * what staff decide. Pure rules, no I/O: the order's object feeds them the
 * order, its lines and its other requests, and writes what they return.
 *
 * The lifecycle: open -> accepted -> resolved, or straight open -> resolved
 * (a quick refund), or open -> rejected; the customer or staff may withdraw
 * a request that is still open or accepted. While a request is open or
 * accepted the order does not complete.
 */
import type { AFTER_SALES_KINDS, AFTER_SALES_RESOLUTIONS, AFTER_SALES_STATUSES } from "../db/schema";
import type { OrderStatus } from "../orders/lifecycle";

export type AfterSalesKind = (typeof AFTER_SALES_KINDS)[number];
export type AfterSalesStatus = (typeof AFTER_SALES_STATUSES)[number];
export type Resolution = (typeof AFTER_SALES_RESOLUTIONS)[number];

export const AFTER_SALES_EVENTS = ["accept", "reject", "resolve", "withdraw"] as const;
export type AfterSalesEvent = (typeof AFTER_SALES_EVENTS)[number];

export const REQUEST_TRANSITIONS: Record<AfterSalesEvent, { from: readonly AfterSalesStatus[]; to: AfterSalesStatus }> = {
  accept: { from: ["open"], to: "accepted" },
  reject: { from: ["open"], to: "rejected" },
  resolve: { from: ["open", "accepted"], to: "resolved" },
  withdraw: { from: ["open", "accepted"], to: "withdrawn" },
};

/** Requests in these states hold the order's completion. */
export const OPEN_REQUEST_STATUSES: ReadonlySet<AfterSalesStatus> = new Set(["open", "accepted"]);

/** Orders a customer can ask about: the goods left (or the service was done). Not before: that is a cancellation. */
export const ORDER_STATUSES_FOR_AFTER_SALES: ReadonlySet<OrderStatus> = new Set(["shipped", "delivered", "completed"]);

/** Kinds that are about particular units, so must name them. */
const NEEDS_LINES: ReadonlySet<AfterSalesKind> = new Set(["return", "exchange"]);

export function allowedRequestEvents(status: AfterSalesStatus): AfterSalesEvent[] {
  return AFTER_SALES_EVENTS.filter((e) => REQUEST_TRANSITIONS[e].from.includes(status));
}

type Refusal = { ok: false; code: string; message: string; field?: string };

export type RequestLine = { sku: string; quantity: number };
export type OrderFactsForAfterSales = {
  status: OrderStatus;
  archived: boolean;
  currency: string;
  totalAmount: number;
  paymentStatus: string;
  lines: readonly { sku: string; quantity: number }[];
};
/**
 * The store's return window: returns and exchanges may be asked for up to
 * `days` after delivery (null: no limit). The clock starts at delivery, so a
 * parcel still on its way is always in time. Staff who decide requests may
 * open one later (`lateAllowed`), as a goodwill gesture; customers may not.
 */
export type ReturnWindow = { days: number | null; deliveredAt: number | null; now: number; lateAllowed: boolean };

const DAY_MS = 24 * 60 * 60 * 1000;

/** When the window closes, or null when it does not (no limit, or not delivered yet). */
function returnWindowClosesAt(w: Pick<ReturnWindow, "days" | "deliveredAt">): number | null {
  return w.days === null || w.deliveredAt === null ? null : w.deliveredAt + w.days * DAY_MS;
}

/** The order's other requests, as far as the rules care. */
export type PriorRequest = { status: AfterSalesStatus; lines: readonly RequestLine[]; refundAmount: number | null };

/** Units of each SKU already claimed by requests that were not rejected or withdrawn. */
function claimedUnits(prior: readonly PriorRequest[]): Map<string, number> {
  const claimed = new Map<string, number>();
  for (const r of prior) {
    if (r.status === "rejected" || r.status === "withdrawn") continue;
    for (const l of r.lines) claimed.set(l.sku, (claimed.get(l.sku) ?? 0) + l.quantity);
  }
  return claimed;
}

/**
 * May this request be opened? The order must have shipped and not be
 * archived; returns and exchanges name units and fall within the store's
 * return window; no SKU can be asked about more times than it was ordered,
 * across all the order's live requests.
 */
export function checkOpen(
  order: OrderFactsForAfterSales,
  opts: { kind: AfterSalesKind; lines: readonly RequestLine[]; prior: readonly PriorRequest[]; window: ReturnWindow },
): { ok: true; lines: RequestLine[] } | Refusal {
  const { kind, lines, prior, window } = opts;
  if (order.archived) return { ok: false, code: "order_archived", message: "The order is archived; after-sales requests are closed" };
  if (!ORDER_STATUSES_FOR_AFTER_SALES.has(order.status)) {
    return { ok: false, code: "not_after_sales", message: `The order is ${order.status}: after-sales requests open once it has shipped` };
  }
  const closesAt = returnWindowClosesAt(window);
  if (NEEDS_LINES.has(kind) && closesAt !== null && window.now > closesAt && !window.lateAllowed) {
    return {
      ok: false,
      code: "return_window_closed",
      message: `Returns and exchanges for this order closed on ${new Date(closesAt).toISOString().slice(0, 10)}, ${window.days} days after delivery; a refund or a claim can still be asked for`,
    };
  }
  if (NEEDS_LINES.has(kind) && lines.length === 0) {
    return { ok: false, code: "invalid", field: "lines", message: `a ${kind} names the items and quantities it is about` };
  }
  // Merge repeated SKUs so "2 + 1 of the same tea" is checked as 3.
  const wanted = new Map<string, number>();
  for (const l of lines) wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
  const ordered = new Map<string, number>();
  for (const l of order.lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
  const claimed = claimedUnits(prior);
  for (const [sku, quantity] of wanted) {
    const of = ordered.get(sku);
    if (of === undefined) return { ok: false, code: "invalid", field: "lines", message: `${sku} is not on this order` };
    const left = of - (claimed.get(sku) ?? 0);
    if (quantity > left) {
      return { ok: false, code: "invalid", field: "lines", message: `${quantity} × ${sku} asked, but only ${left} of the ${of} ordered are not already in a request` };
    }
  }
  return { ok: true, lines: [...wanted].map(([sku, quantity]) => ({ sku, quantity })) };
}

export type Decision = {
  event: AfterSalesEvent;
  /** Written for the customer. */
  note: string | null;
  /** Staff's own; kept on the order's timeline, never shown to the customer. */
  internalNote?: string | null;
  resolution: Resolution | null;
  /** Minor units; only with a refund resolution. */
  refundAmount: number | null;
  /** The payment provider's refund id, for the ledger (reconciliation). */
  refundReference?: string | null;
};

export type DecisionOutcome = {
  ok: true;
  to: AfterSalesStatus;
  /** The request stops holding the order's completion. */
  closes: boolean;
  /** The order's payment status after a refund, or null when it does not change. */
  paymentStatus: "refunded" | "partially_refunded" | null;
};

/** Does this decision apply to a request in `status`, and what follows from it? */
export function decide(
  status: AfterSalesStatus,
  d: Decision,
  opts: { order: Pick<OrderFactsForAfterSales, "totalAmount" | "paymentStatus">; refundedBefore: number },
): DecisionOutcome | (Refusal & { allowed?: AfterSalesEvent[] }) {
  const { order, refundedBefore } = opts;
  const t = REQUEST_TRANSITIONS[d.event];
  if (!t.from.includes(status)) {
    return { ok: false, code: "illegal_transition", message: `cannot ${d.event} a request that is ${status}`, allowed: allowedRequestEvents(status) };
  }
  if (d.event === "reject" && !d.note) return { ok: false, code: "invalid", field: "note", message: "tell the customer why it is rejected" };
  if (d.event === "resolve" && !d.resolution) return { ok: false, code: "invalid", field: "resolution", message: "say how it was resolved" };
  if (d.event !== "resolve" && (d.resolution || d.refundAmount !== null)) {
    return { ok: false, code: "invalid", field: "resolution", message: "only a resolve carries a resolution or a refund" };
  }
  let paymentStatus: DecisionOutcome["paymentStatus"] = null;
  if (d.resolution === "refund") {
    if (d.refundAmount === null || d.refundAmount <= 0) return { ok: false, code: "invalid", field: "refund_amount", message: "a refund names a positive amount" };
    if (order.paymentStatus !== "paid" && order.paymentStatus !== "partially_refunded") {
      return { ok: false, code: "not_paid", message: `The order's payment is ${order.paymentStatus}: there is nothing to refund` };
    }
    const left = order.totalAmount - refundedBefore;
    if (d.refundAmount > left) return { ok: false, code: "invalid", field: "refund_amount", message: "is more than what is left to refund on the order" };
    paymentStatus = d.refundAmount === left ? "refunded" : "partially_refunded";
  } else if (d.refundAmount !== null) {
    return { ok: false, code: "invalid", field: "refund_amount", message: "only a refund resolution carries an amount" };
  }
  return { ok: true, to: t.to, closes: OPEN_REQUEST_STATUSES.has(status) && !OPEN_REQUEST_STATUSES.has(t.to), paymentStatus };
}

/** What was refunded on the order so far, through resolved requests. */
export const refundedSoFar = (prior: readonly PriorRequest[]) => prior.reduce((sum, r) => sum + (r.status === "resolved" && r.refundAmount ? r.refundAmount : 0), 0);

export { RESUME_AT_LEAST_MS, resumeDelay } from "../orders/completion";
