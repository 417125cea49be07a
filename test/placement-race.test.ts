/**
 * A store of its own pool and a warehouse of every store cannot both stand (docs/SHARDING.md, "Placing stores"): each
 * creation checks for the other before it writes and again after, so when the two are made at once at least one
 * withdraws, with nothing of it left.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { forgetHomes, homeNewStore, POOL_ZERO } from "../src/db/homes";
import { openPool } from "../src/db/pools";
import { onShard, SHARD_ZERO } from "../src/db/shard";
import { confirmEveryStoreChange } from "../src/inventory/warehouse-pools";
import { confirmPlacement } from "../src/stores/place-store";
import { api, unique } from "./helpers";
import { env } from "./shard-env";

beforeEach(() => forgetHomes());
afterAll(() => forgetHomes());

const n = async (db: D1Database, sql: string, ...binds: unknown[]) =>
  (await db
    .prepare(sql)
    .bind(...binds)
    .first<number>("n"))!;
const everyStoreWarehouses = () => n(env.DB, `SELECT COUNT(*) AS n FROM warehouses WHERE store_ids LIKE '%"*"%'`);
/** The next round starts as the first did: no warehouse of every store, no store homes, no pool but the main one. */
async function startAgain() {
  for (const db of [env.DB, env.DB_1]) {
    await db.prepare(`DELETE FROM bins WHERE warehouse_id IN (SELECT id FROM warehouses WHERE store_ids LIKE '%"*"%')`).run();
    await db.prepare(`DELETE FROM warehouse_changes WHERE warehouse_id IN (SELECT id FROM warehouses WHERE store_ids LIKE '%"*"%')`).run();
    await db.prepare(`DELETE FROM warehouses WHERE store_ids LIKE '%"*"%'`).run();
  }
  await env.DIRECTORY.prepare("DELETE FROM store_homes").run();
  await env.DIRECTORY.prepare("DELETE FROM pools WHERE id <> ?").bind(POOL_ZERO).run();
  await env.DIRECTORY.prepare("UPDATE shards SET state = 'open'").run();
  forgetHomes();
}

const storesOutsidePoolZero = () => n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM store_homes WHERE pool_id <> ?", POOL_ZERO);

describe("a store of its own pool and a warehouse of every store, made at once", () => {
  it("never stand on two shards: one or both are refused with 409 pool_split and leave nothing", async () => {
    for (let round = 0; round < 8; round++) {
      // Even rounds place the store on shard 1 (shard 0 marked full): there the two cannot both stand. Odd rounds on
      // shard 0, where a warehouse made after the store joins the store's pool into the main one, as it would later.
      const onOne = round % 2 === 0;
      await env.DIRECTORY.prepare("INSERT OR IGNORE INTO shards (id, binding, created_at, updated_at) VALUES ('s1', 'DB_1', 1, 1), ('s0', 'DB', 1, 1)").run();
      await env.DIRECTORY.prepare("UPDATE shards SET state = CASE WHEN id = 's0' AND ?1 THEN 'full' ELSE 'open' END")
        .bind(onOne ? 1 : 0)
        .run();
      // One side starts a few milliseconds after the other (the warehouse for a positive lag), so each wins some rounds.
      const lag = [0, 0, 4, 4, -4, -4, -8, -8][round]!;
      const later = <T>(ms: number, f: () => Promise<T>) => new Promise((r) => setTimeout(r, Math.max(0, ms))).then(f);
      const [store, wh] = await Promise.all([
        later(-lag, () => api("/v1/stores", { body: { name: unique("own"), currency: "USD", stock: "own" } })),
        later(lag, () => api("/v1/warehouses", { body: { name: unique("everywhere"), country: "US", store_ids: ["*"] } })),
      ]);
      expect([201, 409]).toContain(wh.status);
      expect([201, 409]).toContain(store.status);
      if (onOne) expect(wh.status === 201 && store.status === 201, `round ${round}`).toBe(false);
      for (const r of [wh, store]) if (r.status === 409) expect(r.body).toMatchObject({ code: "pool_split" });
      // What stands agrees with the rule, and what was refused left no row, home or pool behind.
      expect((await everyStoreWarehouses()) > 0 && (await storesOutsidePoolZero()) > 0).toBe(false);
      if (wh.status === 409) {
        expect(await n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM warehouse_homes h WHERE NOT EXISTS (SELECT 1 FROM pools p WHERE p.id = h.pool_id)")).toBe(0);
      }
      if (store.status === 409)
        expect(
          await n(
            env.DIRECTORY,
            "SELECT COUNT(*) AS n FROM pools WHERE id LIKE 'pool_%' AND id <> ? AND NOT EXISTS (SELECT 1 FROM store_homes h WHERE h.pool_id = pools.id)",
            POOL_ZERO,
          ),
        ).toBe(0);
      await startAgain();
    }
  });

  it("a store whose home was written just before the warehouse appeared withdraws its home and pool", async () => {
    const storeId = `st_${unique("late")
      .replace(/[^A-Z0-9]/gi, "")
      .toUpperCase()
      .slice(0, 20)}`;
    const pool = `pool_${storeId.slice(3)}`;
    await openPool(env, pool, SHARD_ZERO);
    await homeNewStore(env, storeId, Date.now(), pool);
    const now = Date.now();
    await env.DB.prepare(`INSERT INTO warehouses (id, name, kind, country, store_ids, created_at, updated_at) VALUES ('wh_appeared', 'Appeared', 'own', 'US', '["*"]', ?1, ?1)`)
      .bind(now)
      .run();
    await expect(confirmPlacement(onShard(env, SHARD_ZERO), storeId, pool)).rejects.toMatchObject({ status: 409, code: "pool_split" });
    expect(await n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM store_homes WHERE store_id = ?", storeId)).toBe(0);
    expect(await n(env.DIRECTORY, "SELECT COUNT(*) AS n FROM pools WHERE id = ?", pool)).toBe(0);
    // A store of the main pool has nothing to withdraw.
    await expect(confirmPlacement(onShard(env, SHARD_ZERO), "st_main", POOL_ZERO)).resolves.toBeUndefined();
  });
});

describe("a warehouse made one of every store while a store of its own pool is made", () => {
  it("never leaves both standing on two shards: the warehouse goes back to its stores, recorded, or the store withdraws", async () => {
    for (let round = 0; round < 6; round++) {
      await env.DIRECTORY.prepare("INSERT OR IGNORE INTO shards (id, binding, created_at, updated_at) VALUES ('s1', 'DB_1', 1, 1), ('s0', 'DB', 1, 1)").run();
      // The store of its own goes to shard 1; the warehouse serves a store of the main pool until the change.
      await env.DIRECTORY.prepare("UPDATE shards SET state = CASE WHEN id = 's0' THEN 'full' ELSE 'open' END").run();
      const main = await api("/v1/stores", { body: { name: unique("main"), currency: "USD", stock: "shared" } });
      const wh = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [main.body.id] } });
      expect(wh.status, JSON.stringify(wh.body)).toBe(201);
      const lag = [0, 4, 8, -4, -8, 0][round]!;
      const later = <T>(ms: number, f: () => Promise<T>) => new Promise((r) => setTimeout(r, Math.max(0, ms))).then(f);
      const [store, widened] = await Promise.all([
        later(-lag, () => api("/v1/stores", { body: { name: unique("own"), currency: "USD", stock: "own" } })),
        later(lag, () => api(`/v1/warehouses/${wh.body.id}`, { method: "PATCH", body: { store_ids: ["*"] } })),
      ]);
      expect([200, 409]).toContain(widened.status);
      expect([201, 409]).toContain(store.status);
      expect(widened.status === 200 && store.status === 201, `round ${round}`).toBe(false);
      expect((await everyStoreWarehouses()) > 0 && (await storesOutsidePoolZero()) > 0).toBe(false);
      const now = (await api(`/v1/warehouses/${wh.body.id}`)).body.store_ids;
      expect(now).toEqual(widened.status === 200 ? ["*"] : [main.body.id]);
      // Every change it went through is on its record, the last one saying where it stands.
      const changes = (await api(`/v1/warehouses/${wh.body.id}/changes?limit=10`)).body.data as { changes: { store_ids?: { to: unknown } } }[];
      const last = changes.find((ch) => ch.changes.store_ids);
      if (last) expect(last.changes.store_ids!.to).toEqual(now);
      await startAgain();
    }
  });
});

