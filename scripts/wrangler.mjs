// Runs this project's wrangler on a Node it supports. Wrangler needs Node >= 22;
// the system node may be older, so use the `node` devDependency when it is.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export function nodeBinary() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22) return process.execPath;
  for (const candidate of [join(ROOT, "node_modules/node/bin/node"), join(ROOT, "node_modules/.bin/node")]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`wrangler needs Node >= 22 (this is ${process.version}) and node_modules/node is missing: run npm install`);
}

export function wranglerEntry() {
  const entry = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
  if (!existsSync(entry)) throw new Error("wrangler is not installed: run npm install");
  return entry;
}

/**
 * Environment for wrangler children: no metrics, no prompts, colour only when we have a terminal; and wrangler dev's
 * local observability off unless X_LOCAL_OBSERVABILITY=true is set. Wrangler turns it on by default: every span of
 * every request (each D1 call's attributes among them) is streamed to a collector worker in the same workerd, which
 * writes it to a SQLite trace store under .wrangler/state (35 MB in a 200-order bench run). It is a developer's tool,
 * not the product (on Cloudflare, tracing runs outside the Worker's request), and it cost about 15% of the server's
 * CPU per whole order (bench/README.md, "Where the CPU goes").
 */
export function wranglerEnv(extra = {}) {
  return { ...process.env, WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false", ...extra };
}

/**
 * Spawns `wrangler <args>`. Returns the ChildProcess. stdin is closed so
 * wrangler never waits on a prompt (it takes the default answer instead).
 */
export function spawnWrangler(args, { env = {}, stdio = ["ignore", "inherit", "inherit"] } = {}) {
  return spawn(nodeBinary(), [wranglerEntry(), ...args], { cwd: ROOT, env: wranglerEnv(env), stdio });
}

/**
 * Runs `wrangler <args>` to completion with its output captured.
 * Resolves to { code, signal, stdout, stderr }; `onSpawn` receives the child (to forward signals).
 */
export function runWrangler(args, { env = {}, onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawnWrangler(args, { env: { CI: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    onSpawn?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `--persist-to <dir>` when a state directory was chosen, else wrangler's default (.wrangler/state). */
export function persistArgs(persistDir) {
  return persistDir ? ["--persist-to", persistDir] : [];
}

/** The state directory wrangler uses: the one chosen, else its default. */
export const stateDir = (persistDir) => persistDir ?? join(ROOT, ".wrangler", "state");

/**
 * Where customers' links point for a local server: PUBLIC_URL when it is set (in the environment or in .dev.vars),
 * else this server's own address, so `PORT=8912 npm start` writes links to port 8912, not to wrangler.toml's 8787.
 */
export function localPublicUrl({ port, env = process.env, devVars = {} }) {
  return env.PUBLIC_URL || devVars.PUBLIC_URL || `http://127.0.0.1:${port}`;
}

/**
 * `--var` arguments giving a throwaway worker (benches) encryption keys of its
 * own: customer data is sealed at rest and the Worker refuses to store it
 * without PII_KEYS and PII_INDEX_KEY (docs/deployment.md).
 */
export function throwawayKeyArgs() {
  const key = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
  return ["--var", `PII_KEYS:bench:${key()}`, "--var", `PII_INDEX_KEY:${key()}`];
}
