/**
 * Reading the purchasing forms: what a person typed becomes the API's body,
 * or a word per field saying what is wrong (keys of PURCHASING), so a form
 * that cannot be right is answered at once and nothing is sent. The API
 * checks again (products, prices, bins, tolerances); its field messages are
 * put back on the form's fields by `formFieldOf` and said in the reader's
 * words by `apiFieldWord`. Pure: no I/O.
 */
import type { z } from "@hono/zod-openapi";
import type { CreatePurchaseOrder, CreateSupplier, PutSupplierItem, ReceivePurchaseOrder, UpdatePurchaseOrder, UpdateSupplier } from "../../procurement/schemas";
import { outboundUrlAllowed } from "../../lib/outbound-url";
import type { PurchasingText } from "./text";

export type FieldWords = Partial<Record<string, keyof PurchasingText>>;
export type Parsed<T> = { ok: true; body: T } | { ok: false; errors: FieldWords };

const WHOLE = /^\d{1,7}$/;
const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;
const RATE = /^\d{1,10}(\.\d{1,10})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A scanner may add spaces or a trailing newline; a person may type a bin in lower case. */
export const cleanCode = (s: string) => s.trim().toUpperCase();

const done = (errors: FieldWords) => Object.keys(errors).length > 0;

/** A whole number in [min, max] typed in a field, or the word for what is wrong; "" is `undefined`. */
function wholeIn(raw: string, min: number, max: number, word: keyof PurchasingText): number | undefined | { word: keyof PurchasingText } {
  if (raw === "") return undefined;
  if (!WHOLE.test(raw) || Number(raw) < min || Number(raw) > max) return { word };
  return Number(raw);
}

/**
 * A calendar day as the API's moment: noon UTC of that day, which is the same day in every time zone a store can
 * be in (UTC-11 to UTC+12 at the extremes is still that day, give or take the date line's last hour), so the
 * date shown back in the store's zone is the one typed.
 */
export function dayToMoment(day: string): string | null {
  const m = DATE.exec(day);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? d.toISOString().replace(".000Z", "Z") : null;
}

// ---------------------------------------------------------------- suppliers

export type SupplierForm = {
  store_id: string;
  name: string;
  currency: string;
  contact_name: string;
  email: string;
  phone: string;
  payment_terms: string;
  payment_days: string;
  lead_time_days: string;
  over_receipt_pct: string;
};

/** The terms both forms share: numbers when typed, checked; the rest as typed. */
function supplierTerms(f: SupplierForm, errors: FieldWords) {
  if (!f.name) errors.name = "required";
  if (f.email && !EMAIL.test(f.email)) errors.email = "email_invalid";
  const numbers: Record<string, number> = {};
  for (const [key, max, word] of [
    ["payment_days", 365, "days"],
    ["lead_time_days", 365, "days"],
    ["over_receipt_pct", 100, "percent"],
  ] as const) {
    const n = wholeIn(f[key], 0, max, word);
    if (typeof n === "object") errors[key] = n.word;
    else if (n !== undefined) numbers[key] = n;
  }
  return numbers;
}

export function parseNewSupplier(f: SupplierForm): Parsed<z.input<typeof CreateSupplier>> {
  const errors: FieldWords = {};
  if (!f.store_id) errors.store_id = "required";
  const currency = f.currency.trim().toUpperCase();
  if (!currency) errors.currency = "required";
  else if (!/^[A-Z]{3}$/.test(currency)) errors.currency = "currency_code";
  const numbers = supplierTerms(f, errors);
  if (done(errors)) return { ok: false, errors };
  const given = (k: "contact_name" | "email" | "phone" | "payment_terms") => (f[k] ? { [k]: f[k] } : {});
  return {
    ok: true,
    body: { store_id: f.store_id, name: f.name, currency, ...given("contact_name"), ...given("email"), ...given("phone"), ...given("payment_terms"), ...numbers },
  };
}

/** A change of a supplier's details: an emptied text field clears it; an emptied number keeps what it was. */
export function parseSupplierChange(f: Omit<SupplierForm, "store_id" | "currency">): Parsed<z.input<typeof UpdateSupplier>> {
  const errors: FieldWords = {};
  const numbers = supplierTerms({ ...f, store_id: "", currency: "" }, errors);
  if (done(errors)) return { ok: false, errors };
  const orNull = (v: string) => (v ? v : null);
  return {
    ok: true,
    body: { name: f.name, contact_name: orNull(f.contact_name), email: orNull(f.email), phone: orNull(f.phone), payment_terms: orNull(f.payment_terms), ...numbers },
  };
}

