/**
 * Adjustments (found, damaged, written off) and transfers between bins or
 * warehouses. Removing stock never goes below zero or below what is
 * reserved: the stock CHECKs fail the batch, and that is a 409, not a 500.
 */
import { and, eq } from "drizzle-orm";
import { database } from "../db/client";
import { stockCosts, stockLevels } from "../db/schema";
import type { FieldError } from "../http/problem";
import { newId } from "../lib/ids";
import type { WarehouseRow } from "./scope";
import { addOnHand, binsByCode, changeLevel, foldCost, insertMovements, isStockShortage, type BinRef } from "./stock";
import type { ShardScope } from "../db/shard";
import { warehouseTag } from "../db/homes";

type Level = typeof stockLevels.$inferSelect;

export type StockChangeResult<T> = { ok: true; value: T } | { ok: false; code: "invalid"; errors: FieldError[] } | { ok: false; code: "insufficient_stock"; message: string };

const storageBin = (bin: BinRef | undefined, field: string, code: string): FieldError | null =>
  !bin || !bin.active
    ? { field, message: `no active bin ${code} in this warehouse` }
    : bin.kind !== "storage"
      ? { field, message: "only storage bins can be adjusted, transferred or counted" }
      : null;

async function levelOf(env: ShardScope, binId: string, sku: string): Promise<Level | undefined> {
  return database(env)
    .select()
    .from(stockLevels)
    .where(and(eq(stockLevels.binId, binId), eq(stockLevels.sku, sku)))
    .get();
}

const shortage = (what: string) => ({
  ok: false as const,
  code: "insufficient_stock" as const,
  message: `${what}: on-hand would go below zero or below what is reserved for orders`,
});

export async function adjustStock(
  env: ShardScope,
  wh: WarehouseRow,
  { input, actor }: { input: { bin: string; sku: string; delta: number; reason: string }; actor: string },
): Promise<StockChangeResult<{ id: string; level: Level; bin: BinRef }>> {
  const db = database(env);
  const bin = (await binsByCode(db, wh.id, [input.bin])).get(input.bin);
  const bad = storageBin(bin, "bin", input.bin);
  if (bad) return { ok: false, code: "invalid", errors: [bad] };
  // A decrease needs the row to exist (an UPDATE of no row would silently do nothing).
  if (input.delta < 0 && !(await levelOf(env, bin!.id, input.sku))) return shortage(`${input.sku} in ${input.bin}`);
  const now = Date.now();
  const id = newId("adj", now);
  const at = { warehouseId: wh.id, binId: bin!.id, sku: input.sku };
  try {
    const [level] = await db.batch([
      input.delta > 0 ? addOnHand(db, at, { qty: input.delta, now }) : changeLevel(db, at, { delta: { onHand: input.delta }, now }),
      ...insertMovements(db, [
        { ...at, kind: "adjust", onHandDelta: input.delta, reservedDelta: 0, actor, reason: input.reason, refType: "adjustment", refId: id, createdAt: now },
      ]),
    ]);
    return { ok: true, value: { id, level: (level as Level[])[0]!, bin: bin! } };
  } catch (err) {
    if (isStockShortage(err)) return shortage(`${input.sku} in ${input.bin}`);
    throw err;
  }
}

export type TransferInput = { sku: string; quantity: number; from_bin: string; to_warehouse_id: string; to_bin: string; reason?: string | undefined };

/**
 * Moves units out of one bin and into another (of this or another
 * warehouse). The destination's moving average cost takes in the source's,
 * when both keep costs in the same currency.
 */
export async function transferStock(
  env: ShardScope & { DIRECTORY: D1Database },
  from: WarehouseRow,
  { to, input, actor }: { to: WarehouseRow; input: TransferInput; actor: string },
): Promise<StockChangeResult<{ id: string; from: Level; to: Level; fromBin: BinRef; toBin: BinRef }>> {
  const db = database(env);
  const fromBin = (await binsByCode(db, from.id, [input.from_bin])).get(input.from_bin);
  const toBin = (await binsByCode(db, to.id, [input.to_bin])).get(input.to_bin);
  const errors = [storageBin(fromBin, "from_bin", input.from_bin), storageBin(toBin, "to_bin", input.to_bin)].filter((e) => e !== null);
  if (!errors.length && fromBin!.id === toBin!.id) errors.push({ field: "to_bin", message: "is the bin the goods are in" });
  if (errors.length) return { ok: false, code: "invalid", errors };
  if (!(await levelOf(env, fromBin!.id, input.sku))) return shortage(`${input.sku} in ${input.from_bin}`);

  const now = Date.now();
  const id = newId("trf", now, await warehouseTag(env, from.id));
  const src = { warehouseId: from.id, binId: fromBin!.id, sku: input.sku };
  const dst = { warehouseId: to.id, binId: toBin!.id, sku: input.sku };
  const sourceCost =
    from.id !== to.id
      ? await db
          .select()
          .from(stockCosts)
          .where(and(eq(stockCosts.warehouseId, from.id), eq(stockCosts.sku, input.sku)))
          .get()
      : undefined;
  const moveCost = sourceCost && sourceCost.currency === to.currency;
  const common = { actor, reason: input.reason ?? null, refType: "transfer", refId: id, createdAt: now };
  try {
    const results = await db.batch([
      changeLevel(db, src, { delta: { onHand: -input.quantity }, now }),
      ...(moveCost ? [foldCost(db, { warehouseId: to.id, sku: input.sku }, { qty: input.quantity, unitCost: sourceCost.avgUnitCost, currency: to.currency, now })] : []),
      addOnHand(db, dst, { qty: input.quantity, now }),
      ...insertMovements(db, [
        { ...src, kind: "transfer_out", onHandDelta: -input.quantity, reservedDelta: 0, ...common },
        { ...dst, kind: "transfer_in", onHandDelta: input.quantity, reservedDelta: 0, unitCost: moveCost ? sourceCost.avgUnitCost : null, ...common },
      ]),
    ]);
    const fromLevel = (results[0] as Level[])[0]!;
    const toLevel = (results[moveCost ? 2 : 1] as Level[])[0]!;
    return { ok: true, value: { id, from: fromLevel, to: toLevel, fromBin: fromBin!, toBin: toBin! } };
  } catch (err) {
    if (isStockShortage(err)) return shortage(`${input.sku} in ${input.from_bin}`);
    throw err;
  }
}
