/**
 * All D1 access goes through `database()` (or `d1()`), on the primary: every
 * write and every read that decides one. Each takes an env on a shard
 * (`onShard`, src/db/shard.ts): the entry point that began the work chose the
 * database, and these reach it through its binding. Today that is shard 0
 * (`DB`) everywhere; docs/SHARDING.md says how the rest is built.
 *
 * Reads that may be a little stale go through `readDatabase()` (or
 * `readD1()`): inside a request opened with `openReads()` (src/http/bookmark.ts
 * does it for GET and HEAD requests) they run on one D1 session for the whole
 * request, so D1 may serve them from a read replica; the session starts at
 * the caller's bookmark, so a client that sends back the bookmark of its own
 * write reads that write. Outside such a request (a write, a queue, a cron,
 * an order object) they are the primary's, as `database()`.
 *
 * Invariants: a session is opened per request, lazily (a request that reads
 * nothing from it opens none), never per statement; a request that may
 * write never reads from a session; no read that decides a write goes
 * through here.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { getTableColumns, sql, type SQLWrapper, type Table } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { useKeyring } from "../lib/pii-crypto";
import * as schema from "./schema";
import { type ShardScope, shardBinding } from "./shard";
import { tracedD1 } from "./trace";

export type Database = ReturnType<typeof drizzle<typeof schema>>;

/** What the database layer reads of an env: its shard and the shard's binding, the PII keys, the trace switch. */
type Env = ShardScope & { PII_KEYS?: string; PII_INDEX_KEY?: string; D1_TRACE?: string };

const cache = new WeakMap<D1Database, Database>();
const traced = new WeakMap<D1Database, D1Database>();

/**
 * The D1 binding, for the few writers that build statements by hand (intake's one batch, claims): the binding
 * itself, or with `D1_TRACE=1` the binding that logs each round trip (src/db/trace.ts); `D1_TRACE=full` logs each
 * statement whole, for EXPLAIN QUERY PLAN (bench/order-list.mjs --explain).
 */
export function d1(env: ShardScope & { D1_TRACE?: string }): D1Database {
  const binding = shardBinding(env);
  if (env.D1_TRACE !== "1" && env.D1_TRACE !== "full") return binding;
  let db = traced.get(binding);
  if (!db) traced.set(binding, (db = tracedD1(binding, { whole: env.D1_TRACE === "full" })));
  return db;
}

/**
 * Also sets the isolate's PII keyring from the Worker's secrets: every entry
 * point (fetch, queue, scheduled, the order object) reaches D1 through here
 * before the encrypted columns' mappers run (src/db/encrypted.ts).
 */
export function database(env: Env): Database {
  useKeyring(env);
  const binding = shardBinding(env);
  let db = cache.get(binding);
  if (!db) {
    db = drizzle(d1(env), { schema });
    cache.set(binding, db);
  }
  return db;
}

/** What `directory()` reads of an env: the binding, the PII keys, the trace switch. */
export type DirectoryEnv = { DIRECTORY: D1Database; PII_KEYS?: string; PII_INDEX_KEY?: string; D1_TRACE?: string };

const directoryCache = new WeakMap<D1Database, Database>();

/**
 * The directory database (docs/SHARDING.md section 3): where a store lives (src/db/homes.ts) and, from build step 3,
 * the merchant-wide tables (staff, keys, customers). Not a shard, so it takes any env with the binding.
 */
export function directory(env: DirectoryEnv): Database {
  useKeyring(env);
  let db = directoryCache.get(env.DIRECTORY);
  if (!db) {
    db = drizzle(directoryD1(env), { schema });
    directoryCache.set(env.DIRECTORY, db);
  }
  return db;
}

/** The directory's D1 binding, for statements built by hand (the activity log's inserts, actor names), traced as `d1()`. */
export function directoryD1(env: Pick<DirectoryEnv, "DIRECTORY" | "D1_TRACE">): D1Database {
  if (env.D1_TRACE !== "1" && env.D1_TRACE !== "full") return env.DIRECTORY;
  let db = traced.get(env.DIRECTORY);
  if (!db) traced.set(env.DIRECTORY, (db = tracedD1(env.DIRECTORY, { whole: env.D1_TRACE === "full" })));
  return db;
}

/** What a reader needs of D1: a session answers these two, as the binding does. */
export type D1Reads = Pick<D1Database, "prepare" | "batch">;

/**
 * `"first-unconstrained"`: any replica will do; `"first-primary"`: start on the primary; a bookmark: a replica at
 * least as new as it (read-your-own-writes).
 */
