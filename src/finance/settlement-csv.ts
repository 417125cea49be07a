/**
 * Payout and settlement files as the payment providers export them, read a
 * chunk at a time: a file of 100,000 rows never sits in memory as rows, only
 * the chunk being read. Pure (no I/O): the import feeds it text and writes
 * what it returns.
 *
 * Formats (columns found by their header, in any order, extra ones ignored):
 * - `stripe_balance`: the Stripe Dashboard's balance transactions export
 *   (`id`, `Type`, `Source`, `Amount`, `Fee`, `Net`, `Currency`,
 *   `Created (UTC)`, …). `Source` is the charge, payment or refund
 *   (ch_…, py_…, re_…) and is the reference matched against the ledger.
 * - `shopify_payouts`: Shopify Payments' payout transactions export
 *   (`Transaction Date`, `Type`, `Order`, `Card Brand`, `Card Source`,
 *   `Payout Status`, `Payout Date`, `Payout ID`, `Available On`, `Amount`,
 *   `Fee`, `Net`, `Checkout`, `Currency`, …). `Order` (the order's name,
 *   `#1001`) is the reference.
 *
 * Amounts are decimal strings in the currency's major unit, negative for
 * money out (refunds); they become minor units exactly, or the row is
 * refused (more decimals than the currency has is an error, never rounded).
 */
import type { SettlementFormat } from "../db/schema/finance";
import { isCurrency, toMinor } from "../lib/money";

/** Splits CSV text into records, RFC 4180 quoting, across chunk boundaries. */
export class CsvRecords {
  private field = "";
  private record: string[] = [];
  private quoted = false;
  /** A quote seen inside a quoted field: either the closing one or the first of a doubled pair. */
  private quoteSeen = false;
  private out: string[][] = [];

  /** Feeds a chunk; returns the records it completed. */
  push(text: string): string[][] {
    this.out = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false;
          // fall through: the character after a closing quote is read as unquoted
        } else if (ch === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          this.field += ch;
          continue;
        }
      }
      if (ch === '"' && this.field === "") this.quoted = true;
      else if (ch === ",") this.endField();
      else if (ch === "\n") this.endRecord();
      else if (ch !== "\r") this.field += ch;
    }
    return this.out;
  }

  /** The last record when the text does not end with a newline. */
  end(): string[][] {
    this.out = [];
    if (this.quoteSeen) {
      this.quoteSeen = false;
      this.quoted = false;
    }
    if (this.field !== "" || this.record.length) this.endRecord();
    return this.out;
  }

  private endField() {
    this.record.push(this.field);
    this.field = "";
  }

  private endRecord() {
    this.endField();
    // Blank lines are not records.
    if (!(this.record.length === 1 && this.record[0] === "")) this.out.push(this.record);
    this.record = [];
  }
}

export type LineKind = "captured" | "refunded" | "other";

export type SettlementLine = {
  lineNo: number;
  kind: LineKind;
  type: string;
  transactionId: string | null;
  reference: string | null;
  /** Minor units, signed as in the file (refunds negative). */
  amount: number;
  /** Minor units, what the provider kept (positive). */
  fee: number;
  currency: string;
  occurredAt: number | null;
  /** How long the file's time spans from `occurredAt` (its precision): 1 s, 1 min or 1 day. */
  occurredSpan: number;
};

type Spec = {
  required: Record<"type" | "reference" | "amount" | "fee" | "currency" | "date", string>;
  optional: Partial<Record<"transactionId", string>>;
  kinds: Record<string, LineKind>;
};

const SPECS: Record<SettlementFormat, Spec> = {
  stripe_balance: {
    required: { type: "type", reference: "source", amount: "amount", fee: "fee", currency: "currency", date: "created (utc)" },
    optional: { transactionId: "id" },
    kinds: { charge: "captured", payment: "captured", refund: "refunded", payment_refund: "refunded" },
  },
  shopify_payouts: {
    required: { type: "type", reference: "order", amount: "amount", fee: "fee", currency: "currency", date: "transaction date" },
    optional: {},
    kinds: { charge: "captured", refund: "refunded" },
  },
};

