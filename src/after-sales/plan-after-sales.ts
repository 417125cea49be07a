/**
 * Plans an after-sales change inside the order's object: it reads the order,
 * its lines and its requests in one round trip, asks the pure rules, and
 * returns the order change (an order event, the request's write, the
 * customer's message) for the object to commit as one batch. Because every
 * request change is an order change, opening a request and the order's
 * completion are serialized: a request opened a moment before the timer
 * fires holds the order; one opened a moment after finds it completed.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { database } from "../db/client";
import { afterSalesRequests, orderLines, orders, stores as storeTable } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId, tagOf } from "../lib/ids";
import { fromMinor } from "../lib/money";
import type { OrderStatus } from "../orders/lifecycle";
import type { OrderRow, Proposal } from "../orders/stage";
import type { OutboxRow } from "../outbox/topics";
import { refundEntry } from "../finance/ledger-rules";
import { insertLedger } from "../finance/ledger-writes";
import { checkOpen, decide, OPEN_REQUEST_STATUSES, refundedSoFar, type AfterSalesKind, type Decision, type RequestLine } from "./after-sales-rules";

export type AfterSalesRow = typeof afterSalesRequests.$inferSelect;

export type AfterSalesAction =
  /** `lateAllowed`: the opener may go past the store's return window (staff who decide requests). */
  | { type: "open"; kind: AfterSalesKind; reason: string; lines: RequestLine[]; lateAllowed: boolean }
  | { type: "decide"; requestId: string; expectedVersion: number | null; decision: Decision };

export type AfterSalesPlan =
  | { ok: true; order: OrderRow; change: Proposal; request: AfterSalesRow; closes: boolean }
  | { ok: false; code: "not_found" | "request_not_found" }
  | { ok: false; code: "version_mismatch"; version: number }
  | { ok: false; code: "refused"; reason: string; message: string; field?: string; allowed?: string[]; requestStatus?: string };

/** The customer hears of a request opened, accepted (what to do next), rejected or resolved; a withdrawal they made themselves. */
const MESSAGES: Record<string, string> = {
  after_sales_opened: "after_sales.opened",
  after_sales_accepted: "after_sales.accepted",
  after_sales_rejected: "after_sales.rejected",
  after_sales_resolved: "after_sales.resolved",
};
const PAST: Record<Decision["event"], string> = { accept: "accepted", reject: "rejected", resolve: "resolved", withdraw: "withdrawn" };

function message(orderId: string, { type, now, payload }: { type: string; now: number; payload: Record<string, unknown> }): OutboxRow[] {
  const template = MESSAGES[type];
  return template ? [{ id: newId("obx", now), orderId, topic: "notifications", type: template, payload, createdAt: now }] : [];
}

/** The request as the order event and the customer's message describe it. */
const facts = (r: AfterSalesRow, currency: string) => ({
  request_id: r.id,
  kind: r.kind,
  status: r.status,
  lines: r.lines,
  resolution: r.resolution,
  refund_amount: r.refundAmount === null ? null : fromMinor(r.refundAmount, currency),
});

