/**
 * Stock arrived: the orders waiting for it are allocated now, not at the
 * minute cron's next retry (whose backoff grows to an hour for an old
 * backorder). Oldest backorder first. Each allocation reserves through the
 * order's object against the stock as it is when it commits, so orders that
 * arrive meanwhile and backorders compete fairly and nothing is oversold: a
 * backorder that loses stays one, for the cron. Idempotent: allocating an
 * order that is no longer backordered does nothing.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { database } from "../db/client";
import { allocations, orderLines } from "../db/schema";
import type { Env } from "../env";
import { allocateOrder } from "../fulfilment/allocate-order";
import type { Handler } from "../outbox/consume";

/** How many backorders one receipt wakes; the rest wait for the cron, which keeps working through them. */
export const BACKORDERS_PER_RECEIPT = 100;

/** `storeId` null: every store's (stock moved between warehouses serves whoever waits). */
export async function allocateBackordersFor(env: Env, { storeId, skus }: { storeId: string | null; skus: readonly string[] }): Promise<{ tried: number; allocated: number }> {
  if (!skus.length) return { tried: 0, allocated: 0 };
  const waiting = await database(env)
    .selectDistinct({ orderId: allocations.orderId, createdAt: allocations.createdAt })
    .from(allocations)
    .innerJoin(orderLines, eq(orderLines.orderId, allocations.orderId))
    .where(and(eq(allocations.status, "backordered"), storeId === null ? undefined : eq(allocations.storeId, storeId), inArray(orderLines.sku, [...skus].slice(0, 90))))
    .orderBy(asc(allocations.createdAt), asc(allocations.orderId))
    .limit(BACKORDERS_PER_RECEIPT)
    .all();
  let allocated = 0;
  for (const w of waiting) {
    const r = await allocateOrder(env, w.orderId, { actor: "system:receipt" });
    if (r.status === "allocated") allocated++;
  }
  return { tried: waiting.length, allocated };
}

export const allocateOnReceipt: Handler = async function allocateOnReceipt(env, message) {
  const { store_id: storeId, skus } = message.payload as { store_id?: string | null; skus?: string[] };
  if (Array.isArray(skus)) await allocateBackordersFor(env, { storeId: typeof storeId === "string" ? storeId : null, skus });
  return [];
};

export const procurementHandlers = {
  "fulfilment:stock.received": allocateOnReceipt,
} as const;
