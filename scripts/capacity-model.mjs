// Capacity model (docs/SCALING.md): how many shards, queues and dollars a
// fleet of stores taking a given peak of orders per second needs, from
// Cloudflare's published limits and prices, this project's measured cost of
// an order, and assumptions that are named as such.
//
//   node scripts/capacity-model.mjs [--peak 10000] [--stores 20000] [--zipf 1] [--statement-ms 0.25]
//     [--replicas [--replica-share 0.073]] [--json]
//
// A shard is one D1 database with the stores placed on it (and their
// order objects and queues). Everything here is pure and deterministic: the
// same options print the same answer. Each input carries where it comes
// from: "published" (a Cloudflare page, cited in `source`), "measured"
// (this project's benches, named) or "assumed" (a guess to be replaced by a
// measurement; docs/SCALING.md says how).
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const CF = "https://developers.cloudflare.com";

/** Cloudflare's published limits and prices (Workers Paid), as read for docs/SCALING.md. */
export const PUBLISHED = {
  d1MaxDatabaseBytes: { value: 10e9, source: `${CF}/d1/platform/limits/` },
  d1DatabasesPerAccount: { value: 50_000, source: `${CF}/d1/platform/limits/` },
  d1StoragePerAccountBytes: { value: 1e12, source: `${CF}/d1/platform/limits/ (1 TB on Workers Paid, more by request)` },
  d1QueriesPerInvocation: { value: 1000, source: `${CF}/d1/platform/limits/` },
  d1RowsReadIncluded: { value: 25e9, source: `${CF}/d1/platform/pricing/` },
  d1RowsReadPerMillion: { value: 0.001, source: `${CF}/d1/platform/pricing/` },
  d1RowsWrittenIncluded: { value: 50e6, source: `${CF}/d1/platform/pricing/` },
  d1RowsWrittenPerMillion: { value: 1.0, source: `${CF}/d1/platform/pricing/` },
  d1StorageIncludedGb: { value: 5, source: `${CF}/d1/platform/pricing/` },
  d1StoragePerGbMonth: { value: 0.75, source: `${CF}/d1/platform/pricing/` },
  doRequestsPerSecondPerObject: { value: 1000, source: `${CF}/durable-objects/reference/faq/` },
  doRequestsIncluded: { value: 1e6, source: `${CF}/durable-objects/platform/pricing/` },
  doRequestsPerMillion: { value: 0.15, source: `${CF}/durable-objects/platform/pricing/` },
  doGbSecondsIncluded: { value: 400_000, source: `${CF}/durable-objects/platform/pricing/` },
  doGbSecondsPerMillion: { value: 12.5, source: `${CF}/durable-objects/platform/pricing/` },
  doMemoryGb: { value: 0.128, source: `${CF}/durable-objects/platform/pricing/` },
  doStoragePerGbMonth: { value: 0.2, source: `${CF}/durable-objects/platform/pricing/` },
  doStorageIncludedGb: { value: 5, source: `${CF}/durable-objects/platform/pricing/` },
  queueMessagesPerSecond: { value: 5000, source: `${CF}/queues/platform/limits/` },
  queuesPerAccount: { value: 10_000, source: `${CF}/queues/platform/limits/` },
  queueOpsPerMessage: { value: 3, source: `${CF}/queues/platform/pricing/` },
  queueOpsIncluded: { value: 1e6, source: `${CF}/queues/platform/pricing/` },
  queueOpsPerMillion: { value: 0.4, source: `${CF}/queues/platform/pricing/` },
  workersPlanMonthly: { value: 5, source: `${CF}/workers/platform/pricing/` },
  workersRequestsIncluded: { value: 10e6, source: `${CF}/workers/platform/pricing/` },
  workersRequestsPerMillion: { value: 0.3, source: `${CF}/workers/platform/pricing/` },
  workersCpuMsIncluded: { value: 30e6, source: `${CF}/workers/platform/pricing/` },
  workersCpuMsPerMillion: { value: 0.02, source: `${CF}/workers/platform/pricing/` },
};

