/**
 * What a customer reads about a hold reason, per language, rendered from the
 * finding's code and parameters. A finding's `message` is staff's (English,
 * and may name other orders or internal limits); the customer only ever sees
 * text from this catalogue, and only for the codes in CUSTOMER_FACING.
 *
 * Every entry must render without parameters too: hold reasons recorded
 * before parameters were kept have none.
 */
import type { Language } from "../notifications/templates";
import { CUSTOMER_FACING } from "./customer-actions";
import type { FindingParams } from "./types";

type Params = Readonly<Record<string, string | number | undefined>>;
type Text = (p: Params) => string;

const FIELD: Record<Language, Record<string, string>> = {
  en: { name: "the recipient's name", line1: "the street address", city: "the city", postal_code: "the postal code", country: "the country" },
  "zh-CN": { name: "收货人姓名", line1: "详细地址", city: "城市", postal_code: "邮政编码", country: "国家或地区" },
};

/** The country's name in the language ("CN" is "China", "中国"), or the code where the runtime does not know it. */
function country(code: string | number | undefined, lang: Language): string | undefined {
  if (code === undefined || code === "") return undefined;
  try {
    return new Intl.DisplayNames([lang], { type: "region" }).of(String(code).toUpperCase()) ?? String(code);
  } catch {
    return String(code);
  }
}

export const CUSTOMER_TEXT: Readonly<Record<string, Readonly<Record<Language, Text>>>> = {
  address_incomplete: {
    en: (p) => (p.field ? `The delivery address has no ${FIELD.en[p.field] ?? "detail it needs"}.` : "The delivery address is incomplete."),
    "zh-CN": (p) => (p.field ? `收货地址缺少${FIELD["zh-CN"][p.field] ?? "必填信息"}。` : "收货地址不完整。"),
  },
  postal_code_invalid: {
    en: (p) => {
      const where = country(p.country, "en");
      if (!p.postal_code || !where) return "The postal code does not look right for the destination.";
      return `"${p.postal_code}" is not a postal code in ${where}${p.example ? ` (for example ${p.example})` : ""}.`;
    },
    "zh-CN": (p) => {
      const where = country(p.country, "zh-CN");
      if (!p.postal_code || !where) return "邮政编码与收货地的格式不符。";
      return `“${p.postal_code}”不是${where}的邮政编码${p.example ? `（例如 ${p.example}）` : ""}。`;
    },
  },
  region_missing: {
    en: (p) => {
      const where = country(p.country, "en");
      return where ? `An address in ${where} needs its state, province or prefecture.` : "The delivery address needs its state, province or prefecture.";
    },
    "zh-CN": (p) => {
      const where = country(p.country, "zh-CN");
      return where ? `${where}的收货地址需要填写省、州或都道府县。` : "收货地址需要填写省、州或都道府县。";
    },
  },
  contact_missing: {
    en: () => "We have no email address or phone number to reach you.",
    "zh-CN": () => "我们没有可以联系您的电子邮箱或电话号码。",
  },
  phone_invalid: {
    en: (p) => {
      const where = country(p.country, "en");
      if (!p.phone) return "Your phone number does not look right.";
      return where ? `"${p.phone}" does not look like a phone number in ${where}.` : `"${p.phone}" does not look like a phone number.`;
    },
    "zh-CN": (p) => {
      const where = country(p.country, "zh-CN");
      if (!p.phone) return "您的电话号码格式似乎不正确。";
      return where ? `“${p.phone}”似乎不是${where}的电话号码。` : `“${p.phone}”似乎不是有效的电话号码。`;
    },
  },
};

/**
 * The customer's lines for one hold reason, in their language: one per
 * finding behind it (duplicates dropped), none for a reason that is not
 * theirs to know.
 */
export function customerTextOf(reason: { code: string; params?: readonly FindingParams[] | null }, lang: Language): string[] {
  const text = CUSTOMER_FACING.has(reason.code) ? CUSTOMER_TEXT[reason.code]?.[lang] : undefined;
  if (!text) return [];
  const each = reason.params?.length ? reason.params : [{}];
  return [...new Set(each.map((p) => text(p)))];
}

/** Every customer-facing line of an order's hold reasons. */
export function customerReasons(reasons: readonly { code: string; params?: readonly FindingParams[] | null }[], lang: Language): string[] {
  return reasons.flatMap((r) => customerTextOf(r, lang));
}
