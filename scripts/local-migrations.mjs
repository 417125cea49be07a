// Applying the D1 migrations to local state, for `npm start` and the HTTP tests' servers.
//
// Wrangler applies a local migration at a time, each through its own local runtime: the project's 38 migrations
// took 25 s of CPU per database, and with three databases (DB, DB_1, DIRECTORY) a fresh `npm start` spent 86 s on a
// quiet machine migrating before it served anything. The HTTP tests start four servers at once, each on a fresh
// state directory, so they paid it four times over on two cores; a CI run's browser server once missed its start
// deadline that way.
//
// So a fresh state directory gets its databases from a template: the same migrations, applied by wrangler once into
// .wrangler/migrated/<key>/, then copied. The key is the hash of every migration file, wrangler.toml and wrangler's
// version, so a new migration (or a new database, or a wrangler whose local files differ) builds a new template.
// State that already has databases is migrated by wrangler as before: it may hold data, and only wrangler knows
// which of its migrations are applied. OMS_NO_MIGRATION_TEMPLATE=1 always migrates with wrangler.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { d1Bindings } from "./d1-bindings.mjs";
import { persistArgs, ROOT, runWrangler, stateDir } from "./wrangler.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Where miniflare keeps local D1 databases under a state directory. */
const d1Dir = (state) => join(state, "v3", "d1");

/**
 * Migrates every database a wrangler.toml binds with wrangler, one call per database (wrangler's own order). `config`:
 * another checkout's wrangler.toml (the whole-order bench measures a ref's sources), its migrations beside it.
 */
async function applyWithWrangler(persistDir, onSpawn, config) {
  for (const binding of d1Bindings(config)) {
    const configArgs = config ? ["--config", config] : [];
    const r = await runWrangler(["d1", "migrations", "apply", binding, "--local", ...configArgs, ...persistArgs(persistDir)], { onSpawn });
    if (r.code !== 0) throw new Error(`wrangler exited ${r.code ?? r.signal} migrating ${binding}\n${r.stdout}${r.stderr}`);
  }
}

/** The template's key: what the migrated files depend on (the sources at `root`: their migrations and wrangler.toml). */
export function templateKey(root = ROOT) {
  const hash = createHash("sha256");
  const dir = join(root, "migrations");
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort())
    hash
      .update(`${name}\0`)
      .update(readFileSync(join(dir, name)))
      .update("\0");
  hash.update(readFileSync(join(root, "wrangler.toml")));
  hash.update(JSON.parse(readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8")).version);
  return hash.digest("hex").slice(0, 16);
}

/** Whether the process that took `lock` is still alive (a lock without its pid yet is young, so held). */
function lockHeld(lock) {
  let pid;
  try {
    pid = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    try {
      return Date.now() - statSync(lock).mtimeMs < 10_000;
    } catch {
      return false; // released meanwhile
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/**
 * Removes the templates of earlier migration sets (about 8 MB each), once a new one is built. Only those finished an
 * hour ago or more: a start of another branch may still be copying a newer one.
 */
function pruneOldTemplates(current) {
  const root = dirname(current);
  for (const name of readdirSync(root)) {
    const other = join(root, name);
    if (other === current || name.endsWith(".lock")) continue;
    try {
      if (Date.now() - statSync(join(other, "ready")).mtimeMs > 3_600_000) rmSync(other, { recursive: true, force: true });
    } catch {
      // not finished (no ready file): its builder, or the next start, deals with it
    }
  }
}

/**
 * The migrated template's state directory, built if it is not there yet. Servers starting at once build it once: the
 * first takes a lock (an atomic mkdir holding its pid) and the others wait for its `ready` file. A lock whose
 * process is gone (a start killed mid-build) is taken over.
 */
async function migratedTemplate({ onSpawn, log, config }) {
  const dir = join(ROOT, ".wrangler", "migrated", templateKey(config ? dirname(config) : ROOT));
  const ready = join(dir, "ready");
  const lock = `${dir}.lock`;
  mkdirSync(join(ROOT, ".wrangler", "migrated"), { recursive: true });
  let waited = false;
  for (;;) {
    if (existsSync(ready)) return dir;
    try {
      mkdirSync(lock);
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      if (!lockHeld(lock)) rmSync(lock, { recursive: true, force: true });
      else {
        if (!waited) log?.("another start is migrating the template; waiting for it");
        waited = true;
        await sleep(500);
      }
      continue;
    }
    // Released however this process ends, process.exit included (start.mjs exits that way when stopped).
    const release = () => rmSync(lock, { recursive: true, force: true });
    process.on("exit", release);
    try {
      writeFileSync(join(lock, "pid"), String(process.pid));
      if (existsSync(ready)) return dir;
      rmSync(dir, { recursive: true, force: true });
      await applyWithWrangler(dir, onSpawn, config);
      writeFileSync(ready, `${new Date().toISOString()}\n`);
      pruneOldTemplates(dir);
      return dir;
    } finally {
      release();
      process.off("exit", release);
    }
  }
}

/**
 * Brings the local databases under `persistDir` (null: wrangler's default, .wrangler/state) up to the migrations
 * (of `config`'s sources when given, else this checkout's).
 * Answers how: "template" (a fresh directory, copied) or "wrangler".
 */
export async function migrateLocal({ persistDir, onSpawn, log, config }) {
  const state = stateDir(persistDir);
  if (existsSync(d1Dir(state)) || process.env.OMS_NO_MIGRATION_TEMPLATE === "1") {
    await applyWithWrangler(persistDir, onSpawn, config);
    return "wrangler";
  }
  const template = await migratedTemplate({ onSpawn, log, config });
  cpSync(d1Dir(template), d1Dir(state), { recursive: true });
  return "template";
}
