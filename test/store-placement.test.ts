/**
 * Placing stores (docs/SHARDING.md section 2, build step 8): a merchant says what a new store shares (`stock`), and
 * the store lands in that stock pool, on its database. A store with stock of its own goes to the open shard with the
 * most room; stores sharing a warehouse share a pool, whose pools join when they are on one shard and are refused
 * (409 `pool_split`, nothing written) when they are on two.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forgetHomes, POOL_ZERO, shardOf } from "../src/db/homes";
import { boundShards, mostRoom, shardIdOf } from "../src/db/pools";
import { onShard, SHARD_ZERO } from "../src/db/shard";
import { createStore as createStoreIn } from "../src/stores/save-store";
import { tagOf } from "../src/lib/ids";
import { migrateEveryDatabase } from "./databases";
import { api, createKey, createProduct, unique } from "./helpers";
import { allocatedOrder, createBin, createWarehouse, ledgerOk, receive } from "./processing-helpers";
import { env } from "./shard-env";

beforeAll(async () => {
  await migrateEveryDatabase();
});
beforeEach(() => forgetHomes());
afterAll(() => forgetHomes());

const first = <T>(db: D1Database, sql: string, ...binds: unknown[]) =>
  db
    .prepare(sql)
    .bind(...binds)
    .first<T>();
const n = async (db: D1Database, sql: string, ...binds: unknown[]) => (await first<{ n: number }>(db, sql, ...binds))!.n;

/** Where a store was placed: its pool, that pool's shard, and which database holds its row. */
async function placed(storeId: string) {
  const home = await first<{ pool_id: string; shard_id: string }>(
    env.DIRECTORY,
    "SELECT h.pool_id, p.shard_id FROM store_homes h JOIN pools p ON p.id = h.pool_id WHERE h.store_id = ?",
    storeId,
  );
  const rows = [await n(env.DB, "SELECT COUNT(*) AS n FROM stores WHERE id = ?", storeId), await n(env.DB_1, "SELECT COUNT(*) AS n FROM stores WHERE id = ?", storeId)];
  return { pool: home?.pool_id, shard: home?.shard_id, rows };
}

/** Stores per open shard, as placement counts them. */
const storesOn = async (shard: string) => n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM store_homes h JOIN pools p ON p.id = h.pool_id WHERE p.shard_id = ?", shard);

async function newStore(stock?: unknown) {
  return api("/v1/stores", { body: { name: unique("store"), currency: "USD", auto_audit: false, ...(stock === undefined ? {} : { stock }) } });
}

/** Every row placement could have written: store rows on both shards, homes, pools. */
const written = () =>
  Promise.all([
    n(env.DB, "SELECT COUNT(*) AS n FROM stores"),
    n(env.DB_1, "SELECT COUNT(*) AS n FROM stores"),
    n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM store_homes"),
    n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM pools"),
  ]);

const setShardState = (id: string, state: "open" | "full") => env.DIRECTORY.prepare("UPDATE shards SET state = ? WHERE id = ?").bind(state, id).run();

/** A store of its own pool on `shard`: the other shard marked full while it is placed. */
async function ownStoreOn(shard: "s0" | "s1"): Promise<string> {
  const other = shard === "s0" ? "s1" : "s0";
  await setShardState(other, "full");
  try {
    return (await newStore("own")).body.id;
  } finally {
    await setShardState(other, "open");
  }
}

describe("the shard with the most room", () => {
  it("is the one with the fewest stores, the lowest numbered of equals, none when there is none", () => {
    expect(
      mostRoom([
        { id: "s0", stores: 3 },
        { id: "s1", stores: 1 },
        { id: "s2", stores: 1 },
      ]),
    ).toBe("s1");
    expect(
      mostRoom([
        { id: "s10", stores: 0 },
        { id: "s2", stores: 0 },
      ]),
    ).toBe("s2");
    expect(mostRoom([])).toBeNull();
    expect(shardIdOf("DB")).toBe("s0");
    expect(shardIdOf("DB_1")).toBe("s1");
    expect(boundShards(env)).toEqual([SHARD_ZERO, { id: "s1", binding: "DB_1" }]);
  });
});

