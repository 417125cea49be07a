/**
 * How an address is written in its destination country: the order of its
 * parts on the envelope, and the order of the fields in a form that asks
 * for it. Pure: no I/O, no HTML.
 *
 * East Asian addresses written in their own script go from the largest
 * unit to the smallest (country, province, city, district, street, then
 * the person); written in Latin letters they follow the Western order.
 * The formats follow Google's libaddressinput data for the countries
 * listed; every other country gets the common European order (postal code
 * before the city).
 */
import { countryName } from "./countries";

export type AddressParts = {
  name: string;
  line1: string;
  line2?: string | null;
  district?: string | null;
  city: string;
  region?: string | null;
  postal_code: string;
  country: string;
};

type Field = Exclude<keyof AddressParts, "country">;
/** One printed line: fields with the separator that goes before each when something precedes it. */
type Line = readonly (readonly [separator: string, field: Field | "country"])[];
type Format = { lines: readonly Line[] };

const f = (...parts: (Field | "country" | [string, Field | "country"])[]): Line => parts.map((p) => (typeof p === "string" ? (["", p] as const) : p));

const WESTERN_US: Format = { lines: [f("name"), f("line1"), f("line2"), f("city", [", ", "region"], [" ", "postal_code"]), f("country")] };
const EUROPEAN: Format = { lines: [f("name"), f("line1"), f("line2"), f("postal_code", [" ", "city"]), f("region"), f("country")] };
const GB: Format = { lines: [f("name"), f("line1"), f("line2"), f("city"), f("region"), f("postal_code"), f("country")] };

/** Written in the country's own script: big to small, the parts of one line run together as they do in CJK text. */
const LOCAL: Record<string, Format> = {
  CN: { lines: [f("country"), f("region", "city", "district"), f("line1", "line2"), f("name"), f("postal_code")] },
  TW: { lines: [f("country"), f("postal_code"), f("region", "city", "district"), f("line1", "line2"), f("name")] },
  HK: { lines: [f("country"), f("region", "city", "district"), f("line1", "line2"), f("name")] },
  MO: { lines: [f("country"), f("region", "city", "district"), f("line1", "line2"), f("name")] },
  JP: { lines: [f("country"), f(["〒", "postal_code"]), f("region", "city", "district"), f("line1", "line2"), f("name")] },
  KR: { lines: [f("country"), f("region", [" ", "city"], [" ", "district"]), f("line1", [" ", "line2"]), f("name"), f("postal_code")] },
};

/** Written in Latin letters. */
const LATIN: Record<string, Format> = {
  US: WESTERN_US,
  CA: { lines: [f("name"), f("line1"), f("line2"), f("city", [" ", "region"], [" ", "postal_code"]), f("country")] },
  AU: { lines: [f("name"), f("line1"), f("line2"), f("city", [" ", "region"], [" ", "postal_code"]), f("country")] },
  GB,
  IE: GB,
  CN: { lines: [f("name"), f("line1"), f("line2"), f("district"), f("city", [", ", "region"], [", ", "postal_code"]), f("country")] },
  TW: { lines: [f("name"), f("line1"), f("line2"), f("district"), f("city", [", ", "region"], [" ", "postal_code"]), f("country")] },
  JP: { lines: [f("name"), f("line1"), f("line2"), f("district"), f("city", [", ", "region"], [" ", "postal_code"]), f("country")] },
  KR: { lines: [f("name"), f("line1"), f("line2"), f("district"), f("city", [", ", "region"], [" ", "postal_code"]), f("country")] },
};

/** Han, kana and hangul: an address in any of these is written in its country's own order. */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

export function isLocalScript(a: AddressParts): boolean {
  return [a.line1, a.line2, a.district, a.city, a.region, a.name].some((v) => v && CJK.test(v));
}

/**
 * The address as printed lines, in its country's order. `lang` names the
 * country (the reader's language); the address itself is never translated.
 */
export function formatAddress(a: AddressParts, opts: { lang: string }): string[] {
  const country = a.country.toUpperCase();
  const format = (isLocalScript(a) ? LOCAL[country] : undefined) ?? LATIN[country] ?? EUROPEAN;
  const value = (field: Field | "country") => (field === "country" ? countryName(country, opts.lang) : (a[field] ?? "").trim());
  const out: string[] = [];
  for (const line of format.lines) {
    let text = "";
    let previous = "";
    for (const [separator, field] of line) {
      const v = value(field);
      // Beijing, Shanghai and the other municipalities are their own province: 北京市 once, not 北京市北京市.
      if (!v || v === previous) continue;
      previous = v;
      // A prefix such as 〒 belongs to its value even when it opens the line.
      text += text || separator === "〒" ? `${separator}${v}` : v;
    }
    if (text) out.push(text);
  }
  return out;
}

export type FormField = "name" | "line1" | "line2" | "district" | "city" | "region" | "postal_code" | "country";

/** Countries whose addresses name a district (区/县, 구) besides the city. */
const WITH_DISTRICT: ReadonlySet<string> = new Set(["CN", "TW", "HK", "MO", "KR"]);

export function usesDistrict(country: string): boolean {
  return WITH_DISTRICT.has(country.toUpperCase());
}

/**
 * The fields of an address form for the country, in the order its people
 * write them: big to small in China, Japan and Korea, the person first
 * elsewhere. The district is asked for only where addresses have one.
 */
export function formFields(country: string): FormField[] {
  const c = country.toUpperCase();
  if (c === "CN" || c === "TW" || c === "HK" || c === "MO") return ["country", "region", "city", "district", "line1", "line2", "postal_code", "name"];
  if (c === "JP") return ["country", "postal_code", "region", "city", "line1", "line2", "name"];
  if (c === "KR") return ["country", "postal_code", "region", "city", "district", "line1", "line2", "name"];
  return ["name", "line1", "line2", "city", "region", "postal_code", "country"];
}

/** What the country calls its first-level division, for the form's label. */
export function regionKind(country: string): "state" | "province" | "prefecture" | "county" | "region" {
  const c = country.toUpperCase();
  if (c === "US" || c === "AU" || c === "MX" || c === "BR" || c === "IN" || c === "MY") return "state";
  if (c === "CN" || c === "CA" || c === "KR" || c === "TW" || c === "AR" || c === "ES" || c === "IT") return "province";
  if (c === "JP") return "prefecture";
  if (c === "GB" || c === "IE") return "county";
  return "region";
}
