/** Shipments to the same customer at the same address of one store share a merge key, and may be merged. */
import { sha256Hex } from "../lib/ids";

const norm = (v: string | null | undefined) => (v ?? "").trim().toLowerCase().replace(/\s+/g, " ");

export async function mergeKeyOf(order: { storeId: string; customerEmail: string | null; customerName: string; shippingAddress: Record<string, string | null> }): Promise<string> {
  const a = order.shippingAddress;
  const customer = norm(order.customerEmail) || norm(order.customerName);
  const address = ["name", "line1", "line2", "city", "region", "postal_code", "country"].map((k) => norm(a[k]));
  // The district (区/县) counts only when given, so keys of addresses without one stay what they were.
  const district = norm(a.district);
  return (await sha256Hex(JSON.stringify([order.storeId, customer, ...address, ...(district ? [district] : [])]))).slice(0, 32);
}