/** What this project's benches measured on the development machine (2 cores, local wrangler dev). */
export const MEASURED = {
  d1StatementsPerOrder: { value: 155.4, source: "npm run bench:order, BENCH_D1_TRACE=1, 200 orders at 64 actors, 2026-12-06 (bench/README.md)" },
  d1RoundTripsPerOrder: { value: 36.7, source: "npm run bench:order, BENCH_D1_TRACE=1, 200 orders at 64 actors, 2026-12-06 at cfd8252 (bench/README.md)" },
  requestsPerOrder: { value: 14.6, source: "npm run bench:order: actor requests per completed order (13.5 actions, 1 mailbox read, 0.1 polls), 2026-12-06" },
  replicaShare: {
    value: 0.077,
    source:
      "npm run bench:order, BENCH_D1_TRACE=1, 200 orders, 2026-12-06: 12.0 of 155.4 statements per order on read sessions (`@...~replica`, all of them the customer's page); the bench makes no other read that may be stale (no staff lists, no storefront polls)",
  },
  storedBytesPerOrder: {
    value: 5971,
    source:
      "bench/rollup.mjs's local D1 file with 100,000 orders, their lines, events and fulfilment facts, indexes included: 597,131,264 bytes (no activity log, outbox or notices: a floor)",
  },
  rowsWrittenPerOrder: {
    value: 398.7,
    source:
      "npm run bench:order, BENCH_D1_TRACE=1, 200 orders, 2026-12-06 after migration 0044 (406.7 before it): D1's meta.rows_written summed per completed order (index entries included, as D1 bills them; local D1's accounting)",
  },
  rowsReadPerOrder: {
    value: 1151.3,
    source:
      "npm run bench:order, BENCH_D1_TRACE=1, 200 orders, 2026-12-06: D1's meta.rows_read summed per completed order; answers without meta (first(), raw()) are not counted, so a floor",
  },
  doRequestsPerOrder: {
    value: 5,
    source: "npm run bench:order, BENCH_D1_TRACE=1, 2026-12-06: calls into the order's object per completed order (audit, allocation, ship, deliver, complete)",
  },
  queueMessagesPerOrder: {
    value: 8,
    source: "npm run bench:order, 2026-12-06: outbox rows per completed order (fulfilment 2, notifications 4, logistics 2)",
  },
  busiestQueueShare: { value: 0.5, source: "npm run bench:order, 2026-12-06: notifications take 4 of an order's 8 queue messages" },
};

/** Guesses, each to be replaced by a measurement (docs/SCALING.md, "What to measure next"). */
export const ASSUMED = {
  statementMs: { value: 0.25, why: "time one statement holds the shard's single SQLite writer on D1, batch overhead included" },
  readsOnReplicas: {
    value: false,
    why: "D1 read replication turned on for the shard (docs/deployment.md): the statements the code sends to read sessions (replicaShare) leave its writer",
  },
  shardUtilisation: { value: 0.5, why: "the busiest a shard may run at peak, leaving room for bursts, rollups and retries" },
  storageFill: { value: 0.8, why: "the share of D1's 10 GB a shard may fill" },
  averageToPeak: { value: 0.1, why: "average orders/s over a month as a share of the peak" },
  hotDays: { value: 90, why: "days an order stays in D1 before it is archived elsewhere" },
  doActiveMsPerRequest: { value: 30, why: "wall time an order object stays billed per request (duration is wall clock)" },
  doStoredBytesPerOrder: { value: 20_000, why: "an order object's SQLite storage while the order is hot" },
  webhookDeliveriesPerOrder: { value: 4, why: "partner webhook deliveries per order through the dispatcher object" },
  workerCpuMsPerOrder: { value: 60, why: "Worker CPU per order, every request and consumer (D1 time is not Worker CPU)" },
  messagesPerConsumerInvocation: { value: 10, why: "messages per queue consumer batch, each batch one billed invocation" },
};

const SECONDS_PER_MONTH = 30 * 86_400;

