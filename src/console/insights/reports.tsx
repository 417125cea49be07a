/**
 * Every report as a table with its filters, one page at a time, and a
 * "Download CSV" of all its rows: the console asks the API for `format=csv`
 * (or the order export) as the signed-in person and streams the answer
 * through, so the download works with the session cookie.
 */
import type { Child } from "hono/jsx";
import { dayStart } from "../../analytics/time-zones";
import { addDays } from "../../analytics/time-zones";
import { allows } from "../../http/auth";
import { api, apiRaw, withQuery, type Problem } from "../api";
import type { ConsoleContext, Ui } from "../context";
import { count, dateTime, duration, money } from "../format";
import { need, notFoundPage, uiOf } from "../guard";
import { fill, fillCount, type Lang } from "../i18n";
import { StoreSelect } from "../fields";
import { renderPage } from "../layout";
import { problemText } from "../problems";
import { orderStatusLabel } from "../text";
import { type Column, EXPORT_STATUSES, GROUP_COLUMNS, REPORTS, type ReportDef, reportOf } from "./catalog";
import { refusalText } from "./dashboard";
import { type Asked, periodOf, type Scope, scopeOf } from "./filters";
import { codeLabel, columnLabel, type InsightsText, TEXT } from "./text";
import type { StockRow } from "./valuation";
import { Valuation, WarehouseSelect } from "./valuation-view";
import { DataTable, dayLabel, percent } from "./view";

const PAGE_SIZE = 50;
type Row = Record<string, unknown>;

export async function reportsIndexPage(c: ConsoleContext): Promise<Response> {
  const refused = need(c, "reports:read");
  if (refused) return refused;
  const ui = uiOf(c);
  const tx = TEXT[ui.lang];
  const all = [...REPORTS.map((r) => r.id), "order-export"];
  const tr = tx as Record<string, string>;
  return renderPage(
    c,
    ui,
    { title: tx.reports_title },
    <div class="insights">
      <h1>{tx.reports_title}</h1>
      <p>{tx.reports_intro}</p>
      <ul class="report-list">
        {all.map((id) => (
          <li class="card">
            <h2>
              <a href={`/console/reports/${id}`}>{tr[`r_${id}`]}</a>
            </h2>
            <p class="muted">{tr[`r_${id}_d`]}</p>
            <a class="button secondary" href={`/console/reports/${id}/csv`} data-download={id}>
              {ui.t.download_csv}
              <span class="visually-hidden">: {tr[`r_${id}`]}</span>
            </a>
          </li>
        ))}
      </ul>
    </div>,
  );
}

/** What the reader asked for, read from the page's query (the same for the table and its CSV). */
type ReportAsk = Asked & { groupBy: string[]; filters: Record<string, string>; cursor: string };

function reportAsk(c: ConsoleContext, def: ReportDef | null): ReportAsk {
  const groupBy = (c.req.queries("group_by") ?? []).flatMap((g) => g.split(",")).filter(Boolean);
  const filters = Object.fromEntries((def?.filters ?? []).map((f) => [f.name, (c.req.query(f.name) ?? "").trim()]));
  return { period: "", from: c.req.query("from") ?? "", to: c.req.query("to") ?? "", store: c.req.query("store") ?? "", groupBy, filters, cursor: c.req.query("cursor") ?? "" };
}

/** The console's query string for the same report (for links: the CSV, the next page). */
function consoleQuery(ask: ReportAsk, extra: Record<string, string> = {}): Record<string, string | readonly string[]> {
  return { from: ask.from, to: ask.to, store: ask.store, group_by: ask.groupBy, ...ask.filters, ...extra };
}

type Checked = { ok: true; scope: Scope; query: Record<string, string | number | undefined> } | { ok: false; scope?: Scope; message: string };

