// Every table has a home once D1 is sharded by store (src/db/placement.ts, docs/SHARDING.md): a table added to
// src/db/schema without an entry fails here (and in tsc), so it is placed when it is made. The schema is read as
// source text, as the other structure checks do; placement.ts is data only, so Node imports it by stripping types.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ON_DIRECTORY, PLACEMENT } from "../../src/db/placement.ts";

const root = new URL("../../", import.meta.url).pathname;
const schemaDir = join(root, "src/db/schema");

/** The SQL name of every `sqliteTable("name", ...)` in a schema file's text, the name on the call's line or the next. */
function tablesIn(text) {
  return [...text.matchAll(/\bsqliteTable\(\s*"([a-z0-9_]+)"/g)].map((m) => m[1]);
}

const declared = readdirSync(schemaDir)
  .filter((n) => n.endsWith(".ts"))
  .flatMap((n) => tablesIn(readFileSync(join(schemaDir, n), "utf8")));
const placed = Object.keys(PLACEMENT);
const HOMES = new Set(["directory", "store", "warehouse", "shard"]);

test("every table in the schema has a home in src/db/placement.ts", () => {
  assert.ok(declared.length >= 100, `found only ${declared.length} tables: the pattern no longer matches the schema's source`);
  assert.equal(new Set(declared).size, declared.length, "a table name is declared twice");
  const missing = declared.filter((t) => !(t in PLACEMENT));
  assert.deepEqual(missing, [], `place these tables in src/db/placement.ts (see docs/SHARDING.md): ${missing.join(", ")}`);
});

test("what the Worker keeps on the directory today is placed there", () => {
  const elsewhere = ON_DIRECTORY.filter((t) => PLACEMENT[t]?.home !== "directory");
  assert.deepEqual(elsewhere, [], "ON_DIRECTORY names tables placed on the shards");
  assert.equal(new Set(ON_DIRECTORY).size, ON_DIRECTORY.length);
});

test("the placement names no table the schema does not have", () => {
  const unknown = placed.filter((t) => !declared.includes(t));
  assert.deepEqual(unknown, [], `src/db/placement.ts places tables that no longer exist: ${unknown.join(", ")}`);
});

test("a store's or a warehouse's table says how a row finds its owner, through a table of the same home", () => {
  for (const [table, p] of Object.entries(PLACEMENT)) {
    assert.ok(HOMES.has(p.home), `${table}: unknown home ${p.home}`);
    if ("why" in p) assert.ok(typeof p.why === "string" && p.why.length > 10, `${table}: why says why, in words`);
    if (p.home === "store" || p.home === "warehouse") {
      assert.match(p.by ?? "", /^[a-z_]+$/, `${table}: a ${p.home} table names the column that leads to its owner (by)`);
      if (p.via) {
        assert.ok(p.via in PLACEMENT, `${table}: via ${p.via} is not a table`);
        assert.equal(PLACEMENT[p.via].home, p.home, `${table}: its owner's row (${p.via}) must live with it`);
        assert.equal(PLACEMENT[p.via].via, undefined, `${table}: ${p.via} must name the owner itself (one hop)`);
      }
    } else {
      assert.equal(p.by, undefined, `${table}: a ${p.home} table has no owner column`);
    }
  }
});

test("each owner column exists on its table", () => {
  const source = readdirSync(schemaDir)
    .filter((n) => n.endsWith(".ts"))
    .map((n) => readFileSync(join(schemaDir, n), "utf8"))
    .join("\n");
  for (const [table, p] of Object.entries(PLACEMENT)) {
    if (!p.by) continue;
    // The table's declaration runs from its sqliteTable( to the next one; the column is declared as text("<by>").
    const start = source.search(new RegExp(`sqliteTable\\(\\s*"${table}"`));
    assert.ok(start >= 0, `${table} not found in the schema`);
    const rest = source.slice(start + 1);
    const end = rest.search(/sqliteTable\(/);
    const body = end < 0 ? rest : rest.slice(0, end);
    assert.match(body, new RegExp(`\\(\\s*"${p.by}"`), `${table} has no column ${p.by}`);
  }
});

test("the check itself reads a table name on the call's line and on the next", () => {
  assert.deepEqual(tablesIn('export const a = sqliteTable("a_b", {\nexport const c = sqliteTable(\n  "c_d",\n  {'), ["a_b", "c_d"]);
});

test("the crossings script still finds the batches the plan names (docs/SHARDING.md, section 6)", () => {
  const out = spawnSync(process.execPath, [join(root, "scripts/shard-crossings.mjs"), "--json"], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  const { batches, reads } = JSON.parse(out.stdout);
  const batch = (file) => batches.find((b) => b.file === file);
  // Allocation's stage writes the order and stock in the object's commit (kept on one shard by the pool).
  assert.ok(batch("src/fulfilment/allocation-effect.ts")?.writes.stock_levels, "allocation's reservation is no longer seen");
  // Since build step 3 the customer linker reads a shard and writes the directory in batches of their own, and no
  // customer read joins orders (section 6.1): a join coming back would be seen here.
  assert.equal(batch("src/customers/link-orders.ts"), undefined);
  assert.deepEqual(
    reads.filter((r) => r.at.startsWith("src/customers/") && r.tables.includes("orders") && r.tables.some((t) => t.startsWith("customer"))),
    [],
  );
});
