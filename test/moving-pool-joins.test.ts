/**
 * Nothing joins a pool while it moves (docs/SHARDING.md section 8, "Start"): its move read its stores and warehouses
 * when it started, so a store or warehouse that joined it later would be left behind on the old database. A new store
 * in it, a warehouse that would join it to another pool, and a warehouse of every store (which joins every pool on
 * its shard) answer 503 `pool_moving` with nothing written; once the move has switched, the same requests are judged
 * on where the pools are. And a queue message about no order, refused on the shard that sent it, follows what it
 * names to its new shard.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import { products } from "../src/db/schema";
import type { OutboxMessage } from "../src/env";
import { consumeBatch, type HandlerTable } from "../src/outbox/consume";
import { forgetHomes } from "../src/db/homes";
import { moveStep } from "../src/pools/move-pool";
import { postForm, signedIn, textOf } from "./console-helpers";
import { migrateEveryDatabase } from "./databases";
import { api, unique } from "./helpers";
import { env } from "./shard-env";

const n = async (db: D1Database, sql: string, ...binds: unknown[]) =>
  (await db
    .prepare(sql)
    .bind(...binds)
    .first<{ n: number }>())!.n;

/** Homes and pools on the directory, warehouses on both shards: what a refused request must leave as it was. */
const written = async () => ({
  storeHomes: await n(env.DIRECTORY, "SELECT count(*) AS n FROM store_homes"),
  warehouseHomes: await n(env.DIRECTORY, "SELECT count(*) AS n FROM warehouse_homes"),
  pools: await n(env.DIRECTORY, "SELECT count(*) AS n FROM pools"),
  homesByPool: (await env.DIRECTORY.prepare("SELECT store_id, pool_id FROM store_homes ORDER BY store_id").all()).results,
  warehouses: (await n(env.DB, "SELECT count(*) AS n FROM warehouses")) + (await n(env.DB_1, "SELECT count(*) AS n FROM warehouses")),
  stores: (await n(env.DB, "SELECT count(*) AS n FROM stores")) + (await n(env.DB_1, "SELECT count(*) AS n FROM stores")),
});

