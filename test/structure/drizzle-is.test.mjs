// drizzle's is() as scripts/patch-drizzle.mjs (npm's postinstall) leaves it: memoized per (prototype, class), and
// answering as drizzle 0.45's own does. Run with the other Node-side checks (`node --test test/structure/*.test.mjs`).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { Column, entityKind, eq, is, Param, Placeholder, SQL, sql, Table, View } from "drizzle-orm";
import { sqliteTable, text, integer } from "drizzle-orm/sqlite-core";

/** drizzle-orm 0.45's is(), unpatched. */
function original(value, type) {
  if (!value || typeof value !== "object") return false;
  if (value instanceof type) return true;
  let cls = Object.getPrototypeOf(value).constructor;
  while (cls) {
    if (entityKind in cls && cls[entityKind] === type[entityKind]) return true;
    cls = Object.getPrototypeOf(cls);
  }
  return false;
}

test("drizzle's is() is the memoized one, in both of its builds", () => {
  const root = dirname(createRequire(import.meta.url).resolve("drizzle-orm"));
  for (const file of ["entity.js", "entity.cjs"]) assert.ok(readFileSync(join(root, file), "utf8").includes("edge-oms: memoized is()"), file);
});

test("the memoized is() answers as drizzle's own, asked once or many times", () => {
  const orders = sqliteTable("orders", { id: text("id").primaryKey(), createdAt: integer("created_at") });
  const values = [
    sql`select 1`,
    eq(orders.id, "ord_1"),
    new Param("x"),
    sql.placeholder("id"),
    orders,
    orders.id,
    orders.createdAt,
    sql`1`.as("one"),
    {},
    [],
    new Date(),
    "text",
    42,
    null,
    undefined,
  ];
  const classes = [SQL, SQL.Aliased, Param, Placeholder, Column, Table, View];
  for (let round = 0; round < 3; round++) {
    for (const v of values) for (const c of classes) assert.equal(is(v, c), original(v, c), `${String(v)} is ${c.name}, round ${round}`);
  }
  assert.equal(is(orders.id, Column), true);
  assert.equal(is(sql`x`, Column), false);
});
