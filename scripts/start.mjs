// `npm start`: the whole system locally, from a fresh clone.
//
//  1. copies .dev.vars.example to .dev.vars if there is none (local secrets);
//  2. applies the D1 migrations to every local D1 database wrangler.toml binds (DB, DB_1, DIRECTORY); a fresh
//     state directory gets a copy of databases migrated once (scripts/local-migrations.mjs);
//  3. seeds the demo store, catalogue, warehouse, demo API keys and one demo person per staff position (idempotent);
//  4. runs `wrangler dev` on http://127.0.0.1:$PORT (queue consumers included);
//  5. fires the cron triggers of wrangler.toml on their schedule, which
//     `wrangler dev` does not do, through /cdn-cgi/local/scheduled.
//
// Environment: PORT (default 8787); PUBLIC_URL (default http://127.0.0.1:$PORT,
// or the one in .dev.vars): where customers' links point; OMS_PERSIST_DIR to keep the local D1,
// Durable Objects and queues somewhere other than .wrangler/state (tests use a
// throwaway directory); OMS_NO_CRON=1 to not fire crons; OMS_STOP_ON_STDIN_CLOSE=1
// to stop when stdin reaches its end (for supervisors that pipe stdin).
// SIGINT/SIGTERM stop wrangler and then this script, with exit code 0.
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { cronMatches, msToNextMinute, parseCron, readCrons } from "./cron.mjs";
import { migrateLocal } from "./local-migrations.mjs";
import { DEMO_KEYS, DEMO_PASSWORD, DEMO_PURCHASE_ORDERS, DEMO_STAFF, DEMO_STORE, DEMO_SUPPLIER, seed } from "./seed.mjs";
import { localPublicUrl, persistArgs, ROOT, spawnWrangler, stateDir } from "./wrangler.mjs";

const log = (msg) => console.log(`[start] ${msg}`);

const port = Number(process.env.PORT || 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`[start] PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}
const persistDir = process.env.OMS_PERSIST_DIR ? resolve(process.env.OMS_PERSIST_DIR) : null;
const base = `http://127.0.0.1:${port}`;
const READY_TIMEOUT_MS = Number(process.env.OMS_READY_TIMEOUT_MS || 120_000);

// ---- stopping: one place that knows what is running ----------------------

let child = null; // the wrangler process running now (migrations, seed or dev)
let stopping = false;
let cronTimer = null;

/** Stops wrangler (with `signal`), then exits with `exitCode`. */
function stop(reason, { signal = "SIGTERM", exitCode = 0 } = {}) {
  if (stopping) return;
  stopping = true;
  clearTimeout(cronTimer);
  log(`${reason}: stopping`);
  const running = child;
  if (!running || running.exitCode !== null || running.signalCode !== null) process.exit(exitCode);
  running.kill(signal);
  // wrangler tears down workerd on SIGINT/SIGTERM; do not wait forever for it.
  const force = setTimeout(() => {
    log("wrangler did not stop in 10s; killing it");
    running.kill("SIGKILL");
  }, 10_000);
  force.unref();
  running.once("exit", () => process.exit(exitCode));
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal, { signal }));

// Whoever reads our output is gone (a closed pipe): stop rather than run on unseen.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") stop("output closed");
  });
}
// A supervisor (the HTTP tests) can hand us a stdin pipe: when it dies, however it
// dies, the pipe closes and we stop, so no server outlives its test run.
if (process.env.OMS_STOP_ON_STDIN_CLOSE) {
  process.stdin.on("end", () => stop("stdin closed"));
  process.stdin.on("error", () => stop("stdin closed"));
  process.stdin.resume();
}

const track = (c) => {
  child = c;
};

// ---- 1. local secrets -----------------------------------------------------

const devVars = join(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  copyFileSync(join(ROOT, ".dev.vars.example"), devVars);
  log("created .dev.vars from .dev.vars.example");
}

/** KEY=value lines of a .dev.vars (dotenv) file. */
function readDevVars(path) {
  const vars = {};
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, "");
    vars[m[1]] = v;
  }
  return vars;
}
// The encryption keys came after many a .dev.vars was made: without them the Worker refuses to store
// customer data, so the example's development keys are appended (never overwriting a value that is set).
{
  const have = readDevVars(devVars);
  const example = readDevVars(join(ROOT, ".dev.vars.example"));
  const missing = ["PII_KEYS", "PII_INDEX_KEY"].filter((k) => !have[k] && example[k]);
  if (missing.length) {
    appendFileSync(devVars, `\n# Added by npm start: development encryption keys (docs/deployment.md)\n${missing.map((k) => `${k}=${example[k]}`).join("\n")}\n`);
    log(`added ${missing.join(", ")} to .dev.vars`);
  }
}
const devVarValues = readDevVars(devVars);
const adminKey = devVarValues.BOOTSTRAP_ADMIN_KEY;
const publicUrl = localPublicUrl({ port, devVars: devVarValues });

// Refuse early if the port is taken: otherwise /healthz could be answered by someone else.
await new Promise((resolveFree) => {
  const probe = createServer();
  probe.once("error", (err) => {
    console.error(`[start] cannot listen on 127.0.0.1:${port} (${err.code}); is another server running? Set PORT to use another port.`);
    process.exit(1);
  });
  probe.listen(port, "127.0.0.1", () => probe.close(resolveFree));
});

