/**
 * Allocation of an approved order's goods: plan, then fire `process` on the
 * order's Durable Object with the reservation as its effect, so "processing"
 * and "stock reserved" commit together or not at all. When the reservation
 * loses a race (another order took the stock), re-plan on fresh stock; when
 * the order changed after it was read (an edited address), re-plan from it
 * as it is now (the commit is guarded by the version planned from); when
 * no plan is possible, the order stays approved and is recorded as
 * backordered (the minute cron and POST /v1/orders/:id/allocation retry it).
 *
 * Idempotent: an order that is no longer approved is left alone, so a
 * redelivered `order.approved` or a retry after a crash does nothing twice.
 */
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, database, nonEmpty, notMoving } from "../db/client";
import { allocations, orderLines, orders } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId, tagOf } from "../lib/ids";
import { type AllocateEffectData, processWithAllocation } from "./allocation-effect";
import { mergeKeyOf } from "./merge-key";
import { mergeByPolicy } from "./merge-shipments";
import { planAllocation, type PlanningFacts } from "./plan-allocation";
import type { Explanation, Shortage } from "./routing-policy";

export type AllocateResult =
  | { status: "allocated"; shipmentIds: string[] }
  | { status: "backordered"; reason: string; message: string; shortages: Shortage[] }
  | { status: "skipped"; reason: "not_found" | "not_approved" | "no_goods" };

/** Re-plans after a lost race, before giving up as contention (the cron retries later). */
const MAX_ROUNDS = 4;

export type LoadedOrder = { order: typeof orders.$inferSelect | undefined; lines: (typeof orderLines.$inferSelect)[] };

/** The orders and all their lines in one round trip (a queue batch's): what allocation and service tasks start from. */
export async function loadOrders(env: ShardEnv, orderIds: readonly string[]): Promise<Map<string, LoadedOrder>> {
  const ids = [...new Set(orderIds)];
  const out = new Map<string, LoadedOrder>(ids.map((id) => [id, { order: undefined, lines: [] }]));
  if (ids.length === 0) return out;
  const db = database(env);
  const parts = chunk(ids, 90);
  const results = await db.batch(
    nonEmpty<BatchItem<"sqlite">>([
      ...parts.map((part) => db.select().from(orders).where(inArray(orders.id, part))),
      ...parts.map((part) => db.select().from(orderLines).where(inArray(orderLines.orderId, part)).orderBy(asc(orderLines.orderId), asc(orderLines.lineNo))),
    ]),
  );
  for (const o of results.slice(0, parts.length).flat() as (typeof orders.$inferSelect)[]) out.get(o.id)!.order = o;
  for (const l of results.slice(parts.length).flat() as (typeof orderLines.$inferSelect)[]) out.get(l.orderId)!.lines.push(l);
  return out;
}

export const loadOrder = async (env: ShardEnv, orderId: string): Promise<LoadedOrder> => (await loadOrders(env, [orderId])).get(orderId)!;

export type AllocateOptions = {
  actor?: string;
  /** When given, a backorder's write is added here instead of run, so a queue consumer commits it with its receipt (one D1 write, not two). */
  deferred?: BatchItem<"sqlite">[];
  /** The order and its lines, read by the caller (a queue batch's). */
  loaded?: LoadedOrder;
  /** Policies, warehouses and stock read for a whole queue batch: the first plan may use them. */
  facts?: PlanningFacts;
};

