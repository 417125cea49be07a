/**
 * Sharding, build step 4 (docs/SHARDING.md): a new store gets a home in the directory (a pool, so a shard, and a
 * tag); its orders' ids, and the ids of what is made for them, carry the tag; `shardOf` finds the shard from a store
 * or from an id, with legacy ids (no tag) on shard 0 unless `legacy_homes` says otherwise, and caches only answers.
 */
import { env } from "./shard-env";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CACHE_MS, forgetHomes, homeNewStore, homeWithTag, POOL_ZERO, shardOf, shardsInUse, storeTag, warehouseTag } from "../src/db/homes";
import { SHARD_ZERO } from "../src/db/shard";
import { newId, tagOf } from "../src/lib/ids";
import { api, createOrder, createStore, unique } from "./helpers";
import { packedOrder } from "./logistics-helpers";
import { allocatedOrder, stockedWarehouse } from "./processing-helpers";

const dir = () => env.DIRECTORY;
const now = Date.now();

/** A second shard in the directory, and a pool on it, as a deploy and the move script would make them. */
async function shardOne(pool = unique("pool")) {
  await dir().batch([
    dir().prepare("INSERT OR IGNORE INTO shards (id, binding, created_at, updated_at) VALUES ('s1', 'DB_1', ?1, ?1)").bind(now),
    dir().prepare("INSERT INTO pools (id, shard_id, created_at, updated_at) VALUES (?1, 's1', ?2, ?2)").bind(pool, now),
  ]);
  return pool;
}

beforeEach(() => forgetHomes());

// The shards and homes made here are cached per isolate (src/db/homes.ts): the next file in this runtime starts
// without them, as its databases do.
afterAll(() => forgetHomes());

describe("a new store's home", () => {
  it("in the main stock pool is shard 0's pool and a tag of its own, and the store's orders and shipments carry that tag", async () => {
    const store = await createStore(undefined, undefined, { stock: "shared" });
    const home = await dir().prepare("SELECT pool_id, tag FROM store_homes WHERE store_id = ?").bind(store.id).first<{ pool_id: string; tag: string }>();
    expect(home?.pool_id).toBe(POOL_ZERO);
    expect(home?.tag).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(await dir().prepare("SELECT binding FROM shards s JOIN pools p ON p.shard_id = s.id WHERE p.id = ?").bind(POOL_ZERO).first("binding")).toBe("DB");
    expect(await shardOf(env, { store: store.id })).toBe(SHARD_ZERO);

    const { order, shipmentId } = await packedOrder(store.id);
    expect(tagOf(order.id)).toBe(home?.tag);
    expect(tagOf(shipmentId)).toBe(home?.tag);
    expect(await shardOf(env, { id: order.id })).toBe(SHARD_ZERO);
    const invoice = await api(`/v1/orders/${order.id}/invoice`, { method: "POST" });
    expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
    expect(tagOf(invoice.body.id)).toBe(home?.tag);
    // The order is where it always was, on DB; the API finds it by its tagged id.
    expect(await env.DB.prepare("SELECT store_id FROM orders WHERE id = ?").bind(order.id).first("store_id")).toBe(store.id);
  });

  it("two stores get two tags, and making a home again keeps the first", async () => {
    const a = await createStore();
    const b = await createStore();
    const [ta, tb] = [await storeTag(env, a.id), await storeTag(env, b.id)];
    expect(ta).not.toBeNull();
    expect(ta).not.toBe(tb);
    expect((await homeNewStore(env, a.id)).tag).toBe(ta);
    expect(await dir().prepare("SELECT COUNT(*) AS n FROM store_homes WHERE store_id = ?").bind(a.id).first("n")).toBe(1);
  });
});

