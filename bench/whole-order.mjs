// `npm run bench:order`: whole orders, checkout to completed, driven over HTTP by the actors a merchant's
// orders meet (bench/lib/order-actors.mjs), every order verified at the end (bench/lib/order-verify.mjs).
// A light-load pass first (checkout -> approved at light load), then the load pass. See bench/README.md.
//
//   BENCH_ORDERS        orders in the load pass (default 400)
//   BENCH_ACTORS        orders in flight at once in the load pass, each carried by its actors (default 64)
//   BENCH_POLL_MS       how often the floor asks for work and a customer looks in the mailbox (default 1000)
//   BENCH_LIGHT_ORDERS  orders in the light-load pass, 2 at a time, 1 s apart (default 20; 0 to skip)
//   BENCH_REF           a git revision (e.g. HEAD~3) to bench instead of the working tree
//   BENCH_PROFILE=1     a CPU profile of the Worker over the load pass (bench/lib/profile.mjs)
//   BENCH_D1_TRACE=1    D1 round trips and statements per order, and the statements run most (bench/lib/d1-trace.mjs);
//                       tracing costs CPU of its own, so take CPU figures from a run without it
//
// Run directly, it starts its own server (a copy of the code, a fresh state directory) and writes
// bench/order-results.json; bench/run.mjs runs the same scenario on its main server as its last one.
// Exit code 1 when the bench could not run or any order failed its checks.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { throwawayKeyArgs } from "../scripts/wrangler.mjs";
import { cpuMeter, serverTicks, TICKS_PER_S } from "./lib/cpu.mjs";
import { snapshotMain, startServer } from "./lib/main-server.mjs";
import { apiCaller, customerAddress, journey, recorder, waveReleaser } from "./lib/order-actors.mjs";
import { STEPS, stockLevels, verifyPass } from "./lib/order-verify.mjs";
import { outboxWatcher } from "./lib/outbox-watch.mjs";
import { d1Trace, printD1Trace } from "./lib/d1-trace.mjs";
import { connectProfiler, devBundle, printSummary, summarize } from "./lib/profile.mjs";
import { secretVars } from "./lib/partners.mjs";
import { prng } from "./lib/prng.mjs";
import { intEnv, localObservability, ROOT, sleep, stop, stopAll } from "./lib/procs.mjs";

/** The carrier's own time between the handover and its in-transit scan, and again to the delivery: small and fixed. */
export const CARRIER_DELAY_MS = 250;
const LIGHT_ACTORS = 2;
const LIGHT_GAP_MS = 1000; // each light-load actor waits this long between its orders
const STAGE_TIMEOUT_MS = 180_000; // an actor gives an order up when a wave or a notice takes longer than this
const DRAIN_TIMEOUT_MS = 120_000;

export function orderSettings() {
  return {
    orders: intEnv("BENCH_ORDERS", 400, 1, 100_000),
    actors: intEnv("BENCH_ACTORS", 64, 1, 1000),
    poll_ms: intEnv("BENCH_POLL_MS", 1000, 50, 60_000),
    light_orders: intEnv("BENCH_LIGHT_ORDERS", 20, 0, 1000),
    light_actors: LIGHT_ACTORS,
    light_gap_ms: LIGHT_GAP_MS,
    carrier_delay_ms: CARRIER_DELAY_MS,
    profile: process.env.BENCH_PROFILE === "1",
    d1_trace: process.env.BENCH_D1_TRACE === "1",
    // How the packer sends a parcel's scans: with the pack itself (the default, "pack"), in one pack-scans request
    // before the pack ("batch"), or one request per unit ("single", also BENCH_SINGLE_SCANS=1). Code that cannot take
    // the form asked falls back to the next (wholeOrder reads what its OpenAPI offers).
    scans: process.env.BENCH_SINGLE_SCANS === "1" ? "single" : scanMode(process.env.BENCH_SCANS ?? "pack"),
    local_observability: localObservability(),
  };
}

function scanMode(value) {
  if (!["pack", "batch", "single"].includes(value)) throw new Error(`BENCH_SCANS must be pack, batch or single, not ${value}`);
  return value;
}