export type Columns = { format: SettlementFormat; at: Record<string, number> };

/** Where each needed column is, from the header row; or the columns that are missing. */
export function columnsOf(format: SettlementFormat, header: readonly string[]): { ok: true; columns: Columns } | { ok: false; missing: string[] } {
  const spec = SPECS[format];
  const names = header.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h).trim().toLowerCase());
  const at: Record<string, number> = {};
  const missing: string[] = [];
  for (const [key, name] of Object.entries(spec.required)) {
    const i = names.indexOf(name);
    if (i < 0) missing.push(name);
    else at[key] = i;
  }
  for (const [key, name] of Object.entries(spec.optional)) {
    const i = names.indexOf(name);
    if (i >= 0) at[key] = i;
  }
  return missing.length ? { ok: false, missing } : { ok: true, columns: { format, at } };
}

/** "-1,234.56" in USD -> -123456. */
export function signedMinor(text: string, currency: string): { ok: true; minor: number } | { ok: false; message: string } {
  const t = text.trim().replace(/,/g, "");
  const negative = t.startsWith("-");
  const r = toMinor(negative ? t.slice(1) : t, currency);
  if (!r.ok) return r;
  return { ok: true, minor: negative && r.minor !== 0 ? -r.minor : r.minor };
}

/**
 * "2026-11-20 10:15:32", "2026-11-20 10:15:32 -0500", "2026-11-20T10:15:32Z", "2026-11-20 10:15": an instant, UTC
 * unless the text says otherwise, and how long the text's precision spans (Stripe writes minutes: 10:15 is 10:15:00
 * to 10:15:59.999), so a period taken from the file covers its last minute whole.
 */
export function instantOf(text: string): { at: number; span: number } | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return null;
  const zone = m[4] ? (m[4].toUpperCase() === "Z" ? "Z" : `${m[4].slice(0, 3)}:${m[4].slice(-2)}`) : "Z";
  const at = Date.parse(`${m[1]}T${m[2] ?? "00:00"}${m[3] ?? ""}${zone}`);
  if (!Number.isFinite(at)) return null;
  return { at, span: m[3] ? 1000 : m[2] ? 60_000 : 86_400_000 };
}

export type RowResult = { ok: true; line: SettlementLine } | { ok: false; message: string };

/** One record of the file as a settlement line (`lineNo` counts data rows from 1). */
export function lineOf(columns: Columns, record: readonly string[], lineNo: number): RowResult {
  const spec = SPECS[columns.format];
  const get = (key: string) => (columns.at[key] === undefined ? "" : (record[columns.at[key]!] ?? "").trim());
  const currency = get("currency").toUpperCase();
  if (!isCurrency(currency)) return { ok: false, message: `currency "${get("currency")}" is not an ISO 4217 code` };
  const amount = signedMinor(get("amount"), currency);
  if (!amount.ok) return { ok: false, message: `amount: ${amount.message}` };
  const feeText = get("fee");
  const fee = feeText === "" ? { ok: true as const, minor: 0 } : signedMinor(feeText, currency);
  if (!fee.ok) return { ok: false, message: `fee: ${fee.message}` };
  const dateText = get("date");
  const occurred = dateText === "" ? null : instantOf(dateText);
  if (dateText !== "" && occurred === null) return { ok: false, message: `date "${dateText}" is not a date and time` };
  const type = get("type").toLowerCase();
  if (!type) return { ok: false, message: "type is empty" };
  const reference = get("reference");
  const transactionId = get("transactionId");
  return {
    ok: true,
    line: {
      lineNo,
      kind: spec.kinds[type] ?? "other",
      type,
      transactionId: transactionId || null,
      reference: reference || null,
      amount: amount.minor,
      fee: Math.abs(fee.minor),
      currency,
      occurredAt: occurred?.at ?? null,
      occurredSpan: occurred?.span ?? 0,
    },
  };
}
