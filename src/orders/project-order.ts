/**
 * Who sees which of the customer's details: one projection per role, used by
 * every reader of an order (the order API, the review queue, edits, the
 * notifications list, the CSV export).
 *
 * Which scope a position gets is decided with the position (src/auth/roles.ts;
 * a custom position names its own); a principal with several sees the widest.
 *
 * - `contact` (admin, auditor, support, finance, owner, channel): name, email, phone, address.
 * - `ship_to` (warehouse, picker, packer, logistics, partner): what goes on the parcel: the
 *   recipient's name, full address and phone (carriers print or call the
 *   phone for delivery), never the email.
 * - `pseudonymous` (analyst): no name, email, phone or street; the country,
 *   region and postal prefix for geography, and `customer_key`, a keyed
 *   pseudonym stable per store, to count repeat customers.
 *
 * Pure: the caller passes the customer key (src/db/contact-index.ts), so the
 * rules here are tested without secrets.
 */
import type { z } from "@hono/zod-openapi";
import type { ContactScope } from "../auth/roles";
import type { Address, OrderSummary } from "./schemas";

export type { ContactScope };

/** An address as stored, every part possibly missing (older rows, edits in flight). */
export type AddressFacts = { [K in keyof z.infer<typeof Address>]?: string | null };

export type CustomerFacts = { name: string; email: string | null; phone: string | null; address: AddressFacts; customerKey: string | null };

/** What the order API shows of the customer: the OpenAPI schema's own fields. */
export type CustomerView = Pick<z.infer<typeof OrderSummary>, "customer" | "shipping_address" | "customer_key">;
type AddressView = CustomerView["shipping_address"];

/**
 * The coarse part of a postal code: the outward code where codes have one
 * (GB "SW1Y 4JH" -> "SW1Y", CA "K1A 0B1" -> "K1A", NL "1012 AB" -> "1012"),
 * else the first three characters (US "94105" -> "941", JP "100-0001" -> "100").
 */
export function postalPrefix(postalCode: string | null | undefined): string {
  const p = (postalCode ?? "").trim().toUpperCase();
  const space = p.indexOf(" ");
  return space > 0 ? p.slice(0, space) : p.replace(/[^0-9A-Z]/g, "").slice(0, 3);
}

export function projectCustomer(scope: ContactScope, f: CustomerFacts): CustomerView {
  const a = f.address;
  const region = a.region ?? null;
  const country = a.country ?? "";
  if (scope === "pseudonymous") {
    return { shipping_address: { region, postal_prefix: postalPrefix(a.postal_code), country }, customer_key: f.customerKey };
  }
  const shippingAddress: AddressView = {
    name: a.name ?? "",
    line1: a.line1 ?? "",
    line2: a.line2 ?? null,
    district: a.district ?? null,
    city: a.city ?? "",
    region,
    postal_code: a.postal_code ?? "",
    country,
  };
  if (scope === "ship_to") return { customer: { name: f.name, phone: f.phone }, shipping_address: shippingAddress };
  return { customer: { name: f.name, email: f.email, phone: f.phone }, shipping_address: shippingAddress };
}

/** Customer messages (their address and text) are contact data: only `contact` roles read them. */
export const seesMessages = (scope: ContactScope) => scope === "contact";
