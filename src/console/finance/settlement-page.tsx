/**
 * One settlement (finance:reconcile): what was imported, its rows counted per
 * status, and its rows by status (the worklist of unmatched rows by default),
 * each unmatched row with a form that resolves it with a note; a resolved row
 * says who resolved it, when, and what they wrote. A second resolution of the
 * same row is the API's 409, shown in words.
 */
import { SETTLEMENT_LINE_STATUSES } from "../../db/schema/finance";
import { UNMATCHED } from "../../finance/settlement-rules";
import type { z } from "@hono/zod-openapi";
import type { SettlementLine } from "../../finance/schemas";
import { api, withQuery } from "../api";
import { type ConsoleContext, storesOf } from "../context";
import { count, date, dateTime, money } from "../format";
import { doneRedirect, formValue, notFoundPage } from "../guard";
import { fill } from "../i18n";
import { Csrf, TopProblem } from "../layout";
import { problemText } from "../problems";
import { namesOf } from "../purchasing/frame";
import { financePage, screenOf } from "./frame";
import type { SettlementView } from "./settlements";
import { wordOf } from "./text";
import { idPattern } from "../../lib/ids";

type LineView = z.infer<typeof SettlementLine>;

/** The filters a reader picks from, the worklist first; a status with no words of ours is not offered. */
const FILTERS = ["unmatched", "resolved", "amount_differs", "missing_from_settlement", "not_ours", "matched", "skipped", "all"] as const;
const COUNTED = SETTLEMENT_LINE_STATUSES.filter((s) => s !== "pending");
const PAGE_SIZE = 100;
const ID = idPattern("stl");

const isOpen = (l: LineView) => (UNMATCHED as readonly string[]).includes(l.status) && !l.resolved_at;

