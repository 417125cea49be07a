import { describe, expect, it } from "vitest";
import { dictionary, fill, fillCount, langFromAcceptLanguage, pickLang } from "./i18n";
import { FINANCE } from "./finance/text";
import { TEXT as INSIGHTS } from "./insights/text";
import { LOGISTICS_TEXT } from "./logistics/text";
import { PURCHASING } from "./purchasing/text";
import { TEXT as SETTINGS } from "./settings/text";
import { STOCK } from "./stock/text";

describe("console languages", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(fill("{n} orders in {store}", { n: 3, store: "Tea" })).toBe("3 orders in Tea");
    expect(fill("{n} orders", {})).toBe("{n} orders");
  });

  it("says one in the singular, in English, and leaves Chinese as it is", () => {
    const d = dictionary({ days: "{n} days", days_one: "1 day", rows: "{n} rows of {total}" }, { days: "{n} 天", days_one: "1 天", rows: "{total} 中的 {n} 行" });
    expect(fillCount(d.en, "days", 1)).toBe("1 day");
    expect(fillCount(d.en, "days", 0)).toBe("0 days");
    expect(fillCount(d.en, "days", 2)).toBe("2 days");
    expect(fillCount(d["zh-CN"], "days", 1)).toBe("1 天");
    // No singular of its own: the text is used as it is. The count may come formatted, with other placeholders.
    expect(fillCount(d.en, "rows", 1200, { n: "1,200", total: "1,500" })).toBe("1,200 rows of 1,500");
  });

  it("writes each singular out, in both languages", () => {
    // A singular beside its text ("1 day" beside "{n} days") says the one; "{n}" in it would be a slip.
    const areas = { FINANCE, INSIGHTS, LOGISTICS_TEXT, PURCHASING, SETTINGS, STOCK };
    const singulars: string[] = [];
    for (const [area, texts] of Object.entries(areas)) {
      for (const lang of ["en", "zh-CN"] as const) {
        const all = texts[lang] as Record<string, string>;
        for (const key of Object.keys(all).filter((k) => k.endsWith("_one") && k.slice(0, -"_one".length) in all)) {
          singulars.push(`${area} ${lang} ${key}`);
          expect(all[key], `${area} ${lang} ${key}`).not.toMatch(/\{n\}/);
        }
      }
    }
    expect(singulars.length).toBeGreaterThanOrEqual(24);
  });

  it("reads Accept-Language by weight, any Chinese being zh-CN", () => {
    expect(langFromAcceptLanguage("zh-TW,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(langFromAcceptLanguage("en-GB,zh-CN;q=0.5")).toBe("en");
    expect(langFromAcceptLanguage("fr;q=0.2,zh-CN;q=0.9")).toBe("zh-CN");
    expect(langFromAcceptLanguage(undefined)).toBe("en");
    expect(langFromAcceptLanguage("zh;q=0")).toBe("en");
  });

  it("prefers the browser's explicit choice, then the account's language", () => {
    expect(pickLang({ cookie: "zh-CN", account: "en" })).toBe("zh-CN");
    expect(pickLang({ cookie: "de", account: "zh-CN" })).toBe("zh-CN");
    expect(pickLang({ account: "en", acceptLanguage: "zh-CN" })).toBe("en");
    expect(pickLang({ acceptLanguage: "zh-CN" })).toBe("zh-CN");
  });

  it("keeps both languages of a dictionary", () => {
    const d = dictionary({ hello: "Hello" }, { hello: "你好" });
    expect(d["zh-CN"].hello).toBe("你好");
  });
});
