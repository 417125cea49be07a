/**
 * Numbers, money and times as the store shows them: in the store's time zone
 * and the reader's language. workerd carries full ICU, so Intl does the work.
 */
import type { Lang } from "./i18n";

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    if (cache.size > 500) cache.clear();
    cache.set(key, f);
  }
  return f;
}

/** "12.50" USD -> "$12.50" (en) / "US$12.50" (zh-CN). The API's money is a decimal string in the major unit. */
export function money(amount: string | number | null | undefined, currency: string, lang: Lang): string {
  if (amount === null || amount === undefined || amount === "") return "";
  const value = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(value)) return String(amount);
  try {
    return cached(`m|${lang}|${currency}`, () => new Intl.NumberFormat(lang, { style: "currency", currency })).format(value);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function count(n: number, lang: Lang): string {
  return cached(`n|${lang}`, () => new Intl.NumberFormat(lang)).format(n);
}

function toDate(at: string | number | Date): Date {
  return at instanceof Date ? at : new Date(at);
}

/** A moment in the store's zone: "3 Dec 2026, 14:05" / "2026年12月3日 14:05". */
export function dateTime(at: string | number | Date | null | undefined, timeZone: string, lang: Lang): string {
  if (at === null || at === undefined || at === "") return "";
  const d = toDate(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return cached(`dt|${lang}|${timeZone}`, () => new Intl.DateTimeFormat(lang, { timeZone, dateStyle: "medium", timeStyle: "short", hourCycle: "h23" })).format(d);
}

export function date(at: string | number | Date | null | undefined, timeZone: string, lang: Lang): string {
  if (at === null || at === undefined || at === "") return "";
  const d = toDate(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return cached(`d|${lang}|${timeZone}`, () => new Intl.DateTimeFormat(lang, { timeZone, dateStyle: "medium" })).format(d);
}

/** The store's calendar day of a moment, "2026-12-03": what date filters and report days are in. */
export function dayIn(at: number | Date, timeZone: string): string {
  return cached(`day|${timeZone}`, () => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })).format(toDate(at));
}

/** 95_000 ms -> "1 min 35 s" / "1分35秒": durations in SLA and processing-time tables. */
export function duration(ms: number | null | undefined, lang: Lang): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  const s = Math.round(ms / 1000);
  const [d, h, m, sec] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60];
  const zh = lang === "zh-CN";
  const parts: string[] = [];
  if (d) parts.push(zh ? `${d}天` : `${d} d`);
  if (h) parts.push(zh ? `${h}小时` : `${h} h`);
  if (m && !d) parts.push(zh ? `${m}分` : `${m} min`);
  if (!d && !h && (sec || !parts.length)) parts.push(zh ? `${sec}秒` : `${sec} s`);
  return parts.join(zh ? "" : " ");
}
