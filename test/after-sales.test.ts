/**
 * After-sales: returns, exchanges, refunds and claims. A request opened on a
 * delivered order pauses its completion; closing the last one resumes it.
 * Every request change is an order event written by the order's object, so
 * requests and completion never race.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "./shard-env";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { api, createKey, createOrder, createStore, transition, unique } from "./helpers";
import { mintLink, openLink } from "./customer-visit";

const DAY = 86_400_000;
let store: { id: string };
let other: { id: string };
beforeAll(async () => {
  store = await createStore(unique("after-sales"));
  other = await createStore(unique("after-sales-other"));
  await api(`/v1/stores/${store.id}`, { method: "PATCH", body: { complete_after_days: 5 } });
});

const LINES = [
  { sku: "TEA-1", quantity: 2, unit_price: "19.90" },
  { sku: "CUP-1", quantity: 1, unit_price: "8.00" },
];

async function advance(id: string, events: string[]) {
  for (const e of events) expect((await transition(id, e)).status).toBe(200);
  return (await api(`/v1/orders/${id}`)).body;
}
/** A paid order of two teas and a cup, moved on to `events`' end (delivered by default). */
async function orderAt(events = ["approve", "process", "fulfil_externally", "deliver"], overrides: Record<string, unknown> = {}) {
  const o = await createOrder(store.id, { lines: LINES, payment_status: "paid", ...overrides });
  return advance(o.id, events);
}

const open = (orderId: string, body: Record<string, unknown>, opts: { key?: string; headers?: Record<string, string> } = {}) =>
  api(`/v1/orders/${orderId}/after-sales`, { body, ...opts });
const decide = (id: string, body: Record<string, unknown>, opts: { key?: string; ifMatch?: string } = {}) =>
  api(`/v1/after-sales/${id}/transitions`, { body, key: opts.key, headers: opts.ifMatch ? { "if-match": opts.ifMatch } : {} });

const stubOf = (id: string) => env.ORDER.get(env.ORDER.idFromName(id));
const timers = (id: string) =>
  runInDurableObject(stubOf(id), async (_i, state) => ({
    completeAt: await state.storage.get<number>("completeAt"),
    paused: await state.storage.get<number>("completePausedMs"),
    alarm: await state.storage.getAlarm(),
  }));
const requestsOf = async (orderId: string) => (await api(`/v1/orders/${orderId}/after-sales`)).body.data as any[];

