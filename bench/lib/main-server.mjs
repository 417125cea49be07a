// The main worker as the benches run it: from a copy of its code taken at start (the working tree, or a git
// revision with BENCH_REF), on a free port, with a fresh state directory and its D1 migrations applied.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { migrateLocal } from "../../scripts/local-migrations.mjs";
import { freePort, HOST, ROOT, spawnWrangler, waitReady } from "./procs.mjs";

/** Which code was measured: the commit, and whether the working tree differed from it. */
export function sourceInfo(ref) {
  const git = (...args) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  if (ref) return { ref, commit: git("rev-parse", ref), working_tree: false };
  const dirty = git("status", "--porcelain", "--", "wrangler.toml", "src", "migrations");
  return { ref: null, commit: git("rev-parse", "HEAD"), working_tree: true, uncommitted_changes: dirty === null ? null : dirty !== "" };
}

/**
 * A copy of the main worker (wrangler.toml, src, migrations) in `dir` to run
 * from: `wrangler dev` rebuilds and reloads on every source change and has no
 * flag to stop watching, so an edit made while the bench runs would otherwise
 * swap the code (or break it against the migrated schema) mid-measurement.
 * Imports still resolve to the project's node_modules (the copy is inside it).
 * Returns the copy's wrangler.toml and which code it is.
 */
export function snapshotMain(dir, ref) {
  const code = sourceInfo(ref);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entries = ["wrangler.toml", "tsconfig.json", "src", "migrations"];
  if (ref) {
    // A commit's code instead of the working tree's, plus what `npm install` generates and git does not hold
    // (src/**/*.generated.ts: Swagger UI, the console's vendored scripts).
    const tar = execFileSync("git", ["archive", "--format=tar", ref, "--", ...entries], { cwd: ROOT, maxBuffer: 256 * 2 ** 20 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
    for (const file of readdirSync(join(ROOT, "src"), { recursive: true })) {
      if (String(file).endsWith(".generated.ts") && !existsSync(join(dir, "src", file))) cpSync(join(ROOT, "src", file), join(dir, "src", file));
    }
    refDependencies(dir, ref);
  } else {
    for (const entry of entries) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  return { config: join(dir, "wrangler.toml"), code };
}

/**
 * A commit whose runtime dependencies differ from the project's (a library since dropped, as @noble/ciphers was,
 * or another version) gets its own: its `dependencies`, installed from its lockfile once per lockfile under
 * `bench/.state/deps-<hash>` (the npm registry is reachable here) and linked into the copy, where the bundler finds
 * them before the project's. The tools (wrangler, the bundler) stay the project's.
 */
function refDependencies(dir, ref) {
  const show = (file) => execFileSync("git", ["show", `${ref}:${file}`], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  const pkg = show("package.json");
  const runtime = (text) => JSON.stringify(JSON.parse(text).dependencies ?? {});
  if (runtime(pkg) === runtime(readFileSync(join(ROOT, "package.json"), "utf8"))) return;
  const lock = show("package-lock.json");
  const cache = join(dirname(dir), `deps-${createHash("sha256").update(pkg).update(lock).digest("hex").slice(0, 12)}`);
  if (!existsSync(join(cache, "node_modules"))) {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, "package.json"), pkg);
    writeFileSync(join(cache, "package-lock.json"), lock);
    execFileSync("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: cache, stdio: ["ignore", "ignore", "inherit"] });
  }
  symlinkSync(join(cache, "node_modules"), join(dir, "node_modules"), "dir");
}

/**
 * Migrations, then `wrangler dev --log-level warn` in its own process group
 * (state in `<stateDir>/<name>`, output in `<stateDir>/<name>.log`), ready
 * once `readyPath` answers 2xx. `devArgs(base)` adds arguments that need the
 * server's own address (PUBLIC_URL, for the links in customers' messages).
 */
export async function startServer({ stateDir, name, configArgs, devArgs = () => [], readyPath, log = () => {} }) {
  const persist = join(stateDir, name);
  const logFile = join(stateDir, `${name}.log`);
  rmSync(persist, { recursive: true, force: true });
  rmSync(logFile, { force: true });
  const t0 = Date.now();
  // Every D1 database the measured config binds (a BENCH_REF from before sharding binds only DB).
  const config = configArgs[configArgs.indexOf("--config") + 1];
  // A copy of the template migrated once for these sources (scripts/local-migrations.mjs), not a wrangler run per database.
  await migrateLocal({ persistDir: persist, config: configArgs.includes("--config") ? config : undefined });
  const port = await freePort();
  const inspectorPort = await freePort();
  const base = `http://${HOST}:${port}`;
  const child = spawnWrangler(
    [
      "dev",
      ...configArgs,
      "--ip",
      HOST,
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--inspector-ip",
      HOST,
      "--log-level",
      "warn",
      "--show-interactive-dev-session=false",
      "--persist-to",
      persist,
      ...devArgs(base),
    ],
    logFile,
  );
  await waitReady(`${base}${readyPath}`, child, logFile);
  log(`${name} ready at ${base} in ${((Date.now() - t0) / 1000).toFixed(1)}s (state ${persist}, log ${logFile})`);
  return { name, base, port, inspectorPort, child, logFile, persist, projectDir: dirname(configArgs[configArgs.indexOf("--config") + 1] ?? join(ROOT, "wrangler.toml")) };
}