export async function allocateOrder(env: ShardEnv, orderId: string, options: AllocateOptions = {}): Promise<AllocateResult> {
  const { actor = "system:allocation", deferred, loaded, facts } = options;
  let { order, lines: all } = loaded ?? (await loadOrder(env, orderId));
  let last: { plan: { reason: string; message: string; shortages: Shortage[]; explanation: Explanation } } | null = null;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const lines = all.filter((l) => l.type === "goods");
    if (!order) return { status: "skipped", reason: "not_found" };
    if (order.status !== "approved") return { status: "skipped", reason: "not_approved" };
    if (lines.length === 0) return { status: "skipped", reason: "no_goods" };
    const demand = lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity }));
    const destination = { country: order.shippingAddress.country ?? "", region: order.shippingAddress.region ?? null };
    const mergeKey = await mergeKeyOf(order);

    // The first plan may use facts read for the whole queue batch; a retry after contention reads afresh.
    const { plan, policy, candidates } = await planAllocation(env, { storeId: order.storeId, destination, lines: demand }, { facts: round === 0 ? facts : undefined });
    if (!plan.ok) {
      await recordBackorder(env, order.id, { storeId: order.storeId, reason: plan.reason, explanation: plan.explanation, deferred });
      return { status: "backordered", reason: plan.reason, message: plan.message, shortages: plan.shortages };
    }
    const now = Date.now();
    const kinds = new Map(candidates.map((w) => [w.id, w.kind]));
    const data: AllocateEffectData = {
      mergeKey,
      holdUntil: now + policy.merge_hold_minutes * 60_000,
      explanation: plan.explanation,
      shipments: plan.shipments.map((s) => ({
        id: newId("shp", now, tagOf(orderId)),
        warehouseId: s.warehouseId,
        thirdParty: kinds.get(s.warehouseId) === "third_party",
        carrier: s.carrier,
        items: s.items.map((i) => ({ id: newId("si", now), lineNo: i.lineNo, sku: i.sku, binId: i.binId, quantity: i.quantity })),
      })),
    };
    // Planned for this version of the order: an edit meanwhile (a new address) is planned again, not shipped to the old one.
    const result = await processWithAllocation(env, orderId, { data, actor, expectedVersion: order.version });
    if (!result.ok && result.code === "version_mismatch") {
      last = { plan: { reason: "contention", message: "the order changed while it was being allocated", shortages: [], explanation: plan.explanation } };
      ({ order, lines: all } = await loadOrder(env, orderId));
      continue;
    }
    if (result.ok) {
      const ids = data.shipments.map((s) => s.id);
      // Best effort: a merge that fails leaves two shipments, which is still correct.
      if (policy.merge_hold_minutes > 0) await mergeByPolicy(env, ids).catch((err) => console.warn(`merge policy failed for ${orderId}`, err));
      return { status: "allocated", shipmentIds: ids };
    }
    if (result.code === "refused" && result.reason === "insufficient_stock") {
      last = { plan: { reason: "contention", message: result.message, shortages: [], explanation: plan.explanation } };
      continue;
    }
    // Cancelled, held or processed by someone else meanwhile: nothing to allocate.
    return { status: "skipped", reason: result.code === "not_found" ? "not_found" : "not_approved" };
  }
  if (!order || !last) return { status: "skipped", reason: order ? "not_approved" : "not_found" };
  await recordBackorder(env, order.id, { storeId: order.storeId, reason: "contention", explanation: last.plan.explanation, deferred });
  return { status: "backordered", reason: "contention", message: last.plan.message, shortages: [] };
}

/**
 * Records (or updates) a backorder. Never overwrites an allocation that
 * committed meanwhile (a concurrent run of the same order may have won).
 */
async function recordBackorder(
  env: ShardEnv,
  orderId: string,
  { storeId, reason, explanation, deferred }: { storeId: string; reason: string; explanation: Explanation; deferred?: BatchItem<"sqlite">[] | undefined },
): Promise<void> {
  const now = Date.now();
  const write = database(env)
    .insert(allocations)
    .values({ orderId, storeId, status: "backordered", reason, explanation, attempts: 1, lastAttemptAt: now, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: allocations.orderId,
      set: { reason, explanation, attempts: sql`${allocations.attempts} + 1`, lastAttemptAt: now, updatedAt: now },
      setWhere: eq(allocations.status, "backordered"),
    });
  if (deferred) deferred.push(write);
  else await write;
}

/** Backoff between automatic retries of one backorder: 1, 2, 4... minutes, capped at an hour. */
export const backorderDelayMs = (attempts: number) => Math.min(3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));

/** The minute cron: retries backorders whose backoff has passed, oldest attempt first. */
export async function retryBackorders(env: ShardEnv, now = Date.now(), limit = 25): Promise<{ retried: number; allocated: number }> {
  const due = await database(env)
    .select({ orderId: allocations.orderId, attempts: allocations.attempts, lastAttemptAt: allocations.lastAttemptAt })
    .from(allocations)
    .where(and(eq(allocations.status, "backordered"), lt(allocations.lastAttemptAt, now - 60_000), notMoving(allocations.storeId)))
    .orderBy(asc(allocations.lastAttemptAt))
    .limit(limit * 4)
    .all();
  const ready = due.filter((r) => r.lastAttemptAt + backorderDelayMs(r.attempts) <= now).slice(0, limit);
  let allocated = 0;
  for (const r of ready) {
    const result = await allocateOrder(env, r.orderId, { actor: "system:backorder-retry" });
    if (result.status === "allocated") allocated++;
    // An order no longer approved (cancelled, processed by hand) stops being a backorder.
    if (result.status === "skipped") {
      await database(env)
        .update(allocations)
        .set({ status: "released", updatedAt: now })
        .where(and(eq(allocations.orderId, r.orderId), eq(allocations.status, "backordered")));
    }
  }
  return { retried: ready.length, allocated };
}
