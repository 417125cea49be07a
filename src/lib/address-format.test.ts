import { describe, expect, it } from "vitest";
import { formatAddress, formFields, isLocalScript, regionKind, usesDistrict } from "./address-format";
import { countryName, countryOptions } from "./countries";

describe("addresses in their country's order", () => {
  it("a Chinese address in Chinese goes from the country down to the person", () => {
    const a = { name: "张伟", line1: "科技园路1号", line2: "A栋1201", district: "南山区", city: "深圳市", region: "广东省", postal_code: "518057", country: "CN" };
    expect(formatAddress(a, { lang: "zh-CN" })).toEqual(["中国", "广东省深圳市南山区", "科技园路1号A栋1201", "张伟", "518057"]);
    expect(formatAddress(a, { lang: "en" })[0]).toBe("China");
  });

  it("a municipality is named once", () => {
    const a = { name: "李娜", line1: "建国路88号", district: "朝阳区", city: "北京市", region: "北京市", postal_code: "100022", country: "CN" };
    expect(formatAddress(a, { lang: "zh-CN" })[1]).toBe("北京市朝阳区");
  });

  it("the same Chinese address in pinyin follows the Western order", () => {
    const a = { name: "Zhang Wei", line1: "1 Keji Road", district: "Nanshan", city: "Shenzhen", region: "Guangdong", postal_code: "518057", country: "CN" };
    expect(formatAddress(a, { lang: "en" })).toEqual(["Zhang Wei", "1 Keji Road", "Nanshan", "Shenzhen, Guangdong, 518057", "China"]);
  });

  it("a Japanese address starts with 〒 and the postcode after the country", () => {
    const a = { name: "山田太郎", line1: "千代田1-1", city: "千代田区", region: "東京都", postal_code: "100-0001", country: "jp" };
    expect(formatAddress(a, { lang: "en" })).toEqual(["Japan", "〒100-0001", "東京都千代田区", "千代田1-1", "山田太郎"]);
    expect(formatAddress({ ...a, name: "Taro Yamada", line1: "1-1 Chiyoda", city: "Chiyoda-ku", region: "Tokyo" }, { lang: "en" })).toEqual([
      "Taro Yamada",
      "1-1 Chiyoda",
      "Chiyoda-ku, Tokyo 100-0001",
      "Japan",
    ]);
  });

  it("a Korean address in hangul keeps spaces between its parts", () => {
    const a = { name: "김민준", line1: "세종대로 110", district: "중구", city: "서울특별시", region: "", postal_code: "04524", country: "KR" };
    expect(formatAddress(a, { lang: "en" })).toEqual(["South Korea", "서울특별시 중구", "세종대로 110", "김민준", "04524"]);
  });

  it("US, UK and German addresses follow their own conventions", () => {
    const us = { name: "Ada", line1: "1 Market St", line2: "Suite 5", city: "San Francisco", region: "CA", postal_code: "94105", country: "US" };
    expect(formatAddress(us, { lang: "en" })).toEqual(["Ada", "1 Market St", "Suite 5", "San Francisco, CA 94105", "United States"]);
    expect(formatAddress({ ...us, region: null }, { lang: "en" })[3]).toBe("San Francisco 94105");
    const gb = { name: "Ada", line1: "10 Downing St", city: "London", postal_code: "SW1A 2AA", country: "GB" };
    expect(formatAddress(gb, { lang: "en" })).toEqual(["Ada", "10 Downing St", "London", "SW1A 2AA", "United Kingdom"]);
    const de = { name: "Ada", line1: "Unter den Linden 1", city: "Berlin", postal_code: "10117", country: "DE" };
    expect(formatAddress(de, { lang: "zh-CN" })).toEqual(["Ada", "Unter den Linden 1", "10117 Berlin", "德国"]);
  });

  it("tells local script from Latin letters", () => {
    expect(isLocalScript({ name: "Ada", line1: "1 Rd", city: "東京", postal_code: "1", country: "JP" })).toBe(true);
    expect(isLocalScript({ name: "Ada", line1: "1 Rd", city: "Tokyo", postal_code: "1", country: "JP" })).toBe(false);
  });
});

describe("address forms per country", () => {
  it("asks a Chinese customer big to small, with a district", () => {
    expect(formFields("CN")).toEqual(["country", "region", "city", "district", "line1", "line2", "postal_code", "name"]);
    expect(formFields("jp")).toEqual(["country", "postal_code", "region", "city", "line1", "line2", "name"]);
    expect(formFields("US")).toEqual(["name", "line1", "line2", "city", "region", "postal_code", "country"]);
    expect(usesDistrict("CN")).toBe(true);
    expect(usesDistrict("US")).toBe(false);
    expect(formFields("DE")).not.toContain("district");
  });

  it("names the first-level division as the country does", () => {
    expect([regionKind("US"), regionKind("CN"), regionKind("JP"), regionKind("GB"), regionKind("DE")]).toEqual(["state", "province", "prefecture", "county", "region"]);
  });

  it("names countries in the reader's language and sorts them for that reader", () => {
    expect(countryName("CN", "zh-CN")).toBe("中国");
    expect(countryName("DE", "en")).toBe("Germany");
    const en = countryOptions("en");
    expect(en.length).toBeGreaterThan(240);
    expect(en[0]!.name < en[1]!.name).toBe(true);
    expect(countryOptions("zh-CN").find((c) => c.code === "JP")?.name).toBe("日本");
  });
});