describe("a new store's stock pool", () => {
  it('is the main pool on shard 0 under the deployment\'s default ("shared"), and whenever the creation asks', async () => {
    const byDefault = await createStoreIn(
      { ...onShard(env, SHARD_ZERO), STORE_PLACEMENT: "shared" },
      { name: unique("store"), currency: "USD", timezone: "UTC", language: "en", auto_audit: false },
    );
    expect(await placed(byDefault.id)).toEqual({ pool: POOL_ZERO, shard: "s0", rows: [1, 0] });
    // Unset, as wrangler.toml ships it.
    const unset = await createStoreIn(
      { ...onShard(env, SHARD_ZERO), STORE_PLACEMENT: undefined },
      { name: unique("store"), currency: "USD", timezone: "UTC", language: "en", auto_audit: false },
    );
    expect((await placed(unset.id)).pool).toBe(POOL_ZERO);
    const shared = await newStore("shared");
    expect(shared.status, JSON.stringify(shared.body)).toBe(201);
    expect(await placed(shared.body.id)).toEqual({ pool: POOL_ZERO, shard: "s0", rows: [1, 0] });
  });

  it("of its own goes to the shard with the fewest stores, registering the Worker's shards, and works there", async () => {
    await newStore("shared");
    const before = { s0: await storesOn("s0"), s1: await storesOn("s1") };
    const r = await newStore("own");
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const expected = before.s1 < before.s0 ? "s1" : "s0";
    const where = await placed(r.body.id);
    expect(where).toMatchObject({ pool: `pool_${r.body.id.slice(3)}`, shard: expected, rows: expected === "s1" ? [0, 1] : [1, 0] });
    expect((await env.DIRECTORY.prepare("SELECT id, binding, state FROM shards ORDER BY id").all()).results).toEqual([
      { id: "s0", binding: "DB", state: "open" },
      { id: "s1", binding: "DB_1", state: "open" },
    ]);
    // The next store of its own goes where there is now more room.
    const again = await newStore("own");
    const counts = { s0: await storesOn("s0"), s1: await storesOn("s1") };
    expect(Math.abs(counts.s0 - counts.s1)).toBeLessThanOrEqual(Math.abs(before.s0 - before.s1) + 1);
    expect((await placed(again.body.id)).pool).toBe(`pool_${again.body.id.slice(3)}`);

    // Used through the API on its shard: catalogue, a warehouse of its pool, an order allocated there.
    const onOne = (await placed(r.body.id)).shard === "s1" ? r.body.id : again.body.id;
    expect((await placed(onOne)).shard).toBe("s1");
    await createProduct(onOne, "OWN-1", { price: "4.00" });
    const wh = await createWarehouse({ store_ids: [onOne] });
    expect(await n(env.DB_1, "SELECT COUNT(*) AS n FROM warehouses WHERE id = ?", wh.id)).toBe(1);
    await createBin(wh.id, "O-01", { pick_sequence: 10 });
    await receive(wh.id, [{ sku: "OWN-1", bin: "O-01", quantity: 3 }]);
    expect((await api(`/v1/stores/${onOne}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } })).status).toBe(200);
    const { order } = await allocatedOrder(onOne, { lines: [{ sku: "OWN-1", quantity: 2, unit_price: "4.00" }] });
    expect(await n(env.DB_1, "SELECT COUNT(*) AS n FROM shipments WHERE order_id = ?", order.id)).toBe(1);
    expect(await n(env.DB, "SELECT COUNT(*) AS n FROM orders WHERE id = ?", order.id)).toBe(0);
    expect(await ledgerOk(wh.id)).toMatchObject({ ok: true });
    // Listed beside shard 0's stores, with no filter.
    const listed = (await api("/v1/stores?limit=200")).body.data.map((s: { id: string }) => s.id);
    expect(listed).toEqual(expect.arrayContaining([r.body.id, again.body.id]));
  });

  it('under the deployment\'s "spread", has a pool of its own when no warehouse serves every store', async () => {
    const spread = await createStoreIn(
      { ...onShard(env, SHARD_ZERO), STORE_PLACEMENT: "spread" },
      { name: unique("store"), currency: "USD", timezone: "UTC", language: "en", auto_audit: false },
    );
    expect((await placed(spread.id)).pool).toBe(`pool_${spread.id.slice(3)}`);
    // Asked for, the main pool is still there.
    const shared = await createStoreIn(
      { ...onShard(env, SHARD_ZERO), STORE_PLACEMENT: "spread" },
      { name: unique("store"), currency: "USD", timezone: "UTC", language: "en", auto_audit: false, stock: "shared" },
    );
    expect((await placed(shared.id)).pool).toBe(POOL_ZERO);
  });

  it("skips a shard an operator marked full", async () => {
    await setShardState("s1", "full");
    try {
      const r = await newStore("own");
      expect(r.status).toBe(201);
      expect((await placed(r.body.id)).shard).toBe("s0");
    } finally {
      await setShardState("s1", "open");
    }
  });

  it("with another store joins that store's pool and shares its warehouse", async () => {
    const brand = await ownStoreOn("s1");
    const sister = await newStore({ with_store: brand });
    expect(sister.status, JSON.stringify(sister.body)).toBe(201);
    expect(await placed(sister.body.id)).toEqual({ pool: `pool_${brand.slice(3)}`, shard: "s1", rows: [0, 1] });
    expect(await shardOf(env, { store: sister.body.id })).toEqual({ id: "s1", binding: "DB_1" });
    const wh = await createWarehouse({ store_ids: [brand, sister.body.id] });
    expect(await first(env.DIRECTORY, "SELECT pool_id FROM warehouse_homes WHERE warehouse_id = ?", wh.id)).toEqual({ pool_id: `pool_${brand.slice(3)}` });
    // A store of the main pool brings the new one into the main pool.
    const main = (await newStore("shared")).body.id;
    const joined = await newStore({ with_store: main });
    expect((await placed(joined.body.id)).pool).toBe(POOL_ZERO);
  });

  it("refuses bad placements with a 422 and writes nothing", async () => {
    const before = await written();
    for (const stock of ["elsewhere", { with_store: "" }, { with_store: "st_x", shard: "s1" }, 7, { with_store: "st_nobody" }]) {
      const r = await newStore(stock);
      expect(r.status, JSON.stringify(stock)).toBe(422);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(
        r.body.errors.some((e: { field: string }) => e.field.startsWith("stock")),
        JSON.stringify(r.body),
      ).toBe(true);
    }
    expect(await written()).toEqual(before);
  });

  it("is refused to a key that is not an admin of every store", async () => {
    const some = (await newStore("shared")).body.id;
    const before = await written();
    for (const key of [await createKey("admin", [some]), await createKey("support", ["*"])]) {
      const r = await api("/v1/stores", { key, body: { name: unique("store"), currency: "USD", stock: "own" } });
      expect(r.status).toBe(403);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(await written()).toEqual(before);
  });

  it("two stores of their own at once each get a pool, and each row lands on its pool's shard", async () => {
    const [a, b] = await Promise.all([newStore("own"), newStore("own")]);
    expect([a.status, b.status]).toEqual([201, 201]);
    for (const s of [a.body.id, b.body.id]) {
      const where = await placed(s);
      expect(where.pool).toBe(`pool_${s.slice(3)}`);
      expect(where.rows).toEqual(where.shard === "s1" ? [0, 1] : [1, 0]);
      expect(tagOf((await createProduct(s, "RACE-1")).id)).toBe(
        await first<{ tag: string }>(env.DIRECTORY, "SELECT tag FROM store_homes WHERE store_id = ?", s).then((r) => r!.tag),
      );
    }
  });
});

describe("stores sharing a warehouse", () => {
  it("in pools on one shard are joined into one pool by the warehouse", async () => {
    const [a, b] = [await ownStoreOn("s1"), await ownStoreOn("s1")];
    expect((await placed(a)).shard).toBe("s1");
    expect((await placed(b)).shard).toBe("s1");
    const wh = await createWarehouse({ store_ids: [a] });
    const widened = await api(`/v1/warehouses/${wh.id}`, { method: "PATCH", body: { store_ids: [a, b] } });
    expect(widened.status, JSON.stringify(widened.body)).toBe(200);
    const pool = `pool_${a.slice(3)}`;
    expect([(await placed(a)).pool, (await placed(b)).pool]).toEqual([pool, pool]);
    expect(await n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM pools WHERE id = ?", `pool_${b.slice(3)}`)).toBe(0);
    // Both stores' orders take the shared warehouse's stock, on shard 1.
    await createBin(wh.id, "J-01", { pick_sequence: 10 });
    for (const s of [a, b]) await createProduct(s, "JOIN-1", { price: "2.00" });
    await receive(wh.id, [{ sku: "JOIN-1", bin: "J-01", quantity: 2 }]);
    for (const s of [a, b]) {
      expect((await api(`/v1/stores/${s}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } })).status).toBe(200);
      await allocatedOrder(s, { lines: [{ sku: "JOIN-1", quantity: 1, unit_price: "2.00" }] });
    }
    expect(await n(env.DB_1, "SELECT reserved AS n FROM stock_levels WHERE warehouse_id = ? AND sku = 'JOIN-1' AND reserved > 0", wh.id)).toBe(2);
  });

  it("on two shards are refused with 409 pool_split, nothing written", async () => {
    const far = await ownStoreOn("s1");
    const near = (await newStore("shared")).body.id;
    const before = await Promise.all([written(), n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM warehouse_homes"), n(env.DB, "SELECT COUNT(*) AS n FROM warehouses")]);
    const refused = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [near, far] } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "pool_split" });
    expect(refused.body.detail).toContain(`${far} in pool_${far.slice(3)}`);
    expect(await Promise.all([written(), n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM warehouse_homes"), n(env.DB, "SELECT COUNT(*) AS n FROM warehouses")])).toEqual(before);
  });
});

