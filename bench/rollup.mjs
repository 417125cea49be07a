// Rollup bench: how long the analytics rollups take to fold N generated
// orders from scratch, how long an incremental run takes after new orders
// arrive, and how fast the reports answer.
//
//   node bench/rollup.mjs [--orders 100000] [--stores 20] [--days 60] [--requests 100] [--keep] [--reuse DIR] [--trace]
//
// --requests 0 skips the reports' latency. --trace runs the Worker with D1_TRACE=1 (src/db/trace.ts) and prints,
// for the full and the incremental rollup, the database time D1 reports per statement (its `meta.duration`) against
// the runs' own time: whether a run waits on SQL or on the Worker. Tracing costs CPU: take times from a run without.
//
// --keep leaves the throwaway directory in place; --reuse DIR runs on a copy of
// such a directory's data instead of loading anew (the rollups are rebuilt
// first, so the full rollup still starts from scratch), which saves the load's
// minutes when comparing two versions of the code on the same data.
//
// Everything runs locally against a throwaway state directory and talks only
// to 127.0.0.1: migrations, the generated orders and what processing and
// logistics recorded for them (allocations, floor work, ship costs, audits,
// tracking) loaded with `wrangler d1 execute --file` (chunked) and laid out
// in the order a live database writes them (lib/time-layout.mjs), then
// `wrangler dev`, whose rollup
// cron is fired through /cdn-cgi/local/scheduled until the rollups have
// caught up. Beside it, the floor worker (bench/floor) sums as many events in
// one D1 batch, five times before the full rollup and five after: the rollup
// is reported as a ratio to that floor too, since this machine's speed moves
// more than a change does. Writes bench/rollup-results.json and prints a table.
import { spawn } from "node:child_process";
import { closeSync, cpSync, existsSync, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { d1File } from "../scripts/d1-bindings.mjs";
import { migrateLocal } from "../scripts/local-migrations.mjs";
import { nodeBinary, ROOT, runWrangler, throwawayKeyArgs, wranglerEntry, wranglerEnv } from "../scripts/wrangler.mjs";
import { databaseTime } from "./lib/d1-trace.mjs";
import { generateOrders } from "./lib/generate-orders.mjs";
import { startServer } from "./lib/main-server.mjs";
import { layOutByTime } from "./lib/time-layout.mjs";

const { values: args } = parseArgs({
  options: {
    orders: { type: "string", default: "100000" },
    stores: { type: "string", default: "20" },
    days: { type: "string", default: "60" },
    requests: { type: "string", default: "100" },
    keep: { type: "boolean", default: false },
    reuse: { type: "string" },
    trace: { type: "boolean", default: false },
  },
});
const ORDERS = Number(args.orders);
const STORES = Number(args.stores);
const DAYS = Number(args.days);
const REQUESTS = Number(args.requests);
const ROLLUP_CRON = "*/5 * * * *";
// The customers' own cron (src/customers/sync-customers.ts); before it had one it ran inside the rollup's.
const CUSTOMER_CRON = "2-59/5 * * * *";
const ROLLUP_LAG_MS = 60_000;
const DEADLINE = Date.now() + 45 * 60_000;
const ADMIN_KEY = `oms_bench_admin_${Math.random().toString(36).slice(2)}`;

const log = (msg) => console.log(`[bench] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function checkDeadline() {
  if (Date.now() > DEADLINE) throw new Error("bench took longer than 45 minutes; giving up");
}

const dir = mkdtempSync(join(tmpdir(), "oms-rollup-bench-"));
const state = join(dir, "state");
if (args.reuse) cpSync(join(args.reuse, "state"), state, { recursive: true });
let dev = null;

function cleanup() {
  if (dev && dev.exitCode === null) {
    try {
      process.kill(-dev.pid, "SIGTERM");
    } catch {
      // gone
    }
  }
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => process.exit(130));

async function wrangler(argv) {
  const r = await runWrangler([...argv, "--persist-to", state]);
  if (r.code !== 0) throw new Error(`wrangler ${argv.join(" ")} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

// ---- data -------------------------------------------------------------------

const ZONES = [
  ["UTC", "USD"],
  ["America/New_York", "USD"],
  ["Europe/Berlin", "EUR"],
  ["Asia/Kolkata", "INR"],
  ["America/Los_Angeles", "USD"],
  ["Australia/Sydney", "AUD"],
  ["Asia/Tokyo", "JPY"],
  ["Europe/London", "GBP"],
];
const stores = Array.from({ length: STORES }, (_, i) => {
  const [timezone, currency] = ZONES[i % ZONES.length];
  return { id: `st_bench_${String(i).padStart(3, "0")}`, name: `Bench store ${i}`, timezone, currency };
});
const keys = [
  ["key_bench_auditor_1", "auditor"],
  ["key_bench_auditor_2", "auditor"],
  ["key_bench_warehouse_1", "warehouse"],
  ["key_bench_logistics_1", "logistics"],
  ["key_bench_channel_1", "channel"],
  ["key_bench_floor_1", "warehouse"],
  ["key_bench_floor_2", "warehouse"],
  ["key_bench_floor_3", "warehouse"],
];
const warehouses = [
  { id: "wh_bench_us_east", currency: "USD" },
  { id: "wh_bench_us_west", currency: "USD" },
  { id: "wh_bench_eu", currency: "EUR" },
  { id: "wh_bench_jp", currency: "JPY" },
];
// What processing and logistics record, in insert order (bench/lib/generate-facts.mjs).
const FACT_TABLES = ["shipments", "shipment_items", "stock_movements", "warehouse_events", "audit_results", "shipment_tracking", "logistics_exceptions"];

const lit = (v) => (v === null || v === undefined ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
function inserts(table, rows, perStatement) {
  if (!rows.length) return "";
  const cols = Object.keys(rows[0]);
  let out = "";
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((r) => `(${cols.map((c) => lit(r[c])).join(",")})`);
    out += `INSERT INTO ${table} (${cols.join(",")}) VALUES ${values.join(",")};\n`;
  }
  return out;
}

async function loadData(end) {
  const now = Date.now();
  const head =
    inserts(
      "stores",
      stores.map((s) => ({ ...s, created_at: now, updated_at: now })),
      50,
    ) +
    inserts(
      "warehouses",
      warehouses.map((w) => ({ id: w.id, name: w.id, country: "US", currency: w.currency, created_at: now })),
      50,
    );
  // The keys acting in the events (their roles go into the staff rollups) live on the directory, as every key does.
  const people = inserts(
    "api_keys",
    keys.map(([id, role]) => ({
      id,
      name: id,
      role,
      store_ids: '["*"]',
      key_hash: `bench-${id}`,
      key_prefix: "oms_bench",
      created_by: "bench",
      created_at: now,
    })),
    50,
  );
  const headFile = join(dir, "head.sql");
  writeFileSync(headFile, head);
  await wrangler(["d1", "execute", "DB", "--local", "--file", headFile]);
  const peopleFile = join(dir, "people.sql");
  writeFileSync(peopleFile, people);
  await wrangler(["d1", "execute", "DIRECTORY", "--local", "--file", peopleFile]);

  const gen = generateOrders({
    seed: 2026,
    count: ORDERS,
    start: end - DAYS * 86_400_000,
    end,
    stores,
    currencies: ["EUR", "USD", "JPY"],
    actors: {
      audit: ["key_bench_auditor_1", "key_bench_auditor_2", "bootstrap"],
      warehouse: ["key_bench_warehouse_1"],
      logistics: ["key_bench_logistics_1", "carrier:webhook"],
      system: ["key_bench_channel_1", "system:timer"],
    },
    fulfilment: { warehouses, workers: ["key_bench_floor_1", "key_bench_floor_2", "key_bench_floor_3"] },
  });
  const CHUNK = 10_000;
  let counts = { orders: 0, lines: 0, events: 0, facts: 0 };
  for (let part = 0; ; part++) {
    const batch = [];
    for (let i = 0; i < CHUNK; i++) {
      const next = gen.next();
      if (next.done) break;
      batch.push(next.value);
    }
    if (!batch.length) break;
    const orders = batch.map((g) => g.order);
    const lines = batch.flatMap((g) => g.lines);
    const events = batch.flatMap((g) => g.events);
    const facts = FACT_TABLES.map((table) => [table, batch.flatMap((g) => g.facts[table] ?? [])]);
    const factCount = facts.reduce((n, [, rows]) => n + rows.length, 0);
    counts = { orders: counts.orders + orders.length, lines: counts.lines + lines.length, events: counts.events + events.length, facts: counts.facts + factCount };
    const file = join(dir, `orders-${part}.sql`);
    writeFileSync(
      file,
      inserts("orders", orders, 100) + inserts("order_lines", lines, 300) + inserts("order_events", events, 200) + facts.map(([table, rows]) => inserts(table, rows, 100)).join(""),
    );
    const t = Date.now();
    await wrangler(["d1", "execute", "DB", "--local", "--file", file]);
    rmSync(file);
    log(`loaded ${counts.orders} orders (${((Date.now() - t) / 1000).toFixed(1)}s for this chunk)`);
    checkDeadline();
  }
  return counts;
}

/**
 * Writes the data directory's files out to the disk before the timed runs: the copy (--reuse), the layout and the
 * migrations leave much of the D1 file's hundreds of megabytes in the page cache, unwritten, and the server's first
 * sync of that file would wait for them inside the full rollup.
 */
function flushToDisk(root) {
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const fd = openSync(join(entry.parentPath, entry.name), "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** The loaded rows, rewritten in the order a live database would hold them (bench/lib/time-layout.mjs). */
function relayout() {
  const t = Date.now();
  const rows = layOutByTime(d1File(state, "DB"));
  log(`${rows} rows laid out in the order they are written live in ${((Date.now() - t) / 1000).toFixed(1)}s`);
}

// ---- server -----------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startDev(port, keyArgs) {
  const argv = [
    wranglerEntry(),
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    state,
    "--log-level",
    "warn",
    "--show-interactive-dev-session=false",
    "--var",
    `BOOTSTRAP_ADMIN_KEY:${ADMIN_KEY}`,
    ...keyArgs,
    ...(args.trace ? ["--var", "D1_TRACE:1"] : []),
  ];
  dev = spawn(nodeBinary(), argv, { cwd: ROOT, env: wranglerEnv({ NO_COLOR: "1" }), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const keep = (d) => {
    output += d;
    if (args.trace) traced += d;
  };
  dev.stdout.on("data", keep);
  dev.stderr.on("data", keep);
  const base = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 120_000; Date.now() < until; ) {
    if (dev.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return base;
    } catch {
      // not yet
    }
    await sleep(300);
  }
  throw new Error(`wrangler dev did not become healthy:\n${output.slice(-3000)}`);
}

async function get(base, path, init = {}) {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...init.headers },
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return { res, text };
}

/**
 * The rollup's own time in the last run, as rollup_state records it. The cron also runs the customer sync and the
 * channel reconciliation beside the rollup (src/index.ts): the cron's wall time counts them too.
 */
let stateDb = null;
function lastRollupMs() {
  if (!stateDb) {
    // Shard 0, where the rollups run today. The server writes this file meanwhile: wait for its lock rather than fail.
    stateDb = new DatabaseSync(d1File(state, "DB"), { readOnly: true, timeout: 10_000 });
  }
  const row = stateDb.prepare("SELECT last_run FROM rollup_state WHERE id = 1").get();
  return row?.last_run ? (JSON.parse(row.last_run).duration_ms ?? 0) : 0;
}

async function fireRollup(base, cron = ROLLUP_CRON) {
  const t = Date.now();
  const res = await fetch(`${base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}`, { signal: AbortSignal.timeout(300_000) });
  await res.text();
  return Date.now() - t;
}

/** The Worker's log since the last `tracedSince()` (with --trace). */
let traced = "";
function tracedSince() {
  const text = traced;
  traced = "";
  return text;
}

function printDatabaseTime(name, run, time) {
  console.log(`\n  ${name}: the rollup's runs ${run.rollupMs} ms; D1 reports ${time.sql_ms} ms of database time over ${time.statements} statements. Most:`);
  for (const s of time.top) console.log(`    ${String(s.ms).padStart(7)} ms ${String(s.n).padStart(5)}x  ${s.sql}`);
}

/** Fires the rollup cron until every change older than the lag is folded; returns { ms, runs }. */
async function rollUntilCaughtUp(base, upTo) {
  tracedSince();
  const started = Date.now();
  let runs = 0;
  let rollupMs = 0;
  for (;;) {
    checkDeadline();
    await fireRollup(base);
    runs++;
    rollupMs += lastRollupMs();
    const f = JSON.parse((await get(base, "/v1/reports/freshness")).text);
    if (f.pending_buckets === 0 && f.as_of && Date.parse(f.as_of) >= upTo) {
      const result = { ms: Date.now() - started, runs, rollupMs };
      // A cron's statements log before its answer and the freshness read after it gives wrangler's log pipe time to
      // pass them on; a line still in the pipe then would be dropped (the next run's count starts by emptying the log).
      if (args.trace) result.database = databaseTime(tracedSince(), { entry: (e) => e === `cron:${ROLLUP_CRON.replaceAll(" ", "_")}` });
      return result;
    }
  }
}

/**
 * The rollup's floor (bench/floor, POST /rollup-floor): one D1 batch summing as many events as the bench holds into
 * day rows per store and type, on the same runtime and disk. It is the least a full rollup of those events could do,
 * and it moves with this machine's speed as the rollup does: the rollup's time is reported as a ratio to it as well.
 */
async function startFloor(events) {
  const srv = await startServer({ stateDir: dir, name: "floor", configArgs: ["--config", join(ROOT, "bench/floor/wrangler.toml")], readyPath: "/hello", log });
  const res = await fetch(`${srv.base}/rollup-floor/seed`, { method: "POST", body: JSON.stringify({ events, stores: STORES, days: DAYS }) });
  if (res.status !== 201) throw new Error(`seeding the rollup floor: ${res.status} ${await res.text()}`);
  flushToDisk(srv.persist);
  return srv;
}

/** The floor's own times (the Worker's, around its batch), `n` runs in a row. */
async function floorRuns(srv, n = 5) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${srv.base}/rollup-floor`, { method: "POST", signal: AbortSignal.timeout(120_000) });
    if (!res.ok) throw new Error(`the rollup floor: ${res.status} ${await res.text()}`);
    ms.push((await res.json()).ms);
  }
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

async function latency(base, name, path, n = REQUESTS) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const { text } = await get(base, path);
    times.push(performance.now() - t);
    bytes = text.length;
  }
  times.sort((a, b) => a - b);
  return { name, path, requests: n, p50_ms: +pct(times, 50).toFixed(1), p99_ms: +pct(times, 99).toFixed(1), max_ms: +times.at(-1).toFixed(1), bytes };
}

// ---- run --------------------------------------------------------------------

try {
  const t0 = Date.now();
  // A fresh directory copies the migrated template; a reused one gets only its new migrations, through wrangler.
  await migrateLocal({ persistDir: state });
  log("migrations applied");
  const loadedFile = join(dir, "loaded.json");
  let end;
  let counts;
  let loadMs = null;
  // The server's PII keys (throwaway, like the data) are kept with the data: what the API sealed in the kept run (the
  // orders it took, their customers) is read again with them. New keys on reuse failed the order export (a 500).
  let keyArgs = throwawayKeyArgs();
  if (args.reuse) {
    if (!existsSync(join(args.reuse, "loaded.json"))) throw new Error(`${args.reuse} has no loaded.json: keep a run of this bench with --keep`);
    let layout;
    let kept;
    ({ end, counts, layout, keyArgs: kept } = JSON.parse(readFileSync(join(args.reuse, "loaded.json"), "utf8")));
    if (kept) keyArgs = kept;
    else log("the kept data has no PII keys (kept before they were): what its run sealed cannot be read, and the order export fails");
    log(`reusing ${counts.orders} orders from ${args.reuse}`);
    // Data kept before the bench laid its rows out by time is laid out so in the copy (lib/time-layout.mjs).
    if (layout !== "time") relayout();
  } else {
    // Data ends well before now, so all of it is older than the rollup lag.
    end = Date.now() - 5 * 60_000;
    const tLoad = Date.now();
    counts = await loadData(end);
    relayout();
    loadMs = Date.now() - tLoad;
    writeFileSync(loadedFile, JSON.stringify({ end, counts, layout: "time", keyArgs }));
    log(`loaded ${counts.orders} orders, ${counts.lines} lines, ${counts.events} events, ${counts.facts} fact rows in ${(loadMs / 1000).toFixed(1)}s`);
  }

  const floor = await startFloor(counts.events);
  flushToDisk(state);
  const base = await startDev(await freePort(), keyArgs);
  log(`wrangler dev on ${base}`);
  if (args.reuse) {
    await get(base, "/v1/reports/rebuild", { method: "POST", body: '{"confirm":true}', headers: { "content-type": "application/json" } });
    log("rollups dropped (rebuild): the full rollup starts from scratch");
  }
  const floorBefore = await floorRuns(floor);
  const loadBefore = (await import("node:os")).loadavg()[0];
  const full = await rollUntilCaughtUp(base, end);
  const loadDuring = [loadBefore, (await import("node:os")).loadavg()[0]];
  const floorMs = [...floorBefore, ...(await floorRuns(floor))];
  const floorMedian = median(floorMs);
  log(
    `rollup floor (${counts.events} events summed into day rows in one batch): ${floorMs.join(", ")} ms, ${floorBefore.length} runs before the full rollup and ${floorMs.length - floorBefore.length} after`,
  );
  log(
    `full rollup: ${(full.ms / 1000).toFixed(1)}s over ${full.runs} cron runs (the rollup's own runs: ${(full.rollupMs / 1000).toFixed(1)}s, ${(full.rollupMs / floorMedian).toFixed(1)}x the floor's median ${floorMedian} ms); load average ${loadDuring.map((l) => l.toFixed(1)).join(" -> ")}`,
  );
  // Printed now: with --trace the customers cron below may not answer within its wait, and the bench stops there.
  if (args.trace) printDatabaseTime("full rollup", full, full.database);

  const again = await fireRollup(base);
  log(`a run with nothing to do: ${again}ms`);

  // The customers' cron once, on its own (it walks every order the bench loaded, which came without customer links).
  // Customers live on the directory (docs/SHARDING.md, build step 3).
  const directoryDb = new DatabaseSync(d1File(state, "DIRECTORY"), { readOnly: true, timeout: 10_000 });
  const linked = () => directoryDb.prepare("SELECT COUNT(*) AS n FROM customer_links").get().n;
  const linksBefore = linked();
  const t = Date.now();
  const customers = await fireRollup(base, CUSTOMER_CRON).catch((e) => {
    throw new Error(`the customers cron after ${Date.now() - t} ms: ${e.message}`);
  });
  const customerRun = { ms: customers, linked_orders: linked() - linksBefore };
  log(`a customers cron run: ${customers}ms, ${customerRun.linked_orders} orders linked`);

  // Incremental: new orders through the API, half approved, then one run once they are older than the lag.
  const NEW = 300;
  const created = [];
  for (let i = 0; i < NEW; i++) {
    const s = stores[i % stores.length];
    const body = {
      store_id: s.id,
      channel: "web",
      currency: s.currency,
      customer: { name: `Late ${i}` },
      shipping_address: { name: `Late ${i}`, line1: "1 Main St", city: "Springfield", postal_code: "12345", country: "US" },
      lines: [{ sku: "SKU-001", quantity: 1, unit_price: s.currency === "JPY" ? "1500" : "15.00" }],
    };
    const { text } = await get(base, "/v1/orders", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    created.push(JSON.parse(text).id);
  }
  for (const id of created.slice(0, NEW / 2)) {
    await get(base, `/v1/orders/${id}/transitions`, { method: "POST", body: '{"event":"approve"}', headers: { "content-type": "application/json" } });
  }
  const lastWrite = Date.now();
  log(`${NEW} new orders and ${NEW / 2} approvals through the API; waiting out the ${ROLLUP_LAG_MS / 1000}s rollup lag`);
  await sleep(ROLLUP_LAG_MS + 2_000);
  const incremental = await rollUntilCaughtUp(base, lastWrite);
  log(`incremental rollup: ${incremental.ms}ms over ${incremental.runs} run(s) (the rollup's own: ${incremental.rollupMs}ms)`);

  const from = new Date(end - 30 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(end).toISOString().slice(0, 10);
  const wide = new Date(end - (DAYS + 1) * 86_400_000).toISOString().slice(0, 10);
  const reports = [];
  for (const [name, path, n] of REQUESTS === 0
    ? []
    : [
        ["orders by day and store, 30 days", `/v1/reports/orders?from=${from}&to=${to}&group_by=day,store&limit=1000`],
        [
          "orders by hour, one store, 7 days",
          `/v1/reports/orders?from=${new Date(end - 7 * 86_400_000).toISOString().slice(0, 10)}&to=${to}&group_by=hour&store_id=st_bench_001&limit=1000`,
        ],
        ["orders totals per store, all days", `/v1/reports/orders?from=${wide}&to=${to}&group_by=store`],
        ["processing times merged, all days", `/v1/reports/processing-times?from=${wide}&to=${to}`],
        ["processing times by day and store, 30 days", `/v1/reports/processing-times?from=${from}&to=${to}&group_by=day,store&limit=1000`],
        ["staff by day, 30 days", `/v1/reports/staff?from=${from}&to=${to}&group_by=day&limit=1000`],
        ["skus, 30 days", `/v1/reports/skus?from=${from}&to=${to}&limit=1000`],
        ["skus by warehouse with cost and margin, 30 days", `/v1/reports/skus?from=${from}&to=${to}&group_by=warehouse&limit=1000`],
        ["orders by warehouse, all days", `/v1/reports/orders?from=${wide}&to=${to}&group_by=warehouse`],
        ["floor work per person and warehouse, 30 days", `/v1/reports/floor?from=${from}&to=${to}&group_by=warehouse&limit=1000`],
        ["audit findings by code, all days", `/v1/reports/audit-findings?from=${wide}&to=${to}&limit=1000`],
        ["carriers by day, 30 days", `/v1/reports/carriers?from=${from}&to=${to}&group_by=day&limit=1000`],
        ["sla breaches page, all days", `/v1/reports/sla-breaches?from=${wide}&to=${to}&limit=100`],
        ["orders by day and store as CSV, all days", `/v1/reports/orders?from=${wide}&to=${to}&group_by=day,store&format=csv`, Math.min(REQUESTS, 20)],
        ["order export CSV, one store (all its orders)", `/v1/reports/order-export?store_id=st_bench_002`, 3],
      ]) {
    checkDeadline();
    const r = await latency(base, name, path, n);
    reports.push(r);
    log(`${name}: p50 ${r.p50_ms}ms p99 ${r.p99_ms}ms (${r.bytes} bytes)`);
  }

  const results = {
    measured_at: new Date().toISOString(),
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    data: { ...counts, stores: STORES, days: DAYS, layout: "time" },
    load_ms: loadMs,
    full_rollup: {
      ms: full.ms,
      cron_runs: full.runs,
      orders_per_second: Math.round(counts.orders / (full.ms / 1000)),
      rollup_runs_ms: full.rollupMs,
      rollup_orders_per_second: Math.round(counts.orders / (full.rollupMs / 1000)),
      floor_ms: floorMs,
      ratio_to_floor: +(full.rollupMs / floorMedian).toFixed(2),
    },
    full_rollup_load_average: loadDuring,
    idle_run_ms: again,
    customer_cron_run: customerRun,
    incremental_rollup: { new_orders: NEW, approvals: NEW / 2, ms: incremental.ms, cron_runs: incremental.runs, rollup_runs_ms: incremental.rollupMs },
    ...(args.trace ? { traced: true, database_time: { full: full.database, incremental: incremental.database } } : {}),
    load_average: (await import("node:os")).loadavg(),
    reports,
    total_ms: Date.now() - t0,
  };
  writeFileSync(join(ROOT, "bench/rollup-results.json"), `${JSON.stringify(results, null, 2)}\n`);

  console.log("");
  console.log(`Rollups, ${counts.orders} orders (${counts.events} events, ${counts.facts} fact rows) in ${STORES} stores over ${DAYS} days`);
  console.log(
    `  full rollup from scratch   ${(full.ms / 1000).toFixed(1)} s  (${full.runs} cron runs, ${results.full_rollup.orders_per_second} orders/s; the rollup's own runs ${(full.rollupMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `  rollup floor               ${floorMedian} ms median of ${floorMs.length} (${floorMs.join(", ")}); the rollup's own runs are ${results.full_rollup.ratio_to_floor}x the floor`,
  );
  console.log(`  run with nothing to do     ${again} ms`);
  console.log(`  a customers cron run       ${customers} ms (${customerRun.linked_orders} orders linked)`);
  console.log(`  incremental after ${NEW} new orders + ${NEW / 2} approvals   ${incremental.ms} ms (${incremental.runs} run(s); the rollup's own ${incremental.rollupMs} ms)`);
  if (args.trace) printDatabaseTime("incremental rollup", incremental, incremental.database);
  console.log("");
  console.log(`  ${"report".padEnd(48)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"n".padStart(5)} ${"bytes".padStart(9)}`);
  for (const r of reports) {
    console.log(`  ${r.name.padEnd(48)} ${String(r.p50_ms).padStart(8)} ${String(r.p99_ms).padStart(8)} ${String(r.requests).padStart(5)} ${String(r.bytes).padStart(9)}`);
  }
  console.log("\n  written to bench/rollup-results.json");
  process.exit(0);
} catch (err) {
  console.error(`[bench] ${err.stack ?? err}`);
  process.exit(1);
}
