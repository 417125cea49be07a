// The shard seam (src/db/shard.ts, docs/SHARDING.md section 4): every query reaches its database through
// `database()`/`d1()` and the shard its entry point chose, never through a binding by name. A direct `env.DB` would
// keep working on one database and silently read the wrong one once a store lives on another shard, and tsc cannot
// see it (the binding is on Env). And the shard is chosen only where work begins: the places listed here are what
// later build steps make find the store's shard, so a new one has to be added here on purpose.
import assert from "node:assert/strict";
import { test } from "node:test";
import { workerSources } from "./sources.mjs";

const files = workerSources().map(({ path, text }) => ({ file: path, text }));

/** Lines of `text` matching `pattern`, as `file:line: text`, leaving out comment lines. */
function hits(file, text, pattern) {
  return text
    .split("\n")
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => pattern.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line))
    .map(({ line, n }) => `${file}:${n}: ${line.trim()}`);
}

test("no code outside src/db/shard.ts reaches a shard's D1 binding by name", () => {
  assert.ok(files.length > 200, `found only ${files.length} source files`);
  const direct = files.filter((f) => f.file !== "src/db/shard.ts").flatMap((f) => hits(f.file, f.text, /\.(DB|DB_1)\b(?!_)|\[\s*["'](DB|DB_1)["']\s*\]/));
  assert.deepEqual(direct, [], "go through database(env) or d1(env) with the env its entry point put on a shard (onShard)");
});

// Where a shard is chosen today, and the build step that makes each find the right one (SHARDING.md section 9).
const CHOOSERS = {
  "src/index.ts": "fetch (shard 0, until the request names its store), crons (forEachShard)",
  "src/http/route-shard.ts": "a request: the shard of the store, warehouse or tagged id it names (step 5)",
  "src/orders/order-object.ts": "the order's object: its order id's shard (src/db/homes.ts)",
  "src/outbox/consume.ts": "queue batches: each message on its order's shard, or the shard whose outbox sent it (step 6)",
  "src/partner-webhooks/dispatcher-object.ts": "the webhook dispatcher (step 6: one per shard)",
  "src/db/shard.ts": "forEachShard, byShard (what lives on several shards, each part on its own), onlyOn (a shard known from a body)",
  "src/stores/save-store.ts": "a new store's row goes to the shard its home names (src/db/homes.ts; placement, step 8)",
  "src/inventory/warehouse-routes.ts": "a new warehouse's rows go to the shard its home names (as a store's)",
  "src/stores/place-store.ts": "a store of its own pool: shard 0, pool 0's, is asked for a warehouse of every store (step 8)",
  "src/analytics/report-shards.ts": "a report: each shard holding one of the caller's stores, merged (step 7)",
  "src/procurement/transfers-between.ts": "a transfer between two databases: each end's row on its warehouse's shard (step 10)",
  "src/pools/move-pool.ts": "a pool's move: the source and the target shard it names (step 9)",
};

test("a shard is chosen only at the entry points listed here", () => {
  const choosing = files.filter((f) => /\bonShard\(/.test(f.text.replace(/^\s*(\/\/|\*).*$/gm, ""))).map((f) => f.file);
  assert.deepEqual(choosing.sort(), Object.keys(CHOOSERS).sort());
});
