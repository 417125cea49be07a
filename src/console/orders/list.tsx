/**
 * The order list: filters in the address bar (so a view can be saved and a link shared), one API page at a
 * time with the next cursor, and the ticked rows' bulk actions in one form posted to /console/orders/bulk.
 */
import { ORDER_STATUSES } from "../../orders/statuses";
import { allows } from "../../http/auth";
import type { SavedView } from "../../staff/saved-views";
import type { z } from "@hono/zod-openapi";
import { api, type Problem } from "../api";
import { formatsOf, storesOf, type ConsoleContext } from "../context";
import { need, uiOf } from "../guard";
import { fill } from "../i18n";
import { StoreSelect } from "../fields";
import { Csrf, renderPage } from "../layout";
import { dateTime, money } from "../format";
import { problemText } from "../problems";
import { orderStatusLabel } from "../text";
import { type Filters, filterQuery, filtersOf, listQueryOf } from "./filters";
import { customerLine, type OrderRow, orderRef, StatusBadge } from "./shared";
import { ORDERS_TEXT } from "./text";

type View = z.infer<typeof SavedView>;

export async function orderListPage(c: ConsoleContext, opts: { search?: string; viewName?: string; viewProblem?: string } = {}): Promise<Response> {
  const refused = need(c, "orders:read");
  if (refused) return refused;
  const ui = uiOf(c);
  const w = ORDERS_TEXT[ui.lang];
  const url = new URL(c.req.url);
  // A refused "save view" re-renders the list it was saved from: its filters come with the form.
  const params = opts.search !== undefined ? new URLSearchParams(opts.search) : url.searchParams;
  const filters = filtersOf(params);
  const cursor = params.get("cursor")?.slice(0, 200) || undefined;
  const [stores, formats] = await Promise.all([storesOf(c), formatsOf(c, filters.store_id)]);
  const q = listQueryOf(filters, formats.timeZone);
  let problem: string | undefined;
  let rows: OrderRow[] = [];
  let next: string | null = null;
  const viewsCall = api<{ data: View[] }>(c, "/v1/me/saved-views", { query: { page: "orders" } });
  if (q.ok) {
    // The saved views' call is already under way: the two go in parallel.
    const list = await api<{ data: OrderRow[]; next_cursor: string | null }>(c, "/v1/orders", { query: { ...q.query, cursor, limit: 50 } });
    if (list.ok) {
      rows = list.body.data;
      next = list.body.next_cursor;
    } else problem = fill(w.bad_filter, { why: filterProblem(list.body, ui.lang) });
  } else problem = fill(w.bad_filter, { why: q.field === "from" ? w.from : w.to });
  const views = await viewsCall;
  const zoneOf = new Map(stores.map((s) => [s.id, s.timezone]));
  const nameOf = new Map(stores.map((s) => [s.id, s.name]));
  const mayApprove = allows(ui.principal, "orders:transition:approve");
  const mayHold = allows(ui.principal, "orders:transition:hold");
  const mayExport = allows(ui.principal, "reports:read");
  const mayLabels = allows(ui.principal, "labels:read");
  const status = problem || opts.viewProblem ? 422 : 200;
  const here = filterQuery(filters);

  return renderPage(
    c,
    ui,
    { title: w.title, status },
    <div class="orders-area">
      <h1>{w.title}</h1>
      <section class="card" aria-labelledby="views-h">
        <h2 id="views-h">{w.saved_views}</h2>
        {views.ok && views.body.data.length ? (
          <ul class="actions saved-views">
            {views.body.data.map((v) => (
              <li>
                <a href={`/console/orders?${v.query}`}>{v.name}</a>
                <form method="post" action={`/console/orders/views/${encodeURIComponent(v.id)}/delete`}>
                  <Csrf ui={ui} />
                  <button type="submit" class="link" aria-label={fill(w.delete_view, { name: v.name })} title={fill(w.delete_view, { name: v.name })}>
                    ×
                  </button>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{w.no_saved_views}</p>
        )}
        <form method="post" action="/console/orders/views" class="filters">
          <Csrf ui={ui} />
          <input type="hidden" name="query" value={here} />
          <div class="field">
            <label for="view-name">{w.view_name}</label>
            <input id="view-name" name="name" maxlength={60} required value={opts.viewName ?? ""} aria-invalid={opts.viewProblem ? "true" : undefined} />
            {opts.viewProblem ? <p class="error-text">{opts.viewProblem}</p> : null}
          </div>
          <button type="submit" class="secondary">
            {w.save_view}
          </button>
        </form>
      </section>

      <FilterForm c={c} filters={filters} stores={stores} />
      {problem ? (
        <div class="flash bad" role="alert">
          {problem}
        </div>
      ) : null}

      <form method="post" action="/console/orders/bulk" id="bulk">
        <Csrf ui={ui} />
        <input type="hidden" name="back" value={`/console/orders${here ? `?${here}` : ""}`} />
        <input type="hidden" name="query" value={here} />
        {rows.length ? (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th scope="col">
                    <label class="visually-hidden" for="select-all">
                      {w.select_all}
                    </label>
                    <input type="checkbox" id="select-all" data-select-all="ids" />
                  </th>
                  <th scope="col">{w.order}</th>
                  <th scope="col">{ui.t.store}</th>
                  <th scope="col">{ui.t.channel}</th>
                  <th scope="col">{ui.t.created}</th>
                  <th scope="col">{ui.t.customer}</th>
                  <th scope="col">{ui.t.total}</th>
                  <th scope="col">{ui.t.status}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((o) => (
                  <tr>
                    <td data-label={w.select}>
                      <input type="checkbox" name="ids" value={o.id} id={`pick-${o.id}`} aria-label={`${w.select} ${orderRef(o)}`} />
                    </td>
                    <td data-label={w.order}>
                      <a href={`/console/orders/${o.id}`}>{orderRef(o)}</a>
                      {o.external_id ? <div class="muted mono">{o.id}</div> : null}
                    </td>
                    <td data-label={ui.t.store}>{nameOf.get(o.store_id) ?? o.store_id}</td>
                    <td data-label={ui.t.channel}>{o.channel}</td>
                    <td data-label={ui.t.created}>{dateTime(o.created_at, zoneOf.get(o.store_id) ?? formats.timeZone, ui.lang)}</td>
                    <td data-label={ui.t.customer}>{customerLine(o) || <span class="muted">{w.not_shown}</span>}</td>
                    <td data-label={ui.t.total} class="nowrap">
                      {money(o.total_amount, o.currency, ui.lang)}
                    </td>
                    <td data-label={ui.t.status}>
                      <StatusBadge t={ui.t} status={o.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="card muted">{problem ? "" : w.none_found}</p>
        )}
        <nav class="pager" aria-label={w.title}>
          {cursor ? <a href={`/console/orders${here ? `?${here}` : ""}`}>{ui.t.first_page}</a> : <span />}
          {next ? <a href={`/console/orders?${filterQuery(filters, { cursor: next })}`}>{ui.t.next_page}</a> : null}
        </nav>
        {rows.length ? (
          <fieldset class="card">
            <legend>{w.selected_actions}</legend>
            <div class="filters">
              {mayHold ? (
                <div class="field">
                  <label for="hold-reason">{w.hold_reason}</label>
                  <input id="hold-reason" name="reason" maxlength={500} />
                </div>
              ) : null}
            </div>
            <div class="actions">
              {mayApprove ? (
                <button type="submit" name="action" value="approve">
                  {w.approve}
                </button>
              ) : null}
              {mayHold ? (
                <button type="submit" name="action" value="hold" class="secondary">
                  {w.hold}
                </button>
              ) : null}
              {mayLabels ? (
                <button type="submit" name="action" value="labels" class="secondary">
                  {w.print_labels}
                </button>
              ) : null}
              {mayExport ? (
                <button type="submit" name="action" value="csv" class="secondary">
                  {w.export_selected}
                </button>
              ) : null}
              {mayExport ? (
                <button type="submit" name="action" value="csv_all" class="secondary">
                  {w.export_all}
                </button>
              ) : null}
            </div>
          </fieldset>
        ) : null}
      </form>
    </div>,
  );
}

function filterProblem(p: Problem, lang: "en" | "zh-CN"): string {
  const fields = (p.errors ?? []).map((e) => `${e.field}: ${e.message}`).join("; ");
  return fields || problemText(p, lang);
}

function FilterForm({ c, filters, stores }: { c: ConsoleContext; filters: Filters; stores: { id: string; name: string }[] }) {
  const ui = uiOf(c);
  const w = ORDERS_TEXT[ui.lang];
  const input = (name: keyof Filters, label: string, type = "text", extra: Record<string, unknown> = {}) => (
    <div class="field">
      <label for={`f-${name}`}>{label}</label>
      <input id={`f-${name}`} name={name} type={type} value={filters[name] ?? ""} {...extra} />
    </div>
  );
  return (
    <search>
      <form method="get" action="/console/orders" class="card">
        {/* Above the fields, not below: after the grid it sat under whichever field ended it (SKU), not the dates and totals it is about. */}
        <p class="hint">
          <span id="dates-hint">{w.dates_hint}</span> <span id="amount-hint">{w.amount_hint}</span>
        </p>
        <div class="filters">
          {input("q", w.search_label, "search", { maxlength: 100 })}
          <div class="field">
            <label for="f-status">{ui.t.status}</label>
            <select id="f-status" name="status">
              <option value="">{w.status_any}</option>
              {ORDER_STATUSES.map((s) => (
                <option value={s} selected={filters.status === s}>
                  {orderStatusLabel(ui.t, s)}
                </option>
              ))}
            </select>
          </div>
          <StoreSelect id="f-store_id" name="store_id" label={ui.t.store} anyLabel={w.store_any} stores={stores} selected={filters.store_id} />
          {input("channel", w.channel, "text", { maxlength: 32 })}
          {input("from", w.from, "date", { "aria-describedby": "dates-hint" })}
          {input("to", w.to, "date", { "aria-describedby": "dates-hint" })}
          {input("total_min", w.total_min, "text", { inputmode: "decimal", "aria-describedby": "amount-hint" })}
          {input("total_max", w.total_max, "text", { inputmode: "decimal", "aria-describedby": "amount-hint" })}
          {input("sku", w.sku, "text", { maxlength: 64 })}
          {input("customer", w.customer, "text", { maxlength: 254 })}
          {input("reason", w.reason, "text", { maxlength: 64 })}
        </div>
        <div class="actions">
          <button type="submit">{ui.t.apply}</button>
          <a href="/console/orders">{ui.t.reset}</a>
        </div>
      </form>
    </search>
  );
}
