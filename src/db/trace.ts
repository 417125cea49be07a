/**
 * D1 round trips, written to the log when the Worker runs with `D1_TRACE=1`
 * (the whole-order bench's BENCH_D1_TRACE=1 sets it and counts them per
 * order). One line per round trip, `[d1] <statements> @<entry> <sql>`, and
 * one `[d1] + <sql>` line for each further statement of a batch: what each
 * step of an order costs the database, named by statement and by the entry
 * that ran it (a route, a queue, a cron, an order object's stage). Tracing
 * costs CPU of its own, so a traced run's CPU figures are not the product's.
 * `D1_TRACE=full` logs whole statements with their values. A round trip on a
 * request's read session (src/db/client.ts `readDatabase`), which D1 may
 * serve from a read replica, is named `@<entry>~replica`: what replicas take
 * off the primary, counted apart. After each answer, `[d1]= <bytes>` and
 * `[d1]~ <ms>` lines give the bytes of its rows and its time in the database, and `[d1]# <read> <written>` the rows
 * D1 bills; `[d1]@ @<entry>` marks each run of an entry.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const entries = new AsyncLocalStorage<string>();

/**
 * Runs `fn` as `label` for the trace: the entry its D1 round trips are
 * counted under. Without tracing it only calls `fn`.
 */
export function traceEntry<T>(env: object, label: () => string, fn: () => T): T {
  const trace = (env as { D1_TRACE?: string }).D1_TRACE;
  if (trace !== "1" && trace !== "full") return fn();
  const name = label();
  // `[d1]@ <entry>`: one line per run of an entry, so a bench counts requests, order-object calls and queue batches.
  console.warn(`[d1]@ @${name.replace(/\s+/g, "_")}`);
  return entries.run(name, fn);
}

const entry = (replica = false) => `@${(entries.getStore() ?? "unlabelled").replace(/\s+/g, "_")}${replica ? "~replica" : ""}`;

/** A request path as its route: ids (`ord_…`, numbers, tokens) as `{id}`. */
export function routeLabel(method: string, path: string): string {
  return `${method} ${path
    .split("/")
    .map((seg) => (/^[a-z]{2,5}_[0-9A-Za-z]{8,}$|^\d+$|^[A-Za-z0-9_.-]{20,}$/.test(seg) ? "{id}" : seg))
    .join("/")}`;
}
const TRACED_SQL = Symbol("traced sql");
/** The binding's own statement behind a traced one (batch wants its own objects). */
const UNWRAP = Symbol("unwrap");
let whole = false;
// Long enough to tell an insert's VALUES from its SELECT past the column list of the widest table (order_events).
const shape = (sql: string) => {
  const one = sql.replace(/\s+/g, " ").trim();
  return whole ? one : one.slice(0, 300);
};

/**
 * `[d1]= <bytes> @<entry> <sql>`: how many bytes of rows a statement's answer carried (as JSON, the binding's own wire
 * format). The binding's transport (reading and parsing each answer) is a large part of a Worker's CPU, and it
 * grows with the bytes, so the bench sums them per statement.
 */
function logAnswer(result: unknown, sql: string, label: string) {
  const rows = (result as { results?: unknown } | null)?.results ?? result;
  console.warn(`[d1]= ${rows == null ? 0 : JSON.stringify(rows).length} ${label} ${shape(sql)}`);
  // `[d1]~ <ms> @<entry> <sql>`: the time D1 says the statement took in the database (`meta.duration`), apart from the
  // binding's transport and the Worker's own work: where a cron's time goes (bench/rollup.mjs --trace).
  const meta = (result as { meta?: { duration?: unknown; rows_read?: unknown; rows_written?: unknown } } | null)?.meta;
  if (typeof meta?.duration === "number") console.warn(`[d1]~ ${meta.duration} ${label} ${shape(sql)}`);
  // `[d1]# <rows read> <rows written> @<entry> <sql>`: what D1 bills (rows written, index entries included, and rows
  // read), as the local D1 reports them in `meta`. Answers without meta (`first()`, `raw()`) are not counted.
  if (typeof meta?.rows_written === "number" && typeof meta.rows_read === "number") console.warn(`[d1]# ${meta.rows_read} ${meta.rows_written} ${label} ${shape(sql)}`);
}

function tracedStatement(stmt: D1PreparedStatement, sql: string, replica: boolean, params: unknown[] = []): D1PreparedStatement {
  const once =
    <A extends unknown[], R>(run: (...a: A) => R) =>
    (...a: A): R => {
      // Whole statements carry their values too, so a bench can run them again (bench/order-list.mjs --explain).
      console.warn(`[d1] 1 ${entry(replica)} ${shape(sql)}${whole ? ` -- params ${JSON.stringify(params)}` : ""}`);
      const out = run(...a);
      const label = entry(replica);
      if (out instanceof Promise) void out.then((r) => logAnswer(r, sql, label)).catch(() => undefined);
      return out;
    };
  return new Proxy(stmt, {
    get(target, prop) {
      if (prop === "bind") return (...values: unknown[]) => tracedStatement(target.bind(...values), sql, replica, values);
      if (prop === "first" || prop === "run" || prop === "all" || prop === "raw") return once((target[prop] as (...a: unknown[]) => unknown).bind(target));
      if (prop === TRACED_SQL) return sql;
      if (prop === UNWRAP) return target;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The binding, or a session of it (`replica`: a read session, see the top of this file), traced. */
export function tracedD1<T extends Pick<D1Database, "prepare" | "batch">>(db: T, options: { whole?: boolean; replica?: boolean } = {}): T {
  whole = options.whole ?? false;
  const replica = options.replica ?? false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => tracedStatement(target.prepare(sql), sql, replica);
      if (prop === "batch")
        return (statements: D1PreparedStatement[]) => {
          const sqls = statements.map((s) => (s as unknown as Record<symbol, string | undefined>)[TRACED_SQL] ?? "?");
          console.warn([`[d1] ${statements.length} ${entry(replica)} ${shape(sqls[0] ?? "")}`, ...sqls.slice(1).map((q) => `[d1] + ${shape(q)}`)].join("\n"));
          const label = entry(replica);
          const out = target.batch(statements.map((s) => (s as unknown as Record<symbol, D1PreparedStatement | undefined>)[UNWRAP] ?? s));
          void out
            .then((results) => {
              for (const [i, r] of results.entries()) logAnswer(r, sqls[i] ?? "?", label);
            })
            .catch(() => undefined);
          return out;
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