describe("transfers between warehouses", () => {
  it("of a pool on shard 1 are sent, listed, read and received there; one to another database's warehouse is sent", async () => {
    const brand = await ownStoreOn("s1");
    const [a, b] = [await createWarehouse({ store_ids: [brand] }), await createWarehouse({ store_ids: [brand] })];
    for (const [wh, bin] of [
      [a, "TA-01"],
      [b, "TB-01"],
    ] as const)
      await createBin(wh.id, bin, { pick_sequence: 10 });
    await createProduct(brand, "MOVE-1");
    await receive(a.id, [{ sku: "MOVE-1", bin: "TA-01", quantity: 6 }]);
    const sent = await api("/v1/transfers", { body: { from_warehouse_id: a.id, to_warehouse_id: b.id, lines: [{ sku: "MOVE-1", from_bin: "TA-01", quantity: 4 }] } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(tagOf(sent.body.id)).toBe(await first<{ tag: string }>(env.DIRECTORY, "SELECT tag FROM warehouse_homes WHERE warehouse_id = ?", a.id).then((r) => r!.tag));
    expect(await n(env.DB_1, "SELECT COUNT(*) AS n FROM stock_transfers WHERE id = ?", sent.body.id)).toBe(1);
    expect((await api(`/v1/transfers/${sent.body.id}`)).body).toMatchObject({ status: "in_transit" });
    const listed = (await api("/v1/transfers?limit=200")).body.data as { id: string; lines: unknown[] }[];
    expect(listed.find((t) => t.id === sent.body.id)?.lines).toHaveLength(1);
    const received = await api(`/v1/transfers/${sent.body.id}/receipts`, { body: { lines: [{ line_no: 1, quantity: 4, bin: "TB-01" }] } });
    expect(received.status, JSON.stringify(received.body)).toBe(201);
    expect(received.body.status).toBe("received");
    expect(await ledgerOk(a.id)).toMatchObject({ ok: true });
    expect(await ledgerOk(b.id)).toMatchObject({ ok: true });

    // To another database's warehouse: sent from here, written there by the outbox (test/transfers-between-pools.test.ts).
    const home = (await newStore("shared")).body.id;
    const far = await createWarehouse({ store_ids: [home] });
    const across = await api("/v1/transfers", { body: { from_warehouse_id: a.id, to_warehouse_id: far.id, lines: [{ sku: "MOVE-1", from_bin: "TA-01", quantity: 1 }] } });
    expect(across.status, JSON.stringify(across.body)).toBe(201);
    expect(await first(env.DB_1, "SELECT side FROM stock_transfers WHERE id = ?", across.body.id)).toEqual({ side: "source" });
  });
});

// Last: once a warehouse of every store exists, no store of this file can have a pool of its own.
describe("a warehouse of every store", () => {
  it("joins shard 0's pools into the main one, and then a store of its own is refused with 409, nothing written", async () => {
    const own = await ownStoreOn("s0");
    expect(await placed(own)).toMatchObject({ pool: `pool_${own.slice(3)}`, shard: "s0" });
    // Shard 1 holds pools of their own from the tests above: a warehouse of every store cannot serve them.
    const split = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: ["*"] } });
    expect(split.status).toBe(409);
    expect(split.body).toMatchObject({ code: "pool_split" });
    // Once they are gone (a move would take them away; here, their homes), the warehouse joins shard 0's pools.
    await env.DIRECTORY.prepare("DELETE FROM store_homes WHERE pool_id IN (SELECT id FROM pools WHERE shard_id = 's1')").run();
    await env.DIRECTORY.prepare("DELETE FROM warehouse_homes WHERE pool_id IN (SELECT id FROM pools WHERE shard_id = 's1')").run();
    const every = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: ["*"] } });
    expect(every.status, JSON.stringify(every.body)).toBe(201);
    expect((await placed(own)).pool).toBe(POOL_ZERO);

    const before = await written();
    const refused = await newStore("own");
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({ code: "pool_split" });
    expect(refused.body.detail).toContain(every.body.id);
    expect(await written()).toEqual(before);
    // The deployment's "spread" places a store in the pool of the warehouse that will serve it.
    const spread = await createStoreIn(
      { ...onShard(env, SHARD_ZERO), STORE_PLACEMENT: "spread" },
      { name: unique("store"), currency: "USD", timezone: "UTC", language: "en", auto_audit: false },
    );
    expect((await placed(spread.id)).pool).toBe(POOL_ZERO);
  });
});