/** Checks the dates and the store before the API is asked; the API checks the rest (and says which field). */
async function apiQueryOf(c: ConsoleContext, def: ReportDef, ask: ReportAsk, tx: InsightsText): Promise<Checked> {
  let range: { from?: string; to?: string } = {};
  let scope: Scope | undefined;
  if (def.ranged) {
    const p = await periodOf(c, { ...ask, period: ask.from || ask.to ? "custom" : "7d" });
    if (!p.ok) return { ok: false, scope: p.scope, message: refusalText(tx, p.refusal) };
    scope = p.scope;
    range = { from: p.period.from, to: p.period.to };
    ask.from ||= p.period.from;
    ask.to ||= p.period.to;
  } else {
    const s = await scopeOf(c, ask.store);
    if (!s.ok) return { ok: false, message: refusalText(tx, s.refusal) };
    scope = s.scope;
  }
  return {
    ok: true,
    scope,
    query: { ...range, store_id: def.byStore === false ? undefined : scope.store?.id, group_by: ask.groupBy.join(",") || undefined, ...ask.filters },
  };
}

/** Warehouse names for a report grouped by warehouse; ids stay where the reader may not list warehouses. */
async function warehouseNames(c: ConsoleContext, columns: readonly Column[]): Promise<Map<string, string>> {
  if (!columns.some(([, kind]) => kind === "warehouse") || !allows(uiOf(c).principal, "warehouses:read")) return new Map();
  const r = await api<{ data: { id: string; name: string }[] }>(c, "/v1/warehouses", { query: { limit: 200 } });
  return new Map(r.ok ? r.body.data.map((w) => [w.id, w.name]) : []);
}

function cell(kind: Column[1], name: string, row: Row, ctx: { lang: Lang; tx: InsightsText; ui: Ui; scope: Scope; warehouses: Map<string, string> }): Child {
  const v = row[name];
  const { lang } = ctx;
  const store = (id: unknown) => ctx.scope.stores.find((s) => s.id === id);
  if (v === null || v === undefined) {
    if (kind === "warehouse") return ctx.tx.warehouse_none;
    if (kind === "code") return codeLabel(lang, "code", null);
    if (kind === "actor") return String(row.actor ?? "");
    if (kind === "worker") return String(row.worker ?? "");
    return "–";
  }
  switch (kind) {
    case "count":
      return count(Number(v), lang);
    case "money":
      return money(String(v), String(row.currency ?? ctx.scope.currency), lang);
    case "ms":
      return duration(Number(v), lang);
    case "rate":
      return percent(Number(v), lang);
    case "day":
      return dayLabel(String(v), lang);
    case "hour":
      return String(v).replace("T", " ");
    case "store":
      return store(v)?.name ?? String(v);
    case "warehouse":
      return ctx.warehouses.get(String(v)) ?? String(v);
    case "text":
      return String(v);
    case "mono":
      return <span class="mono">{String(v)}</span>;
    case "order":
      return (
        <a class="mono" href={`/console/orders/${encodeURIComponent(String(v))}`}>
          {String(v)}
        </a>
      );
    case "bool":
      return v ? ctx.ui.t.yes : ctx.ui.t.no;
    case "datetime":
      return dateTime(String(v), store(row.store_id)?.timezone ?? ctx.scope.timeZone, lang);
    case "actor":
    case "worker":
      return String(v);
    case "supplier":
      return ctx.ui.principal && allows(ctx.ui.principal, "procurement:read") && typeof row.supplier_id === "string" ? (
        <a href={`/console/purchasing/suppliers/${encodeURIComponent(row.supplier_id)}`}>{String(v)}</a>
      ) : (
        String(v)
      );
    default:
      return codeLabel(lang, kind, String(v));
  }
}

