/**
 * Transfers between our warehouses as stock in transit. Sending takes the
 * units out of the source's bins at once (transfer_out movements; refused
 * whole when a bin has fewer available than asked) and records the source's
 * moving-average cost they leave with. Until received they are on no shelf:
 * replenishment counts them as on order for the destination. Receiving puts
 * them in the destination's bins (transfer_in), folds their cost into the
 * destination's average (when both keep costs in the same currency), and
 * wakes the backorders waiting for them, as a purchase order's receipt does.
 * A line never receives more than was sent (a CHECK): two receipts of the
 * last units at once cannot both count. Between warehouses on two databases
 * the transfer is two rows joined through the outbox (transfers-between.ts).
 */
import { and, asc, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { anyOf, chunk, constraintFailed, database, nonEmpty } from "../db/client";
import { warehouseTag } from "../db/homes";
import { bins, outbox, stockCosts, stockLevels, stockTransferLines, stockTransfers, type TRANSFER_STATUSES, warehouses } from "../db/schema";
import type { ShardEnv } from "../env";
import { seesWarehouse, type Principal } from "../http/auth";
import type { FieldError } from "../http/problem";
import { servesAnyOf } from "../inventory/warehouse-stores";
import { addOnHand, changeLevel, foldCost, insertMovements, isStockShortage, type MovementInput } from "../inventory/stock";
import { newId } from "../lib/ids";
import { fromMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import { sendOutbox } from "../outbox/send";
import { stockReceivedMessage } from "./backorders";
import { envOfWarehouse, transferReceivedMessage, transferSentMessage, warehouseAnywhere, warehouseAway } from "./transfers-between";

type Refusal = { ok: false; code: string; message: string; extra?: Record<string, unknown> };
type Invalid = { ok: false; code: "invalid"; errors: FieldError[] };
type WarehouseRow = typeof warehouses.$inferSelect;

const visible = (p: Principal, w: WarehouseRow | undefined): w is WarehouseRow => Boolean(w && seesWarehouse(p, w.id) && servesAnyOf(w.storeIds, p.stores));

export type SendInput = { from_warehouse_id: string; to_warehouse_id: string; note?: string | undefined; lines: { sku: string; from_bin: string; quantity: number }[] };

export async function sendTransfer(env: ShardEnv, p: Principal, input: SendInput, actor: string): Promise<{ ok: true; id: string } | Invalid | Refusal> {
  const db = database(env);
  const [whRows, binRows] = await db.batch([
    db
      .select()
      .from(warehouses)
      .where(inArray(warehouses.id, [input.from_warehouse_id, input.to_warehouse_id])),
    db
      .select()
      .from(bins)
      .where(and(eq(bins.warehouseId, input.from_warehouse_id), inArray(bins.code, anyOf([...new Set(input.lines.map((l) => l.from_bin))])))),
  ]);
  const from = whRows.find((w) => w.id === input.from_warehouse_id);
  // The request runs on the source's database (src/http/route-shard.ts). A destination on another one (another stock
  // pool) is read there: the transfer is then two rows, this database's and the destination's (transfers-between.ts).
  const here = whRows.find((w) => w.id === input.to_warehouse_id);
  const away = here ? null : await warehouseAway(env, input.to_warehouse_id);
  const to = here ?? away?.row;
  const errors: FieldError[] = [];
  if (!visible(p, from)) errors.push({ field: "from_warehouse_id", message: "no such warehouse" });
  else if (from.kind !== "own") errors.push({ field: "from_warehouse_id", message: "a 3PL's stock moves by its own process" });
  // The sender works at the source; the destination only has to be one of the stores' warehouses.
  if (!to || !servesAnyOf(to.storeIds, p.stores)) errors.push({ field: "to_warehouse_id", message: "no such warehouse" });
  else if (to.kind !== "own") errors.push({ field: "to_warehouse_id", message: "a 3PL receives its own goods" });
  if (input.from_warehouse_id === input.to_warehouse_id)
    errors.push({ field: "to_warehouse_id", message: "is the warehouse the goods are in; move them between bins with a transfer of the warehouse" });
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    const bin = binRows.find((b) => b.code === l.from_bin);
    if (!bin?.active || bin.kind !== "storage") errors.push({ field: `lines.${i}.from_bin`, message: `no active storage bin ${l.from_bin} in the source warehouse` });
    const k = `${l.from_bin}\u0000${l.sku}`;
    if (seen.has(k)) errors.push({ field: `lines.${i}.sku`, message: `${l.sku} from ${l.from_bin} is on the transfer twice` });
    seen.add(k);
  });
  if (errors.length || !from || !to) return { ok: false, code: "invalid", errors };
  const lines = input.lines.map((l, i) => ({ ...l, lineNo: i + 1, bin: binRows.find((b) => b.code === l.from_bin)! }));
  const [levels, costs] = await db.batch([
    db
      .select({ binId: stockLevels.binId, sku: stockLevels.sku })
      .from(stockLevels)
      .where(
        or(
          ...lines.map((l) => and(eq(stockLevels.binId, l.bin.id), eq(stockLevels.sku, l.sku))),
          eq(stockLevels.binId, "\u0000"), // never empty
        ),
      ),
    db
      .select()
      .from(stockCosts)
      .where(and(eq(stockCosts.warehouseId, from.id), inArray(stockCosts.sku, [...new Set(lines.map((l) => l.sku))]))),
  ]);
  const missing = lines.filter((l) => !levels.some((v) => v.binId === l.bin.id && v.sku === l.sku));
  if (missing.length) return shortage(missing.map((l) => `${l.sku} in ${l.from_bin}`));
  const now = Date.now();
  // The source's tag: the transfer lives on its database, and its id alone finds it there.
  const id = newId("stt", now, await warehouseTag(env, from.id));
  const costOf = new Map(costs.map((c) => [c.sku, c]));
  const sent = away ? transferSentMessage(now, id) : null;
  const movements: MovementInput[] = lines.map((l) => ({
    warehouseId: from.id,
    binId: l.bin.id,
    sku: l.sku,
    kind: "transfer_out",
    onHandDelta: -l.quantity,
    reservedDelta: 0,
    actor,
    reason: `to ${to.id}`,
    refType: "stock_transfer",
    refId: id,
    createdAt: now,
  }));
  try {
    await db.batch(
      nonEmpty<BatchItem<"sqlite">>([
        db.insert(stockTransfers).values({
          id,
          fromWarehouseId: from.id,
          toWarehouseId: to.id,
          status: "in_transit",
          note: input.note ?? null,
          createdBy: actor,
          createdAt: now,
          side: sent ? "source" : "both",
        }),
        // To another database: the message that writes the destination's row there, owed in this batch.
        ...(sent ? [db.insert(outbox).values(sent)] : []),
        // Eight columns a line, 100 bound values a statement: 12 lines an insert.
        ...chunk(lines, 12).map((part) =>
          db.insert(stockTransferLines).values(
            part.map((l) => ({
              transferId: id,
              lineNo: l.lineNo,
              sku: l.sku,
              fromBinId: l.bin.id,
              quantity: l.quantity,
              unitCost: costOf.get(l.sku)?.avgUnitCost ?? null,
              currency: costOf.get(l.sku)?.currency ?? from.currency,
            })),
          ),
        ),
        ...lines.map((l) => changeLevel(db, { binId: l.bin.id, sku: l.sku }, { delta: { onHand: -l.quantity }, now })),
        ...insertMovements(db, movements),
      ]),
    );
  } catch (err) {
    if (isStockShortage(err)) return shortage(lines.map((l) => `${l.sku} in ${l.from_bin}`));
    throw err;
  }
  if (sent) await sendOutbox(env, [sent]).catch((err) => console.warn(`transfer.sent for ${id}: send failed; the sweep resends it`, err));
  return { ok: true, id };
}