describe("opening a request", () => {
  it("holds a delivered order: completion pauses, complete is refused, the timeline and the customer's message say so", async () => {
    const o = await orderAt();
    const before = await timers(o.id);
    expect(before.completeAt).toBe(Date.parse(o.delivered_at) + 5 * DAY);

    const r = await open(o.id, { kind: "return", reason: "The cup arrived chipped", lines: [{ sku: "CUP-1", quantity: 1 }] });
    expect(r.status).toBe(201);
    expect(r.headers.get("etag")).toBe('"1"');
    expect(r.headers.get("location")).toBe(`/v1/after-sales/${r.body.id}`);
    expect(r.body).toMatchObject({
      order_id: o.id,
      store_id: store.id,
      kind: "return",
      status: "open",
      reason: "The cup arrived chipped",
      lines: [{ sku: "CUP-1", quantity: 1 }],
      opened_by: "bootstrap",
      resolution: null,
      refund_amount: null,
      currency: "USD",
      version: 1,
      allowed_events: ["accept", "reject", "resolve", "withdraw"],
      closed_at: null,
    });

    const order = (await api(`/v1/orders/${o.id}`)).body;
    expect(order).toMatchObject({ status: "delivered", open_after_sales: 1, version: o.version + 1 });
    expect(order.allowed_events).not.toContain("complete");
    const t = await timers(o.id);
    expect(t.completeAt).toBeUndefined();
    // The clock stopped with the time it had left (a few ms less than the full window).
    expect(t.paused).toBeGreaterThan(5 * DAY - 60_000);
    expect(t.paused).toBeLessThanOrEqual(5 * DAY);

    const refused = await transition(o.id, "complete");
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "after_sales_open", order_status: "delivered" });

    const events = (await api(`/v1/orders/${o.id}/events`)).body.data;
    expect(events.at(-1)).toMatchObject({ type: "after_sales_opened", from_status: "delivered", to_status: "delivered", reason: "The cup arrived chipped" });
    expect(events.at(-1).data).toMatchObject({ request_id: r.body.id, kind: "return" });

    await vi.waitFor(
      async () => {
        const sent = (await api(`/v1/notifications?order_id=${o.id}`)).body.data.map((m: any) => m.template);
        expect(sent).toContain("after_sales.opened");
      },
      { timeout: 10_000, interval: 50 },
    );
  });

  it("accepted then resolved with a refund: the payment status follows, the clock resumes, the alarm completes the order", async () => {
    const o = await orderAt();
    const r = (await open(o.id, { kind: "return", reason: "Too big", lines: [{ sku: "TEA-1", quantity: 1 }] })).body;

    const accepted = await decide(r.id, { event: "accept", note: "Please post it back with the label we emailed" }, { ifMatch: '"1"' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: "accepted", version: 2, note: "Please post it back with the label we emailed", allowed_events: ["resolve", "withdraw"] });
    expect(accepted.body.accepted_at).not.toBeNull();
    expect((await api(`/v1/orders/${o.id}`)).body.open_after_sales).toBe(1);

    const resolved = await decide(r.id, { event: "resolve", resolution: "refund", refund_amount: "19.90" }, { ifMatch: '"2"' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: "resolved", resolution: "refund", refund_amount: "19.90", decided_by: "bootstrap", allowed_events: [] });
    expect(resolved.body.closed_at).not.toBeNull();

    const order = (await api(`/v1/orders/${o.id}`)).body;
    expect(order).toMatchObject({ status: "delivered", open_after_sales: 0, payment_status: "partially_refunded" });
    expect(order.allowed_events).toContain("complete");
    const t = await timers(o.id);
    expect(t.paused).toBeUndefined();
    // Resumed with what was left of the 5 days.
    expect(t.completeAt! - Date.now()).toBeGreaterThan(5 * DAY - 120_000);
    expect(t.alarm).toBe(t.completeAt);

    await runInDurableObject(stubOf(o.id), async (_i, state) => {
      await state.storage.put("completeAt", Date.now() - 1);
      await state.storage.setAlarm(Date.now());
    });
    expect(await runDurableObjectAlarm(stubOf(o.id))).toBe(true);
    expect((await api(`/v1/orders/${o.id}`)).body.status).toBe("completed");

    const types = (await api(`/v1/orders/${o.id}/events`)).body.data.map((e: any) => e.type);
    expect(types.slice(-4)).toEqual(["after_sales_opened", "after_sales_accepted", "after_sales_resolved", "complete"]);
  });

  it("a window nearly spent resumes with a day, so the customer can read the outcome", async () => {
    const o = await orderAt();
    await runInDurableObject(stubOf(o.id), (_i, state) => state.storage.put("completeAt", Date.now() + 60_000));
    const r = (await open(o.id, { kind: "claim", reason: "One tea is missing" })).body;
    expect((await timers(o.id)).paused).toBeLessThanOrEqual(60_000);
    await decide(r.id, { event: "resolve", resolution: "replacement", note: "A new tea is on its way" });
    const t = await timers(o.id);
    expect(t.completeAt! - Date.now()).toBeGreaterThan(DAY - 60_000);
    expect(t.completeAt! - Date.now()).toBeLessThanOrEqual(DAY);
  });

  it("stays held until the last of several requests closes; a full refund makes the order refunded", async () => {
    const o = await orderAt();
    const a = (await open(o.id, { kind: "claim", reason: "The parcel was wet" })).body;
    const b = (await open(o.id, { kind: "exchange", reason: "Wrong colour", lines: [{ sku: "CUP-1", quantity: 1 }] })).body;
    expect((await api(`/v1/orders/${o.id}`)).body.open_after_sales).toBe(2);
    expect((await decide(a.id, { event: "reject", note: "The contents were dry and intact" })).status).toBe(200);
    expect((await api(`/v1/orders/${o.id}`)).body.open_after_sales).toBe(1);
    expect((await timers(o.id)).completeAt).toBeUndefined();
    expect((await decide(b.id, { event: "resolve", resolution: "refund", refund_amount: "52.30" })).status).toBe(200);
    const order = (await api(`/v1/orders/${o.id}`)).body;
    expect(order).toMatchObject({ open_after_sales: 0, payment_status: "refunded", total_amount: "52.30" });
    expect((await timers(o.id)).completeAt).toBeGreaterThan(Date.now());
  });

  it("a request opened while the parcel is on its way holds the order from delivery on", async () => {
    const o = await orderAt(["approve", "process", "fulfil_externally"]);
    const r = (await open(o.id, { kind: "claim", reason: "Tracking has not moved for a week" })).body;
    await advance(o.id, ["deliver"]);
    const t = await timers(o.id);
    expect(t.completeAt).toBeUndefined();
    expect(t.paused).toBe(5 * DAY);
    await decide(r.id, { event: "withdraw", note: "It arrived" });
    expect((await timers(o.id)).completeAt! - Date.now()).toBeGreaterThan(5 * DAY - 60_000);
  });

  it("a completed order can still take a request; it does not reopen the order", async () => {
    const o = await orderAt(["approve", "process", "fulfil_externally", "deliver", "complete"]);
    const r = await open(o.id, { kind: "return", reason: "Changed my mind", lines: [{ sku: "TEA-1", quantity: 2 }] });
    expect(r.status).toBe(201);
    expect((await api(`/v1/orders/${o.id}`)).body).toMatchObject({ status: "completed", open_after_sales: 1 });
    expect((await timers(o.id)).completeAt).toBeUndefined();
    expect((await decide(r.body.id, { event: "resolve", resolution: "no_action" })).status).toBe(200);
    expect((await timers(o.id)).completeAt).toBeUndefined();
  });

  it("honours Idempotency-Key: a retried open makes one request", async () => {
    const o = await orderAt();
    const key = unique("as-idem");
    const body = { kind: "refund", reason: "Late delivery" };
    const headers = { "idempotency-key": key };
    const both = await Promise.all([open(o.id, body, { headers }), open(o.id, body, { headers })]);
    // A retry that arrives while the first is running is asked to wait; none makes a second request.
    expect(both.every((r) => r.status === 201 || (r.status === 409 && r.body.code === "idempotency_in_progress"))).toBe(true);
    const first = both.find((r) => r.status === 201)!;
    const later = await open(o.id, body, { headers });
    expect(later.status).toBe(201);
    expect(later.headers.get("idempotent-replayed")).toBe("true");
    expect(later.body.id).toBe(first.body.id);
    expect((await open(o.id, { ...body, reason: "Other" }, { headers })).status).toBe(422);
    expect(await requestsOf(o.id)).toHaveLength(1);
  });
});

