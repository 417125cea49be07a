/** How customers are compared (blocklist, duplicates): case, spacing and punctuation do not make a customer someone else. */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/min";

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * A masked receiver number as Chinese marketplaces send it: the platform's
 * virtual 11-digit mobile and the extension that reaches one buyer
 * (`13800138000-1234`, also written with 转, #, a comma or "ext"). Two
 * extensions of one virtual number are two customers.
 */
const MASKED_CN = /^(?:\+?86)?(1[3-9]\d{9})(?:[-－—‐转#,，]|ext\.?|x)(\d{1,6})$/i;

export function maskedMobile(phone: string, country?: string | null): { mobile: string; extension: string } | null {
  const compact = phone.normalize("NFKC").replace(/[\s().]/g, "");
  const region = country?.trim().toUpperCase() || null;
  // Outside China an 11-digit number starting with 1 is a North American one written with its country code.
  if (region !== null && region !== "CN" && !/^\+?86/.test(compact)) return null;
  const m = MASKED_CN.exec(compact);
  return m ? { mobile: m[1]!, extension: m[2]! } : null;
}

/** The form stored before numbers were parsed (digits, a leading + kept): what older blocklist entries hold. */
export const legacyPhoneKey = (phone: string) => {
  const t = phone.trim();
  return (t.startsWith("+") ? "+" : "") + t.replace(/\D/g, "");
};

/**
 * One customer's phone, however it was typed: E.164 (`+14155550100`), read
 * in the country given (the order's destination) when it has no
 * international prefix, with `;ext=` and the extension when there is one
 * (a masked marketplace number keeps it: `+8613800138000;ext=1234`).
 * Input no phone library can read falls back to its digits (a leading +
 * kept), so the same typing always gives the same value.
 */
export function normalisePhone(phone: string, country?: string | null): string {
  const masked = maskedMobile(phone, country);
  if (masked) return `+86${masked.mobile};ext=${masked.extension}`;
  const region = country?.trim().toUpperCase();
  const defaultCountry = region && isSupportedCountry(region) ? (region as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(phone.trim(), defaultCountry ? { defaultCountry } : {});
  if (parsed?.isPossible()) return parsed.ext ? `${parsed.number};ext=${parsed.ext}` : parsed.number;
  return legacyPhoneKey(phone);
}

type AddressParts = { line1?: string | null; postal_code?: string | null; country?: string | null };

/** Lowercased, with runs of spaces and punctuation folded to one space. */
const folded = (p: string | null | undefined) =>
  (p ?? "")
    .toLowerCase()
    .replace(/[\s.,#-]+/g, " ")
    .trim();

/**
 * First line, postal code and country, folded; the postal code without any space or punctuation, so `LS1 4AP`,
 * `ls14ap` and `94105-1234` / `94105 1234` are each one code however they were typed.
 */
export const normaliseAddress = (a: AddressParts) => [folded(a.line1), folded(a.postal_code).replaceAll(" ", ""), folded(a.country)].join("|");

/** The form stored before postal codes were compacted (a space kept inside): what older blocklist entries hold. */
export const legacyAddressKey = (a: AddressParts) => [a.line1, a.postal_code, a.country].map(folded).join("|");

/**
 * The normalisation a blocklist entry is stored in (`blocklist_entries.value_form`): 2 since postal codes are
 * compacted. Entries without one were stored before, and are brought to it by `currentBlockValue`.
 */
export const BLOCK_VALUE_FORM = 2;

/**
 * A stored blocklist value in the current form. Only addresses changed: a stored address (`normaliseAddress` or
 * `legacyAddressKey`: already folded) gets its postal code compacted; the country and postal code are its last two
 * parts, so a `|` typed in the first line stays in it. Emails did not change, and phones cannot: a number stored as
 * typed without its country prefix cannot be read without the country it was typed for, which was not kept (it
 * still matches the same typing, `legacyPhoneKey`), and one stored with its prefix reads as it did.
 */
export function currentBlockValue(kind: "email" | "phone" | "address", value: string): string {
  if (kind !== "address") return value;
  const parts = value.split("|");
  if (parts.length < 3) return value;
  const country = parts.pop()!;
  const postal = parts.pop()!;
  return [parts.join("|"), postal.replaceAll(" ", ""), country].join("|");
}
