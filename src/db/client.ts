/**
 * All D1 access goes through `database()`. Today there is one database; this
 * is where sharding by store (or region) plugs in, and where read replicas
 * (Sessions API with bookmarks) will be chosen for storefront reads.
 */
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { useKeyring } from "../lib/pii-crypto";
import * as schema from "./schema";
import { tracedD1 } from "./trace";

export type Database = ReturnType<typeof drizzle<typeof schema>>;

const cache = new WeakMap<D1Database, Database>();
const traced = new WeakMap<D1Database, D1Database>();

/**
 * The D1 binding, for the few writers that build statements by hand (intake's one batch, claims): the binding
 * itself, or with `D1_TRACE=1` the binding that logs each round trip (src/db/trace.ts); `D1_TRACE=full` logs each
 * statement whole, for EXPLAIN QUERY PLAN (bench/order-list.mjs --explain).
 */
export function d1(env: { DB: D1Database; D1_TRACE?: string }): D1Database {
  if (env.D1_TRACE !== "1" && env.D1_TRACE !== "full") return env.DB;
  let db = traced.get(env.DB);
  if (!db) traced.set(env.DB, (db = tracedD1(env.DB, { whole: env.D1_TRACE === "full" })));
  return db;
}

/**
 * Also sets the isolate's PII keyring from the Worker's secrets: every entry
 * point (fetch, queue, scheduled, the order object) reaches D1 through here
 * before the encrypted columns' mappers run (src/db/encrypted.ts).
 */
export function database(env: { DB: D1Database; PII_KEYS?: string; PII_INDEX_KEY?: string; D1_TRACE?: string }): Database {
  useKeyring(env);
  let db = cache.get(env.DB);
  if (!db) {
    db = drizzle(d1(env), { schema });
    cache.set(env.DB, db);
  }
  return db;
}

/** D1 reports constraint failures only in the message text; these name what failed. */
export function constraintFailed(err: unknown, what: string): boolean {
  const msg = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err);
  return msg.includes("constraint failed") && msg.includes(what);
}

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
 * `values` as one bound JSON parameter for `inArray(column, anyOf(values))`: any number of them, where a plain
 * list binds one parameter each and D1 allows 100 a statement.
 */
export function anyOf(values: readonly (string | number)[]) {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
