/**
 * Stocktake: what was counted replaces what the system believed, and the
 * difference is booked as a `count` movement. The expected quantity is read
 * inside the batch (not before it), so a movement that lands while the
 * count is submitted cannot make the variance wrong. A count below what is
 * reserved for orders is refused: those orders must be dealt with first.
 */
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { database, nonEmpty } from "../db/client";
import { stockCountLines, stockCounts, stockLevels } from "../db/schema";
import type { FieldError } from "../http/problem";
import { newId } from "../lib/ids";
import type { StockChangeResult } from "./adjust-stock";
import type { WarehouseRow } from "./scope";
import { binsByCode, insertMovementsSelect, isStockShortage } from "./stock";
import type { ShardScope } from "../db/shard";

export type CountInput = { reason?: string | undefined; lines: { bin: string; sku: string; counted: number }[] };
export type CountLine = { bin: string; sku: string; expected: number; counted: number; variance: number };

export async function countStock(
  env: ShardScope,
  wh: WarehouseRow,
  { input, actor }: { input: CountInput; actor: string },
): Promise<StockChangeResult<{ id: string; createdAt: number; lines: CountLine[] }>> {
  const db = database(env);
  const binMap = await binsByCode(
    db,
    wh.id,
    input.lines.map((l) => l.bin),
  );
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    const bin = binMap.get(l.bin);
    if (!bin || !bin.active) errors.push({ field: `lines.${i}.bin`, message: `no active bin ${l.bin} in this warehouse` });
    else if (bin.kind !== "storage") errors.push({ field: `lines.${i}.bin`, message: "only storage bins are counted" });
    const key = `${l.bin}\u0000${l.sku}`;
    if (seen.has(key)) errors.push({ field: `lines.${i}`, message: `${l.sku} in ${l.bin} is counted twice` });
    seen.add(key);
  });
  if (errors.length) return { ok: false, code: "invalid", errors };

  const now = Date.now();
  const id = newId("cnt", now);
  const reason = input.reason ?? null;
  const statements: BatchItem<"sqlite">[] = [db.insert(stockCounts).values({ id, warehouseId: wh.id, actor, reason, createdAt: now })];
  // Each line's insert returns what it stored (its expected quantity is read inside the batch): the answer is built
  // from those results by position, so it never depends on matching stored text against the request's after commit.
  const lineAt: number[] = [];
  for (const l of input.lines) {
    const binId = binMap.get(l.bin)!.id;
    const current = sql`COALESCE((SELECT ${stockLevels.onHand} FROM ${stockLevels} WHERE ${stockLevels.binId} = ${binId} AND ${stockLevels.sku} = ${l.sku}), 0)`;
    lineAt.push(statements.length);
    statements.push(
      db
        .insert(stockCountLines)
        .values({ countId: id, binId, sku: l.sku, expected: current, counted: l.counted })
        .returning({ expected: stockCountLines.expected, counted: stockCountLines.counted }),
      insertMovementsSelect(
        db,
        sql`SELECT ${wh.id}, ${binId}, ${l.sku}, 'count', ${l.counted} - expected, 0, NULL, ${actor}, ${reason}, 'count', ${id}, ${now}
          FROM ${stockCountLines} WHERE count_id = ${id} AND bin_id = ${binId} AND sku = ${l.sku} AND expected != ${l.counted}`,
      ),
      db
        .insert(stockLevels)
        .values({ warehouseId: wh.id, binId, sku: l.sku, onHand: l.counted, reserved: 0, updatedAt: now })
        .onConflictDoUpdate({ target: [stockLevels.binId, stockLevels.sku], set: { onHand: l.counted, updatedAt: now } }),
    );
  }
  let results: unknown[];
  try {
    results = await db.batch(nonEmpty(statements));
  } catch (err) {
    if (isStockShortage(err)) {
      return { ok: false, code: "insufficient_stock", message: "a counted quantity is below what is reserved for orders; resolve those orders' shipments first" };
    }
    throw err;
  }
  const lines = input.lines.map((l, i) => {
    const [r] = results[lineAt[i]!] as { expected: number; counted: number }[];
    return { bin: l.bin, sku: l.sku, expected: r!.expected, counted: r!.counted, variance: r!.counted - r!.expected };
  });
  return { ok: true, value: { id, createdAt: now, lines } };
}