function ReportForm({
  def,
  ask,
  ui,
  tx,
  scope,
  warehouses,
}: {
  def: ReportDef;
  ask: ReportAsk;
  ui: Ui;
  tx: InsightsText;
  scope: Scope | undefined;
  warehouses: Map<string, string>;
}) {
  return (
    <form method="get" action={`/console/reports/${def.id}`} class="card" aria-label={tx.filters}>
      {/* The days' note goes above the fields: below them it sat under the last one (the store), not the dates. */}
      {def.utcDays ? <p class="hint">{tx.utc_days}</p> : null}
      <div class="filters">
        {def.ranged ? (
          <>
            <div class="field">
              <label for="from">{ui.t.from}</label>
              <input id="from" name="from" type="date" value={ask.from} />
            </div>
            <div class="field">
              <label for="to">{ui.t.to}</label>
              <input id="to" name="to" type="date" value={ask.to} />
            </div>
          </>
        ) : null}
        {def.byStore === false ? null : <StoreSelect id="store" name="store" label={ui.t.store} anyLabel={tx.all_stores} stores={scope?.stores ?? []} selected={ask.store} />}
        {def.filters.map((f) => (
          <div class="field">
            <label for={`f-${f.name}`}>{columnLabel(ui.lang, f.name)}</label>
            {f.kind === "warehouse" && warehouses.size ? (
              <WarehouseSelect id={`f-${f.name}`} name={f.name} anyLabel={tx.all_warehouses} warehouses={warehouses} selected={ask.filters[f.name] ?? ""} />
            ) : f.kind === "select" ? (
              <select id={`f-${f.name}`} name={f.name}>
                <option value="">{tx.any}</option>
                {f.options.map((o) => (
                  <option value={o} selected={ask.filters[f.name] === o}>
                    {codeLabel(ui.lang, f.code, o)}
                  </option>
                ))}
              </select>
            ) : (
              // The hint goes between the label and the box: the filters line their boxes up at the bottom, and a hint
              // under one box would lift it above its neighbours.
              <>
                <p class="hint" id={`f-${f.name}-hint`}>
                  {tx.values_comma}
                </p>
                <input id={`f-${f.name}`} name={f.name} value={ask.filters[f.name] ?? ""} aria-describedby={`f-${f.name}-hint`} />
              </>
            )}
          </div>
        ))}
      </div>
      {def.dims.length ? (
        <fieldset class="group-by">
          <legend>{tx.group_by}</legend>
          {def.dims.map((d) => (
            <label class="check">
              <input type="checkbox" name="group_by" value={d} checked={ask.groupBy.includes(d)} /> {columnLabel(ui.lang, d)}
            </label>
          ))}
        </fieldset>
      ) : null}
      <div class="actions">
        <button type="submit">{tx.show}</button>
      </div>
    </form>
  );
}

