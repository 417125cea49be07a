/** POST /v1/orders/:id/transitions: every (state, event) pair through the real Durable Object and D1. */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { ORDER_EVENTS, ORDER_STATUSES, TRANSITIONS, allowedEvents, type OrderEvent, type OrderStatus } from "../src/orders/lifecycle";
import { api, createOrder, createProduct, createStore, performServiceTasks, serviceTasksOf, transition } from "./helpers";

let store: { id: string };
beforeAll(async () => {
  store = await createStore();
  await createProduct(store.id, "SVC", { type: "service" });
});

/** The shortest path of events from received to each status, for goods and for services. */
const PATHS: Record<"goods" | "service", Record<OrderStatus, OrderEvent[]>> = {
  goods: {
    received: [],
    on_hold: ["hold"],
    approved: ["approve"],
    processing: ["approve", "process"],
    shipped: ["approve", "process", "fulfil_externally"],
    delivered: ["approve", "process", "fulfil_externally", "deliver"],
    completed: ["approve", "process", "fulfil_externally", "deliver", "complete"],
    cancelled: ["cancel"],
  },
  service: {
    received: [],
    on_hold: ["hold"],
    approved: ["approve"],
    processing: ["approve", "process"],
    shipped: [], // a service order never ships
    // Delivered when its task is done (deliver by hand is refused while the work is open).
    delivered: ["approve", "process", "deliver"],
    completed: ["approve", "process", "deliver", "complete"],
    cancelled: ["cancel"],
  },
};

async function orderAt(kind: "goods" | "service", status: OrderStatus) {
  const order = await createOrder(store.id, kind === "service" ? { lines: [{ sku: "SVC", quantity: 1, unit_price: "10.00" }] } : {});
  let last = order;
  for (const e of PATHS[kind][status]) {
    if (kind === "service" && e === "deliver") {
      await performServiceTasks(order.id);
      last = (await api(`/v1/orders/${order.id}`)).body;
      continue;
    }
    const r = await transition(order.id, e, { reason: "test" });
    expect(r.status, `${e} on the way to ${status}`).toBe(200);
    last = r.body;
    // The approval opens the service task from the queue: wait for it, so what the order allows does not race it.
    if (kind === "service" && e === "approve") await serviceTasksOf(order.id);
  }
  expect(last.status).toBe(status);
  return last;
}

describe("every (state, event) pair", () => {
  for (const kind of ["goods", "service"] as const) {
    for (const status of ORDER_STATUSES) {
      if (kind === "service" && status === "shipped") continue;
      it(`${kind} order in ${status}`, async () => {
        const allowed = allowedEvents({ status, requiresShipping: kind === "goods" });
        for (const event of ORDER_EVENTS) {
          const order = await orderAt(kind, status);
          expect(order.allowed_events).toEqual(allowed);
          const r = await transition(order.id, event, { reason: "because" });
          if (allowed.includes(event)) {
            expect(r.status, `${event} from ${status}`).toBe(200);
            expect(r.body).toMatchObject({ status: TRANSITIONS[event].to, version: order.version + 1 });
            expect(r.headers.get("etag")).toBe(`"${order.version + 1}"`);
          } else {
            expect(r.status, `${event} from ${status}`).toBe(409);
            expect(r.headers.get("content-type")).toBe("application/problem+json");
            expect(r.body).toMatchObject({ status: 409, order_status: status, allowed_events: allowed, version: order.version });
            const after = await api(`/v1/orders/${order.id}`);
            expect(after.body.version).toBe(order.version);
          }
        }
      });
    }
  }
});

