/**
 * Recomputes stock levels from the movement ledger and compares them with
 * the stored levels. Both are read in one batch (one transaction), so a
 * change landing meanwhile cannot show up as a false mismatch.
 */
import { eq, sql } from "drizzle-orm";
import { database } from "../db/client";
import { stockLevels, stockMovements } from "../db/schema";
import type { ShardScope } from "../db/shard";

export type LevelRow = { binId: string; sku: string; onHand: number; reserved: number };
export type Mismatch = { bin_id: string; sku: string; level: { on_hand: number; reserved: number }; ledger: { on_hand: number; reserved: number } };

/** Pure: every (bin, sku) present in either list must agree; a missing side counts as zero. */
export function compareLedger(levels: readonly LevelRow[], ledger: readonly LevelRow[]): Mismatch[] {
  const key = (r: LevelRow) => `${r.binId}\u0000${r.sku}`;
  const fromLedger = new Map(ledger.map((r) => [key(r), r]));
  const fromLevels = new Map(levels.map((r) => [key(r), r]));
  const out: Mismatch[] = [];
  for (const k of new Set([...fromLevels.keys(), ...fromLedger.keys()])) {
    const l = fromLevels.get(k);
    const m = fromLedger.get(k);
    const level = { on_hand: l?.onHand ?? 0, reserved: l?.reserved ?? 0 };
    const sums = { on_hand: m?.onHand ?? 0, reserved: m?.reserved ?? 0 };
    if (level.on_hand !== sums.on_hand || level.reserved !== sums.reserved) {
      const [binId, sku] = k.split("\u0000") as [string, string];
      out.push({ bin_id: binId, sku, level, ledger: sums });
    }
  }
  return out.sort((a, b) => a.bin_id.localeCompare(b.bin_id) || a.sku.localeCompare(b.sku));
}

export async function checkLedger(env: ShardScope, warehouseId: string) {
  const db = database(env);
  const [levels, ledger] = await db.batch([
    db
      .select({ binId: stockLevels.binId, sku: stockLevels.sku, onHand: stockLevels.onHand, reserved: stockLevels.reserved })
      .from(stockLevels)
      .where(eq(stockLevels.warehouseId, warehouseId)),
    db
      .select({
        binId: stockMovements.binId,
        sku: stockMovements.sku,
        onHand: sql<number>`SUM(${stockMovements.onHandDelta})`.mapWith(Number),
        reserved: sql<number>`SUM(${stockMovements.reservedDelta})`.mapWith(Number),
      })
      .from(stockMovements)
      .where(eq(stockMovements.warehouseId, warehouseId))
      .groupBy(stockMovements.binId, stockMovements.sku),
  ]);
  const mismatches = compareLedger(levels, ledger);
  return { checked: levels.length, mismatches };
}
