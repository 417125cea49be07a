/**
 * Telling the customer: each milestone the store announces becomes one
 * recorded message in the customer's language with a link to their order
 * page, however often the queue delivers it.
 */
import { env } from "./shard-env";
import { dbOf, envOf } from "./shard-helpers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { consumeMessage } from "../src/outbox/consume";
import { QUEUE_HANDLERS } from "../src/index";
import type { OutboxMessage } from "../src/env";
import { newId } from "../src/lib/ids";
import worker from "../src/index";
import { api, createKey, createOrder, createStore, transition, unique } from "./helpers";
import { openLink } from "./customer-visit";

let store: { id: string };
beforeAll(async () => {
  store = await createStore(unique("Tea House"));
});

async function messagesFor(orderId: string, count: number) {
  let data: any[] = [];
  await vi.waitFor(
    async () => {
      data = (await api(`/v1/notifications?order_id=${orderId}`)).body.data;
      expect(data.length).toBeGreaterThanOrEqual(count);
    },
    { timeout: 10_000, interval: 50 },
  );
  return data;
}

describe("customer messages", () => {
  it("a hold asks the customer, in their language, with a working link to the order page", async () => {
    const o = await createOrder(store.id, { locale: "zh-CN", external_id: unique("cn") });
    await api(`/v1/orders/${o.id}/transitions`, { body: { event: "hold", reason: "address check", customer_message: "请确认收货地址" } });
    const [m] = await messagesFor(o.id, 1);
    expect(m).toMatchObject({ template: "order.on_hold", language: "zh-CN", channel: "email", recipient: "ada@example.com", status: "sent", provider: "local" });
    expect(m.subject).toContain("关于您的订单");
    expect(m.body).toContain("请确认收货地址");
    const link = /http:\/\/127\.0\.0\.1:8787(\/o\/(?:[0-9A-Z]{4}\.)?[0-9A-Za-z]{32})/.exec(m.body)![1]!;
    const page = await (await openLink(link)).get();
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.body).toContain('lang="zh-CN"');
    expect(page.body).toContain("需要您确认");
  });

  it("announces approval, shipping, delivery, completion and cancellation; not reception", async () => {
    const o = await createOrder(store.id);
    for (const e of ["approve", "process", "fulfil_externally", "deliver", "complete"]) expect((await transition(o.id, e)).status).toBe(200);
    const sent = await messagesFor(o.id, 4);
    expect(sent.map((m) => m.template).sort()).toEqual(["order.approved", "order.completed", "order.delivered", "order.shipped"]);
    expect(sent.every((m) => m.language === "en")).toBe(true);
    const c = await createOrder(store.id);
    await api(`/v1/orders/${c.id}/transitions`, { body: { event: "cancel", reason: "supplier let us down", customer_message: "out of stock" } });
    const [cancelled] = await messagesFor(c.id, 1);
    expect(cancelled.body).toContain("cancelled: out of stock");
    expect(cancelled.body).not.toContain("supplier");
  });

  it("one message per milestone, however often it is delivered", async () => {
    const o = await createOrder(store.id);
    await transition(o.id, "approve");
    await messagesFor(o.id, 1);
    const db = await dbOf({ id: o.id });
    const row = await db.prepare("SELECT id, type, payload, created_at FROM outbox WHERE order_id = ? AND topic = 'notifications'").bind(o.id).first<any>();
    const message = { id: row.id, type: row.type, order_id: o.id, payload: JSON.parse(row.payload), created_at: row.created_at };
    expect(await consumeMessage(await envOf({ id: o.id }), "notifications", message, QUEUE_HANDLERS)).toBe("duplicate");
    const n = await db.prepare("SELECT COUNT(*) AS n FROM notifications WHERE message_id = ?").bind(row.id).first<{ n: number }>();
    expect(n!.n).toBe(1);
  });

  it("records a skipped message for a customer without email, and nothing for milestones the store does not announce", async () => {
    const quiet = await createStore();
    const patched = await api(`/v1/stores/${quiet.id}`, { method: "PATCH", body: { notify_on: ["order.on_hold"] } });
    expect(patched.body.notify_on).toEqual(["order.on_hold"]);
    expect((await api(`/v1/stores/${quiet.id}`, { method: "PATCH", body: { notify_on: ["order.exploded"] } })).status).toBe(422);
    const o = await createOrder(quiet.id, { customer: { name: "No Mail", phone: "+44 20 7946 0958" } });
    await transition(o.id, "approve");
    await transition(o.id, "hold", { reason: "check" });
    const [m] = await messagesFor(o.id, 1);
    expect(m).toMatchObject({ template: "order.on_hold", status: "skipped", recipient: null, error: "the order has no email address" });
    // The approval was delivered to the consumer, and deliberately produced no message.
    const approved = await (await dbOf({ id: o.id }))
      .prepare("SELECT delivered_at FROM outbox WHERE order_id = ? AND topic = 'notifications' AND type = 'order.approved'")
      .bind(o.id)
      .first<any>();
    expect(approved.delivered_at).not.toBeNull();
    expect((await api(`/v1/notifications?order_id=${o.id}`)).body.data).toHaveLength(1);
  });

  it("a queue batch of several orders' messages gives each customer their own order's message", async () => {
    const quiet = await createStore();
    await api(`/v1/stores/${quiet.id}`, { method: "PATCH", body: { notify_on: ["order.on_hold"] } });
    const held = await createOrder(store.id, { customer: { name: "Held Harry", email: "harry@example.com" } });
    const approved = await createOrder(store.id, { customer: { name: "Approved Amy", email: "amy@example.com" }, external_id: unique("amy") });
    const unannounced = await createOrder(quiet.id, { customer: { name: "Quiet Quinn", email: "quinn@example.com" } });
    // Written as the objects would, but not sent: this test hands them to the consumer as one batch.
    const rows = [
      [held.id, "order.on_hold", { reason: "Check the flat number" }],
      [approved.id, "order.approved", {}],
      [unannounced.id, "order.approved", {}],
    ] as const;
    const messages = [];
    for (const [orderId, type, payload] of rows) {
      const id = newId("obx");
      // Each on its order's shard: the two stores here may be on different ones.
      const db = await dbOf({ id: orderId });
      await db
        .prepare(
          "INSERT INTO order_hold_reasons (order_id, code, message, params, created_at) SELECT ?, 'region_missing', 'Check the flat number', '[{\"country\":\"US\"}]', ? WHERE ? = 'order.on_hold'",
        )
        .bind(orderId, Date.now(), type)
        .run();
      await db
        .prepare("INSERT INTO outbox (id, order_id, topic, type, payload, created_at, attempts) VALUES (?, ?, 'notifications', ?, ?, ?, 0)")
        .bind(id, orderId, type, JSON.stringify(payload), Date.now())
        .run();
      messages.push({ id, type, order_id: orderId, payload, created_at: Date.now() });
    }
    const batch = createMessageBatch<OutboxMessage>(
      "oms-notifications",
      messages.map((body, i) => ({ id: `n${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(3);
    const [harry] = (await api(`/v1/notifications?order_id=${held.id}`)).body.data;
    expect(harry).toMatchObject({ template: "order.on_hold", recipient: "harry@example.com" });
    expect(harry.body).toContain("Hello Held Harry");
    expect(harry.body).toContain("- An address in United States needs its state, province or prefecture.");
    expect(harry.body).not.toContain("flat number");
    const [amy] = (await api(`/v1/notifications?order_id=${approved.id}`)).body.data;
    expect(amy).toMatchObject({ template: "order.approved", recipient: "amy@example.com" });
    expect(amy.body).toContain("Hello Approved Amy");
    expect(amy.body).not.toContain("prefecture");
    expect((await api(`/v1/notifications?order_id=${unannounced.id}`)).body.data).toEqual([]);
  });

  it("a big queue batch commits its messages and links as multi-row inserts: each customer still gets their own working link", async () => {
    const count = 40;
    const placed = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        createOrder(store.id, { customer: { name: `Batch Customer ${i}`, email: `batch.${i}@example.com` }, external_id: unique(`batch-${i}`) }),
      ),
    );
    const messages = [];
    const db = await dbOf({ store: store.id });
    for (const order of placed) {
      const id = newId("obx");
      await db
        .prepare("INSERT INTO outbox (id, order_id, topic, type, payload, created_at, attempts) VALUES (?, ?, 'notifications', 'order.approved', '{}', ?, 0)")
        .bind(id, order.id, Date.now())
        .run();
      messages.push({ id, type: "order.approved", order_id: order.id, payload: {}, created_at: Date.now() });
    }
    const batches: number[] = [];
    // Counts the statements of each D1 batch, and runs it on the real D1.
    const run = db.batch.bind(db);
    const spy = vi.spyOn(db, "batch").mockImplementation((statements) => {
      batches.push(statements.length);
      return run(statements);
    });
    try {
      const batch = createMessageBatch<OutboxMessage>(
        "oms-notifications",
        messages.map((body, i) => ({ id: `b${i}`, timestamp: new Date(), attempts: 1, body })),
      );
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(count);
    } finally {
      spy.mockRestore();
    }
    // One commit: 3 receipt inserts, 1 delivery mark, then 40 notifications and 40 links in a handful of statements (not 80).
    const commit = Math.max(...batches);
    expect(commit).toBeLessThanOrEqual(3 + 1 + Math.ceil(count / 5) + Math.ceil(count / 25));
    for (const i of [0, 17, count - 1]) {
      const [message] = (await api(`/v1/notifications?order_id=${placed[i]!.id}`)).body.data;
      expect(message).toMatchObject({ template: "order.approved", recipient: `batch.${i}@example.com`, status: "sent" });
      expect(message.body).toContain(`Batch Customer ${i}`);
      const link = /\/o\/(?:[0-9A-Z]{4}\.)?[0-9A-Za-z]{32}/.exec(message.body)![0];
      const page = await (await openLink(link)).get();
      expect(page.status).toBe(200);
      expect(page.body).toContain(placed[i]!.external_id);
    }
  });

  it("support makes a fresh link by hand; other stores' messages stay invisible", async () => {
    const o = await createOrder(store.id);
    const support = await createKey("support", [store.id]);
    const link = await api(`/v1/orders/${o.id}/customer-link`, { method: "POST", key: support });
    expect(link.status).toBe(201);
    expect(link.body.url).toMatch(/\/o\/(?:[0-9A-Z]{4}\.)?[0-9A-Za-z]{32}$/);
    expect(Date.parse(link.body.expires_at)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect((await (await openLink(link.body.url)).get()).status).toBe(200);
    const other = await createStore();
    const stranger = await createKey("support", [other.id]);
    expect((await api(`/v1/orders/${o.id}/customer-link`, { method: "POST", key: stranger })).status).toBe(404);
    expect((await api(`/v1/notifications?order_id=${o.id}`, { key: stranger })).body.data).toEqual([]);
  });
});