/** `stores`: the caller's scope; an order outside it is not found, before anything else is said about it. */
export async function planAfterSales(env: ShardEnv, orderId: string, opts: { actor: string; stores: "*" | readonly string[]; action: AfterSalesAction }): Promise<AfterSalesPlan> {
  const { actor, stores, action } = opts;
  const db = database(env);
  const [orderRows, lines, requests] = await db.batch([
    db.select({ order: orders, returnWindowDays: storeTable.returnWindowDays }).from(orders).innerJoin(storeTable, eq(storeTable.id, orders.storeId)).where(eq(orders.id, orderId)),
    db.select({ sku: orderLines.sku, quantity: orderLines.quantity }).from(orderLines).where(eq(orderLines.orderId, orderId)),
    db.select().from(afterSalesRequests).where(eq(afterSalesRequests.orderId, orderId)).orderBy(asc(afterSalesRequests.id)),
  ]);
  const order = orderRows[0]?.order;
  if (!order || (stores !== "*" && !stores.includes(order.storeId))) return { ok: false, code: "not_found" };
  const now = Date.now();
  const status = order.status as OrderStatus;
  const refused = (r: { code: string; message: string; field?: string; allowed?: string[] }, { requestStatus }: { requestStatus?: string } = {}): AfterSalesPlan => ({
    ok: false,
    code: "refused",
    reason: r.code,
    message: r.message,
    ...(r.field ? { field: r.field } : {}),
    ...(r.allowed ? { allowed: r.allowed } : {}),
    ...(requestStatus ? { requestStatus } : {}),
  });

  if (action.type === "open") {
    const check = checkOpen(
      { status, archived: order.archivedAt !== null, currency: order.currency, totalAmount: order.totalAmount, paymentStatus: order.paymentStatus, lines },
      {
        kind: action.kind,
        lines: action.lines,
        prior: requests,
        window: { days: orderRows[0]!.returnWindowDays, deliveredAt: order.deliveredAt, now, lateAllowed: action.lateAllowed },
      },
    );
    if (!check.ok) return refused(check);
    const request: AfterSalesRow = {
      id: newId("as", now, tagOf(orderId)),
      orderId,
      storeId: order.storeId,
      kind: action.kind,
      status: "open",
      reason: action.reason,
      lines: check.lines,
      openedBy: actor,
      resolution: null,
      currency: order.currency,
      refundAmount: null,
      note: null,
      decidedBy: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
      acceptedAt: null,
      closedAt: null,
    };
    const payload = { event: "after_sales_opened", version: order.version + 1, reason: action.reason, data: { after_sales: facts(request, order.currency) } };
    return {
      ok: true,
      order,
      request,
      closes: false,
      change: {
        event: "after_sales",
        type: "after_sales_opened",
        reason: action.reason,
        data: payload.data.after_sales,
        patch: { openAfterSales: sql`${orders.openAfterSales} + 1` },
        writes: [db.insert(afterSalesRequests).values(request)],
        outbox: message(orderId, { type: "after_sales_opened", now, payload }),
      },
    };
  }

  const current = requests.find((r) => r.id === action.requestId);
  if (!current) return { ok: false, code: "request_not_found" };
  if (action.expectedVersion !== null && action.expectedVersion !== current.version) return { ok: false, code: "version_mismatch", version: current.version };
  const d = action.decision;
  const outcome = decide(current.status, d, { order, refundedBefore: refundedSoFar(requests) });
  if (!outcome.ok) return refused(outcome, { requestStatus: current.status });
  const type = `after_sales_${PAST[d.event]}`;
  const request: AfterSalesRow = {
    ...current,
    status: outcome.to,
    note: d.note ?? current.note,
    resolution: d.resolution ?? current.resolution,
    refundAmount: d.refundAmount ?? current.refundAmount,
    decidedBy: actor,
    version: current.version + 1,
    updatedAt: now,
    acceptedAt: outcome.to === "accepted" ? now : current.acceptedAt,
    closedAt: OPEN_REQUEST_STATUSES.has(outcome.to) ? null : now,
  };
  // The note of an after-sales answer is written for the customer (the API says so): it is their message.
  const payload = { event: type, version: order.version + 1, reason: d.note, customer_message: d.note, data: { after_sales: facts(request, order.currency) } };
  return {
    ok: true,
    order,
    request,
    closes: outcome.closes,
    change: {
      event: "after_sales",
      type,
      reason: d.note,
      customerMessage: d.note,
      internalNote: d.internalNote ?? null,
      data: payload.data.after_sales,
      patch: {
        ...(outcome.closes ? { openAfterSales: sql`${orders.openAfterSales} - 1` } : {}),
        ...(outcome.paymentStatus ? { paymentStatus: outcome.paymentStatus } : {}),
      },
      writes: [
        db
          .update(afterSalesRequests)
          .set(request)
          .where(and(eq(afterSalesRequests.id, current.id), eq(afterSalesRequests.version, current.version))),
        // The refund's ledger entry, in the batch that decides it (a payment status only changes with a refund).
        ...(outcome.paymentStatus && d.refundAmount
          ? [
              insertLedger(db, [refundEntry({ requestId: current.id, amount: d.refundAmount, currency: order.currency, reference: d.refundReference ?? null })], {
                storeId: order.storeId,
                orderId,
                actor,
                now,
              }),
            ]
          : []),
      ],
      outbox: message(orderId, { type, now, payload }),
    },
  };
}