/** Store order rates for a fleet: Zipf with exponent `s` over `stores` stores, summing to `peak` orders/s. Deterministic. */
export function storeRates({ peak, stores, zipf }) {
  const weights = Array.from({ length: stores }, (_, i) => 1 / (i + 1) ** zipf);
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (peak * w) / total);
}

/** Orders/s one shard sustains at the target utilisation: its writer's time divided by an order's statements on it. */
export function shardOrdersPerSecond(m) {
  const statements = m.statementsPerOrder * (m.readsOnReplicas ? 1 - m.replicaShare : 1);
  return ((1000 / m.statementMs) * m.shardUtilisation) / statements;
}

/**
 * Places stores on shards, largest first, first fit, within a shard's rate and storage. A store bigger than one
 * shard gets shards of its own (it would need its orders spread by order id: store-level sharding cannot hold it).
 */
export function placeStores(rates, { perShardRate, perShardBytes, bytesPerOrderPerRate }) {
  const shards = [];
  const split = [];
  for (const [store, rate] of rates.map((r, i) => [i, r]).sort((a, b) => b[1] - a[1])) {
    const bytes = rate * bytesPerOrderPerRate;
    if (rate > perShardRate || bytes > perShardBytes) {
      const n = Math.max(Math.ceil(rate / perShardRate), Math.ceil(bytes / perShardBytes));
      split.push({ store, rate, shards: n });
      for (let i = 0; i < n; i++) shards.push({ rate: rate / n, bytes: bytes / n, stores: 1, dedicated: true });
      continue;
    }
    // First fit over the open shards; most stores are tiny, so only the last few shards are worth trying.
    let placed = false;
    for (let i = Math.max(0, shards.length - 64); i < shards.length && !placed; i++) {
      const s = shards[i];
      if (!s.dedicated && s.rate + rate <= perShardRate && s.bytes + bytes <= perShardBytes) {
        s.rate += rate;
        s.bytes += bytes;
        s.stores++;
        placed = true;
      }
    }
    if (!placed) shards.push({ rate, bytes, stores: 1, dedicated: false });
  }
  return { shards, split };
}

const billed = (used, included, perMillion) => (Math.max(0, used - included) / 1e6) * perMillion;

