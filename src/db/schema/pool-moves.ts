/**
 * Moving a stock pool from one shard to another (docs/SHARDING.md section 8; src/pools/move-pool.ts runs it).
 *
 * The freeze is kept by the databases themselves, not by every writer remembering to look: migration 0041 puts a
 * guard trigger on every table a store or warehouse owns, refusing a write (`RAISE(ABORT, 'pool_moving')`) to a row
 * whose owner is in `moving_owners`, unless the batch is the move's own copy (`move_writer`). So a route with a
 * stale cached shard, a queue consumer, a cron or an order object holding its shard cannot write a frozen pool's
 * rows on the source, nor a pool's rows on the target before the switch.
 */
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const MOVING_SIDES = ["copying", "source", "target"] as const;

/**
 * The stores and warehouses of a pool on the move, on each database it touches. On the target from the start of the
 * copy until the switch, `target`: only the move writes their rows there. On the source, `copying` while the pool is
 * copied (their writes go on, and each changed row's key is logged in `move_changes`), then `source` from the freeze
 * on, and for good after the switch: a writer that still routes there fails instead of writing where nobody reads.
 */
export const movingOwners = sqliteTable(
  "moving_owners",
  {
    /** A store id or a warehouse id: the owner a row reaches by its placement (src/db/placement.ts). */
    ownerId: text("owner_id").primaryKey(),
    poolId: text("pool_id").notNull(),
    side: text("side", { enum: MOVING_SIDES }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [check("moving_owners_side", sql`${t.side} IN ('copying', 'source', 'target')`)],
);

/**
 * On the source while its pool is copied: the key of every row of the pool written since the copy began, logged by the
 * guard triggers in the same statement as the write. The move copies these rows again and deletes their entries, so
 * catching up costs what changed, not the pool's size, and the freeze only waits for the last few.
 */
export const moveChanges = sqliteTable(
  "move_changes",
  {
    id: integer("id").primaryKey(),
    poolId: text("pool_id").notNull(),
    /** The table the row is in. */
    tbl: text("tbl").notNull(),
    /** Its primary key's values, as a JSON array in the key's column order (src/db/placement.ts `keyOf`). */
    key: text("key").notNull(),
  },
  (t) => [index("move_changes_pool").on(t.poolId, t.id)],
);

/**
 * Holds a row only inside the move's own batches: the first statement inserts it and the last deletes it, and D1
 * runs a batch as one transaction, so no other writer ever sees it. While it is there the guards let writes through
 * and the event triggers stay silent: a copied row is not a change, and its events are copied as they were.
 */
export const moveWriter = sqliteTable("move_writer", { id: integer("id").primaryKey() });

/**
 * On the target: where each copied row of a log went. The logs (`events`, `stock_movements`, `warehouse_events`,
 * `webhook_attempts`) are keyed by a number each database draws itself, so their copies are numbered again; a webhook
 * delivery names its event by that number, and a copy resumes after the last row this table says it has.
 */
export const movedRows = sqliteTable(
  "moved_rows",
  {
    poolId: text("pool_id").notNull(),
    /** The log's table. */
    log: text("log").notNull(),
    fromId: integer("from_id").notNull(),
    toId: integer("to_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.poolId, t.log, t.fromId] })],
);

export const MOVE_PHASES = ["copying", "frozen", "switched", "cleaned"] as const;

/** On the directory: one row per move, where it stands and how far its copy has got. */
export const poolMoves = sqliteTable(
  "pool_moves",
  {
    poolId: text("pool_id").primaryKey(),
    fromShard: text("from_shard").notNull(),
    toShard: text("to_shard").notNull(),
    /** `copying` (online, the pool still served), `frozen` (writes refused; the last copy), `switched`, `cleaned`. */
    phase: text("phase", { enum: MOVE_PHASES }).notNull(),
    /** Where the current pass stands (JSON: the table and the last key done) and what the last full pass found. */
    progress: text("progress").notNull(),
    /** Full passes over every table so far. */
    passes: integer("passes").notNull().default(0),
    startedAt: integer("started_at").notNull(),
    frozenAt: integer("frozen_at"),
    switchedAt: integer("switched_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("pool_moves_phase", sql`${t.phase} IN ('copying', 'frozen', 'switched', 'cleaned')`)],
);
