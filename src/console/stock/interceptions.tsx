/**
 * Interceptions: shipments stopped on the floor (their order was cancelled
 * or its address changed, or someone stopped them by hand), and what the
 * floor does about each: put picked goods of cancelled orders back in their
 * bins, or let work continue where it stopped. A lead may also stop a
 * shipment by scanning its id.
 */
import type { z } from "@hono/zod-openapi";
import type { Shipment } from "../../fulfilment/schemas";
import { allows } from "../../http/auth";
import { api } from "../api";
import type { ConsoleContext } from "../context";
import { doneRedirect, formValue } from "../guard";
import { fill } from "../i18n";
import { Csrf } from "../layout";
import { problemText } from "../problems";
import { shipmentStatusLabel } from "../text";
import { Field } from "../fields";
import { type StockScreen, stockPage, whLink } from "./frame";
import type { StockText } from "./text";

type ShipmentView = z.infer<typeof Shipment>;

/** The one way out the API will take: goods of a cancelled order must go back first; otherwise work continues. */
export function resolutionOf(s: Pick<ShipmentView, "items">): "restock" | "release" {
  const live = s.items.filter((i) => !i.cancelled);
  return live.length === 0 || s.items.some((i) => i.cancelled && i.picked > 0) ? "restock" : "release";
}

/** A refusal's code in the reader's words, where we have them. */
function codeText(s: StockText, lang: "en" | "zh-CN", body: { code?: string; detail?: string }): string {
  const ours = body.code ? (s as Record<string, string>)[body.code] : undefined;
  return ours ?? problemText(body, lang);
}

type InterceptForm = { shipment: string; reason: string };

export async function interceptionsPage(
  c: ConsoleContext,
  screen: StockScreen,
  opts: { form?: InterceptForm; errors?: Record<string, string>; status?: 404 | 409 | 422 } = {},
): Promise<Response> {
  const { ui, s, wh } = screen;
  const list = await api<{ data: ShipmentView[] }>(c, "/v1/shipments", { query: { warehouse_id: wh.id, intercepted: "true", limit: 100 } });
  const rows = list.ok ? list.body.data : [];
  const mayResolve = allows(ui.principal, "picking:execute");
  const mayIntercept = allows(ui.principal, "shipments:intercept");
  const e = opts.errors ?? {};
  return stockPage(
    c,
    screen,
    { title: s.interceptions_title, intro: s.interceptions_intro, ...(opts.status ? { status: opts.status } : {}) },
    <>
      {opts.status ? (
        <div class="flash bad" role="alert">
          {e.top ?? s.fix_below}
        </div>
      ) : null}
      {rows.length === 0 ? (
        <p class="card">{s.interceptions_empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack stock-stack">
            <thead>
              <tr>
                <th scope="col">{s.shipment}</th>
                <th scope="col">{s.orders}</th>
                <th scope="col">{s.stopped_at}</th>
                <th scope="col">{ui.t.reason}</th>
                <th scope="col">{s.items}</th>
                {mayResolve ? <th scope="col">{ui.t.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((sh) => {
                const way = resolutionOf(sh);
                return (
                  <tr>
                    <td data-label={s.shipment} class="mono">
                      {sh.id}
                    </td>
                    <td data-label={s.orders}>
                      {sh.order_ids.map((o) => (
                        <div>
                          <a href={`/console/orders/${o}`} class="mono">
                            {o}
                          </a>
                        </div>
                      ))}
                    </td>
                    <td data-label={s.stopped_at}>
                      <span class="badge warn">{sh.intercepted_from ? shipmentStatusLabel(ui.t, sh.intercepted_from) : "—"}</span>
                    </td>
                    <td data-label={ui.t.reason}>{sh.intercept_reason ?? ""}</td>
                    <td data-label={s.items}>
                      {sh.items.map((i) => (
                        <div>
                          <span class="mono">{`${i.sku} × ${i.quantity}`}</span> <span class="muted">{`${s.bin} ${i.bin} · ${fill(s.picked_n, { n: i.picked })}`}</span>
                          {i.cancelled ? <span class="badge bad"> {s.cancelled_item}</span> : null}
                        </div>
                      ))}
                    </td>
                    {mayResolve ? (
                      <td data-label={ui.t.actions}>
                        <form method="post" action="/console/stock/interceptions/resolve">
                          <Csrf ui={ui} />
                          <input type="hidden" name="warehouse" value={wh.id} />
                          <input type="hidden" name="shipment" value={sh.id} />
                          <input type="hidden" name="action" value={way} />
                          <label for={`note-${sh.id}`}>{s.resolve_note}</label>
                          <input id={`note-${sh.id}`} name="note" autocomplete="off" />
                          <p class="hint">{way === "restock" ? s.restock_hint : s.release_hint}</p>
                          <button type="submit">{way === "restock" ? s.restock : s.release}</button>
                        </form>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {mayIntercept ? (
        <form method="post" action="/console/stock/interceptions/intercept" class="card stock-form" novalidate>
          <Csrf ui={ui} />
          <input type="hidden" name="warehouse" value={wh.id} />
          <h2>{s.intercept_title}</h2>
          <p class="hint">{s.intercept_intro}</p>
          <Field id="shipment" label={s.shipment_id} value={opts.form?.shipment} error={e.shipment} scan next required />
          <Field id="reason" label={ui.t.reason} hint={s.intercept_reason_hint} value={opts.form?.reason} error={e.reason} required />
          <div class="actions">
            <button type="submit" class="danger">
              {s.intercept_button}
            </button>
          </div>
        </form>
      ) : null}
    </>,
  );
}

export async function resolve(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { ui, s, wh } = screen;
  const id = formValue(c, "shipment");
  const action = formValue(c, "action") === "restock" ? "restock" : "release";
  const note = formValue(c, "note");
  const back = whLink("/console/stock/interceptions", wh.id);
  const r = await api<ShipmentView>(c, `/v1/shipments/${encodeURIComponent(id)}/interception/resolve`, { body: { action, ...(note ? { note } : {}) } });
  if (!r.ok) return doneRedirect(c, back, { kind: "bad", text: codeText(s, ui.lang, r.body) });
  const status = shipmentStatusLabel(ui.t, r.body.status);
  return doneRedirect(c, back, { kind: "ok", text: fill(action === "restock" ? s.restocked_ok : s.released_ok, { id, status }) });
}

export async function intercept(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { ui, s, wh } = screen;
  const form = { shipment: formValue(c, "shipment"), reason: formValue(c, "reason") };
  const errors: Record<string, string> = {};
  if (!form.shipment) errors.shipment = s.required;
  if (!form.reason) errors.reason = s.required;
  if (Object.keys(errors).length) return interceptionsPage(c, screen, { form, errors, status: 422 });
  const r = await api<ShipmentView>(c, `/v1/shipments/${encodeURIComponent(form.shipment)}/intercept`, { body: { reason: form.reason } });
  if (!r.ok) {
    // A scan that is not a shipment id at all is as unknown as one that is not in the reader's warehouses.
    const unknown = r.status === 404 || (r.body.errors ?? []).some((x) => /(^|\.)id$/.test(x.field));
    const text = unknown ? s.no_such_shipment : codeText(s, ui.lang, r.body);
    return interceptionsPage(c, screen, { form, errors: { shipment: text, top: text }, status: r.status === 404 ? 404 : r.status === 409 ? 409 : 422 });
  }
  return doneRedirect(c, whLink("/console/stock/interceptions", wh.id), { kind: "ok", text: fill(s.intercepted_ok, { id: form.shipment }) });
}
