// Local wrangler processes for the bench: free ports, spawning, readiness, and
// stopping them again on every way out (normal end, error, SIGINT/SIGTERM).
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const HOST = "127.0.0.1";

const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** Wrangler needs Node >= 22: this node when it is one (npm run uses node_modules/.bin/node, v24), else the devDependency's. */
export function nodeBinary() {
  if (Number(process.versions.node.split(".")[0]) >= 22) return process.execPath;
  for (const candidate of [join(ROOT, "node_modules/node/bin/node"), join(ROOT, "node_modules/.bin/node")]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`wrangler needs Node >= 22 (this is ${process.version}); run the bench with \`npm run bench\``);
}

/** An integer setting from the environment, within bounds; a bad value stops the bench with a clear message. */
export function intEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`[bench] ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A port nothing listens on right now, on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set(); // children not yet known to have exited

/** Process group ids of the running children (each is its own group, led by the child). */
export const liveGroups = () => new Set([...live].map((c) => c.pid).filter(Boolean));

/** Whether the servers run wrangler dev's local observability: off unless X_LOCAL_OBSERVABILITY=true (scripts/wrangler.mjs says why). */
export const localObservability = () => process.env.X_LOCAL_OBSERVABILITY === "true";

function wranglerEnv() {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    X_LOCAL_OBSERVABILITY: localObservability() ? "true" : "false", // see scripts/wrangler.mjs
    CI: "true",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
}

/**
 * Spawns `wrangler <args>` in its own process group (so stopping it also stops
 * its workerd), output appended to `logFile`.
 */
export function spawnWrangler(args, logFile) {
  const fd = openSync(logFile, "a");
  const child = spawn(nodeBinary(), [WRANGLER, ...args], {
    cwd: ROOT,
    env: wranglerEnv(),
    stdio: ["ignore", fd, fd],
    detached: true,
  });
  closeSync(fd);
  live.add(child);
  child.exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.once("error", (err) => {
      live.delete(child);
      resolve({ code: null, signal: null, error: err });
    });
  });
  return child;
}

/** Runs `wrangler <args>` to completion within `timeoutMs`; throws with the log's tail on failure. */
export async function runWrangler(args, logFile, timeoutMs = 120_000) {
  const child = spawnWrangler(args, logFile);
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), timeoutMs);
  const { code, signal, error } = await child.exited;
  clearTimeout(timer);
  if (code !== 0) {
    throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (${error?.message ?? code ?? signal})\n${tail(logFile)}`);
  }
}

function killGroup(child, signal) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal); // the whole group: wrangler and the workerd it started
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to the process group, then SIGKILL if it has not exited within `graceMs`. */
export async function stop(child, graceMs = 8_000) {
  if (!child || !live.has(child)) return;
  killGroup(child, "SIGTERM");
  const done = await Promise.race([child.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    killGroup(child, "SIGKILL");
    await Promise.race([child.exited, sleep(2_000)]);
  }
  // wrangler may exit before its workerd does: sweep the group either way.
  killGroup(child, "SIGKILL");
}

export async function stopAll() {
  await Promise.all([...live].map((c) => stop(c)));
}

// Last resort when the process exits without having stopped them (exit handlers must be synchronous).
process.on("exit", () => {
  for (const child of live) killGroup(child, "SIGKILL");
});

/** Polls `url` until it answers 2xx; fails early if `child` exits, or after `timeoutMs`. */
export async function waitReady(url, child, logFile, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  child.exited.then((r) => (exited = r));
  let last = "no answer";
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler exited (${exited.code ?? exited.signal}) before ${url} was ready\n${tail(logFile)}`);
    // A build error leaves `wrangler dev` running, waiting for a fix: no point waiting for it here.
    if (/Build failed/.test(readLog(logFile))) throw new Error(`the worker did not build\n${tail(logFile, 40)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready within ${timeoutMs / 1000}s (last: ${last})\n${tail(logFile)}`);
}

function readLog(logFile) {
  try {
    return readFileSync(logFile, "utf8");
  } catch {
    return "";
  }
}

export function tail(logFile, lines = 30) {
  try {
    const text = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    return `--- last lines of ${logFile} ---\n${text}`;
  } catch {
    return `(no log at ${logFile})`;
  }
}
