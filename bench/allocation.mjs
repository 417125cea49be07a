// Allocation throughput, measured against the real local stack: `wrangler dev`
// (workerd, local D1, Durable Objects and Queues) on 127.0.0.1 with a
// throwaway state directory. Bounded: every phase has a deadline and the
// whole run gives up after BENCH_TIMEOUT_MS; wrangler is always stopped.
//
//   node bench/allocation.mjs            (BENCH_ORDERS=300 BENCH_CONCURRENCY=20 BENCH_DURATION_S=10)
//
// Scenarios:
//  1. pipeline  - approve N orders (C at a time); time until every one is
//                 processing: approval -> outbox -> queue -> plan -> DO `process`
//                 with the reservation. Allocations per second end to end.
//  2. direct    - N approved orders allocated by POST /v1/orders/:id/allocation,
//                 C at a time: the allocation path without the queue's batching.
//  3. race      - R orders approved at once against S units: allocations per
//                 second under contention, and a check that nothing oversold.
//  4. dry-run   - POST /v1/allocations/dry-run driven by autocannon (planning only).
// Results go to bench/allocation-results.json.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { migrateLocal } from "../scripts/local-migrations.mjs";
import { nodeBinary, ROOT, throwawayKeyArgs, wranglerEntry } from "../scripts/wrangler.mjs";

const N = Number(process.env.BENCH_ORDERS || 300);
const C = Number(process.env.BENCH_CONCURRENCY || 20);
const DURATION_S = Number(process.env.BENCH_DURATION_S || 10);
const RACE_ORDERS = Number(process.env.BENCH_RACE_ORDERS || 100);
const RACE_UNITS = Number(process.env.BENCH_RACE_UNITS || 25);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS || 15 * 60_000);
const ADMIN = `bench_${randomBytes(16).toString("hex")}`;
const log = (m) => console.log(`[bench] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), "oms-bench-"));
const state = join(dir, "state");
let dev = null;
function cleanup() {
  if (dev && dev.exitCode === null) {
    try {
      process.kill(-dev.pid, "SIGTERM");
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));
const overall = setTimeout(() => {
  console.error(`[bench] gave up after ${TIMEOUT_MS / 1000}s`);
  process.exit(1);
}, TIMEOUT_MS);
overall.unref();

// ---- the server ------------------------------------------------------------

// A fresh state directory: a copy of the migrated template (scripts/local-migrations.mjs), not three wrangler runs.
await migrateLocal({ persistDir: state });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
dev = spawn(
  nodeBinary(),
  [
    wranglerEntry(),
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--log-level",
    "warn",
    "--persist-to",
    state,
    "--var",
    `BOOTSTRAP_ADMIN_KEY:${ADMIN}`,
    ...throwawayKeyArgs(),
    "--show-interactive-dev-session=false",
  ],
  { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" }, stdio: ["ignore", "inherit", "inherit"], detached: true },
);
for (let deadline = Date.now() + 120_000; ; ) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {}
  if (Date.now() > deadline) throw new Error("wrangler dev did not come up");
  await sleep(300);
}
log(`wrangler dev on ${base} (state in ${state})`);

async function api(path, { method, body } = {}) {
  const res = await fetch(`${base}${path}`, {
    method: method ?? (body ? "POST" : "GET"),
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method ?? (body ? "POST" : "GET")} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return json;
}

/** Runs `fn` over `items` with `c` workers; resolves to the elapsed milliseconds. */
async function pool(items, c, fn) {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(c, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
  return performance.now() - started;
}

// ---- setup -----------------------------------------------------------------

const SKUS = ["TEA-1", "MUG-1", "KETTLE-1", "FILTER-1", "CUP-1"];
async function setup(name, unitsPerSku) {
  const store = await api("/v1/stores", { body: { name, currency: "USD" } });
  const wh = await api("/v1/warehouses", { body: { name: `${name} warehouse`, country: "US", region: "NJ", store_ids: [store.id] } });
  for (const [i, code] of ["A-01", "A-02", "B-01"].entries()) await api(`/v1/warehouses/${wh.id}/bins`, { body: { code, pick_sequence: (i + 1) * 10 } });
  if (unitsPerSku > 0) {
    await api(`/v1/warehouses/${wh.id}/receipts`, {
      body: { lines: SKUS.map((sku, i) => ({ sku, bin: ["A-01", "A-02", "B-01"][i % 3], quantity: unitsPerSku, unit_cost: "2.50" })) },
    });
  }
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  return { store, wh };
}

const orderBody = (storeId, i, lines) => ({
  store_id: storeId,
  channel: "bench",
  external_id: `bench-${storeId}-${i}`,
  customer: { name: `Customer ${i}`, email: `c${i}@bench.example` },
  shipping_address: { name: `Customer ${i}`, line1: `${i} Main St`, city: "Newark", region: "NJ", postal_code: "07102", country: "US" },
  lines,
  currency: "USD",
});
const someLines = (i) => Array.from({ length: 1 + (i % 3) }, (_, k) => ({ sku: SKUS[(i + k) % SKUS.length], quantity: 1 + ((i + k) % 2), unit_price: "9.90" }));

async function createOrders(storeId, n, lines = someLines) {
  const ids = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    C,
    async (i) => ids.push((await api("/v1/orders", { body: orderBody(storeId, i, lines(i)) })).id),
  );
  return ids;
}

async function countStatus(storeId, status) {
  let n = 0;
  let cursor = null;
  do {
    const page = await api(`/v1/orders?store_id=${storeId}&status=${status}&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    n += page.data.length;
    cursor = page.next_cursor;
  } while (cursor);
  return n;
}

