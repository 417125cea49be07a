// Where a full rollup's database time goes, fold by fold and statement by
// statement, on the data of a kept rollup bench (`node bench/rollup.mjs --keep`):
//
//   npx tsx bench/rollup-profile.ts DIR [--units N] [--from DAY] [--at INSTANT] [--explain] [--days 7] [--pick 1000]
//
// It plans the units a full rebuild refolds (every store, every local day with
// events, at most --days days per unit, the dirty buckets read --pick at a
// time as a run reads them), builds each fold's statements with the
// code of this checkout, and runs them with node:sqlite on a copy of the bench's
// D1 file, inside a transaction that is rolled back (so runs compare on the same
// data). Prints each fold's CPU time per unit and in total, its SQL apart from
// its own JavaScript (`<fold> js`), and on Linux the pages its SQL read beyond
// SQLite's 2 MB cache (read system calls: workerd made as many in a full rollup
// of the same data); --explain adds SQLite's
// EXPLAIN QUERY PLAN of every statement of the first unit. node:sqlite is not
// workerd's SQLite build: compare versions of the code by ratios in one run.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { d1File } from "../scripts/d1-bindings.mjs";
import { layOutByTime } from "./lib/time-layout.mjs";
import type { StoreConfigs } from "../src/analytics/apply-store-config";
import { FOLDS } from "../src/analytics/folds";
import { actorRoles } from "../src/analytics/folds/fold";
import { markChanges } from "../src/analytics/mark-changes";
import { planUnits, type DirtyBucket } from "../src/analytics/refold-dirty";
import { noneOnTheMove } from "../src/db/client";
import { DEFAULT_SLA } from "../src/analytics/sla";
import { addDays, localDay } from "../src/analytics/time-zones";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    units: { type: "string" },
    from: { type: "string" },
    at: { type: "string" },
    explain: { type: "boolean", default: false },
    days: { type: "string", default: "7" },
    pick: { type: "string", default: "1000" },
    scan: { type: "boolean", default: false },
  },
});
if (!positionals[0]) throw new Error("usage: npx tsx bench/rollup-profile.ts DIR (a directory kept by node bench/rollup.mjs --keep)");
// Shard 0's file (DB, where the rollups run today), not whichever database's file comes first.
const source = d1File(join(positionals[0], "state"), "DB");
const work = mkdtempSync(join(tmpdir(), "oms-rollup-profile-"));
copyFileSync(source, join(work, "db.sqlite"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
// Data kept before the bench laid its rows out as a live database holds them is laid out so here too, as the bench does.
const loaded = JSON.parse(readFileSync(join(positionals[0], "loaded.json"), "utf8")) as { layout?: string };
if (loaded.layout !== "time") console.log(`${layOutByTime(join(work, "db.sqlite"))} rows laid out in the order they are written live`);
const db = new DatabaseSync(join(work, "db.sqlite"));
// Migrations of this checkout the bench's data has not had yet (as wrangler records them).
const applied = new Set((db.prepare("SELECT name FROM d1_migrations").all() as { name: string }[]).map((m) => m.name));
for (const m of readdirSync("migrations")
  .filter((f) => f.endsWith(".sql") && !applied.has(f))
  .sort()) {
  db.exec(readFileSync(join("migrations", m), "utf8").replaceAll("--> statement-breakpoint", ""));
  console.log(`applied ${m}`);
}
// The staging step (folds/unit-events.ts) where this checkout has one, so that older code can be profiled the same way.
const staging = await import("../src/analytics/folds/unit-events").catch(() => null);

// ---- a D1 binding over node:sqlite that times every statement under the current label ----
let label = "";
const times = new Map<string, number>();
const plans: string[] = [];
let explain = false;
const dumped: { name: string; text: string; params: unknown[] }[] = [];
/** CPU time of this process (SQLite runs in it, synchronously): on a machine shared with other work, wall time says more about the others. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const stmtTimes: [string, number][] = [];
const add = (name: string, ms: number) => times.set(name, (times.get(name) ?? 0) + ms);
/**
 * Read system calls of this process so far (Linux; null elsewhere). SQLite's page cache is 2 MB, so each page a
 * statement reads beyond it is one `pread`; workerd made as many in a full rollup of the same data. This is how the
 * loaded layout's scattered rows showed (docs/analytics.md, "The bench's rows in the order a live database writes them").
 */
const readCalls = (): number | null => {
  try {
    const n = /syscr: (\d+)/.exec(readFileSync("/proc/self/io", "utf8"))?.[1];
    return n === undefined ? null : Number(n);
  } catch {
    return null;
  }
};
/** The read calls one `readCalls` makes itself (a /proc file is read until it ends: two with Node 24), taken off each count. */
const ownReads = (() => {
  const a = readCalls();
  const b = readCalls();
  return a === null || b === null ? 0 : b - a;
})();
const reads = new Map<string, number>();

function exec(text: string, params: unknown[], mode: "all" | "run", name: string) {
  if (explain) {
    dumped.push({ name, text, params });
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...(params as SQLInputValue[]));
    plans.push(`-- ${name}\n${text.replace(/\s+/g, " ").slice(0, 400)}\n${plan.map((p) => `   ${p.detail}`).join("\n")}`);
  }
  const t = cpuMs();
  const r0 = readCalls();
  const stmt = db.prepare(text);
  if (explain) stmtTimes.push([name, 0]);
  const out = mode === "all" ? stmt.all(...(params as SQLInputValue[])) : stmt.run(...(params as SQLInputValue[]));
  const r1 = readCalls();
  const key = name === "change scan write" || name === "change scan read" ? `${name}: ${text.replace(/\s+/g, " ").trim().slice(0, 90)}` : name;
  add(key, cpuMs() - t);
  if (r0 !== null && r1 !== null) reads.set(key, (reads.get(key) ?? 0) + r1 - r0 - ownReads);
  if (explain) stmtTimes.at(-1)![1] = cpuMs() - t;
  return out;
}

function prepared(text: string, params: unknown[], name: string): D1PreparedStatement {
  return {
    bind: (...values: unknown[]) => prepared(text, values, name),
    all: async () => ({ results: exec(text, params, "all", `${name} read`), success: true, meta: {} }),
    first: async () => (exec(text, params, "all", `${name} read`) as unknown[])[0] ?? null,
    run: async () => {
      exec(text, params, "run", `${name} write`);
      return { success: true, meta: {} };
    },
    // Rows as arrays, in the order of the statement's columns (its column names are distinct in every fold).
    raw: async () => (exec(text, params, "all", `${name} read`) as Record<string, unknown>[]).map((r) => Object.values(r)),
    // batch() runs these
    __text: text,
    __params: params,
    __name: name,
  } as unknown as D1PreparedStatement;
}

const d1 = {
  prepare: (text: string) => prepared(text, [], label),
  batch: async (statements: D1PreparedStatement[]) =>
    statements.map((s) => {
      const { __text, __params, __name } = s as unknown as { __text: string; __params: unknown[]; __name: string };
      return { results: exec(__text, __params, /^\s*(SELECT|WITH)/i.test(__text) ? "all" : "run", `${__name} write`), success: true, meta: {} };
    }),
} as unknown as D1Database;

// ---- the units of a full rebuild ----
const configs: StoreConfigs = new Map(
  (db.prepare("SELECT id, timezone FROM stores").all() as { id: string; timezone: string }[]).map((s) => [s.id, { timezone: s.timezone, sla: DEFAULT_SLA }]),
);
const range = db.prepare("SELECT MIN(created_at) AS lo, MAX(created_at) AS hi FROM order_events").get() as { lo: number; hi: number };
const dirty: DirtyBucket[] = [];
for (const [store_id, { timezone }] of configs) {
  // --at INSTANT: what an incremental run right after new orders at that instant refolds: each store's local day then.
  if (args.at) dirty.push({ store_id, day: localDay(timezone, Date.parse(args.at)) });
  else for (let d = localDay(timezone, range.lo), last = localDay(timezone, range.hi); d <= last; d = addDays(d, 1)) dirty.push({ store_id, day: d });
}
// As refoldDirty plans them: dirty buckets read `--pick` at a time in (day, store) order, each pick planned on its own.
let units: ReturnType<typeof planUnits> = [];
const pick = Number(args.pick) || Number.POSITIVE_INFINITY;
let remaining = [...dirty].sort((a, b) => a.day.localeCompare(b.day) || a.store_id.localeCompare(b.store_id));
while (remaining.length) {
  const picked = remaining.slice(0, pick);
  const planned = planUnits(picked, configs, Number(args.days), { partial: picked.length === pick });
  const served = new Set(planned.flatMap((u) => u.buckets.map((b) => `${b.store_id} ${b.day}`)));
  remaining = remaining.filter((b) => !served.has(`${b.store_id} ${b.day}`));
  units.push(...planned);
}
// --from DAY: only the units from that local day on (a day's refold alone is what an incremental run of that day does).
if (args.from) units = units.filter((u) => u.lastDay >= args.from!);
if (args.units) units = units.slice(0, Number(args.units));
const guard = sql`1 = 1`;
// Who is who (the staff and floor folds name each actor's role), read from the directory as a run reads it.
const directory = new DatabaseSync(d1File(join(positionals[0], "state"), "DIRECTORY"), { readOnly: true });
const roles = await actorRoles({
  prepare: (text: string) => ({ all: async () => ({ results: directory.prepare(text).all() }) }),
} as unknown as Parameters<typeof actorRoles>[0]);

if (args.scan) {
  // The change scan of a full rebuild, in the run's steps of 5000 orders.
  label = "change scan";
  db.exec("BEGIN");
  const t = cpuMs();
  let steps = 0;
  for (let watermark = 0; watermark < range.hi; steps++) {
    ({ watermark } = await markChanges(d1, configs, { from: watermark, to: range.hi, limit: 5000, guard: sql`1 = 1`, now: 0 }));
  }
  db.exec("ROLLBACK");
  console.log(`change scan: ${steps} steps, ${(cpuMs() - t).toFixed(0)} ms CPU`);
}
console.log(`${configs.size} stores, ${dirty.length} (store, day) buckets, ${units.length} units of at most ${args.days} days`);
const started = cpuMs();
for (const [i, { buckets: _served, ...rest }] of units.entries()) {
  // Guarded as refoldDirty guards each unit (no lease here: nothing else writes this copy).
  const unit = { ...rest, guard: sql`${guard} AND ${noneOnTheMove(rest.storeIds)}`, roles };
  explain = args.explain && i === 0;
  const before = new Map(times);
  db.exec("BEGIN");
  const t = cpuMs();
  if (staging) {
    label = "stage unit events";
    await d1.batch(staging.stageUnitEvents(d1, unit));
  }
  for (const fold of FOLDS) {
    label = fold.name;
    // The fold's own JavaScript (reading rows into objects, grouping them, building statements): its time less the
    // SQL it ran meanwhile. In the Worker this shows as run time D1 does not report (bench/rollup.mjs --trace).
    const sqlBefore = [...times.values()].reduce((a, b) => a + b, 0);
    const t0 = cpuMs();
    const statements = await fold.refold(d1, unit);
    add(`${fold.name} js`, cpuMs() - t0 - ([...times.values()].reduce((a, b) => a + b, 0) - sqlBefore));
    await d1.batch(statements);
  }
  db.exec("ROLLBACK");
  const unitMs = cpuMs() - t;
  const parts = [...times].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([, v]) => v >= 50);
  console.log(`unit ${i} ${unit.firstDay}..${unit.lastDay}: ${unitMs.toFixed(0)} ms  ${parts.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`);
}
console.log(`\ntotal ${(cpuMs() - started).toFixed(0)} ms CPU`);
for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) {
  const r = reads.get(k);
  console.log(`  ${k.padEnd(32)} ${v.toFixed(0).padStart(8)} ms${r === undefined ? "" : `${String(r).padStart(11)} page reads`}`);
}
if (plans.length) {
  console.log(`\n${plans.map((p, i) => `${p}\n   (${stmtTimes[i]![1].toFixed(0)} ms)`).join("\n\n")}`);
  writeFileSync(join(tmpdir(), "rollup-profile-statements.json"), JSON.stringify(dumped));
}
