/**
 * Changing stock: receiving goods into a bin, adjusting with a reason, and
 * counting a bin. Each form works with a keyboard-wedge scanner (a scan's
 * Enter moves to the next field) and without JavaScript; a refused form
 * comes back with what was typed and a word per field, and nothing written.
 */
import type { z } from "@hono/zod-openapi";
import type { Adjustment, Receipt, StockCount, StockLevel } from "../../inventory/schemas";
import { api, type ApiAnswer } from "../api";
import type { ConsoleContext } from "../context";
import { doneRedirect, formValue } from "../guard";
import { Csrf, TopProblem } from "../layout";
import { fill } from "../i18n";
import { problemText } from "../problems";
import { count } from "../format";
import { type FieldWords, fieldOf, parseAdjust, parseCount, parseReceive } from "./forms";
import { Field } from "../fields";
import { type StockScreen, stockPage, whLink, wordsOf } from "./frame";
import type { StockText } from "./text";

type Refusal = { status: 400 | 404 | 409 | 422; top?: string; fields: Record<string, string> };

/** The API's refusal as words on the form: field problems beside their fields, anything else above the form. */
function refusalOf(s: StockText, lang: "en" | "zh-CN", answer: Extract<ApiAnswer<unknown>, { ok: false }>): Refusal {
  const fields: Record<string, string> = {};
  for (const e of answer.body.errors ?? []) {
    const name = fieldOf(e.field);
    if (fields[name]) continue;
    fields[name] = name === "bin" && /no active bin|storage bins/.test(e.message) ? s.unknown_bin : e.message;
  }
  const status = answer.status === 400 || answer.status === 404 || answer.status === 409 ? answer.status : 422;
  return { status, top: Object.keys(fields).length ? s.fix_below : problemText(answer.body, lang), fields };
}

/** Whether a product with this SKU is sold by one of the stores the warehouse serves: receiving anything else is a typo. */
async function skuKnown(c: ConsoleContext, screen: StockScreen, sku: string): Promise<boolean> {
  const found = await api<{ data: { store_id: string; sku: string }[] }>(c, "/v1/products", { query: { sku, limit: 200 } });
  if (!found.ok) return false;
  const serves = screen.wh.store_ids;
  return found.body.data.some((p) => p.sku === sku && (serves.includes("*") || serves.includes(p.store_id)));
}

// ---------------------------------------------------------------- receiving

type ReceiveForm = { sku: string; bin: string; quantity: string; unit_cost: string; reference: string };

export function receivePage(c: ConsoleContext, screen: StockScreen, opts: { form?: Partial<ReceiveForm>; refusal?: Refusal } = {}): Promise<Response> {
  const { ui, s, wh } = screen;
  const v = opts.form ?? {};
  const e = opts.refusal?.fields ?? {};
  return stockPage(
    c,
    screen,
    { title: s.receive_title, ...(opts.refusal ? { status: opts.refusal.status } : {}) },
    <>
      <TopProblem text={opts.refusal?.top} />
      <form method="post" action="/console/stock/receive" class="card stock-form" novalidate>
        <Csrf ui={ui} />
        <input type="hidden" name="warehouse" value={wh.id} />
        <input type="hidden" name="_idem" value={crypto.randomUUID()} />
        <p class="hint">{s.receive_intro}</p>
        <Field id="sku" label={ui.t.sku} hint={s.sku_hint} value={v.sku} error={e.sku} scan focus next required />
        <Field id="bin" label={s.bin} hint={s.bin_hint} value={v.bin} error={e.bin} scan next required />
        <Field id="quantity" label={ui.t.quantity} value={v.quantity} error={e.quantity} inputmode="numeric" next required />
        <Field id="unit_cost" label={fill(s.unit_cost, { currency: wh.currency })} hint={s.unit_cost_hint} value={v.unit_cost} error={e.unit_cost} inputmode="decimal" next />
        <Field id="reference" label={s.reference} hint={s.reference_hint} value={v.reference} error={e.reference} />
        <div class="actions">
          <button type="submit">{s.receive_button}</button>
        </div>
      </form>
    </>,
  );
}

