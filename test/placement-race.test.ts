/**
 * A store of its own pool and a warehouse of every store cannot both stand (docs/SHARDING.md, "Placing stores"): each
 * creation checks for the other before it writes and again after, so when the two are made at once at least one
 * withdraws, with nothing of it left.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { forgetHomes, homeNewStore, POOL_ZERO } from "../src/db/homes";
import { openPool } from "../src/db/pools";
import { onShard, SHARD_ZERO } from "../src/db/shard";
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
      // The next round starts as this one did: neither there.
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
