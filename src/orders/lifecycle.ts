/**
 * The order lifecycle as data. Each event lists the states it may fire from
 * and the state it leads to; an optional guard vetoes with a stable code.
 * This file is the only place that knows which move is legal: the Durable
 * Object asks `decide`, the API lists `allowedEvents`, and the tests walk the
 * whole table.
 */

import { ORDER_STATUSES } from "../db/schema/orders";
export { ORDER_STATUSES };
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_EVENTS = ["approve", "hold", "reject", "cancel", "process", "ship", "deliver", "complete"] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

/** What a guard may look at: facts of the order that the transition table cannot express. */
export type OrderFacts = {
  status: OrderStatus;
  requiresShipping: boolean;
  /** After-sales requests still open (src/after-sales): the order does not complete while there are any. */
  openAfterSales?: number;
};

type Transition = {
  from: readonly OrderStatus[];
  to: OrderStatus;
  guard?: (order: OrderFacts) => { code: string; message: string } | null;
};

export const TRANSITIONS: Record<OrderEvent, Transition> = {
  approve: { from: ["received", "on_hold"], to: "approved" },
  hold: { from: ["received", "approved"], to: "on_hold" },
  reject: { from: ["received", "on_hold"], to: "cancelled" },
  cancel: { from: ["received", "on_hold", "approved", "processing"], to: "cancelled" },
  process: { from: ["approved"], to: "processing" },
  ship: {
    from: ["processing"],
    to: "shipped",
    guard: (o) => (o.requiresShipping ? null : { code: "nothing_to_ship", message: "a service-only order has nothing to ship" }),
  },
  deliver: {
    from: ["shipped", "processing"],
    to: "delivered",
    // Services are delivered straight from processing (the work was done); goods must ship first.
    guard: (o) =>
      o.status === "processing" && o.requiresShipping
        ? { code: "not_shipped", message: "an order with goods is delivered only after it has shipped" }
        : null,
  },
  complete: {
    from: ["delivered"],
    to: "completed",
    guard: (o) =>
      o.openAfterSales ? { code: "after_sales_open", message: "an after-sales request is open on this order: resolve, reject or withdraw it first" } : null,
  },
};

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(["completed", "cancelled"]);

export type Decision =
  | { ok: true; from: OrderStatus; to: OrderStatus }
  | { ok: false; code: string; message: string; allowed: OrderEvent[] };

export function allowedEvents(order: OrderFacts): OrderEvent[] {
  return ORDER_EVENTS.filter((e) => {
    const t = TRANSITIONS[e];
    return t.from.includes(order.status) && !t.guard?.(order);
  });
}

export function decide(order: OrderFacts, event: OrderEvent): Decision {
  const t = TRANSITIONS[event];
  if (!t.from.includes(order.status)) {
    return {
      ok: false,
      code: "illegal_transition",
      message: `cannot ${event} an order that is ${order.status}`,
      allowed: allowedEvents(order),
    };
  }
  const veto = t.guard?.(order);
  if (veto) return { ok: false, ...veto, allowed: allowedEvents(order) };
  return { ok: true, from: order.status, to: t.to };
}

export function isOrderEvent(value: string): value is OrderEvent {
  return (ORDER_EVENTS as readonly string[]).includes(value);
}

/** The milestone column each state stamps when an order enters it. */
export const MILESTONE: Partial<Record<OrderStatus, "approvedAt" | "heldAt" | "processingAt" | "shippedAt" | "deliveredAt" | "completedAt" | "cancelledAt">> = {
  approved: "approvedAt",
  on_hold: "heldAt",
  processing: "processingAt",
  shipped: "shippedAt",
  delivered: "deliveredAt",
  completed: "completedAt",
  cancelled: "cancelledAt",
};

/** Events that must say why: a hold tells the customer what to fix, a rejection what was wrong. */
export const REASON_REQUIRED: ReadonlySet<OrderEvent> = new Set(["hold", "reject"]);
