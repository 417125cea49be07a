/**
 * Statements built once per database binding instead of on every call.
 * drizzle's builder assembles a statement's SQL anew each time it runs: on
 * this machine about 170 µs for a whole-row select of `shipments`, 110 µs
 * for one of `shipment_tracking`, 40 µs for an insert of an order event,
 * where a prepared one only binds its values (about 5 µs). Across the 170
 * statements of a whole order that building was a fifth of the Worker's CPU
 * (bench/README.md, whole orders). The hottest statements are therefore
 * written with `sql.placeholder()` for their values and `.prepare()`d once
 * per binding (`perDatabase`), and given their values on each use: alone
 * (`.all(values)`, `.get(values)`, `.run(values)`), or in a drizzle batch
 * (`inBatch`). Inserts take `insertRow`, the cached multi-row insert of
 * src/db/insert-rows.ts as a batch item.
 *
 * Rules for a prepared statement:
 * - Its builder may capture nothing of one request: every value is a
 *   placeholder. A `$defaultFn`/`$onUpdate` would be evaluated once, at
 *   build, so inserts go through `insertRow` (which fills defaults per row).
 * - A placeholder in a condition (`eq(col, sql.placeholder("x"))`) is bound
 *   as given, not through the column's mapping: fine for ids, text and
 *   numbers; never for sealed or JSON columns (which are never compared).
 *   In `.set()` and `.values()` a placeholder does go through the column's
 *   mapping, so encrypted and JSON columns are written as by the builder;
 *   results are mapped by the columns either way (decryption included).
 * - The shape may not depend on the values: a statement whose conditions
 *   vary (scopes, optional filters) is one prepared statement per shape, or
 *   stays with the builder.
 * `prepared.workerd.test.ts` runs each kind against the builder's result.
 */
import { and, type AnyColumn, fillPlaceholders, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";
import { insertQuery } from "./insert-rows";

/**
 * `build(db)` once per database binding (the Database objects of src/db/client.ts are one per binding, so
 * per isolate in practice), kept for the binding's life: its D1 statement belongs to that binding, never to a
 * request's, and a Worker and a Durable Object with bindings of their own each build their own.
 */
export function perDatabase<Q>(build: (db: Database) => Q): (db: Database) => Q {
  const built = new WeakMap<Database, Q>();
  return (db) => {
    let q = built.get(db);
    if (q === undefined) {
      q = build(db);
      built.set(db, q);
    }
    return q;
  };
}

/**
 * `perDatabase` for statements with a few shapes (`shape`: a short key, e.g. a principal's `scopeShape`): one
 * prepared statement per binding and shape.
 */
export function perShape<S extends string, Q>(build: (db: Database, shape: S) => Q): (db: Database, shape: S) => Q {
  const built = new WeakMap<Database, Map<S, Q>>();
  return (db, shape) => {
    let shapes = built.get(db);
    if (!shapes) built.set(db, (shapes = new Map()));
    let q = shapes.get(shape);
    if (q === undefined) {
      q = build(db, shape);
      shapes.set(shape, q);
    }
    return q;
  };
}

/** A principal's scope as a prepared statement sees it: every store (warehouse), or a list bound as one JSON value. */
type Scoped = { stores: "*" | readonly string[]; warehouses?: "*" | readonly string[] };
export type ScopeShape = `${"all" | "some"}-${"all" | "some"}`;

export const scopeShape = (p: Scoped): ScopeShape => `${p.stores === "*" ? "all" : "some"}-${(p.warehouses ?? "*") === "*" ? "all" : "some"}`;

/** The values of `scopeShape`'s placeholders (`stores`, `warehouses`) for `p`. */
export function scopeValues(p: Scoped): { stores: string; warehouses: string } {
  return { stores: JSON.stringify(p.stores === "*" ? [] : p.stores), warehouses: JSON.stringify(!p.warehouses || p.warehouses === "*" ? [] : p.warehouses) };
}

/**
 * `storeScope`/`warehouseScope` (src/http/auth.ts, src/inventory/scope.ts) in a prepared statement of `shape`:
 * no condition for every store, else `column IN` the JSON list bound to the placeholder.
 */
export function scopedTo(shape: ScopeShape, storeColumn: AnyColumn, warehouseColumn?: AnyColumn): SQL | undefined {
  const [stores, warehouses] = shape.split("-");
  if (warehouses === "some" && !warehouseColumn) throw new Error("scopedTo: a warehouse scope needs the warehouse column");
  return and(
    stores === "some" ? inArray(storeColumn, sql`(SELECT value FROM json_each(${sql.placeholder("stores")}))`) : undefined,
    warehouses === "some" && warehouseColumn ? inArray(warehouseColumn, sql`(SELECT value FROM json_each(${sql.placeholder("warehouses")}))`) : undefined,
  );
}

/** What drizzle's D1 batch asks of each item (drizzle-orm/d1/session.js `batch`): its query, its statement, its result mapping. */
type BatchPart = {
  getQuery(): { sql: string; params: unknown[] };
  stmt: D1PreparedStatement;
  mapResult(result: unknown, isFromBatch?: boolean): unknown;
};

/** A batch item with the result type `T`, as drizzle's `db.batch` types it (`BatchResponse` reads `_.result`). */
export type Item<T> = { readonly _: { readonly dialect: "sqlite"; readonly result: T } };

function item<T>(part: () => BatchPart): Item<T> {
  return { _: { dialect: "sqlite", result: undefined as T }, _prepare: part } as unknown as Item<T>;
}

type Prepared = { all(values?: Record<string, unknown>): Promise<unknown>; getQuery(): { sql: string; params: unknown[] } };
type AllOf<Q> = Q extends { all(values?: Record<string, unknown>): Promise<infer R> } ? R : never;

/**
 * A prepared select (made with `.prepare()`) with its values, as an item of `db.batch([...])`: its result there
 * is its rows, mapped as `.all(values)` maps them. drizzle's own batch would send the placeholders unfilled.
 */
export function inBatch<Q extends Prepared>(q: Q, values: Record<string, unknown>): Item<AllOf<Q>> {
  const inner = q as unknown as BatchPart;
  return item(() => {
    const query = inner.getQuery();
    return {
      getQuery: () => ({ sql: query.sql, params: fillPlaceholders(query.params, values) }),
      stmt: inner.stmt,
      mapResult: (result, isFromBatch) => inner.mapResult(result, isFromBatch),
    };
  });
}

/**
 * `rows` inserted into `table` as an item of `db.batch([...])`, the statement drizzle's insert would write
 * (src/db/insert-rows.ts), its SQL text made once per table and row count. Its result is D1's.
 */
export function insertRow<T extends SQLiteTable>(db: Database, table: T, rows: readonly T["$inferInsert"][]): Item<D1Result> {
  return item(() => {
    const q = insertQuery(table, rows);
    return { getQuery: () => q, stmt: db.$client.prepare(q.sql), mapResult: (result) => result };
  });
}
