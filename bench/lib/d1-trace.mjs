// What an order costs the database, from the Worker's `[d1]` log lines (src/db/trace.ts, on with D1_TRACE=1):
// round trips and statements per completed order, per entry (the route, queue, cron or order object stage that
// ran them, and how often it ran), the statements run most often, per order, their time in the database, and the
// rows they read and wrote as D1 bills them.
import { stripVTControlCharacters } from "node:util";

/** The statement's shape: its text without literal values. */
export const sqlShape = (sql) => sql.replace(/'[^']*'/g, "?").replace(/\b\d{4,}\b/g, "N");

/**
 * The time D1 reports in the database (the `[d1]~ <ms> @<entry> <sql>` lines) in `text`, of the entries `entry`
 * accepts (default: all): in total, over how many statements, and the `top` statements that took most.
 */
export function databaseTime(text, { entry = () => true, top = 12 } = {}) {
  const bySql = new Map();
  let total = 0;
  let statements = 0;
  for (const line of text.split("\n")) {
    const m = /\[d1\]~ ([\d.]+) @(\S+) (.*)$/.exec(line);
    if (!m || !entry(m[2])) continue;
    const ms = Number(m[1]);
    const shape = sqlShape(m[3]).slice(0, 140);
    const seen = bySql.get(shape) ?? { ms: 0, n: 0 };
    seen.ms += ms;
    seen.n++;
    bySql.set(shape, seen);
    total += ms;
    statements++;
  }
  return {
    statements,
    sql_ms: Math.round(total),
    top: [...bySql]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([sql, n]) => ({ ms: Math.round(n.ms), n: n.n, sql })),
  };
}

/** Sums the trace lines of `text` over `orders` completed orders. */
export function d1Trace(text, orders, { top = 25 } = {}) {
  let roundTrips = 0;
  let statements = 0;
  const bySql = new Map();
  const byEntry = new Map();
  let current = null;
  const bytesBySql = new Map();
  let bytes = 0;
  const billedBySql = new Map();
  let rowsRead = 0;
  let rowsWritten = 0;
  const entryOf = (label) => {
    const seen = byEntry.get(label) ?? { runs: 0, round_trips: 0, statements: 0, rows_written: 0 };
    byEntry.set(label, seen);
    return seen;
  };
  for (const raw of text.split("\n")) {
    // wrangler colours the Worker's warnings: the escapes are not part of the line.
    const line = stripVTControlCharacters(raw);
    // `[d1]@ @<entry>`: one run of an entry (a request, a queue batch, a call into an order's object).
    const run = /\[d1\]@ @(\S+)/.exec(line);
    if (run) {
      entryOf(run[1]).runs++;
      continue;
    }
    // `[d1]# <read> <written> @<entry> <sql>`: the rows D1 bills for one statement.
    const billed = /\[d1\]# (\d+) (\d+) @(\S+) (.*)$/.exec(line);
    if (billed) {
      rowsRead += Number(billed[1]);
      rowsWritten += Number(billed[2]);
      entryOf(billed[3]).rows_written += Number(billed[2]);
      const key = `${billed[3]} ${sqlShape(billed[4])}`;
      const seen = billedBySql.get(key) ?? { read: 0, written: 0 };
      seen.read += Number(billed[1]);
      seen.written += Number(billed[2]);
      billedBySql.set(key, seen);
      continue;
    }
    const b = /\[d1\]= (\d+) @(\S+) (.*)$/.exec(line);
    if (b) {
      const key = `${b[2]} ${sqlShape(b[3])}`;
      bytes += Number(b[1]);
      const seen = bytesBySql.get(key) ?? { bytes: 0, answers: 0 };
      seen.bytes += Number(b[1]);
      seen.answers++;
      bytesBySql.set(key, seen);
      continue;
    }
    const m = /\[d1\] (\d+|\+) (?:@(\S+) )?(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] !== "+") {
      roundTrips++;
      current = entryOf(m[2] ?? "unlabelled");
      current.round_trips++;
    }
    if (current) current.statements++;
    statements++;
    // The statement's shape: its text without literal values.
    const shape = sqlShape(m[3]);
    bySql.set(shape, (bySql.get(shape) ?? 0) + 1);
  }
  const per = (n) => Math.round((n / Math.max(orders, 1)) * 10) / 10;
  return {
    round_trips_per_order: per(roundTrips),
    statements_per_order: per(statements),
    by_entry: [...byEntry]
      .sort((a, b) => b[1].round_trips - a[1].round_trips || b[1].runs - a[1].runs)
      .map(([entry, n]) => ({
        entry,
        runs_per_order: per(n.runs),
        round_trips_per_order: per(n.round_trips),
        statements_per_order: per(n.statements),
        rows_written_per_order: per(n.rows_written),
      })),
    // Counted over the answers that carry D1's meta (batches, `all`, `run`; not `first()` or `raw()`).
    rows_read_per_order: per(rowsRead),
    rows_written_per_order: per(rowsWritten),
    top_written: [...billedBySql]
      .sort((a, b) => b[1].written - a[1].written)
      .slice(0, top)
      .map(([key, n]) => ({
        rows_written_per_order: per(n.written),
        rows_read_per_order: per(n.read),
        entry: key.slice(0, key.indexOf(" ")),
        sql: key.slice(key.indexOf(" ") + 1),
      })),
    answer_bytes_per_order: per(bytes),
    database_ms_per_order: per(databaseTime(text).sql_ms),
    top_bytes: [...bytesBySql]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, top)
      .map(([key, n]) => ({ bytes_per_order: per(n.bytes), answers_per_order: per(n.answers), entry: key.slice(0, key.indexOf(" ")), sql: key.slice(key.indexOf(" ") + 1) })),
    top: [...bySql]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([sql, n]) => ({ per_order: per(n), sql })),
  };
}

export function printD1Trace(t) {
  console.log(
    `\nD1 per completed order (D1_TRACE): ${t.round_trips_per_order} round trips, ${t.statements_per_order} statements, ${t.database_ms_per_order} ms in the database; rows written ${t.rows_written_per_order}, rows read ${t.rows_read_per_order} (as D1 bills them, index entries included; answers without meta not counted). By entry (runs / round trips / statements / rows written):`,
  );
  for (const e of t.by_entry.filter((x) => x.runs_per_order || x.round_trips_per_order || x.statements_per_order)) {
    console.log(
      `  ${String(e.runs_per_order).padStart(5)} ${String(e.round_trips_per_order).padStart(5)} ${String(e.statements_per_order).padStart(6)} ${String(e.rows_written_per_order).padStart(6)}  ${e.entry}`,
    );
  }
  if (t.top_written?.length) {
    console.log("Statements that write most rows (rows written / rows read per order, entry, statement):");
    for (const s of t.top_written.filter((x) => x.rows_written_per_order)) {
      console.log(`  ${String(s.rows_written_per_order).padStart(6)} ${String(s.rows_read_per_order).padStart(7)}  ${s.entry}  ${s.sql.slice(0, 110)}`);
    }
  }
  console.log("Statements run most:");
  for (const s of t.top) console.log(`  ${String(s.per_order).padStart(5)}  ${s.sql.slice(0, 150)}`);
  if (!t.top_bytes?.length) return;
  console.log(`Bytes of rows in the answers (JSON): ${t.answer_bytes_per_order} per order. Statements whose answers carry most (bytes / answers per order, entry, statement):`);
  for (const s of t.top_bytes) console.log(`  ${String(s.bytes_per_order).padStart(8)} ${String(s.answers_per_order).padStart(5)}  ${s.entry}  ${s.sql.slice(0, 120)}`);
}