describe("races", () => {
  it("the completion alarm against a customer's request: one order of events, never a completed order held open", async () => {
    for (let i = 0; i < 4; i++) {
      const o = await orderAt();
      await runInDurableObject(stubOf(o.id), async (_i, state) => {
        await state.storage.put("completeAt", Date.now() - 1);
        await state.storage.setAlarm(Date.now());
      });
      const [, r] = await Promise.all([runDurableObjectAlarm(stubOf(o.id)), open(o.id, { kind: "claim", reason: "Box was open" })]);
      expect(r.status).toBe(201);
      const order = (await api(`/v1/orders/${o.id}`)).body;
      const events = (await api(`/v1/orders/${o.id}/events`)).body.data;
      expect(events.map((e: any) => e.seq)).toEqual(events.map((_: any, k: number) => k + 1));
      const types = events.map((e: any) => e.type);
      if (order.status === "completed") {
        // The alarm won: completed first, the request came after and does not touch completion.
        expect(types.slice(-2)).toEqual(["complete", "after_sales_opened"]);
      } else {
        // The request won: the alarm's completion was refused, the clock is paused.
        expect(order.status).toBe("delivered");
        expect(types.at(-1)).toBe("after_sales_opened");
        expect(types).not.toContain("complete");
        expect((await timers(o.id)).paused).toBeGreaterThanOrEqual(0);
      }
      expect(order.open_after_sales).toBe(1);
    }
  });

  it("two requests for the last units at once: one is opened, the other is told nothing is left", async () => {
    const o = await orderAt();
    const body = { kind: "return", reason: "Do not need them", lines: [{ sku: "TEA-1", quantity: 2 }] };
    const results = await Promise.all([open(o.id, body), open(o.id, body), open(o.id, body)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422]);
    expect(results.find((r) => r.status === 422)!.body.errors[0].message).toContain("only 0 of the 2");
    expect(await requestsOf(o.id)).toHaveLength(1);
    expect((await api(`/v1/orders/${o.id}`)).body.open_after_sales).toBe(1);
  });

  it("two staff deciding the same request at once: one decision lands", async () => {
    const o = await orderAt();
    const r = (await open(o.id, { kind: "refund", reason: "Late" })).body;
    const [a, b] = await Promise.all([decide(r.id, { event: "reject", note: "Arrived on time" }), decide(r.id, { event: "resolve", resolution: "refund", refund_amount: "5.00" })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body).toMatchObject({ code: "illegal_transition", allowed_events: [] });
    const order = (await api(`/v1/orders/${o.id}`)).body;
    expect(order.open_after_sales).toBe(0);
    expect(order.payment_status).toBe(a.status === 200 ? "paid" : "partially_refunded");
  });
});

describe("bad input writes nothing", () => {
  async function unchanged(orderId: string, fn: () => Promise<void>) {
    const before = (await api(`/v1/orders/${orderId}`)).body;
    const count = (await requestsOf(orderId)).length;
    await fn();
    const after = (await api(`/v1/orders/${orderId}`)).body;
    expect(after.version).toBe(before.version);
    expect(after.open_after_sales).toBe(before.open_after_sales);
    expect(after.payment_status).toBe(before.payment_status);
    expect(await requestsOf(orderId)).toHaveLength(count);
  }

  it("refuses requests an order cannot take", async () => {
    const approved = await orderAt(["approve"]);
    await unchanged(approved.id, async () => {
      const r = await open(approved.id, { kind: "refund", reason: "x" });
      expect(r.status).toBe(409);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(r.body.code).toBe("not_after_sales");
    });
    const o = await orderAt();
    await unchanged(o.id, async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ kind: "return", reason: "x" }, "lines"],
        [{ kind: "exchange", reason: "x", lines: [] }, "lines"],
        [{ kind: "return", reason: "x", lines: [{ sku: "NOPE", quantity: 1 }] }, "lines"],
        [{ kind: "return", reason: "x", lines: [{ sku: "TEA-1", quantity: 3 }] }, "lines"],
        [
          {
            kind: "return",
            reason: "x",
            lines: [
              { sku: "TEA-1", quantity: 2 },
              { sku: "TEA-1", quantity: 1 },
            ],
          },
          "lines",
        ],
        [{ kind: "upgrade", reason: "x" }, "kind"],
        [{ kind: "refund", reason: "   " }, "reason"],
        [{ kind: "refund" }, "reason"],
        [{ kind: "return", reason: "x", lines: [{ sku: "TEA-1", quantity: 0 }] }, "lines.0.quantity"],
      ];
      for (const [body, field] of cases) {
        const r = await open(o.id, body);
        expect(r.status, JSON.stringify(body)).toBe(422);
        expect(r.body.code).toBe("validation_failed");
        expect(r.body.errors.map((e: any) => e.field)).toContain(field);
      }
      expect((await api(`/v1/orders/${o.id}/after-sales`, { body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
      expect((await api(`/v1/orders/${o.id}/after-sales`, { body: "kind=refund", headers: { "content-type": "text/plain" } })).status).toBe(415);
      expect((await open("ord_00000000000000000000000000", { kind: "refund", reason: "x" })).status).toBe(404);
      expect((await open("not-an-order", { kind: "refund", reason: "x" })).status).toBe(400);
    });
  });

  it("refuses decisions that do not fit the request", async () => {
    const unpaid = await orderAt(undefined, { payment_status: "unpaid" });
    const u = (await open(unpaid.id, { kind: "refund", reason: "x" })).body;
    await unchanged(unpaid.id, async () => {
      const r = await decide(u.id, { event: "resolve", resolution: "refund", refund_amount: "1.00" });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("not_paid");
    });
    const o = await orderAt();
    const req = (await open(o.id, { kind: "refund", reason: "x" })).body;
    await unchanged(o.id, async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ event: "reject" }, "note"],
        [{ event: "resolve" }, "resolution"],
        [{ event: "resolve", resolution: "refund" }, "refund_amount"],
        [{ event: "resolve", resolution: "refund", refund_amount: "52.31" }, "refund_amount"],
        [{ event: "resolve", resolution: "refund", refund_amount: "1.999" }, "refund_amount"],
        [{ event: "resolve", resolution: "replacement", refund_amount: "1.00" }, "refund_amount"],
        [{ event: "accept", resolution: "refund" }, "resolution"],
        [{ event: "reopen" }, "event"],
      ];
      for (const [body, field] of cases) {
        const r = await decide(req.id, body);
        expect(r.status, JSON.stringify(body)).toBe(422);
        expect(r.body.errors.map((e: any) => e.field)).toContain(field);
      }
      expect((await decide(req.id, { event: "accept" }, { ifMatch: '"7"' })).status).toBe(412);
      expect((await decide(req.id, { event: "accept" }, { ifMatch: "seven" })).status).toBe(400);
      expect((await decide("as_00000000000000000000000000", { event: "accept" })).status).toBe(404);
    });
    expect((await decide(req.id, { event: "withdraw" })).status).toBe(200);
    await unchanged(o.id, async () => {
      const r = await decide(req.id, { event: "accept" });
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: "illegal_transition", request_status: "withdrawn", allowed_events: [] });
    });
  });
});

