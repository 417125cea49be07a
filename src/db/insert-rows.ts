/**
 * Plain multi-row INSERTs prepared straight on D1, for intake, the hottest
 * write path. The statement is the one drizzle's builder would write (every
 * insertable column in the table's order, defaults filled in the same way,
 * each value through its column's own driver mapping: JSON, booleans), but
 * its SQL text is made once per (table, row count) and kept, where the
 * builder assembles it anew on every call: about 35 µs an insert, a few
 * percent of what a whole intake request costs the runtime.
 * `insert-rows.workerd.test.ts` holds it equal to drizzle's output.
 *
 * (The same for an order change's batch in its object measured within the
 * noise, so that path keeps drizzle's builder.)
 */
import { getTableColumns, getTableName, is, SQL, type Column } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

type Insertable<T extends SQLiteTable> = T["$inferInsert"];

const columnsOf = new WeakMap<SQLiteTable, [string, Column][]>();
const sqlOf = new Map<string, string>();

function insertableColumns(table: SQLiteTable): [string, Column][] {
  let cols = columnsOf.get(table);
  if (!cols) {
    // Generated columns take no value (drizzle's own test, not in its public types).
    cols = Object.entries(getTableColumns(table)).filter(([, col]) => !(col as unknown as { shouldDisableInsert(): boolean }).shouldDisableInsert());
    for (const [key, col] of cols) {
      if (is(col.default, SQL)) throw new Error(`insertRows: ${getTableName(table)}.${key} has an SQL default; use drizzle's insert`);
    }
    columnsOf.set(table, cols);
  }
  return cols;
}

function columnValue(col: Column, given: unknown): unknown {
  let value = given;
  if (value === undefined) {
    if (col.default !== null && col.default !== undefined) value = col.default;
    else if (col.defaultFn !== undefined) value = col.defaultFn();
    else if (col.onUpdateFn !== undefined) value = col.onUpdateFn();
    else return null;
    if (is(value, SQL)) throw new Error(`insertRows: column ${col.name} defaults to SQL; use drizzle's insert`);
  }
  return value === null ? null : col.mapToDriverValue(value);
}

/** The SQL text and parameters of inserting `rows` into `table`, as drizzle would write them. */
export function insertQuery<T extends SQLiteTable>(table: T, rows: readonly Insertable<T>[]): { sql: string; params: unknown[] } {
  if (rows.length === 0) throw new Error("insertRows: no rows");
  const cols = insertableColumns(table);
  const name = getTableName(table);
  const cacheKey = `${name}\u0000${rows.length}`;
  let text = sqlOf.get(cacheKey);
  if (!text) {
    const tuple = `(${cols.map(() => "?").join(", ")})`;
    text = `insert into "${name}" (${cols.map(([, col]) => `"${col.name}"`).join(", ")}) values ${rows.map(() => tuple).join(", ")}`;
    sqlOf.set(cacheKey, text);
  }
  const params: unknown[] = [];
  for (const row of rows) for (const [key, col] of cols) params.push(columnValue(col, (row as Record<string, unknown>)[key]));
  return { sql: text, params };
}

/** A prepared multi-row insert, for `D1Database.batch`. Mind D1's 100 bound parameters a statement. */
export function insertRows<T extends SQLiteTable>(d1: D1Database, table: T, rows: readonly Insertable<T>[]): D1PreparedStatement {
  const q = insertQuery(table, rows);
  return d1.prepare(q.sql).bind(...q.params);
}
