/**
 * Replenishment for one warehouse and one of the stores it ships for: the
 * API's suggestions (order, or move stock from a warehouse with more than it
 * needs) with the numbers behind each and why, and one action that turns the
 * chosen suggestions to order into draft purchase orders, one per supplier.
 * The API counts stock in transit to this warehouse as on order and says how
 * much of it is in transit; the table shows the two apart.
 */
import type { z } from "@hono/zod-openapi";
import { allows } from "../../http/auth";
import type { DraftsMade, PurchaseOrder, ReplenishmentList } from "../../procurement/schemas";
import { api } from "../api";
import { type ConsoleContext, storesOf } from "../context";
import { Field } from "../fields";
import { count } from "../format";
import { doneRedirect, formValue, formValues } from "../guard";
import { fill } from "../i18n";
import { Csrf } from "../layout";
import { problemText } from "../problems";
import { type DayFilter, parseDays } from "./forms";
import { type StockScreen, stockPage, whLink, wordsOf } from "./frame";
import { explain, type SuggestionView } from "./replenishment-words";
import type { StockText } from "./text";

type Filters = { store: string; include_none: boolean } & Record<DayFilter, string>;
type Status = 200 | 403 | 404 | 409 | 422;

const DAYS: DayFilter[] = ["window_days", "safety_days", "cover_days"];
const ACTION_BADGE: Record<SuggestionView["action"], string> = { order: "warn", transfer: "info", no_supplier: "bad", none: "" };

export function filtersFrom(get: (name: string) => string): Filters {
  return { store: get("store"), include_none: get("include_none") === "true", window_days: get("window_days"), safety_days: get("safety_days"), cover_days: get("cover_days") };
}

const linkOf = (wh: string, f: Filters, extra: Record<string, string> = {}) =>
  whLink("/console/stock/replenishment", wh, {
    ...(f.store ? { store: f.store } : {}),
    ...Object.fromEntries(DAYS.filter((d) => f[d]).map((d) => [d, f[d]])),
    ...(f.include_none ? { include_none: "true" } : {}),
    ...extra,
  });

function ActionCell({ s, x, link, whName }: { s: StockText; x: SuggestionView; link: string | null; whName: (id: string) => string }) {
  const label = (s as Record<string, string>)[`action_${x.action}`] ?? x.action;
  return (
    <>
      <span class={`badge ${ACTION_BADGE[x.action]}`.trim()}>{label}</span> {x.quantity > 0 ? <strong>{x.quantity}</strong> : null}
      {x.action === "transfer" && x.transfer_from ? <span class="muted"> {fill(s.transfer_from, { warehouse: whName(x.transfer_from) })}</span> : null}
      {link ? (
        <>
          <br />
          <a href={link}>{s.prepare_transfer}</a>
        </>
      ) : null}
    </>
  );
}

