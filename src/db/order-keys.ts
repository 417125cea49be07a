/**
 * The keys the audit looks a new order's facts up by: its store, SKUs, the start of the longest duplicate window, and
 * the blind indexes of its normalised contact and address (the columns are sealed: the same customer is found through
 * keyed digests, never plaintext). Intake computes them from the order it writes and sends them in the
 * `order.received` message (no PII: digests and SKUs), so the order's object reads the audit's facts in the round
 * trip that reads the order (src/audit/gather.ts, `gatherQueries`). Beside `contactIndexes`, which intake stores on the
 * order: the same normalisation, so the email and phone keys equal the order's own indexes.
 */
import { z } from "@hono/zod-openapi";
import { legacyAddressKey, legacyPhoneKey, normaliseAddress } from "../audit/normalise";
import { blindIndex } from "../lib/pii-crypto";
import { type ContactIndexes, emailIndex, phoneIndex } from "./contact-index";
import type { orderLines, orders } from "./schema";

/** The longest duplicate window any store may set; the rule narrows it to the store's own. */
const LONGEST_DUPLICATE_WINDOW_MS = 30 * 24 * 3_600_000;
/** SKUs looked up per order: D1 binds at most 100 parameters a statement. */
const MAX_SKUS = 90;

export const OrderKeys = z.object({
  store_id: z.string(),
  skus: z.array(z.string()).max(MAX_SKUS),
  since: z.number().int(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  phone_keys: z.array(z.string()).max(2),
  address_keys: z.array(z.string()).min(1).max(2),
});
export type OrderKeys = z.infer<typeof OrderKeys>;

type KeyedOrder = {
  order: Pick<typeof orders.$inferSelect, "storeId" | "customerEmail" | "customerPhone" | "shippingAddress" | "createdAt">;
  lines: readonly Pick<typeof orderLines.$inferSelect, "sku">[];
};

/**
 * `known`: the order's email and phone indexes when the caller has just computed them from the same values
 * (`contactIndexes`, as intake does), so intake parses and digests the contact once.
 */
export function orderKeys({ order, lines }: KeyedOrder, known?: Pick<ContactIndexes, "customerEmailIndex" | "customerPhoneIndex">): OrderKeys {
  const { storeId, customerEmail, customerPhone, shippingAddress } = order;
  const email = known ? known.customerEmailIndex : customerEmail ? emailIndex(storeId, customerEmail) : null;
  const phone = known ? known.customerPhoneIndex : customerPhone ? phoneIndex(storeId, customerPhone, shippingAddress.country) : null;
  // Blocklist entries stored before phones were parsed hold the digits as typed: they still match a number typed the same way.
  const phoneKeys = phone && customerPhone ? [...new Set([phone, blindIndex("phone", storeId, legacyPhoneKey(customerPhone))])] : [];
  // Likewise addresses stored before postal codes were compacted: they match an address typed with the same spacing.
  const addressKeys = [...new Set([normaliseAddress(shippingAddress), legacyAddressKey(shippingAddress)])];
  return {
    store_id: storeId,
    skus: [...new Set(lines.map((l) => l.sku))].slice(0, MAX_SKUS),
    since: order.createdAt - LONGEST_DUPLICATE_WINDOW_MS,
    email,
    phone,
    phone_keys: phoneKeys,
    address_keys: addressKeys.map((k) => blindIndex("address", storeId, k)),
  };
}
