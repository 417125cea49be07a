import { describe, expect, it } from "vitest";
import { newId } from "../lib/ids";
import { containsPattern, searchTerms, trigramPhrase } from "./search-terms";

describe("searchTerms", () => {
  it("takes an order id as that order only", () => {
    const id = newId("ord");
    expect(searchTerms(id)).toEqual({ kind: "order_id", id });
  });

  it("takes what only looks like an order id as text", () => {
    expect(searchTerms("ord_123")).toMatchObject({ kind: "text", substring: "ord_123" });
    // Ids are upper-case base32 without I, L, O, U.
    expect(searchTerms(`ord_${"I".repeat(26)}`)).toMatchObject({ kind: "text" });
    expect(searchTerms(newId("ord").toLowerCase())).toMatchObject({ kind: "text" });
  });

  it("takes an order id with a store tag as that order", () => {
    const id = newId("ord", Date.now(), "K7QZ");
    expect(searchTerms(id)).toEqual({ kind: "order_id", id });
    expect(searchTerms(`ord_${"I".repeat(10)}-K7QZ${"1".repeat(12)}`)).toMatchObject({ kind: "text" });
  });

  it("takes text with an @ as an email only", () => {
    expect(searchTerms("ada@example.com")).toEqual({ kind: "email", email: "ada@example.com" });
  });

  it("takes other text as an external-id substring, and as a phone too when it holds a digit", () => {
    expect(searchTerms("#1001")).toEqual({ kind: "text", substring: "#1001", trigrams: true, phone: true });
    expect(searchTerms("AB-X")).toEqual({ kind: "text", substring: "AB-X", trigrams: true, phone: false });
  });

  it("uses the trigram index only from three characters (code points, not UTF-16 units)", () => {
    expect(searchTerms("10")).toMatchObject({ trigrams: false, phone: true });
    expect(searchTerms("号1")).toMatchObject({ trigrams: false });
    expect(searchTerms("😀😀")).toMatchObject({ trigrams: false });
    expect(searchTerms("😀😀😀")).toMatchObject({ trigrams: true });
  });
});

describe("trigramPhrase", () => {
  it("quotes the text so none of it is FTS5 query syntax", () => {
    expect(trigramPhrase("#1001")).toBe('"#1001"');
    expect(trigramPhrase('a"b OR c*')).toBe('"a""b OR c*"');
  });
});

describe("containsPattern", () => {
  it("makes LIKE's wildcards literal", () => {
    expect(containsPattern("50%_off\\x")).toBe("%50\\%\\_off\\\\x%");
  });
});
