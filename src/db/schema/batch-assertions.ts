/** In-batch guards of D1 batches (src/db/assert.ts). */
import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Never holds a row. `assertInBatch` inserts into it only when a condition
 * is violated, and the CHECK then fails the whole D1 batch: a guard that
 * D1 batches (which have no interactive transactions) can evaluate inside
 * themselves, after the reads they depend on.
 */
export const batchAssertions = sqliteTable("batch_assertions", { name: text("name").notNull(), ok: integer("ok").notNull() }, (t) => [
  check("batch_assertion_failed", sql`${t.ok} = 1`),
]);
