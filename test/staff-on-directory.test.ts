/**
 * Sharding, build step 3 (docs/SHARDING.md): people, keys, sessions, positions and the activity log live on the
 * directory database, while stores and warehouses live on the shards. So giving a person or a key a store or a
 * warehouse looks for it on the shard its home names (shard 0 for one without a home), and a home whose store row
 * was never written is no store. (That no shard holds a row of a directory table after any test file is checked
 * by test/setup.ts, for every file.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetHomes } from "../src/db/homes";
import { migrateEveryDatabase } from "./databases";
import { api, createStore, unique } from "./helpers";
import { storeOnShardOne, warehouseOnShardOne } from "./shard-helpers";
import { env } from "./shard-env";

const storeOnOne = unique("st_one");
const warehouseOnOne = unique("wh_one");
/** A home on shard 1 whose store row was never written (its creation stopped between the two). */
const homeOnly = unique("st_homeless");
/** A store written straight to shard 0 with no home, as the demo seed and every store before homes. */
const legacy = unique("st_legacy");

beforeAll(async () => {
  await migrateEveryDatabase();
  forgetHomes();
  await storeOnShardOne(storeOnOne, "SDR1");
  await storeOnShardOne(homeOnly, "SDR2", { row: false });
  await warehouseOnShardOne(warehouseOnOne, "WDR1");
  await env.DB.prepare("INSERT INTO stores (id, name, currency, created_at, updated_at) VALUES (?1, 'Legacy', 'USD', ?2, ?2)").bind(legacy, Date.now()).run();
});

// The shards and homes made here are cached per isolate (src/db/homes.ts): the next file starts without them.
afterAll(() => forgetHomes());

/** A 422 problem that names what does not exist. */
function expectRefused(r: Awaited<ReturnType<typeof api>>, words: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(422);
  expect(r.headers.get("content-type")).toBe("application/problem+json");
  expect(JSON.stringify(r.body)).toContain(words);
}

const keysNamed = (name: string) =>
  env.DIRECTORY.prepare("SELECT store_ids, warehouse_ids FROM api_keys WHERE name = ?").bind(name).all<{ store_ids: string; warehouse_ids: string }>();
const peopleAt = (email: string) => env.DIRECTORY.prepare("SELECT store_ids, warehouse_ids FROM users WHERE email = ?").bind(email).all();

describe("giving a key stores and warehouses on other shards", () => {
  it("finds each on its own shard: a store and a warehouse on shard 1, a store of shard 0, a legacy store", async () => {
    const local = await createStore();
    const name = unique("across shards");
    const r = await api("/v1/api-keys", { body: { name, role: "admin", store_ids: [storeOnOne, local.id, legacy], warehouse_ids: [warehouseOnOne] } });
    expect(r.status).toBe(201);
    const { results } = await keysNamed(name);
    expect(results).toHaveLength(1);
    expect(JSON.parse(results[0]!.store_ids)).toEqual([storeOnOne, local.id, legacy]);
    expect(JSON.parse(results[0]!.warehouse_ids)).toEqual([warehouseOnOne]);
  });

  it("refuses a store that has a home but no row, and one that has neither, writing no key", async () => {
    for (const missing of [homeOnly, unique("st_nowhere")]) {
      const name = unique("refused");
      const r = await api("/v1/api-keys", { body: { name, role: "support", store_ids: [storeOnOne, missing] } });
      expectRefused(r, `no such store: ${missing}`);
      expect((await keysNamed(name)).results).toHaveLength(0);
    }
  });

  it("refuses a warehouse that is on no shard", async () => {
    const name = unique("refused");
    const r = await api("/v1/api-keys", { body: { name, role: "admin", store_ids: ["*"], warehouse_ids: [warehouseOnOne, "wh_nowhere"] } });
    expectRefused(r, "no such warehouse: wh_nowhere");
    expect((await keysNamed(name)).results).toHaveLength(0);
  });
});

describe("giving a person stores and warehouses on other shards", () => {
  it("invites a person to a store and a warehouse on shard 1", async () => {
    const email = `${unique("across")}@staff.example`;
    const r = await api("/v1/users", { body: { email, display_name: "Across shards", positions: ["support"], store_ids: [storeOnOne, legacy], warehouse_ids: [warehouseOnOne] } });
    expect(r.status).toBe(201);
    expect((await peopleAt(email)).results).toEqual([{ store_ids: JSON.stringify([storeOnOne, legacy]), warehouse_ids: JSON.stringify([warehouseOnOne]) }]);
  });

  it("refuses a store whose home has no row, writing no person", async () => {
    const email = `${unique("refused")}@staff.example`;
    const r = await api("/v1/users", { body: { email, display_name: "Refused", positions: ["support"], store_ids: [homeOnly] } });
    expectRefused(r, `no such store: ${homeOnly}`);
    expect((await peopleAt(email)).results).toHaveLength(0);
  });
});
