/**
 * Receiving: goods put away to bins, each line a `receive` movement, the
 * moving average cost of (warehouse, sku) folded in before the units land.
 * One D1 batch: the receipt is all there or not at all.
 */
import type { BatchItem } from "drizzle-orm/batch";
import { database, nonEmpty } from "../db/client";
import type { FieldError } from "../http/problem";
import { newId } from "../lib/ids";
import { toMinor } from "../lib/money";
import type { WarehouseRow } from "./scope";
import { addOnHand, binsByCode, foldCost, insertMovements, type MovementInput } from "./stock";
import type { ShardScope } from "../db/shard";

export type ReceiveInput = {
  reference?: string | undefined;
  lines: { sku: string; bin: string; quantity: number; unit_cost: string }[];
};

export type ReceiveResult =
  | {
      ok: true;
      id: string;
      levels: { binId: string; bin: string; sku: string; onHand: number; reserved: number }[];
      costs: { sku: string; avgUnitCost: number; currency: string }[];
    }
  | { ok: false; errors: FieldError[] };

export async function receiveStock(env: ShardScope, wh: WarehouseRow, { input, actor }: { input: ReceiveInput; actor: string }): Promise<ReceiveResult> {
  const db = database(env);
  const binMap = await binsByCode(
    db,
    wh.id,
    input.lines.map((l) => l.bin),
  );
  const errors: FieldError[] = [];
  const costs = input.lines.map((l, i) => {
    const bin = binMap.get(l.bin);
    if (!bin || !bin.active) errors.push({ field: `lines.${i}.bin`, message: `no active bin ${l.bin} in this warehouse` });
    else if (bin.kind !== "storage") errors.push({ field: `lines.${i}.bin`, message: "goods are put away to storage bins" });
    const cost = toMinor(l.unit_cost, wh.currency);
    if (!cost.ok) errors.push({ field: `lines.${i}.unit_cost`, message: cost.message });
    return cost.ok ? cost.minor : 0;
  });
  if (errors.length) return { ok: false, errors };

  const now = Date.now();
  const id = newId("rcv", now);
  const statements: BatchItem<"sqlite">[] = [];
  const movements: MovementInput[] = [];
  input.lines.forEach((l, i) => {
    const bin = binMap.get(l.bin)!;
    // The cost first: it reads the on-hand quantity the new units are averaged with.
    statements.push(foldCost(db, { warehouseId: wh.id, sku: l.sku }, { qty: l.quantity, unitCost: costs[i]!, currency: wh.currency, now }));
    statements.push(addOnHand(db, { warehouseId: wh.id, binId: bin.id, sku: l.sku }, { qty: l.quantity, now }));
    movements.push({
      warehouseId: wh.id,
      binId: bin.id,
      sku: l.sku,
      kind: "receive",
      onHandDelta: l.quantity,
      reservedDelta: 0,
      unitCost: costs[i]!,
      actor,
      reason: input.reference ?? null,
      refType: "receipt",
      refId: id,
      createdAt: now,
    });
  });
  const results = (await db.batch(nonEmpty([...statements, ...insertMovements(db, movements)]))) as unknown[];

  // Results alternate cost, level per line; the last of each sku/bin is its final state.
  const finalLevels = new Map<string, { binId: string; bin: string; sku: string; onHand: number; reserved: number }>();
  const finalCosts = new Map<string, { sku: string; avgUnitCost: number; currency: string }>();
  input.lines.forEach((l, i) => {
    const [cost] = results[2 * i] as { sku: string; avgUnitCost: number; currency: string }[];
    const [level] = results[2 * i + 1] as { binId: string; sku: string; onHand: number; reserved: number }[];
    finalCosts.set(l.sku, { sku: l.sku, avgUnitCost: cost!.avgUnitCost, currency: cost!.currency });
    finalLevels.set(`${level!.binId}\u0000${l.sku}`, { binId: level!.binId, bin: l.bin, sku: l.sku, onHand: level!.onHand, reserved: level!.reserved });
  });
  return { ok: true, id, levels: [...finalLevels.values()], costs: [...finalCosts.values()] };
}
