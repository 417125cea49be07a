import { describe, expect, it } from "vitest";
import { allowedEvents, decide, ORDER_EVENTS, ORDER_STATUSES, TERMINAL_STATUSES, TRANSITIONS, type OrderFacts, type OrderStatus } from "./lifecycle";

const kinds = [true, false].map((requiresShipping) => ({ requiresShipping }));

describe("the transition table", () => {
  it("reaches every state from received, for goods and for services together", () => {
    const seen = new Set<OrderStatus>(["received"]);
    const visited = new Set<string>();
    const queue: OrderFacts[] = kinds.map((k) => ({ status: "received", ...k }));
    while (queue.length) {
      const o = queue.shift()!;
      const key = `${o.status}/${o.requiresShipping}`;
      if (visited.has(key)) continue;
      visited.add(key);
      for (const e of allowedEvents(o)) {
        const d = decide(o, e);
        if (d.ok) {
          seen.add(d.to);
          queue.push({ ...o, status: d.to });
        }
      }
    }
    expect([...seen].sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it("has no dead ends: every non-terminal state can move on, terminal states cannot", () => {
    for (const k of kinds) {
      for (const status of ORDER_STATUSES) {
        const moves = allowedEvents({ status, ...k });
        if (TERMINAL_STATUSES.has(status)) expect(moves, status).toEqual([]);
        else expect(moves.length, `${status} ${JSON.stringify(k)}`).toBeGreaterThan(0);
      }
    }
  });

  it("decides every (state, event) pair: allowed exactly when listed, refused with the allowed list otherwise", () => {
    for (const k of kinds) {
      for (const status of ORDER_STATUSES) {
        const allowed = allowedEvents({ status, ...k });
        for (const event of ORDER_EVENTS) {
          const d = decide({ status, ...k }, event);
          if (allowed.includes(event)) {
            expect(d).toEqual({ ok: true, from: status, to: TRANSITIONS[event].to });
          } else {
            expect(d.ok).toBe(false);
            if (!d.ok) expect(d.allowed).toEqual(allowed);
          }
        }
      }
    }
  });

  it("matches the design's table", () => {
    const table = Object.fromEntries(ORDER_EVENTS.map((e) => [e, [TRANSITIONS[e].from, TRANSITIONS[e].to]]));
    expect(table).toEqual({
      approve: [["received", "on_hold"], "approved"],
      hold: [["received", "approved"], "on_hold"],
      reject: [["received", "on_hold"], "cancelled"],
      cancel: [["received", "on_hold", "approved", "processing"], "cancelled"],
      process: [["approved"], "processing"],
      ship: [["processing"], "shipped"],
      deliver: [["shipped", "processing"], "delivered"],
      complete: [["delivered"], "completed"],
    });
  });

  it("delivers goods only after shipping, services straight from processing", () => {
    expect(decide({ status: "processing", requiresShipping: true }, "deliver")).toMatchObject({ ok: false, code: "not_shipped" });
    expect(decide({ status: "processing", requiresShipping: false }, "deliver")).toMatchObject({ ok: true, to: "delivered" });
    expect(decide({ status: "processing", requiresShipping: false }, "ship")).toMatchObject({ ok: false, code: "nothing_to_ship" });
    expect(decide({ status: "shipped", requiresShipping: true }, "deliver")).toMatchObject({ ok: true });
  });

  it("does not complete while an after-sales request is open", () => {
    expect(decide({ status: "delivered", requiresShipping: true, openAfterSales: 1 }, "complete")).toMatchObject({ ok: false, code: "after_sales_open", allowed: [] });
    expect(allowedEvents({ status: "delivered", requiresShipping: true, openAfterSales: 2 })).not.toContain("complete");
    expect(decide({ status: "delivered", requiresShipping: true, openAfterSales: 0 }, "complete")).toMatchObject({ ok: true, to: "completed" });
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