export async function receive(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { ui, s, wh } = screen;
  const form: ReceiveForm = {
    sku: formValue(c, "sku"),
    bin: formValue(c, "bin"),
    quantity: formValue(c, "quantity"),
    unit_cost: formValue(c, "unit_cost"),
    reference: formValue(c, "reference"),
  };
  const parsed = parseReceive(form);
  const refuse = (errors: FieldWords) => receivePage(c, screen, { form, refusal: { status: 422, top: s.fix_below, fields: wordsOf(s, errors) } });
  if (!parsed.ok) return refuse(parsed.errors);
  const line = parsed.body.lines[0]!;
  if (!(await skuKnown(c, screen, line.sku))) return refuse({ sku: "unknown_sku" });
  const idem = formValue(c, "_idem");
  const r = await api<z.infer<typeof Receipt>>(c, `/v1/warehouses/${wh.id}/receipts`, {
    body: parsed.body,
    ...(idem ? { headers: { "idempotency-key": `console-receive-${idem}` } } : {}),
  });
  if (!r.ok) return receivePage(c, screen, { form, refusal: refusalOf(s, ui.lang, r) });
  const level = r.body.levels.find((l) => l.sku === line.sku && l.bin === line.bin);
  return doneRedirect(c, whLink("/console/stock/receive", wh.id, { bin: line.bin }), {
    kind: "ok",
    text: fill(s.received, { quantity: count(line.quantity, ui.lang), sku: line.sku, bin: line.bin, on_hand: count(level?.on_hand ?? 0, ui.lang) }),
  });
}

// ---------------------------------------------------------------- adjusting

type AdjustForm = { sku: string; bin: string; delta: string; reason: string };

export function adjustPage(c: ConsoleContext, screen: StockScreen, opts: { form?: Partial<AdjustForm>; refusal?: Refusal } = {}): Promise<Response> {
  const { ui, s, wh } = screen;
  const v = opts.form ?? {};
  const e = opts.refusal?.fields ?? {};
  return stockPage(
    c,
    screen,
    { title: s.adjust_title, ...(opts.refusal ? { status: opts.refusal.status } : {}) },
    <>
      <TopProblem text={opts.refusal?.top} />
      <form method="post" action="/console/stock/adjust" class="card stock-form" novalidate>
        <Csrf ui={ui} />
        <input type="hidden" name="warehouse" value={wh.id} />
        <input type="hidden" name="_idem" value={crypto.randomUUID()} />
        <p class="hint">{s.adjust_intro}</p>
        <Field id="sku" label={ui.t.sku} hint={s.sku_hint} value={v.sku} error={e.sku} scan focus next required />
        <Field id="bin" label={s.bin} hint={s.bin_hint} value={v.bin} error={e.bin} scan next required />
        <Field id="delta" label={s.delta} hint={s.delta_hint} value={v.delta} error={e.delta} next required />
        <Field id="reason" label={ui.t.reason} hint={s.reason_hint} value={v.reason} error={e.reason} required />
        <div class="actions">
          <button type="submit">{s.adjust_button}</button>
        </div>
      </form>
    </>,
  );
}

export async function adjust(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { ui, s, wh } = screen;
  const form: AdjustForm = { sku: formValue(c, "sku"), bin: formValue(c, "bin"), delta: formValue(c, "delta"), reason: formValue(c, "reason") };
  const parsed = parseAdjust(form);
  if (!parsed.ok) return adjustPage(c, screen, { form, refusal: { status: 422, top: s.fix_below, fields: wordsOf(s, parsed.errors) } });
  const idem = formValue(c, "_idem");
  const r = await api<z.infer<typeof Adjustment>>(c, `/v1/warehouses/${wh.id}/adjustments`, {
    body: parsed.body,
    ...(idem ? { headers: { "idempotency-key": `console-adjust-${idem}` } } : {}),
  });
  if (!r.ok) return adjustPage(c, screen, { form, refusal: refusalOf(s, ui.lang, r) });
  const { delta, sku, bin } = parsed.body;
  return doneRedirect(c, whLink("/console/stock/adjust", wh.id), {
    kind: "ok",
    text: fill(s.adjusted, { sku, bin, delta: delta > 0 ? `+${delta}` : String(delta), on_hand: count(r.body.level.on_hand, ui.lang) }),
  });
}

// ---------------------------------------------------------------- counting

/** Empty rows offered under a bin's SKUs, for goods found there that the system did not expect. */
const EXTRA_ROWS = 2;

type CountRow = { sku: string; counted: string; known: boolean };