export async function reportPage(c: ConsoleContext): Promise<Response> {
  const refused = need(c, "reports:read");
  if (refused) return refused;
  const id = c.req.param("name") ?? "";
  if (id === "order-export") return orderExportPage(c);
  const def = reportOf(id);
  if (!def) return notFoundPage(c);
  const ui = uiOf(c);
  const tx = TEXT[ui.lang];
  const title = (tx as Record<string, string>)[`r_${def.id}`] ?? def.id;
  const ask = reportAsk(c, def);
  const columns = [...def.dims.filter((d) => ask.groupBy.includes(d)).map((d) => GROUP_COLUMNS[d]!), ...def.columns];
  const [checked, warehouses] = await Promise.all([apiQueryOf(c, def, ask, tx), warehouseNames(c, columns)]);
  let status: 200 | 400 | 403 | 404 = 200;
  let body: Child;
  if (!checked.ok) {
    status = 400;
    body = <Refusal text={checked.message} tx={tx} lang={ui.lang} />;
  } else {
    const r = await api<{ data: Row[]; next_cursor?: string | null }>(c, def.api, { query: { ...checked.query, cursor: ask.cursor || undefined, limit: PAGE_SIZE } });
    if (!r.ok) {
      status = (r.status >= 400 && r.status < 500 ? r.status : 400) as 400;
      body = <Refusal text={problemText(r.body, ui.lang)} problem={r.body} tx={tx} lang={ui.lang} />;
    } else {
      const ctx = { lang: ui.lang, tx, ui, scope: checked.scope, warehouses };
      const next = r.body.next_cursor;
      body = (
        <section aria-labelledby="rows-h" data-report={def.id}>
          <h2 id="rows-h" class="visually-hidden">
            {fill(tx.report_of, { name: title })}
          </h2>
          <div class="actions">
            <a class="button" href={withQuery(`/console/reports/${def.id}/csv`, consoleQuery(ask))} data-download={def.id}>
              {ui.t.download_csv}
            </a>
            <span class="hint">{tx.download_hint}</span>
          </div>
          {def.id === "stock" ? <Valuation rows={r.body.data as StockRow[]} warehouses={warehouses} lang={ui.lang} tx={tx} /> : null}
          <p class="muted">{fillCount(tx, "rows_shown", r.body.data.length, { n: count(r.body.data.length, ui.lang) })}</p>
          <DataTable
            head={columns.map(([name, kind]) => ({ label: columnLabel(ui.lang, name, def.id), num: ["count", "money", "ms", "rate"].includes(kind) }))}
            rows={r.body.data.map((row) => columns.map(([name, kind]) => cell(kind, name, row, ctx)))}
            empty={def.ranged ? tx.nothing_period : ui.t.nothing_here}
            caption={title}
          />
          <nav class="pager" aria-label={title}>
            {ask.cursor ? <a href={withQuery(`/console/reports/${def.id}`, consoleQuery(ask))}>{ui.t.first_page}</a> : <span />}
            {next ? <a href={withQuery(`/console/reports/${def.id}`, consoleQuery(ask, { cursor: next }))}>{ui.t.next_page}</a> : null}
          </nav>
        </section>
      );
    }
  }
  return renderPage(
    c,
    ui,
    { title, status },
    <div class="insights">
      <p>
        <a href="/console/reports">← {tx.reports_title}</a>
      </p>
      <h1>{title}</h1>
      <p class="muted">{(tx as Record<string, string>)[`r_${def.id}_d`]}</p>
      <ReportForm def={def} ask={ask} ui={ui} tx={tx} scope={checked.scope ?? (await scopeOf(c, "").then((s) => (s.ok ? s.scope : undefined)))} warehouses={warehouses} />
      {body}
    </div>,
  );
}

/** A refusal in words: ours for the problem's code, then each field the API named, under the filter's own label. */
function Refusal({ text, problem, tx, lang }: { text: string; problem?: Problem; tx: InsightsText; lang: Lang }) {
  const fields = problem?.errors ?? [];
  return (
    <div class="flash bad" role="alert" id="refusal">
      <strong>{tx.refused_title}</strong>: {fields.length && problem ? problemText({ ...problem, detail: undefined, title: undefined }, lang) : text}
      {fields.length ? (
        <ul>
          {fields.map((e) => {
            const name = e.field.replace(/^query\./, "").replace(/\.\d+$/, "");
            return <li>{`${columnLabel(lang, name)} (${name}): ${e.message}`}</li>;
          })}
        </ul>
      ) : null}
    </div>
  );
}

/** Streams the API's CSV through, as an attachment; a refusal is a page in words. */
async function streamCsv(c: ConsoleContext, path: string, query: Record<string, string | number | undefined>, back: string): Promise<Response> {
  const res = await apiRaw(c, path, { query });
  if (res.ok) {
    return new Response(res.body, {
      status: 200,
      headers: {
        "content-type": res.headers.get("content-type") ?? "text/csv; charset=utf-8",
        "content-disposition": res.headers.get("content-disposition") ?? 'attachment; filename="report.csv"',
        "cache-control": "no-store",
      },
    });
  }
  let problem: Problem = {};
  try {
    problem = (await res.json()) as Problem;
  } catch {
    // not JSON: the status says enough
  }
  return csvRefused(c, problemText(problem, uiOf(c).lang), back, (res.status >= 400 && res.status < 500 ? res.status : 400) as 400, problem);
}

