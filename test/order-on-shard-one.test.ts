/**
 * Sharding (docs/SHARDING.md section 9, step 5 for the order object and step 6 for the queues): an order of a store
 * whose home is on shard 1 (`DB_1`), placed there by hand as the plan says until placement is on, is changed by its
 * object, handled by the queue consumers and swept by the crons on shard 1, and shard 0 (`DB`) gets none of it. The routes still run on
 * shard 0 until the directory's tables leave it (step 3), so the order is made through the domain function here.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { consumeBatch, type HandlerTable } from "../src/outbox/consume";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetHomes } from "../src/db/homes";
import { onShard, type Shard } from "../src/db/shard";
import type { OutboxMessage } from "../src/env";
import worker from "../src/index";
import { tagOf } from "../src/lib/ids";
import { createOrder } from "../src/orders/create-order";
import { orderStub } from "../src/orders/order-object";
import { CreateOrderBody } from "../src/orders/schemas";
import { toMessage } from "../src/outbox/send";
import { migrateEveryDatabase } from "./databases";
import { orderBody, unique } from "./helpers";
import { storeOnShardOne } from "./shard-helpers";
import { env } from "./shard-env";

const ONE: Shard = { id: "s1", binding: "DB_1" };
const onOne = onShard(env, ONE);
const store = unique("st_one");

beforeAll(async () => {
  await migrateEveryDatabase();
  forgetHomes();
  await storeOnShardOne(store, "SHD1");
});

const rowsOn = (db: D1Database, table: string, orderId: string) =>
  db
    .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${table === "orders" ? "id" : "order_id"} = ?`)
    .bind(orderId)
    .first<number>("n");

async function newOrderOnOne() {
  // As the route takes it: parsed, defaults filled.
  const made = await createOrder(onOne, CreateOrderBody.parse(orderBody(store)), { actor: "test", idempotency: null, scope: "contact" });
  if (!made.ok) throw new Error(`order on shard 1: ${made.code}`);
  return made;
}

// The shards and homes made here are cached per isolate (src/db/homes.ts): the next file in this runtime starts
// without them, as its databases do.
afterAll(() => forgetHomes());

describe("an order of a store on shard 1", () => {
  it("is made there with its store's tag, and its object changes it there", async () => {
    const made = await newOrderOnOne();
    const id = made.body.id as string;
    expect(tagOf(id)).toBe("SHD1");
    expect(await rowsOn(env.DB_1, "orders", id)).toBe(1);

    const held = await orderStub(env, id).transition({ orderId: id, event: "hold", reason: "check the address", actor: "test", stores: "*", expectedVersion: null });
    expect(held.ok).toBe(true);
    expect(await env.DB_1.prepare("SELECT status FROM orders WHERE id = ?").bind(id).first("status")).toBe("on_hold");
    expect(await env.DB_1.prepare("SELECT COUNT(*) AS n FROM order_events WHERE order_id = ? AND to_status = 'on_hold'").bind(id).first("n")).toBeGreaterThan(0);
    for (const table of ["orders", "order_events", "outbox"]) expect(await rowsOn(env.DB, table, id), table).toBe(0);
  });

  it("has its queue messages handled and receipted on shard 1, in a batch with a shard 0 message", async () => {
    const made = await newOrderOnOne();
    const id = made.body.id as string;
    const received = made.outbox.find((r) => r.type === "order.received");
    expect(received).toBeDefined();
    // A message of an order on shard 0 that no longer exists rides in the same batch: handled on shard 0 apart.
    const stray: OutboxMessage = { ...toMessage(received!), id: unique("obx_stray"), order_id: "ord_01M9000000AAAAAAAAAAAAAAAA" };
    const batch = createMessageBatch<OutboxMessage>("oms-fulfilment", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: toMessage(received!) },
      { id: "m2", timestamp: new Date(), attempts: 1, body: stray },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(["m1", "m2"]);

    // The audit ran through the order's object on shard 1: the order it received is decided, its receipt is there.
    expect(made.body.status).toBe("received");
    expect(["approved", "on_hold"]).toContain(await env.DB_1.prepare("SELECT status FROM orders WHERE id = ?").bind(id).first("status"));
    expect(await env.DB_1.prepare("SELECT COUNT(*) AS n FROM consumed_messages WHERE message_id = ?").bind(received!.id).first("n")).toBe(1);
    expect(await env.DB_1.prepare("SELECT delivered_at FROM outbox WHERE id = ?").bind(received!.id).first("delivered_at")).not.toBeNull();
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM consumed_messages WHERE message_id = ?").bind(received!.id).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM consumed_messages WHERE message_id = ?").bind(stray.id).first("n")).toBe(1);
    for (const table of ["orders", "order_events"]) expect(await rowsOn(env.DB, table, id), table).toBe(0);
  });

  it("a message about no order is handled on the shard whose outbox sent it; one naming a shard this Worker lacks is retried", async () => {
    const seen: Record<string, string> = {};
    const handlers: HandlerTable = {
      "webhooks:test.no_order": async (onIt, m) => {
        seen[m.id] = onIt.shard.id;
        return [];
      },
    };
    const message = (id: string, shard?: string): OutboxMessage => ({
      id,
      type: "test.no_order",
      order_id: null,
      payload: {},
      created_at: Date.now(),
      ...(shard ? { shard } : {}),
    });
    const [one, legacy, lost] = [message(unique("obx_one"), "s1"), message(unique("obx_legacy")), message(unique("obx_lost"), "s9")];
    const batch = createMessageBatch<OutboxMessage>("oms-webhooks", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: one },
      { id: "m2", timestamp: new Date(), attempts: 1, body: legacy },
      { id: "m3", timestamp: new Date(), attempts: 1, body: lost },
    ]);
    const ctx = createExecutionContext();
    await consumeBatch(batch, env, handlers);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages.map((r) => r.msgId)).toEqual(["m3"]);
    expect(seen).toEqual({ [one.id]: "s1", [legacy.id]: "s0" });
    const receipts = (db: D1Database, id: string) => db.prepare("SELECT COUNT(*) AS n FROM consumed_messages WHERE message_id = ?").bind(id).first("n");
    expect([await receipts(env.DB_1, one.id), await receipts(env.DB, one.id)]).toEqual([1, 0]);
    expect([await receipts(env.DB, legacy.id), await receipts(env.DB_1, legacy.id)]).toEqual([1, 0]);
    expect([await receipts(env.DB, lost.id), await receipts(env.DB_1, lost.id)]).toEqual([0, 0]);
  });

  it("has its owed outbox rows resent by the minute cron's sweep on shard 1", async () => {
    const made = await newOrderOnOne();
    const id = made.body.id as string;
    // Never sent after its commit (the domain function leaves that to the route), and past the sweep's grace period.
    await env.DB_1.prepare("UPDATE outbox SET created_at = created_at - 60000 WHERE order_id = ?").bind(id).run();
    const owed = await env.DB_1.prepare("SELECT COUNT(*) AS n FROM outbox WHERE order_id = ? AND attempts = 0 AND delivered_at IS NULL").bind(id).first<number>("n");
    expect(owed).toBeGreaterThan(0);
    forgetHomes();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
    expect(await env.DB_1.prepare("SELECT COUNT(*) AS n FROM outbox WHERE order_id = ? AND attempts = 1 AND last_sent_at IS NOT NULL").bind(id).first("n")).toBe(owed);
    expect(await rowsOn(env.DB, "outbox", id)).toBe(0);
  });
});
