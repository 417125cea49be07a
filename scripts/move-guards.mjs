#!/usr/bin/env node
// Prints the SQL of the move guards (docs/SHARDING.md section 8, step 4; src/db/schema/pool-moves.ts): on every table
// a store or a warehouse owns, a trigger before each insert, update and delete that refuses the write when the row's
// owner is in `moving_owners`, unless the move itself writes (`move_writer`). Migration 0041 holds this output, and
// test/structure/move-guards.test.mjs checks it still matches src/db/placement.ts. A table added later needs its
// guards in its own migration: `node scripts/move-guards.mjs <table>` prints them.
import { ownerPath, PLACEMENT } from "../src/db/placement.ts";

/** The owner expressions of the row `row` (NEW or OLD) of `table`. */
export function ownersOf(table, row) {
  const path = ownerPath(table);
  if (!path.via) return path.columns.map((c) => `${row}.\`${c}\``);
  return path.columns.map((c) => `(SELECT v.\`${c}\` FROM \`${path.via.table}\` v WHERE v.\`id\` = ${row}.\`${path.via.by}\`)`);
}

const ROWS = { insert: ["NEW"], update: ["OLD", "NEW"], delete: ["OLD"] };

/** The three guard triggers of one table. */
export function guardsOf(table) {
  return Object.entries(ROWS).map(([op, rows]) => {
    const owners = rows.flatMap((r) => ownersOf(table, r));
    return [
      `CREATE TRIGGER \`move_guard_${table}_${op}\` BEFORE ${op.toUpperCase()} ON \`${table}\``,
      "WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)",
      `\tAND EXISTS (SELECT 1 FROM \`moving_owners\` WHERE \`owner_id\` IN (${owners.join(", ")}))`,
      "BEGIN",
      "\tSELECT RAISE(ABORT, 'pool_moving');",
      "END;",
    ].join("\n");
  });
}

/** Every table a store or a warehouse owns, in PLACEMENT's order. */
export const OWNED = Object.keys(PLACEMENT).filter((t) => PLACEMENT[t].home === "store" || PLACEMENT[t].home === "warehouse");

if (import.meta.url === `file://${process.argv[1]}`) {
  const tables = process.argv.length > 2 ? process.argv.slice(2) : OWNED;
  process.stdout.write(`${tables.flatMap(guardsOf).join("\n--> statement-breakpoint\n")}\n`);
}
