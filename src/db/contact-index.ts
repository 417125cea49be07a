/**
 * The blind indexes of an order's contact, from its plaintext values: what
 * every writer of `orders.customer_email` / `customer_phone` stores beside
 * them (intake, edits, the re-encryption job), and what the audit and the
 * order list look them up by. Phones are normalised with the ship-to country,
 * so '+1 (415) 555-0100' and '4155550100' shipped to the US are one customer.
 */
import { normaliseEmail, normalisePhone } from "../audit/normalise";
import { blindIndex, customerKey, merchantIndex } from "../lib/pii-crypto";

export type ContactValues = { storeId: string; email: string | null; phone: string | null; country: string | null | undefined };

export const emailIndex = (storeId: string, email: string) => blindIndex("email", storeId, normaliseEmail(email));
export const phoneIndex = (storeId: string, phone: string, country?: string | null) => blindIndex("phone", storeId, normalisePhone(phone, country ?? null));

/** Merchant-wide (not per store): how src/customers recognises one customer in every store and channel. */
export const merchantEmailIndex = (email: string) => merchantIndex("email", normaliseEmail(email));
export const merchantPhoneIndex = (phone: string, country?: string | null) => merchantIndex("phone", normalisePhone(phone, country ?? null));

export type ContactIndexes = {
  customerEmailIndex: string | null;
  customerPhoneIndex: string | null;
  customerEmailMerchantIndex: string | null;
  customerPhoneMerchantIndex: string | null;
};

export function contactIndexes(c: ContactValues): ContactIndexes {
  return {
    customerEmailIndex: c.email ? emailIndex(c.storeId, c.email) : null,
    customerPhoneIndex: c.phone ? phoneIndex(c.storeId, c.phone, c.country) : null,
    customerEmailMerchantIndex: c.email ? merchantEmailIndex(c.email) : null,
    customerPhoneMerchantIndex: c.phone ? merchantPhoneIndex(c.phone, c.country) : null,
  };
}

/** The analysts' pseudonymous customer: by email when there is one, else by phone; null for neither. */
export function customerKeyOf(c: ContactValues): string | null {
  if (c.email) return customerKey(c.storeId, `email:${normaliseEmail(c.email)}`);
  if (c.phone) return customerKey(c.storeId, `phone:${normalisePhone(c.phone, c.country ?? null)}`);
  return null;
}
