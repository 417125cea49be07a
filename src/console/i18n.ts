/**
 * The console's two languages. Every screen's words live beside the screen in
 * a `dictionary(en, zh)`: the Chinese half must have every key the English
 * one has (the type checker holds the two together), so nothing shows up
 * untranslated. `{name}` placeholders are filled by `fill`.
 */
export const CONSOLE_LANGS = ["en", "zh-CN"] as const;
export type Lang = (typeof CONSOLE_LANGS)[number];
/** Each language in its own words, for the switch and the account's choice. */
export const LANG_NAMES: Record<Lang, string> = { en: "English", "zh-CN": "简体中文" };
export const isLang = (s: string | null | undefined): s is Lang => s === "en" || s === "zh-CN";

export type Dictionary<T extends Record<string, string>> = Record<Lang, T>;

export function dictionary<const T extends Record<string, string>>(en: T, zh: { [K in keyof T]: string }): Dictionary<{ [K in keyof T]: string }> {
  return { en, "zh-CN": zh };
}

/** "{n} orders" with { n: 3 } -> "3 orders". A missing value leaves the placeholder, which a test will notice. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

/**
 * A text with a count in it, filled: `<key>_one` when the count is 1 and the texts have one ("1 day"), else `<key>`
 * ("{n} days"). `values` may hold more placeholders, or `n` as the page shows it (a formatted number).
 */
export function fillCount<T extends Record<string, string>>(texts: T, key: keyof T & string, n: number, values: Record<string, string | number> = {}): string {
  const all = texts as Record<string, string>;
  return fill((n === 1 ? all[`${key}_one`] : undefined) ?? all[key]!, { n, ...values });
}

/** The language a browser asks for, from Accept-Language: any Chinese is zh-CN, else English. */
export function langFromAcceptLanguage(header: string | undefined): Lang {
  if (!header) return "en";
  const first = header
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { tag: (tag ?? "").toLowerCase(), q: q ? Number(q) : 1 };
    })
    .filter((p) => p.tag && p.q > 0)
    .sort((a, b) => b.q - a.q)[0];
  return first?.tag.startsWith("zh") ? "zh-CN" : "en";
}

/** The person's language: their explicit choice in this browser, then their account's, then the browser's. */
export function pickLang(opts: { cookie?: string | undefined; account?: string | undefined; acceptLanguage?: string | undefined }): Lang {
  if (isLang(opts.cookie)) return opts.cookie;
  if (opts.account?.toLowerCase().startsWith("zh")) return "zh-CN";
  if (opts.account) return "en";
  return langFromAcceptLanguage(opts.acceptLanguage);
}
