// `npm run bench:tracking`: how fast we take carriers' tracking webhooks.
//
// Starts `wrangler dev --log-level warn` on 127.0.0.1 with a throwaway
// --persist-to and the fixtures' test secrets (--var), applies the migrations,
// then drives signed POSTs with autocannon, each request a new event (its own
// event id, signed like the partner signs), one scenario per partner, plus:
//   floor     GET /healthz (one D1 read): what this machine does with no work at all;
//   replay    the same signed event again and again (every request a duplicate: 200, nothing stored).
// The queue consumers run meanwhile (every new event is applied from the queue),
// as they would in production; they share the machine's cores with the server.
//
//   BENCH_DURATION     seconds per scenario and round (default 8)
//   BENCH_CONNECTIONS  autocannon connections (default 16)
//   BENCH_WARMUP       seconds of unmeasured load before each scenario (default 2)
//   BENCH_ROUNDS       rounds over all scenarios, interleaved; the median round is reported (default 3)
//
// Writes bench/tracking-results.json. Bounded: every scenario stops after its
// duration, and the server is stopped on every way out.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { migrateLocal } from "../scripts/local-migrations.mjs";
import { nodeBinary, ROOT, runWrangler, throwawayKeyArgs, wranglerEntry, wranglerEnv } from "../scripts/wrangler.mjs";
import { spawn } from "node:child_process";
import { FIXTURES, SECRETS, SIGNED_HEADERS, secretVars } from "./lib/partners.mjs";
import { intEnv } from "./lib/procs.mjs";

const HOST = "127.0.0.1";
const RESULTS = join(ROOT, "bench", "tracking-results.json");

const DURATION = intEnv("BENCH_DURATION", 8, 1, 300);
const CONNECTIONS = intEnv("BENCH_CONNECTIONS", 16, 1, 500);
const WARMUP = intEnv("BENCH_WARMUP", 2, 0, 60);
const ROUNDS = intEnv("BENCH_ROUNDS", 3, 1, 10);

// The fixtures' test secrets, exported with the scenarios below so `bench/run.mjs` can start its server with them
// and run the same scenarios (`wrangler dev ... ${TRACKING_VARS.join(" ")}`).
export { SECRETS };

const log = (msg) => console.log(`[bench] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- the server, stopped on every way out ---------------------------------

let server = null;
let current = null;
let state = null;

function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      process.kill(-server.pid, "SIGTERM"); // wrangler and the workerd it started: the group we created
    } catch {
      server.kill("SIGTERM");
    }
  }
  if (state) rmSync(state, { recursive: true, force: true });
  state = null;
}
function stopOnEveryWayOut() {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
      console.error(`\n[bench] ${sig}: stopping`);
      current?.stop();
      stopServer();
      process.exit(130);
    });
  }
  process.on("exit", stopServer);
}

/** Stops the server and waits for it (and so for its local D1) to be gone. */
async function stopAndWait() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const gone = new Promise((r) => server.once("exit", r));
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    server.kill("SIGTERM");
  }
  await Promise.race([gone, sleep(15_000)]);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(base, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited with ${server.exitCode}`);
    try {
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error("wrangler dev did not become ready");
}

// ---- signed bodies, one new event per request -----------------------------

const fixture = (name) => readFileSync(join(FIXTURES, name), "utf8");

const PARTNERS = {
  easypost: {
    template: fixture("easypost-tracker-updated-in-transit.json"),
    id: "evt_8c4e2a1f4b6d11f0a9e3b5c7d9f1a2c4",
    fresh: () => `evt_${randomUUID().replace(/-/g, "")}`,
    path: "/webhooks/tracking/easypost",
    headers: SIGNED_HEADERS.easypost,
  },
  aftership: {
    template: fixture("aftership-intransit.json"),
    id: "6b1e9d2a-3c4f-4a5b-9e8d-7f6a5b4c3d2e",
    fresh: () => randomUUID(),
    path: "/webhooks/tracking/aftership",
    headers: SIGNED_HEADERS.aftership,
  },
  shippo: {
    template: fixture("shippo-track-updated.json"),
    id: "9c4d5e6f7a8b40213c4d5e6f7a8b9c0d",
    fresh: () => randomUUID().replace(/-/g, ""),
    path: `/webhooks/tracking/shippo?token=${SECRETS.SHIPPO_WEBHOOK_TOKEN}`,
    headers: SIGNED_HEADERS.shippo,
  },
};

function signedRequest(p) {
  const body = p.template.split(p.id).join(p.fresh());
  return { method: "POST", path: p.path, body, headers: { "content-type": "application/json", ...p.headers(body) } };
}

// The fixtures' events happened in June 2025: without a longer age limit they would be acknowledged and not stored,
// and the bench would measure that shortcut instead of intake.
export const TRACKING_VARS = [...secretVars(), "--var", "TRACKING_EVENT_MAX_AGE_DAYS:36500", ...throwawayKeyArgs()];