/** The whole model: options (numbers) in, a plain report out. */
export function model(opts) {
  const o = { peak: 10_000, stores: 20_000, zipf: 1, ...opts };
  const m = {
    statementsPerOrder: o.statementsPerOrder ?? MEASURED.d1StatementsPerOrder.value,
    requestsPerOrder: o.requestsPerOrder ?? MEASURED.requestsPerOrder.value,
    replicaShare: o.replicaShare ?? MEASURED.replicaShare.value,
    storedBytesPerOrder: o.storedBytesPerOrder ?? MEASURED.storedBytesPerOrder.value,
    ...Object.fromEntries(
      ["rowsWrittenPerOrder", "rowsReadPerOrder", "doRequestsPerOrder", "queueMessagesPerOrder", "busiestQueueShare"].map((k) => [k, o[k] ?? MEASURED[k].value]),
    ),
    ...Object.fromEntries(Object.entries(ASSUMED).map(([k, v]) => [k, o[k] ?? v.value])),
  };
  const p = Object.fromEntries(Object.entries(PUBLISHED).map(([k, v]) => [k, v.value]));

  const perShardRate = shardOrdersPerSecond(m);
  const perShardBytes = p.d1MaxDatabaseBytes * m.storageFill;
  // Bytes a store holds per order/s of peak: its average rate over the hot window.
  const bytesPerOrderPerRate = m.averageToPeak * m.hotDays * 86_400 * m.storedBytesPerOrder;
  const rates = storeRates(o);
  const { shards, split } = placeStores(rates, { perShardRate, perShardBytes, bytesPerOrderPerRate });
  const busiest = Math.max(...shards.map((s) => s.rate));
  const totalRate = rates.reduce((a, b) => a + b, 0);
  // Which limit sets the shard count: the writer's time or D1's 10 GB.
  const byRate = Math.ceil(totalRate / perShardRate);
  const byStorage = Math.ceil((totalRate * bytesPerOrderPerRate) / perShardBytes);

  const queueMsgs = o.peak * m.queueMessagesPerOrder;
  const queuesNeeded = Math.ceil((o.peak * m.queueMessagesPerOrder * m.busiestQueueShare) / p.queueMessagesPerSecond / m.shardUtilisation);
  const dispatcherRate = o.peak * m.webhookDeliveriesPerOrder;
  // One dispatcher object per shard (sharding step 6): the busiest one serves the busiest shard's orders.
  const dispatcherRatePerObject = busiest * m.webhookDeliveriesPerOrder;

  const ordersPerMonth = o.peak * m.averageToPeak * SECONDS_PER_MONTH;
  const hotOrders = o.peak * m.averageToPeak * m.hotDays * 86_400;
  const consumerInvocations = (ordersPerMonth * m.queueMessagesPerOrder) / m.messagesPerConsumerInvocation;
  const cost = {
    workers:
      p.workersPlanMonthly +
      billed(ordersPerMonth * m.requestsPerOrder + consumerInvocations, p.workersRequestsIncluded, p.workersRequestsPerMillion) +
      billed(ordersPerMonth * m.workerCpuMsPerOrder, p.workersCpuMsIncluded, p.workersCpuMsPerMillion),
    d1:
      billed(ordersPerMonth * m.rowsReadPerOrder, p.d1RowsReadIncluded, p.d1RowsReadPerMillion) +
      billed(ordersPerMonth * m.rowsWrittenPerOrder, p.d1RowsWrittenIncluded, p.d1RowsWrittenPerMillion) +
      Math.max(0, (hotOrders * m.storedBytesPerOrder) / 1e9 - p.d1StorageIncludedGb) * p.d1StoragePerGbMonth,
    durableObjects:
      billed(ordersPerMonth * m.doRequestsPerOrder, p.doRequestsIncluded, p.doRequestsPerMillion) +
      billed(((ordersPerMonth * m.doRequestsPerOrder * m.doActiveMsPerRequest) / 1000) * p.doMemoryGb, p.doGbSecondsIncluded, p.doGbSecondsPerMillion) +
      Math.max(0, (hotOrders * m.doStoredBytesPerOrder) / 1e9 - p.doStorageIncludedGb) * p.doStoragePerGbMonth,
    queues: billed(ordersPerMonth * m.queueMessagesPerOrder * p.queueOpsPerMessage, p.queueOpsIncluded, p.queueOpsPerMillion),
  };
  const total = Object.values(cost).reduce((a, b) => a + b, 0);

  return {
    inputs: { ...o, ...m },
    per_shard: {
      orders_per_second: perShardRate,
      db_ms_per_order: m.statementsPerOrder * (m.readsOnReplicas ? 1 - m.replicaShare : 1) * m.statementMs,
      max_bytes: perShardBytes,
    },
    fleet: {
      peak_orders_per_second: o.peak,
      stores: o.stores,
      largest_store_orders_per_second: rates[0],
      shards: shards.length,
      shards_if_only_writer_time_counted: byRate,
      shards_if_only_storage_counted: byStorage,
      bound_by: byStorage > byRate ? "storage" : "writer time",
      shards_allowed_per_account: p.d1DatabasesPerAccount,
      busiest_shard_orders_per_second: busiest,
      headroom_at_peak: 1 - busiest / (perShardRate / m.shardUtilisation),
      stores_too_big_for_one_shard: split.length,
      largest_stores: split.slice(0, 3).map((s) => ({ rank: s.store + 1, orders_per_second: s.rate, shards: s.shards })),
      hot_storage_gb: (hotOrders * m.storedBytesPerOrder) / 1e9,
      hot_storage_over_account_limit: hotOrders * m.storedBytesPerOrder > p.d1StoragePerAccountBytes,
      queue_messages_per_second: queueMsgs,
      queues_per_kind_needed: queuesNeeded,
      dispatcher_requests_per_second: dispatcherRate,
      dispatcher_requests_per_second_busiest_object: dispatcherRatePerObject,
      dispatcher_over_one_object: dispatcherRatePerObject > p.doRequestsPerSecondPerObject,
      order_object_requests_per_second: o.peak * m.doRequestsPerOrder,
    },
    month: { orders: ordersPerMonth, cost_usd: { ...cost, total } },
  };
}

