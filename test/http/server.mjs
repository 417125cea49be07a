// Starts the real system (`scripts/start.mjs`: migrations, seed, wrangler dev,
// cron firing) on a free port with a throwaway state directory, for black-box
// tests over HTTP. Not a test file itself (no `.test.` in the name).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { persistArgs, ROOT, runWrangler } from "../../scripts/wrangler.mjs";

export { DEMO_KEYS, DEMO_STORE, DEMO_PRODUCTS } from "../../scripts/seed.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The timeout of a test file's `before` hook that starts its server: longer than startServer's own deadlines, so a
 * slow start fails there, with the server's output, and stops what it started. A hook that times out first does not
 * stop the start: its server would come up after the file's `after` hook ran and keep the test process alive (a CI
 * run sat that way until its deadline). `startedForFile` (hooks.mjs) waits for a start still under way before
 * stopping it.
 */
export const START_HOOK_TIMEOUT_MS = 900_000;

/**
 * Starts the server and waits for /healthz and the ready banner.
 * Returns { base, port, stateDir, adminKey, api, audited, d1, stop, logTail, pid } (`pid`: start.mjs, its process group's leader).
 */
// The ready timeout covers migrations, seed and wrangler dev. A fresh state directory copies the migrated template
// (scripts/local-migrations.mjs), but the first server of a run waits for the template's build: three databases
// through wrangler, 70 s alone on a quiet 2-core machine, and a CI machine ran a whole start past 180 s before the
// template existed. Generous, since only a start that is really stuck reaches it.
export async function startServer({ readyTimeoutMs = 360_000 } = {}) {
  // A free port is only free until someone binds it: with several servers starting at once, workerd's own
  // sockets can take the port we picked before wrangler binds it. That start fails at once with "Address already
  // in use"; try again on another port (and a fresh state directory) rather than fail the file.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ readyTimeoutMs });
    } catch (error) {
      if (attempt >= 3 || !error.addressInUse) throw error;
      console.error(`[test server] port taken while starting, trying another (attempt ${attempt + 1})`);
    }
  }
}

async function startOnce({ readyTimeoutMs }) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "oms-http-"));
  const stateDir = join(dir, "state");
  const logFile = join(dir, "server.log");
  const logStream = createWriteStream(logFile);
  let output = "";

  // Its own process group (detached), so stopping can reach wrangler and workerd too.
  // stdin is a pipe that only closes when this process ends (even by SIGKILL):
  // start.mjs then stops wrangler, so a killed test run leaves no server behind.
  const child = spawn(process.execPath, [join(ROOT, "scripts/start.mjs")], {
    cwd: ROOT,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      OMS_PERSIST_DIR: stateDir,
      OMS_STOP_ON_STDIN_CLOSE: "1",
      WRANGLER_SEND_METRICS: "false",
      NO_COLOR: "1",
    },
  });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  exited.then((info) => (exitInfo = info));
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8").on("data", (d) => {
      output += d;
      logStream.write(d);
    });
  }
  // Never leave a server behind, whatever happens to the test process.
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup("SIGKILL");
  process.on("exit", onExit);

  const base = `http://127.0.0.1:${port}`;
  const logTail = (lines = 80) => output.split("\n").slice(-lines).join("\n");

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitInfo) {
      killGroup("SIGKILL");
      process.off("exit", onExit);
      logStream.end();
      rmSync(dir, { recursive: true, force: true });
      const error = new Error(`start.mjs exited early (${JSON.stringify(exitInfo)}):\n${logTail()}`);
      error.addressInUse = /Address already in use|EADDRINUSE/.test(output);
      throw error;
    }
    if (Date.now() > deadline) {
      killGroup("SIGKILL");
      throw new Error(`server not ready within ${readyTimeoutMs / 1000}s:\n${logTail()}`);
    }
    if (output.includes("Edge OMS is running")) {
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
        if (res.ok) break;
      } catch {
        // not yet
      }
    }
    await sleep(250);
  }

  // The admin key the server was started with: the one start.mjs read from
  // .dev.vars (which wrangler dev loads) and printed in its banner.
  const banner = /Admin key\s+(\S+)/.exec(output);
  const adminKey = banner?.[1];
  const devVars = readFileSync(join(ROOT, ".dev.vars"), "utf8");
  const fromFile = /^\s*BOOTSTRAP_ADMIN_KEY\s*=\s*["']?([^"'\s#]+)/m.exec(devVars)?.[1];
  if (!adminKey || adminKey !== fromFile) {
    throw new Error(`admin key in the banner (${adminKey}) does not match .dev.vars (${fromFile})`);
  }

  /** One HTTP call; `key: null` sends no Authorization header. */
  async function api(path, { method, body, key = adminKey, headers = {} } = {}) {
    const h = { ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    let payload;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await fetch(`${base}${path}`, { method: method ?? (payload ? "POST" : "GET"), headers: h, body: payload });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, text, body: json };
  }

  /**
   * Waits for a new order's intake audit (it runs from the queue, a fraction of a second after intake), then
   * gives the order as the audit left it. A test that acts on a new order as a person would waits for this
   * first: otherwise the audit's own hold or approval races the test's.
   */
  async function audited(orderId, { timeoutMs = 20_000 } = {}) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const audits = await api(`/v1/orders/${orderId}/audits`);
      if (audits.status !== 200) throw new Error(`audits of ${orderId}: ${audits.status} ${audits.text}`);
      if (audits.body.data.length > 0) return (await api(`/v1/orders/${orderId}`)).body;
      if (Date.now() > until) throw new Error(`no audit of ${orderId} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** Runs SQL against the server's local D1 through wrangler (a second reader of the same files): shard 0, or `binding`. */
  async function d1(sql, binding = "DB") {
    const r = await runWrangler(["d1", "execute", binding, "--local", ...persistArgs(stateDir), "--command", sql, "--json"]);
    if (r.code !== 0) throw new Error(`d1 execute failed (${r.code}): ${r.stdout}${r.stderr}`);
    return JSON.parse(r.stdout)[0].results;
  }

  /** SIGTERM to start.mjs only: it must stop wrangler and exit 0. Then the group is killed regardless. */
  async function stop({ timeoutMs = 20_000 } = {}) {
    if (!exitInfo) child.kill("SIGTERM");
    const result = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
    let groupLeft = false;
    for (let i = 0; i < 20; i++) {
      try {
        process.kill(-child.pid, 0);
        groupLeft = true;
      } catch {
        groupLeft = false;
        break;
      }
      await sleep(250);
    }
    killGroup("SIGKILL");
    process.off("exit", onExit);
    logStream.end();
    if (process.env.OMS_KEEP_TEST_STATE) console.log(`state and log kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    return { exit: result, groupLeft };
  }

  return { base, port, stateDir, logFile, adminKey, api, audited, d1, stop, logTail, pid: child.pid };
}
