import { describe, expect, it } from "vitest";
import {
  allowedEvents,
  decide,
  factsNeeded,
  factsOfEvent,
  type GuardFacts,
  IN_PLACE_EVENTS,
  ORDER_EVENTS,
  ORDER_STATUSES,
  type OrderStatus,
  type ShipmentFact,
  TERMINAL_STATUSES,
  TRANSITIONS,
} from "./lifecycle";

const shipment = (id: string, status: string, phase: ShipmentFact["phase"], labelled = false): ShipmentFact => ({ id, status, phase, labelled });

/** Facts under which every guard is satisfied: the parcels and the work are where the next step needs them. */
function settled(status: OrderStatus, requiresShipping: boolean): GuardFacts {
  const phase = status === "processing" ? "carrier" : "delivered";
  return { status, requiresShipping, openAfterSales: 0, paymentStatus: "paid", shipments: requiresShipping ? [shipment("shp_1", "shipped", phase)] : [], tasks: [] };
}

describe("the transition table", () => {
  it("reaches every state from received, for goods and for services, when the floor and the work follow", () => {
    const seen = new Set<OrderStatus>(["received"]);
    for (const requiresShipping of [true, false]) {
      const queue: OrderStatus[] = ["received"];
      const visited = new Set<OrderStatus>();
      while (queue.length) {
        const status = queue.shift()!;
        if (visited.has(status)) continue;
        visited.add(status);
        for (const e of allowedEvents(settled(status, requiresShipping))) {
          const d = decide(settled(status, requiresShipping), e);
          if (d.ok) {
            seen.add(d.to);
            queue.push(d.to);
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it("has no dead ends: every non-terminal state can move on, terminal states cannot", () => {
    for (const requiresShipping of [true, false]) {
      for (const status of ORDER_STATUSES) {
        const moves = allowedEvents(settled(status, requiresShipping));
        if (TERMINAL_STATUSES.has(status)) expect(moves, status).toEqual([]);
        else expect(moves.length, `${status} ${requiresShipping}`).toBeGreaterThan(0);
      }
    }
  });

  it("decides every (state, event) pair: allowed exactly when listed, refused with the allowed list otherwise", () => {
    for (const requiresShipping of [true, false]) {
      for (const status of ORDER_STATUSES) {
        const f = settled(status, requiresShipping);
        const allowed = allowedEvents(f);
        for (const event of ORDER_EVENTS) {
          const d = decide(f, event);
          if (allowed.includes(event)) {
            expect(d).toEqual({ ok: true, event, from: status, to: TRANSITIONS[event].to });
          } else {
            expect(d.ok, `${status} ${event}`).toBe(false);
            if (!d.ok) expect(d.allowed).toEqual(allowed);
          }
        }
      }
    }
  });

  it("matches the design's table, with the explicit event for fulfilment done elsewhere", () => {
    const table = Object.fromEntries(ORDER_EVENTS.map((e) => [e, [TRANSITIONS[e].from, TRANSITIONS[e].to]]));
    expect(table).toEqual({
      approve: [["received", "on_hold"], "approved"],
      hold: [["received", "approved"], "on_hold"],
      reject: [["received", "on_hold"], "cancelled"],
      cancel: [["received", "on_hold", "approved", "processing"], "cancelled"],
      process: [["approved"], "processing"],
      ship: [["processing"], "shipped"],
      fulfil_externally: [["processing"], "shipped"],
      deliver: [["shipped", "processing"], "delivered"],
      complete: [["delivered"], "completed"],
    });
  });

  it("keeps the status for the stages' in-place changes, and judges them by the same table", () => {
    for (const e of IN_PLACE_EVENTS) {
      expect(TRANSITIONS[e].to).toBe("same");
      for (const status of TRANSITIONS[e].from) expect(decide({ status, requiresShipping: true }, e)).toMatchObject({ ok: true, to: status });
    }
    expect(decide({ status: "cancelled", requiresShipping: true }, "edit")).toMatchObject({ ok: false, code: "illegal_transition" });
    expect(decide({ status: "processing", requiresShipping: true }, "audit")).toMatchObject({ ok: false, code: "illegal_transition" });
    expect(decide({ status: "delivered", requiresShipping: true, archived: true }, "after_sales")).toMatchObject({ ok: false, code: "archived" });
    // A privacy erasure reaches an order in any state, archived or not.
    expect(decide({ status: "completed", requiresShipping: true, archived: true }, "erase")).toMatchObject({ ok: true, to: "completed" });
  });
});

describe("a goods order follows its shipments", () => {
  const processing = (shipments: ShipmentFact[]): GuardFacts => ({ status: "processing", requiresShipping: true, shipments });

  it("ships only when every live shipment is handed over, naming those that are not", () => {
    expect(decide(processing([shipment("shp_a", "shipped", "carrier"), shipment("shp_b", "in_transit", "carrier")]), "ship")).toMatchObject({ ok: true, to: "shipped" });
    const d = decide(processing([shipment("shp_a", "shipped", "carrier"), shipment("shp_b", "pending", "floor")]), "ship");
    expect(d).toMatchObject({ ok: false, code: "shipments_not_handed_over", extra: { shipments: [{ id: "shp_b", status: "pending" }] } });
    if (!d.ok) expect(d.message).toContain("shp_b (pending)");
    // A shipment that no longer counts (cancelled, merged away, closed) neither blocks nor carries the order.
    expect(decide(processing([shipment("shp_a", "delivered", "delivered"), shipment("shp_b", "cancelled", "closed")]), "ship")).toMatchObject({ ok: true });
    // Refused by a 3PL and not re-routed yet: its goods are still owed.
    expect(decide(processing([shipment("shp_a", "shipped", "carrier"), shipment("shp_b", "rejected", "floor")]), "ship")).toMatchObject({
      ok: false,
      code: "shipments_not_handed_over",
    });
    expect(decide(processing([]), "ship")).toMatchObject({ ok: false, code: "no_shipments" });
  });

  it("is delivered only when every live shipment is, and after it has shipped", () => {
    const shipped = (shipments: ShipmentFact[]): GuardFacts => ({ status: "shipped", requiresShipping: true, shipments, tasks: [] });
    expect(decide(shipped([shipment("shp_a", "delivered", "delivered")]), "deliver")).toMatchObject({ ok: true, to: "delivered" });
    expect(decide(shipped([shipment("shp_a", "delivered", "delivered"), shipment("shp_b", "in_transit", "carrier")]), "deliver")).toMatchObject({
      ok: false,
      code: "shipments_not_delivered",
      extra: { shipments: [{ id: "shp_b", status: "in_transit" }] },
    });
    expect(decide(shipped([shipment("shp_a", "returned", "returned")]), "deliver")).toMatchObject({ ok: false, code: "shipments_not_delivered" });
    expect(decide({ ...processing([]), tasks: [] }, "deliver")).toMatchObject({ ok: false, code: "not_shipped" });
  });

  it("records a fulfilment done elsewhere explicitly, unless a bought label is still live", () => {
    expect(decide(processing([shipment("shp_a", "pending", "floor")]), "fulfil_externally")).toMatchObject({ ok: true, to: "shipped" });
    expect(decide(processing([]), "fulfil_externally")).toMatchObject({ ok: true, to: "shipped" });
    expect(decide(processing([shipment("shp_a", "labelled", "floor", true)]), "fulfil_externally")).toMatchObject({ ok: false, code: "label_active" });
    expect(decide({ status: "processing", requiresShipping: false, shipments: [] }, "fulfil_externally")).toMatchObject({ ok: false, code: "nothing_to_ship" });
  });

  it("is not cancelled once every parcel is with the carrier; a partial handover still cancels", () => {
    expect(decide(processing([shipment("shp_a", "shipped", "carrier")]), "cancel")).toMatchObject({ ok: false, code: "already_handed_over" });
    expect(decide(processing([shipment("shp_a", "shipped", "carrier"), shipment("shp_b", "picking", "floor")]), "cancel")).toMatchObject({ ok: true, to: "cancelled" });
    expect(decide(processing([]), "cancel")).toMatchObject({ ok: true });
  });

  it("lists in allowed_events, without the shipments at hand, what a person may do: not ship (the parcels do), but deliver", () => {
    expect(allowedEvents({ status: "processing", requiresShipping: true })).toEqual(["cancel", "fulfil_externally"]);
    expect(allowedEvents({ status: "shipped", requiresShipping: true })).toEqual(["deliver"]);
    expect(allowedEvents(processing([shipment("shp_a", "shipped", "carrier")]))).toEqual(["ship", "fulfil_externally"]);
  });

  it("reads the facts an event's guards need, and only those", () => {
    expect(factsNeeded("processing", "ship")).toEqual(["shipments"]);
    expect(factsNeeded("shipped", "deliver")).toEqual(["shipments", "tasks"]);
    expect(factsNeeded("on_hold", "approve")).toEqual(["review"]);
    expect(factsNeeded("approved", "hold")).toEqual([]);
    expect(factsNeeded("received", "ship")).toEqual([]);
  });

  it("knows, before the status is read, every fact an event may need: a waking object reads them with the order", () => {
    for (const event of [...ORDER_EVENTS, ...IN_PLACE_EVENTS]) {
      const any = factsOfEvent(event);
      for (const status of ORDER_STATUSES) for (const kind of factsNeeded(status, event)) expect(any, `${event} from ${status}`).toContain(kind);
    }
    expect(factsOfEvent("ship")).toEqual(["shipments"]);
    expect(factsOfEvent("hold")).toEqual([]);
  });
});

describe("an allocated order's address", () => {
  const at = (shipments: ShipmentFact[]): GuardFacts => ({ status: "processing", requiresShipping: true, shipments });
  it("changes only while every live parcel is intercepted, naming the others", () => {
    expect(decide(at([]), "readdress")).toMatchObject({ ok: true, to: "processing" });
    expect(decide(at([shipment("shp_a", "intercepted", "floor"), shipment("shp_x", "cancelled", "closed")]), "readdress")).toMatchObject({ ok: true });
    const refused = decide(at([shipment("shp_a", "intercepted", "floor"), shipment("shp_b", "pending", "floor"), shipment("shp_c", "in_transit", "carrier")]), "readdress");
    expect(refused).toMatchObject({
      ok: false,
      code: "intercept_first",
      extra: {
        shipments: [
          { id: "shp_b", status: "pending" },
          { id: "shp_c", status: "in_transit" },
        ],
      },
    });
  });
  it("is not judged by the parcels for other edits (a payment report), nor once shipped", () => {
    expect(decide(at([shipment("shp_b", "picking", "floor")]), "edit")).toMatchObject({ ok: true });
    expect(decide({ status: "shipped", requiresShipping: true }, "readdress")).toMatchObject({ ok: false, code: "illegal_transition" });
  });
  it("before allocation, an approved order is audited again in place", () => {
    expect(decide({ status: "approved", requiresShipping: true }, "audit")).toMatchObject({ ok: true, to: "approved" });
    expect(decide({ status: "approved", requiresShipping: true }, "hold")).toMatchObject({ ok: true, to: "on_hold" });
  });
});

describe("services and mixed orders", () => {
  it("are delivered only when every live task is done", () => {
    const f = (tasks: GuardFacts["tasks"], requiresShipping = false, status: OrderStatus = "processing"): GuardFacts => ({
      status,
      requiresShipping,
      tasks,
      shipments: requiresShipping ? [shipment("shp_a", "delivered", "delivered")] : [],
    });
    expect(decide(f([{ id: "svc_1", status: "done", done: true }]), "deliver")).toMatchObject({ ok: true, to: "delivered" });
    expect(decide(f([{ id: "svc_1", status: "in_progress", done: false }]), "deliver")).toMatchObject({ ok: false, code: "service_not_done", extra: { tasks: [{ id: "svc_1" }] } });
    // Goods and an installation: the parcel arrived, the installer has not been.
    expect(decide(f([{ id: "svc_1", status: "assigned", done: false }], true, "shipped"), "deliver")).toMatchObject({ ok: false, code: "service_not_done" });
    expect(decide(f([{ id: "svc_1", status: "done", done: true }], true, "shipped"), "deliver")).toMatchObject({ ok: true });
  });
});

describe("other guards", () => {
  it("does not complete while an after-sales request is open", () => {
    expect(decide({ status: "delivered", requiresShipping: true, openAfterSales: 1 }, "complete")).toMatchObject({ ok: false, code: "after_sales_open", allowed: [] });
    expect(decide({ status: "delivered", requiresShipping: true, openAfterSales: 0 }, "complete")).toMatchObject({ ok: true, to: "completed" });
  });

  it("does not approve or process an order whose payment was voided or refunded", () => {
    for (const paymentStatus of ["voided", "refunded"]) {
      expect(decide({ status: "received", requiresShipping: true, paymentStatus }, "approve")).toMatchObject({ ok: false, code: "payment_voided" });
      expect(decide({ status: "approved", requiresShipping: true, paymentStatus }, "process")).toMatchObject({ ok: false, code: "payment_voided" });
    }
    expect(decide({ status: "received", requiresShipping: true, paymentStatus: "unpaid" }, "approve")).toMatchObject({ ok: true });
  });

  it("turns a held order's approval over the finance threshold into the customer-service check, and refuses the same person twice", () => {
    const review = { thresholds: { USD: "500.00" }, totalAmount: 60000, currency: "USD", holdCodes: [], serviceCheckedBy: null, actor: "key_cs", mayDoFinanceCheck: false };
    expect(decide({ status: "on_hold", requiresShipping: true, review }, "approve")).toMatchObject({ ok: true, event: "pass_review", to: "on_hold" });
    const pending = { ...review, thresholds: null, holdCodes: ["finance_review"], serviceCheckedBy: "key_cs", mayDoFinanceCheck: true };
    expect(decide({ status: "on_hold", requiresShipping: true, review: pending }, "approve")).toMatchObject({ ok: false, code: "second_reviewer_required" });
    expect(decide({ status: "on_hold", requiresShipping: true, review: { ...pending, actor: "key_fin" } }, "approve")).toMatchObject({
      ok: true,
      event: "approve",
      to: "approved",
    });
  });

  it("names the illegal move", () => {
    expect(decide({ status: "cancelled", requiresShipping: true }, "approve")).toEqual({
      ok: false,
      code: "illegal_transition",
      message: "cannot approve an order that is cancelled",
      allowed: [],
    });
  });
});
