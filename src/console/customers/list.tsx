/**
 * The customer list: search (an email, a phone with its country, words of a
 * name), filters (tag, segment, status), newest first with cursor paging,
 * and the same filters as CSV for those who may export. Figures and segment
 * are the merchant-wide ones the rollups keep; names as the position sees them.
 */
import { CUSTOMER_STATUSES, RFM_SEGMENTS } from "../../db/schema/customers";
import { allows } from "../../http/auth";
import { api, apiRaw, withQuery } from "../api";
import { type ConsoleContext, formatsOf } from "../context";
import { Field } from "../fields";
import { count, date } from "../format";
import { TopProblem } from "../layout";
import { problemText } from "../problems";
import { Amounts, type CustomerRow, contactLine, customerPath, customersPage, nameOf, SegmentBadge, screenOf, statusLabel } from "./frame";

const FILTERS = ["q", "country", "tag", "segment", "status"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

export function filtersOf(c: ConsoleContext): Filters {
  const f = Object.fromEntries(FILTERS.map((k) => [k, (c.req.query(k) ?? "").trim()])) as Filters;
  f.country = f.country.toUpperCase();
  if (!(RFM_SEGMENTS as readonly string[]).includes(f.segment)) f.segment = "";
  if (!(CUSTOMER_STATUSES as readonly string[]).includes(f.status)) f.status = "";
  return f;
}

export async function customersListPage(c: ConsoleContext): Promise<Response> {
  const screen = screenOf(c);
  const { ui, s } = screen;
  const f = filtersOf(c);
  const cursor = c.req.query("cursor") ?? "";
  const [list, formats] = await Promise.all([api<{ data: CustomerRow[]; next_cursor: string | null }>(c, "/v1/customers", { query: { ...f, cursor, limit: 50 } }), formatsOf(c)]);
  const rows = list.ok ? list.body.data : [];
  const mayExport = allows(ui.principal, "customers:export");
  // Segments rank customers across every store: someone who sees some stores gets figures of theirs only, and no segment (the API refuses the filter).
  const segments = ui.principal.stores === "*";
  return customersPage(
    c,
    screen,
    { title: s.title, status: list.ok ? 200 : list.status === 400 ? 400 : 422 },
    <>
      <h1>{s.title}</h1>
      <p class="hint">{s.intro}</p>
      <form method="get" action="/console/customers" class="filters card">
        <Field id="q" label={s.search} hint={s.search_hint} value={f.q} maxlength={200} />
        <Field id="country" label={s.country} hint={s.country_hint} value={f.country} maxlength={2} />
        <Field id="tag" label={s.tag} value={f.tag} maxlength={40} />
        {segments ? (
          <div class="field">
            <label for="segment">{s.segment}</label>
            <select id="segment" name="segment">
              <option value="">{s.any_segment}</option>
              {RFM_SEGMENTS.map((k) => (
                <option value={k} selected={k === f.segment}>
                  {(s as Record<string, string>)[`seg_${k}`]}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="field">
          <label for="status">{s.status}</label>
          <select id="status" name="status">
            {CUSTOMER_STATUSES.map((k) => (
              <option value={k} selected={k === (f.status || "active")}>
                {statusLabel(s, k)}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">{s.search}</button>
          {mayExport ? (
            <a class="button secondary" href={withQuery("/console/customers.csv", f)} download>
              {s.download_csv}
            </a>
          ) : null}
        </div>
      </form>
      {!list.ok ? <TopProblem text={problemText(list.body, ui.lang)} /> : null}
      {list.ok && rows.length === 0 ? (
        <p class="card">{s.empty}</p>
      ) : rows.length ? (
        <div class="table-wrap">
          <table class="stack customers-stack">
            <thead>
              <tr>
                <th scope="col">{s.customer}</th>
                <th scope="col" class="num">
                  {s.orders}
                </th>
                <th scope="col">{s.spent}</th>
                <th scope="col">{s.last_order}</th>
                {segments ? <th scope="col">{s.segment}</th> : null}
                <th scope="col">{s.tags}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr data-customer={r.id}>
                  <td data-label={s.customer}>
                    <div>
                      <a href={customerPath(r.id)}>{nameOf(s, r)}</a>
                      {contactLine(r) ? (
                        <>
                          <br />
                          <span class="muted">{contactLine(r)}</span>
                        </>
                      ) : null}
                    </div>
                  </td>
                  <td data-label={s.orders} class="num">
                    {count(r.orders_count, ui.lang)}
                  </td>
                  <td data-label={s.spent}>
                    <Amounts list={r.spent} lang={ui.lang} empty={s.none} />
                  </td>
                  <td data-label={s.last_order}>{r.last_order_at ? date(r.last_order_at, formats.timeZone, ui.lang) : s.none}</td>
                  {segments ? (
                    <td data-label={s.segment}>
                      <SegmentBadge s={s} segment={r.rfm?.segment} />
                    </td>
                  ) : null}
                  <td data-label={s.tags}>{r.tags.length ? r.tags.join(", ") : s.none}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.ok && list.body.next_cursor ? (
        <div class="pager">
          <a href={withQuery("/console/customers", { ...f, cursor: list.body.next_cursor })}>{ui.t.next_page}</a>
        </div>
      ) : null}
    </>,
  );
}

/** The list as CSV, streamed through from the API (its filename, its columns per position). */
export async function customersCsv(c: ConsoleContext): Promise<Response> {
  const res = await apiRaw(c, "/v1/customers.csv", { query: filtersOf(c) });
  if (!res.ok) return customersListPage(c);
  return new Response(res.body, {
    status: 200,
    headers: {
      "content-type": res.headers.get("content-type") ?? "text/csv",
      "content-disposition": res.headers.get("content-disposition") ?? 'attachment; filename="customers.csv"',
      "cache-control": "no-store",
    },
  });
}
