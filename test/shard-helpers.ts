/**
 * Shards in tests. `dbOf` and `envOf` find where a store's, warehouse's or id's rows live, as the Worker does: the
 * suite places its stores on both shards (vitest.config.ts). The older helpers place stores and warehouses on shard 1
 * by hand, as the tests written before placement do (`stock` on `POST /v1/stores` does it through the API now):
 * made through the API on shard 0, then, before they hold any order, their rows copied to `DB_1`, deleted from `DB`
 * and their homes pointed at a pool on shard 1. Not the move script (step 9): it refuses a pool with rows that
 * belong to it only through another table (an order's lines, a shipment's items), which a new pool has none of.
 */
import { forgetHomes, type Key, shardOf } from "../src/db/homes";
import { PLACEMENT } from "../src/db/placement";
import { onShard } from "../src/db/shard";
import { env } from "./shard-env";

type Owner = "store" | "warehouse";

/**
 * The tables whose rows name their store or warehouse themselves, in the placement's (foreign-key) order. Not the
 * event feed: its rows are numbered per database (the move script renumbers them) and the copied rows' triggers
 * write the new pool's own on shard 1.
 */
const direct = Object.entries(PLACEMENT).flatMap(([table, p]) =>
  (p.home === "store" || p.home === "warehouse") && "by" in p && !("via" in p) && table !== "events" ? [{ table, home: p.home as Owner, by: p.by as string }] : [],
);
const viaTables = Object.entries(PLACEMENT).flatMap(([table, p]) =>
  (p.home === "store" || p.home === "warehouse") && "via" in p ? [{ table, home: p.home as Owner, by: p.by as string, via: p.via as string }] : [],
);

const ownerColumn = (table: string) => (PLACEMENT[table as keyof typeof PLACEMENT] as { by?: string }).by ?? "id";

/** The shard and a pool on it in the directory (idempotent). */
export async function shardOnePool(pool = "pool_one") {
  const now = Date.now();
  await env.DIRECTORY.batch([
    env.DIRECTORY.prepare("INSERT OR IGNORE INTO shards (id, binding, created_at, updated_at) VALUES ('s1', 'DB_1', ?1, ?1)").bind(now),
    env.DIRECTORY.prepare("INSERT OR IGNORE INTO pools (id, shard_id, created_at, updated_at) VALUES (?1, 's1', ?2, ?2)").bind(pool, now),
  ]);
  return pool;
}

/** Moves new stores and warehouses (their own rows, none through another table) from shard 0 to a pool on shard 1. */
export async function moveNewPoolToShardOne(o: { stores: string[]; warehouses: string[] }, pool = "pool_one") {
  await shardOnePool(pool);
  const ids = { store: JSON.stringify(o.stores), warehouse: JSON.stringify(o.warehouses) };
  for (const t of viaTables) {
    const owned = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM "${t.table}" x JOIN "${t.via}" v ON v.id = x."${t.by}" WHERE v."${ownerColumn(t.via)}" IN (SELECT value FROM json_each(?))`,
    )
      .bind(ids[t.home])
      .first<number>("n");
    if (owned) throw new Error(`${t.table} holds ${owned} rows of the pool: not a new pool`);
  }
  const inserts: D1PreparedStatement[] = [];
  const deletes: D1PreparedStatement[] = [];
  for (const t of direct) {
    const where = `"${t.by}" IN (SELECT value FROM json_each(?))`;
    const { results } = await env.DB.prepare(`SELECT * FROM "${t.table}" WHERE ${where}`).bind(ids[t.home]).all<Record<string, unknown>>();
    for (const row of results) {
      const cols = Object.keys(row);
      inserts.push(
        env.DB_1.prepare(`INSERT INTO "${t.table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).bind(...cols.map((c) => row[c])),
      );
    }
    deletes.unshift(env.DB.prepare(`DELETE FROM "${t.table}" WHERE ${where}`).bind(ids[t.home]));
  }
  await env.DB_1.batch([env.DB_1.prepare("PRAGMA defer_foreign_keys = ON"), ...inserts]);
  await env.DB.batch([env.DB.prepare("PRAGMA defer_foreign_keys = ON"), ...deletes]);
  await env.DIRECTORY.batch([
    env.DIRECTORY.prepare("UPDATE store_homes SET pool_id = ? WHERE store_id IN (SELECT value FROM json_each(?))").bind(pool, ids.store),
    env.DIRECTORY.prepare("UPDATE warehouse_homes SET pool_id = ? WHERE warehouse_id IN (SELECT value FROM json_each(?))").bind(pool, ids.warehouse),
  ]);
  forgetHomes();
}

/**
 * A store placed on shard 1 by hand, before anything names it (the Worker caches where a store lives): its home with
 * `tag` in a pool there and, unless `row` is false (a home whose store was never written), its row on `DB_1`.
 */
export async function storeOnShardOne(storeId: string, tag: string, { row = true, pool = "pool_one" } = {}) {
  await shardOnePool(pool);
  const now = Date.now();
  await env.DIRECTORY.prepare("INSERT INTO store_homes (store_id, pool_id, tag, created_at) VALUES (?1, ?2, ?3, ?4)").bind(storeId, pool, tag, now).run();
  if (row) await env.DB_1.prepare("INSERT INTO stores (id, name, currency, created_at, updated_at) VALUES (?1, 'On shard one', 'USD', ?2, ?2)").bind(storeId, now).run();
}

/** A warehouse placed on shard 1 by hand: its home with `tag` in a pool there and its row on `DB_1`. */
export async function warehouseOnShardOne(warehouseId: string, tag: string, { pool = "pool_one" } = {}) {
  await shardOnePool(pool);
  const now = Date.now();
  await env.DIRECTORY.prepare("INSERT INTO warehouse_homes (warehouse_id, pool_id, tag, created_at) VALUES (?1, ?2, ?3, ?4)").bind(warehouseId, pool, tag, now).run();
  await env.DB_1.prepare("INSERT INTO warehouses (id, name, country, created_at) VALUES (?1, 'On shard one', 'US', ?2)").bind(warehouseId, now).run();
}

/**
 * The database that holds what `key` names (a store's rows, a warehouse's, or the record an id names), found as the
 * Worker finds it: for a test that reads or writes rows itself, now that the suite's stores live on both shards.
 */
export async function dbOf(key: Key): Promise<D1Database> {
  const shard = await shardOf(env, key);
  return env[shard.binding];
}

/** The Worker's env on the shard of what `key` names: for a test that calls a consumer or a job itself. */
export async function envOf(key: Key) {
  return onShard(env, await shardOf(env, key));
}