describe("who may", () => {
  it("support works requests; a storefront opens and follows them; others are refused; other stores see nothing", async () => {
    const o = await orderAt();
    const support = await createKey("support", [store.id]);
    const channel = await createKey("channel", [store.id]);
    const analyst = await createKey("analyst", [store.id]);
    const warehouse = await createKey("warehouse", [store.id]);
    const auditor = await createKey("auditor", [store.id]);
    const outsider = await createKey("support", [other.id]);

    const byChannel = await open(o.id, { kind: "claim", reason: "Never arrived" }, { key: channel });
    expect(byChannel.status).toBe(201);
    expect(byChannel.body.opened_by).not.toBe("bootstrap");
    expect((await api(`/v1/after-sales/${byChannel.body.id}`, { key: channel })).status).toBe(200);
    expect((await decide(byChannel.body.id, { event: "accept" }, { key: channel })).status).toBe(403);
    for (const key of [warehouse, analyst]) expect((await open(o.id, { kind: "refund", reason: "x" }, { key })).status).toBe(403);
    expect((await api(`/v1/after-sales?order_id=${o.id}`, { key: analyst })).status).toBe(200);
    expect((await api(`/v1/after-sales?order_id=${o.id}`, { key: auditor })).status).toBe(403);
    expect((await api(`/v1/after-sales/${byChannel.body.id}`, { key: warehouse })).status).toBe(403);

    expect((await api(`/v1/after-sales/${byChannel.body.id}`, { key: outsider })).status).toBe(404);
    expect((await api(`/v1/orders/${o.id}/after-sales`, { key: outsider })).status).toBe(404);
    expect((await open(o.id, { kind: "refund", reason: "x" }, { key: outsider })).status).toBe(404);
    // Nothing about another store's order leaks, not even why it could not take a request.
    const notShipped = await createOrder(store.id);
    expect((await open(notShipped.id, { kind: "refund", reason: "x" }, { key: outsider })).status).toBe(404);
    expect((await decide(byChannel.body.id, { event: "accept" }, { key: outsider })).status).toBe(404);
    expect((await api(`/v1/after-sales?order_id=${o.id}`, { key: outsider })).body.data).toEqual([]);

    const done = await decide(byChannel.body.id, { event: "accept" }, { key: support });
    expect(done.status).toBe(200);
    expect(done.body.decided_by).not.toBe("bootstrap");
    expect((await api(`/v1/after-sales/${byChannel.body.id}`)).body.status).toBe("accepted");
  });
});