export async function countPage(c: ConsoleContext, screen: StockScreen, opts: { bin?: string; rows?: CountRow[]; reason?: string; refusal?: Refusal } = {}): Promise<Response> {
  const { ui, s, wh } = screen;
  const bin = (opts.bin ?? c.req.query("bin") ?? "").trim().toUpperCase();
  let rows = opts.rows;
  if (!rows && bin) {
    const levels = await api<{ data: z.infer<typeof StockLevel>[] }>(c, `/v1/warehouses/${wh.id}/stock`, { query: { bin, limit: 200 } });
    rows = [
      ...(levels.ok ? levels.body.data : []).map((l) => ({ sku: l.sku, counted: "", known: true })),
      ...Array.from({ length: EXTRA_ROWS }, () => ({ sku: "", counted: "", known: false })),
    ];
  }
  const e = opts.refusal?.fields ?? {};
  return stockPage(
    c,
    screen,
    { title: s.count_title, ...(opts.refusal ? { status: opts.refusal.status } : {}) },
    <>
      <TopProblem text={opts.refusal?.top} />
      <form method="get" action="/console/stock/count" class="card stock-form">
        <input type="hidden" name="warehouse" value={wh.id} />
        <p class="hint">{s.count_intro}</p>
        <Field id="bin" label={s.bin} hint={s.bin_hint} value={bin} error={e.bin} scan focus={!bin} required />
        <div class="actions">
          <button type="submit" class={bin ? "secondary" : undefined}>
            {s.load_bin}
          </button>
        </div>
      </form>
      {bin && rows ? (
        <form method="post" action="/console/stock/count" class="card stock-form" novalidate>
          <Csrf ui={ui} />
          <input type="hidden" name="warehouse" value={wh.id} />
          <input type="hidden" name="bin" value={bin} />
          <input type="hidden" name="rows" value={String(rows.length)} />
          <h2>{`${s.bin} ${bin}`}</h2>
          {rows.every((r) => !r.known) ? <p class="muted">{s.bin_empty}</p> : null}
          {e.lines ? <p class="error-text">{e.lines}</p> : null}
          {rows.map((r, i) =>
            r.known ? (
              <>
                <input type="hidden" name={`sku.${i}`} value={r.sku} />
                <Field id={`counted.${i}`} label={`${s.counted}: ${r.sku}`} value={r.counted} error={e[`counted.${i}`] ?? e[`${i}`]} inputmode="numeric" focus={i === 0} next />
              </>
            ) : (
              <div class="filters">
                <Field id={`sku.${i}`} label={s.add_sku} value={r.sku} error={e[`sku.${i}`] ?? e[`${i}`]} next />
                <Field id={`counted.${i}`} label={s.counted} value={r.counted} error={e[`counted.${i}`]} inputmode="numeric" next />
              </div>
            ),
          )}
          <Field id="reason" label={ui.t.reason} hint={s.count_reason_hint} value={opts.reason ?? ""} error={e.reason} />
          <div class="actions">
            <button type="submit">{s.count_button}</button>
          </div>
        </form>
      ) : null}
    </>,
  );
}

export async function recordCount(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { ui, s, wh } = screen;
  const bin = formValue(c, "bin").toUpperCase();
  const n = Math.min(Math.max(Number(formValue(c, "rows")) || 0, 0), 100);
  const rows: CountRow[] = Array.from({ length: n }, (_, i) => ({ sku: formValue(c, `sku.${i}`), counted: formValue(c, `counted.${i}`), known: false }));
  // Rows that came with the bin stay labelled by their SKU when the form comes back.
  const levels = await api<{ data: z.infer<typeof StockLevel>[] }>(c, `/v1/warehouses/${wh.id}/stock`, { query: { bin, limit: 200 } });
  const stocked = new Set((levels.ok ? levels.body.data : []).map((l) => l.sku));
  for (const r of rows) r.known = r.sku !== "" && stocked.has(r.sku);
  const reason = formValue(c, "reason");
  const parsed = parseCount({ bin, skus: rows.map((r) => r.sku), counted: rows.map((r) => r.counted), reason });
  if (!parsed.ok) return countPage(c, screen, { bin, rows, reason, refusal: { status: 422, top: s.fix_below, fields: wordsOf(s, parsed.errors) } });
  // The API's line numbers are the counted lines'; the form's are its rows'.
  const rowOfLine = rows.flatMap((r, i) => (r.sku && r.counted ? [i] : []));
  const r = await api<z.infer<typeof StockCount>>(c, `/v1/warehouses/${wh.id}/counts`, { body: parsed.body });
  if (!r.ok) {
    const refusal = refusalOf(s, ui.lang, r);
    for (const [k, v] of Object.entries(refusal.fields)) {
      const m = /^lines\.(\d+)$/.exec(k);
      if (m) refusal.fields[`counted.${rowOfLine[Number(m[1])]}`] = v;
    }
    return countPage(c, screen, { bin, rows, reason, refusal });
  }
  const variance = r.body.lines.reduce((sum, l) => sum + l.variance, 0);
  const changed = r.body.lines.some((l) => l.variance !== 0);
  return doneRedirect(c, whLink("/console/stock/count", wh.id, { bin }), {
    kind: changed ? "warn" : "ok",
    text: changed ? fill(s.counted_ok, { bin, lines: r.body.lines.length, variance: variance > 0 ? `+${variance}` : String(variance) }) : fill(s.counted_same, { bin }),
  });
}