describe("a warehouse made one of every store, looking again after its change", () => {
  it("goes back to the stores it had, recorded, when a store of another shard's pool appeared meanwhile", async () => {
    const main = (await api("/v1/stores", { body: { name: unique("main"), currency: "USD", stock: "shared" } })).body.id as string;
    const wh = (await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [main] } })).body;
    const widened = await api(`/v1/warehouses/${wh.id}`, { method: "PATCH", body: { store_ids: ["*"] } });
    expect(widened.status, JSON.stringify(widened.body)).toBe(200);
    const changedAt = (await env.DB.prepare("SELECT updated_at AS n FROM warehouses WHERE id = ?").bind(wh.id).first<number>("n"))!;
    // A store of its own pool on shard 1, placed between the change's first look and its write.
    const now = Date.now();
    await env.DIRECTORY.batch([
      env.DIRECTORY.prepare("INSERT OR IGNORE INTO shards (id, binding, created_at, updated_at) VALUES ('s1', 'DB_1', ?1, ?1)").bind(now),
      env.DIRECTORY.prepare("INSERT INTO pools (id, shard_id, created_at, updated_at) VALUES ('pool_meanwhile', 's1', ?1, ?1)").bind(now),
      env.DIRECTORY.prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES ('st_meanwhile', 'pool_meanwhile', 'MNWH', ?1)").bind(now),
    ]);
    const before = { id: wh.id, storeIds: [main] } as Parameters<typeof confirmEveryStoreChange>[1]["warehouse"];
    await expect(confirmEveryStoreChange(onShard(env, SHARD_ZERO), { warehouse: before, actor: "key_test", changedAt })).rejects.toMatchObject({
      status: 409,
      code: "pool_split",
    });
    expect((await api(`/v1/warehouses/${wh.id}`)).body.store_ids).toEqual([main]);
    const changes = (await api(`/v1/warehouses/${wh.id}/changes?limit=10`)).body.data as { changes: { store_ids?: { from: unknown; to: unknown } } }[];
    expect(changes[0]!.changes.store_ids).toEqual({ from: ["*"], to: [main] });
    // Changed by someone else since: their change stands.
    await env.DB.prepare("UPDATE warehouses SET store_ids = '[\"*\"]', updated_at = updated_at + 10 WHERE id = ?").bind(wh.id).run();
    await expect(confirmEveryStoreChange(onShard(env, SHARD_ZERO), { warehouse: before, actor: "key_test", changedAt })).rejects.toMatchObject({ status: 409 });
    expect((await api(`/v1/warehouses/${wh.id}`)).body.store_ids).toEqual(["*"]);
  });
});