/**
 * The supplier's webhook address as typed against the one it has: sent only when it differs, since the API gives
 * a changed address a new signing secret (and an unchanged one keeps its secret); emptied, it is cleared (the
 * orders then go by email, or by hand). `body` is null when nothing differs. The API checks the address again.
 */
export function parseWebhookChange(typed: string, now: string | null): Parsed<{ webhook_url: string | null } | null> {
  const url = typed.trim();
  if (url === (now ?? "")) return { ok: true, body: null };
  if (!url) return { ok: true, body: { webhook_url: null } };
  if (url.length > 500 || !outboundUrlAllowed(url)) return { ok: false, errors: { webhook_url: "webhook_url_invalid" } };
  return { ok: true, body: { webhook_url: url } };
}

export type ItemForm = { sku: string; supplier_sku: string; unit_cost: string; min_order_qty: string; pack_size: string; lead_time_days: string; preferred: boolean };

export function parseSupplierItem(f: ItemForm): Parsed<{ sku: string; item: z.input<typeof PutSupplierItem> }> {
  const errors: FieldWords = {};
  const sku = f.sku.trim();
  if (!sku) errors.sku = "required";
  if (!f.unit_cost) errors.unit_cost = "required";
  else if (!AMOUNT.test(f.unit_cost)) errors.unit_cost = "decimal";
  const min = wholeIn(f.min_order_qty, 1, 1_000_000, "whole_positive");
  const pack = wholeIn(f.pack_size, 1, 1_000_000, "whole_positive");
  const lead = wholeIn(f.lead_time_days, 0, 365, "days");
  if (typeof min === "object") errors.min_order_qty = min.word;
  if (typeof pack === "object") errors.pack_size = pack.word;
  if (typeof lead === "object") errors.lead_time_days = lead.word;
  if (done(errors) || typeof min === "object" || typeof pack === "object" || typeof lead === "object") return { ok: false, errors };
  return {
    ok: true,
    body: {
      sku,
      item: {
        supplier_sku: f.supplier_sku.trim() || null,
        unit_cost: f.unit_cost,
        ...(min === undefined ? {} : { min_order_qty: min }),
        ...(pack === undefined ? {} : { pack_size: pack }),
        lead_time_days: lead ?? null,
        // Always said: an unticked box un-prefers the item (the API keeps the old value when it is left out).
        preferred: f.preferred,
      },
    },
  };
}

// ---------------------------------------------------------------- purchase orders

export type NewOrderForm = { supplier_id: string; warehouse_id: string; expected_date: string; note: string; skus: string[]; quantities: string[]; unit_costs: string[] };

/** The API's line `i` is the form's row `rows[i]`: blank rows are not lines. */
export type WithRows<T> = { ok: true; body: T; rows: number[] } | { ok: false; errors: FieldWords };

export function parseNewOrder(f: NewOrderForm): WithRows<z.input<typeof CreatePurchaseOrder>> {
  const errors: FieldWords = {};
  if (!f.supplier_id) errors.supplier_id = "required";
  if (!f.warehouse_id) errors.warehouse_id = "required";
  const expected = f.expected_date ? dayToMoment(f.expected_date) : undefined;
  if (expected === null) errors.expected_date = "date_invalid";
  const lines: { sku: string; quantity: number; unit_cost?: string }[] = [];
  const rows: number[] = [];
  f.skus.forEach((raw, i) => {
    const sku = raw.trim();
    const q = (f.quantities[i] ?? "").trim();
    const cost = (f.unit_costs[i] ?? "").trim();
    if (!sku && !q && !cost) return;
    if (!sku) errors[`sku.${i}`] = "required";
    if (!q) errors[`quantity.${i}`] = "required";
    else if (!WHOLE.test(q) || Number(q) < 1) errors[`quantity.${i}`] = "whole_positive";
    if (cost && !AMOUNT.test(cost)) errors[`unit_cost.${i}`] = "decimal";
    lines.push({ sku, quantity: Number(q), ...(cost ? { unit_cost: cost } : {}) });
    rows.push(i);
  });
  if (!lines.length) errors.lines = "lines_empty";
  if (done(errors)) return { ok: false, errors };
  return {
    ok: true,
    body: { supplier_id: f.supplier_id, warehouse_id: f.warehouse_id, ...(expected ? { expected_at: expected } : {}), ...(f.note ? { note: f.note } : {}), lines },
    rows,
  };
}

