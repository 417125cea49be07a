/**
 * The daily finance summary (finance:read): the API's `finance-daily` report
 * per day, store and channel, in each currency, for a period of the store's
 * local days and one store or all the reader's. The CSV link asks the API for
 * `format=csv` as the signed-in person and streams the answer through.
 */
import type { Child } from "hono/jsx";
import { api, apiRaw, type Problem, withQuery } from "../api";
import type { ConsoleContext } from "../context";
import { StoreSelect } from "../fields";
import { count, money } from "../format";
import { type Asked, askedOf, periodOf, type Scope, scopeOf } from "../insights/filters";
import { DataTable, dayLabel } from "../insights/view";
import { TopProblem } from "../layout";
import { problemText } from "../problems";
import { financePage, type Screen, screenOf } from "./frame";
import type { FinanceText } from "./text";

const MONEY = ["revenue", "refunds", "fees", "shipping", "cost_of_goods", "gross_profit"] as const;
type Row = { day: string; store_id: string; channel: string; currency: string; orders: number } & Record<(typeof MONEY)[number], string>;

const PAGE_SIZE = 100;

export type Checked = { ok: true; scope: Scope; query: Record<string, string> } | { ok: false; scope?: Scope | undefined; message: string };

/** The period and store asked for, checked before the API is asked (dates default to the last 7 days). The gross profit screen asks the same way. */
export async function checked(c: ConsoleContext, asked: Asked, f: FinanceText, { groupBy = "day,store,channel" } = {}): Promise<Checked> {
  const p = await periodOf(c, { ...asked, period: asked.from || asked.to ? "custom" : "7d" });
  if (!p.ok) return { ok: false, scope: p.scope, message: f[p.refusal] };
  asked.from ||= p.period.from;
  asked.to ||= p.period.to;
  return {
    ok: true,
    scope: p.scope,
    query: { from: p.period.from, to: p.period.to, ...(groupBy ? { group_by: groupBy } : {}), ...(p.scope.store ? { store_id: p.scope.store.id } : {}) },
  };
}

/** The period and store filter; `children` adds the screen's own fields before the button. */
export function Filters({
  screen,
  asked,
  scope,
  action = "/console/finance",
  children,
}: {
  screen: Screen;
  asked: Asked;
  scope: Scope | undefined;
  action?: string;
  children?: Child;
}) {
  const { ui, f } = screen;
  return (
    <form method="get" action={action} class="card" aria-label={ui.t.filter}>
      <div class="filters">
        <div class="field">
          <label for="from">{ui.t.from}</label>
          <input id="from" name="from" type="date" value={asked.from} />
        </div>
        <div class="field">
          <label for="to">{ui.t.to}</label>
          <input id="to" name="to" type="date" value={asked.to} />
        </div>
        <StoreSelect id="store" name="store" label={ui.t.store} anyLabel={f.all_stores} stores={scope?.stores ?? []} selected={asked.store || undefined} />
        {children}
        <div class="field">
          <button type="submit">{ui.t.apply}</button>
        </div>
      </div>
    </form>
  );
}

export async function summaryPage(c: ConsoleContext): Promise<Response> {
  const screen = screenOf(c);
  const { ui, f } = screen;
  const asked = askedOf(c);
  const cursor = c.req.query("cursor") ?? "";
  const ask = await checked(c, asked, f);
  const scope = ask.scope ?? (await scopeOf(c, "").then((s) => (s.ok ? s.scope : undefined)));
  if (!ask.ok) {
    return financePage(c, screen, { title: f.summary_title, status: 400 }, [<Filters screen={screen} asked={asked} scope={scope} />, <TopProblem text={ask.message} />]);
  }
  const r = await api<{ data: Row[]; next_cursor: string | null }>(c, "/v1/reports/finance-daily", { query: { ...ask.query, limit: PAGE_SIZE, cursor } });
  const link = { from: asked.from, to: asked.to, store: asked.store };
  const storeName = (id: string) => ask.scope.stores.find((s) => s.id === id)?.name ?? id;
  const head = [
    { label: f.day },
    { label: ui.t.store },
    { label: ui.t.channel },
    { label: f.currency },
    { label: f.orders, num: true },
    ...MONEY.map((m) => ({ label: f[m], num: true })),
  ];
  const rows = r.ok
    ? r.body.data.map((row) => [
        dayLabel(row.day, ui.lang),
        storeName(row.store_id),
        row.channel,
        row.currency,
        count(row.orders, ui.lang),
        ...MONEY.map((m) => (m === "gross_profit" ? <strong>{money(row[m], row.currency, ui.lang)}</strong> : money(row[m], row.currency, ui.lang))),
      ])
    : [];
  return financePage(
    c,
    screen,
    { title: f.summary_title, status: r.ok ? 200 : 400 },
    <>
      <p>{f.summary_intro}</p>
      <Filters screen={screen} asked={asked} scope={ask.scope} />
      {r.ok ? (
        <section class="card" aria-labelledby="summary-h">
          <h2 id="summary-h" class="visually-hidden">
            {f.summary_title}
          </h2>
          <div class="actions">
            <a class="button secondary" href={withQuery("/console/finance/summary.csv", link)} data-download="finance-daily">
              {ui.t.download_csv}
            </a>
            <span class="hint">{f.summary_lag}</span>
          </div>
          <DataTable head={head} rows={rows} empty={f.no_rows} caption={f.summary_title} />
          {r.body.next_cursor ? (
            <p>
              <a href={withQuery("/console/finance", { ...link, cursor: r.body.next_cursor })}>{ui.t.next_page}</a>
            </p>
          ) : null}
        </section>
      ) : (
        <TopProblem text={problemText(r.body, ui.lang)} />
      )}
    </>,
  );
}

/** Every row of the same summary as CSV, streamed from the API. */
export async function summaryCsv(c: ConsoleContext): Promise<Response> {
  const screen = screenOf(c);
  const asked = askedOf(c);
  return csvThrough(c, screen, { ask: await checked(c, asked, screen.f), asked, apiPath: "/v1/reports/finance-daily", back: "/console/finance" });
}

/** A finance report's CSV asked of the API as the signed-in person and streamed through; a refusal is a page that says why. */
export async function csvThrough(
  c: ConsoleContext,
  screen: Screen,
  o: { ask: Checked; asked: Asked; apiPath: string; back: string; extra?: Record<string, string> },
): Promise<Response> {
  const { ui, f } = screen;
  const { ask, asked } = o;
  let problem: Problem = {};
  let status: 400 | 403 | 404 = 400;
  if (ask.ok) {
    const res = await apiRaw(c, o.apiPath, { query: { ...ask.query, format: "csv" } });
    if (res.ok) {
      return new Response(res.body, {
        status: 200,
        headers: {
          "content-type": res.headers.get("content-type") ?? "text/csv; charset=utf-8",
          "content-disposition": res.headers.get("content-disposition") ?? 'attachment; filename="finance.csv"',
          "cache-control": "no-store",
        },
      });
    }
    problem = (await res.json().catch(() => ({}))) as Problem;
    if (res.status === 403 || res.status === 404) status = res.status;
  }
  return financePage(c, screen, { title: f.refused_title, status }, [
    <TopProblem text={ask.ok ? problemText(problem, ui.lang) : ask.message} />,
    <p>
      <a href={withQuery(o.back, { from: asked.from, to: asked.to, store: asked.store, ...o.extra })}>← {ui.t.back}</a>
    </p>,
  ]);
}