export type ReadsFrom = D1SessionConstraint | D1SessionBookmark;

type Reads = {
  env: Env;
  from: ReadsFrom;
  /** Opened on the request's first read through it. */
  session?: { raw: D1DatabaseSession; client: D1Reads };
};
/** The request's reads: one store per request, made by `openReads`; a finished value, never a pending promise. */
const requestReads = new AsyncLocalStorage<Reads | undefined>();

/**
 * Runs `fn` (a GET request's handler) with its stale-tolerant reads on one D1 session starting `from` a bookmark or a
 * constraint. `bookmark` is the newest bookmark the session saw, null when nothing was read through it.
 */
export async function openReads<T>(env: Env, from: ReadsFrom, fn: () => Promise<T>): Promise<{ result: T; bookmark: string | null }> {
  const reads: Reads = { env, from };
  const result = await requestReads.run(reads, fn);
  return { result, bookmark: reads.session?.raw.getBookmark() ?? null };
}

/**
 * Runs `fn` (a request that may write) with every read on the primary, even when an outer request opened reads
 * (the console's and the customer's pages call in memory; `waitUntil` work inherits its request's context).
 */
export function onPrimary<T>(fn: () => Promise<T>): Promise<T> {
  return requestReads.run(undefined, fn);
}

/** The request's reads on `binding`, or null: no request's reads here, or another binding (another shard's). */
const readsOn = (binding: D1Database) => {
  const reads = requestReads.getStore();
  return reads && shardBinding(reads.env) === binding ? reads : null;
};

/** The request's session, opened on first use. */
function sessionOf(reads: Reads): D1Reads {
  if (!reads.session) {
    const raw = shardBinding(reads.env).withSession(reads.from);
    const trace = reads.env.D1_TRACE;
    reads.session = { raw, client: trace === "1" || trace === "full" ? tracedD1(raw, { whole: trace === "full", replica: true }) : raw };
  }
  return reads.session.client;
}

/**
 * A D1 client for drizzle that sends each statement to the session of the request it runs in (else to the primary).
 * One drizzle instance per binding over it, made once: building drizzle with our schema costs about half a
 * millisecond of CPU, too much to pay per request.
 */
function sessionRouter(env: Env): D1Reads {
  const current = () => {
    const reads = readsOn(shardBinding(env));
    return reads ? sessionOf(reads) : d1(env);
  };
  return {
    prepare: (query) => routedStatement(query, [], current),
    batch: (statements) => {
      const target = current();
      return target.batch(statements.map((s) => (s as Partial<Routed>)[ON]?.(target) ?? s));
    },
  };
}

/** Makes a router's statement a real one of `target` (a session, or the primary). */
const ON = Symbol("on");
type Routed = { [ON]: (target: D1Reads) => D1PreparedStatement };

/**
 * A statement of the router: the session that runs it is chosen when it runs, not when it was prepared. A prepared
 * query (src/db/prepared.ts) is built once and kept for the isolate's life, across requests: a statement prepared on
 * the session of the request that built it would run every later request's reads there, with that request's
 * bookmark.
 */
function routedStatement(query: string, values: unknown[], current: () => D1Reads): D1PreparedStatement {
  const on = (target: D1Reads) => target.prepare(query).bind(...values);
  const routed: Routed & Pick<D1PreparedStatement, "bind" | "first" | "run" | "all" | "raw"> = {
    [ON]: on,
    bind: (...next: unknown[]) => routedStatement(query, next, current),
    first: ((column?: string) => (column === undefined ? on(current()).first() : on(current()).first(column))) as D1PreparedStatement["first"],
    run: (() => on(current()).run()) as D1PreparedStatement["run"],
    all: (() => on(current()).all()) as D1PreparedStatement["all"],
    raw: ((options?: { columnNames?: boolean }) => on(current()).raw(options as { columnNames: true })) as D1PreparedStatement["raw"],
  };
  return routed as unknown as D1PreparedStatement;
}
const replicaCache = new WeakMap<D1Database, Database>();

/** `database()` for a read that may be a little stale (see the top of this file): the request's session, else the primary. */
export function readDatabase(env: Env): Database {
  useKeyring(env);
  const binding = shardBinding(env);
  if (!readsOn(binding)) return database(env);
  let db = replicaCache.get(binding);
  if (!db) {
    // drizzle's D1 driver calls only prepare and batch.
    db = drizzle(sessionRouter(env) as D1Database, { schema });
    replicaCache.set(binding, db);
  }
  return db;
}

