// Where the server's CPU goes: a sampling CPU profile of the Worker, taken through the DevTools inspector that
// `wrangler dev --inspector-port` opens on workerd (the same one `chrome://inspect` uses), and summed up by
// function, by source module and by the entry the work ran under (a route, a queue consumer, an order's object).
// Route handlers, consumers and objects all run in the one isolate locally, so one profile covers them all.
//
// The profile itself is written as a `.cpuprofile` (open it in Chrome DevTools' Performance panel); frames are
// mapped back to the TypeScript sources through the bundle's source map, which wrangler writes beside the bundle.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SourceMapConsumer } from "source-map-js";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Connects to the inspector on `port` (retrying while workerd starts); returns { start, stop, close }. */
export async function connectProfiler(port, { host = "127.0.0.1", samplingIntervalUs = 200 } = {}) {
  let targets;
  for (let i = 0; i < 40; i++) {
    try {
      targets = await (await fetch(`http://${host}:${port}/json`, { signal: AbortSignal.timeout(2_000) })).json();
      if (targets.length) break;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  const target = targets?.find((t) => t.webSocketDebuggerUrl) ?? null;
  if (!target) throw new Error(`no inspector target on ${host}:${port}`);
  // wrangler's inspector proxy only accepts local DevTools origins (Node's WebSocket takes headers as an extension).
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: `http://${host}` } });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let nextId = 1;
  const waiting = new Map();
  ws.addEventListener("message", (event) => {
    const msg = JSON.parse(String(event.data));
    const w = msg.id && waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(`${w.method}: ${msg.error.message}`));
    else w.resolve(msg.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject, method });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
  return {
    start: () => send("Profiler.start"),
    stop: async () => (await send("Profiler.stop")).profile,
    close: () => ws.close(),
  };
}

/**
 * The bundle wrangler dev is serving (the newest `index.js` under `<project>/.wrangler/tmp/dev-…`): the inspector names
 * it only "index.js".
 */