/** The `--var`s the main server needs for this scenario: links to itself in customers' messages, and the carriers' webhook secrets. */
export const orderServerVars = (base) => ["--var", `PUBLIC_URL:${base}`, ...secretVars()];

// ---- setup ----------------------------------------------------------------------

/** EAN-13 with its check digit: what a scanner reads off the item. */
function ean13(twelve) {
  const sum = [...twelve].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return `${twelve}${(10 - (sum % 10)) % 10}`;
}

const CATALOGUE = [
  ["TEA-SENCHA", "Sencha green tea 100g", "12.50", 120, "A-01", 10],
  ["TEA-ASSAM", "Assam black tea 250g", "9.90", 270, "A-02", 20],
  ["MUG-STONE", "Stoneware mug", "18.00", 420, "A-03", 30],
  ["FILTER-1", "Paper filters x100", "4.50", 90, "B-01", 40],
  ["KETTLE-GOOSE", "Gooseneck kettle", "64.00", 980, "B-02", 50],
  ["SPOON-BRASS", "Brass tea spoon", "7.00", 35, "B-03", 60],
].map(([sku, name, price, weight_grams, bin, pick_sequence], i) => ({ sku, name, price, weight_grams, bin, pick_sequence, barcode: ean13(`400638${String(133390 + i)}`) }));
const PACKAGE_TYPE = { code: "BOX-M", name: "Medium carton", tare_grams: 150, length_mm: 300, width_mm: 200, height_mm: 150 };

/**
 * One store that audits its orders (the default) and announces every milestone, its catalogue in one warehouse
 * of its own with zones, bins on the picking path and enough stock for every order, and a key per actor.
 */