/**
 * A lookup of one thing that may be a little stale, asked again of the primary when the session found nothing: what a
 * client was just handed (a new order's id, a link just sent) may not have reached its replica yet. A miss costs a
 * second round trip; a hit costs nothing more.
 */
export async function readOrPrimary<T>(env: Env, read: (db: Database) => Promise<T | null>): Promise<T | null> {
  if (!readsOn(shardBinding(env))) return read(database(env));
  return (await read(readDatabase(env))) ?? read(database(env));
}

/** `d1()` for a read that may be a little stale: the request's session, else the primary. */
export function readD1(env: ShardScope & { D1_TRACE?: string }): D1Reads {
  const reads = readsOn(shardBinding(env));
  return reads ? sessionOf(reads) : d1(env);
}

/**
 * The primary's newest bookmark, for the answer to a write: a bookmark at least as new as every commit the request
 * made or waited for (its order objects' too). One round trip, so only for clients that asked (src/http/bookmark.ts).
 */
export async function primaryBookmark(env: ShardScope & { D1_TRACE?: string }): Promise<string | null> {
  const session = shardBinding(env).withSession("first-primary");
  const client = env.D1_TRACE === "1" || env.D1_TRACE === "full" ? tracedD1(session, { whole: env.D1_TRACE === "full" }) : session;
  await client.prepare("SELECT 1").run();
  return session.getBookmark();
}

/** D1 reports constraint failures only in the message text; these name what failed. */
/** An error's message with its cause's: D1 puts SQLite's own words in the cause. */
const errorText = (err: unknown) => (err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err));

export function constraintFailed(err: unknown, what: string): boolean {
  const msg = errorText(err);
  return msg.includes("constraint failed") && msg.includes(what);
}

/**
 * Whether a write was refused because its store or warehouse is being moved to another database: the guard
 * triggers of migration 0041 (src/db/schema/pool-moves.ts) abort it with this message. Nothing of its batch was
 * written; the same request succeeds once the move has switched (seconds), so callers answer 503 or retry.
 */
export function poolMoving(err: unknown): boolean {
  return errorText(err).includes("pool_moving");
}

/**
 * Rows of an owner (a store or a warehouse id) that is not on the move between databases: what a cron may work on.
 * During a move the pool's rows are on two databases and only the move writes them (src/db/schema/pool-moves.ts):
 * a cron working them would be refused, failing its whole batch, or act on a copy as well as on the original.
 */
export const notMoving = (owner: SQLWrapper) => sql`${owner} NOT IN (${HELD_BY_A_MOVE})`;

/**
 * The owners whose rows only a move writes on this database: frozen on their source, arriving on their target. A
 * pool being copied from here (`copying`) is served as usual, so it is not among them.
 */
export const HELD_BY_A_MOVE = sql.raw("SELECT owner_id FROM moving_owners WHERE side <> 'copying'");

/**
 * Holds while none of `ownerIds` is on the move to or from this database, in any phase, being copied included: the
 * condition on every write of the rollup rows, which have no guard triggers (`derived` in src/db/placement.ts). Checked
 * by the statement as it writes, since a run may have read its stores before a move began; a batch is one
 * transaction, so either the batch commits before the move's start and the copy reads what it wrote, or it writes
 * nothing.
 */
export const noneOnTheMove = (ownerIds: readonly string[]) =>
  sql`NOT EXISTS (SELECT 1 FROM moving_owners WHERE owner_id IN (SELECT value FROM json_each(${JSON.stringify(ownerIds)})))`;

/** Every owner on the move to or from this database, whatever the phase. */
export const ON_THE_MOVE = sql.raw("SELECT owner_id FROM moving_owners");

/** `db.batch` wants a non-empty tuple; statement lists built in code are arrays. */
export function nonEmpty<T>(items: T[]): [T, ...T[]] {
  if (items.length === 0) throw new Error("empty batch");
  return items as [T, ...T[]];
}

/** D1 allows 100 bound parameters per statement: split multi-row inserts by this. */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Rows of `table` one multi-row insert may carry: drizzle binds every column of every row (an id it leaves to the
 * database is written `null`, unbound), and D1 binds at most 100 parameters a statement. Counted from the table, so
 * a column added later cannot push a fixed row count over the limit (local D1 does not enforce it; Cloudflare's does).
 */
export const rowsPerInsert = (table: Table) => Math.max(1, Math.floor(100 / Object.keys(getTableColumns(table)).length));

/**
 * `values` as one bound JSON parameter for `inArray(column, anyOf(values))`: any number of them, where a plain
 * list binds one parameter each and D1 allows 100 a statement.
 */
export function anyOf(values: readonly (string | number)[]) {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