describe("the store's return window", () => {
  it("set per store (0 is final sale, null no limit); bad values are refused and change nothing", async () => {
    const s = await createStore(unique("window"));
    expect((await api(`/v1/stores/${s.id}`)).body.return_window_days).toBeNull();
    for (const bad of [-1, 366, 1.5, "30"]) {
      const r = await api(`/v1/stores/${s.id}`, { method: "PATCH", body: { return_window_days: bad } });
      expect(r.status, String(bad)).toBe(422);
      expect(r.body.errors[0].field).toBe("return_window_days");
    }
    expect((await api(`/v1/stores/${s.id}`)).body.return_window_days).toBeNull();
    expect((await api(`/v1/stores/${s.id}`, { method: "PATCH", body: { return_window_days: 0 } })).body.return_window_days).toBe(0);
    expect((await api(`/v1/stores/${s.id}`, { method: "PATCH", body: { return_window_days: null } })).body.return_window_days).toBeNull();
    const created = await api("/v1/stores", { body: { name: unique("window-new"), currency: "EUR", return_window_days: 14 } });
    expect(created.body.return_window_days).toBe(14);
  });

  it("past it, a storefront or customer cannot open a return or exchange (409, nothing written); refunds, claims and support still can", async () => {
    await api(`/v1/stores/${store.id}`, { method: "PATCH", body: { return_window_days: 0 } });
    try {
      const o = await orderAt();
      const channel = await createKey("channel", [store.id]);
      const support = await createKey("support", [store.id]);
      const cup = { reason: "Changed my mind", lines: [{ sku: "CUP-1", quantity: 1 }] };
      for (const kind of ["return", "exchange"]) {
        const late = await open(o.id, { kind, ...cup }, { key: channel });
        expect(late.status).toBe(409);
        expect(late.headers.get("content-type")).toContain("application/problem+json");
        expect(late.body.code).toBe("return_window_closed");
      }
      expect(await requestsOf(o.id)).toHaveLength(0);
      expect((await api(`/v1/orders/${o.id}`)).body.version).toBe(o.version);

      const visit = await openLink(await mintLink(o.id));
      const byCustomer = await visit.post("/after-sales", { kind: "return", reason: "Too big", qty_1: "1", qty_2: "0" });
      expect(byCustomer.status).toBe(422);
      expect(byCustomer.body).toContain("The time to return or exchange this order has passed");
      expect(await requestsOf(o.id)).toHaveLength(0);

      expect((await open(o.id, { kind: "claim", reason: "Arrived broken" }, { key: channel })).status).toBe(201);
      const goodwill = await open(o.id, { kind: "return", ...cup }, { key: support });
      expect(goodwill.status).toBe(201);
      expect(goodwill.body.kind).toBe("return");

      // A parcel still on its way: the window has not started.
      const onTheWay = await orderAt(["approve", "process", "fulfil_externally"]);
      expect((await open(onTheWay.id, { kind: "return", ...cup }, { key: channel })).status).toBe(201);
    } finally {
      await api(`/v1/stores/${store.id}`, { method: "PATCH", body: { return_window_days: null } });
    }
  });
});

