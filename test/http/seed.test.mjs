// The demo's seed (scripts/seed.mjs) runs at every `npm start` and `npm run db:seed`, on state the merchant has been
// using: a brand's pool may have moved to another database since (Settings › Databases, docs/SHARDING.md section 8).
// The old database then refuses writes for the pool's stores, so the seed must put each brand where its pool is now.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { migrateLocal } from "../../scripts/local-migrations.mjs";
import { DEMO_STORE, seed } from "../../scripts/seed.mjs";
import { d1File } from "../../scripts/d1-bindings.mjs";

const BRAND = { store: "st_demo_kettle", warehouse: "wh_kettle_eu", pool: "pool_demo_kettle" };

const dirs = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// The local databases' files directly (no server runs here), as the benches read them: a wrangler call each would
// make this test minutes long beside the others.
function sql(dir, binding, command) {
  const db = new DatabaseSync(d1File(dir, binding));
  try {
    return /^\s*SELECT/i.test(command) ? db.prepare(command).all() : db.prepare(command).run();
  } finally {
    db.close();
  }
}
const count = (dir, binding, table, where) => Number(sql(dir, binding, `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)[0].n);

test("the seed puts each demo brand on the database its pool is on now, also after the pool moved", { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "oms-seed-test-"));
  dirs.push(dir);
  await migrateLocal({ persistDir: dir });

  // A fresh state: the main brand on DB, the second brand on DB_1.
  assert.deepEqual(await seed({ persistDir: dir }), { main: "DB", brand: "DB_1" });
  assert.equal(count(dir, "DB_1", "stores", `id = '${BRAND.store}'`), 1);
  assert.equal(count(dir, "DB", "stores", `id = '${BRAND.store}'`), 0);
  assert.equal(count(dir, "DB", "stores", `id = '${DEMO_STORE.id}'`), 1);

  // What a finished move of the brand's pool to s0 leaves (src/pools/move-pool.ts, "cleaned"): the directory places
  // the pool on s0, and the old database has lost the pool's rows but keeps its guards, which refuse every write for
  // the pool's stores and warehouses there.
  for (const table of ["products", "bins"])
    sql(dir, "DB_1", `DELETE FROM ${table} WHERE ${table === "bins" ? `warehouse_id = '${BRAND.warehouse}'` : `store_id = '${BRAND.store}'`}`);
  sql(dir, "DB_1", `DELETE FROM warehouses WHERE id = '${BRAND.warehouse}'`);
  sql(dir, "DB_1", `DELETE FROM stores WHERE id = '${BRAND.store}'`);
  sql(
    dir,
    "DB_1",
    `INSERT INTO moving_owners (owner_id, pool_id, side, created_at) VALUES ('${BRAND.store}', '${BRAND.pool}', 'source', 1), ('${BRAND.warehouse}', '${BRAND.pool}', 'source', 1)`,
  );
  sql(dir, "DIRECTORY", `UPDATE pools SET shard_id = 's0', version = version + 1 WHERE id = '${BRAND.pool}'`);
  // The guards are what made the seed fail here before it read the directory: a write on the old database is refused.
  assert.throws(
    () => sql(dir, "DB_1", `INSERT INTO stores (id, name, currency, timezone, created_at, updated_at) VALUES ('${BRAND.store}', 'x', 'EUR', 'UTC', 1, 1)`),
    /pool_moving/,
  );

  // The seed follows the pool: both brands on DB, nothing written to DB_1, and again the same (idempotent).
  for (let run = 0; run < 2; run++) {
    assert.deepEqual(await seed({ persistDir: dir }), { main: "DB", brand: "DB" });
    assert.equal(count(dir, "DB", "stores", `id = '${BRAND.store}'`), 1);
    assert.equal(count(dir, "DB", "warehouses", `id = '${BRAND.warehouse}'`), 1);
    assert.ok(count(dir, "DB", "products", `store_id = '${BRAND.store}'`) > 0);
    assert.equal(count(dir, "DB_1", "stores", `id = '${BRAND.store}'`), 0);
    assert.equal(count(dir, "DB_1", "products", `store_id = '${BRAND.store}'`), 0);
  }

  // A server stopped in the middle of a move must start again to finish it: the seed leaves the moving brand as it
  // is, says so, and seeds the rest.
  sql(dir, "DIRECTORY", `UPDATE pools SET state = 'moving' WHERE id = '${BRAND.pool}'`);
  sql(dir, "DB", `DELETE FROM products WHERE store_id IN ('${BRAND.store}', '${DEMO_STORE.id}')`);
  const notes = [];
  assert.deepEqual(await seed({ persistDir: dir, log: (m) => notes.push(m) }), { main: "DB", brand: null });
  assert.deepEqual(notes, [`seed: ${BRAND.store}'s pool ${BRAND.pool} is moving to another database; its demo data is left as it is`]);
  assert.equal(count(dir, "DB", "products", `store_id = '${BRAND.store}'`), 0, "the moving brand is not written");
  assert.ok(count(dir, "DB", "products", `store_id = '${DEMO_STORE.id}'`) > 0, "the other brand is");
});
