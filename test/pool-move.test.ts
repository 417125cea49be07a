/**
 * Moving a stock pool to another shard (docs/SHARDING.md section 8, build step 9; src/pools/move-pool.ts) while a
 * storefront keeps ordering and staff keep working on its orders. Nothing may be lost or doubled: every order the
 * storefront was told exists is there once, retried requests replay, the stock ledger balances, every event is on
 * the target once, and a partner receives every order event once, before, during and after the move.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runRollups } from "../src/analytics/run-rollups";
import { database } from "../src/db/client";
import { products } from "../src/db/schema";
import type { OutboxMessage } from "../src/env";
import { consumeBatch, type HandlerTable } from "../src/outbox/consume";
import { caughtUp } from "./rollup-fixtures";
import { Webhook } from "standardwebhooks";
import { CACHE_MS, forgetHomes, shardsInUse } from "../src/db/homes";
import { onShard, SHARD_ZERO } from "../src/db/shard";
import { dispatchWebhooks } from "../src/partner-webhooks/dispatch";
import { moveStep, type MoveView } from "../src/pools/move-pool";
import { keyOf } from "../src/db/placement";
import { countOwned, OWNED_TABLES } from "../src/pools/copy-rows";
import { migrateEveryDatabase } from "./databases";
import { api, createKey, createProduct, orderBody, transition, unique } from "./helpers";
import { allocate, createBin, createWarehouse, ledgerOk, line, receive } from "./processing-helpers";
import { env } from "./shard-env";

type Answer = Awaited<ReturnType<typeof api>>;

const n = async (db: D1Database, sql: string, ...binds: unknown[]) =>
  (await db
    .prepare(sql)
    .bind(...binds)
    .first<{ n: number }>())!.n;

const setShardState = (id: string, state: "open" | "full") => env.DIRECTORY.prepare("UPDATE shards SET state = ? WHERE id = ?").bind(state, id).run();

const base = () => inject("standInUrl");
const scope = `receiver~${crypto.randomUUID()}`;
const received = async () => (await (await fetch(`${base()}/_control/${scope}/requests`)).json()) as { body: string; headers: Record<string, string>; status: number }[];

/** Every shard's dispatcher, until none has anything left to fan out or send. */
async function drain() {
  for (const shard of await shardsInUse(env, Date.now() + CACHE_MS)) {
    for (let i = 0; i < 30; i++) {
      const r = await dispatchWebhooks(onShard(env, shard), { now: Date.now() });
      if (r.attempted === 0 && r.fannedOut === 0) break;
    }
  }
}