async function setup(call, { tag, unitsPerSku }) {
  const store = (await call("setup", "/v1/stores", { body: { name: `Whole order ${tag}`, currency: "USD" }, expect: [201] })).body;
  for (const p of CATALOGUE) {
    await call("setup", "/v1/products", {
      body: { store_id: store.id, sku: p.sku, name: p.name, price: p.price, weight_grams: p.weight_grams, barcode: p.barcode },
      expect: [201],
    });
  }
  const wh = (await call("setup", "/v1/warehouses", { body: { name: `Whole order ${tag}`, country: "GB", store_ids: [store.id] }, expect: [201] })).body;
  for (const zone of ["A", "B"]) await call("setup", `/v1/warehouses/${wh.id}/zones`, { body: { code: zone, name: `Zone ${zone}` }, expect: [201] });
  for (const p of CATALOGUE) await call("setup", `/v1/warehouses/${wh.id}/bins`, { body: { code: p.bin, zone: p.bin[0], pick_sequence: p.pick_sequence }, expect: [201] });
  await call("setup", `/v1/warehouses/${wh.id}/package-types`, { body: PACKAGE_TYPE, expect: [201] });
  await call("setup", `/v1/warehouses/${wh.id}/receipts`, {
    body: { reference: `PO-${tag}`, lines: CATALOGUE.map((p) => ({ sku: p.sku, bin: p.bin, quantity: unitsPerSku, unit_cost: "2.00" })) },
    expect: [201],
  });
  await call("setup", `/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  const keys = {};
  const floor = { store_ids: [store.id], warehouse_ids: [wh.id] };
  for (const [actor, role, scope] of [
    ["channel", "channel", { store_ids: [store.id] }],
    ["picker", "picker", floor],
    ["packer", "packer", floor],
    ["logistics", "logistics", floor],
    // Stands in for the customer's mailbox: support reads the messages as sent.
    ["support", "support", { store_ids: [store.id] }],
  ]) {
    keys[actor] = (await call("setup", "/v1/api-keys", { body: { name: `whole order ${actor}`, role, ...scope }, expect: [201] })).body.key;
  }
  return { storeId: store.id, warehouseId: wh.id, keys };
}

let customers = 0;

/** A storefront's checkout: a customer of their own (as in real traffic), paid, 1 or 2 lines of 1 or 2 units. */
function checkout({ storeId, tag }, index, rand) {
  const n = ++customers;
  const picked = [...CATALOGUE].sort(() => rand() - 0.5).slice(0, rand() < 0.5 ? 1 : 2);
  return {
    index,
    address: customerAddress(n),
    body: {
      store_id: storeId,
      channel: "web",
      external_id: `wo-${tag}-${n}`,
      payment_status: "paid",
      customer: { name: `Ada Lovelace ${n}`, email: `ada.${tag}.${n}@example.com`, phone: `+44 20 7${String(n).padStart(7, "0")}` },
      shipping_address: { name: `Ada Lovelace ${n}`, line1: "12 St James's Square", city: "London", postal_code: "SW1Y 4JH", country: "GB" },
      lines: picked.map((p) => ({ sku: p.sku, quantity: rand() < 0.5 ? 1 : 2, unit_price: p.price })),
      currency: "USD",
      shipping_amount: "4.50",
    },
  };
}

// ---- numbers --------------------------------------------------------------------

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
const spread = (values) => {
  const s = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? null };
};
const round = (n, d = 1) => (n === null || n === undefined ? null : Math.round(n * 10 ** d) / 10 ** d);

function serverCpu(groups) {
  const t = process.hrtime.bigint();
  return { t, ticks: serverTicks(groups), self: process.cpuUsage() };
}
function cpuBetween(a, b) {
  const ms = (ticks) => (ticks * 1000) / TICKS_PER_S;
  const byProcess = Object.fromEntries(Object.entries(b.ticks.byProcess).map(([k, v]) => [k, ms(v - (a.ticks.byProcess[k] ?? 0))]));
  const total = Object.values(byProcess).reduce((x, y) => x + y, 0);
  const seconds = Number(b.t - a.t) / 1e9;
  // The runtime runs the Worker, its objects, local D1 and the queues on one thread: near 1 core, it is saturated.
  const [thread, threadMs] = Object.entries(b.ticks.byThread)
    .map(([k, v]) => [k, ms(v - (a.ticks.byThread[k] ?? 0))])
    .reduce((best, x) => (x[1] > best[1] ? x : best), ["-", 0]);
  const self = b.self.user + b.self.system - (a.self.user + a.self.system);
  return { ms: total, seconds, by_process_ms: byProcess, busiest_thread: { thread, cores: threadMs / 1000 / seconds }, bench_ms: self / 1000 };
}

function routeTable(requests, completed) {
  const by = new Map();
  for (const r of requests) by.set(r.route, [...(by.get(r.route) ?? []), r]);
  return [...by]
    .map(([route, rs]) => {
      const s = spread(rs.map((r) => r.ms));
      return {
        route,
        kind: [...new Set(rs.map((r) => r.kind))].join("/"),
        count: rs.length,
        per_order: completed ? round(rs.length / completed, 2) : null,
        p50_ms: round(s.p50),
        p99_ms: round(s.p99),
        max_ms: round(s.max),
        failed: rs.filter((r) => r.status === 0 || r.status >= 400).length,
      };
    })
    .sort((a, b) => b.count - a.count);
}

// ---- the minute cron -------------------------------------------------------------

/**
 * Fires the every-minute cron (outbox sweep, backorder and push retries) at
 * each UTC minute, as the platform does in production and `npm start` does
 * locally; `wrangler dev` fires none. Its sweep resends outbox rows whose
 * direct send was lost, so a lost send costs an order a minute or so, as
 * deployed, instead of stalling it. The other schedules (rollups every 5
 * minutes, hourly and daily jobs) are left out: they would land in some runs
 * and not in others (`npm run bench:rollup` measures the rollups).
 */
function minuteCron(base) {
  let stopped = false;
  let timer = null;
  const out = { fired: 0, failed: [] };
  const next = () => {
    if (stopped) return;
    timer = setTimeout(
      async () => {
        const minute = Math.floor(Date.now() / 60_000) * 60_000;
        try {
          const r = await fetch(`${base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${minute}`, { signal: AbortSignal.timeout(60_000) });
          await r.text();
          if (r.ok) out.fired++;
          else out.failed.push(`HTTP ${r.status}`);
        } catch (err) {
          out.failed.push(err.message);
        }
        next();
      },
      60_000 - (Date.now() % 60_000) + 20,
    );
  };
  next();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      return out;
    },
  };
}

// ---- a pass -----------------------------------------------------------------------

async function runPass(env, { name, orders, actors, gapMs }) {
  const { log, settings, shop } = env;
  const stockBefore = await stockLevels(env.asAdmin(recorder()), shop.warehouseId);
  await env.outbox.drain(DRAIN_TIMEOUT_MS); // nothing owed from before: the pass pays only for its own orders
  log(`${name}: ${orders} orders, ${actors} at a time${gapMs ? `, ${gapMs} ms apart` : ""}`);

  const rec = recorder();
  const call = apiCaller(env.base, rec);
  const rand = prng(orders * 7919 + actors);
  const list = Array.from({ length: orders }, (_, i) => checkout({ storeId: shop.storeId, tag: env.tag }, i, rand));
  const ctx = {
    call,
    rec,
    keys: shop.keys,
    catalogue: new Map(CATALOGUE.map((p) => [p.sku, p])),
    packageType: PACKAGE_TYPE,
    pollMs: settings.poll_ms,
    carrierDelayMs: CARRIER_DELAY_MS,
    stageTimeoutMs: STAGE_TIMEOUT_MS,
    scans: env.scans,
  };

  const groups = env.groups();
  const meter = cpuMeter(groups);
  const cpu0 = serverCpu(groups);
  const t0 = Date.now();
  ctx.floor = waveReleaser({ call, key: shop.keys.picker, warehouseId: shop.warehouseId, pollMs: settings.poll_ms });
  let next = 0;
  let done = 0;
  const progress = setInterval(() => log(`${name}: ${done}/${orders} orders through, ${rec.requests.length} requests`), 15_000);
  await Promise.all(
    Array.from({ length: Math.min(actors, orders) }, async () => {
      while (next < orders) {
        const o = list[next++];
        try {
          await journey(ctx, o);
        } catch (err) {
          o.error = err;
        }
        done++;
        if (gapMs && next < orders) await sleep(gapMs);
      }
    }),
  );
  clearInterval(progress);
  const tEnd = Date.now();
  const cpuEnd = serverCpu(groups);
  await ctx.floor.stop();
  // Work an order sets off after its last request (the completed notice) is part of what it costs.
  const drain = await env.outbox.drain(DRAIN_TIMEOUT_MS);
  const cpuDrained = serverCpu(groups);
  const resent = env.outbox.resent(t0);
  const messages = env.outbox.byTopic(t0);
  const machine = meter.end();
  log(`${name}: actors done in ${((tEnd - t0) / 1000).toFixed(1)} s, outbox drained ${drain.left ? `NOT (${drain.left} left)` : `in ${drain.seconds.toFixed(1)} s`}; verifying`);

  env.onActorsDone?.();
  const vRec = recorder();
  const verification = await verifyPass({ call: env.asAdmin(vRec), storeId: shop.storeId, warehouseId: shop.warehouseId, orders: list, stockBefore });
  if (drain.left) verification.stock_problems.push(`the outbox still owed ${drain.left} messages ${DRAIN_TIMEOUT_MS / 1000} s after the last order`);
  verification.ok &&= drain.left === 0 && ctx.floor.errors.length === 0;

  const completed = list.filter((o) => o.doneAt).length;
  const wallS = (tEnd - t0) / 1000;
  const untilDone = cpuBetween(cpu0, cpuEnd);
  const untilDrained = cpuBetween(cpu0, cpuDrained);
  const kinds = { action: 0, poll: 0, mailbox: 0 };
  for (const r of rec.requests) kinds[r.kind]++;
  const times = [...verification.times.values()];
  const steps = Object.fromEntries(STEPS.map(([label, from, to]) => [label, spread(times.map((t) => (t[from] !== null && t[to] !== null ? t[to] - t[from] : null)))]));
  const { times: _, ...checks } = verification;
  return {
    pass: name,
    orders,
    actors,
    gap_ms: gapMs,
    completed,
    wall_s: round(wallS, 2),
    completed_per_s: round(completed / wallS, 2),
    cpu: {
      // From the first checkout until the outbox drained after the last completion; the bench's own process is not the server.
      server_ms: round(untilDrained.ms, 0),
      server_ms_per_order: completed ? round(untilDrained.ms / completed, 1) : null,
      server_by_process_ms: Object.fromEntries(Object.entries(untilDrained.by_process_ms).map(([k, v]) => [k, round(v, 0)])),
      server_cores: round(untilDrained.ms / 1000 / untilDrained.seconds, 2),
      busiest_thread: { thread: untilDrained.busiest_thread.thread, cores: round(untilDrained.busiest_thread.cores, 2) },
      window_s: round(untilDrained.seconds, 2),
      server_ms_per_order_until_last_completion: completed ? round(untilDone.ms / completed, 1) : null,
      bench_cores: round(untilDrained.bench_ms / 1000 / untilDrained.seconds, 2),
      other_cores: machine.other,
      machine_cores: machine.machine,
      iowait_cores: machine.iowait,
    },
    outbox_drain_s: round(drain.seconds, 2),
    // Outbox rows of this pass whose direct send was lost and that the minute cron's sweep sent again: each one
    // delayed its order by 30 s to 90 s. There should be none.
    outbox_rows_resent_by_sweep: resent,
    // Queue messages the pass set off (outbox rows by topic), per completed order: what a queue is sized and billed by.
    queue_messages_per_order: completed ? Object.fromEntries(Object.entries(messages).map(([topic, n]) => [topic, round(n / completed, 2)])) : null,
    requests: {
      total: rec.requests.length,
      per_order: completed ? round(rec.requests.length / completed, 2) : null,
      by_kind: kinds,
      per_order_by_kind: Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, completed ? round(v / completed, 2) : null])),
      verification_requests: vRec.requests.length,
    },
    lifecycle_ms: spread(times.map((t) => (t.completed !== null && t.checkout !== null ? t.completed - t.checkout : null))),
    steps_ms: steps,
    routes: routeTable(rec.requests, completed),
    label_pdf_bytes: spread(list.map((o) => o.labelBytes ?? null)),
    floor_errors: ctx.floor.errors.map((e) => e.message),
    verification: checks,
    // Each verified order's milestones in ms after its checkout (server times), for distributions beyond p50/p99.
    order_milestones_ms: [...verification.times].map(([id, t]) => ({ id, ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === null ? null : v - t.checkout])) })),
  };
}

/**
 * Runs the scenario against a started main server: `server` has `base`,
 * `adminKey`, `persist` (its state directory, for the outbox) and `groups()`
 * (the process groups whose CPU is the server's). Setup, the light-load pass,
 * then the load pass; each pass is verified on its own.
 */
export async function wholeOrder(server, settings = orderSettings(), { log = console.log } = {}) {
  const started = Date.now();
  const tag = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  // Setup and the checks read and write with the admin key; the actors never use it.
  const asAdmin = (rec) => {
    const call = apiCaller(server.base, rec);
    return (route, path, init = {}) => call(route, path, { key: server.adminKey, ...init });
  };
  // Each order takes at most 2 units of a SKU.
  const shop = await setup(asAdmin(recorder()), { tag, unitsPerSku: 2 * (settings.orders + settings.light_orders) + 10 });
  log(`whole order: store ${shop.storeId}, warehouse ${shop.warehouseId}, ${CATALOGUE.length} products, a key per actor`);
  // Code from before a pack took its scans ignores them: its packer scans in a batch first, or one by one where
  // pack-scans takes no batch either (BENCH_REF at the issue's code).
  const schemas = (await asAdmin(recorder())("GET /openapi.json", "/openapi.json")).body?.components?.schemas ?? {};
  const can = { pack: !!schemas.Pack?.properties?.scans, batch: !!schemas.PackScanBody?.properties?.scans, single: true };
  const scans = can[settings.scans] ? settings.scans : can.batch && settings.scans === "pack" ? "batch" : "single";
  if (scans !== settings.scans)
    log(
      `whole order: this code cannot take the scans ${settings.scans === "pack" ? "with the pack" : "in a batch"}; the packer sends them ${scans === "batch" ? "in a batch first" : "one by one"}`,
    );
  const env = { base: server.base, asAdmin, log, settings, shop, tag, groups: server.groups, outbox: outboxWatcher(server.persist), scans };
  const cron = minuteCron(server.base);
  try {
    const light = settings.light_orders ? await runPass(env, { name: "light load", orders: settings.light_orders, actors: LIGHT_ACTORS, gapMs: LIGHT_GAP_MS }) : null;
    // BENCH_PROFILE=1: a CPU profile of the Worker over the load pass (bench/lib/profile.mjs).
    const profiler = settings.profile && server.inspectorPort ? await connectProfiler(server.inspectorPort) : null;
    await profiler?.start();
    const traceFrom = settings.d1_trace && server.logFile ? statSync(server.logFile).size : 0;
    // The trace stops where the pass's checks start: their reads are the bench's, not an order's.
    let traceTo = Number.POSITIVE_INFINITY;
    if (settings.d1_trace && server.logFile) env.onActorsDone = () => (traceTo = statSync(server.logFile).size);
    const load = await runPass(env, { name: "load", orders: settings.orders, actors: settings.actors, gapMs: 0 });
    // BENCH_D1_TRACE=1: the Worker logs each D1 round trip (src/db/trace.ts); counted over the load pass, its checks left out.
    if (settings.d1_trace && server.logFile) load.d1 = d1Trace(readFileSync(server.logFile).subarray(traceFrom, traceTo).toString("utf8"), load.completed);
    const profile = profiler ? await profiler.stop() : null;
    profiler?.close();
    if (profile) {
      const file = join(ROOT, "bench", ".state", "order-load.cpuprofile");
      writeFileSync(file, JSON.stringify(profile));
      // The bundle and its source map beside it: wrangler deletes its own copy when it stops, and a profile
      // summed again later (another table, another grouping) needs them to name the sources.
      const bundle = devBundle(server.projectDir);
      if (bundle) for (const ext of ["", ".map"]) copyFileSync(`${bundle}${ext}`, join(ROOT, "bench", ".state", `order-load.index.js${ext}`));
      load.profile = summarize(profile, { top: 40, bundle });
      log(`CPU profile of the load pass: ${file} (open it in Chrome DevTools)`);
    }
    const minute_cron = cron.stop();
    return {
      settings,
      scans,
      store_id: shop.storeId,
      warehouse_id: shop.warehouseId,
      elapsed_s: round((Date.now() - started) / 1000),
      minute_cron,
      light,
      load,
      ok: (light?.verification.ok ?? true) && load.verification.ok,
    };
  } finally {
    cron.stop();
    env.outbox.close();
  }
}

// ---- report -----------------------------------------------------------------------

const fmt = (n, d = 0) => (n === null || n === undefined || Number.isNaN(n) ? "-" : Number(n).toFixed(d));
const pair = (s, d = 0) => (s?.n ? `${fmt(s.p50, d)} / ${fmt(s.p99, d)}` : "-");

/** The scenario's report: the two passes side by side, the load pass's routes, and every failed check. */
export function orderReport(r) {
  const passes = [r.light, r.load].filter(Boolean);
  const rows = [
    ["orders completed / sent", (p) => `${p.completed}/${p.orders}`],
    ["actors (orders in flight)", (p) => String(p.actors)],
    ["wall s (first checkout -> last completion)", (p) => fmt(p.wall_s, 1)],
    ["completed orders / s", (p) => fmt(p.completed_per_s, 2)],
    ["server CPU ms / completed order", (p) => fmt(p.cpu.server_ms_per_order)],
    ...Object.keys(r.load.cpu.server_by_process_ms).map((comm) => [`  of which ${comm}`, (p) => (p.completed ? fmt((p.cpu.server_by_process_ms[comm] ?? 0) / p.completed) : "-")]),
    ["server cores (bench / others)", (p) => `${fmt(p.cpu.server_cores, 2)} (${fmt(p.cpu.bench_cores, 2)} / ${fmt(p.cpu.other_cores, 2)})`],
    ["  busiest server thread (1.00: saturated)", (p) => `${fmt(p.cpu.busiest_thread.cores, 2)} (${p.cpu.busiest_thread.thread.split(" ").slice(0, -1).join(" ")})`],
    ["machine cores waiting on the disk (iowait)", (p) => fmt(p.cpu.iowait_cores, 2)],
    ["requests / order", (p) => fmt(p.requests.per_order, 1)],
    ["  action / poll / mailbox", (p) => ["action", "poll", "mailbox"].map((k) => fmt(p.requests.per_order_by_kind[k], 1)).join(" / ")],
    ["lifecycle p50 / p99 ms (checkout -> completed)", (p) => pair(p.lifecycle_ms)],
    ...STEPS.map(([label]) => [`  ${label}`, (p) => pair(p.steps_ms[label])]),
    [
      "queue messages / order",
      (p) =>
        p.queue_messages_per_order
          ? fmt(
              Object.values(p.queue_messages_per_order).reduce((a, b) => a + b, 0),
              1,
            )
          : "-",
    ],
    ...Object.keys(r.load.queue_messages_per_order ?? {})
      .sort()
      .map((topic) => [`  ${topic}`, (p) => fmt(p.queue_messages_per_order?.[topic], 1)]),
    ["outbox drained after the last order, s", (p) => fmt(p.outbox_drain_s, 1)],
    ["outbox sends lost, resent by the minute cron", (p) => String(p.outbox_rows_resent_by_sweep)],
    ["verified", (p) => (p.verification.ok ? "ok" : `FAILED (${p.verification.orders_failed} orders)`)],
  ];
  const head = ["whole order", ...passes.map((p) => p.pass)];
  const body = rows.map(([label, f]) => [label, ...passes.map(f)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  const out = ["", line(head), w.map((n) => "-".repeat(n)).join("  "), ...body.map(line)];
  if (r.light) {
    const a = r.light.steps_ms["checkout -> approved"];
    out.push("", `checkout -> approved at light load (${r.light.actors} orders at a time): p50 ${fmt(a.p50)} ms, p99 ${fmt(a.p99)} ms; the issue's target is a p50 under 500 ms.`);
  }
  out.push(
    "",
    `Server times of each step (the order's events, the floor's work log, the label); the carrier waits ${CARRIER_DELAY_MS} ms before each of its two webhooks (in "handed over -> delivered").`,
    `The floor and the customers poll every ${r.settings.poll_ms} ms; the packer sends a parcel's scans ${{ pack: "with the pack", batch: "in one request before the pack", single: "one request per scan" }[r.scans ?? r.settings.scans]}; the minute cron fired ${r.minute_cron.fired} times${r.minute_cron.failed.length ? ` (${r.minute_cron.failed.length} failed)` : ""}; wrangler dev's local observability was ${r.settings.local_observability ? "on (X_LOCAL_OBSERVABILITY=true)" : "off"}. Per route, load pass (client-side latency):`,
    "",
  );
  const rh = ["route", "kind", "count", "/order", "p50 ms", "p99 ms", "failed"];
  const rb = r.load.routes.map((x) => [x.route, x.kind, String(x.count), fmt(x.per_order, 2), fmt(x.p50_ms), fmt(x.p99_ms), String(x.failed)]);
  const rw = rh.map((h, i) => Math.max(h.length, ...rb.map((b) => b[i].length)));
  const rline = (cells) => cells.map((c, i) => (i <= 1 ? c.padEnd(rw[i]) : c.padStart(rw[i]))).join("  ");
  out.push(rline(rh), rw.map((n) => "-".repeat(n)).join("  "), ...rb.map(rline));
  for (const p of passes) {
    if (p.outbox_rows_resent_by_sweep) {
      out.push(
        "",
        `Note: ${p.outbox_rows_resent_by_sweep} outbox sends of the ${p.pass} pass were lost and sent again by the minute cron's sweep; each delayed its order by 30 s or more.`,
      );
    }
    if (p.cpu.other_cores >= 0.25) out.push("", `Note: other processes used ${fmt(p.cpu.other_cores, 2)} cores during the ${p.pass} pass: its numbers are noisy.`);
    if (p.verification.ok) continue;
    const v = p.verification;
    out.push("", "!".repeat(78), `!! ${p.pass}: the scenario FAILED its checks: ${v.orders_failed} of ${p.orders} orders, ${v.stock_problems.length} stock/outbox problems`);
    for (const x of v.problems.slice(0, 25)) out.push(`!!   ${x.order}: ${x.problems.join("; ").slice(0, 600)}`);
    if (v.problems.length > 25) out.push(`!!   ... and ${v.problems.length - 25} more orders (bench/order-results.json lists them all)`);
    for (const s of v.stock_problems) out.push(`!!   ${s}`);
    for (const e of p.floor_errors.slice(0, 5)) out.push(`!!   floor: ${e.slice(0, 300)}`);
    out.push("!".repeat(78));
  }
  return out;
}

// ---- run directly ---------------------------------------------------------------------

function machineFacts() {
  const version = (pkg) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
    } catch {
      return null;
    }
  };
  return {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? null,
    total_mem_gb: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    wrangler: version("wrangler"),
  };
}

