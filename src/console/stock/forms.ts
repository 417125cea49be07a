/**
 * Reading the stock forms: what a person typed becomes the API's body, or a
 * word per field saying what is wrong (keys of STOCK), so a form that cannot
 * be right is answered at once and nothing is sent. The API checks again
 * (bins, stock, permissions); its field errors are mapped back by `fieldOf`.
 */
import type { z } from "@hono/zod-openapi";
import type { CreateAdjustment, CreateCount, CreateReceipt } from "../../inventory/schemas";
import type { StockText } from "./text";

export type FieldWords = Partial<Record<string, keyof StockText>>;
export type Parsed<T> = { ok: true; body: T } | { ok: false; errors: FieldWords };

const WHOLE = /^-?\d{1,7}$/;
const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;

/** A scanner may add spaces or a trailing newline; a person may type a bin in lower case. */
export const cleanCode = (s: string) => s.trim().toUpperCase();
export const cleanSku = (s: string) => s.trim();

export function parseReceive(f: { sku: string; bin: string; quantity: string; unit_cost: string; reference: string }): Parsed<z.input<typeof CreateReceipt>> {
  const errors: FieldWords = {};
  if (!f.sku) errors.sku = "required";
  if (!f.bin) errors.bin = "required";
  if (!f.quantity) errors.quantity = "required";
  else if (!WHOLE.test(f.quantity) || Number(f.quantity) < 1) errors.quantity = "whole_positive";
  const cost = f.unit_cost === "" ? "0" : f.unit_cost;
  if (!AMOUNT.test(cost)) errors.unit_cost = "decimal";
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    body: {
      ...(f.reference ? { reference: f.reference } : {}),
      lines: [{ sku: cleanSku(f.sku), bin: cleanCode(f.bin), quantity: Number(f.quantity), unit_cost: cost }],
    },
  };
}

export function parseAdjust(f: { sku: string; bin: string; delta: string; reason: string }): Parsed<z.input<typeof CreateAdjustment>> {
  const errors: FieldWords = {};
  if (!f.sku) errors.sku = "required";
  if (!f.bin) errors.bin = "required";
  if (!f.reason) errors.reason = "required";
  const delta = f.delta.replace(/^\+/, "");
  if (!delta) errors.delta = "required";
  else if (!WHOLE.test(delta) || Number(delta) === 0) errors.delta = "whole_not_zero";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, body: { sku: cleanSku(f.sku), bin: cleanCode(f.bin), delta: Number(delta), reason: f.reason } };
}

/** A count of one bin: each SKU with a typed quantity is a line; blank rows are not counted. */
export function parseCount(f: { bin: string; skus: string[]; counted: string[]; reason: string }): Parsed<z.input<typeof CreateCount>> {
  const errors: FieldWords = {};
  if (!f.bin) errors.bin = "required";
  const lines: { bin: string; sku: string; counted: number }[] = [];
  f.skus.forEach((raw, i) => {
    const sku = cleanSku(raw);
    const q = (f.counted[i] ?? "").trim();
    if (!sku && !q) return;
    if (!sku) errors[`sku.${i}`] = "required";
    else if (!q) return;
    else if (!WHOLE.test(q) || Number(q) < 0) errors[`counted.${i}`] = "whole_zero_up";
    else lines.push({ bin: cleanCode(f.bin), sku, counted: Number(q) });
  });
  if (!Object.keys(errors).length && !lines.length) errors.lines = "count_empty";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, body: { ...(f.reason ? { reason: f.reason } : {}), lines } };
}

/** The form field an API field error belongs to: `lines.0.bin` of a one-line receipt is the form's `bin`. */
export function fieldOf(apiField: string): string {
  const m = /^lines\.\d+\.(\w+)$/.exec(apiField);
  return m ? m[1]! : apiField;
}

// ---------------------------------------------------------------- replenishment and transfers

/** The replenishment filters the API takes, as typed in the address: each a whole number of days in its range. */
export const DAY_RANGES = { window_days: [1, 365, 28], safety_days: [0, 365, 7], cover_days: [0, 365, 14] } as const;
export type DayFilter = keyof typeof DAY_RANGES;