const results = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  params: { N, C, DURATION_S, RACE_ORDERS, RACE_UNITS },
  scenarios: {},
};

// ---- 1. pipeline -----------------------------------------------------------
{
  const { store } = await setup("bench pipeline", 1_000_000);
  const ids = await createOrders(store.id, N);
  log(`pipeline: ${ids.length} orders created; approving ${C} at a time`);
  const started = performance.now();
  await pool(ids, C, (id) => api(`/v1/orders/${id}/transitions`, { body: { event: "approve" } }));
  const approvedMs = performance.now() - started;
  let processing = 0;
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(250)) {
    processing = await countStatus(store.id, "processing");
    if (processing === N) break;
  }
  const ms = performance.now() - started;
  results.scenarios.pipeline = {
    orders: N,
    allocated: processing,
    seconds: +(ms / 1000).toFixed(2),
    approvals_seconds: +(approvedMs / 1000).toFixed(2),
    allocations_per_second: +(processing / (ms / 1000)).toFixed(1),
  };
  log(`pipeline: ${processing}/${N} processing in ${(ms / 1000).toFixed(2)}s -> ${results.scenarios.pipeline.allocations_per_second} allocations/s`);
}

// ---- 2. direct -------------------------------------------------------------
{
  // Approved while the store routes to nowhere (backordered), so the queue does not allocate them first.
  const { store, wh } = await setup("bench direct", 1_000_000);
  const nowhere = await api("/v1/warehouses", { body: { name: "empty", country: "US", store_ids: [store.id] } });
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [nowhere.id] } });
  const ids = await createOrders(store.id, N);
  await pool(ids, C, (id) => api(`/v1/orders/${id}/transitions`, { body: { event: "approve" } }));
  await sleep(3000); // let the queue's (failing) attempts pass
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  let allocated = 0;
  const ms = await pool(ids, C, async (id) => {
    const r = await api(`/v1/orders/${id}/allocation`, { body: {} });
    if (r.status === "allocated") allocated++;
  });
  results.scenarios.direct = { orders: N, allocated, seconds: +(ms / 1000).toFixed(2), allocations_per_second: +(allocated / (ms / 1000)).toFixed(1) };
  log(`direct: ${allocated}/${N} allocated in ${(ms / 1000).toFixed(2)}s -> ${results.scenarios.direct.allocations_per_second} allocations/s`);
}

// ---- 3. race ---------------------------------------------------------------
{
  const { store, wh } = await setup("bench race", 0);
  await api(`/v1/warehouses/${wh.id}/receipts`, { body: { lines: [{ sku: "LAST-1", bin: "A-01", quantity: RACE_UNITS, unit_cost: "1.00" }] } });
  const ids = await createOrders(store.id, RACE_ORDERS, () => [{ sku: "LAST-1", quantity: 1, unit_price: "9.90" }]);
  const started = performance.now();
  await pool(ids, RACE_ORDERS, (id) => api(`/v1/orders/${id}/transitions`, { body: { event: "approve" } }));
  // Every order ends allocated or backordered.
  let settled = 0;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(250)) {
    const states = await Promise.all(ids.map((id) => api(`/v1/orders/${id}/allocation`).then((a) => a.status)));
    settled = states.filter((s) => s !== "none").length;
    if (settled === ids.length) break;
  }
  const ms = performance.now() - started;
  const processing = await countStatus(store.id, "processing");
  const stock = await api(`/v1/warehouses/${wh.id}/stock?sku=LAST-1`);
  const check = await api(`/v1/warehouses/${wh.id}/stock-check`);
  const reserved = stock.data.reduce((s, l) => s + l.reserved, 0);
  results.scenarios.race = {
    orders: RACE_ORDERS,
    units: RACE_UNITS,
    allocated_orders: processing,
    reserved_units: reserved,
    oversold: reserved > RACE_UNITS || processing > RACE_UNITS,
    ledger_matches_levels: check.ok,
    seconds_to_settle: +(ms / 1000).toFixed(2),
    decisions_per_second: +(settled / (ms / 1000)).toFixed(1),
  };
  log(`race: ${processing} of ${RACE_ORDERS} orders got the ${RACE_UNITS} units (reserved ${reserved}, oversold: ${results.scenarios.race.oversold}, ledger ok: ${check.ok})`);
}

// ---- 4. dry-run ------------------------------------------------------------
{
  const { store } = await setup("bench dry-run", 1_000_000);
  const body = JSON.stringify({
    store_id: store.id,
    destination: { country: "US", region: "NJ" },
    lines: [
      { sku: "TEA-1", quantity: 2 },
      { sku: "MUG-1", quantity: 1 },
    ],
  });
  const r = await autocannon({
    url: `${base}/v1/allocations/dry-run`,
    method: "POST",
    connections: C,
    duration: DURATION_S,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body,
  });
  results.scenarios.dry_run = {
    connections: C,
    seconds: DURATION_S,
    requests_per_second: r.requests.average,
    latency_ms_p50: r.latency.p50,
    latency_ms_p99: r.latency.p99,
    non_2xx: r.non2xx,
    errors: r.errors,
  };
  log(`dry-run: ${r.requests.average} req/s (p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx})`);
}

writeFileSync(join(ROOT, "bench/allocation-results.json"), `${JSON.stringify(results, null, 2)}\n`);
log("wrote bench/allocation-results.json");
process.exit(0);
