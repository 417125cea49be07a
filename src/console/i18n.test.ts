import { describe, expect, it } from "vitest";
import { dictionary, fill, langFromAcceptLanguage, pickLang } from "./i18n";

describe("console languages", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(fill("{n} orders in {store}", { n: 3, store: "Tea" })).toBe("3 orders in Tea");
    expect(fill("{n} orders", {})).toBe("{n} orders");
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