describe("drawing a tag", () => {
  it("draws again when the tag is taken, and gives up after eight taken draws, writing nothing", async () => {
    const first = await createStore();
    const taken = (await storeTag(env, first.id))!;
    const store = unique("st_draw");
    const insert = (tag: string) =>
      env.DIRECTORY.prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES (?, ?, ?, 1) ON CONFLICT (store_id) DO NOTHING").bind(store, POOL_ZERO, tag).run();
    const read = async () => (await env.DIRECTORY.prepare("SELECT tag FROM store_homes WHERE store_id = ?").bind(store).first<string>("tag")) ?? undefined;
    const draws = [taken, taken, "FR3E"];
    expect(await homeWithTag("store_homes", insert, read, () => draws.shift()!)).toBe("FR3E");

    const unlucky = unique("st_unlucky");
    const insertUnlucky = (tag: string) =>
      env.DIRECTORY.prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES (?, ?, ?, 1)").bind(unlucky, POOL_ZERO, tag).run();
    await expect(homeWithTag("store_homes", insertUnlucky, read, () => taken)).rejects.toThrow(/no free tag after 8 draws/);
    expect(await env.DIRECTORY.prepare("SELECT COUNT(*) AS n FROM store_homes WHERE store_id = ?").bind(unlucky).first("n")).toBe(0);
  });
});

describe("a new warehouse's home", () => {
  it("of a store of the main pool is shard 0's pool and a tag of its own, which its waves carry (a wave belongs to no one store)", async () => {
    const store = await createStore(undefined, undefined, { stock: "shared" });
    const sku = unique("HOME");
    const wh = await stockedWarehouse({ fields: { store_ids: [store.id] }, bins: ["A-01"], stock: [["A-01", sku, 5]] });
    const tag = await dir().prepare("SELECT tag FROM warehouse_homes WHERE warehouse_id = ? AND pool_id = ?").bind(wh.id, POOL_ZERO).first<string>("tag");
    expect(tag).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(await warehouseTag(env, wh.id)).toBe(tag);
    expect(await shardOf(env, { warehouse: wh.id })).toBe(SHARD_ZERO);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM warehouses WHERE id = ?").bind(wh.id).first("n")).toBe(1);

    await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
    await allocatedOrder(store.id, { lines: [{ sku, quantity: 1, unit_price: "5.00" }] });
    await env.DB.prepare("UPDATE shipments SET hold_until = 0 WHERE warehouse_id = ?").bind(wh.id).run();
    const released = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } });
    expect(released.status).toBe(201);
    const waveId = released.body.data[0].id as string;
    expect(tagOf(waveId)).toBe(tag);
    expect(await shardOf(env, { id: waveId })).toBe(SHARD_ZERO);
  });

  it("a warehouse tag and a store tag may be the same characters: the id's kind says which table to read", async () => {
    const pool = await shardOne();
    await dir().batch([
      dir().prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES (?1, ?2, 'TW1N', ?3)").bind(unique("st_twin"), POOL_ZERO, now),
      dir().prepare("INSERT INTO warehouse_homes (warehouse_id, pool_id, tag, created_at) VALUES (?1, ?2, 'TW1N', ?3)").bind(unique("wh_twin"), pool, now),
    ]);
    expect(await shardOf(env, { id: newId("ord", now, "TW1N") })).toBe(SHARD_ZERO);
    expect(await shardOf(env, { id: newId("wv", now, "TW1N") })).toEqual({ id: "s1", binding: "DB_1" });
  });
});

describe("legacy stores and ids", () => {
  it("a store with no home (written straight to the database, as the demo seed does) makes untagged ids on shard 0", async () => {
    const id = unique("st_legacy");
    await env.DB.prepare("INSERT INTO stores (id, name, currency, created_at, updated_at) VALUES (?1, 'Legacy', 'USD', ?2, ?2)").bind(id, now).run();
    expect(await storeTag(env, id)).toBeNull();
    const order = await createOrder(id);
    expect(order.id).toMatch(/^ord_[0-9A-Z]{26}$/);
    expect(tagOf(order.id)).toBeNull();
    expect(await shardOf(env, { id: order.id })).toBe(SHARD_ZERO);
    expect(await shardOf(env, { store: id })).toBe(SHARD_ZERO);
  });

  it("an untagged id that legacy_homes names goes to its store's shard", async () => {
    const pool = await shardOne();
    const moved = unique("st_moved");
    const oldId = newId("ord", now);
    await dir().batch([
      dir().prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES (?1, ?2, 'MVD1', ?3)").bind(moved, pool, now),
      dir().prepare("INSERT INTO legacy_homes (id, store_id, created_at) VALUES (?1, ?2, ?3)").bind(oldId, moved, now),
    ]);
    expect(await shardOf(env, { id: oldId })).toEqual({ id: "s1", binding: "DB_1" });
    expect(await shardOf(env, { id: newId("ord", now) })).toBe(SHARD_ZERO);
  });
});

