// Where the code crosses a shard boundary (docs/SHARDING.md): read from the source text, with every table's home
// from src/db/placement.ts. A heuristic map for the build sessions, not a proof:
//
// - writes: per source file that runs a D1 batch, the tables it inserts into, updates or deletes from (drizzle
//   builders and raw SQL alike). A file whose batches write tables of two homes is where an atomic batch may span
//   a boundary; read its batches to tell (statements built in another file are not seen).
// - reads: per statement (a drizzle select chain or one sql`...` template), the tables it names together. A statement
//   naming a directory table and a store or warehouse table is a join (or subquery) that cannot run on one database.
//
//   node scripts/shard-crossings.mjs            # the directory crossings (what breaks under the plan), then the rest
//   node scripts/shard-crossings.mjs --json     # everything, for a build session's checklist
//
// Run with Node 24 (node_modules/node/bin/node): placement.ts is imported by stripping its types.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PLACEMENT } from "../src/db/placement.ts";

const root = new URL("../", import.meta.url).pathname;

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") && !path.endsWith(".generated.ts") && !path.includes("/db/schema/") ? [path] : [];
  });
}

// drizzle variable name → SQL table name, from the schema's `export const x = sqliteTable("name"`.
const variables = new Map();
for (const f of sources(join(root, "src/db")).concat(readdirSync(join(root, "src/db/schema")).map((n) => join(root, "src/db/schema", n)))) {
  for (const m of readFileSync(f, "utf8").matchAll(/export const (\w+) = sqliteTable\(\s*"([a-z0-9_]+)"/g)) variables.set(m[1], m[2]);
}
const tableOf = (word) => variables.get(word) ?? (word in PLACEMENT ? word : null);
const homeOf = (table) => PLACEMENT[table]?.home;
const lineAt = (text, index) => text.slice(0, index).split("\n").length;

/** Tables a text writes: drizzle's insert/update/delete, insertRows/insertRow, raw INSERT INTO / UPDATE / DELETE FROM. */
function writesIn(text) {
  const out = new Map();
  const add = (word, index) => {
    const t = tableOf(word);
    if (t && !out.has(t)) out.set(t, lineAt(text, index));
  };
  for (const m of text.matchAll(/\.(?:insert|update|delete)\((\w+)\)/g)) add(m[1], m.index);
  for (const m of text.matchAll(/\binsertRows?\(\s*[^,]+,\s*(\w+)/g)) add(m[1], m.index);
  for (const m of text.matchAll(/\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)/g)) add(m[1], m.index);
  for (const m of text.matchAll(/\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\$\{(\w+)\}/g)) add(m[1], m.index);
  return out;
}

/** Where the template literal whose opening backtick is at `start` ends, stepping over `${…}` and templates nested in them. */
function templateEnd(text, start) {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") i += 2;
    else if (c === "`") return i;
    else if (c === "$" && text[i + 1] === "{") {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text[i] === "`") i = templateEnd(text, i);
        else if (text[i] === "{") depth++;
        else if (text[i] === "}") depth--;
        i++;
      }
    } else i++;
  }
  return -1;
}