export async function replenishmentPage(
  c: ConsoleContext,
  screen: StockScreen,
  opts: { filters: Filters; chosen?: string[]; problem?: string; status?: Status; made?: string[] },
): Promise<Response> {
  const { ui, s, wh, warehouses } = screen;
  const all = await storesOf(c);
  const stores = all.filter((st) => wh.store_ids.includes("*") || wh.store_ids.includes(st.id));
  const f = { ...opts.filters, store: stores.some((st) => st.id === opts.filters.store) ? opts.filters.store : (stores[0]?.id ?? "") };
  if (!f.store) return stockPage(c, screen, { title: s.replenishment_title }, <p class="card">{s.no_store}</p>);
  const days = parseDays(f);
  const errors = wordsOf(s, days.errors);
  const bad = Object.keys(errors).length > 0;
  const [list, made] = await Promise.all([
    bad
      ? Promise.resolve(null)
      : api<z.infer<typeof ReplenishmentList>>(c, "/v1/replenishment", {
          query: { store_id: f.store, warehouse_id: wh.id, ...days.values, include_none: f.include_none ? "true" : undefined },
        }),
    Promise.all((opts.made ?? []).slice(0, 20).map((id) => api<z.infer<typeof PurchaseOrder>>(c, `/v1/purchase-orders/${encodeURIComponent(id)}`))),
  ]);
  const problem = opts.problem ?? (list && !list.ok ? problemText(list.body, ui.lang) : undefined);
  const rows = list?.ok ? list.body.data : [];
  const params = list?.ok ? list.body.params : { window_days: days.values.window_days, safety_days: days.values.safety_days, cover_days: days.values.cover_days };
  const whName = (id: string) => warehouses.find((w) => w.id === id)?.name ?? id;
  const mayOrder = allows(ui.principal, "procurement:manage");
  const mayTransfer = allows(ui.principal, "inventory:write");
  const chosen = new Set(opts.chosen ?? []);
  const status: Status = opts.status ?? (bad ? 422 : list && !list.ok ? (list.status === 403 ? 403 : 422) : 200);
  return stockPage(
    c,
    screen,
    { title: s.replenishment_title, status, intro: s.replenishment_intro },
    <>
      {problem ? (
        <div class="flash bad" role="alert">
          {problem}
        </div>
      ) : null}
      {made.length ? (
        <div class="card" role="status">
          <p>{s.drafts_made}</p>
          <ul>
            {made.map((m, i) =>
              m.ok ? (
                <li>
                  <a href={`/console/purchasing/orders/${encodeURIComponent(m.body.id)}`}>{m.body.id}</a>
                  {` · ${m.body.supplier_name} · ${m.body.lines.map((l) => `${l.sku} × ${count(l.quantity, ui.lang)}`).join(", ")}`}
                </li>
              ) : (
                <li>
                  <a href={`/console/purchasing/orders/${encodeURIComponent(opts.made![i]!)}`}>{opts.made![i]}</a>
                </li>
              ),
            )}
          </ul>
        </div>
      ) : null}
      <form method="get" action="/console/stock/replenishment" class="filters card">
        <input type="hidden" name="warehouse" value={wh.id} />
        {stores.length > 1 ? (
          <div class="field">
            <label for="r-store">{s.store}</label>
            <select id="r-store" name="store">
              {stores.map((st) => (
                <option value={st.id} selected={st.id === f.store}>
                  {st.name}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <input type="hidden" name="store" value={f.store} />
        )}
        <Field id="window_days" label={s.window_days} value={f.window_days || String(params.window_days)} error={errors.window_days} inputmode="numeric" />
        <Field id="safety_days" label={s.safety_days} value={f.safety_days || String(params.safety_days)} error={errors.safety_days} inputmode="numeric" />
        <Field id="cover_days" label={s.cover_days} value={f.cover_days || String(params.cover_days)} error={errors.cover_days} inputmode="numeric" />
        <div class="field">
          <label>
            <input type="checkbox" name="include_none" value="true" checked={f.include_none} /> {s.include_none}
          </label>
        </div>
        <div class="actions">
          <button type="submit">{ui.t.filter}</button>
        </div>
      </form>
      {stores.length === 1 ? <p class="muted">{`${s.store}: ${stores[0]!.name}`}</p> : null}
      {list?.ok && rows.length === 0 ? <p class="card">{s.suggestions_empty}</p> : null}
      {rows.length ? (
        <form method="post" action="/console/stock/replenishment/purchase-orders" novalidate>
          <Csrf ui={ui} />
          <input type="hidden" name="warehouse" value={wh.id} />
          <input type="hidden" name="store" value={f.store} />
          {DAYS.map((d) => (
            <input type="hidden" name={d} value={String(params[d])} />
          ))}
          {f.include_none ? <input type="hidden" name="include_none" value="true" /> : null}
          <input type="hidden" name="_idem" value={crypto.randomUUID()} />
          <div class="table-wrap">
            <table class="stack stock-stack replenishment">
              <thead>
                <tr>
                  {mayOrder ? <th scope="col">{s.choose}</th> : null}
                  <th scope="col">{s.product}</th>
                  <th scope="col" class="num">
                    {`${s.on_hand} /`}
                    <br />
                    {`${s.reserved} /`}
                    <br />
                    {s.available}
                  </th>
                  <th scope="col" class="num">
                    {s.on_order}
                  </th>
                  <th scope="col" class="num">
                    {s.in_transit}
                  </th>
                  <th scope="col" class="num">
                    {s.velocity}
                  </th>
                  <th scope="col" class="num">
                    {s.lead_time}
                  </th>
                  <th scope="col" class="num">
                    {s.reorder_point}
                  </th>
                  <th scope="col">{s.suggested}</th>
                  <th scope="col">{s.supplier}</th>
                  <th scope="col">{s.why}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((x) => {
                  const link =
                    x.action === "transfer" && x.transfer_from && mayTransfer && warehouses.some((w) => w.id === x.transfer_from)
                      ? whLink("/console/stock/transfers/new", x.transfer_from, { to: wh.id, sku: x.sku, quantity: String(x.quantity) })
                      : null;
                  return (
                    <tr>
                      {mayOrder ? (
                        <td data-label={s.choose}>
                          {x.action === "order" ? (
                            <input type="checkbox" name="sku" value={x.sku} id={`pick-${x.sku}`} checked={chosen.has(x.sku)} aria-label={fill(s.choose_sku, { sku: x.sku })} />
                          ) : null}
                        </td>
                      ) : null}
                      <td data-label={s.product} class="product">
                        <div>
                          <span class="mono">{x.sku}</span>
                          <br />
                          <span class="muted">{x.name}</span>
                        </div>
                      </td>
                      <td data-label={`${s.on_hand} / ${s.reserved} / ${s.available}`} class="num nums">
                        {`${count(x.on_hand, ui.lang)} / ${count(x.reserved, ui.lang)} / `}
                        <strong>{count(x.available, ui.lang)}</strong>
                      </td>
                      <td data-label={s.on_order} class="num">
                        {count(x.on_order - x.in_transit, ui.lang)}
                      </td>
                      <td data-label={s.in_transit} class="num">
                        {count(x.in_transit, ui.lang)}
                      </td>
                      <td data-label={s.velocity} class="num">
                        {count(x.velocity, ui.lang)}
                      </td>
                      <td data-label={s.lead_time} class="num">
                        {x.lead_time_days === null ? "—" : fill(s.days_n, { n: count(x.lead_time_days, ui.lang) })}
                      </td>
                      <td data-label={s.reorder_point} class="num">
                        {count(x.reorder_point, ui.lang)}
                      </td>
                      <td data-label={s.suggested}>
                        <div>
                          <ActionCell s={s} x={x} link={link} whName={whName} />
                        </div>
                      </td>
                      <td data-label={s.supplier}>{x.supplier_id ? <a href={`/console/purchasing/suppliers/${encodeURIComponent(x.supplier_id)}`}>{x.supplier_name}</a> : "—"}</td>
                      <td data-label={s.why} class="why">
                        {ui.lang === "en" ? x.explanation : explain(s, ui.lang, x, params, { warehouse: whName })}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {mayOrder && rows.some((x) => x.action === "order") ? (
            <div class="card stock-form">
              <p class="hint">{s.create_drafts_hint}</p>
              <div class="actions">
                <button type="submit">{s.create_drafts}</button>
              </div>
            </div>
          ) : null}
        </form>
      ) : null}
    </>,
  );
}

export async function createDrafts(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { ui, s, wh, warehouses } = screen;
  const filters = filtersFrom((n) => formValue(c, n));
  const chosen = formValues(c, "sku");
  if (!chosen.length) return replenishmentPage(c, screen, { filters, problem: s.choose_one, status: 422 });
  const days = parseDays(filters);
  const idem = formValue(c, "_idem");
  const r = await api<z.infer<typeof DraftsMade>>(c, "/v1/replenishment/purchase-orders", {
    body: { store_id: filters.store, warehouse_id: wh.id, skus: chosen, ...days.values },
    ...(idem ? { headers: { "idempotency-key": `console-replenish-${idem}` } } : {}),
  });
  if (!r.ok) {
    const fields = (r.body.errors ?? []).map((e) => `${e.field}: ${e.message}`).join("; ");
    const text = problemText(r.body, ui.lang);
    return replenishmentPage(c, screen, {
      filters,
      chosen,
      problem: fields && ui.lang === "en" ? `${text} ${fields}` : text,
      status: r.status === 403 ? 403 : r.status === 409 ? 409 : 422,
    });
  }
  const whName = (id: string) => warehouses.find((w) => w.id === id)?.name ?? id;
  const skipped = r.body.skipped.map((k) => {
    const q = /^move (\d+) from/.exec(k.reason)?.[1] ?? "";
    const from = / from (\S+) instead$/.exec(k.reason)?.[1] ?? "";
    return k.action === "transfer" ? fill(s.skipped_transfer, { sku: k.sku, quantity: q, warehouse: whName(from) }) : fill(s.skipped_no_supplier, { sku: k.sku });
  });
  const made = r.body.data.map((d) => d.id);
  const text = [made.length ? `${s.drafts_made} ${made.join(", ")}` : s.drafts_none, ...skipped].join(" ");
  return doneRedirect(c, linkOf(wh.id, filters, made.length ? { made: made.join(",") } : {}), { kind: made.length && !skipped.length ? "ok" : "warn", text });
}
