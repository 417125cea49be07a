// The capacity model's arithmetic (scripts/capacity-model.mjs, docs/SCALING.md): pure functions, run by
// `node --test test/structure/*.test.mjs` with the other Node-side checks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ASSUMED, MEASURED, model, placeStores, PUBLISHED, shardOrdersPerSecond, storeRates } from "../../scripts/capacity-model.mjs";

test("store rates follow the Zipf law, largest first, and add up to the peak", () => {
  const rates = storeRates({ peak: 1000, stores: 100, zipf: 1 });
  assert.equal(rates.length, 100);
  assert.ok(Math.abs(rates.reduce((a, b) => a + b, 0) - 1000) < 1e-6);
  for (let i = 1; i < rates.length; i++) assert.ok(rates[i] < rates[i - 1]);
  assert.ok(Math.abs(rates[0] / rates[9] - 10) < 1e-9, "rank 1 takes ten times rank 10 at exponent 1");
  assert.deepEqual(storeRates({ peak: 6, stores: 3, zipf: 0 }), [2, 2, 2]);
});

test("a shard's rate is its writer's time over an order's statements on it", () => {
  const base = { statementsPerOrder: 200, statementMs: 0.5, shardUtilisation: 0.5, replicaShare: 0.6, readsOnReplicas: false };
  assert.equal(shardOrdersPerSecond(base), 5); // 2,000 statements/s, half of it, 200 per order
  assert.equal(shardOrdersPerSecond({ ...base, readsOnReplicas: true }), 12.5); // only the 80 not on read sessions stay on the primary
});

test("placing stores keeps every shard within its rate and storage, and splits only stores bigger than a shard", () => {
  const rates = [25, 9, 6, 5, 4, 3, 2, 1, 1, 1];
  const { shards, split } = placeStores(rates, { perShardRate: 10, perShardBytes: 1000, bytesPerOrderPerRate: 10 });
  for (const s of shards) {
    assert.ok(s.rate <= 10 + 1e-9);
    assert.ok(s.bytes <= 1000 + 1e-9);
  }
  assert.deepEqual(split, [{ store: 0, rate: 25, shards: 3 }]);
  assert.equal(
    shards.filter((s) => !s.dedicated).reduce((n, s) => n + s.stores, 0),
    rates.length - 1,
    "every other store placed once",
  );
  assert.ok(Math.abs(shards.reduce((a, s) => a + s.rate, 0) - 57) < 1e-9, "no load lost or doubled");
  // Storage binds when bytes per order/s is high: 9 orders/s x 200 bytes is over a 1,000-byte shard.
  const byStorage = placeStores([9, 1], { perShardRate: 10, perShardBytes: 1000, bytesPerOrderPerRate: 200 });
  assert.deepEqual(byStorage.split, [{ store: 0, rate: 9, shards: 2 }]);
});

test("the model is deterministic, its costs add up, and a tiny fleet pays only the plan", () => {
  const a = model({ peak: 10_000, stores: 2_000, zipf: 1 });
  assert.deepEqual(model({ peak: 10_000, stores: 2_000, zipf: 1 }), a);
  const { total, ...parts } = a.month.cost_usd;
  assert.ok(Math.abs(Object.values(parts).reduce((x, y) => x + y, 0) - total) < 1e-6);
  assert.ok(a.fleet.shards >= a.fleet.shards_if_only_writer_time_counted);
  assert.ok(a.fleet.shards >= a.fleet.shards_if_only_storage_counted);
  // One dispatcher per shard: the busiest serves the busiest shard's orders, far under one object's limit.
  assert.equal(a.fleet.dispatcher_requests_per_second_busiest_object, a.fleet.busiest_shard_orders_per_second * ASSUMED.webhookDeliveriesPerOrder.value);
  assert.equal(a.fleet.dispatcher_over_one_object, false);

  const tiny = model({ peak: 0.01, stores: 3, zipf: 1 });
  assert.equal(tiny.fleet.shards, 1);
  assert.equal(tiny.month.cost_usd.total, PUBLISHED.workersPlanMonthly.value);
});

test("every input says where it comes from", () => {
  for (const v of Object.values(PUBLISHED)) assert.match(v.source, /^https:\/\/developers\.cloudflare\.com\//);
  for (const v of Object.values(MEASURED)) assert.ok(v.source.length > 10);
  for (const v of Object.values(ASSUMED)) assert.ok(v.why.length > 10);
});