/** Statements that read: each drizzle `.from(x)` chain up to its end, and each sql`...` template. */
function statementsIn(text) {
  const out = [];
  for (const m of text.matchAll(/\.from\((\w+)\)/g)) {
    const rest = text.slice(m.index, m.index + 1200);
    const end = rest.search(/\.(?:all|get|run|limit|orderBy|groupBy)\(|;\n/);
    out.push({ index: m.index, body: end > 0 ? rest.slice(0, end) : rest.slice(0, 600) });
  }
  for (const m of text.matchAll(/sql`/g)) {
    const end = templateEnd(text, m.index + 3);
    if (end > 0) out.push({ index: m.index, body: text.slice(m.index, end) });
  }
  return out;
}

function tablesNamedIn(body) {
  const names = new Set();
  for (const m of body.matchAll(/\.(?:from|innerJoin|leftJoin|rightJoin|fullJoin)\((\w+)/g)) if (tableOf(m[1])) names.add(tableOf(m[1]));
  for (const m of body.matchAll(/\$\{(\w+)\}/g)) if (variables.has(m[1])) names.add(variables.get(m[1]));
  for (const m of body.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE)\s+[`"]?([a-z_][a-z0-9_]*)/g)) if (m[1] in PLACEMENT) names.add(m[1]);
  for (const m of body.matchAll(/\$\{(\w+)\.\w+\}/g)) if (variables.has(m[1])) names.add(variables.get(m[1]));
  return names;
}

const files = sources(join(root, "src")).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));
const byPath = new Map(files.map((f) => [f.path, f]));
for (const f of files) f.direct = writesIn(f.text);

/**
 * A file's writes with one level of calls: its own, plus those of each file it imports a function from and calls
 * (file granularity: calling stock.ts's changeLevel counts every table stock.ts writes). Statement builders live in
 * one file and are batched in another (src/inventory/stock.ts), so one level finds most of them.
 */
function writesWithCalls(f) {
  const out = new Map(f.direct);
  for (const m of f.text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(\.[^"]+)"/g)) {
    const target = byPath.get(relative(root, join(root, f.path, "..", `${m[2]}.ts`)));
    if (!target?.direct.size) continue;
    const names = m[1]
      .split(",")
      .map((n) =>
        n
          .trim()
          .replace(/^type\s+/, "")
          .split(/\s+as\s+/)
          .pop(),
      )
      .filter(Boolean);
    if (!names.some((n) => new RegExp(`\\b${n}\\(`).test(f.text))) continue;
    for (const [t] of target.direct) if (!out.has(t)) out.set(t, `via ${target.path}`);
  }
  return out;
}

// The order object's stages (wired in src/index.ts) return writes that the object commits in its transition's one
// batch, with the order row, its event and its outbox rows (src/orders/order-object.ts, commit()).
const stageFiles = new Set([...byPath.get("src/index.ts").text.matchAll(/import\s*\{[^}]*[Ss]tage[^}]*\}\s*from\s*"\.\/([^"]+)"/g)].map((m) => `src/${m[1]}.ts`));
const ORDER_BATCH = ["orders", "order_events", "order_hold_reasons", "outbox"];

// SQL fragments made by helpers (`export const actorRoleSql = (actor) => sql\`…\``) and interpolated into other
// statements as `${actorRoleSql(…)}`: a statement names the tables of the fragments it uses (one level).
const fragments = new Map();
for (const f of files) {
  for (const m of f.text.matchAll(/export const (\w+) = \([^)]*\)\s*=>\s*sql`/g)) {
    const end = templateEnd(f.text, m.index + m[0].length - 1);
    if (end > 0) fragments.set(m[1], tablesNamedIn(f.text.slice(m.index + m[0].length, end)));
  }
}
function withFragments(body, names) {
  for (const m of body.matchAll(/\$\{(\w+)\(/g)) for (const t of fragments.get(m[1]) ?? []) names.add(t);
  return names;
}

const report = { batches: [], reads: [] };
for (const f of files) {
  const batches = [...f.text.matchAll(/\.batch\(|\bbatch\(d1,/g)].map((m) => lineAt(f.text, m.index));
  const stage = stageFiles.has(f.path);
  if (stage) batches.push("the order object's commit");
  if (batches.length) {
    const writes = writesWithCalls(f);
    if (stage) for (const t of ORDER_BATCH) if (!writes.has(t)) writes.set(t, "order object");
    const homes = new Set([...writes.keys()].map(homeOf).filter((h) => h !== "shard"));
    if (homes.size > 1) {
      report.batches.push({
        file: f.path,
        batchLines: batches,
        homes: [...homes].sort(),
        writes: Object.fromEntries([...writes].map(([t, line]) => [t, `${homeOf(t)}:${line}`])),
      });
    }
  }
  for (const s of statementsIn(f.text)) {
    const tables = withFragments(s.body, tablesNamedIn(s.body));
    const homes = new Set([...tables].map(homeOf).filter((h) => h !== "shard"));
    if (homes.size > 1) report.reads.push({ at: `${f.path}:${lineAt(f.text, s.index)}`, homes: [...homes].sort(), tables: [...tables].sort() });
  }
}

if (process.argv.includes("--json")) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const withDirectory = (x) => x.homes.includes("directory");
  for (const [title, pick] of [
    ["directory and shard data", withDirectory],
    ["store and warehouse only (one shard when the pool holds both)", (x) => !withDirectory(x)],
  ]) {
    console.log(`\n== batches writing ${title} ==`);
    for (const b of report.batches.filter(pick)) {
      console.log(`${b.file} (batch at ${b.batchLines.join(", ")})`);
      for (const [t, at] of Object.entries(b.writes)) console.log(`    ${t.padEnd(26)} ${at}`);
    }
    console.log(`\n== statements reading ${title} ==`);
    for (const r of report.reads.filter(pick)) console.log(`${r.at.padEnd(48)} ${r.tables.map((t) => `${t}(${homeOf(t)[0]})`).join(" ")}`);
  }
}