export type OrderLineNow = { line_no: number; sku: string; quantity: number; unit_cost: string };

/**
 * A change of an order as typed against the order as it is: only what differs is sent. A draft's lines are sent
 * whole (the API replaces them; 0 takes a line off); a submitted order's as new quantities. `body` is null when
 * nothing differs; `rows[i]` is the order line (by index) of the API's `lines.i` or `quantities.i`.
 */
export function parseOrderChange(
  now: { status: string; version: number; lines: readonly OrderLineNow[]; expected_day: string; note: string },
  typed: { quantities: string[]; expected_date: string; note: string },
): WithRows<z.input<typeof UpdatePurchaseOrder> | null> {
  const errors: FieldWords = {};
  const body: z.input<typeof UpdatePurchaseOrder> = { expected_version: now.version };
  const quantities = now.lines.map((l, i) => {
    const q = (typed.quantities[i] ?? "").trim();
    if (q === "") return l.quantity;
    if (!WHOLE.test(q)) {
      errors[`quantity.${i}`] = "whole_zero_up";
      return l.quantity;
    }
    return Number(q);
  });
  if (typed.expected_date !== now.expected_day) {
    const at = typed.expected_date ? dayToMoment(typed.expected_date) : null;
    if (typed.expected_date && at === null) errors.expected_date = "date_invalid";
    else body.expected_at = at;
  }
  if (typed.note !== now.note) body.note = typed.note || null;
  let rows: number[] = [];
  if (now.lines.some((l, i) => quantities[i] !== l.quantity)) {
    if (now.status === "draft") {
      rows = now.lines.flatMap((_, i) => (quantities[i]! > 0 ? [i] : []));
      if (!rows.length) errors.lines = "lines_empty";
      else body.lines = rows.map((i) => ({ sku: now.lines[i]!.sku, quantity: quantities[i]!, unit_cost: now.lines[i]!.unit_cost }));
    } else {
      rows = now.lines.flatMap((l, i) => (quantities[i] !== l.quantity ? [i] : []));
      body.quantities = rows.map((i) => ({ line_no: now.lines[i]!.line_no, quantity: quantities[i]! }));
    }
  }
  if (done(errors)) return { ok: false, errors };
  return { ok: true, body: Object.keys(body).length > 1 ? body : null, rows };
}

export type ReceiveForm = {
  line_nos: string[];
  bins: string[];
  quantities: string[];
  fx_rate: string;
  freight: string;
  duty: string;
  allocate_by: string;
  reason: string;
  reference: string;
};

/** A receipt as typed: each row with a quantity is a line into its bin; the rate only when the currencies differ. */
export function parseReceipt(f: ReceiveForm, opts: { needsRate: boolean }): WithRows<z.input<typeof ReceivePurchaseOrder>> {
  const errors: FieldWords = {};
  const lines: { line_no: number; bin: string; quantity: number }[] = [];
  const rows: number[] = [];
  f.line_nos.forEach((lineNo, i) => {
    const q = (f.quantities[i] ?? "").trim();
    const bin = cleanCode(f.bins[i] ?? "");
    if (!q) {
      if (bin) errors[`quantity.${i}`] = "required";
      return;
    }
    if (!WHOLE.test(q) || Number(q) < 1) errors[`quantity.${i}`] = "whole_positive";
    if (!bin) errors[`bin.${i}`] = "required";
    lines.push({ line_no: Number(lineNo), bin, quantity: Number(q) });
    rows.push(i);
  });
  if (!lines.length && !done(errors)) errors.lines = "receive_empty";
  if (opts.needsRate) {
    if (!f.fx_rate) errors.fx_rate = "required";
    else if (!RATE.test(f.fx_rate) || Number(f.fx_rate) <= 0) errors.fx_rate = "rate_invalid";
  }
  const landed: { kind: "freight" | "duty"; amount: string }[] = [];
  for (const kind of ["freight", "duty"] as const) {
    const amount = f[kind];
    if (!amount) continue;
    if (!AMOUNT.test(amount)) errors[kind] = "decimal";
    else if (Number(amount) > 0) landed.push({ kind, amount });
  }
  if (done(errors)) return { ok: false, errors };
  return {
    ok: true,
    body: {
      lines,
      ...(opts.needsRate ? { fx_rate: f.fx_rate } : {}),
      ...(landed.length ? { landed_costs: landed } : {}),
      allocate_by: f.allocate_by === "weight" ? "weight" : "value",
      ...(f.reason ? { reason: f.reason } : {}),
      ...(f.reference ? { reference: f.reference } : {}),
    },
    rows,
  };
}

