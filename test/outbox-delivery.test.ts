/**
 * The outbox: every side effect is written with its change and leaves through
 * a queue; consumers dedupe on the outbox id, so at-least-once delivery is
 * exactly-once in effect; the cron sweep and the order object's alarm resend
 * what is still owed.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { OutboxMessage } from "../src/env";
import { newId } from "../src/lib/ids";
import { eq, sql } from "drizzle-orm";
import { database } from "../src/db/client";
import { stores } from "../src/db/schema";
import { consumeBatch, consumeMessage, type HandlerTable, outboxWrite, retryDelaySeconds } from "../src/outbox/consume";
import { QUEUE_HANDLERS } from "../src/index";
import { sweepOutbox, SWEEP_GRACE_MS } from "../src/outbox/sweep";
import worker from "../src/index";
import { createOrder, createStore, transition } from "./helpers";

let store: { id: string };
beforeAll(async () => {
  store = await createStore();
});

const outboxRow = (id: string) =>
  env.DB.prepare("SELECT attempts, last_sent_at, delivered_at FROM outbox WHERE id = ?").bind(id).first<{
    attempts: number;
    last_sent_at: number | null;
    delivered_at: number | null;
  }>();

const receipts = (id: string) =>
  env.DB.prepare("SELECT COUNT(*) AS n FROM consumed_messages WHERE message_id = ?")
    .bind(id)
    .first<{ n: number }>()
    .then((r) => r!.n);

async function owedRow(orderId: string | null, type = "order.test", createdAt = Date.now() - SWEEP_GRACE_MS - 1000) {
  const id = newId("obx");
  await env.DB.prepare("INSERT INTO outbox (id, order_id, topic, type, payload, created_at, attempts) VALUES (?, ?, 'fulfilment', ?, '{}', ?, 0)")
    .bind(id, orderId, type, createdAt)
    .run();
  const message: OutboxMessage = { id, type, order_id: orderId, payload: {}, created_at: createdAt };
  return message;
}

// Stages' handlers as the table in src/index.ts lists them, and a few of the test's own: a handler's D1 write commits with the receipt.
let handled = 0;
const handlers: HandlerTable = {
  ...QUEUE_HANDLERS,
  "fulfilment:order.counted": async () => {
    handled++;
    return [
      database(env)
        .update(stores)
        .set({ name: sql`${stores.name} || '+'` })
        .where(eq(stores.id, store.id)),
    ];
  },
  "fulfilment:order.flaky": async () => {
    throw new Error("downstream unavailable");
  },
  // A write that breaks a constraint (a second row with an existing primary key): the shared commit fails.
  "fulfilment:order.conflicting": async () => [database(env).insert(stores).values({ id: store.id, name: "dup", currency: "USD", timezone: "UTC", createdAt: 0, updatedAt: 0 })],
  // A handler that sets off a next step: its outbox row commits with the receipt and leaves at once.
  "fulfilment:order.chained": async (_env, message) => [
    outboxWrite({ id: `${message.id}_next`, orderId: null, topic: "fulfilment", type: "order.next_step", payload: {}, createdAt: Date.now() }),
  ],
};

describe("from intake to the queue consumer", () => {
  it("a new order's outbox row is delivered by the real queue and marked delivered", async () => {
    const order = await createOrder(store.id);
    const row = await env.DB.prepare("SELECT id FROM outbox WHERE order_id = ?").bind(order.id).first<{ id: string }>();
    await vi.waitFor(async () => expect((await outboxRow(row!.id))!.delivered_at).not.toBeNull(), { timeout: 10_000, interval: 50 });
    expect(await receipts(row!.id)).toBe(1);
  });

  it("a transition's rows are sent by the order object after its commit", async () => {
    const order = await createOrder(store.id);
    await transition(order.id, "approve");
    const rows = await env.DB.prepare("SELECT id FROM outbox WHERE order_id = ? AND type = 'order.approved'").bind(order.id).all<{ id: string }>();
    expect(rows.results).toHaveLength(2);
    for (const r of rows.results) {
      await vi.waitFor(async () => expect((await outboxRow(r.id))!.delivered_at).not.toBeNull(), { timeout: 10_000, interval: 50 });
    }
  });
});

describe("consumers dedupe on the outbox id", () => {
  it("a message seen twice has its effect once", async () => {
    const before = handled;
    const m = await owedRow(null, "order.counted");
    expect(await consumeMessage(env, "fulfilment", m, handlers)).toBe("done");
    expect(await consumeMessage(env, "fulfilment", m, handlers)).toBe("duplicate");
    expect(handled - before).toBe(1);
    expect(await receipts(m.id)).toBe(1);
    const name = await env.DB.prepare("SELECT name FROM stores WHERE id = ?").bind(store.id).first<{ name: string }>();
    expect(name!.name.endsWith("+")).toBe(true);
    expect(name!.name.endsWith("++")).toBe(false);
  });

  it("the same message delivered twice at once commits once", async () => {
    const m = await owedRow(null);
    const results = await Promise.all([
      consumeMessage(env, "fulfilment", m, handlers),
      consumeMessage(env, "fulfilment", m, handlers),
      consumeMessage(env, "fulfilment", m, handlers),
    ]);
    expect(results.filter((r) => r === "done")).toHaveLength(1);
    expect(await receipts(m.id)).toBe(1);
  });

  it("each consumer keeps its own receipts: notifications and fulfilment both handle one order event", async () => {
    const m = await owedRow(null);
    expect(await consumeMessage(env, "fulfilment", m, handlers)).toBe("done");
    expect(await consumeMessage(env, "notifications", m, handlers)).toBe("done");
    expect(await receipts(m.id)).toBe(2);
  });

  it("a queue batch with a duplicate acks both and records one receipt", async () => {
    const m = await owedRow(null);
    const batch = createMessageBatch<OutboxMessage>("oms-fulfilment", [
      { id: "q1", timestamp: new Date(), attempts: 1, body: m },
      { id: "q2", timestamp: new Date(), attempts: 1, body: m },
    ]);
    const ctx = createExecutionContext();
    await consumeBatch(batch, env, handlers);
    const result = await getQueueResult(batch, ctx);
    expect(result.outcome).toBe("ok");
    expect(result.explicitAcks.sort()).toEqual(["q1", "q2"]);
    expect(result.retryMessages).toEqual([]);
    expect(await receipts(m.id)).toBe(1);
    expect((await outboxRow(m.id))!.delivered_at).not.toBeNull();
  });

  it("a failing handler asks for a retry with backoff and leaves no receipt", async () => {
    const m = await owedRow(null, "order.flaky");
    const batch = createMessageBatch<OutboxMessage>("oms-fulfilment", [{ id: "q3", timestamp: new Date(), attempts: 3, body: m }]);
    const ctx = createExecutionContext();
    await consumeBatch(batch, env, handlers);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((r) => r.msgId)).toEqual(["q3"]);
    expect([1, 2, 3, 4, 10].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 600]);
    expect(await receipts(m.id)).toBe(0);
    expect((await outboxRow(m.id))!.delivered_at).toBeNull();
  });

  it("a queue batch commits its messages together; a failing handler or a bad write holds back only its own message", async () => {
    const before = handled;
    const [a, b, done, bad, flaky] = [
      await owedRow(null, "order.counted"),
      await owedRow(null, "order.counted"),
      await owedRow(null, "order.counted"),
      await owedRow(null, "order.conflicting"),
      await owedRow(null, "order.flaky"),
    ];
    await consumeMessage(env, "fulfilment", done, handlers);
    const batch = createMessageBatch<OutboxMessage>(
      "oms-fulfilment",
      [a, b, b, done, bad, flaky].map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await consumeBatch(batch, env, handlers);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2", "m3"]);
    expect(result.retryMessages.map((r) => r.msgId).sort()).toEqual(["m4", "m5"]);
    // a, b (once) and the earlier `done`: three handler runs, each committed once.
    expect(handled - before).toBe(3);
    for (const m of [a, b, done]) expect(await receipts(m.id)).toBe(1);
    for (const m of [bad, flaky]) expect(await receipts(m.id)).toBe(0);
    expect((await outboxRow(bad.id))!.delivered_at).toBeNull();
  });

  it("an outbox row a handler writes is committed with its receipt and sent at once, not left for the sweep", async () => {
    const m = await owedRow(null, "order.chained");
    expect(await consumeMessage(env, "fulfilment", m, handlers)).toBe("done");
    const next = `${m.id}_next`;
    // The real queue's consumer receipts it within its batch timeout; the sweep would wait 30 s before resending.
    await vi.waitFor(async () => expect((await outboxRow(next))?.delivered_at).toBeTruthy(), { timeout: 10_000, interval: 50 });
    expect((await outboxRow(next))!.attempts).toBe(0);
    expect(await receipts(next)).toBe(1);
  });

  it("a clean queue batch is one commit for all its messages", async () => {
    const ms = await Promise.all(Array.from({ length: 5 }, () => owedRow(null, "order.counted")));
    const batch = createMessageBatch<OutboxMessage>(
      "oms-fulfilment",
      ms.map((body, i) => ({ id: `c${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await consumeBatch(batch, env, handlers);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(5);
    const stamps = await env.DB.prepare(`SELECT DISTINCT consumed_at FROM consumed_messages WHERE message_id IN (${ms.map(() => "?").join(",")})`)
      .bind(...ms.map((m) => m.id))
      .all();
    // One batch, one clock reading: every receipt carries the same time.
    expect(stamps.results).toHaveLength(1);
  });

  it("a full queue batch (100 messages, the configured maximum) is looked up and committed whole", async () => {
    const before = handled;
    const ms = await Promise.all(Array.from({ length: 100 }, () => owedRow(null, "order.counted")));
    // One of them delivered already, past the first 90 ids the receipt lookup asks about at once.
    await consumeMessage(env, "fulfilment", ms[95]!, handlers);
    const batch = createMessageBatch<OutboxMessage>(
      "oms-fulfilment",
      ms.map((body, i) => ({ id: `f${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await consumeBatch(batch, env, handlers);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toHaveLength(100);
    expect(result.retryMessages).toEqual([]);
    expect(handled - before).toBe(100);
    const owed = await env.DB.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL AND id IN (${ms.map(() => "?").join(",")})`)
      .bind(...ms.map((m) => m.id))
      .first<{ n: number }>();
    expect(owed!.n).toBe(0);
    for (const m of [ms[0]!, ms[95]!, ms[99]!]) expect(await receipts(m.id)).toBe(1);
  });

  it("messages that exhaust their retries are kept as dead letters", async () => {
    const m = await owedRow(null, "order.flaky");
    const batch = createMessageBatch<OutboxMessage>("oms-dead-letters", [{ id: "q4", timestamp: new Date(), attempts: 1, body: m }]);
    const ctx = createExecutionContext();
    await consumeBatch(batch, env, handlers);
    expect((await getQueueResult(batch, ctx)).ackAll).toBe(true);
    const dead = await env.DIRECTORY.prepare("SELECT queue, body FROM dead_letters WHERE message_id = ?").bind(m.id).first<{ queue: string; body: string }>();
    expect(dead).toMatchObject({ queue: "oms-dead-letters" });
    expect(JSON.parse(dead!.body)).toMatchObject({ id: m.id, type: "order.flaky" });
  });
});

describe("what is owed is resent", () => {
  it("the sweep resends rows past the grace period, with backoff, and the consumer delivers them", async () => {
    const m = await owedRow(null);
    const fresh = await owedRow(null, "order.test", Date.now());
    const now = Date.now();
    const first = await sweepOutbox(env, now);
    expect(first.resent).toBeGreaterThanOrEqual(1);
    expect(await outboxRow(m.id)).toMatchObject({ attempts: 1, last_sent_at: now });
    expect(await outboxRow(fresh.id)).toMatchObject({ attempts: 0, last_sent_at: null });
    // Within the backoff window the row is not sent again.
    await sweepOutbox(env, now + 1000);
    expect((await outboxRow(m.id))!.attempts).toBe(1);
    await vi.waitFor(async () => expect((await outboxRow(m.id))!.delivered_at).not.toBeNull(), { timeout: 10_000, interval: 50 });
    // Delivered rows are never resent.
    await sweepOutbox(env, now + 3_600_000);
    expect((await outboxRow(m.id))!.attempts).toBe(1);
  });

  it("the minute cron runs the sweep; an unknown cron does nothing", async () => {
    const m = await owedRow(null);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
    expect((await outboxRow(m.id))!.attempts).toBe(1);
    await worker.scheduled(createScheduledController({ cron: "0 0 1 1 *" }), env, ctx);
  });

  it("the order object's alarm resends its order's owed rows (and running it twice is harmless)", async () => {
    const order = await createOrder(store.id);
    const m = await owedRow(order.id);
    const stub = env.ORDER.get(env.ORDER.idFromName(order.id));
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.put({ orderId: order.id, flushAttempt: 0, flushAt: Date.now() - 1 });
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await vi.waitFor(async () => expect((await outboxRow(m.id))!.delivered_at).not.toBeNull(), { timeout: 10_000, interval: 50 });
    await runInDurableObject(stub, async (_i, state) => {
      await state.storage.put("flushAt", Date.now() - 1);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await receipts(m.id)).toBe(1);
  });
});

it("exports the worker's handlers", () => {
  expect(typeof exports.default.fetch).toBe("function");
});