async function csvRefused(c: ConsoleContext, text: string, back: string, status: 400 | 403 | 404, problem?: Problem): Promise<Response> {
  const ui = uiOf(c);
  const tx = TEXT[ui.lang];
  return renderPage(
    c,
    ui,
    { title: tx.refused_title, status },
    <div class="insights">
      <h1>{tx.refused_title}</h1>
      <Refusal text={text} problem={problem} tx={tx} lang={ui.lang} />
      <p>
        <a href={back}>← {ui.t.back}</a>
      </p>
    </div>,
  );
}

export async function reportCsv(c: ConsoleContext): Promise<Response> {
  const refused = need(c, "reports:read");
  if (refused) return refused;
  const id = c.req.param("name") ?? "";
  if (id === "order-export") return orderExportCsv(c);
  const def = reportOf(id);
  if (!def) return notFoundPage(c);
  const tx = TEXT[uiOf(c).lang];
  const ask = reportAsk(c, def);
  const back = withQuery(`/console/reports/${def.id}`, consoleQuery(ask));
  const checked = await apiQueryOf(c, def, ask, tx);
  if (!checked.ok) return csvRefused(c, checked.message, back, 400);
  return streamCsv(c, def.api, { ...checked.query, format: "csv" }, back);
}

/* The order export: the order list's filters; dates are the store's local days, sent as instants. */

type ExportAsk = { status: string; store: string; channel: string; from: string; to: string; q: string; archived: boolean };

function exportAsk(c: ConsoleContext): ExportAsk {
  const v = (k: string) => (c.req.query(k) ?? "").trim();
  return { status: v("status"), store: v("store"), channel: v("channel"), from: v("from"), to: v("to"), q: v("q"), archived: v("include_archived") === "true" };
}

async function exportQuery(c: ConsoleContext, ask: ExportAsk, tx: InsightsText): Promise<Checked> {
  const s = await scopeOf(c, ask.store);
  if (!s.ok) return { ok: false, message: refusalText(tx, s.refusal) };
  const { scope } = s;
  const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));
  if ((ask.from && !isDay(ask.from)) || (ask.to && !isDay(ask.to))) return { ok: false, scope, message: tx.bad_dates };
  if (ask.from && ask.to && ask.from > ask.to) return { ok: false, scope, message: tx.from_after_to };
  const at = (day: string) => new Date(dayStart(scope.timeZone, day)).toISOString();
  return {
    ok: true,
    scope,
    query: {
      status: ask.status || undefined,
      store_id: scope.store?.id,
      channel: ask.channel || undefined,
      created_from: ask.from ? at(ask.from) : undefined,
      created_to: ask.to ? at(addDays(ask.to, 1)) : undefined,
      q: ask.q || undefined,
      include_archived: ask.archived ? "true" : undefined,
    },
  };
}

const exportLink = (ask: ExportAsk, path: string) =>
  withQuery(path, { status: ask.status, store: ask.store, channel: ask.channel, from: ask.from, to: ask.to, q: ask.q, include_archived: ask.archived ? "true" : "" });

type OrderRow = { id: string; store_id: string; channel: string; status: string; total_amount: string; currency: string; created_at: string };

