/**
 * Stock arrived (a purchase order's receipt, a transfer received): the orders
 * waiting for it are allocated now, not at the minute cron's next retry
 * (whose backoff grows to an hour for an old backorder). In the order each
 * store chose (`backorder_priority`): oldest backorder first, the largest
 * orders by value, or the smallest orders (so the most customers are served).
 * Each allocation reserves through the order's object against the stock as it
 * is when it commits, so orders that arrive meanwhile and backorders compete
 * fairly and nothing is oversold: a backorder that loses stays one, for the
 * cron. Idempotent: allocating an order that is no longer backordered does
 * nothing.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { anyOf, database } from "../db/client";
import { allocations, orderLines, orders, stores } from "../db/schema";
import type { ShardEnv } from "../env";
import { allocateOrder } from "../fulfilment/allocate-order";
import { newId } from "../lib/ids";
import type { Handler } from "../outbox/consume";
import type { OutboxRow } from "../outbox/topics";
import { type BackorderPriority, servingOrder, type Waiting } from "./backorder-priority";

/** How many backorders one arrival wakes; the rest wait for the cron, which keeps working through them. */
export const BACKORDERS_PER_RECEIPT = 100;

/** `storeId` null: every store's (stock moved between warehouses serves whoever waits). */
export async function allocateBackordersFor(env: ShardEnv, { storeId, skus }: { storeId: string | null; skus: readonly string[] }): Promise<{ tried: number; allocated: number }> {
  if (!skus.length) return { tried: 0, allocated: 0 };
  const db = database(env);
  const rows = await db
    .select({
      orderId: allocations.orderId,
      storeId: allocations.storeId,
      backorderedAt: allocations.createdAt,
      total: orders.totalAmount,
      units: sql<number>`(SELECT COALESCE(SUM(${orderLines.quantity}), 0) FROM ${orderLines} WHERE ${orderLines.orderId} = ${allocations.orderId})`,
      priority: stores.backorderPriority,
    })
    .from(allocations)
    .innerJoin(orders, eq(orders.id, allocations.orderId))
    .innerJoin(stores, eq(stores.id, allocations.storeId))
    .where(
      and(
        eq(allocations.status, "backordered"),
        storeId === null ? undefined : eq(allocations.storeId, storeId),
        inArray(
          allocations.orderId,
          db
            .selectDistinct({ id: orderLines.orderId })
            .from(orderLines)
            .where(inArray(orderLines.sku, anyOf(skus))),
        ),
      ),
    )
    .all();
  const byStore = new Map<string, { priority: BackorderPriority; waiting: Waiting[] }>();
  for (const r of rows) {
    const entry = byStore.get(r.storeId) ?? { priority: r.priority, waiting: [] };
    entry.waiting.push({ orderId: r.orderId, storeId: r.storeId, backorderedAt: r.backorderedAt, total: r.total, units: Number(r.units) });
    byStore.set(r.storeId, entry);
  }
  const queue = [...byStore.values()].flatMap((s) => servingOrder(s.waiting, s.priority)).slice(0, BACKORDERS_PER_RECEIPT);
  let allocated = 0;
  for (const w of queue) {
    const r = await allocateOrder(env, w.orderId, { actor: "system:receipt" });
    if (r.status === "allocated") allocated++;
  }
  return { tried: queue.length, allocated };
}

/**
 * The message an arrival of stock owes, committed in the arrival's own batch: its consumer allocates the backorders
 * waiting for `skus` (of `storeId`, or of any store for null). `ref` names what brought the stock.
 */
export function stockReceivedMessage(now: number, p: { warehouseId: string; storeId: string | null; skus: readonly string[]; ref: Record<string, string> }): OutboxRow {
  return {
    id: newId("obx", now),
    orderId: null,
    topic: "fulfilment",
    type: "stock.received",
    payload: { warehouse_id: p.warehouseId, store_id: p.storeId, skus: [...new Set(p.skus)], ...p.ref },
    createdAt: now,
  };
}

export const allocateOnReceipt: Handler = async function allocateOnReceipt(env, message) {
  const { store_id: storeId, skus } = message.payload as { store_id?: string | null; skus?: string[] };
  if (Array.isArray(skus)) await allocateBackordersFor(env, { storeId: typeof storeId === "string" ? storeId : null, skus });
  return [];
};

export const procurementHandlers = {
  "fulfilment:stock.received": allocateOnReceipt,
} as const;