export function devBundle(projectDir) {
  const tmp = join(projectDir, ".wrangler", "tmp");
  if (!existsSync(tmp)) return null;
  const dirs = readdirSync(tmp)
    .filter((d) => d.startsWith("dev-") && existsSync(join(tmp, d, "index.js.map")))
    .map((d) => ({ d, t: statSync(join(tmp, d, "index.js.map")).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  return dirs.length ? join(tmp, dirs[0].d, "index.js") : null;
}

/** Maps bundle positions to sources, caching one consumer per bundle URL. */
function sourceMapper(bundle) {
  const consumers = new Map();
  function consumerFor(url) {
    if (consumers.has(url)) return consumers.get(url);
    let consumer = null;
    try {
      const path = url === "index.js" && bundle ? bundle : url.startsWith("file://") ? fileURLToPath(url) : url;
      if (existsSync(`${path}.map`)) consumer = new SourceMapConsumer(JSON.parse(readFileSync(`${path}.map`, "utf8")));
    } catch {
      consumer = null;
    }
    consumers.set(url, consumer);
    return consumer;
  }
  return (frame) => {
    const consumer = frame.url ? consumerFor(frame.url) : null;
    if (!consumer) return { source: frame.url || "(native)", line: frame.lineNumber + 1 };
    const pos = consumer.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber });
    return { source: pos.source ?? frame.url, line: pos.line ?? frame.lineNumber + 1 };
  };
}

/** "src/orders/intake.ts", "node_modules/hono", "(native)", ... : the module a source belongs to. */
export function moduleOf(source) {
  if (!source) return "(native)";
  const nm = source.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = source.slice(nm + "node_modules/".length).split("/");
    // drizzle-orm's source maps point at "../src/...", which lands beside node_modules' packages.
    if (rest[0] === "src") return "node_modules/drizzle-orm";
    return `node_modules/${rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = source.lastIndexOf("src/");
  if (src >= 0) return source.slice(src);
  return source;
}

/**
 * Sums a profile's samples (milliseconds of CPU on the isolate's thread) by function, by module and by entry.
 * The entry of a sample is the outermost frame of our own code on its stack (`src/...`): after an `await`, the
 * stack starts at the function that resumed, so this is the route handler, consumer or object method whose work
 * it was, as close as a sampled profile can tell.
 */
export function summarize(profile, { top = 25, bundle = null } = {}) {
  const map = sourceMapper(bundle);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));

  const where = new Map();
  const placeOf = (id) => {
    if (!where.has(id)) {
      const f = nodes.get(id).callFrame;
      const { source, line } = map(f);
      where.set(id, { name: f.functionName || "(anonymous)", source, line, module: moduleOf(source) });
    }
    return where.get(id);
  };
  const byFunction = new Map();
  const byModule = new Map();
  const byEntry = new Map();
  // Time in the database layer (drizzle and the D1 binding), by the innermost line of our code that called it:
  // which statements cost the most to build, send and read back.
  const byDbCaller = new Map();
  const DB_MODULES = new Set(["node_modules/drizzle-orm", "cloudflare-internal:d1-api"]);
  // drizzle's own cost (building SQL, mapping rows), builtins it calls included: a sample counts when the
  // innermost frame that is drizzle, the D1 binding or our code is drizzle's (so the binding's work and our
  // column mappers, e.g. decryption in src/db/encrypted.ts, are not drizzle's), by the line of ours that called it.
  const byDrizzleCaller = new Map();
  let drizzleUs = 0;
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const f = nodes.get(id).callFrame;
    if (f.functionName === "(idle)" || f.functionName === "(program)") {
      idle += us;
      continue;
    }
    total += us;
    const p = placeOf(id);
    const fnKey = `${p.name}  ${p.module}${p.module.startsWith("src/") ? `:${p.line}` : ""}`;
    byFunction.set(fnKey, (byFunction.get(fnKey) ?? 0) + us);
    byModule.set(p.module, (byModule.get(p.module) ?? 0) + us);
    let entry = null;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const q = placeOf(cur);
      if (q.module.startsWith("src/")) entry = `${q.name}  ${q.module}`;
    }
    entry ??= f.functionName === "(garbage collector)" ? "(garbage collector)" : "(outside our code)";
    byEntry.set(entry, (byEntry.get(entry) ?? 0) + us);
    if (DB_MODULES.has(p.module)) {
      let caller = "(outside our code)";
      for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
        const q = placeOf(cur);
        if (q.module.startsWith("src/") && q.module !== "src/db/client.ts") {
          caller = `${q.name}  ${q.module}:${q.line}`;
          break;
        }
      }
      byDbCaller.set(caller, (byDbCaller.get(caller) ?? 0) + us);
    }
    let owner = null;
    for (let cur = id; cur !== undefined && owner === null; cur = parent.get(cur)) {
      const m = placeOf(cur).module;
      if (m === "node_modules/drizzle-orm") owner = cur;
      else if (m === "cloudflare-internal:d1-api" || m.startsWith("src/")) owner = false;
    }
    if (owner) {
      drizzleUs += us;
      let caller = "(outside our code)";
      for (let cur = parent.get(owner); cur !== undefined; cur = parent.get(cur)) {
        const q = placeOf(cur);
        if (q.module.startsWith("src/") && q.module !== "src/db/client.ts") {
          caller = `${q.name}  ${q.module}:${q.line}`;
          break;
        }
      }
      byDrizzleCaller.set(caller, (byDrizzleCaller.get(caller) ?? 0) + us);
    }
  }
  const table = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, share: Math.round((us / total) * 1000) / 10 }));
  return {
    cpu_ms: Math.round(total / 1000),
    idle_ms: Math.round(idle / 1000),
    drizzle_ms: Math.round(drizzleUs / 1000),
    drizzle_share: Math.round((drizzleUs / total) * 1000) / 10,
    by_entry: table(byEntry),
    by_module: table(byModule),
    by_function: table(byFunction),
    by_db_caller: table(byDbCaller),
    by_drizzle_caller: table(byDrizzleCaller),
  };
}

/** Prints a summary as three small tables. */
export function printSummary(summary, log = console.log) {
  log(`CPU on the Worker's thread: ${summary.cpu_ms} ms sampled (idle ${summary.idle_ms} ms)`);
  if (summary.drizzle_ms !== undefined)
    log(`drizzle-orm, with the builtins it calls (not the D1 binding, not our column mappers): ${summary.drizzle_ms} ms, ${summary.drizzle_share} %`);
  for (const [title, rows] of [
    ["by entry (outermost frame of our code)", summary.by_entry],
    ["by module (self time)", summary.by_module],
    ["by function (self time)", summary.by_function],
    ["database layer (drizzle, D1 binding) by the line of our code that called it", summary.by_db_caller ?? []],
    ["drizzle alone (with the builtins it calls) by the line of our code that called it", summary.by_drizzle_caller ?? []],
  ]) {
    log(`\n  ${title}`);
    for (const r of rows) log(`  ${String(r.ms).padStart(9)} ms ${String(r.share).padStart(5)} %  ${r.name}`);
  }
}
