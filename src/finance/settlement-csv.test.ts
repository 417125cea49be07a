import { describe, expect, it } from "vitest";
import shopifyCsv from "../../test/fixtures/finance/shopify-payouts-transactions.csv?raw";
import stripeCsv from "../../test/fixtures/finance/stripe-balance-transactions.csv?raw";
import { CsvRecords, columnsOf, instantOf, lineOf, signedMinor } from "./settlement-csv";

const parse = (text: string, chunk = text.length) => {
  const r = new CsvRecords();
  const out: string[][] = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...r.push(text.slice(i, i + chunk)));
  return [...out, ...r.end()];
};

const linesOf = (format: "stripe_balance" | "shopify_payouts", text: string) => {
  const [header, ...rows] = parse(text);
  const c = columnsOf(format, header!);
  if (!c.ok) throw new Error(c.missing.join());
  return rows.map((r, i) => lineOf(c.columns, r, i + 1));
};

describe("CSV records", () => {
  it("reads quotes, doubled quotes, commas and newlines inside quotes, CRLF, blank lines, whichever way the text is cut", () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\n\n1,,3';
    const want = [
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "two\nlines"],
      ["1", "", "3"],
    ];
    for (const chunk of [1, 2, 3, 5, 7, text.length]) expect(parse(text, chunk), `chunks of ${chunk}`).toEqual(want);
  });
});

describe("amounts in each currency's minor unit", () => {
  it("are exact in JPY, USD, CNY and KWD, signed, with thousands separators", () => {
    expect(signedMinor("1500", "JPY")).toEqual({ ok: true, minor: 1500 });
    expect(signedMinor("-1,250.05", "USD")).toEqual({ ok: true, minor: -125005 });
    expect(signedMinor("0.07", "CNY")).toEqual({ ok: true, minor: 7 });
    expect(signedMinor("12.345", "KWD")).toEqual({ ok: true, minor: 12345 });
    expect(signedMinor("-0.001", "KWD")).toEqual({ ok: true, minor: -1 });
  });
  it("refuse more decimals than the currency has, never rounding", () => {
    expect(signedMinor("10.5", "JPY").ok).toBe(false);
    expect(signedMinor("1.001", "USD").ok).toBe(false);
    expect(signedMinor("1.2345", "KWD").ok).toBe(false);
    expect(signedMinor("1e3", "USD").ok).toBe(false);
  });
});

describe("times", () => {
  it("read Stripe's minutes (UTC) and Shopify's offsets, with their precision", () => {
    expect(instantOf("2026-11-20 09:14")).toEqual({ at: Date.UTC(2026, 10, 20, 9, 14), span: 60_000 });
    expect(instantOf("2026-11-20 09:14:03 +0800")).toEqual({ at: Date.UTC(2026, 10, 20, 1, 14, 3), span: 1000 });
    expect(instantOf("2026-11-20")).toEqual({ at: Date.UTC(2026, 10, 20), span: 86_400_000 });
    expect(instantOf("20/11/2026")).toBeNull();
  });
});

describe("the providers' exports", () => {
  it("reads the Stripe balance transactions fixture", () => {
    const lines = linesOf("stripe_balance", stripeCsv);
    expect(lines.every((l) => l.ok)).toBe(true);
    const ok = lines.map((l) => (l.ok ? l.line : null))!;
    expect(ok.map((l) => [l!.kind, l!.reference, l!.amount, l!.fee, l!.currency])).toEqual([
      ["captured", "ch_3QxA1bLkdIwHu7ix1q2w3e4r", 6420, 216, "USD"],
      ["captured", "ch_3QxA2cLkdIwHu7ix5t6y7u8i", 125000, 3655, "USD"],
      ["refunded", "re_3QxA1bLkdIwHu7ix9o0p1a2s", -1000, 0, "USD"],
      ["other", null, -50, 0, "USD"],
      ["other", "po_1QxA5fLkdIwHu7ixq4r5s6t7", -126499, 0, "USD"],
    ]);
    expect(ok[0]!.transactionId).toBe("txn_3QxA1bLkdIwHu7ix0a1b2c3d");
  });

  it("reads the Shopify Payments payouts fixture by order name, in CNY with its offset", () => {
    const lines = linesOf("shopify_payouts", shopifyCsv);
    const ok = lines.map((l) => (l.ok ? l.line : null));
    expect(ok.map((l) => [l!.kind, l!.type, l!.reference, l!.amount, l!.fee, l!.currency])).toEqual([
      ["captured", "charge", "#1001", 18800, 594, "CNY"],
      ["captured", "charge", "#1002", 9900, 327, "CNY"],
      ["refunded", "refund", "#1001", -2000, 0, "CNY"],
      ["other", "adjustment", null, -150, 0, "CNY"],
      ["other", "payout", null, -25579, 0, "CNY"],
    ]);
    expect(ok[0]!.occurredAt).toBe(Date.UTC(2026, 10, 20, 1, 14, 3));
  });

  it("says which columns a file lacks, and what is wrong with a row", () => {
    expect(columnsOf("stripe_balance", ["Date", "Amount"])).toEqual({ ok: false, missing: ["type", "source", "fee", "currency", "created (utc)"] });
    const c = columnsOf("stripe_balance", ["id", "Type", "Source", "Amount", "Fee", "Currency", "Created (UTC)"]);
    if (!c.ok) throw new Error();
    expect(lineOf(c.columns, ["t", "charge", "ch_1", "1.001", "0", "usd", "2026-11-20 10:00"], 1)).toMatchObject({ ok: false, message: expect.stringContaining("amount") });
    expect(lineOf(c.columns, ["t", "charge", "ch_1", "1.00", "0", "zzz", "2026-11-20 10:00"], 1)).toMatchObject({ ok: false, message: expect.stringContaining("currency") });
    expect(lineOf(c.columns, ["t", "charge", "ch_1", "1.00", "0", "usd", "yesterday"], 1)).toMatchObject({ ok: false, message: expect.stringContaining("date") });
  });
});
