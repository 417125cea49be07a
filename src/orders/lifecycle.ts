/**
 * The order lifecycle as data, and the only judge of every change to an
 * order, whoever asks for it (staff through the API, the audit, an edit,
 * after-sales, allocation, the shipments, the timers). Each event lists the
 * states it may fire from and the state it leads to ("same" for changes
 * that keep the status: an edit, an audit that keeps holding, an
 * after-sales request); its guards, declared here with it, veto it with a
 * stable code or, for two-level review, turn an approval into the first of
 * its two checks.
 *
 * Guards are pure functions of `GuardFacts`. Facts that cost a read
 * (shipments, service tasks, the review's thresholds) are loaded only for
 * the events whose guards need them; where they were not loaded (a list of
 * orders), a guard says what to assume (`unknown`): "deny" where the facts
 * usually decide (a goods order ships when its parcels do), "allow" where a
 * person may well take the step and is told why not otherwise.
 *
 * Invariant: the order object writes `orders.status` only to the `to` of a
 * decision made here (see ./order-object.ts; test/structure/one-writer.test.mjs
 * checks that nothing else writes it).
 */
import { ORDER_STATUSES, type OrderStatus } from "./statuses";
import { reviewStep, type ReviewFacts } from "./review";

export { ORDER_STATUSES, type OrderStatus };

/** The events staff and integrations fire by name (`POST /v1/orders/{id}/transitions`). */
export const ORDER_EVENTS = ["approve", "hold", "reject", "cancel", "process", "ship", "fulfil_externally", "deliver", "complete"] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

/** Changes planned by the stages that keep the order's status; judged by the same table. */
export const IN_PLACE_EVENTS = ["audit", "pass_review", "edit", "readdress", "after_sales", "reroute", "erase"] as const;
export type InPlaceEvent = (typeof IN_PLACE_EVENTS)[number];

export type LifecycleEvent = OrderEvent | InPlaceEvent;

/** What the guards may look at. The optional parts are read only for the events that need them. */
export type GuardFacts = {
  status: OrderStatus;
  requiresShipping: boolean;
  /** After-sales requests still open: the order does not complete while there are any. */
  openAfterSales?: number;
  paymentStatus?: string;
  archived?: boolean;
  /** Two-level review, for approving a held order (see ./review.ts). */
  review?: ReviewFacts;
  /** The shipments holding the order's live items, as their own lifecycle sees them. */
  shipments?: readonly ShipmentFact[];
  /** The order's service tasks (cancelled ones left out). */
  tasks?: readonly TaskFact[];
};

/**
 * A shipment as the order's guards see it. `phase` comes from the shipment's
 * own lifecycle table (src/fulfilment/shipment-lifecycle.ts), the one
 * definition of "handed over" for carriers and 3PLs alike.
 */
export type ShipmentFact = {
  id: string;
  status: string;
  /** floor: not handed over (pending to labelled, intercepted, or refused by a 3PL and not re-routed yet); carrier: handed over, on its way; delivered; returned; closed: no longer counts (cancelled, merged away, closed outside the system). */
  phase: "floor" | "carrier" | "delivered" | "returned" | "closed";
  /** A carrier label is bought and not handed over. */
  labelled: boolean;
};
export type TaskFact = { id: string; status: string; done: boolean };

export type FactKind = "review" | "shipments" | "tasks";

/** What a refusal names besides its message: the shipments or tasks that stand in the way. */
export type VetoDetail = { shipments?: { id: string; status: string }[]; tasks?: { id: string; status: string }[] };
export type Veto = { code: string; message: string; extra?: VetoDetail };
type Verdict = Veto | { instead: LifecycleEvent } | null;

export type Guard = {
  name: string;
  /** Facts this guard reads (loaded for it by the order object). */
  needs?: FactKind;
  /** Without its facts (a list of orders): "allow" when the guard rarely vetoes, "deny" when the facts usually decide. */
  unknown?: "allow" | "deny" | ((f: GuardFacts) => "allow" | "deny");
  check(f: GuardFacts): Verdict;
};

type Transition = { from: readonly OrderStatus[]; to: OrderStatus | "same"; guards?: readonly Guard[] };

const veto = (code: string, message: string, extra?: VetoDetail): Veto => ({ code, message, ...(extra ? { extra } : {}) });
const live = (f: GuardFacts) => (f.shipments ?? []).filter((s) => s.phase !== "closed");
const named = (list: readonly { id: string; status: string }[]) => list.map((s) => `${s.id} (${s.status})`).join(", ");
const listed = (list: readonly { id: string; status: string }[]) => list.map((s) => ({ id: s.id, status: s.status }));

// The guards, each a rule a merchant would state in one sentence.

const paymentStands: Guard = {
  name: "payment_stands",
  check: (f) =>
    f.paymentStatus === "voided" || f.paymentStatus === "refunded"
      ? veto("payment_voided", `the order's payment is ${f.paymentStatus}: record a new payment or cancel the order`)
      : null,
};

