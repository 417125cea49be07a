// Upgrading a deployment made before its people and keys moved to the directory database (docs/SHARDING.md,
// build step 3): copies every table the Worker now keeps on the directory (`ON_DIRECTORY`, src/db/placement.ts:
// people, keys, sessions, positions, the activity log, dead letters) from shard 0 (`DB`) to `DIRECTORY`.
//
//   node scripts/copy-directory.mjs --remote                     the deployed databases (docs/deployment.md)
//   node scripts/copy-directory.mjs --local [--persist-to DIR]   a local server's state
//
// Table by table (people before what points to them), in pages of rows by rowid: each page is read with
// `wrangler d1 execute --json` and written to the directory as `INSERT OR IGNORE` statements, then each table is
// counted on both sides. (`wrangler d1 export` refuses `DB`, whose order search is a full-text index, and cannot
// read a local state directory other than the default one: docs/deployment.md.) Rows already on the directory are
// kept: running it again copies only rows made since, which is how an upgrade catches up after its deploy. A row
// changed on shard 0 after it was copied is not copied again; docs/deployment.md says what that means for the
// minutes of an upgrade. Nothing is deleted from shard 0: those rows are no longer read there.
//
// Runs on the `node` devDependency (npm scripts do): it imports src/db/placement.ts by stripping its types.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ON_DIRECTORY } from "../src/db/placement.ts";
import { persistArgs, runWrangler } from "./wrangler.mjs";

/** Rows a page reads and writes: one `--json` answer and one SQL file each, well within D1's limits. */
const PAGE = 2000;

/** A value as an SQL literal: text quoted, numbers as they are, null as NULL. Pure. */
export function literal(v) {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
  throw new Error(`no SQL literal for ${typeof v}`);
}

/** `INSERT OR IGNORE` statements for rows read from `table` (the `_rowid` column dropped). Pure. */
export function insertsFor(table, rows) {
  return rows.map((row) => {
    const cols = Object.keys(row).filter((c) => c !== "_rowid");
    return `INSERT OR IGNORE INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map((c) => literal(row[c])).join(", ")});`;
  });
}

async function wrangler(args) {
  const r = await runWrangler(args);
  if (r.code !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(" ")} exited ${r.code ?? r.signal}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

async function query(binding, where, command) {
  return JSON.parse(await wrangler(["d1", "execute", binding, ...where, "--json", "--command", command]))[0].results;
}

/** Row counts of the copied tables on one database. */
async function counts(binding, where) {
  // One row of scalar subqueries: D1 refuses a UNION of this many SELECTs.
  const [row] = await query(binding, where, `SELECT ${ON_DIRECTORY.map((t) => `(SELECT COUNT(*) FROM "${t}") AS "${t}"`).join(", ")}`);
  return new Map(Object.entries(row));
}

export async function copyDirectory({ remote = false, persistDir = null, log = console.log } = {}) {
  const where = remote ? ["--remote"] : ["--local", ...persistArgs(persistDir)];
  const dir = mkdtempSync(join(tmpdir(), "oms-directory-"));
  try {
    const file = join(dir, "page.sql");
    for (const table of ON_DIRECTORY) {
      let after = 0;
      let copied = 0;
      for (;;) {
        const rows = await query("DB", where, `SELECT rowid AS _rowid, * FROM "${table}" WHERE rowid > ${after} ORDER BY rowid LIMIT ${PAGE}`);
        if (!rows.length) break;
        writeFileSync(file, `${insertsFor(table, rows).join("\n")}\n`);
        await wrangler(["d1", "execute", "DIRECTORY", ...where, "--file", file, "--yes"]);
        after = rows.at(-1)._rowid;
        copied += rows.length;
        if (rows.length < PAGE) break;
      }
      log(`${table}: ${copied} rows read from shard 0`);
    }
    const [from, to] = [await counts("DB", where), await counts("DIRECTORY", where)];
    const short = [];
    for (const t of ON_DIRECTORY) {
      log(`${t.padEnd(20)} shard 0: ${String(from.get(t)).padStart(8)}   directory: ${String(to.get(t)).padStart(8)}`);
      if ((to.get(t) ?? 0) < (from.get(t) ?? 0)) short.push(t);
    }
    if (short.length) throw new Error(`the directory has fewer rows than shard 0 in ${short.join(", ")}`);
    return { from, to };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const remote = args.includes("--remote");
  const at = args.indexOf("--persist-to");
  if (remote === args.includes("--local")) {
    console.error("say where: --remote (the deployed databases) or --local [--persist-to DIR]");
    process.exit(2);
  }
  try {
    await copyDirectory({ remote, persistDir: at >= 0 ? resolve(args[at + 1]) : null });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
