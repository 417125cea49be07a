/**
 * Which hold reasons the customer can resolve on their order page: codes
 * they fix by correcting the address or contact, and codes they may instead
 * confirm ("this is my real postcode"). One table, read by the address rule
 * (to mark its findings), the order page (to offer the forms) and the edit
 * (to refuse anything else from a customer).
 */
export const CUSTOMER_FIXABLE: Readonly<Record<string, "fix_address" | "fix_contact">> = {
  address_incomplete: "fix_address",
  postal_code_invalid: "fix_address",
  region_missing: "fix_address",
  contact_missing: "fix_contact",
  phone_invalid: "fix_contact",
};

export const CONFIRMABLE: ReadonlySet<string> = new Set(["postal_code_invalid", "phone_invalid"]);

/**
 * The only reasons a customer is ever told about: those they can fix or
 * confirm. Every other reason (an amount check, a possible duplicate, a
 * staff member's hold) is staff's business; the customer hears only that
 * the order is being checked.
 */
export const CUSTOMER_FACING: ReadonlySet<string> = new Set([...Object.keys(CUSTOMER_FIXABLE), ...CONFIRMABLE]);