// ---- 2 and 3. migrations and seed ----------------------------------------

async function step(name, run) {
  const started = Date.now();
  try {
    await run();
  } catch (err) {
    if (stopping) return;
    console.error(`[start] ${name} failed:\n${err.message}`);
    process.exit(1);
  }
  if (!stopping) log(`${name}: ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

// A fresh state directory is copied from a template migrated once (scripts/local-migrations.mjs); one that has
// databases already is migrated by wrangler, one call per database, in wrangler.toml's order: DB first.
await step("migrations", async () => {
  const how = await migrateLocal({ persistDir, onSpawn: track, log });
  if (how === "template") log("migrations: copied the migrated databases from .wrangler/migrated/");
});
await step("seed", () => seed({ persistDir, onSpawn: track, log }));
if (stopping) await new Promise(() => {}); // the signal handler exits

// ---- 4. wrangler dev ------------------------------------------------------

const devArgs = [
  "dev",
  "--ip",
  "127.0.0.1",
  "--port",
  String(port),
  "--show-interactive-dev-session=false",
  // wrangler.toml's PUBLIC_URL names the default port; links must reach this one.
  "--var",
  `PUBLIC_URL:${publicUrl}`,
  ...persistArgs(persistDir),
];
log(`wrangler ${devArgs.join(" ")}`);
const dev = spawnWrangler(devArgs, { stdio: ["ignore", "inherit", "inherit"] });
track(dev);
dev.on("exit", (code, signal) => {
  if (stopping) return;
  console.error(`[start] wrangler dev exited (${code ?? signal})`);
  clearTimeout(cronTimer);
  process.exit(code || 1);
});

async function waitUntilReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${base}/healthz did not answer within ${READY_TIMEOUT_MS / 1000}s`);
}

try {
  await waitUntilReady();
} catch (err) {
  console.error(`[start] ${err.message}`);
  stop("not ready", { exitCode: 1 });
}

// ---- 5. crons -------------------------------------------------------------

const crons = readCrons(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))
  .map((expr) => {
    try {
      return parseCron(expr);
    } catch (err) {
      console.error(`[start] ${err.message}; it will not be fired locally`);
      return null;
    }
  })
  .filter(Boolean);

async function fire(cron, minute) {
  const url = `${base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron.expr)}&time=${minute}`;
  const at = new Date(minute).toISOString().slice(11, 16);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    const text = (await res.text()).trim();
    log(`cron "${cron.expr}" at ${at} UTC: ${res.status} ${text}`);
  } catch (err) {
    if (!stopping) log(`cron "${cron.expr}" at ${at} UTC: failed: ${err.message}`);
  }
}

function scheduleNextMinute() {
  if (stopping) return;
  const now = Date.now();
  const minute = now + msToNextMinute(now);
  cronTimer = setTimeout(
    () => {
      for (const cron of crons) if (cronMatches(cron, minute)) void fire(cron, minute);
      scheduleNextMinute();
    },
    minute - now + 20,
  );
}

if (!stopping) {
  const cronNote = process.env.OMS_NO_CRON
    ? "not fired (OMS_NO_CRON is set)"
    : crons.length
      ? `${crons.map((c) => `"${c.expr}"`).join(", ")} fired here on schedule (UTC)`
      : "none in wrangler.toml";
  const lines = [
    "",
    "  Edge OMS is running",
    `  Console    ${base}/console   (sign in as any demo staff below, password ${DEMO_PASSWORD})`,
    `  API        ${base}`,
    `  Docs       ${base}/docs`,
    `  OpenAPI    ${base}/openapi.json`,
    `  Health     ${base}/healthz`,
    `  Links      ${publicUrl}/o/...   (PUBLIC_URL: customers' links point here)`,
    `  Admin key  ${adminKey ?? "(BOOTSTRAP_ADMIN_KEY is not set in .dev.vars)"}   (BOOTSTRAP_ADMIN_KEY in .dev.vars)`,
    ...DEMO_KEYS.map((k) => `  Demo key   ${k.key}   (${k.role}, ${k.storeIds.join(", ")})`),
    `  Demo store ${DEMO_STORE.id} (${DEMO_STORE.name}, ${DEMO_STORE.currency}); SKUs TEA-1, MUG-1, KETTLE-1, FILTER-1, SETUP-1`,
    `  Purchasing supplier ${DEMO_SUPPLIER.name} (${DEMO_SUPPLIER.currency}); purchase orders ${DEMO_PURCHASE_ORDERS.map((po) => `${po.id} (${po.status.replace("_", " ")})`).join(", ")}`,
    `  Staff      one demo sign-in per position, password ${DEMO_PASSWORD} (docs/console.md, docs/staff.md):`,
    ...DEMO_STAFF.map((u) => `               ${u.email.padEnd(30)} ${u.position}`),
    `  Crons      ${cronNote}`,
    `  State      ${stateDir(persistDir)}`,
    "",
    `  Try: curl -H "Authorization: Bearer ${DEMO_KEYS[0].key}" ${base}/v1/orders`,
    "",
  ];
  console.log(lines.join("\n"));
  if (!process.env.OMS_NO_CRON) scheduleNextMinute();
}
