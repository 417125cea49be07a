/**
 * Statement builders for every change of stock. Each change of a stock row
 * goes with a ledger row in the same batch, so the ledger always sums to the
 * levels. Increases upsert the row; decreases update it and rely on the
 * table's CHECKs (on_hand >= 0, 0 <= reserved <= on_hand) to fail the whole
 * batch rather than go below what is there, which is also what makes
 * concurrent reservations safe without a read-then-write race.
 */
import { and, eq, inArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, constraintFailed, type Database, rowsPerInsert } from "../db/client";
import { bins, stockCosts, stockLevels, stockMovements, type MovementKind } from "../db/schema";

export type MovementInput = {
  warehouseId: string;
  binId: string;
  sku: string;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  unitCost?: number | null;
  actor: string;
  reason?: string | null;
  refType?: string | null;
  refId?: string | null;
  createdAt: number;
};

export function insertMovements(db: Database, rows: MovementInput[]): BatchItem<"sqlite">[] {
  return chunk(rows, rowsPerInsert(stockMovements)).map((part) =>
    db.insert(stockMovements).values(
      part.map((m) => ({
        ...m,
        unitCost: m.unitCost ?? null,
        reason: m.reason ?? null,
        refType: m.refType ?? null,
        refId: m.refId ?? null,
      })),
    ),
  );
}

/**
 * Movements computed inside the batch from other rows (so no read can go
 * stale between planning and writing). `select` yields, in this order:
 * warehouse_id, bin_id, sku, kind, on_hand_delta, reserved_delta,
 * unit_cost, actor, reason, ref_type, ref_id, created_at.
 */
export function insertMovementsSelect(db: Database, select: SQL) {
  // NULL for the autoincrement id; drizzle's raw `db.run` cannot be batched on D1, an insert-select can.
  return db.insert(stockMovements).select(sql`SELECT NULL, * FROM (${select})`);
}

/**
 * The moving-average unit cost of (warehouse, sku) as it stands when the
 * statement runs, or NULL where none was ever recorded: what a movement that
 * takes goods out (a ship) records, so the cost of what left never changes
 * afterwards, whatever later receipts do to the average.
 */
export function currentUnitCost(warehouseId: SQL, sku: SQL): SQL {
  return sql`(SELECT ${stockCosts.avgUnitCost} FROM ${stockCosts} WHERE ${stockCosts.warehouseId} = ${warehouseId} AND ${stockCosts.sku} = ${sku})`;
}

/** Adds `qty` on hand (creating the row if needed); the returned row is the new level. */
export function addOnHand(db: Database, at: { warehouseId: string; binId: string; sku: string }, { qty, now }: { qty: number; now: number }) {
  return db
    .insert(stockLevels)
    .values({ ...at, onHand: qty, reserved: 0, updatedAt: now })
    .onConflictDoUpdate({
      target: [stockLevels.binId, stockLevels.sku],
      set: { onHand: sql`${stockLevels.onHand} + ${qty}`, updatedAt: now },
    })
    .returning();
}

/** Adds `qty` on hand and reserved (goods arriving in OUTBOUND, already promised to a shipment). */
export function addHeld(db: Database, at: { warehouseId: string; binId: string; sku: string }, { qty, now }: { qty: number; now: number }) {
  return db
    .insert(stockLevels)
    .values({ ...at, onHand: qty, reserved: qty, updatedAt: now })
    .onConflictDoUpdate({
      target: [stockLevels.binId, stockLevels.sku],
      set: { onHand: sql`${stockLevels.onHand} + ${qty}`, reserved: sql`${stockLevels.reserved} + ${qty}`, updatedAt: now },
    });
}

export const NO_OUTBOUND_BIN = {
  ok: false,
  code: "no_outbound_bin",
  message: "this warehouse has no OUTBOUND bin for picked goods; an administrator adds it (kind outbound, code OUTBOUND) before picking",
} as const;

