// What an order costs the database, from the Worker's `[d1]` log lines (src/db/trace.ts, on with D1_TRACE=1):
// round trips and statements per completed order, per entry (the route, queue, cron or order object stage that
// ran them) and the statements run most often, per order.

/** Sums the trace lines of `text` over `orders` completed orders. */
export function d1Trace(text, orders, { top = 25 } = {}) {
  let roundTrips = 0;
  let statements = 0;
  const bySql = new Map();
  const byEntry = new Map();
  let current = null;
  for (const line of text.split("\n")) {
    const m = /\[d1\] (\d+|\+) (?:@(\S+) )?(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] !== "+") {
      roundTrips++;
      const label = m[2] ?? "unlabelled";
      current = byEntry.get(label) ?? { round_trips: 0, statements: 0 };
      byEntry.set(label, current);
      current.round_trips++;
    }
    if (current) current.statements++;
    statements++;
    // The statement's shape: its text without literal values.
    const shape = m[3].replace(/'[^']*'/g, "?").replace(/\b\d{4,}\b/g, "N");
    bySql.set(shape, (bySql.get(shape) ?? 0) + 1);
  }
  const per = (n) => Math.round((n / Math.max(orders, 1)) * 10) / 10;
  return {
    round_trips_per_order: per(roundTrips),
    statements_per_order: per(statements),
    by_entry: [...byEntry]
      .sort((a, b) => b[1].round_trips - a[1].round_trips)
      .map(([entry, n]) => ({ entry, round_trips_per_order: per(n.round_trips), statements_per_order: per(n.statements) })),
    top: [...bySql]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([sql, n]) => ({ per_order: per(n), sql })),
  };
}

export function printD1Trace(t) {
  console.log(`\nD1 per completed order (D1_TRACE): ${t.round_trips_per_order} round trips, ${t.statements_per_order} statements. By entry (round trips / statements):`);
  for (const e of t.by_entry) console.log(`  ${String(e.round_trips_per_order).padStart(5)} ${String(e.statements_per_order).padStart(6)}  ${e.entry}`);
  console.log("Statements run most:");
  for (const s of t.top) console.log(`  ${String(s.per_order).padStart(5)}  ${s.sql.slice(0, 150)}`);
}
