/**
 * Sharding, build step 1 (docs/SHARDING.md): every D1 database wrangler.toml binds (DB, DB_1, DIRECTORY) gets every
 * migration, so all of them have one schema; the directory's routing tables hold their keys; and the Worker keeps
 * every store's rows on `DB` (shard 0), with only stores' homes on the directory (step 4).
 */
import { env } from "./shard-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetHomes } from "../src/db/homes";
import { d1Databases, migrateEveryDatabase, resetDatabase } from "./databases";
import { createOrder, createStore } from "./helpers";

/** The schema objects of a database, without the machinery of D1, SQLite and test/setup.ts. */
async function schemaOf(db: D1Database) {
  return (
    await db
      .prepare(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE '\\_test\\_seed\\_%' ESCAPE '\\' ORDER BY type, name",
      )
      .all<{ type: string; name: string; sql: string | null }>()
  ).results;
}

beforeAll(async () => {
  await migrateEveryDatabase();
});

// The shards and homes made here are cached per isolate (src/db/homes.ts): the next file in this runtime starts
// without them, as its databases do.
afterAll(() => forgetHomes());

describe("every database has every migration", () => {
  it("wrangler.toml binds DB (shard 0), DB_1 and DIRECTORY, and the test runtime has each", () => {
    expect(env.TEST_D1_BINDINGS).toEqual(["DB", "DB_1", "DIRECTORY"]);
    expect(d1Databases().map(([binding]) => binding)).toEqual(env.TEST_D1_BINDINGS);
  });

  it("each database's d1_migrations lists every file of migrations/, in order, and nothing else", async () => {
    const files = env.TEST_MIGRATIONS.map((m) => m.name);
    expect(files).toContain("0036_shard_directory.sql");
    for (const [binding, db] of d1Databases()) {
      const applied = (await db.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>()).results.map((r) => r.name);
      expect(applied, binding).toEqual(files);
    }
  });

  it("every database has the same tables, indexes and triggers, the routing tables among them", async () => {
    const [[, first], ...rest] = d1Databases() as [[string, D1Database], ...[string, D1Database][]];
    const reference = await schemaOf(first);
    const tables = reference.filter((o) => o.type === "table").map((o) => o.name);
    for (const t of ["orders", "stock_levels", "users", "shards", "pools", "store_homes", "warehouse_homes", "tracking_routes", "legacy_homes"]) expect(tables).toContain(t);
    for (const [binding, db] of rest) expect(await schemaOf(db), binding).toEqual(reference);
  });
});

describe("the reset between files (test/setup.ts) covers the other databases", () => {
  it("puts DB_1 back to what the migrations left: its rows gone, the migrations' own rows back", async () => {
    const positions = await env.DB_1.prepare("SELECT COUNT(*) AS n FROM positions").first<number>("n");
    expect(positions).toBeGreaterThan(0); // the built-in positions, written by a migration
    await env.DB_1.batch([env.DB_1.prepare("DELETE FROM positions"), env.DB_1.prepare("INSERT INTO legacy_homes (id, store_id, created_at) VALUES ('ord_old', 'st_x', 1)")]);
    await resetDatabase(env.DB_1);
    expect(await env.DB_1.prepare("SELECT COUNT(*) AS n FROM positions").first("n")).toBe(positions);
    expect(await env.DB_1.prepare("SELECT COUNT(*) AS n FROM legacy_homes").first("n")).toBe(0);
  });
});

