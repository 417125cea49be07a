// The freeze of a pool move is kept by guard triggers (src/db/schema/pool-moves.ts): every table a store or a
// warehouse owns must have them, as scripts/move-guards.mjs prints them from src/db/placement.ts today, but the rollup
// rows (`derived`), which must have none; and every event trigger must stay silent for the move's own copy batches. A
// table added without its guards, or an owner path changed without new guards, fails here.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { GUARDED, guardsOf, OWNED } from "../../scripts/move-guards.mjs";

const root = new URL("../../", import.meta.url).pathname;
const migrations = readdirSync(join(root, "migrations"))
  .filter((n) => n.endsWith(".sql"))
  .sort()
  .map((n) => readFileSync(join(root, "migrations", n), "utf8"));

/** The last definition of each trigger across the migrations, in order (a later DROP and CREATE replaces it). */
function triggers() {
  const defs = new Map();
  for (const text of migrations) {
    for (const m of text.matchAll(/DROP TRIGGER `([a-z0-9_]+)`;/g)) defs.delete(m[1]);
    for (const m of text.matchAll(/CREATE TRIGGER `([a-z0-9_]+)`[\s\S]*?\nEND;/g)) defs.set(m[1], m[0]);
  }
  return defs;
}

test("every table a store or a warehouse owns has its three move guards, as placement says", () => {
  const defs = triggers();
  assert.ok(GUARDED.length >= 60, `only ${GUARDED.length} guarded tables: placement no longer reads as expected`);
  for (const table of GUARDED) {
    for (const guard of guardsOf(table)) {
      const name = /CREATE TRIGGER `([a-z0-9_]+)`/.exec(guard)[1];
      assert.equal(defs.get(name), guard, `${name} is missing or differs from scripts/move-guards.mjs: add it in a new migration`);
    }
  }
});

test("the rollup rows have no move guards: the rollup runs keep a moving store's rows still themselves", () => {
  const defs = triggers();
  const derived = OWNED.filter((t) => !GUARDED.includes(t));
  assert.ok(derived.length >= 12 && derived.every((t) => t.startsWith("rollup_")), `derived: ${derived.join(", ")}`);
  for (const table of derived) {
    const left = [...defs.keys()].filter((name) => name.startsWith(`move_guard_${table}_`));
    assert.deepEqual(left, [], `${table} still has ${left.join(", ")}: drop them in a new migration`);
  }
});

test("every event trigger is silent for the move's own batches", () => {
  const events = [...triggers()].filter(([name]) => name.startsWith("events_"));
  assert.ok(events.length >= 10);
  for (const [name, def] of events) {
    // The whole WHEN is in parentheses before the AND: `a OR b AND c` would be `a OR (b AND c)`.
    const when = /\nWHEN (.*(?:\n\t[^\n]*)*?)\nBEGIN/.exec(def)?.[1] ?? "";
    assert.match(when, /^(\(.*\)\n\tAND )?NOT EXISTS \(SELECT 1 FROM `move_writer`\)$/s, `${name} would write events for copied rows`);
  }
});