export async function settlementPage(c: ConsoleContext, id: string, problem?: { text: string; line: number; note: string; status: 400 | 404 | 409 | 422 }): Promise<Response> {
  if (!ID.test(id)) return notFoundPage(c);
  const screen = screenOf(c);
  const { ui, f } = screen;
  const asked = c.req.query("status") ?? "unmatched";
  const filter = (FILTERS as readonly string[]).includes(asked) ? asked : "unmatched";
  const cursor = c.req.query("cursor") ?? "";
  const [one, lines, stores] = await Promise.all([
    api<SettlementView>(c, `/v1/settlements/${id}`),
    api<{ data: LineView[]; next_cursor: string | null }>(c, `/v1/settlements/${id}/lines`, { query: { status: filter === "all" ? undefined : filter, limit: PAGE_SIZE, cursor } }),
    storesOf(c),
  ]);
  if (!one.ok) return notFoundPage(c);
  const s = one.body;
  const rows = lines.ok ? lines.body.data : [];
  const nameOf = await namesOf(c, [s.imported_by, ...rows.flatMap((l) => (l.resolved_by ? [l.resolved_by] : []))]);
  const zone = stores.find((st) => st.id === s.store_id)?.timezone ?? "UTC";
  const at = (t: string | null) => dateTime(t, zone, ui.lang);
  const counts = s.counts;
  const here = (status: string) => withQuery(`/console/finance/settlements/${id}`, { status });
  const title = fill(f.settlement_title, { id });

  return financePage(
    c,
    screen,
    { title, status: problem?.status ?? 200, heading: <h1 class="mono-heading">{title}</h1> },
    <>
      <p>
        <a href="/console/finance/settlements">← {f.back_to_settlements}</a>
      </p>
      <section class="card">
        <dl class="facts">
          <dt>{ui.t.store}</dt>
          <dd>{stores.find((st) => st.id === s.store_id)?.name ?? s.store_id}</dd>
          <dt>{f.format}</dt>
          <dd>{wordOf(f, "format", s.format)}</dd>
          <dt>{ui.t.status}</dt>
          <dd>{wordOf(f, "status", s.status)}</dd>
          <dt>{f.rows}</dt>
          <dd>{count(s.line_count, ui.lang)}</dd>
          <dt>{f.period}</dt>
          <dd>{s.period_start && s.period_end ? fill(f.period_range, { from: date(s.period_start, zone, ui.lang), to: date(s.period_end, zone, ui.lang) }) : "–"}</dd>
          <dt>{f.imported_by}</dt>
          <dd>{`${nameOf(s.imported_by)} · ${at(s.created_at)}`}</dd>
        </dl>
      </section>

      {counts ? (
        <section class="card" aria-labelledby="counts-h">
          <h2 id="counts-h">{f.counts}</h2>
          <ul class="status-counts">
            <li data-count="unresolved">
              <a href={here("unmatched")} aria-current={filter === "unmatched" ? "true" : undefined}>
                {f.line_unmatched}
              </a>{" "}
              <span class={`badge ${counts.unresolved ? "warn" : "ok"}`}>{count(counts.unresolved, ui.lang)}</span>
            </li>
            {COUNTED.map((st) => (
              <li data-count={st}>
                <a href={here(st)} aria-current={filter === st ? "true" : undefined}>
                  {wordOf(f, "line", st)}
                </a>{" "}
                <span class="badge">{count(counts[st as keyof typeof counts] ?? 0, ui.lang)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section class="card" aria-labelledby="lines-h" id="lines">
        <h2 id="lines-h">{f.lines}</h2>
        <form method="get" action={`/console/finance/settlements/${id}`} class="filters" aria-label={ui.t.filter}>
          <div class="field">
            <label for="line-status">{f.show}</label>
            <select id="line-status" name="status" data-autosubmit>
              {FILTERS.map((st) => (
                <option value={st} selected={st === filter}>
                  {wordOf(f, "line", st)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <button type="submit" class="secondary">
              {ui.t.apply}
            </button>
          </div>
        </form>
        <TopProblem text={problem?.text ?? (lines.ok ? undefined : problemText(lines.body, ui.lang))} />
        {rows.length ? (
          <ol class="settlement-lines">
            {rows.map((l) => (
              <li class="line-card" id={`line-${l.line_no}`} data-line={String(l.line_no)} data-status={l.status}>
                <div class="line-head">
                  <strong>{fill(f.row_n, { n: l.line_no })}</strong>
                  <span class={`badge ${l.status === "matched" ? "ok" : l.status === "skipped" ? "" : isOpen(l) ? "warn" : "info"}`.trim()}>{wordOf(f, "line", l.status)}</span>
                  {l.resolved_at ? <span class="badge ok">{f.line_resolved}</span> : null}
                </div>
                <dl class="facts">
                  <dt>{f.type}</dt>
                  <dd>{l.type}</dd>
                  <dt>{f.reference}</dt>
                  <dd class="mono">{l.reference ?? "–"}</dd>
                  <dt>{f.order}</dt>
                  <dd>
                    {l.order_id ? (
                      <a class="mono" href={`/console/orders/${l.order_id}`}>
                        {l.order_id}
                      </a>
                    ) : (
                      "–"
                    )}
                  </dd>
                  <dt>{f.amount}</dt>
                  <dd>{money(l.amount, l.currency, ui.lang)}</dd>
                  {l.expected_amount !== null ? (
                    <>
                      <dt>{f.expected}</dt>
                      <dd>{money(l.expected_amount, l.currency, ui.lang)}</dd>
                    </>
                  ) : null}
                  <dt>{f.fee}</dt>
                  <dd>{money(l.fee, l.currency, ui.lang)}</dd>
                  <dt>{f.when}</dt>
                  <dd>{l.occurred_at ? at(l.occurred_at) : "–"}</dd>
                </dl>
                {l.resolved_at ? (
                  <p class="resolution">{fill(f.resolved_by, { who: l.resolved_by ? nameOf(l.resolved_by) : "–", at: at(l.resolved_at), note: l.resolution_note ?? "" })}</p>
                ) : isOpen(l) ? (
                  <form method="post" action={`/console/finance/settlements/${id}/lines/${l.line_no}/resolve`} class="resolve-form">
                    <Csrf ui={ui} />
                    <input type="hidden" name="status" value={filter} />
                    <div class="field">
                      <label for={`note-${l.line_no}`}>{f.note}</label>
                      <p class="hint" id={`note-${l.line_no}-hint`}>
                        {f.note_hint}
                      </p>
                      <textarea
                        id={`note-${l.line_no}`}
                        name="note"
                        required
                        maxlength={2000}
                        rows={2}
                        aria-describedby={problem?.line === l.line_no ? `note-${l.line_no}-hint note-${l.line_no}-error` : `note-${l.line_no}-hint`}
                        aria-invalid={problem?.line === l.line_no ? "true" : undefined}
                      >
                        {problem?.line === l.line_no ? problem.note : ""}
                      </textarea>
                      {problem?.line === l.line_no ? (
                        <p class="error-text" id={`note-${l.line_no}-error`}>
                          {problem.text}
                        </p>
                      ) : null}
                    </div>
                    <button type="submit">{f.resolve}</button>
                  </form>
                ) : null}
              </li>
            ))}
          </ol>
        ) : (
          <p class="muted">{f.no_lines}</p>
        )}
        {lines.ok && lines.body.next_cursor ? (
          <p>
            <a href={withQuery(`/console/finance/settlements/${id}`, { status: filter, cursor: lines.body.next_cursor })}>{f.more_lines}</a>
          </p>
        ) : null}
      </section>
    </>,
  );
}

/** Resolves one row with the reader's note; an empty note is refused here, a second resolution by the API. */
export async function resolveLine(c: ConsoleContext, id: string, lineNo: string): Promise<Response> {
  if (!ID.test(id) || !/^\d{1,8}$/.test(lineNo)) return notFoundPage(c);
  const { ui, f } = screenOf(c);
  const note = formValue(c, "note");
  const status = formValue(c, "status") || "unmatched";
  const back = withQuery(`/console/finance/settlements/${id}`, { status });
  const line = Number(lineNo);
  if (!note) return settlementPage(c, id, { text: f.note_required, line, note, status: 422 });
  const r = await api<LineView>(c, `/v1/settlements/${id}/lines/${line}/resolve`, { body: { note } });
  if (r.ok) return doneRedirect(c, `${back}#lines`, { kind: "ok", text: fill(f.resolved_ok, { n: line }) });
  if (r.status === 404) return notFoundPage(c);
  return doneRedirect(c, `${back}#line-${line}`, { kind: "bad", text: fill(f.row_problem, { n: line, message: problemText(r.body, ui.lang) }) });
}
