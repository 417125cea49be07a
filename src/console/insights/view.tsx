/** Pieces the dashboard and the reports share: a KPI with its comparison, a chart with its numbers, formats. */
import type { Child } from "hono/jsx";
import { count, money } from "../format";
import { fill, type Lang } from "../i18n";
import type { chartConfig } from "./charts";
import { change } from "./period";
import type { InsightsText } from "./text";

export const percent = (v: number, lang: Lang) => new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 }).format(v);

/** A local day "2026-12-03" as the reader writes it; the day is already the store's, so it is formatted as is. */
export function dayLabel(day: string, lang: Lang, style: "short" | "medium" = "medium"): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(lang, style === "short" ? { timeZone: "UTC", month: "short", day: "numeric" } : { timeZone: "UTC", dateStyle: "medium" }).format(d);
}

export type Measure = { kind: "count" } | { kind: "money"; currency: string };

export function formatMeasure(v: number, m: Measure, lang: Lang): string {
  return m.kind === "money" ? money(v, m.currency, lang) : count(v, lang);
}

/**
 * One key figure: the value, then how it moved in words (up/down, by how much, in %), the previous value,
 * and whether that is better or worse for the business (a badge, in words too, never colour alone).
 */
export function Kpi(p: { label: string; current: number; previous: number; measure: Measure; goodWhen: "up" | "down"; lang: Lang; tx: InsightsText; id: string }) {
  const ch = change(p.current, p.previous);
  const fmt = (v: number) => formatMeasure(v, p.measure, p.lang);
  const words =
    ch.direction === "same"
      ? p.tx.same
      : ch.pct === null
        ? fill(p.tx.up_no_pct, { delta: fmt(ch.delta) })
        : fill(ch.direction === "up" ? p.tx.up : p.tx.down, { delta: fmt(ch.delta), pct: percent(ch.pct, p.lang) });
  const verdict = ch.direction === "same" ? null : ch.direction === p.goodWhen ? "better" : "worse";
  const arrow = ch.direction === "up" ? "▲" : ch.direction === "down" ? "▼" : "＝";
  return (
    <div class="kpi" data-kpi={p.id} data-value={String(p.current)} data-previous={String(p.previous)}>
      <div class="label">{p.label}</div>
      <div class="value">{fmt(p.current)}</div>
      <div class="delta">
        <span aria-hidden="true">{arrow} </span>
        {words}
        {verdict ? (
          <>
            {" "}
            <span class={`badge ${verdict === "better" ? "ok" : "bad"}`}>{p.tx[verdict]}</span>
          </>
        ) : null}
      </div>
      <div class="delta muted">{fill(p.tx.previous_value, { value: fmt(p.previous) })}</div>
    </div>
  );
}

/** A chart drawn by Chart.js, with its caption and the same numbers as a table for screen readers. */
export function ChartFigure(p: { id: string; caption: string; config: ReturnType<typeof chartConfig>; head: string[]; rows: string[][]; tx: InsightsText; tall?: boolean }) {
  return (
    <figure class="insight-chart" id={p.id}>
      <figcaption>{p.caption}</figcaption>
      <div class={`chart-box${p.tall ? " tall" : ""}`}>
        <canvas role="img" aria-label={p.caption} data-chart={JSON.stringify(p.config)} />
      </div>
      {/* In a div: a table ignores a 1px width and would widen the page. */}
      <div class="visually-hidden">
        <table>
          <caption>{`${p.tx.numbers_of_chart}: ${p.caption}`}</caption>
          <thead>
            <tr>
              {p.head.map((h) => (
                <th scope="col">{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr>{r.map((cell, i) => (i === 0 ? <th scope="row">{cell}</th> : <td>{cell}</td>))}</tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/** A plain table that becomes cards at 360 px. */
export function DataTable(p: { head: { label: string; num?: boolean }[]; rows: Child[][]; empty: string; caption?: string }) {
  if (!p.rows.length) return <p class="muted">{p.empty}</p>;
  return (
    <div class="table-wrap">
      <table class="stack">
        {p.caption ? <caption class="visually-hidden">{p.caption}</caption> : null}
        <thead>
          <tr>
            {p.head.map((h) => (
              <th scope="col" class={h.num ? "num" : undefined}>
                {h.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr>
              {r.map((cell, i) => (
                <td data-label={p.head[i]?.label} class={p.head[i]?.num ? "num" : undefined}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