describe("the work queue", () => {
  it("lists by status and kind, newest first, a page at a time", async () => {
    const s = await createStore(unique("queue"));
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const o = await createOrder(s.id, { lines: LINES, payment_status: "paid" });
      await advance(o.id, ["approve", "process", "fulfil_externally", "deliver"]);
      made.push((await open(o.id, { kind: i === 2 ? "claim" : "refund", reason: `case ${i}` })).body.id);
    }
    await decide(made[0]!, { event: "reject", note: "no" });
    const queue = (await api(`/v1/after-sales?store_id=${s.id}&status=open,accepted`)).body;
    expect(queue.data.map((r: any) => r.id)).toEqual([made[2], made[1]]);
    const claims = (await api(`/v1/after-sales?store_id=${s.id}&kind=claim`)).body.data;
    expect(claims.map((r: any) => r.id)).toEqual([made[2]]);
    const first = (await api(`/v1/after-sales?store_id=${s.id}&limit=2`)).body;
    expect(first.data).toHaveLength(2);
    const second = (await api(`/v1/after-sales?store_id=${s.id}&limit=2&cursor=${first.next_cursor}`)).body;
    expect([...first.data, ...second.data].map((r: any) => r.id)).toEqual([...made].reverse());
    expect(second.next_cursor).toBeNull();
    expect((await api(`/v1/after-sales?status=lost`)).status).toBe(400);
    expect((await api(`/v1/after-sales?cursor=bogus`)).status).toBe(400);
    expect((await api(`/v1/after-sales?limit=500`)).status).toBe(400);

    // Oldest first, as the queue is worked, and its cursor walks the same way.
    const oldest = (await api(`/v1/after-sales?store_id=${s.id}&sort=oldest&limit=2`)).body;
    expect(oldest.data.map((r: any) => r.id)).toEqual([made[0], made[1]]);
    const rest = (await api(`/v1/after-sales?store_id=${s.id}&sort=oldest&limit=2&cursor=${oldest.next_cursor}`)).body;
    expect(rest.data.map((r: any) => r.id)).toEqual([made[2]]);
    expect((await api(`/v1/after-sales?store_id=${s.id}&status=open,accepted&sort=oldest`)).body.data.map((r: any) => r.id)).toEqual([made[1], made[2]]);
    expect((await api(`/v1/after-sales?sort=sideways`)).status).toBe(400);
  });
});