async function orderExportPage(c: ConsoleContext): Promise<Response> {
  const ui = uiOf(c);
  const tx = TEXT[ui.lang];
  const ask = exportAsk(c);
  const checked = await exportQuery(c, ask, tx);
  const scope = checked.scope ?? (await scopeOf(c, "").then((s) => (s.ok ? s.scope : undefined)));
  let status: 200 | 400 = 200;
  let body: Child;
  if (!checked.ok) {
    status = 400;
    body = <Refusal text={checked.message} tx={tx} lang={ui.lang} />;
  } else {
    const preview = await api<{ data: OrderRow[] }>(c, "/v1/orders", { query: { ...checked.query, limit: 20 } });
    const storeOf = (id: string) => checked.scope.stores.find((s) => s.id === id);
    body = (
      <section>
        <div class="actions">
          <a class="button" href={exportLink(ask, "/console/reports/order-export/csv")} data-download="order-export">
            {ui.t.download_csv}
          </a>
          <span class="hint">{tx.export_note}</span>
        </div>
        {preview.ok ? (
          <>
            <h2>{fillCount(tx, "preview", preview.body.data.length)}</h2>
            <DataTable
              head={[
                { label: columnLabel(ui.lang, "order_id") },
                { label: columnLabel(ui.lang, "store_id") },
                { label: columnLabel(ui.lang, "channel") },
                { label: columnLabel(ui.lang, "status") },
                { label: ui.t.total, num: true },
                { label: ui.t.created },
              ]}
              rows={preview.body.data.map((o) => [
                <a class="mono" href={`/console/orders/${o.id}`}>
                  {o.id}
                </a>,
                storeOf(o.store_id)?.name ?? o.store_id,
                codeLabel(ui.lang, "channel", o.channel),
                orderStatusLabel(ui.t, o.status),
                money(o.total_amount, o.currency, ui.lang),
                dateTime(o.created_at, storeOf(o.store_id)?.timezone ?? checked.scope.timeZone, ui.lang),
              ])}
              empty={ui.t.nothing_here}
            />
          </>
        ) : (
          <Refusal text={problemText(preview.body, ui.lang)} problem={preview.body} tx={tx} lang={ui.lang} />
        )}
      </section>
    );
    if (!preview.ok && preview.status < 500) status = 400;
  }
  const title = tx["r_order-export"];
  return renderPage(
    c,
    ui,
    { title, status },
    <div class="insights">
      <p>
        <a href="/console/reports">← {tx.reports_title}</a>
      </p>
      <h1>{title}</h1>
      <p class="muted">{tx["r_order-export_d"]}</p>
      <form method="get" action="/console/reports/order-export" class="card" aria-label={tx.filters}>
        <div class="filters">
          <div class="field">
            <label for="status">{ui.t.status}</label>
            <select id="status" name="status">
              <option value="">{tx.status_any}</option>
              {EXPORT_STATUSES.map((s) => (
                <option value={s} selected={ask.status === s}>
                  {orderStatusLabel(ui.t, s)}
                </option>
              ))}
            </select>
          </div>
          <StoreSelect id="store" name="store" label={ui.t.store} anyLabel={tx.all_stores} stores={scope?.stores ?? []} selected={ask.store} />
          <div class="field">
            <label for="channel">{ui.t.channel}</label>
            <input id="channel" name="channel" value={ask.channel} />
          </div>
          <div class="field">
            <label for="from">{tx.created_from}</label>
            <input id="from" name="from" type="date" value={ask.from} />
          </div>
          <div class="field">
            <label for="to">{tx.created_to}</label>
            <input id="to" name="to" type="date" value={ask.to} />
          </div>
          <div class="field">
            <label for="q">{tx.search_q}</label>
            <input id="q" name="q" value={ask.q} />
          </div>
        </div>
        <label class="check">
          <input type="checkbox" name="include_archived" value="true" checked={ask.archived} /> {tx.include_archived}
        </label>
        <div class="actions">
          <button type="submit">{tx.show}</button>
        </div>
      </form>
      {body}
    </div>,
  );
}

async function orderExportCsv(c: ConsoleContext): Promise<Response> {
  const tx = TEXT[uiOf(c).lang];
  const ask = exportAsk(c);
  const back = exportLink(ask, "/console/reports/order-export");
  const checked = await exportQuery(c, ask, tx);
  if (!checked.ok) return csvRefused(c, checked.message, back, 400);
  return streamCsv(c, "/v1/reports/order-export", checked.query, back);
}