/** Approving a held order over the store's finance threshold takes two people (客审 then 财审). */
const twoLevelReview: Guard = {
  name: "two_level_review",
  needs: "review",
  unknown: "allow",
  check: (f) => {
    if (f.status !== "on_hold" || !f.review) return null;
    const step = reviewStep(f.review);
    if (step.step === "refused") return veto(step.code, step.message);
    return step.step === "service_check" ? { instead: "pass_review" } : null;
  },
};

const hasGoods: Guard = {
  name: "has_goods",
  check: (f) => (f.requiresShipping ? null : veto("nothing_to_ship", "a service-only order has nothing to ship")),
};

/** A goods order ships when its parcels have: every live shipment handed over to a carrier or shipped by its 3PL. */
const shipmentsHandedOver: Guard = {
  name: "shipments_handed_over",
  needs: "shipments",
  unknown: "deny",
  check: (f) => {
    if (!f.requiresShipping) return null;
    const shipments = live(f);
    if (shipments.length === 0) {
      return veto("no_shipments", "the order has no shipment in a warehouse: allocate it, or record that it was fulfilled outside the system (event fulfil_externally)");
    }
    const waiting = shipments.filter((s) => s.phase === "floor");
    return waiting.length ? veto("shipments_not_handed_over", `not handed over yet: ${named(waiting)}; the order ships when its parcels do`, { shipments: listed(waiting) }) : null;
  },
};

/** Recording a fulfilment done elsewhere closes what is still on the floor, but a bought label must be voided first. */
const noLiveLabel: Guard = {
  name: "no_live_label",
  needs: "shipments",
  unknown: "allow",
  check: (f) => {
    const labelled = live(f).filter((s) => s.phase === "floor" && s.labelled);
    return labelled.length ? veto("label_active", `a carrier label is bought for ${named(labelled)}: hand it over or void the label first`, { shipments: listed(labelled) }) : null;
  },
};

/** Goods are delivered only after they shipped; services straight from processing (the work was done). */
const goodsShipFirst: Guard = {
  name: "goods_ship_first",
  check: (f) => (f.status === "processing" && f.requiresShipping ? veto("not_shipped", "an order with goods is delivered only after it has shipped") : null),
};

/**
 * A goods order is delivered when its parcels are. Listed as allowed without
 * the facts: a person records the delivery of an order fulfilled elsewhere,
 * and is told which parcels are still on their way otherwise.
 */
const shipmentsDelivered: Guard = {
  name: "shipments_delivered",
  needs: "shipments",
  unknown: "allow",
  check: (f) => {
    if (!f.requiresShipping) return null;
    const open = live(f).filter((s) => s.phase !== "delivered");
    return open.length
      ? veto("shipments_not_delivered", `not delivered yet: ${named(open)}; record the delivery on the shipment (POST /v1/shipments/{id}/tracking-events)`, {
          shipments: listed(open),
        })
      : null;
  },
};

/** An order with services is delivered when the work is done: every live task. */
const tasksDone: Guard = {
  name: "service_tasks_done",
  needs: "tasks",
  // A service order is delivered by its tasks; a shipped goods order rarely has one (and is told which, if so).
  unknown: (f) => (f.requiresShipping ? "allow" : "deny"),
  check: (f) => {
    const open = (f.tasks ?? []).filter((t) => !t.done);
    return open.length ? veto("service_not_done", `service tasks still open: ${named(open)}`, { tasks: listed(open) }) : null;
  },
};

const noOpenAfterSales: Guard = {
  name: "no_open_after_sales",
  check: (f) => (f.openAfterSales ? veto("after_sales_open", "an after-sales request is open on this order: resolve, reject or withdraw it first") : null),
};

/** Once every parcel is with the carrier the order has in fact shipped: it is not cancelled any more (after-sales takes over). */
const notAllHandedOver: Guard = {
  name: "not_all_handed_over",
  needs: "shipments",
  unknown: "allow",
  check: (f) => {
    const shipments = live(f);
    return shipments.length > 0 && shipments.every((s) => s.phase !== "floor")
      ? veto("already_handed_over", `every parcel is with the carrier (${named(shipments)}): the order ships; open an after-sales request instead`)
      : null;
  },
};

/**
 * Once allocated, an order's address and contact change only while its parcels are stopped (intercepted), so
 * nobody picks, packs or labels for the old address meanwhile; one already with a carrier or a third-party
 * warehouse is no longer ours to re-address.
 */
const parcelsStopped: Guard = {
  name: "parcels_stopped",
  needs: "shipments",
  unknown: "allow",
  check: (f) => {
    const moving = live(f).filter((s) => s.status !== "intercepted");
    return moving.length
      ? veto(
          "intercept_first",
          `the order's shipments are in fulfilment: ${named(moving)}; intercept them first (POST /v1/shipments/{id}/intercept), then change the address and release them (a parcel with a carrier or a third-party warehouse can no longer be re-addressed here)`,
          { shipments: listed(moving) },
        )
      : null;
  },
};

