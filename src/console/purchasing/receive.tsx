/**
 * Receiving goods against a purchase order, at the dock with a handheld:
 * per line a bin (scanned; a scan's Enter moves on) and a quantity, the
 * exchange rate when the order's currency is not the warehouse's, landed
 * costs (freight, duty) spread by value or weight, a reason and the
 * supplier's reference. More than the supplier's tolerance is refused until
 * a reason says why the extra units stay; the page says so in words and
 * marks the lines and the reason field.
 */
import { api } from "../api";
import type { ConsoleContext } from "../context";
import { Field, ScanInput } from "../fields";
import { count } from "../format";
import { doneRedirect, formValue, notFoundPage } from "../guard";
import { fill, fillCount } from "../i18n";
import { Csrf, TopProblem } from "../layout";
import { cleanCode, formFieldOf, parseReceipt, type ReceiveForm } from "./forms";
import { purchasingPage, type Refusal, refusalOf, screenOf, statusLabel, warehousesOf, wordsOf } from "./frame";
import { orderLink } from "./orders";
import { OPEN, type PurchaseOrderView } from "./order-page";

type Over = { line_no: number; sku: string; ordered: number; received: number; allowed: number };

/** The order and what receiving it needs to know: its warehouse's name and currency, whether a rate is asked. */
async function loadOrder(c: ConsoleContext, id: string) {
  const [found, warehouses] = await Promise.all([api<PurchaseOrderView>(c, `/v1/purchase-orders/${encodeURIComponent(id)}`), warehousesOf(c)]);
  if (!found.ok) return null;
  const o = found.body;
  const wh = warehouses.find((w) => w.id === o.warehouse_id);
  return { o, whName: wh?.name ?? o.warehouse_id, whCurrency: wh?.currency ?? o.currency, needsRate: !!wh && wh.currency !== o.currency };
}

export async function receivePage(c: ConsoleContext, id: string, opts: { form?: ReceiveForm; refusal?: Refusal } = {}): Promise<Response> {
  const screen = screenOf(c);
  const { ui, p } = screen;
  const loaded = await loadOrder(c, id);
  if (!loaded) return notFoundPage(c);
  const { o, whName, whCurrency, needsRate } = loaded;
  const v: Partial<ReceiveForm> = opts.form ?? {};
  const e = opts.refusal?.fields ?? {};
  const intro = <p class="muted">{fill(p.receive_for, { id: o.id, supplier: o.supplier_name, warehouse: whName })}</p>;
  if (!OPEN.has(o.status)) {
    return purchasingPage(
      c,
      screen,
      { title: p.receive_title, status: opts.refusal?.status },
      <>
        {intro}
        <p class="card">{o.status === "draft" ? p.not_receivable_draft : fill(p.not_receivable, { status: statusLabel(p, o.status) })}</p>
        <p>
          <a href={orderLink(o.id)}>← {p.order}</a>
        </p>
      </>,
    );
  }
  return purchasingPage(
    c,
    screen,
    { title: p.receive_title, status: opts.refusal?.status },
    <>
      {intro}
      <TopProblem text={opts.refusal?.top} />
      <form method="post" action={`${orderLink(o.id)}/receive`} class="card purchasing-form" novalidate>
        <Csrf ui={ui} />
        <input type="hidden" name="version" value={String(o.version)} />
        <p class="hint">{p.receive_intro}</p>
        {e.lines ? <p class="error-text">{e.lines}</p> : null}
        {o.lines.map((l, i) => {
          const left = l.quantity - l.received_qty;
          return (
            <fieldset class="purchasing-line">
              <legend>{fill(p.line_head, { sku: l.sku, ordered: count(l.quantity, ui.lang), received: count(l.received_qty, ui.lang) })}</legend>
              <input type="hidden" name={`line_no.${i}`} value={String(l.line_no)} />
              <div class="field">
                <label for={`bin-${i}`}>{fill(p.bin_of, { sku: l.sku })}</label>
                <p class="hint" id={`bin-${i}-hint`}>
                  {left > 0 ? fill(p.still_to_come, { n: count(left, ui.lang) }) : p.all_arrived}
                </p>
                <ScanInput id={`bin-${i}`} name={`bin.${i}`} value={v.bins?.[i] ?? ""} next autofocus={i === 0} invalid={!!e[`bin.${i}`]} />
                {e[`bin.${i}`] ? (
                  <p class="error-text" id={`bin-${i}-error`}>
                    {e[`bin.${i}`]}
                  </p>
                ) : null}
              </div>
              <Field
                id={`quantity-${i}`}
                name={`quantity.${i}`}
                label={fill(p.quantity_of_line, { sku: l.sku })}
                value={v.quantities?.[i] ?? ""}
                error={e[`quantity.${i}`]}
                inputmode="numeric"
                next
              />
            </fieldset>
          );
        })}
        {needsRate ? (
          <Field
            id="fx_rate"
            label={fill(p.fx_rate_label, { from: o.currency, to: whCurrency })}
            hint={fill(p.fx_hint, { from: o.currency, to: whCurrency })}
            value={v.fx_rate}
            error={e.fx_rate}
            inputmode="decimal"
            required
            next
          />
        ) : null}
        <fieldset>
          <legend>{p.landed_costs}</legend>
          <p class="hint">{fill(p.landed_hint, { currency: whCurrency })}</p>
          <div class="grid">
            <Field id="freight" label={fill(p.freight_in, { currency: whCurrency })} value={v.freight} error={e.freight} inputmode="decimal" next />
            <Field id="duty" label={fill(p.duty_in, { currency: whCurrency })} value={v.duty} error={e.duty} inputmode="decimal" next />
            <div class="field">
              <label for="allocate_by">{p.allocate_by}</label>
              <select id="allocate_by" name="allocate_by">
                <option value="value" selected={v.allocate_by !== "weight"}>
                  {p.by_value}
                </option>
                <option value="weight" selected={v.allocate_by === "weight"}>
                  {p.by_weight}
                </option>
              </select>
            </div>
          </div>
        </fieldset>
        <Field id="reason" label={ui.t.reason} hint={p.receive_reason_hint} value={v.reason} error={e.reason} maxlength={500} next />
        <Field id="reference" label={p.reference} hint={p.reference_hint} value={v.reference} error={e.reference} maxlength={200} />
        <div class="actions">
          <button type="submit">{p.receive_button}</button>
          <a class="button secondary" href={orderLink(o.id)}>
            {ui.t.cancel}
          </a>
        </div>
      </form>
    </>,
  );
}