function print(r) {
  const n = (x, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
  const f = r.fleet;
  const lines = [
    `Capacity model: ${n(f.peak_orders_per_second)} orders/s at peak over ${n(f.stores)} stores (Zipf ${r.inputs.zipf})`,
    "",
    `per shard (one D1 database)`,
    `  D1 writer time per order          ${n(r.per_shard.db_ms_per_order, 1)} ms  (${n(r.inputs.statementsPerOrder, 1)} statements x ${r.inputs.statementMs} ms${r.inputs.readsOnReplicas ? `, ${n(r.inputs.replicaShare * 100, 1)}% of them on replicas` : ""})`,
    `  orders/s at ${n(r.inputs.shardUtilisation * 100)}% utilisation       ${n(r.per_shard.orders_per_second, 1)}`,
    "",
    `fleet`,
    `  largest store                     ${n(f.largest_store_orders_per_second, 1)} orders/s`,
    `  shards (D1 databases)             ${n(f.shards)} of ${n(f.shards_allowed_per_account)} allowed per account; set by ${f.bound_by} (${n(f.shards_if_only_writer_time_counted)} for writer time alone, ${n(f.shards_if_only_storage_counted)} for storage alone)`,
    `  busiest shard                     ${n(f.busiest_shard_orders_per_second, 1)} orders/s, headroom at peak ${n(f.headroom_at_peak * 100)}%`,
    `  stores needing more than a shard  ${n(f.stores_too_big_for_one_shard)}${f.largest_stores.length ? ` (largest: ${n(f.largest_stores[0].orders_per_second, 1)} orders/s on ${f.largest_stores[0].shards} shards; sharding by store alone cannot hold them)` : ""}`,
    `  hot storage                       ${n(f.hot_storage_gb)} GB${f.hot_storage_over_account_limit ? "  OVER D1's 1 TB per account: a limit increase or several accounts" : ""}`,
    `  queue messages/s                  ${n(f.queue_messages_per_second)}; queues per kind needed: ${n(f.queues_per_kind_needed)} (5,000 msg/s each)`,
    `  webhook dispatcher requests/s     ${n(f.dispatcher_requests_per_second)} over one object per shard, ${n(f.dispatcher_requests_per_second_busiest_object)} at the busiest${f.dispatcher_over_one_object ? "  OVER one object's 1,000/s: that shard's dispatcher must be split" : ""}`,
    `  order object requests/s           ${n(f.order_object_requests_per_second)} (spread over one object per order)`,
    "",
    `monthly cost at ${n(r.inputs.averageToPeak * 100)}% of peak on average (${n(r.month.orders / 1e6)} M orders/month), USD`,
    ...Object.entries(r.month.cost_usd).map(([k, v]) => `  ${k.padEnd(34)}${n(v)}`),
  ];
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      peak: { type: "string", default: "10000" },
      stores: { type: "string", default: "20000" },
      zipf: { type: "string", default: "1" },
      "statement-ms": { type: "string" },
      "bytes-per-order": { type: "string" },
      replicas: { type: "boolean", default: false },
      "replica-share": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const r = model({
    peak: Number(values.peak),
    stores: Number(values.stores),
    zipf: Number(values.zipf),
    ...(values["statement-ms"] ? { statementMs: Number(values["statement-ms"]) } : {}),
    ...(values["bytes-per-order"] ? { storedBytesPerOrder: Number(values["bytes-per-order"]) } : {}),
    ...(values.replicas ? { readsOnReplicas: true } : {}),
    ...(values["replica-share"] ? { replicaShare: Number(values["replica-share"]) } : {}),
  });
  console.log(values.json ? JSON.stringify(r, null, 2) : print(r));
}