describe("the customer's page", () => {
  it("opens a request, shows it, holds the receipt button back, and withdraws it", async () => {
    const o = await orderAt();
    const visit = await openLink(await mintLink(o.id));
    const link = visit.base;
    const page = (await visit.get()).body as string;
    expect(page).toContain(`action="${link}/after-sales"`);
    expect(page).toContain(`name="qty_2" type="number" min="0" max="1"`);

    const bad = await visit.post("/after-sales", { kind: "return", reason: "Chipped", qty_1: "0", qty_2: "5" });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('aria-invalid="true"');
    const none = await visit.post("/after-sales", { kind: "return", reason: "Chipped", qty_1: "0", qty_2: "0" });
    expect(none.status).toBe(422);
    expect(none.body).toContain("names the items");
    expect(await requestsOf(o.id)).toHaveLength(0);

    const sent = await visit.post("/after-sales", { kind: "return", reason: "Chipped", qty_1: "0", qty_2: "1" });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`${link}?done=after_sales`);
    const [req] = await requestsOf(o.id);
    expect(req).toMatchObject({ kind: "return", opened_by: "customer", lines: [{ sku: "CUP-1", quantity: 1 }] });

    const after = (await visit.get("?done=after_sales")).body as string;
    expect(after).toContain("we received your request");
    expect(after).toContain(`data-request="${req.id}" data-request-status="open"`);
    expect(after).not.toContain(`action="${link}/received"`);
    expect(after).not.toContain(`action="${link}/after-sales"`);

    const withdrawn = await visit.post(`/after-sales/${req.id}/withdraw`, { version: "1" });
    expect(withdrawn.headers.get("location")).toBe(`${link}?done=withdrawn`);
    expect((await api(`/v1/after-sales/${req.id}`)).body).toMatchObject({ status: "withdrawn", decided_by: "customer" });
    const again = (await visit.get()).body as string;
    expect(again).toContain(`action="${link}/received"`);
    // A stale withdraw (the version moved) is shown as a conflict, not applied twice.
    expect((await visit.post(`/after-sales/${req.id}/withdraw`, { version: "1" })).headers.get("location")).toBe(`${link}?done=conflict`);
  });

  it("a token opens requests on its own order only", async () => {
    const mine = await orderAt();
    const theirs = await orderAt();
    const r = (await open(theirs.id, { kind: "refund", reason: "x" })).body;
    const visit = await openLink(await mintLink(mine.id));
    const res = await visit.post(`/after-sales/${r.id}/withdraw`, { version: "1" });
    expect(res.headers.get("location")).toBe(`${visit.base}?done=conflict`);
    expect((await api(`/v1/after-sales/${r.id}`)).body.status).toBe("open");
  });
});
