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
