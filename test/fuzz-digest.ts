/**
 * A cheap fingerprint of everything in D1, to show that a refused request
 * wrote nothing: one statement that reads, for every table, its row count,
 * its highest rowid and per column a sum (numbers) or the sums of the
 * lengths and of the first and last characters' code points (text).
 *
 * It catches any insert or delete, and any update that changes a number, a
 * timestamp, a version, or a text's length or first or last character (a
 * status, a name, a JSON document that grows). It misses an update that
 * swaps characters inside a text of the same length with the same ends, or
 * two updates that cancel out in a sum; a full hash of every row would see
 * those but costs a table scan with string building per request.
 */
import { env } from "./shard-env";
import { fullTextTables } from "./databases";

export type Digest = Record<string, string>;

let statements: string[] | null = null;

/**
 * Left out: the activity log records every write request, refused ones included (docs/staff.md, "Who did
 * what"), so a refusal adding a row there is the documented behaviour, not a write the refusal made.
 */
const NOT_FINGERPRINTED = new Set(["activity_log"]);

/** Tables per statement: D1 returns at most 100 columns in a result set, one per table here. */
const TABLES_PER_STATEMENT = 50;

async function build(): Promise<string[]> {
  // Not the copies test/setup.ts keeps of what the migrations wrote.
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'd1\\_%' ESCAPE '\\' AND name NOT LIKE '\\_test\\_seed\\_%' ESCAPE '\\' ORDER BY name",
  ).all<{ name: string }>();
  // Nor the full-text index of orders' external ids and its shadow tables: derived from orders, which are fingerprinted.
  const { isFullText } = await fullTextTables(env.DB);
  const parts: string[] = [];
  for (const { name } of tables.results) {
    if (NOT_FINGERPRINTED.has(name) || isFullText(name)) continue;
    const cols = await env.DB.prepare("SELECT name, type FROM pragma_table_info(?)").bind(name).all<{ name: string; type: string }>();
    const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const exprs = ["count(*)", "max(rowid)"];
    for (const c of cols.results) {
      if (/INT|REAL|NUM/i.test(c.type)) exprs.push(`total(${q(c.name)})`);
      else exprs.push(`total(length(${q(c.name)}))`, `total(unicode(${q(c.name)}))`, `total(unicode(substr(${q(c.name)}, -1)))`);
    }
    // json_array, not `||`: a chain of concatenations soon passes SQLite's expression depth limit.
    parts.push(`(SELECT json_array(${exprs.join(", ")}) FROM ${q(name)}) AS ${q(name)}`);
  }
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += TABLES_PER_STATEMENT) out.push(`SELECT ${parts.slice(i, i + TABLES_PER_STATEMENT).join(", ")}`);
  return out;
}

export async function digest(): Promise<Digest> {
  statements ??= await build();
  const results = await env.DB.batch(statements.map((q) => env.DB.prepare(q)));
  return Object.assign({}, ...results.map((r) => r.results[0] as Digest));
}

/** The tables whose fingerprint differs. */
export function changedTables(before: Digest, after: Digest): string[] {
  return Object.keys(after).filter((t) => before[t] !== after[t]);
}

/** Waits until nothing in D1 changes for `quietMs` (queue consumers and alarms finishing earlier work), up to `maxMs`. */
export async function settle(opts: { quietMs?: number; maxMs?: number } = {}): Promise<Digest> {
  const { quietMs = 1_500, maxMs = 15_000 } = opts;
  const start = Date.now();
  let last = await digest();
  let quietSince = Date.now();
  while (Date.now() - start < maxMs) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await digest();
    if (changedTables(last, now).length) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) break;
  }
  return last;
}
