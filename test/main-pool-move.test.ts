/**
 * Moving the main pool (`pool_s0`, docs/SHARDING.md section 8): where every store placed with `shared` stock lives,
 * and so where a deployment that never chose otherwise keeps all its stores. It moves like any pool once shard 0
 * holds no store or warehouse from before pools (test/pool-move.test.ts covers the refusal and the move's machinery
 * under load). Here: two stores sharing a warehouse, and a warehouse of every store with its stock events (which
 * name the store "*"), move together; while the pool moves nothing joins it (a new
 * store, a new warehouse, a join of pools), with nothing written; afterwards the main pool's rules follow it to its
 * new shard: new `shared` stores and warehouses of every store go there, and a store of its own pool is refused
 * beside such a warehouse, found on the main pool's new shard. Two starts at once make one move.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CACHE_MS, forgetHomes, POOL_ZERO } from "../src/db/homes";
import { joinPools, openPool } from "../src/db/pools";
import { SHARD_ZERO } from "../src/db/shard";
import { moveStep, type MoveView } from "../src/pools/move-pool";
import { migrateEveryDatabase } from "./databases";
import { api, createOrder, createProduct, transition, unique } from "./helpers";
import { allocate, createBin, createWarehouse, ledgerOk, line, receive } from "./processing-helpers";
import { env } from "./shard-env";

const n = async (db: D1Database, sql: string, ...binds: unknown[]) =>
  (await db
    .prepare(sql)
    .bind(...binds)
    .first<{ n: number }>())!.n;

const shardOfPool = async (pool: string) => (await env.DIRECTORY.prepare("SELECT shard_id FROM pools WHERE id = ?").bind(pool).first<{ shard_id: string }>())?.shard_id;
const homesIn = (pool: string) =>
  n(env.DIRECTORY, "SELECT (SELECT count(*) FROM store_homes WHERE pool_id = ?1) + (SELECT count(*) FROM warehouse_homes WHERE pool_id = ?1) AS n", pool);

async function sharedStore(name: string) {
  const r = await api("/v1/stores", { body: { name: unique(name), currency: "USD", auto_audit: false, stock: "shared" } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

beforeAll(async () => {
  await migrateEveryDatabase();
  forgetHomes();
});

afterAll(() => forgetHomes());

describe("moving the main pool", () => {
  it("carries its stores and their shared warehouse to shard 1; nothing joins it meanwhile; its rules follow it there", async () => {
    // Two brands of one merchant, both `shared`, shipping from one warehouse: one pool, on shard 0.
    const tea = await sharedStore("Tea Brand");
    const mugs = await sharedStore("Mug Brand");
    const wh = (await createWarehouse({ store_ids: [tea, mugs] })).id;
    const bin = (await createBin(wh, "A-01")).code;
    await createProduct(tea, "TEA-1");
    await createProduct(mugs, "MUG-1");
    await receive(wh, [
      { sku: "TEA-1", bin, quantity: 50 },
      { sku: "MUG-1", bin, quantity: 50 },
    ]);
    // And a warehouse of every store, with stock: its stock events name the store "*", and move with the pool.
    const every = (await createWarehouse({ store_ids: ["*"] })).id;
    await receive(every, [{ sku: "TEA-1", bin: (await createBin(every, "E-01")).code, quantity: 5 }]);
    const everyEvents = await n(env.DB, "SELECT count(*) AS n FROM events WHERE store_id = '*'");
    expect(everyEvents).toBeGreaterThan(0);
    expect(await shardOfPool(POOL_ZERO)).toBe("s0");
    const teaOrder = await createOrder(tea, { lines: [line("TEA-1", 2)] });
    expect((await transition(teaOrder.id, "approve")).status).toBe(200);
    expect((await allocate(teaOrder.id)).body.status).toBe("allocated");
    const mugOrder = await createOrder(mugs, { lines: [line("MUG-1", 3)] });
    expect((await transition(mugOrder.id, "approve")).status).toBe(200);

    // Two operators press "move" at once: one start claims the pool; the other is told a move is under way, or
    // (if the move's row is there already) takes its next step. One move, one set of guards.
    const starts = await Promise.all([0, 1].map(() => api(`/v1/pools/${POOL_ZERO}/move`, { body: { to_shard: "s1" } })));
    const first = starts.find((r) => r.status === 200)!;
    expect(first, JSON.stringify(starts.map((r) => r.body))).toBeDefined();
    expect(first.body).toMatchObject({ phase: "copying", from_shard: "s0", to_shard: "s1" });
    for (const r of starts) expect(r.status === 200 || r.body.code === "move_in_progress", JSON.stringify(r.body)).toBe(true);
    expect(await n(env.DIRECTORY, "SELECT count(*) AS n FROM pool_moves WHERE pool_id = ?", POOL_ZERO)).toBe(1);
    expect(await n(env.DB, "SELECT count(*) AS n FROM moving_owners WHERE pool_id = ? AND side = 'copying'", POOL_ZERO)).toBe(5);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM moving_owners WHERE pool_id = ? AND side = 'target'", POOL_ZERO)).toBe(5);
    expect([...first.body.stores].sort()).toEqual([tea, mugs].sort());
    expect(first.body.warehouses).toEqual([wh, every].sort());

    // While it moves, nothing joins it: the move read its stores and warehouses when it started.
    const homesBefore = await homesIn(POOL_ZERO);
    const storeName = unique("Late Brand");
    const late = await api("/v1/stores", { body: { name: storeName, currency: "USD", stock: "shared" } });
    expect(late.status, JSON.stringify(late.body)).toBe(503);
    expect(late.body.code).toBe("pool_moving");
    expect(late.headers.get("retry-after")).toBe("5");
    const lateWarehouse = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", region: "NJ", store_ids: [tea] } });
    expect(lateWarehouse.status, JSON.stringify(lateWarehouse.body)).toBe(503);
    expect(await homesIn(POOL_ZERO)).toBe(homesBefore);
    for (const db of [env.DB, env.DB_1]) expect(await n(db, "SELECT count(*) AS n FROM stores WHERE name = ?", storeName)).toBe(0);
    // A warehouse of the main pool's stores and another pool's would join them: refused too, the other pool kept.
    await openPool(env, "pool_beside", SHARD_ZERO);
    await expect(joinPools(env, POOL_ZERO, ["pool_beside"])).rejects.toThrow(/pool_moving/);
    expect(await n(env.DIRECTORY, "SELECT count(*) AS n FROM pools WHERE id = 'pool_beside'")).toBe(1);
    // A second start while it moves is the same move's next step, not another move.
    expect((await api(`/v1/pools/${POOL_ZERO}/move`, { body: { to_shard: "s0" } })).body.code).toBe("move_in_progress");

    const views: MoveView[] = [first.body];
    for (let i = 0; i < 100 && views.at(-1)!.phase !== "switched"; i++) {
      const r = await api(`/v1/pools/${POOL_ZERO}/move`, { body: { to_shard: "s1" } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      views.push(r.body);
    }
    expect(views.at(-1)!.phase).toBe("switched");
    let view = views.at(-1)!;
    for (let i = 0; i < 50 && view.phase !== "cleaned"; i++) view = await moveStep(env, POOL_ZERO, "s1", Date.now() + CACHE_MS + 1);
    expect(view.phase).toBe("cleaned");
    expect(await shardOfPool(POOL_ZERO)).toBe("s1");

    // Both brands' orders, stock and warehouse are on shard 1 and nowhere else, and keep working there.
    for (const store of [tea, mugs]) {
      expect(await n(env.DB, "SELECT count(*) AS n FROM orders WHERE store_id = ?", store)).toBe(0);
      expect(await n(env.DB_1, "SELECT count(*) AS n FROM orders WHERE store_id = ?", store)).toBe(1);
    }
    for (const w of [wh, every]) {
      expect(await n(env.DB, "SELECT count(*) AS n FROM warehouses WHERE id = ?", w)).toBe(0);
      expect(await n(env.DB_1, "SELECT count(*) AS n FROM warehouses WHERE id = ?", w)).toBe(1);
    }
    expect(await n(env.DB, "SELECT count(*) AS n FROM events WHERE store_id = '*'")).toBe(0);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM events WHERE store_id = '*'")).toBe(everyEvents);
    expect(await ledgerOk(every)).toMatchObject({ ok: true });
    expect((await api(`/v1/orders/${teaOrder.id}`)).body.status).toBe("processing");
    expect((await allocate(mugOrder.id)).body.status).toBe("allocated");
    expect(await ledgerOk(wh)).toMatchObject({ ok: true });
    const levels = (await api(`/v1/warehouses/${wh}/stock`)).body.data as { sku: string; reserved: number }[];
    expect(Object.fromEntries(levels.map((l) => [l.sku, l.reserved]))).toMatchObject({ "TEA-1": 2, "MUG-1": 3 });
    const after = await createOrder(tea, { lines: [line("TEA-1", 1)] });
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM orders WHERE id = ?", after.id)).toBe(1);

    // The refused requests, sent again, go where the main pool is now.
    const retried = await api("/v1/stores", { body: { name: storeName, currency: "USD", stock: "shared" } });
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM stores WHERE id = ?", retried.body.id)).toBe(1);
    expect(await n(env.DB, "SELECT count(*) AS n FROM stores WHERE id = ?", retried.body.id)).toBe(0);
    await expect(joinPools(env, POOL_ZERO, ["pool_beside"])).resolves.toBeUndefined();

    // The warehouse of every store is found on shard 1 when a store of its own pool would be placed beside it, and
    // a new one is made there.
    const own = await api("/v1/stores", { body: { name: unique("Own Brand"), currency: "USD", stock: "own" } });
    expect(own.status, JSON.stringify(own.body)).toBe(409);
    expect(own.body.code).toBe("pool_split");
    expect(own.body.detail).toContain(every);
    const another = await createWarehouse({ store_ids: ["*"] });
    expect(await n(env.DB_1, "SELECT count(*) AS n FROM warehouses WHERE id = ?", another.id)).toBe(1);
  });
});
