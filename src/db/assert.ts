/**
 * Assertions inside a D1 batch. D1 has no interactive transactions, so a
 * batch cannot read, decide and then abort; but a statement can fail it.
 * `assertInBatch` is an INSERT into `batch_assertions` that happens only
 * when `violated` (an SQL condition) holds, and that table's CHECK rejects
 * every row: the batch then rolls back whole. Place it after the statements
 * whose effects it checks, or before the ones it protects.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "./client";
import { batchAssertions } from "./schema";
import { constraintFailed } from "./client";

export function assertInBatch(db: Database, name: string, violated: SQL) {
  return db.insert(batchAssertions).select(assertionRow(name, violated));
}

/** The same assertion as a statement of its own, for batches built from SQL (the rollups' `statement`). */
export function assertInBatchSql(name: string, violated: SQL): SQL {
  return sql`INSERT INTO ${batchAssertions} (name, ok) ${assertionRow(name, violated)}`;
}

const assertionRow = (name: string, violated: SQL) => sql`SELECT ${name}, 0 WHERE ${violated}`;

export function assertionFailed(err: unknown): boolean {
  return constraintFailed(err, "batch_assertion_failed");
}