/** A storefront's request: on 503 (the pool frozen) it waits as Retry-After says, shortened here, and sends it again. */
async function retrying(send: () => Promise<Answer>, refusals: { n: number }): Promise<Answer> {
  for (let i = 0; i < 200; i++) {
    const r = await send();
    if (r.status !== 503) return r;
    expect(r.body.code).toBe("pool_moving");
    expect(r.headers.get("retry-after")).toBe("5");
    refusals.n += 1;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error("still refused after 200 tries");
}

let store: string;
let pool: string;
let warehouse: string;
let bin: string;
let sub: { id: string; secret: string };
const placed: { id: string; key: string }[] = [];

beforeAll(async () => {
  await migrateEveryDatabase();
  forgetHomes();
  // A store of its own pool on shard 0: the other shard is marked full while it is placed.
  await setShardState("s1", "full");
  try {
    const r = await api("/v1/stores", { body: { name: unique("Moving Tea"), currency: "USD", auto_audit: false, stock: "own" } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    store = r.body.id;
  } finally {
    await setShardState("s1", "open");
  }
  pool = (await env.DIRECTORY.prepare("SELECT pool_id FROM store_homes WHERE store_id = ?").bind(store).first<{ pool_id: string }>())!.pool_id;
  const wh = await createWarehouse({ store_ids: [store] });
  warehouse = wh.id;
  bin = (await createBin(warehouse, "A-01")).code;
  await createProduct(store, "TEA-1");
  await createProduct(store, "TEA-2");
  await receive(warehouse, [
    { sku: "TEA-1", bin, quantity: 500 },
    { sku: "TEA-2", bin, quantity: 500 },
  ]);
  const s = await api("/v1/webhook-subscriptions", { body: { store_id: store, url: `${base()}/${scope}/hook`, event_types: ["order.*"] } });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  sub = s.body;
});

afterAll(() => forgetHomes());

/** An order the storefront places, with the key it retries with. */
async function place(refusals: { n: number }) {
  const key = crypto.randomUUID();
  const body = orderBody(store, { lines: [line("TEA-1", 1), line("TEA-2", 2)] });
  const r = await retrying(() => api("/v1/orders", { body, headers: { "idempotency-key": key } }), refusals);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  placed.push({ id: r.body.id, key });
  return { ...r.body, body } as { id: string; body: unknown };
}

describe("moving a pool", () => {
  it("names each owned table's rows by the primary key the database has (what the guards log a change by)", async () => {
    for (const table of OWNED_TABLES) {
      const { results } = await env.DB.prepare(`PRAGMA table_info("${table}")`).all<{ name: string; pk: number }>();
      const key = results
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      expect(key, table).toEqual([...keyOf(table)]);
    }
  });

  it("refuses what it cannot do, with nothing written", async () => {
    const moves = () => n(env.DIRECTORY, "SELECT count(*) AS n FROM pool_moves");
    const before = await moves();
    // A store from before pools (its row on shard 0, no home) keeps the main pool there.
    const legacy = `st_legacy${crypto.randomUUID().slice(0, 8)}`;
    await env.DB.prepare("INSERT INTO stores (id, name, currency, created_at, updated_at) VALUES (?1, 'Legacy', 'USD', ?2, ?2)").bind(legacy, Date.now()).run();
    const zero = await api("/v1/pools/pool_s0/move", { body: { to_shard: "s1" } });
    await env.DB.prepare("DELETE FROM stores WHERE id = ?").bind(legacy).run();
    expect(zero.status).toBe(409);
    expect(zero.body.code).toBe("pool_zero");
    expect(zero.body.detail).toContain(legacy);
    expect(await env.DIRECTORY.prepare("SELECT state FROM pools WHERE id = 'pool_s0'").first("state")).toBe("live");
    const same = await api(`/v1/pools/${pool}/move`, { body: { to_shard: "s0" } });
    expect(same.status).toBe(409);
    expect(same.body.code).toBe("same_shard");
    const unknown = await api(`/v1/pools/${pool}/move`, { body: { to_shard: "s9" } });
    expect(unknown.status).toBe(422);
    const bad = await api(`/v1/pools/${pool}/move`, { body: { to: "s1" } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const missing = await api("/v1/pools/pool_nope/move", { body: { to_shard: "s1" } });
    expect(missing.status).toBe(404);
    // No move yet: nothing to show.
    const none = await api(`/v1/pools/${pool}/move`);
    expect(none.status).toBe(404);
    expect(none.headers.get("content-type")).toContain("application/problem+json");
    const storeKey = await createKey("admin", [store]);
    const scoped = await api(`/v1/pools/${pool}/move`, { body: { to_shard: "s1" }, key: storeKey });
    expect(scoped.status).toBe(403);
    const picker = await createKey("picker", ["*"]);
    expect((await api(`/v1/pools/${pool}/move`, { body: { to_shard: "s1" }, key: picker })).status).toBe(403);
    expect((await api("/v1/pools", { key: storeKey })).status).toBe(403);
    expect(await moves()).toBe(before);
    const listed = await api("/v1/pools");
    expect(listed.status).toBe(200);
    expect(listed.body.data.find((p: { id: string }) => p.id === pool)).toMatchObject({ shard_id: "s0", state: "live", stores: [store], warehouses: [warehouse], move: null });
  });

  it("moves the pool to shard 1 while orders keep coming and changing, losing and doubling nothing", async () => {
    const refusals = { n: 0 };
    // Before the move: orders in several states, and the partner has what was sent so far.
    const cancelled = await place(refusals);
    expect((await transition(cancelled.id, "cancel", { reason: "customer asked" })).status).toBe(200);
    const allocated = await place(refusals);
    expect((await transition(allocated.id, "approve")).status).toBe(200);
    expect((await allocate(allocated.id)).status).toBe(200);
    const held = await place(refusals);
    expect((await transition(held.id, "hold", { reason: "address check" })).status).toBe(200);
    const retried = await place(refusals);
    const statusOf = async (id: string) => (await api(`/v1/orders/${id}`)).body.status as string;
    const allocatedStatus = await statusOf(allocated.id);
    await drain();
    await caughtUp();

    // The move, driven as the script drives it, beside a storefront and staff working all along.
    const views: MoveView[] = [];
    let moving = true;
    const mover = (async () => {
      try {
        for (let i = 0; i < 500; i++) {
          const r = await api(`/v1/pools/${pool}/move`, { body: { to_shard: "s1" } });
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          views.push(r.body);
          if (r.body.phase === "copying" && views.length === 1) {
            // While copying, the pool is served from shard 0, and nobody but the move writes its rows on shard 1.
            await expect(
              env.DB_1.prepare("INSERT INTO products (id, store_id, sku, name, created_at, updated_at) VALUES ('prd_early', ?1, 'X', 'X', 1, 1)").bind(store).run(),
            ).rejects.toThrow(/pool_moving/);
          }
          if (r.body.phase === "frozen" && views.at(-2)?.phase === "copying") {
            // Frozen: a write to the pool is refused, with nothing written, until the switch.
            const refused = await api("/v1/products", { body: { store_id: store, sku: "TEA-FROZEN", name: "Frozen", price: "5.00" } });
            expect(refused.status, JSON.stringify(refused.body)).toBe(503);
            expect(refused.body.code).toBe("pool_moving");
            expect(await n(env.DB, "SELECT count(*) AS n FROM products WHERE sku = 'TEA-FROZEN'")).toBe(0);
            await expect(env.DB.prepare("UPDATE orders SET note = 'x' WHERE store_id = ?").bind(store).run()).rejects.toThrow(/pool_moving/);
            // The target's rollups run meanwhile and move their watermark past the copied orders: the switch must
            // still have every order the source had not rolled up counted.
            expect((await runRollups(onShard(env, { id: "s1", binding: "DB_1" }), { lagMs: 0 })).status).not.toBe("busy");
          }
          if (r.body.phase === "switched") return;
        }
        throw new Error("the move did not switch in 500 steps");
      } finally {
        moving = false;
      }
    })();
    const worker = (async () => {
      let round = 0;
      while (moving || round < 3) {
        round += 1;
        const o = await place(refusals);
        if (round % 2 === 0) {
          const r = await retrying(() => transition(o.id, "approve"), refusals);
          expect(r.status, JSON.stringify(r.body)).toBe(200);
        }
        // A storefront that never saw its answer sends the same order again: the same order answers.
        if (round % 3 === 0) {
          const again = await retrying(() => api("/v1/orders", { body: o.body, headers: { "idempotency-key": placed.at(-1)!.key } }), refusals);
          expect(again.body.id).toBe(o.id);
        }
      }
    })();
    await Promise.all([mover, worker]);

    // The switch marked the days the source had not rolled up (its last run was before the move) for a refold on
    // shard 1, whose own runs skipped the store while it moved: only a rollup run writes these marks otherwise.
    const marked = await env.DB_1.prepare("SELECT day FROM rollup_dirty WHERE store_id = ?").bind(store).all<{ day: string }>();
    expect(marked.results.map((r) => r.day)).toContain(new Date().toISOString().slice(0, 10));

    const phases = [...new Set(views.map((v) => v.phase))];
    expect(phases).toEqual(["copying", "frozen", "switched"]);
    const last = views.at(-1)!;
    expect(last).toMatchObject({ from_shard: "s0", to_shard: "s1", stores: [store], warehouses: [warehouse], changes_left: 0 });
    expect(last.frozen_ms).toBeGreaterThanOrEqual(0);
    expect(await env.DIRECTORY.prepare("SELECT shard_id, state, version FROM pools WHERE id = ?").bind(pool).first()).toMatchObject({ shard_id: "s1", state: "live", version: 2 });
    const shown = await api(`/v1/pools/${pool}/move`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ phase: "switched", from_shard: "s0", to_shard: "s1", frozen_ms: last.frozen_ms });
    const listedAfter = (await api("/v1/pools")).body;
    expect(listedAfter.data.find((p: { id: string }) => p.id === pool)).toMatchObject({ shard_id: "s1", move: { phase: "switched", to_shard: "s1" } });
    expect(listedAfter.shards.map((s: { id: string }) => s.id)).toEqual(["s0", "s1"]);

    // Every order the storefront was told of is on shard 1, once, and each retried key still answers it.
    const ids = [...new Set(placed.map((p) => p.id))];
    expect(ids.length).toBe(placed.length);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM orders WHERE store_id = ?", store)).toBe(ids.length);
    const replay = await api("/v1/orders", { body: retried.body, headers: { "idempotency-key": placed.find((p) => p.id === retried.id)!.key } });
    expect(replay.body.id).toBe(retried.id);
    for (const id of [cancelled.id, allocated.id, held.id]) expect((await api(`/v1/orders/${id}`)).status).toBe(200);
    expect((await api(`/v1/orders/${cancelled.id}`)).body.status).toBe("cancelled");
    expect((await api(`/v1/orders/${held.id}`)).body.status).toBe("on_hold");

    // The order's object follows its order to shard 1; new orders go there too.
    expect((await transition(held.id, "approve")).status).toBe(200);
    const after = await place(refusals);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM orders WHERE id = ?", after.id)).toBe(1);
    expect(await n(env.DB, "SELECT count(*) AS n FROM orders WHERE id = ?", after.id)).toBe(0);

    // The stock ledger balances where the stock now is, and the reservations are the allocated orders'.
    const check = await ledgerOk(warehouse);
    expect(check.ok, JSON.stringify(check)).toBe(true);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM stock_levels WHERE warehouse_id = ?", warehouse)).toBe(2);

    // Each order's events are on shard 1 once each: one `order.created`, versions without a repeat.
    const dup = await env.DB_1.prepare(
      "SELECT order_id, type, order_version, count(*) AS c FROM events WHERE store_id = ? AND type LIKE 'order.%' GROUP BY order_id, type, order_version HAVING c > 1",
    )
      .bind(store)
      .all();
    expect(dup.results).toEqual([]);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM events WHERE store_id = ? AND type = 'order.created'", store)).toBe(ids.length + 1);

    // The partner got every order event once: what was sent before the move, and the rest from shard 1.
    const wh = new Webhook(sub.secret);
    // What shard 1 stores is read again each time: the queues still work the orders approved during the move
    // (allocation changes their status), so their events keep coming for a while after the move.
    const storedKeys = async () => {
      const { results } = await env.DB_1.prepare("SELECT type, order_id, order_version FROM events WHERE store_id = ? AND type LIKE 'order.%'")
        .bind(store)
        .all<{ type: string; order_id: string; order_version: number }>();
      return new Set(results.map((e) => `${e.type} ${e.order_id} ${e.order_version}`));
    };
    // A pass that finds nothing due is not the end: the dispatcher's own object may have claimed a batch (its lease)
    // and still be sending it.
    let keys: string[] = [];
    let expected = await storedKeys();
    for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((done) => setTimeout(done, 100))) {
      await drain();
      const got = (await received()).map((r) => wh.verify(r.body, r.headers) as { type: string; data: { order_id: string; version: number; status: string } });
      keys = got.map((p) => `${p.type} ${p.data.order_id} ${p.data.version}`);
      expected = await storedKeys();
      if (new Set(keys).size === expected.size && keys.every((k) => expected.has(k))) break;
    }
    expect(keys.length - new Set(keys).size).toBe(0);
    expect(new Set(keys)).toEqual(expected);

    // The rollups count every order, those the source had not rolled up when it froze included.
    await caughtUp();
    const today = new Date().toISOString().slice(0, 10);
    const report = await api(`/v1/reports/orders?from=${today}&to=${today}&group_by=store&store_id=${store}`);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body.data.map((d: { received: number }) => d.received)).toEqual([ids.length + 1]);

    // A message about no order, sent from shard 0's outbox before the move, is refused there and handled on shard 1.
    const seen: string[] = [];
    const handlers: HandlerTable = {
      "webhooks:test.pool_product": async (onIt) => {
        seen.push(onIt.shard.id);
        return [database(onIt).update(products).set({ name: "Renamed after the move" }).where(eq(products.storeId, store))];
      },
    };
    const message: OutboxMessage = { id: unique("obx_moved"), type: "test.pool_product", order_id: null, payload: {}, created_at: Date.now(), shard: "s0" };
    const batch = createMessageBatch<OutboxMessage>("oms-webhooks", [{ id: "m1", timestamp: new Date(), attempts: 1, body: message }]);
    const ctx = createExecutionContext();
    await consumeBatch(batch, env, handlers);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["m1"]);
    expect(seen).toEqual(["s0", "s1"]);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM products WHERE store_id = ? AND name = 'Renamed after the move'", store)).toBe(2);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM consumed_messages WHERE message_id = ?", message.id)).toBe(1);

    // Clean-up waits until every isolate's cached route has expired, then empties the source.
    const owners = { pool, stores: [store], warehouses: [warehouse] };
    expect((await moveStep(onShard(env, SHARD_ZERO), pool, "s1")).phase).toBe("switched");
    let view: MoveView | null = null;
    for (let i = 0; i < 50 && view?.phase !== "cleaned"; i++) view = await moveStep(onShard(env, SHARD_ZERO), pool, "s1", Date.now() + CACHE_MS + 1);
    expect(view?.phase).toBe("cleaned");
    for (const table of OWNED_TABLES) expect(await countOwned(env.DB, table, owners), table).toBe(0);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM moved_rows WHERE pool_id = ?", pool)).toBe(0);
    // A writer that still routes to shard 0 fails there instead of writing where nobody reads.
    await expect(
      env.DB.prepare("INSERT INTO products (id, store_id, sku, name, created_at, updated_at) VALUES ('prd_stale', ?1, 'X', 'X', 1, 1)").bind(store).run(),
    ).rejects.toThrow(/pool_moving/);
    expect(await statusOf(allocated.id)).toBe(allocatedStatus);
  });
});