describe("legacy_homes, while it is empty", () => {
  it("answers every untagged id with shard 0 without reading it, and sees its first row within CACHE_MS", async () => {
    await dir().prepare("DELETE FROM legacy_homes").run();
    const pool = await shardOne();
    const moved = unique("st_late");
    const oldId = newId("shp", now);
    expect(await shardOf(env, { id: newId("ord", now) }, now)).toBe(SHARD_ZERO);
    await dir().batch([
      dir().prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES (?1, ?2, 'LT8E', ?3)").bind(moved, pool, now),
      dir().prepare("INSERT INTO legacy_homes (id, store_id, created_at) VALUES (?1, ?2, ?3)").bind(oldId, moved, now),
    ]);
    // The table was empty a moment ago: that answer stands for CACHE_MS (a move's freeze outlasts it).
    expect(await shardOf(env, { id: oldId }, now + 1)).toBe(SHARD_ZERO);
    expect(await shardOf(env, { id: oldId }, now + CACHE_MS + 2)).toEqual({ id: "s1", binding: "DB_1" });
  });
});

describe("shardOf", () => {
  it("follows a tagged id to its store's pool and shard", async () => {
    const pool = await shardOne();
    await dir().prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES (?1, ?2, 'S1S1', ?3)").bind(unique("st_s1"), pool, now).run();
    expect(await shardOf(env, { id: newId("shp", now, "S1S1") })).toEqual({ id: "s1", binding: "DB_1" });
    // A tag nobody holds is a store with no home: shard 0.
    expect(await shardOf(env, { id: newId("shp", now, "ZZZZ") })).toBe(SHARD_ZERO);
  });

  it("keeps an answer for CACHE_MS, then asks the directory again (a move's switch)", async () => {
    const store = unique("st_cached");
    const pool = await shardOne();
    await dir().prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES (?1, ?2, 'CA5H', ?3)").bind(store, POOL_ZERO, now).run();
    expect(await shardOf(env, { store }, now)).toBe(SHARD_ZERO);
    await dir().prepare("UPDATE store_homes SET pool_id = ? WHERE store_id = ?").bind(pool, store).run();
    expect(await shardOf(env, { store }, now + CACHE_MS - 1)).toBe(SHARD_ZERO);
    expect(await shardOf(env, { store }, now + CACHE_MS)).toEqual({ id: "s1", binding: "DB_1" });
  });

  it("caches no failed lookup: the next call asks again", async () => {
    const store = unique("st_flaky");
    await homeNewStore(env, store);
    forgetHomes();
    const broken = { ...env, DIRECTORY: { prepare: () => ({ bind: () => ({}) }) } as unknown as D1Database };
    await expect(shardOf(broken, { store })).rejects.toThrow();
    expect(await shardOf(env, { store })).toBe(SHARD_ZERO);
  });

  it("lists the shards in use for the crons: shard 0 first, then the directory's, skipping one this Worker cannot reach", async () => {
    await shardOne();
    await dir().prepare("INSERT INTO shards (id, binding, created_at, updated_at) VALUES ('s7', 'DB_7', ?1, ?1)").bind(now).run();
    const listed = await shardsInUse(env, now);
    expect(listed[0]).toBe(SHARD_ZERO);
    expect(listed.map((s) => s.id)).toEqual(["s0", "s1"]);
    expect(listed[1]).toEqual({ id: "s1", binding: "DB_1" });
  });

  it("refuses a shard whose binding this Worker does not have", async () => {
    await dir().batch([
      dir().prepare("INSERT INTO shards (id, binding, created_at, updated_at) VALUES ('s9', 'DB_9', ?1, ?1)").bind(now),
      dir().prepare("INSERT INTO pools (id, shard_id, created_at, updated_at) VALUES ('pool_s9', 's9', ?1, ?1)").bind(now),
      dir().prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES ('st_s9', 'pool_s9', 'S9S9', ?1)").bind(now),
    ]);
    await expect(shardOf(env, { store: "st_s9" })).rejects.toThrow(/binding DB_9, which is not a shard binding/);
  });
});
