/**
 * Gross profit by SKU (finance:read): the API's `gross-profit` report per
 * SKU and currency over a period of the store's local days, for one store or
 * all the reader's, optionally for some SKUs; the order-level row (what no
 * one SKU earned or cost) named as such. The CSV link streams the API's CSV
 * through, as the daily summary's does.
 */
import { api, withQuery } from "../api";
import type { ConsoleContext } from "../context";
import { count, money } from "../format";
import type { Lang } from "../i18n";
import { askedOf } from "../insights/filters";
import { DataTable } from "../insights/view";
import { TopProblem } from "../layout";
import { problemText } from "../problems";
import { financePage, screenOf } from "./frame";
import { checked, csvThrough, Filters } from "./summary";

const MONEY = ["revenue", "refunds", "fees", "shipping", "cost_of_goods", "gross_profit"] as const;
type Row = { sku: string | null; currency: string; units_shipped: number; gross_margin: number | null } & Record<(typeof MONEY)[number], string>;

const PAGE_SIZE = 100;
const PATH = "/console/finance/gross-profit";

const percent = (rate: number | null, lang: Lang) => (rate === null ? "–" : new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 }).format(rate));

/** The SKUs asked for, as the API takes them (comma-separated; blank for all), and whether the API would take them (its limits, said here in words). */
function skusOf(c: ConsoleContext): { sku: string; ok: boolean } {
  const list = (c.req.query("sku") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return { sku: list.join(","), ok: list.length <= 100 && list.every((s) => s.length <= 64) };
}

export async function grossProfitPage(c: ConsoleContext): Promise<Response> {
  const screen = screenOf(c);
  const { ui, f } = screen;
  const asked = askedOf(c);
  const { sku, ok: skuOk } = skusOf(c);
  const cursor = c.req.query("cursor") ?? "";
  const dates = await checked(c, asked, f, { groupBy: "" });
  const ask = dates.ok && !skuOk ? { ok: false as const, scope: dates.scope, message: f.gp_bad_sku } : dates;
  const skuField = (
    <div class="field">
      <label for="sku">{f.gp_sku}</label>
      <input id="sku" name="sku" value={sku} placeholder={f.gp_sku_hint} maxlength={1000} />
    </div>
  );
  if (!ask.ok) {
    return financePage(c, screen, { title: f.gp_title, status: 400 }, [
      <Filters screen={screen} asked={asked} scope={ask.scope} action={PATH}>
        {skuField}
      </Filters>,
      <TopProblem text={ask.message} />,
    ]);
  }
  const r = await api<{ data: Row[]; next_cursor: string | null }>(c, "/v1/reports/gross-profit", {
    query: { ...ask.query, ...(sku ? { sku } : {}), limit: PAGE_SIZE, cursor },
  });
  const link = { from: asked.from, to: asked.to, store: asked.store, sku };
  const head = [{ label: f.gp_sku }, { label: f.currency }, { label: f.gp_units, num: true }, ...MONEY.map((m) => ({ label: f[m], num: true })), { label: f.gp_margin, num: true }];
  const rows = r.ok
    ? r.body.data.map((row) => [
        row.sku === null ? <em>{f.gp_order_level}</em> : <code>{row.sku}</code>,
        row.currency,
        count(row.units_shipped, ui.lang),
        ...MONEY.map((m) => (m === "gross_profit" ? <strong>{money(row[m], row.currency, ui.lang)}</strong> : money(row[m], row.currency, ui.lang))),
        percent(row.gross_margin, ui.lang),
      ])
    : [];
  return financePage(
    c,
    screen,
    { title: f.gp_title, status: r.ok ? 200 : 400 },
    <>
      <p>{f.gp_intro}</p>
      <Filters screen={screen} asked={asked} scope={ask.scope} action={PATH}>
        {skuField}
      </Filters>
      {r.ok ? (
        <section class="card" aria-labelledby="gp-h">
          <h2 id="gp-h" class="visually-hidden">
            {f.gp_title}
          </h2>
          <div class="actions">
            <a class="button secondary" href={withQuery(`${PATH}.csv`, link)} data-download="gross-profit">
              {ui.t.download_csv}
            </a>
            <span class="hint">{f.summary_lag}</span>
          </div>
          <DataTable head={head} rows={rows} empty={f.no_rows} caption={f.gp_title} />
          {r.body.next_cursor ? (
            <p>
              <a href={withQuery(PATH, { ...link, cursor: r.body.next_cursor })}>{ui.t.next_page}</a>
            </p>
          ) : null}
        </section>
      ) : (
        <TopProblem text={problemText(r.body, ui.lang)} />
      )}
    </>,
  );
}

/** Every row of the same report as CSV, streamed from the API. */
export async function grossProfitCsv(c: ConsoleContext): Promise<Response> {
  const screen = screenOf(c);
  const asked = askedOf(c);
  const { sku, ok: skuOk } = skusOf(c);
  const ask = await checked(c, asked, screen.f, { groupBy: "" });
  const withSku = !ask.ok ? ask : !skuOk ? { ok: false as const, scope: ask.scope, message: screen.f.gp_bad_sku } : sku ? { ...ask, query: { ...ask.query, sku } } : ask;
  return csvThrough(c, screen, { ask: withSku, asked, apiPath: "/v1/reports/gross-profit", back: PATH, extra: sku ? { sku } : {} });
}