// ---------------------------------------------------------------- the API's answers on the form

/**
 * The form field an API field error belongs to: `lines.2.sku` is the field `sku.<row of line 2>`,
 * `quantities.0.quantity` the change form's `quantity.<index of that line>`, `landed_costs.1.amount` the
 * landed cost's own field; anything else keeps its name.
 */
export function formFieldOf(apiField: string, rows: readonly number[] = [], landedKinds: readonly string[] = []): string {
  const line = /^(lines|quantities)\.(\d+)\.(\w+)$/.exec(apiField);
  if (line) return `${line[3]}.${rows[Number(line[2])] ?? line[2]}`;
  const landed = /^landed_costs\.(\d+)\.amount$/.exec(apiField);
  if (landed) return landedKinds[Number(landed[1])] ?? apiField;
  return apiField;
}

export type Word = { key: keyof PurchasingText; values?: Record<string, string> };

/** [the API's English message, our word for it] for the messages purchasing forms meet. */
const API_WORDS: [RegExp, (m: RegExpExecArray) => Word][] = [
  [/^no product (.+) in the supplier's store$/, (m) => ({ key: "unknown_sku", values: { sku: m[1]! } })],
  [/^(.+) is on the order twice/, (m) => ({ key: "sku_twice", values: { sku: m[1]! } })],
  [/^the supplier's minimum is (\d+)$/, (m) => ({ key: "below_minimum", values: { n: m[1]! } })],
  [/^order whole packs of (\d+)$/, (m) => ({ key: "whole_packs", values: { n: m[1]! } })],
  [/^no price:/, () => ({ key: "no_price" })],
  [/^no such supplier$/, () => ({ key: "no_supplier" })],
  [/^the supplier is inactive$/, () => ({ key: "supplier_inactive" })],
  [/^no such warehouse$/, () => ({ key: "no_warehouse" })],
  [/^the warehouse does not ship for the supplier's store$/, () => ({ key: "warehouse_not_serving" })],
  [/a 3PL receives its own$/, () => ({ key: "warehouse_third_party" })],
  [/^(\d+) already arrived$/, (m) => ({ key: "below_received", values: { n: m[1]! } })],
  [/^no line \d+/, () => ({ key: "no_line" })],
  [/^no active bin |^goods are put away to storage bins$/, () => ({ key: "unknown_bin" })],
  [/^([A-Z]{3}) per ([A-Z]{3}) as on the day/, (m) => ({ key: "fx_required", values: { to: m[1]!, from: m[2]! } })],
  [/^the order and the warehouse are both in ([A-Z]{3})/, (m) => ({ key: "fx_not_needed", values: { currency: m[1]! } })],
  [/^no such store$/, () => ({ key: "no_store" })],
  [/^must be a non-negative decimal string|^amount is too large$/, () => ({ key: "decimal" })],
  [/^([A-Z]{3}) has (\d+) decimal places?; got \d+$/, () => ({ key: "bad_amount" })],
  [/^must be an ISO 4217 currency code/, () => ({ key: "currency_invalid" })],
  [/^Invalid email address$/, () => ({ key: "email_invalid" })],
];

/** Our word for an API field message, or null to show the message as the API (or, on a Chinese page, api.ts) put it. */
export function apiFieldWord(message: string): Word | null {
  for (const [re, word] of API_WORDS) {
    const m = re.exec(message);
    if (m) return word(m);
  }
  return null;
}