/** autocannon `requests` per scenario: each partner (a new signed event per request), and a replayed event. */
export function trackingScenarios() {
  const replay = signedRequest(PARTNERS.aftership);
  return {
    ...Object.fromEntries(Object.entries(PARTNERS).map(([name, p]) => [`tracking_${name}`, [{ setupRequest: (req) => ({ ...req, ...signedRequest(p) }) }]])),
    tracking_replay: [replay],
  };
}

// ---- measuring ---------------------------------------------------------------

function run(base, { requests, duration }) {
  return new Promise((resolve, reject) => {
    current = autocannon({ url: base, connections: CONNECTIONS, duration, requests, timeout: 20 }, (err, result) => {
      current = null;
      if (err) reject(err);
      else resolve(result);
    });
  });
}

const summary = (r) => ({
  requests: r.requests.total,
  req_per_s: Math.round(r.requests.average * 10) / 10,
  latency_ms: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
  non_2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
});

async function scenario(base, name, requests) {
  if (WARMUP) await run(base, { requests, duration: WARMUP });
  const r = summary(await run(base, { requests, duration: DURATION }));
  // Other processes on a small machine move these numbers more than code does: keep the load next to them.
  r.load_average_1m = Math.round(loadavg()[0] * 100) / 100;
  log(
    `${name.padEnd(10)} ${String(r.req_per_s).padStart(7)} req/s  p50 ${r.latency_ms.p50} ms  p99 ${r.latency_ms.p99} ms  non-2xx ${r.non_2xx}  errors ${r.errors}  load ${r.load_average_1m}`,
  );
  await sleep(2000); // lets the queue consumers catch up before the next scenario
  return r;
}

async function main() {
  stopOnEveryWayOut();
  state = mkdtempSync(join(tmpdir(), "oms-bench-tracking-"));
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  log(`migrations into ${state}`);
  await migrateLocal({ persistDir: state });
  server = spawn(nodeBinary(), [wranglerEntry(), "dev", "--ip", HOST, "--port", String(port), "--persist-to", state, "--log-level", "warn", ...TRACKING_VARS], {
    cwd: ROOT,
    env: wranglerEnv({ CI: "true" }),
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  await waitReady(base);
  log(`wrangler dev on ${base}; ${DURATION}s per scenario, ${CONNECTIONS} connections, ${WARMUP}s warm-up`);

  const tracking = trackingScenarios();
  const [replay] = tracking.tracking_replay;
  await fetch(`${base}${replay.path}`, { method: "POST", headers: replay.headers, body: replay.body });
  const scenarios = {
    floor: [{ method: "GET", path: "/healthz" }],
    ...Object.fromEntries(Object.entries(tracking).map(([k, v]) => [k.replace("tracking_", ""), v])),
  };
  // Interleaved rounds: a burst of load from elsewhere on the machine hits one round of every scenario, not all of one.
  const rounds = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round} of ${ROUNDS}`);
    for (const [name, requests] of Object.entries(scenarios)) rounds[name].push(await scenario(base, name, requests));
  }
  const median = (rs) => [...rs].sort((a, b) => a.req_per_s - b.req_per_s)[Math.floor((rs.length - 1) / 2)];
  const results = Object.fromEntries(Object.entries(rounds).map(([k, rs]) => [k, { ...median(rs), rounds_req_per_s: rs.map((r) => r.req_per_s) }]));
  for (const [name, r] of Object.entries(results))
    log(`median ${name.padEnd(10)} ${String(r.req_per_s).padStart(7)} req/s  p50 ${r.latency_ms.p50} ms  p99 ${r.latency_ms.p99} ms  (rounds: ${r.rounds_req_per_s.join(", ")})`);

  // What was stored, and how much of it the consumers had applied 5 s after the load stopped.
  await sleep(5000);
  await stopAndWait();
  const counted = await runWrangler([
    "d1",
    "execute",
    "DB",
    "--local",
    "--persist-to",
    state,
    "--json",
    "--command",
    "SELECT partner, COUNT(*) AS stored, SUM(processed_at IS NOT NULL) AS processed FROM tracking_events GROUP BY partner ORDER BY partner",
  ]);
  const stored = counted.code === 0 ? (JSON.parse(counted.stdout)[0]?.results ?? null) : null;
  const out = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, node: process.version },
    settings: { duration_s: DURATION, connections: CONNECTIONS, warmup_s: WARMUP, rounds: ROUNDS },
    note: "local wrangler dev (workerd + local D1 + local queues) on this machine; compare scenarios within one run, not across machines",
    scenarios: results,
    ingest_vs_floor: Object.fromEntries(Object.keys(PARTNERS).map((k) => [k, Math.round((results[k].req_per_s / results.floor.req_per_s) * 100) / 100])),
    events_stored_and_processed: stored,
  };
  writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${RESULTS}`);
}

const direct = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (direct)
  main()
    .then(() => {
      stopServer();
      process.exit(0);
    })
    .catch((err) => {
      console.error(`[bench] ${err.stack || err}`);
      stopServer();
      process.exit(1);
    });