describe("a transition", () => {
  it("records the event with actor, reason and the previous state, and stamps the milestone", async () => {
    const order = await createOrder(store.id);
    const held = await transition(order.id, "hold", { reason: "address incomplete" });
    expect(held.body).toMatchObject({ status: "on_hold", status_reason: "address incomplete", version: 2 });
    expect(held.body.held_at).not.toBeNull();
    const approved = await transition(order.id, "approve");
    expect(approved.body).toMatchObject({ status: "approved", status_reason: null, version: 3 });
    expect(approved.body.approved_at).not.toBeNull();
    const events = await api(`/v1/orders/${order.id}/events`);
    expect(events.body.data.map((e: any) => [e.seq, e.type, e.from_status, e.to_status, e.reason, e.actor])).toEqual([
      [1, "received", null, "received", null, "bootstrap"],
      [2, "hold", "received", "on_hold", "address incomplete", "bootstrap"],
      [3, "approve", "on_hold", "approved", null, "bootstrap"],
    ]);
  });

  it("writes the outbox rows its new state owes, in the same change", async () => {
    const order = await createOrder(store.id);
    await transition(order.id, "approve");
    await transition(order.id, "cancel", { reason: "customer asked" });
    const rows = await env.DB.prepare("SELECT topic, type FROM outbox WHERE order_id = ? ORDER BY created_at, topic").bind(order.id).all();
    expect(rows.results).toEqual([
      { topic: "fulfilment", type: "order.received" },
      { topic: "fulfilment", type: "order.approved" },
      { topic: "notifications", type: "order.approved" },
      { topic: "notifications", type: "order.cancelled" },
    ]);
  });

  it("owes nothing when processing starts: no stage handles it, so no message is sent only to be receipted", async () => {
    const order = await orderAt("goods", "processing");
    expect((await api(`/v1/orders/${order.id}`)).body.status).toBe("processing");
    const rows = await env.DB.prepare("SELECT type FROM outbox WHERE order_id = ?").bind(order.id).all<{ type: string }>();
    expect(rows.results.map((r) => r.type)).toContain("order.approved");
    expect(rows.results.map((r) => r.type)).not.toContain("order.processing");
  });

  it("an unknown event is a 409 listing the events allowed now", async () => {
    const order = await createOrder(store.id);
    const r = await transition(order.id, "teleport");
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "unknown_event", allowed_events: ["approve", "hold", "reject", "cancel"], status: 409, order_status: "received" });
  });

  it("goods cannot be delivered before they ship; the guard says why", async () => {
    const order = await orderAt("goods", "processing");
    const r = await transition(order.id, "deliver");
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "not_shipped", allowed_events: ["cancel", "fulfil_externally"] });
  });

  it("hold and reject need a reason (422, nothing written)", async () => {
    const order = await createOrder(store.id);
    for (const event of ["hold", "reject"]) {
      const r = await transition(order.id, event);
      expect(r.status).toBe(422);
      expect(r.body.errors).toEqual([{ field: "reason", message: `is required to ${event} an order` }]);
    }
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(1);
  });

  it("honours If-Match: the current version applies, a stale one is a 412 with the current ETag", async () => {
    const order = await createOrder(store.id);
    const ok = await transition(order.id, "approve", { ifMatch: '"1"' });
    expect(ok.status).toBe(200);
    const stale = await transition(order.id, "process", { ifMatch: '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: "version_mismatch", current_version: 2 });
    expect(stale.headers.get("etag")).toBe('"2"');
    expect((await transition(order.id, "process", { ifMatch: 'W/"2"' })).status).toBe(200);
    const bad = await transition(order.id, "ship", { ifMatch: "yesterday" });
    expect(bad.status).toBe(400);
  });

  it("an order that does not exist is a 404; a malformed id a 400", async () => {
    expect((await transition("ord_00000000000000000000000000", "approve")).status).toBe(404);
    expect((await transition("nope", "approve")).status).toBe(400);
  });

  it("validates the body: missing event -> 422, non-JSON -> 415", async () => {
    const order = await createOrder(store.id);
    const r = await api(`/v1/orders/${order.id}/transitions`, { body: { reason: "x" } });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].field).toBe("event");
    const t = await api(`/v1/orders/${order.id}/transitions`, { body: "approve", headers: { "content-type": "text/plain" } });
    expect(t.status).toBe(415);
  });
});