export async function receiveGoods(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const { ui, p } = screen;
  const loaded = await loadOrder(c, id);
  if (!loaded) return notFoundPage(c);
  const { o, needsRate } = loaded;
  // The API takes no Idempotency-Key nor expected version for a receipt: a form sent twice (a double tap, a
  // reload) would receive twice. The order's version when the form was opened says whether anything happened since.
  const version = formValue(c, "version");
  if (version && version !== String(o.version)) return doneRedirect(c, orderLink(id), { kind: "warn", text: p.receipt_stale });
  const form: ReceiveForm = {
    line_nos: o.lines.map((_, i) => formValue(c, `line_no.${i}`)),
    bins: o.lines.map((_, i) => formValue(c, `bin.${i}`)),
    quantities: o.lines.map((_, i) => formValue(c, `quantity.${i}`)),
    fx_rate: formValue(c, "fx_rate"),
    freight: formValue(c, "freight"),
    duty: formValue(c, "duty"),
    allocate_by: formValue(c, "allocate_by"),
    reason: formValue(c, "reason"),
    reference: formValue(c, "reference"),
  };
  const parsed = parseReceipt(form, { needsRate });
  if (!parsed.ok) return receivePage(c, id, { form, refusal: { status: 422, top: p.fix_below, fields: wordsOf(p, parsed.errors) } });
  const r = await api<PurchaseOrderView>(c, `/v1/purchase-orders/${encodeURIComponent(id)}/receipts`, { body: parsed.body });
  if (!r.ok) {
    if (r.status === 404) return notFoundPage(c);
    if (r.body.code === "over_receipt") {
      const over = ((r.body as { over?: Over[] }).over ?? []) as Over[];
      const fields: Record<string, string> = { reason: p.over_reason_needed };
      for (const x of over) {
        const row = form.line_nos.indexOf(String(x.line_no));
        if (row >= 0) fields[`quantity.${row}`] = p.over_quantity;
      }
      const lines = over.map((x) => fill(p.over_line, { sku: x.sku, received: x.received, ordered: x.ordered, allowed: x.allowed })).join("; ");
      return receivePage(c, id, { form, refusal: { status: 409, top: fill(p.over_receipt, { lines, pct: o.over_receipt_pct }), fields } });
    }
    if (r.body.code === "not_receivable")
      return receivePage(c, id, { form, refusal: { status: 409, top: fill(p.not_receivable, { status: statusLabel(p, o.status) }), fields: {} } });
    const kinds = (parsed.body.landed_costs ?? []).map((l) => l.kind);
    return receivePage(c, id, { form, refusal: refusalOf(screen, r, (f) => formFieldOf(f, parsed.rows, kinds)) });
  }
  const lines = parsed.body.lines.map((l) => `${l.quantity} × ${o.lines.find((x) => x.line_no === l.line_no)?.sku ?? l.line_no} → ${cleanCode(l.bin)}`).join(", ");
  const units = parsed.body.lines.reduce((t, l) => t + l.quantity, 0);
  return doneRedirect(c, orderLink(id), { kind: "ok", text: fillCount(p, "received_ok", units, { units: count(units, ui.lang), lines, status: statusLabel(p, r.body.status) }) });
}