describe("the directory's routing tables", () => {
  const now = Date.now();
  const dir = () => env.DIRECTORY;

  it("route a store to its shard's binding: store → pool → shard", async () => {
    await dir().batch([
      dir().prepare("INSERT INTO shards (id, binding, created_at, updated_at) VALUES ('s0', 'DB', ?1, ?1), ('s1', 'DB_1', ?1, ?1)").bind(now),
      dir().prepare("INSERT INTO pools (id, shard_id, created_at, updated_at) VALUES ('pool_a', 's1', ?1, ?1)").bind(now),
      dir().prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES ('st_a', 'pool_a', 'a1', ?1)").bind(now),
      dir().prepare("INSERT INTO warehouse_homes (warehouse_id, pool_id, tag, created_at) VALUES ('wh_a', 'pool_a', 'w1', ?1)").bind(now),
    ]);
    const route = await dir()
      .prepare("SELECT s.binding, p.state, p.version FROM store_homes h JOIN pools p ON p.id = h.pool_id JOIN shards s ON s.id = p.shard_id WHERE h.store_id = ?")
      .bind("st_a")
      .first();
    expect(route).toEqual({ binding: "DB_1", state: "live", version: 1 });
    expect(await dir().prepare("SELECT state FROM shards WHERE id = 's1'").first("state")).toBe("open");
  });

  it("refuse what would make a route ambiguous or dangling, and write nothing", async () => {
    const refused = [
      "INSERT INTO shards (id, binding, created_at, updated_at) VALUES ('s9', 'DB', 1, 1)", // a binding is one shard
      "INSERT INTO shards (id, binding, state, created_at, updated_at) VALUES ('s8', 'DB_8', 'gone', 1, 1)", // no such state
      "INSERT INTO pools (id, shard_id, created_at, updated_at) VALUES ('pool_x', 's_none', 1, 1)", // no such shard
      "INSERT INTO pools (id, shard_id, state, created_at, updated_at) VALUES ('pool_y', 's0', 'lost', 1, 1)", // no such state
      "INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES ('st_a', 'pool_a', 'a2', 1)", // a store has one home
      "INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES ('st_b', 'pool_a', 'a1', 1)", // a tag names one store
      "INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES ('st_c', 'pool_none', 'c1', 1)", // no such pool
      "INSERT INTO warehouse_homes (warehouse_id, pool_id, tag, created_at) VALUES ('wh_b', 'pool_a', 'w1', 1)", // a tag names one warehouse
      "INSERT INTO tracking_routes (tracking_number, carrier, store_id, created_at) VALUES ('1Z1', 'ups', 'st_a', 1), ('1Z1', 'ups', 'st_b', 1)", // one store per number and carrier
    ];
    const count = async () =>
      dir()
        .prepare(
          "SELECT (SELECT COUNT(*) FROM shards) + (SELECT COUNT(*) FROM pools) + (SELECT COUNT(*) FROM store_homes) + (SELECT COUNT(*) FROM warehouse_homes) + (SELECT COUNT(*) FROM tracking_routes) AS n",
        )
        .first<number>("n");
    const before = await count();
    for (const statement of refused) await expect(dir().prepare(statement).run(), statement).rejects.toThrow(/constraint/i);
    expect(await count()).toBe(before);
  });
});

describe("the Worker keeps a store of the main stock pool on DB", () => {
  it("a store and its order are written to DB; the directory gets only the store's home; DB_1 gets nothing", async () => {
    const store = await createStore(undefined, undefined, { stock: "shared" });
    const order = await createOrder(store.id);
    expect(await env.DB.prepare("SELECT id FROM orders WHERE id = ?").bind(order.id).first("id")).toBe(order.id);
    expect(await env.DIRECTORY.prepare("SELECT pool_id FROM store_homes WHERE store_id = ?").bind(store.id).first("pool_id")).toBe("pool_s0");
    for (const db of [env.DB_1, env.DIRECTORY]) {
      expect(await db.prepare("SELECT COUNT(*) AS n FROM stores").first("n")).toBe(0);
      expect(await db.prepare("SELECT COUNT(*) AS n FROM orders").first("n")).toBe(0);
      expect(await db.prepare("SELECT COUNT(*) AS n FROM outbox").first("n")).toBe(0);
    }
    expect(await env.DB_1.prepare("SELECT COUNT(*) AS n FROM store_homes").first("n")).toBe(0);
  });
});
