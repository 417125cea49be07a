/**
 * Transfers between warehouses kept on two databases: two stock pools (docs/SHARDING.md, build step 10). A transfer
 * between them cannot be one batch, so it is two rows with one id, joined through the outbox:
 *
 * 1. Sending commits on the source's database: the units leave its bins, the `source` row and its lines are written,
 *    and a `transfer.sent` message is owed, all in one batch (src/procurement/transfers.ts).
 * 2. Its consumer writes the `destination` row and lines on the destination's database, as they were sent (insert or
 *    ignore: a redelivery writes nothing more). From then on the destination's replenishment counts them as on order.
 * 3. A receipt runs on the destination's database against its row (`readTransfer`): the units go into its bins with
 *    their cost, and a `transfer.received` message is owed in the same batch.
 * 4. Its consumer sets the source row's received counts and status to the destination's, never lower (a late or
 *    repeated message cannot take one back).
 *
 * Reads prefer the destination's row, which knows what came in; a list that reads both databases shows the transfer
 * once.
 */
import { and, eq, sql } from "drizzle-orm";
import { database } from "../db/client";
import { shardOf } from "../db/homes";
import { stockTransferLines, stockTransfers, warehouses } from "../db/schema";
import { onShard } from "../db/shard";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import type { Handler } from "../outbox/consume";
import type { OutboxRow } from "../outbox/topics";

type WarehouseRow = typeof warehouses.$inferSelect;
type TransferRow = typeof stockTransfers.$inferSelect;

/** The env on the database a warehouse lives on. */
export const envOfWarehouse = async (env: ShardEnv, warehouseId: string) => onShard(env, await shardOf(env, { warehouse: warehouseId }));

/** A warehouse read on its own database, wherever the request is. */
export async function warehouseAnywhere(env: ShardEnv, id: string): Promise<WarehouseRow | undefined> {
  const [row] = await database(await envOfWarehouse(env, id))
    .select()
    .from(warehouses)
    .where(eq(warehouses.id, id))
    .limit(1);
  return row;
}

/** A warehouse on another database than `env`'s, with that database's env; null when it is on this one, or nowhere. */
export async function warehouseAway(env: ShardEnv, id: string): Promise<{ row: WarehouseRow; env: ShardEnv } | null> {
  const there = await envOfWarehouse(env, id);
  if (there.shard.id === env.shard.id) return null;
  const row = await warehouseAnywhere(env, id);
  return row ? { row, env: there } : null;
}

const message = (type: "transfer.sent" | "transfer.received", now: number, transferId: string): OutboxRow => ({
  id: newId("obx", now),
  orderId: null,
  topic: "fulfilment",
  type,
  payload: { stock_transfer_id: transferId },
  createdAt: now,
});

/** Owed by the source's send: the destination's row is to be written. */
export const transferSentMessage = (now: number, transferId: string) => message("transfer.sent", now, transferId);

/** Owed by a receipt at the destination: the source's row is to learn it. */
export const transferReceivedMessage = (now: number, transferId: string) => message("transfer.received", now, transferId);

async function transferOn(env: ShardEnv, id: string) {
  const db = database(env);
  const [rows, lines] = await db.batch([
    db.select().from(stockTransfers).where(eq(stockTransfers.id, id)),
    db.select().from(stockTransferLines).where(eq(stockTransferLines.transferId, id)),
  ]);
  return rows[0] ? { transfer: rows[0], lines } : null;
}

const transferIdOf = (payload: unknown) => (payload as { stock_transfer_id?: unknown }).stock_transfer_id;

/** `transfer.sent`, on the source's database: writes the destination's row and lines there, as sent. */
export const writeDestinationRow: Handler = async function writeDestinationRow(env, m) {
  const id = transferIdOf(m.payload);
  if (typeof id !== "string") return [];
  const sent = await transferOn(env, id);
  if (sent?.transfer.side !== "source") return [];
  const there = database(await envOfWarehouse(env, sent.transfer.toWarehouseId));
  await there.batch([
    there
      .insert(stockTransfers)
      .values({ ...sent.transfer, status: "in_transit", receivedAt: null, side: "destination" })
      .onConflictDoNothing(),
    ...sent.lines.map((l) =>
      there
        .insert(stockTransferLines)
        .values({ ...l, receivedQty: 0 })
        .onConflictDoNothing(),
    ),
  ]);
  return [];
};

/** `transfer.received`, on the destination's database: the source's row takes its counts and status, never lower. */
export const tellSourceOfReceipt: Handler = async function tellSourceOfReceipt(env, m) {
  const id = transferIdOf(m.payload);
  if (typeof id !== "string") return [];
  const came = await transferOn(env, id);
  if (came?.transfer.side !== "destination") return [];
  const there = database(await envOfWarehouse(env, came.transfer.fromWarehouseId));
  const rank = sql`CASE ${stockTransfers.status} WHEN 'received' THEN 2 WHEN 'partially_received' THEN 1 ELSE 0 END`;
  const newRank = came.transfer.status === "received" ? 2 : came.transfer.status === "partially_received" ? 1 : 0;
  await there.batch([
    there
      .update(stockTransfers)
      .set({ status: came.transfer.status, receivedAt: came.transfer.receivedAt })
      .where(and(eq(stockTransfers.id, id), eq(stockTransfers.side, "source"), sql`${rank} <= ${newRank}`)),
    ...came.lines.map((l) =>
      there
        .update(stockTransferLines)
        .set({ receivedQty: sql`MAX(${stockTransferLines.receivedQty}, ${l.receivedQty})` })
        .where(and(eq(stockTransferLines.transferId, id), eq(stockTransferLines.lineNo, l.lineNo))),
    ),
  ]);
  return [];
};

export const transferHandlers = {
  "fulfilment:transfer.sent": writeDestinationRow,
  "fulfilment:transfer.received": tellSourceOfReceipt,
} as const;

/**
 * A list read from several databases holds both rows of a transfer between them: the destination's stays (it knows
 * what came in). Rows come sorted by id, so the two are neighbours.
 */
export function oneRowPerTransfer(rows: readonly TransferRow[]): TransferRow[] {
  const byId = new Map<string, TransferRow>();
  for (const r of rows) {
    const seen = byId.get(r.id);
    if (!seen || seen.side === "source") byId.set(r.id, r);
  }
  return rows.filter((r) => byId.get(r.id) === r);
}