/**
 * The warehouse's OUTBOUND bin, where picked goods wait; null for a warehouse made without one (by hand in the
 * database: the API always creates it). Callers refuse the work with `NO_OUTBOUND_BIN`, never a 500.
 */
export async function outboundBin(db: Database, warehouseId: string): Promise<BinRef | null> {
  const bin = await outboundBinQuery(db, warehouseId).get();
  return bin ?? null;
}

/** The same read for a caller's batch; `warehouseId` may be a subquery naming the warehouse (one row, one column). */
export function outboundBinQuery(db: Database, warehouseId: string | SQLWrapper) {
  return db
    .select()
    .from(bins)
    .where(and(typeof warehouseId === "string" ? eq(bins.warehouseId, warehouseId) : inArray(bins.warehouseId, warehouseId), eq(bins.kind, "outbound")));
}

/**
 * Changes an existing row by deltas. The row must exist (rows are never
 * deleted, so callers check once by reading); the CHECKs refuse going below zero.
 */
export function changeLevel(db: Database, at: { binId: string; sku: string }, { delta, now }: { delta: { onHand?: number; reserved?: number }; now: number }) {
  return db
    .update(stockLevels)
    .set({
      onHand: sql`${stockLevels.onHand} + ${delta.onHand ?? 0}`,
      reserved: sql`${stockLevels.reserved} + ${delta.reserved ?? 0}`,
      updatedAt: now,
    })
    .where(and(eq(stockLevels.binId, at.binId), eq(stockLevels.sku, at.sku)))
    .returning();
}

/**
 * Folds a receipt of `qty` at `unitCost` into the moving average of
 * (warehouse, sku): (old_avg * on_hand + unitCost * qty) / (on_hand + qty),
 * where on_hand is read inside the statement, so it must run before the
 * statement that adds the units.
 */
export function foldCost(
  db: Database,
  { warehouseId, sku }: { warehouseId: string; sku: string },
  { qty, unitCost, currency, now }: { qty: number; unitCost: number; currency: string; now: number },
) {
  const onHand = sql`(SELECT COALESCE(SUM(${stockLevels.onHand}), 0) FROM ${stockLevels} WHERE ${stockLevels.warehouseId} = ${warehouseId} AND ${stockLevels.sku} = ${sku})`;
  return db
    .insert(stockCosts)
    .values({ warehouseId, sku, avgUnitCost: unitCost, currency, updatedAt: now })
    .onConflictDoUpdate({
      target: [stockCosts.warehouseId, stockCosts.sku],
      set: {
        avgUnitCost: sql`CAST(ROUND((${stockCosts.avgUnitCost} * 1.0 * ${onHand} + ${unitCost} * ${qty}) / (${onHand} + ${qty})) AS INTEGER)`,
        currency,
        updatedAt: now,
      },
    })
    .returning();
}

/** A batch failure because stock would go negative or below what is reserved. */
export function isStockShortage(err: unknown): boolean {
  return constraintFailed(err, "stock_levels_");
}

export type BinRef = typeof bins.$inferSelect;

/** Resolves bin codes of one warehouse; unknown codes are absent from the map. */
export async function binsByCode(db: Database, warehouseId: string, codes: readonly string[]): Promise<Map<string, BinRef>> {
  const unique = [...new Set(codes)];
  const rows = (
    await Promise.all(
      chunk(unique, 90).map((part) =>
        db
          .select()
          .from(bins)
          .where(and(eq(bins.warehouseId, warehouseId), inArray(bins.code, part)))
          .all(),
      ),
    )
  ).flat();
  return new Map(rows.map((b) => [b.code, b]));
}

export const levelBody = (l: typeof stockLevels.$inferSelect, binCode: string) => ({
  warehouse_id: l.warehouseId,
  bin_id: l.binId,
  bin: binCode,
  sku: l.sku,
  on_hand: l.onHand,
  reserved: l.reserved,
  available: l.onHand - l.reserved,
});
