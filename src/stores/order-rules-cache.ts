/**
 * The store settings an order's object applies on its own transitions: the
 * two-level review thresholds (asked on every approval of a held order) and
 * how many days after delivery an order completes by itself (asked on every
 * delivery). Kept in the isolate for ORDER_RULES_CACHE_MS: most stores never
 * change them, so the order's object should not pay a D1 read each time. A
 * change made through this isolate is seen at once; other isolates (the order
 * objects' among them) see it within the window, as with API keys and the
 * catalogue.
 */
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { stores } from "../db/schema";
import type { ShardScope } from "../db/shard";

export const ORDER_RULES_CACHE_MS = 30_000;

export type OrderRules = {
  financeReview: Record<string, string> | null;
  /** The store's window, or 7 days for a store that is gone. */
  completeAfterDays: number;
};

const cache = new Map<string, { rules: OrderRules; expires: number }>();

export async function orderRulesOf(env: ShardScope, storeId: string, { now = Date.now() }: { now?: number } = {}): Promise<OrderRules> {
  const hit = cache.get(storeId);
  if (hit && hit.expires > now) return hit.rules;
  const row = await database(env).select({ financeReview: stores.financeReview, completeAfterDays: stores.completeAfterDays }).from(stores).where(eq(stores.id, storeId)).get();
  const rules = { financeReview: row?.financeReview ?? null, completeAfterDays: row?.completeAfterDays ?? 7 };
  cache.set(storeId, { rules, expires: now + ORDER_RULES_CACHE_MS });
  return rules;
}

export function forgetOrderRules(storeId: string): void {
  cache.delete(storeId);
}