const shortage = (what: string[]): Refusal => ({ ok: false, code: "insufficient_stock", message: `not that many available: ${what.join(", ")}` });

/**
 * The transfers the key sees (either end among its warehouses), newest first.
 * The scope is in the WHERE clause, so a page is never short of what the key
 * may read, however many transfers of other warehouses are newer.
 */
export async function listTransfers(env: ShardEnv, p: Principal, q: { warehouseId?: string; statuses?: (typeof TRANSFER_STATUSES)[number][]; before?: string; limit: number }) {
  const db = database(env);
  const ids = p.warehouses === "*" && p.stores === "*" ? undefined : anyOf([...(await visibleWarehouseIds(env, p))]);
  return db
    .select()
    .from(stockTransfers)
    .where(
      and(
        ids === undefined ? undefined : or(inArray(stockTransfers.fromWarehouseId, ids), inArray(stockTransfers.toWarehouseId, ids)),
        q.warehouseId === undefined ? undefined : or(eq(stockTransfers.fromWarehouseId, q.warehouseId), eq(stockTransfers.toWarehouseId, q.warehouseId)),
        q.statuses === undefined ? undefined : inArray(stockTransfers.status, q.statuses),
        q.before === undefined ? undefined : lt(stockTransfers.id, q.before),
      ),
    )
    .orderBy(desc(stockTransfers.id))
    .limit(q.limit + 1)
    .all();
}

