import { describe, expect, it } from "vitest";
import { currentBlockValue, legacyAddressKey, legacyPhoneKey, maskedMobile, normaliseAddress, normaliseEmail, normalisePhone } from "./normalise";

describe("one customer's phone, however it was typed", () => {
  it.each([
    ["+1 (415) 555-0100", "US", "+14155550100"],
    ["+14155550100", null, "+14155550100"],
    ["(415) 555-0100", "US", "+14155550100"],
    ["415.555.0100", "us", "+14155550100"],
    ["+86 138 0013 8000", "CN", "+8613800138000"],
    ["13800138000", "CN", "+8613800138000"],
    ["8613800138000", "CN", "+8613800138000"],
    ["+44 (0)20 7946 0958", "GB", "+442079460958"],
    ["020 7946 0958", "GB", "+442079460958"],
    ["030 12345678", "DE", "+493012345678"],
    ["090-1234-5678", "JP", "+819012345678"],
    ["０９０－１２３４－５６７８", "JP", "+819012345678"],
    // An international number keeps its own country whatever the destination (a US customer shipping to Germany).
    ["+1 415 555 0100", "DE", "+14155550100"],
    ["+1 415 555 0100 ext. 12", "US", "+14155550100;ext=12"],
  ])("%s (shipping to %s) is %s", (typed, country, e164) => {
    expect(normalisePhone(typed, country)).toBe(e164);
  });

  it("reads a number without its country as the destination's", () => {
    expect(normalisePhone("0301234567", "DE")).toBe("+49301234567");
    expect(normalisePhone("0301234567", "GB")).not.toBe("+49301234567");
  });

  it("falls back to the digits for what no phone plan knows, the same every time", () => {
    expect(normalisePhone("12", "US")).toBe("12");
    expect(normalisePhone("+0 12-34", null)).toBe("+01234");
    expect(normalisePhone("call me", "XX")).toBe("");
    expect(normalisePhone("12", "US")).toBe(normalisePhone(" 1-2 ", "US"));
  });

  it("an unknown or missing country is no default", () => {
    expect(normalisePhone("+14155550100", "ZZ")).toBe("+14155550100");
    expect(normalisePhone("4155550100")).toBe("4155550100");
  });
});

describe("masked receiver numbers of Chinese marketplaces", () => {
  it.each([
    ["13800138000-1234", "CN"],
    ["13800138000转1234", "CN"],
    ["13800138000#1234", "CN"],
    ["138 0013 8000-1234", "CN"],
    ["+86 13800138000-1234", "CN"],
    ["13800138000－1234", "CN"],
    ["13800138000 ext 1234", "CN"],
    ["13800138000-1234", null],
    ["+8613800138000-1234", "US"],
  ])("%s (shipping to %s) keeps its extension", (typed, country) => {
    expect(normalisePhone(typed, country)).toBe("+8613800138000;ext=1234");
    expect(maskedMobile(typed, country)).toEqual({ mobile: "13800138000", extension: "1234" });
  });

  it("two extensions of one virtual number are two customers", () => {
    expect(normalisePhone("13800138000-1234", "CN")).not.toBe(normalisePhone("13800138000-5678", "CN"));
    expect(normalisePhone("13800138000-1234", "CN")).not.toBe(normalisePhone("13800138000", "CN"));
  });

  it("is not read into a North American number or a malformed one", () => {
    expect(maskedMobile("14155550100-1234", "US")).toBeNull();
    expect(maskedMobile("12800138000-1234", "CN")).toBeNull();
    expect(maskedMobile("13800138000-", "CN")).toBeNull();
    expect(maskedMobile("1380013800-1234", "CN")).toBeNull();
  });
});

describe("the forms stored before", () => {
  it("older blocklist entries kept the digits as typed", () => {
    expect(legacyPhoneKey("+1 (415) 555-0100")).toBe("+14155550100");
    expect(legacyPhoneKey("(415) 555-0100")).toBe("4155550100");
  });
  it("emails compare without case or spaces", () => {
    expect(normaliseEmail("  Ada@Example.COM ")).toBe("ada@example.com");
  });
});

describe("one address, however it was typed", () => {
  it("folds case, spacing and punctuation, and compacts the postal code", () => {
    const blocked = normaliseAddress({ line1: "7 Fraud Lane", postal_code: "LS1 4AP", country: "GB" });
    expect(blocked).toBe("7 fraud lane|ls14ap|gb");
    for (const typed of [
      { line1: "7  FRAUD LANE.", postal_code: "ls14ap", country: "gb" },
      { line1: "7, Fraud-Lane", postal_code: " LS1  4AP ", country: "GB" },
    ])
      expect(normaliseAddress(typed)).toBe(blocked);
    expect(normaliseAddress({ line1: "1 Market St", postal_code: "94105-1234", country: "US" })).toBe(
      normaliseAddress({ line1: "1 Market St", postal_code: "94105 1234", country: "US" }),
    );
    expect(normaliseAddress({ line1: "7 Fraud Lane", postal_code: "LS1 4AQ", country: "GB" })).not.toBe(blocked);
  });

  it("keeps the form older entries were stored in: the postal code's inner space as typed", () => {
    expect(legacyAddressKey({ line1: "7 Fraud Lane", postal_code: "LS1 4AP", country: "GB" })).toBe("7 fraud lane|ls1 4ap|gb");
    expect(legacyAddressKey({ line1: "7 Fraud Lane", postal_code: "LS14AP", country: "GB" })).toBe("7 fraud lane|ls14ap|gb");
  });

  it("brings a stored entry to the current form: an address's postal code compacted, as normaliseAddress gives it", () => {
    for (const postal_code of ["LS1 4AP", "ls1  4ap", "LS14AP"]) {
      const parts = { line1: "7 Fraud Lane", postal_code, country: "GB" };
      expect(currentBlockValue("address", legacyAddressKey(parts))).toBe(normaliseAddress(parts));
      expect(currentBlockValue("address", normaliseAddress(parts))).toBe(normaliseAddress(parts));
    }
    // The first line may hold a "|": the postal code and the country are the last two parts.
    expect(currentBlockValue("address", "flat 2|7 fraud lane|ls1 4ap|gb")).toBe("flat 2|7 fraud lane|ls14ap|gb");
    expect(currentBlockValue("address", "no postcode||ie")).toBe("no postcode||ie");
    expect(currentBlockValue("address", "not an address")).toBe("not an address");
    expect(currentBlockValue("email", "a b@example.com")).toBe("a b@example.com");
    expect(currentBlockValue("phone", "020 7946")).toBe("020 7946");
  });
});
