/**
 * A store's two-level review thresholds, kept in the isolate for
 * FINANCE_REVIEW_CACHE_MS. Approving a held order asks for them on every
 * approval; most stores never change them, so the order's object should not
 * pay a D1 read each time. A change made through this isolate is seen at
 * once; other isolates (the order objects' among them) see it within the
 * window, as with API keys and the catalogue.
 */
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { stores } from "../db/schema";

export const FINANCE_REVIEW_CACHE_MS = 30_000;

type Thresholds = Record<string, string> | null;
const cache = new Map<string, { thresholds: Thresholds; expires: number }>();

export async function financeReviewOf(env: { DB: D1Database }, storeId: string, { now = Date.now() }: { now?: number } = {}): Promise<Thresholds> {
  const hit = cache.get(storeId);
  if (hit && hit.expires > now) return hit.thresholds;
  const row = await database(env).select({ thresholds: stores.financeReview }).from(stores).where(eq(stores.id, storeId)).get();
  const thresholds = row?.thresholds ?? null;
  cache.set(storeId, { thresholds, expires: now + FINANCE_REVIEW_CACHE_MS });
  return thresholds;
}

export function forgetFinanceReview(storeId: string): void {
  cache.delete(storeId);
}