async function ownStoreOnShardZero(name: string) {
  await env.DIRECTORY.prepare("UPDATE shards SET state = 'full' WHERE id = 's1'").run();
  try {
    const r = await api("/v1/stores", { body: { name: unique(name), currency: "USD", stock: "own" } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const pool = (await env.DIRECTORY.prepare("SELECT pool_id FROM store_homes WHERE store_id = ?").bind(r.body.id).first<{ pool_id: string }>())!.pool_id;
    return { id: r.body.id as string, pool };
  } finally {
    await env.DIRECTORY.prepare("UPDATE shards SET state = 'open' WHERE id = 's1'").run();
  }
}

beforeAll(async () => {
  await migrateEveryDatabase();
  forgetHomes();
});

afterAll(() => forgetHomes());

describe("a pool that is moving", () => {
  it("takes no new store or warehouse, and joins no other pool, until it has switched", async () => {
    const staying = await ownStoreOnShardZero("Staying Tea");
    const moving = await ownStoreOnShardZero("Moving Tea");
    // Registers the shards the first placement did not (the main pool's row comes with the first home).
    expect((await api("/v1/pools")).status).toBe(200);
    expect((await moveStep(env, moving.pool, "s1")).phase).toBe("copying");
    const before = await written();

    const refusedIs503 = (r: Awaited<ReturnType<typeof api>>) => {
      expect(r.status, JSON.stringify(r.body)).toBe(503);
      expect(r.body.code).toBe("pool_moving");
      expect(r.headers.get("retry-after")).toBe("5");
    };
    // A store sharing the moving store's stock.
    refusedIs503(await api("/v1/stores", { body: { name: unique("Sister Tea"), currency: "USD", stock: { with_store: moving.id } } }));
    // A warehouse of the moving store alone, and one of both stores (which would join their pools).
    refusedIs503(await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [moving.id] } }));
    refusedIs503(await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [staying.id, moving.id] } }));
    // A warehouse of every store would join every pool on shard 0 into the main pool, the moving one among them.
    refusedIs503(await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: ["*"] } }));
    // The console's new-warehouse form says it in words, in both languages, with nothing written.
    const { session } = await signedIn(["admin"]);
    const form = { name: unique("wh"), kind: "own", country: "US", currency: "USD", store_ids: [moving.id] };
    const page = await postForm("/console/settings/warehouses", session, form);
    // A 503 like the API's: the form was fine, the moment was not.
    expect(page.status).toBe(503);
    expect(textOf(page.html)).toContain("These stores are moving to another database: try again once the move is done");
    const zh = await postForm("/console/settings/warehouses", session, form, { headers: { cookie: "oms_console_lang=zh-CN" } });
    expect(textOf(zh.html)).toContain("这些店铺正在迁移到另一个数据库");
    expect(await written()).toEqual(before);
    // The pool that is not moving still takes what is its own.
    const ownWarehouse = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [staying.id] } });
    expect(ownWarehouse.status, JSON.stringify(ownWarehouse.body)).toBe(201);

    // Once the move has switched, the moving store is on shard 1: a warehouse of both is refused as stores on two
    // databases (409), and one of the moved store alone is made there.
    let phase = "copying";
    for (let i = 0; i < 100 && phase !== "switched"; i++) phase = (await moveStep(env, moving.pool, "s1")).phase;
    expect(phase).toBe("switched");
    forgetHomes();
    const split = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [staying.id, moving.id] } });
    expect(split.status, JSON.stringify(split.body)).toBe(409);
    expect(split.body.code).toBe("pool_split");
    const moved = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [moving.id] } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM warehouses WHERE id = ?", moved.body.id)).toBe(1);
    const sister = await api("/v1/stores", { body: { name: unique("Sister Tea"), currency: "USD", stock: { with_store: moving.id } } });
    expect(sister.status, JSON.stringify(sister.body)).toBe(201);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM stores WHERE id = ?", sister.body.id)).toBe(1);
  });

  it("a message about no order, refused where it was sent, is handled where what it names has moved", async () => {
    // The pools of the test above: one moved to shard 1; now the other starts moving off shard 0 too, so "where did
    // the pools of shard 0 go" has no answer until it finishes. A message names its owner instead.
    const pools = (
      await env.DIRECTORY.prepare("SELECT s.store_id AS store, s.pool_id AS pool, p.shard_id AS shard FROM store_homes s JOIN pools p ON p.id = s.pool_id").all<{
        store: string;
        pool: string;
        shard: string;
      }>()
    ).results;
    const moved = pools.find((p) => p.shard === "s1")!;
    const staying = pools.find((p) => p.shard === "s0" && p.pool !== "pool_s0")!;
    const product = await api("/v1/products", { body: { store_id: moved.store, sku: unique("TEA"), name: "Moved tea", price: "4.00" } });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    expect((await moveStep(env, staying.pool, "s1")).phase).toBe("copying");

    const seen: { id: string; shard: string }[] = [];
    const handlers: HandlerTable = {
      "webhooks:test.renamed": async (onIt, message) => {
        seen.push({ id: message.id, shard: onIt.shard.id });
        // A write of the moved store's: refused by the guards where it no longer lives.
        const now = Date.now();
        return [
          database(onIt)
            .insert(products)
            .values({
              id: `prd_${message.id}`,
              storeId: moved.store,
              sku: message.id,
              name: "Written by a message",
              type: "goods",
              price: 400,
              currency: "USD",
              createdAt: now,
              updatedAt: now,
            }),
        ];
      },
    };
    const message = (id: string, payload: Record<string, unknown>): OutboxMessage => ({ id, type: "test.renamed", order_id: null, payload, created_at: Date.now(), shard: "s0" });
    const byTag = message(unique("obx_tag"), { product_id: product.body.id });
    const byStore = message(unique("obx_store"), { store_id: moved.store });
    const nameless = message(unique("obx_none"), {});
    const batch = createMessageBatch<OutboxMessage>(
      "oms-webhooks",
      [byTag, byStore, nameless].map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await consumeBatch(batch, env, handlers);
    const result = await getQueueResult(batch, ctx);
    // The two that name their owner are handled on shard 1, once each; the one that names nothing waits for the move.
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m2"]);
    expect(
      seen
        .filter((s) => s.shard === "s1")
        .map((s) => s.id)
        .sort(),
    ).toEqual([byTag.id, byStore.id].sort());
    for (const m of [byTag, byStore]) {
      expect(await n(env.DB_1, "SELECT count(*) AS n FROM consumed_messages WHERE message_id = ?", m.id)).toBe(1);
      expect(await n(env.DB_1, "SELECT count(*) AS n FROM products WHERE sku = ?", m.id)).toBe(1);
    }
    expect(await n(env.DB, "SELECT count(*) AS n FROM products WHERE sku IN (?, ?, ?)", byTag.id, byStore.id, nameless.id)).toBe(0);
    expect(await n(env.DB, "SELECT count(*) AS n FROM consumed_messages WHERE message_id IN (?, ?, ?)", byTag.id, byStore.id, nameless.id)).toBe(0);
  });
});