/** The lines of a page of transfers, by transfer, in line order: one round trip for the page, not one per transfer. */
export async function linesOfTransfers(env: ShardEnv, ids: readonly string[]): Promise<Map<string, (typeof stockTransferLines.$inferSelect)[]>> {
  const out = new Map<string, (typeof stockTransferLines.$inferSelect)[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const db = database(env);
  const parts = await db.batch(
    nonEmpty(
      chunk([...ids], 90).map((part) =>
        db.select().from(stockTransferLines).where(inArray(stockTransferLines.transferId, part)).orderBy(asc(stockTransferLines.transferId), asc(stockTransferLines.lineNo)),
      ),
    ),
  );
  for (const line of parts.flat()) out.get(line.transferId)?.push(line);
  return out;
}

async function visibleWarehouseIds(env: ShardEnv, p: Principal): Promise<Set<string>> {
  const all = await database(env).select().from(warehouses).all();
  return new Set(all.filter((w) => visible(p, w)).map((w) => w.id));
}

export async function getTransfer(env: ShardEnv, p: Principal, id: string) {
  const db = database(env);
  const [rows, lines, whs] = await db.batch([
    db.select().from(stockTransfers).where(eq(stockTransfers.id, id)),
    db.select().from(stockTransferLines).where(eq(stockTransferLines.transferId, id)).orderBy(asc(stockTransferLines.lineNo)),
    // Its two warehouses, when they are here: both, unless the transfer is between databases.
    db
      .select()
      .from(warehouses)
      .where(inArray(warehouses.id, sql`(SELECT from_warehouse_id FROM stock_transfers WHERE id = ${id} UNION ALL SELECT to_warehouse_id FROM stock_transfers WHERE id = ${id})`)),
  ]);
  const t = rows[0];
  if (!t) return null;
  // The end on another database (a transfer between pools) is read where it lives.
  const [from, to] = await Promise.all([t.fromWarehouseId, t.toWarehouseId].map(async (w) => whs.find((x) => x.id === w) ?? (await warehouseAnywhere(env, w))));
  // Both ends read it: the source to follow what it sent, the destination to receive it.
  if (!from || !to || (!visible(p, from) && !visible(p, to))) return null;
  return { transfer: t, lines, from, to };
}

/**
 * A transfer as a request reads and receives it. Between two databases the id names the source, whose row says where
 * the goods go: the destination's row is read there once it is written (it knows what came in), and `env` is that
 * database's, where a receipt runs. `arrived` false: the destination's row is not written yet (its message is on the
 * way). Null when there is no such transfer for this key.
 */
export async function readTransfer(env: ShardEnv, p: Principal, id: string) {
  const here = await getTransfer(env, p, id);
  if (here?.transfer.side !== "source") return here && { ...here, env, arrived: true };
  const there = await envOfWarehouse(env, here.transfer.toWarehouseId);
  const mirror = await getTransfer(there, p, id);
  return mirror ? { ...mirror, env: there, arrived: true } : { ...here, env, arrived: false };
}

export function transferBody(t: typeof stockTransfers.$inferSelect, lines: (typeof stockTransferLines.$inferSelect)[]) {
  return {
    id: t.id,
    from_warehouse_id: t.fromWarehouseId,
    to_warehouse_id: t.toWarehouseId,
    status: t.status,
    note: t.note,
    created_by: t.createdBy,
    created_at: iso(t.createdAt),
    received_at: t.receivedAt === null ? null : iso(t.receivedAt),
    units: lines.reduce((n, l) => n + l.quantity, 0),
    received_units: lines.reduce((n, l) => n + l.receivedQty, 0),
    lines: lines.map((l) => ({
      line_no: l.lineNo,
      sku: l.sku,
      from_bin_id: l.fromBinId,
      quantity: l.quantity,
      received_qty: l.receivedQty,
      unit_cost: l.unitCost === null ? null : fromMinor(l.unitCost, l.currency),
      currency: l.currency,
    })),
  };
}

export type ReceiveTransferInput = { lines: { line_no: number; bin: string; quantity: number }[] };

export async function receiveTransfer(
  env: ShardEnv,
  p: Principal,
  id: string,
  input: ReceiveTransferInput,
  actor: string,
): Promise<{ ok: true } | Invalid | Refusal | { ok: false; code: "not_found" }> {
  const found = await getTransfer(env, p, id);
  if (!found) return { ok: false, code: "not_found" };
  const { transfer: t, lines, to } = found;
  if (!visible(p, to)) return { ok: false, code: "forbidden", message: `the goods are received at ${t.toWarehouseId}, a warehouse this key does not work in` };
  if (t.status === "received") return { ok: false, code: "not_receivable", message: "every unit of this transfer is already received" };
  const db = database(env);
  const binRows = await db
    .select()
    .from(bins)
    .where(and(eq(bins.warehouseId, to.id), inArray(bins.code, anyOf([...new Set(input.lines.map((l) => l.bin))]))))
    .all();
  const errors: FieldError[] = [];
  input.lines.forEach((r, i) => {
    if (!lines.some((l) => l.lineNo === r.line_no)) errors.push({ field: `lines.${i}.line_no`, message: `no line ${r.line_no} on this transfer` });
    const bin = binRows.find((b) => b.code === r.bin);
    if (!bin?.active || bin.kind !== "storage") errors.push({ field: `lines.${i}.bin`, message: `no active storage bin ${r.bin} in the destination warehouse` });
  });
  if (errors.length) return { ok: false, code: "invalid", errors };
  const added = new Map<number, number>();
  for (const r of input.lines) added.set(r.line_no, (added.get(r.line_no) ?? 0) + r.quantity);
  const over = lines.filter((l) => l.receivedQty + (added.get(l.lineNo) ?? 0) > l.quantity);
  if (over.length) return overReceipt(over.map((l) => l.sku));
  const now = Date.now();
  const statements: BatchItem<"sqlite">[] = [];
  const movements: MovementInput[] = [];
  for (const [lineNo, qty] of added) {
    // Relative, with the CHECK: a receipt racing this one for the same units fails whole.
    statements.push(
      db
        .update(stockTransferLines)
        .set({ receivedQty: sql`${stockTransferLines.receivedQty} + ${qty}` })
        .where(and(eq(stockTransferLines.transferId, t.id), eq(stockTransferLines.lineNo, lineNo))),
    );
  }
  for (const r of input.lines) {
    const line = lines.find((l) => l.lineNo === r.line_no)!;
    const bin = binRows.find((b) => b.code === r.bin)!;
    const moveCost = line.unitCost !== null && line.currency === to.currency;
    if (moveCost) statements.push(foldCost(db, { warehouseId: to.id, sku: line.sku }, { qty: r.quantity, unitCost: line.unitCost!, currency: to.currency, now }));
    statements.push(addOnHand(db, { warehouseId: to.id, binId: bin.id, sku: line.sku }, { qty: r.quantity, now }));
    movements.push({
      warehouseId: to.id,
      binId: bin.id,
      sku: line.sku,
      kind: "transfer_in",
      onHandDelta: r.quantity,
      reservedDelta: 0,
      unitCost: moveCost ? line.unitCost : null,
      actor,
      reason: `from ${t.fromWarehouseId}`,
      refType: "stock_transfer",
      refId: t.id,
      createdAt: now,
    });
  }
  // The destination's row of a transfer between databases: the source's row learns what came in.
  const told = t.side === "destination" ? transferReceivedMessage(now, t.id) : null;
  const message = stockReceivedMessage(now, {
    warehouseId: to.id,
    storeId: null,
    skus: input.lines.map((r) => lines.find((l) => l.lineNo === r.line_no)!.sku),
    ref: { stock_transfer_id: t.id },
  });
  statements.push(
    ...insertMovements(db, movements),
    // Decided in the batch, after its lines' counts: another receipt committed meanwhile counts too.
    db
      .update(stockTransfers)
      .set({
        status: sql`CASE WHEN ${allIn(t.id)} THEN 'received' ELSE 'partially_received' END`,
        receivedAt: sql`CASE WHEN ${allIn(t.id)} THEN ${now} ELSE NULL END`,
      })
      .where(eq(stockTransfers.id, t.id)),
    db.insert(outbox).values(told ? [message, told] : [message]),
  );
  try {
    await db.batch(nonEmpty(statements));
  } catch (err) {
    if (constraintFailed(err, "stock_transfer_lines_received_within_sent")) return overReceipt(lines.map((l) => l.sku));
    throw err;
  }
  await sendOutbox(env, told ? [message, told] : [message]).catch((err) => console.warn(`stock.received for ${t.id}: send failed; the sweep resends it`, err));
  return { ok: true };
}

const allIn = (id: string) =>
  sql`NOT EXISTS (SELECT 1 FROM ${stockTransferLines} WHERE ${stockTransferLines.transferId} = ${id} AND ${stockTransferLines.receivedQty} < ${stockTransferLines.quantity})`;

const overReceipt = (skus: string[]): Refusal => ({ ok: false, code: "over_receipt", message: `more than was sent: ${[...new Set(skus)].join(", ")}` });
