import { describe, expect, it } from "vitest";
import { currencyExponent, fromMinor, isCurrency, toMinor } from "./money";

describe("money", () => {
  it("uses ISO 4217 exponents", () => {
    expect(currencyExponent("USD")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);
    expect(currencyExponent("CLF")).toBe(4);
    expect(isCurrency("usd")).toBe(false);
    expect(isCurrency("XXX")).toBe(false);
  });

  it("parses decimal strings exactly into minor units", () => {
    expect(toMinor("19.90", "USD")).toEqual({ ok: true, minor: 1990 });
    expect(toMinor("19.9", "USD")).toEqual({ ok: true, minor: 1990 });
    expect(toMinor("19", "USD")).toEqual({ ok: true, minor: 1900 });
    expect(toMinor("0.10", "USD")).toEqual({ ok: true, minor: 10 });
    expect(toMinor("500", "JPY")).toEqual({ ok: true, minor: 500 });
    expect(toMinor("1.234", "KWD")).toEqual({ ok: true, minor: 1234 });
    // 0.1 + 0.2 style float error cannot happen: no floats are involved.
    expect(toMinor("0.29", "USD")).toEqual({ ok: true, minor: 29 });
  });

  it("refuses anything that is not a plain non-negative decimal within the currency's precision", () => {
    for (const bad of ["-1.00", "1e3", "1,00", " 1.00", "1.", ".5", "", "abc", "0x10", "１２"]) {
      expect(toMinor(bad, "USD").ok, bad).toBe(false);
    }
    expect(toMinor("19.999", "USD")).toMatchObject({ ok: false, message: "USD has 2 decimal places; got 3" });
    expect(toMinor("500.5", "JPY")).toMatchObject({ ok: false, message: "JPY has 0 decimal places; got 1" });
    expect(toMinor("99999999999999999", "USD").ok).toBe(false);
  });

  it("formats minor units back, round-tripping", () => {
    expect(fromMinor(1990, "USD")).toBe("19.90");
    expect(fromMinor(5, "USD")).toBe("0.05");
    expect(fromMinor(0, "USD")).toBe("0.00");
    expect(fromMinor(500, "JPY")).toBe("500");
    expect(fromMinor(1234, "KWD")).toBe("1.234");
    expect(fromMinor(-250, "EUR")).toBe("-2.50");
    for (const s of ["0.01", "123456.78", "7.00"]) {
      const r = toMinor(s, "EUR");
      expect(r.ok && fromMinor(r.minor, "EUR")).toBe(s);
    }
  });
});
