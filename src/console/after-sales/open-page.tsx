/** Opening a request for a customer: the order's items, what they want, how many, and what is wrong in their words. */
import { Hono } from "hono";
import { AFTER_SALES_KINDS } from "../../db/schema";
import { api } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { doneRedirect, formValue, need, uiOf } from "../guard";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems } from "../problems";
import { orderStatusLabel } from "../text";
import { kindLabel, type OrderT, refusalText, type RequestT, words } from "./shared";

export const openPages = new Hono<ConsoleEnv>();

type Values = { kind: string; reason: string; qty: Record<string, string> };

async function openPage(c: ConsoleContext, orderId: string, opts: { values?: Values; problem?: string; fields?: Record<string, string>; status?: 200 | 404 | 409 | 422 } = {}) {
  const ui = uiOf(c);
  const t = words(ui.lang);
  const got = orderId ? await api<OrderT>(c, `/v1/orders/${orderId}`) : null;
  const order = got?.ok ? got.body : null;
  const v = opts.values ?? { kind: "return", reason: "", qty: {} };
  const f = opts.fields ?? {};
  const title = fill(t.open_title, { id: orderId });
  if (!order) {
    return renderPage(
      c,
      ui,
      { title: t.open_new_title, status: 404 },
      <>
        <h1>{t.open_new_title}</h1>
        <div class="flash bad" role="alert">
          {fill(t.order_not_found, { id: orderId || "—" })}
        </div>
        <form method="get" action="/console/after-sales/new" class="card">
          <div class="field">
            <label for="new-order">{t.order_id}</label>
            <input id="new-order" name="order_id" required value={orderId} autocomplete="off" />
          </div>
          <button type="submit">{t.continue}</button>
        </form>
      </>,
    );
  }
  return renderPage(
    c,
    ui,
    { title, status: opts.status ?? 200 },
    <>
      <p>
        <a href="/console/after-sales">← {t.queue_title}</a>
      </p>
      <h1 style="overflow-wrap:anywhere">{title}</h1>
      <p>
        {orderStatusLabel(ui.t, order.status)} · <a href={`/console/orders/${order.id}`}>{t.open_order}</a>
      </p>
      {opts.problem ? (
        <div class="flash bad" role="alert">
          {opts.problem}
        </div>
      ) : null}
      <form method="post" action="/console/after-sales/new" class="card">
        <Csrf ui={ui} />
        <input type="hidden" name="order_id" value={order.id} />
        <fieldset style="border:0;padding:0;margin:0 0 12px">
          <legend style="font-weight:600">{t.kind}</legend>
          {AFTER_SALES_KINDS.map((k) => (
            <label style="font-weight:400;display:flex;gap:8px;align-items:center">
              <input type="radio" name="kind" value={k} checked={v.kind === k} /> {kindLabel(t, k)}
            </label>
          ))}
        </fieldset>
        <fieldset style="border:0;padding:0;margin:0 0 12px" aria-describedby="lines-hint">
          <legend style="font-weight:600">{t.lines_label}</legend>
          <p class={f.lines ? "error-text" : "hint"} id="lines-hint">
            {f.lines ?? t.lines_hint}
          </p>
          {order.lines.map((l) => (
            <div class="field">
              <label for={`qty-${l.line_no}`}>
                {l.name} <span class="mono muted">{l.sku}</span> ({fill("≤ {n}", { n: l.quantity })})
              </label>
              <input id={`qty-${l.line_no}`} name={`qty:${l.sku}`} type="number" min={0} max={l.quantity} inputmode="numeric" value={v.qty[l.sku] ?? ""} style="max-width:8em" />
            </div>
          ))}
        </fieldset>
        <div class="field">
          <label for="reason">{t.reason_label}</label>
          <textarea id="reason" name="reason" required maxlength={2000} aria-describedby={f.reason ? "reason-error" : undefined}>
            {v.reason}
          </textarea>
          {f.reason ? (
            <p class="error-text" id="reason-error">
              {f.reason}
            </p>
          ) : null}
        </div>
        <button type="submit">{t.open_button}</button>
      </form>
    </>,
  );
}

openPages.get("/console/after-sales/new", async (c) => {
  const refused = need(c, "after_sales:open");
  if (refused) return refused;
  return openPage(c, (c.req.query("order_id") ?? "").trim());
});

openPages.post("/console/after-sales/new", async (c) => {
  const refused = need(c, "after_sales:open");
  if (refused) return refused;
  const ui = uiOf(c);
  const t = words(ui.lang);
  const orderId = formValue(c, "order_id");
  const form = c.get("form") ?? {};
  const qty: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) if (name.startsWith("qty:") && typeof value === "string" && value.trim()) qty[name.slice(4)] = value.trim();
  const values: Values = { kind: formValue(c, "kind"), reason: formValue(c, "reason"), qty };
  const bad = Object.entries(qty).filter(([, n]) => !/^\d{1,6}$/.test(n));
  if (bad.length)
    return openPage(c, orderId, { values, fields: { lines: bad.map(([sku]) => sku).join(", ") }, problem: refusalText({ code: "validation_failed" }, ui.lang), status: 422 });
  const lines = Object.entries(qty)
    .map(([sku, n]) => ({ sku, quantity: Number(n) }))
    .filter((l) => l.quantity > 0);
  const r = await api<RequestT>(c, `/v1/orders/${orderId}/after-sales`, { body: { kind: values.kind, reason: values.reason, lines } });
  if (r.ok) return doneRedirect(c, `/console/after-sales/${r.body.id}`, { kind: "ok", text: t.opened_ok });
  const fields: Record<string, string> = {};
  for (const [k, m] of Object.entries(fieldProblems(r.body))) fields[k.replace(/^body\./, "").split(".")[0]!] = m;
  return openPage(c, orderId, { values, fields, problem: refusalText(r.body, ui.lang), status: r.status === 404 ? 404 : r.status === 422 || r.status === 400 ? 422 : 409 });
});