const notArchived: Guard = {
  name: "not_archived",
  check: (f) => (f.archived ? veto("archived", "the order is archived") : null),
};

export const TRANSITIONS: Record<LifecycleEvent, Transition> = {
  approve: { from: ["received", "on_hold"], to: "approved", guards: [paymentStands, twoLevelReview] },
  hold: { from: ["received", "approved"], to: "on_hold" },
  reject: { from: ["received", "on_hold"], to: "cancelled" },
  cancel: { from: ["received", "on_hold", "approved", "processing"], to: "cancelled", guards: [notAllHandedOver] },
  process: { from: ["approved"], to: "processing", guards: [paymentStands] },
  ship: { from: ["processing"], to: "shipped", guards: [hasGoods, shipmentsHandedOver] },
  fulfil_externally: { from: ["processing"], to: "shipped", guards: [hasGoods, noLiveLabel] },
  deliver: { from: ["shipped", "processing"], to: "delivered", guards: [goodsShipFirst, shipmentsDelivered, tasksDone] },
  complete: { from: ["delivered"], to: "completed", guards: [noOpenAfterSales] },
  // In place: the status stays.
  // An approved order is audited again after an edit (and held if it now fails); see src/audit/run-audit.ts.
  audit: { from: ["received", "on_hold", "approved"], to: "same" },
  pass_review: { from: ["on_hold"], to: "same" },
  edit: { from: ["received", "on_hold", "approved", "processing", "shipped", "delivered"], to: "same" },
  // An edit of the address or contact: before allocation like any edit, after it only with the parcels stopped.
  readdress: { from: ["received", "on_hold", "approved", "processing"], to: "same", guards: [parcelsStopped] },
  after_sales: { from: ["shipped", "delivered", "completed"], to: "same", guards: [notArchived] },
  reroute: { from: ["processing"], to: "same" },
  // A customer's personal data is erased (a privacy request) in every status, archived too: a right of the person, not a step of the order.
  erase: { from: [...ORDER_STATUSES], to: "same" },
};

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(["completed", "cancelled"]);

export type Decision =
  | { ok: true; event: LifecycleEvent; from: OrderStatus; to: OrderStatus }
  | { ok: false; code: string; message: string; allowed: OrderEvent[]; extra?: VetoDetail };

/** The facts `event`'s guards may need, whatever the order's status: what an object waking for it reads with the order. */
export function factsOfEvent(event: LifecycleEvent): FactKind[] {
  return [...new Set((TRANSITIONS[event].guards ?? []).flatMap((g) => (g.needs ? [g.needs] : [])))];
}

/** The facts the guards of `event` (and of what it may turn into) need from `status`. */
export function factsNeeded(status: OrderStatus, event: LifecycleEvent): FactKind[] {
  const t = TRANSITIONS[event];
  if (!t.from.includes(status)) return [];
  const kinds = new Set<FactKind>();
  for (const g of t.guards ?? []) if (g.needs) kinds.add(g.needs);
  return [...kinds];
}

function verdictOf(f: GuardFacts, t: Transition): Verdict {
  for (const g of t.guards ?? []) {
    if (g.needs && f[g.needs] === undefined) {
      const assume = typeof g.unknown === "function" ? g.unknown(f) : g.unknown;
      if (assume === "deny") return veto("unknown", `${g.name} needs facts that were not read`);
      continue;
    }
    const v = g.check(f);
    if (v) return v;
  }
  return null;
}

/** The API's events that are legal now: listed only if they would not be refused on these facts. */
export function allowedEvents(f: GuardFacts): OrderEvent[] {
  return ORDER_EVENTS.filter((e) => {
    const t = TRANSITIONS[e];
    if (!t.from.includes(f.status)) return false;
    const v = verdictOf(f, t);
    return v === null || "instead" in v;
  });
}

export function decide(f: GuardFacts, event: LifecycleEvent): Decision {
  const t = TRANSITIONS[event];
  if (!t.from.includes(f.status)) {
    const what = (IN_PLACE_EVENTS as readonly string[]).includes(event)
      ? `an order that is ${f.status} cannot take a change of this kind (${event})`
      : `cannot ${event} an order that is ${f.status}`;
    return { ok: false, code: "illegal_transition", message: what, allowed: allowedEvents(f) };
  }
  const v = verdictOf(f, t);
  if (v && "instead" in v) return decide(f, v.instead);
  if (v) return { ok: false, code: v.code, message: v.message, allowed: allowedEvents(f), ...(v.extra ? { extra: v.extra } : {}) };
  return { ok: true, event, from: f.status, to: t.to === "same" ? f.status : t.to };
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
