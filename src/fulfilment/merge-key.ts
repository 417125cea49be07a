/**
 * Shipments to the same customer at the same address of one store share a
 * merge key, and may be merged. Keyed (PII_INDEX_KEY), like the blind
 * indexes: a plain hash of an email and an address could be confirmed by
 * anyone who guesses them.
 */
import { keyedDigest } from "../lib/pii-crypto";

const norm = (v: string | null | undefined) => (v ?? "").trim().toLowerCase().replace(/\s+/g, " ");

export async function mergeKeyOf(order: { storeId: string; customerEmail: string | null; customerName: string; shippingAddress: Record<string, string | null> }): Promise<string> {
  const a = order.shippingAddress;
  const customer = norm(order.customerEmail) || norm(order.customerName);
  const address = ["name", "line1", "line2", "city", "region", "postal_code", "country"].map((k) => norm(a[k]));
  // The district (区/县) counts only when given.
  const district = norm(a.district);
  return keyedDigest("merge", order.storeId, JSON.stringify([customer, ...address, ...(district ? [district] : [])])).slice(0, 32);
}