async function main() {
  const log = (msg) => console.log(`[bench:order] ${msg}`);
  const settings = orderSettings();
  const ref = process.env.BENCH_REF || null;
  const state = join(ROOT, "bench", ".state");
  mkdirSync(state, { recursive: true });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, async () => {
      console.error(`\n[bench:order] ${sig}: stopping the server`);
      await stopAll();
      process.exit(130);
    });
  }
  // A bound on the whole run, far above what the orders need at today's speed.
  setTimeout(
    async () => {
      console.error("[bench:order] still running after the time allowed: giving up");
      await stopAll();
      process.exit(1);
    },
    (300 + settings.orders * 2 + settings.light_orders * 10) * 1000,
  ).unref();

  const started = Date.now();
  const snap = snapshotMain(join(state, "order-src"), ref);
  log(
    `${ref ? `code of ${ref}` : "working tree"} (${snap.code.commit?.slice(0, 12) ?? "?"}${snap.code.uncommitted_changes ? " plus uncommitted changes" : ""}); ${cpus().length} CPUs`,
  );
  const adminKey = `bench_admin_${randomBytes(16).toString("hex")}`;
  const srv = await startServer({
    stateDir: state,
    name: "order",
    configArgs: ["--config", snap.config],
    devArgs: (base) => ["--var", `BOOTSTRAP_ADMIN_KEY:${adminKey}`, ...orderServerVars(base), ...throwawayKeyArgs(), ...(settings.d1_trace ? ["--var", "D1_TRACE:1"] : [])],
    readyPath: "/healthz",
    log,
  });
  const result = await wholeOrder(
    { base: srv.base, adminKey, persist: srv.persist, groups: () => new Set([srv.child.pid]), inspectorPort: srv.inspectorPort, projectDir: srv.projectDir, logFile: srv.logFile },
    settings,
    { log },
  );
  await stop(srv.child);
  for (const l of orderReport(result)) console.log(l);
  if (result.load.profile) printSummary(result.load.profile);
  if (result.load.d1) printD1Trace(result.load.d1);
  const file = join(ROOT, "bench", "order-results.json");
  writeFileSync(
    file,
    `${JSON.stringify({ timestamp: new Date().toISOString(), elapsed_s: Math.round((Date.now() - started) / 100) / 10, machine: machineFacts(), code: snap.code, ...result }, null, 2)}\n`,
  );
  console.log("");
  log(`wrote ${file}`);
  return result.ok;
}

const direct = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (direct) {
  try {
    const ok = await main();
    await stopAll();
    process.exit(ok ? 0 : 1);
  } catch (err) {
    console.error(`[bench:order] failed: ${err?.stack ?? err}`);
    await stopAll();
    process.exit(1);
  }
}
