/**
 * Analytics composes SQL with drizzle's `sql` template (values become bound
 * parameters, identifiers are quoted) and runs it on D1 directly: drizzle's
 * D1 batch cannot run raw statements that have parameters, and the rollups
 * are mostly raw INSERT ... SELECT batches.
 */
import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { D1Reads } from "../db/client";

const dialect = new SQLiteAsyncDialect();

export function statement(d1: D1Reads, query: SQL): D1PreparedStatement {
  const q = dialect.sqlToQuery(query);
  return d1.prepare(q.sql).bind(...q.params);
}

export async function all<T>(d1: D1Reads, query: SQL): Promise<T[]> {
  return (await statement(d1, query).all<T>()).results;
}

export async function first<T>(d1: D1Reads, query: SQL): Promise<T | null> {
  return statement(d1, query).first<T>();
}

export async function run(d1: D1Reads, query: SQL): Promise<void> {
  await statement(d1, query).run();
}

/** One transaction; an empty list is a no-op. */
export async function batch(d1: D1Reads, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  return statements.length ? d1.batch(statements) : [];
}
