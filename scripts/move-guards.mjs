#!/usr/bin/env node
// Prints the SQL of the move guards (docs/SHARDING.md section 8; src/db/schema/pool-moves.ts): on every table a store
// or a warehouse owns but the rollup rows (`derived` in placement.ts; migration 0047 dropped theirs), a trigger before
// each insert, update and delete that, when the row's owner is in `moving_owners` and the move itself is not writing
// (`move_writer`):
// - refuses the write (`pool_moving`) when the owner is frozen there (`source`) or arriving (`target`);
// - logs the row's key in `move_changes` when its pool is being copied from there (`copying`), so the move copies it
//   again. The logs (events, stock movements…) are copied by their own numbering, and only refuse.
// Migration 0041 holds this output, and test/structure/move-guards.test.mjs checks the migrations still match
// src/db/placement.ts. A table added later needs its guards in its own migration: `node scripts/move-guards.mjs
// <table>` prints them.
import { keyOf, ownerPath, PLACEMENT } from "../src/db/placement.ts";

/** The owner expressions of the row `row` (NEW or OLD) of `table`. */
export function ownersOf(table, row) {
  const path = ownerPath(table);
  if (!path.via) return path.columns.map((c) => `${row}.\`${c}\``);
  return path.columns.map((c) => `(SELECT v.\`${c}\` FROM \`${path.via.table}\` v WHERE v.\`id\` = ${row}.\`${path.via.by}\`)`);
}

const ROWS = { insert: ["NEW"], update: ["OLD", "NEW"], delete: ["OLD"] };

/** The tables whose key each database draws itself (src/pools/copy-rows.ts `LOGS`): copied by number, never logged. */
const LOGS = ["events", "stock_movements", "warehouse_events", "webhook_attempts"];

/** `json_array` of the row's primary key. */
const keyJson = (table, row) =>
  `json_array(${keyOf(table)
    .map((k) => `${row}.\`${k}\``)
    .join(", ")})`;

/** The three guard triggers of one table. */
export function guardsOf(table) {
  return Object.entries(ROWS).map(([op, rows]) => {
    const owners = `\`owner_id\` IN (${rows.flatMap((r) => ownersOf(table, r)).join(", ")})`;
    const body = [`\tSELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM \`moving_owners\` WHERE ${owners} AND \`side\` <> 'copying');`];
    if (!LOGS.includes(table)) {
      // An update logs the key it had and, when the key itself changed, the one it has.
      for (const [i, r] of rows.entries()) {
        const changedKey = i > 0 ? ` AND ${keyJson(table, r)} IS NOT ${keyJson(table, rows[0])}` : "";
        body.push(
          `\tINSERT INTO \`move_changes\` (\`pool_id\`, \`tbl\`, \`key\`) SELECT \`pool_id\`, '${table}', ${keyJson(table, r)} FROM \`moving_owners\` WHERE ${owners} AND \`side\` = 'copying'${changedKey} LIMIT 1;`,
        );
      }
    }
    return [
      `CREATE TRIGGER \`move_guard_${table}_${op}\` BEFORE ${op.toUpperCase()} ON \`${table}\``,
      "WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)",
      "BEGIN",
      ...body,
      "END;",
    ].join("\n");
  });
}

/** Every table a store or a warehouse owns, in PLACEMENT's order. */
export const OWNED = Object.keys(PLACEMENT).filter((t) => PLACEMENT[t].home === "store" || PLACEMENT[t].home === "warehouse");

/** The owned tables with guards: all but the rollup rows (`derived`), which the rollup runs keep still during a move themselves. */
export const GUARDED = OWNED.filter((t) => !PLACEMENT[t].derived);

if (import.meta.url === `file://${process.argv[1]}`) {
  const tables = process.argv.length > 2 ? process.argv.slice(2) : GUARDED;
  process.stdout.write(`${tables.flatMap(guardsOf).join("\n--> statement-breakpoint\n")}\n`);
}