export function parseDays(f: Partial<Record<DayFilter, string>>): { values: Record<DayFilter, number>; errors: FieldWords } {
  const errors: FieldWords = {};
  const values = {} as Record<DayFilter, number>;
  for (const [name, [min, max, fallback]] of Object.entries(DAY_RANGES) as [DayFilter, readonly [number, number, number]][]) {
    const raw = (f[name] ?? "").trim();
    values[name] = fallback;
    if (raw === "") continue;
    if (!/^\d{1,3}$/.test(raw) || Number(raw) < min || Number(raw) > max) errors[name] = "days_range";
    else values[name] = Number(raw);
  }
  return { values, errors };
}

export type TransferRow = { sku: string; from_bin: string; quantity: string };

/**
 * A transfer: the destination and the rows that were filled in (blank rows are not lines). `rowOfLine[i]` is the
 * form row of the API's `lines.i`, so the API's field problems land beside the row they are about.
 */
export function parseTransfer(f: {
  from: string;
  to: string;
  rows: TransferRow[];
  note: string;
}):
  | { ok: true; body: { from_warehouse_id: string; to_warehouse_id: string; note?: string; lines: { sku: string; from_bin: string; quantity: number }[] }; rowOfLine: number[] }
  | { ok: false; errors: FieldWords } {
  const errors: FieldWords = {};
  if (!f.to) errors.to = "required";
  else if (f.to === f.from) errors.to = "same_warehouse";
  const lines: { sku: string; from_bin: string; quantity: number }[] = [];
  const rowOfLine: number[] = [];
  f.rows.forEach((r, i) => {
    const sku = cleanSku(r.sku);
    const bin = cleanCode(r.from_bin);
    const q = r.quantity.trim();
    if (!sku && !bin && !q) return;
    if (!sku) errors[`sku.${i}`] = "required";
    if (!bin) errors[`from_bin.${i}`] = "required";
    if (!q) errors[`quantity.${i}`] = "required";
    else if (!WHOLE.test(q) || Number(q) < 1) errors[`quantity.${i}`] = "whole_positive";
    if (sku && bin && q && !errors[`quantity.${i}`]) {
      lines.push({ sku, from_bin: bin, quantity: Number(q) });
      rowOfLine.push(i);
    }
  });
  if (!Object.keys(errors).length && !lines.length) errors.lines = "transfer_lines_empty";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, body: { from_warehouse_id: f.from, to_warehouse_id: f.to, ...(f.note ? { note: f.note } : {}), lines }, rowOfLine };
}

/** A transfer's receipt: one bin for what arrived, and a quantity per line (blank or 0: nothing of that line). */
export function parseTransferReceipt(f: { bin: string; lines: { line_no: number; quantity: string }[] }): Parsed<{ lines: { line_no: number; bin: string; quantity: number }[] }> {
  const errors: FieldWords = {};
  const bin = cleanCode(f.bin);
  if (!bin) errors.bin = "required";
  const lines: { line_no: number; bin: string; quantity: number }[] = [];
  for (const l of f.lines) {
    const q = l.quantity.trim();
    if (!q || q === "0") continue;
    if (!WHOLE.test(q) || Number(q) < 1) errors[`quantity.${l.line_no}`] = "whole_zero_up";
    else lines.push({ line_no: l.line_no, bin, quantity: Number(q) });
  }
  if (!Object.keys(errors).length && !lines.length) errors.lines = "receive_nothing";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, body: { lines } };
}

/** The form field of a transfer's API field problem: `lines.2.from_bin` is the `from_bin` of the row line 2 came from. */
export function transferFieldOf(apiField: string, rowOfLine: readonly number[]): string {
  if (apiField === "to_warehouse_id") return "to";
  const m = /^lines\.(\d+)(?:\.(\w+))?$/.exec(apiField);
  if (!m) return apiField;
  const row = rowOfLine[Number(m[1])] ?? Number(m[1]);
  return `${m[2] ?? "sku"}.${row}`;
}
