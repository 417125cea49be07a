/**
 * RFM: recency (days since the last order), frequency (orders that count)
 * and monetary value (spend in the customer's main currency, ranked among
 * customers of that currency), each scored 1 to 5, then one named segment.
 * Pure: the rollups (./refresh-customers.ts) feed it the figures and the rank.
 */
import type { RFM_SEGMENTS } from "../db/schema/customers";

export type RfmSegment = (typeof RFM_SEGMENTS)[number];
export type Rfm = { recency: number; frequency: number; monetary: number; segment: RfmSegment };

const DAY_MS = 86_400_000;

/** Days since the last order: within a month 5, two months 4, four months 3, eight months 2, older 1. */
export function recencyScore(lastOrderAt: number, now: number): number {
  const days = Math.max(0, Math.floor((now - lastOrderAt) / DAY_MS));
  if (days <= 30) return 5;
  if (days <= 60) return 4;
  if (days <= 120) return 3;
  if (days <= 240) return 2;
  return 1;
}

/** Orders that count (not cancelled): 1, 2, 3 to 4, 5 to 9, 10 or more. */
export function frequencyScore(orders: number): number {
  if (orders >= 10) return 5;
  if (orders >= 5) return 4;
  if (orders >= 3) return 3;
  return orders >= 2 ? 2 : 1;
}

/**
 * The customer's place among the `total` customers of the same main currency,
 * `below` of whom spent less: the bottom fifth 1, the top fifth 5. Ranked
 * per currency because amounts in two currencies cannot be compared without
 * a rate, and a rate of the day would move segments by itself.
 */
export function monetaryScore(below: number, total: number): number {
  if (total <= 1) return 3;
  return Math.min(5, 1 + Math.floor((below / total) * 5));
}

export function segmentOf(r: number, f: number, m: number): RfmSegment {
  if (r >= 4 && f >= 4 && m >= 4) return "champions";
  if (r >= 3 && f >= 3) return "loyal";
  if (r >= 4 && f === 1) return "new";
  if (r >= 4) return "promising";
  if (r === 3) return "needs_attention";
  if (r === 2) return f >= 3 || m >= 4 ? "at_risk" : "hibernating";
  return "lost";
}

/** Null for a customer with no order that counts: there is nothing to score. */
export function rfmOf(f: { lastOrderAt: number | null; orders: number; below: number; total: number }, now: number): Rfm | null {
  if (f.lastOrderAt === null || f.orders === 0) return null;
  const recency = recencyScore(f.lastOrderAt, now);
  const frequency = frequencyScore(f.orders);
  const monetary = monetaryScore(f.below, f.total);
  return { recency, frequency, monetary, segment: segmentOf(recency, frequency, monetary) };
}
