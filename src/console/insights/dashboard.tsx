/**
 * The owner's and analyst's dashboard: key figures of a period against the
 * period of the same length just before it, charts of orders and amounts by
 * day and channel, processing times against the store's SLA, exceptions,
 * top SKUs and staff performance. Every number is the reports API's; the
 * reports are read in parallel.
 */
import type { z } from "@hono/zod-openapi";
import type {
  AuditFindingsRow,
  FloorReportRow,
  Freshness,
  OrdersReportRow,
  OverdueOrder,
  ProcessingTimesRow,
  ReasonsReportRow,
  SkuReportRow,
  SlaBreachRow,
  StaffReportRow,
  StoreSla,
} from "../../analytics/schemas";
import { SPANS } from "../../analytics/sla";
import { api, type ApiAnswer, type Problem } from "../api";
import type { ConsoleContext, Ui } from "../context";
import { count, dateTime, duration, money } from "../format";
import { need, uiOf } from "../guard";
import { fill, type Lang } from "../i18n";
import { StoreSelect } from "../fields";
import { renderPage } from "../layout";
import { problemText } from "../problems";
import { chartConfig, type Dataset } from "./charts";
import { type Asked, askedOf, periodOf, type Scope } from "./filters";
import type { Period } from "./period";
import { codeLabel, columnLabel, type InsightsText, TEXT } from "./text";
import { ChartFigure, DataTable, dayLabel, Kpi, percent } from "./view";

type Page<T> = { data: T[]; next_cursor: string | null };
type Rows<T extends z.ZodType> = Page<z.infer<T>>;

const sum = <T,>(rows: readonly T[], f: (r: T) => number) => rows.reduce((s, r) => s + f(r), 0);
const num = (v: string | number | null | undefined) => (v === null || v === undefined ? 0 : Number(v));
const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / 3_600_000) * 100) / 100);
const byCurrency = (rows: readonly z.infer<typeof OrdersReportRow>[]) => [...new Set(rows.map((r) => r.currency))].sort();

/** Every report the dashboard needs, asked at once. */
async function load(c: ConsoleContext, period: Period, scope: Scope) {
  const store_id = scope.store?.id;
  const range = { from: period.from, to: period.to, store_id };
  const before = { from: period.previous.from, to: period.previous.to, store_id };
  const slaStore = scope.store ?? (scope.stores.length === 1 ? scope.stores[0] : undefined);
  const get = <T,>(path: string, query: Record<string, string | number | undefined> = {}) => api<T>(c, path, { query });
  const [orders, ordersBefore, byDay, byChannel, times, timesBefore, sla, breaches, overdue, reasons, findings, skus, staff, floor, freshness] = await Promise.all([
    get<Rows<typeof OrdersReportRow>>("/v1/reports/orders", { ...range, limit: 1000 }),
    get<Rows<typeof OrdersReportRow>>("/v1/reports/orders", { ...before, limit: 1000 }),
    get<Rows<typeof OrdersReportRow>>("/v1/reports/orders", { ...range, group_by: "day", limit: 1000 }),
    get<Rows<typeof OrdersReportRow>>("/v1/reports/orders", { ...range, group_by: "channel", limit: 1000 }),
    get<Rows<typeof ProcessingTimesRow>>("/v1/reports/processing-times", { ...range, limit: 100 }),
    get<Rows<typeof ProcessingTimesRow>>("/v1/reports/processing-times", { ...before, limit: 100 }),
    slaStore ? get<z.infer<typeof StoreSla>>(`/v1/stores/${encodeURIComponent(slaStore.id)}/sla`) : Promise.resolve(null),
    get<Rows<typeof SlaBreachRow>>("/v1/reports/sla-breaches", { ...range, limit: 10 }),
    get<Page<z.infer<typeof OverdueOrder>>>("/v1/reports/overdue-orders", { store_id, limit: 100 }),
    get<Rows<typeof ReasonsReportRow>>("/v1/reports/reasons", { ...range, limit: 1000 }),
    get<Rows<typeof AuditFindingsRow>>("/v1/reports/audit-findings", { ...range, limit: 1000 }),
    get<Rows<typeof SkuReportRow>>("/v1/reports/skus", { ...range, limit: 1000 }),
    get<Rows<typeof StaffReportRow>>("/v1/reports/staff", { ...range, limit: 1000 }),
    get<Rows<typeof FloorReportRow>>("/v1/reports/floor", { ...range, limit: 1000 }),
    get<z.infer<typeof Freshness>>("/v1/reports/freshness"),
  ]);
  const answers: ApiAnswer<unknown>[] = [orders, ordersBefore, byDay, byChannel, times, timesBefore, breaches, overdue, reasons, findings, skus, staff, floor, freshness];
  const refused = answers.find((a) => !a.ok);
  if (refused) return { ok: false as const, status: refused.status, problem: refused.body as Problem };
  const body = <T,>(a: ApiAnswer<T>) => (a as { body: T }).body;
  return {
    ok: true as const,
    orders: body(orders).data,
    ordersBefore: body(ordersBefore).data,
    byDay: body(byDay).data,
    byChannel: body(byChannel).data,
    times: body(times).data,
    timesBefore: body(timesBefore).data,
    sla: sla?.ok ? { store: slaStore!, targets: sla.body } : null,
    breaches: body(breaches),
    overdue: body(overdue),
    reasons: body(reasons).data,
    findings: body(findings).data,
    skus: body(skus).data,
    staff: body(staff).data,
    floor: body(floor).data,
    freshness: body(freshness),
  };
}
type Loaded = Extract<Awaited<ReturnType<typeof load>>, { ok: true }>;

/** The period and store picker: a GET form, so the page's address is shareable and works without JavaScript. */
export function PeriodPicker({ ui, tx, asked, scope, action }: { ui: Ui; tx: InsightsText; asked: Asked; scope: Scope | undefined; action: string }) {
  const kind = asked.period || (asked.from || asked.to ? "custom" : "7d");
  return (
    <form method="get" action={action} class="filters card">
      <div class="field">
        <label for="period">{tx.period}</label>
        <select id="period" name="period">
          {(["today", "7d", "30d", "custom"] as const).map((p) => (
            <option value={p} selected={kind === p}>
              {tx[`period_${p}`]}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="from">{ui.t.from}</label>
        <input id="from" name="from" type="date" value={asked.from} />
      </div>
      <div class="field">
        <label for="to">{ui.t.to}</label>
        <input id="to" name="to" type="date" value={asked.to} />
      </div>
      <StoreSelect id="store" name="store" label={ui.t.store} anyLabel={tx.all_stores} stores={scope?.stores ?? []} selected={asked.store} />
      <div class="field">
        <button type="submit">{tx.show}</button>
      </div>
    </form>
  );
}

function FreshnessNote({ f, tz, lang, tx }: { f: z.infer<typeof Freshness>; tz: string; lang: Lang; tx: InsightsText }) {
  return (
    <section class="card" aria-labelledby="freshness-h" id="freshness">
      <h2 id="freshness-h">{tx.freshness}</h2>
      <p>{f.as_of ? fill(tx.fresh_as_of, { at: dateTime(f.as_of, tz, lang) }) : tx.fresh_never}</p>
      <p class="muted">
        {f.pending_buckets ? fill(tx.fresh_pending, { n: count(f.pending_buckets, lang) }) : tx.fresh_pending_none}{" "}
        {f.last_run_at ? fill(tx.fresh_last_run, { at: dateTime(f.last_run_at, tz, lang) }) : ""} {tx.fresh_live}
      </p>
    </section>
  );
}

function kpis(d: Loaded, lang: Lang, tx: InsightsText) {
  const total = (rows: typeof d.orders, k: "received" | "shipped" | "held" | "cancelled") => sum(rows, (r) => r[k]);
  const currencies = [...new Set([...byCurrency(d.orders), ...byCurrency(d.ordersBefore)])].sort();
  const of = (rows: typeof d.orders, cur: string) => rows.find((r) => r.currency === cur);
  const common = { lang, tx };
  const breaches = (rows: typeof d.times) => sum(rows, (r) => r.sla_breaches);
  return (
    <section aria-labelledby="kpis-h">
      <h2 id="kpis-h">{tx.kpis}</h2>
      <div class="kpis">
        <Kpi
          id="received"
          label={tx.kpi_received}
          current={total(d.orders, "received")}
          previous={total(d.ordersBefore, "received")}
          measure={{ kind: "count" }}
          goodWhen="up"
          {...common}
        />
        {currencies.map((cur) => (
          <Kpi
            id={`net-${cur}`}
            label={fill(tx.kpi_net, { currency: cur })}
            current={num(of(d.orders, cur)?.net_amount)}
            previous={num(of(d.ordersBefore, cur)?.net_amount)}
            measure={{ kind: "money", currency: cur }}
            goodWhen="up"
            {...common}
          />
        ))}
        {currencies.map((cur) => (
          <Kpi
            id={`aov-${cur}`}
            label={fill(tx.kpi_aov, { currency: cur })}
            current={num(of(d.orders, cur)?.average_order_value)}
            previous={num(of(d.ordersBefore, cur)?.average_order_value)}
            measure={{ kind: "money", currency: cur }}
            goodWhen="up"
            {...common}
          />
        ))}
        <Kpi
          id="shipped"
          label={tx.kpi_shipped}
          current={total(d.orders, "shipped")}
          previous={total(d.ordersBefore, "shipped")}
          measure={{ kind: "count" }}
          goodWhen="up"
          {...common}
        />
        <Kpi id="held" label={tx.kpi_held} current={total(d.orders, "held")} previous={total(d.ordersBefore, "held")} measure={{ kind: "count" }} goodWhen="down" {...common} />
        <Kpi
          id="cancelled"
          label={tx.kpi_cancelled}
          current={total(d.orders, "cancelled")}
          previous={total(d.ordersBefore, "cancelled")}
          measure={{ kind: "count" }}
          goodWhen="down"
          {...common}
        />
        <Kpi id="breaches" label={tx.kpi_breaches} current={breaches(d.times)} previous={breaches(d.timesBefore)} measure={{ kind: "count" }} goodWhen="down" {...common} />
        <div class="kpi" data-kpi="overdue" data-value={String(d.overdue.data.length)}>
          <div class="label">{tx.kpi_overdue}</div>
          <div class="value">{d.overdue.next_cursor ? fill(tx.kpi_overdue_more, { n: count(d.overdue.data.length, lang) }) : count(d.overdue.data.length, lang)}</div>
          <div class="delta muted">{tx.fresh_live}</div>
        </div>
      </div>
    </section>
  );
}

function ordersByDay(d: Loaded, period: Period, lang: Lang, tx: InsightsText) {
  const days: string[] = [];
  for (let day = period.from, i = 0; i < period.days; i++) {
    days.push(day);
    const next = new Date(`${day}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    day = next.toISOString().slice(0, 10);
  }
  const labels = days.map((day) => dayLabel(day, lang, "short"));
  // A day without a row had nothing happen: the rollups keep no empty buckets.
  const onDay = (day: string, f: (r: (typeof d.byDay)[number]) => number) =>
    sum(
      d.byDay.filter((r) => r.day === day),
      f,
    );
  const counts: Dataset[] = (["received", "shipped", "cancelled"] as const).map((k) => ({ label: columnLabel(lang, k), data: days.map((day) => onDay(day, (r) => r[k])) }));
  const countChart = (
    <ChartFigure
      id="chart-orders-day"
      caption={tx.chart_orders_day}
      config={chartConfig({ type: period.days > 1 ? "line" : "bar", labels, datasets: counts })}
      head={[columnLabel(lang, "day"), ...counts.map((s) => s.label)]}
      rows={days.map((day, i) => [dayLabel(day, lang), ...counts.map((s) => count(s.data[i] ?? 0, lang))])}
      tx={tx}
    />
  );
  const amountCharts = byCurrency(d.byDay).map((cur) => {
    const data = days.map((day) => {
      const row = d.byDay.find((r) => r.day === day && r.currency === cur);
      return row ? Number(row.net_amount) : 0;
    });
    return (
      <ChartFigure
        id={`chart-amount-day-${cur}`}
        caption={fill(tx.chart_amount_day, { currency: cur })}
        config={chartConfig({ type: "bar", labels, datasets: [{ label: `${columnLabel(lang, "net_amount")} (${cur})`, data }], valueTitle: cur })}
        head={[columnLabel(lang, "day"), `${columnLabel(lang, "net_amount")} (${cur})`]}
        rows={days.map((day, i) => [dayLabel(day, lang), money(data[i] ?? 0, cur, lang)])}
        tx={tx}
      />
    );
  });
  return (
    <section class="card" aria-labelledby="orders-h">
      <h2 id="orders-h">{tx.sec_orders}</h2>
      <div class="grid">
        {countChart}
        {amountCharts}
      </div>
    </section>
  );
}

function channels(d: Loaded, lang: Lang, tx: InsightsText) {
  const names = [...new Set(d.byChannel.map((r) => r.channel ?? ""))].sort();
  const label = (ch: string) => codeLabel(lang, "channel", ch);
  const received = names.map((ch) =>
    sum(
      d.byChannel.filter((r) => r.channel === ch),
      (r) => r.received,
    ),
  );
  return (
    <section class="card" aria-labelledby="channels-h">
      <h2 id="channels-h">{tx.sec_channels}</h2>
      {names.length ? (
        <div class="grid">
          <ChartFigure
            id="chart-channels"
            caption={tx.chart_channels}
            config={chartConfig({ type: "bar", horizontal: true, labels: names.map(label), datasets: [{ label: columnLabel(lang, "received"), data: received }] })}
            head={[columnLabel(lang, "channel"), columnLabel(lang, "received")]}
            rows={names.map((ch, i) => [label(ch), count(received[i] ?? 0, lang)])}
            tx={tx}
          />
          {byCurrency(d.byChannel).map((cur) => {
            const data = names.map((ch) => num(d.byChannel.find((r) => r.channel === ch && r.currency === cur)?.net_amount));
            return (
              <ChartFigure
                id={`chart-channel-amount-${cur}`}
                caption={fill(tx.chart_channel_amount, { currency: cur })}
                config={chartConfig({
                  type: "bar",
                  horizontal: true,
                  labels: names.map(label),
                  datasets: [{ label: `${columnLabel(lang, "net_amount")} (${cur})`, data }],
                  valueTitle: cur,
                })}
                head={[columnLabel(lang, "channel"), `${columnLabel(lang, "net_amount")} (${cur})`]}
                rows={names.map((ch, i) => [label(ch), money(data[i] ?? 0, cur, lang)])}
                tx={tx}
              />
            );
          })}
        </div>
      ) : (
        <p class="muted">{tx.nothing_period}</p>
      )}
    </section>
  );
}

const SLA_FIELD = {
  received_to_approved: "received_to_approved_minutes",
  approved_to_shipped: "approved_to_shipped_minutes",
  shipped_to_delivered: "shipped_to_delivered_minutes",
  received_to_completed: "received_to_completed_minutes",
} as const;

function processingTimes(d: Loaded, ui: Ui, tx: InsightsText, storeIds: string) {
  const lang = ui.lang;
  const target = (span: (typeof SPANS)[number]) => {
    const minutes = d.sla?.targets[SLA_FIELD[span]];
    return minutes === null || minutes === undefined ? null : minutes * 60_000;
  };
  const rows = SPANS.map((span) => ({ span, row: d.times.find((r) => r.span === span), before: d.times.length ? d.timesBefore.find((r) => r.span === span) : undefined }));
  const labels = rows.map((r) => codeLabel(lang, "span", r.span));
  const datasets: Dataset[] = [
    { label: columnLabel(lang, "p50_ms"), data: rows.map((r) => hours(r.row?.p50_ms ?? null)) },
    { label: columnLabel(lang, "p90_ms"), data: rows.map((r) => hours(r.row?.p90_ms ?? null)) },
    ...(d.sla ? [{ label: tx.sla_target, data: rows.map((r) => hours(target(r.span))), type: "line" as const, color: "#b3261e" }] : []),
  ];
  const overdueLink = `/console/reports/overdue-orders${storeIds ? `?store=${encodeURIComponent(storeIds)}` : ""}`;
  return (
    <section class="card" aria-labelledby="times-h">
      <h2 id="times-h">{tx.sec_times}</h2>
      <p class="muted">{d.sla ? fill(tx.sla_targets_of, { store: d.sla.store.name }) : tx.sla_choose_store}</p>
      <div class="grid">
        <ChartFigure
          id="chart-times"
          caption={tx.chart_times}
          config={chartConfig({ type: "bar", labels, datasets, valueTitle: tx.hours })}
          head={[columnLabel(lang, "span"), ...datasets.map((s) => s.label)]}
          rows={rows.map((r) => [
            codeLabel(lang, "span", r.span),
            duration(r.row?.p50_ms, lang),
            duration(r.row?.p90_ms, lang),
            ...(d.sla ? [target(r.span) === null ? tx.sla_none : duration(target(r.span), lang)] : []),
          ])}
          tx={tx}
        />
        <DataTable
          head={[
            { label: columnLabel(lang, "span") },
            { label: columnLabel(lang, "count"), num: true },
            { label: columnLabel(lang, "p50_ms"), num: true },
            { label: columnLabel(lang, "p90_ms"), num: true },
            { label: tx.sla_target, num: true },
            { label: columnLabel(lang, "sla_breaches"), num: true },
          ]}
          rows={rows.map((r) => [
            codeLabel(lang, "span", r.span),
            count(r.row?.count ?? 0, lang),
            r.row ? <span title={r.row.exact ? undefined : tx.exact_no}>{`${duration(r.row.p50_ms, lang)}${r.row.exact ? "" : " ≈"}`}</span> : "–",
            r.row ? `${duration(r.row.p90_ms, lang)}${r.row.exact ? "" : " ≈"}` : "–",
            d.sla ? (target(r.span) === null ? tx.sla_none : duration(target(r.span), lang)) : "–",
            count(r.row?.sla_breaches ?? 0, lang),
          ])}
          empty={tx.nothing_period}
        />
      </div>
      <p class="hint">≈ {tx.exact_no}</p>
      <p>
        <a href={overdueLink}>
          {columnLabel(lang, "overdue_ms")}: {tx.see_all}
        </a>
      </p>
    </section>
  );
}

function exceptions(d: Loaded, ui: Ui, tx: InsightsText, scope: Scope) {
  const lang = ui.lang;
  const storeName = (id: string) => scope.stores.find((s) => s.id === id)?.name ?? id;
  const tz = (id: string) => scope.stores.find((s) => s.id === id)?.timezone ?? scope.timeZone;
  const perCode = new Map<string, number>();
  for (const f of d.findings) if (f.code) perCode.set(f.code, (perCode.get(f.code) ?? 0) + f.audits);
  const codes = [...perCode.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10);
  const reasons = [...d.reasons].sort((a, b) => b.count - a.count).slice(0, 10);
  return (
    <section class="card" aria-labelledby="exceptions-h">
      <h2 id="exceptions-h">{tx.sec_exceptions}</h2>
      <div class="grid">
        {codes.length ? (
          <ChartFigure
            id="chart-findings"
            caption={tx.chart_findings}
            config={chartConfig({
              type: "bar",
              horizontal: true,
              labels: codes.map(([c]) => codeLabel(lang, "code", c)),
              datasets: [{ label: columnLabel(lang, "audits"), data: codes.map(([, n]) => n) }],
            })}
            head={[columnLabel(lang, "code"), columnLabel(lang, "audits")]}
            rows={codes.map(([c, n]) => [codeLabel(lang, "code", c), count(n, lang)])}
            tx={tx}
          />
        ) : null}
        <div>
          <h3>{tx.reasons_top}</h3>
          <DataTable
            head={[{ label: columnLabel(lang, "event") }, { label: columnLabel(lang, "reason") }, { label: columnLabel(lang, "count"), num: true }]}
            rows={reasons.map((r) => [codeLabel(lang, "event", r.event), codeLabel(lang, "code", r.reason), count(r.count, lang)])}
            empty={tx.nothing_period}
          />
        </div>
      </div>
      <h3>{tx.overdue_title}</h3>
      <DataTable
        head={[
          { label: columnLabel(lang, "order_id") },
          { label: columnLabel(lang, "store_id") },
          { label: columnLabel(lang, "span") },
          { label: columnLabel(lang, "since") },
          { label: columnLabel(lang, "overdue_ms"), num: true },
        ]}
        rows={d.overdue.data.slice(0, 10).map((o) => [
          <a href={`/console/orders/${o.order_id}`} class="mono">
            {o.order_id}
          </a>,
          storeName(o.store_id),
          codeLabel(lang, "span", o.span),
          dateTime(o.since, tz(o.store_id), lang),
          duration(o.overdue_ms, lang),
        ])}
        empty={tx.nothing_overdue}
      />
      <p>
        <a href="/console/reports/overdue-orders">{tx.see_all}</a>
      </p>
      <h3>{tx.breaches_title}</h3>
      <DataTable
        head={[
          { label: columnLabel(lang, "order_id") },
          { label: columnLabel(lang, "span") },
          { label: columnLabel(lang, "day") },
          { label: columnLabel(lang, "duration_ms"), num: true },
          { label: columnLabel(lang, "target_ms"), num: true },
        ]}
        rows={d.breaches.data.map((b) => [
          <a href={`/console/orders/${b.order_id}`} class="mono">
            {b.order_id}
          </a>,
          codeLabel(lang, "span", b.span),
          dayLabel(b.day, lang),
          duration(b.duration_ms, lang),
          duration(b.target_ms, lang),
        ])}
        empty={tx.nothing_period}
      />
    </section>
  );
}

function topSkus(d: Loaded, lang: Lang, tx: InsightsText) {
  const top = [...d.skus].sort((a, b) => b.units_ordered - a.units_ordered || a.sku.localeCompare(b.sku)).slice(0, 10);
  return (
    <section class="card" aria-labelledby="skus-h">
      <h2 id="skus-h">{tx.sec_skus}</h2>
      {top.length ? (
        <div class="grid">
          <ChartFigure
            id="chart-skus"
            caption={fill(tx.chart_skus, { n: top.length })}
            config={chartConfig({
              type: "bar",
              horizontal: true,
              labels: top.map((s) => (byCurrency(d.skus as never).length > 1 ? `${s.sku} (${s.currency})` : s.sku)),
              datasets: [
                { label: columnLabel(lang, "units_ordered"), data: top.map((s) => s.units_ordered) },
                { label: columnLabel(lang, "units_shipped"), data: top.map((s) => s.units_shipped) },
              ],
            })}
            head={[columnLabel(lang, "sku"), columnLabel(lang, "units_ordered"), columnLabel(lang, "units_shipped")]}
            rows={top.map((s) => [s.sku, count(s.units_ordered, lang), count(s.units_shipped, lang)])}
            tx={tx}
            tall={top.length > 6}
          />
          <DataTable
            head={[
              { label: columnLabel(lang, "sku") },
              { label: columnLabel(lang, "units_ordered"), num: true },
              { label: columnLabel(lang, "revenue_ordered"), num: true },
              { label: columnLabel(lang, "units_shipped"), num: true },
              { label: columnLabel(lang, "margin_shipped"), num: true },
            ]}
            rows={top.map((s) => [
              // A SKU is one code: "FILTER-1" broke at its hyphen in the narrow column.
              <span class="mono" style="white-space:nowrap">
                {s.sku}
              </span>,
              count(s.units_ordered, lang),
              money(s.revenue_ordered, s.currency, lang),
              count(s.units_shipped, lang),
              s.margin_shipped === null ? "–" : money(s.margin_shipped, s.currency, lang),
            ])}
            empty={tx.nothing_period}
          />
        </div>
      ) : (
        <p class="muted">{tx.nothing_period}</p>
      )}
    </section>
  );
}

function staffPerformance(d: Loaded, lang: Lang, tx: InsightsText) {
  type Person = { actor: string; name: string; role: string; total: number; metrics: Map<string, number> };
  const people = new Map<string, Person>();
  for (const r of d.staff) {
    const p = people.get(r.actor) ?? { actor: r.actor, name: r.actor_name ?? r.actor, role: r.role, total: 0, metrics: new Map() };
    p.total += r.count;
    p.metrics.set(r.metric, (p.metrics.get(r.metric) ?? 0) + r.count);
    people.set(r.actor, p);
  }
  const top = [...people.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name)).slice(0, 10);
  const metrics = [...new Set(top.flatMap((p) => [...p.metrics.keys()]))].sort();
  const workers = [...d.floor].sort((a, b) => b.picks + b.packs - (a.picks + a.packs)).slice(0, 10);
  const workerName = (w: (typeof workers)[number]) => w.worker_name ?? w.worker;
  const rate = (v: number | null) => (v === null ? "–" : percent(v, lang));
  return (
    <section class="card" aria-labelledby="staff-h">
      <h2 id="staff-h">{tx.sec_staff}</h2>
      {top.length ? (
        <div class="grid">
          <ChartFigure
            id="chart-staff"
            caption={tx.chart_staff}
            config={chartConfig({
              type: "bar",
              horizontal: true,
              stacked: true,
              labels: top.map((p) => p.name),
              datasets: metrics.map((m) => ({ label: codeLabel(lang, "metric", m), data: top.map((p) => p.metrics.get(m) ?? 0) })),
            })}
            head={[tx.person, ...metrics.map((m) => codeLabel(lang, "metric", m))]}
            rows={top.map((p) => [p.name, ...metrics.map((m) => count(p.metrics.get(m) ?? 0, lang))])}
            tx={tx}
            tall={top.length > 5}
          />
          <DataTable
            head={[{ label: tx.person }, { label: columnLabel(lang, "role") }, { label: tx.total_actions, num: true }]}
            rows={top.map((p) => [p.name, codeLabel(lang, "role", p.role), count(p.total, lang)])}
            empty={tx.nothing_period}
          />
        </div>
      ) : (
        <p class="muted">{tx.nothing_period}</p>
      )}
      <h3>{tx.sec_floor}</h3>
      {workers.length ? (
        <div class="grid">
          <ChartFigure
            id="chart-floor"
            caption={tx.chart_floor}
            config={chartConfig({
              type: "bar",
              horizontal: true,
              labels: workers.map(workerName),
              datasets: [
                { label: columnLabel(lang, "picks"), data: workers.map((w) => w.picks) },
                { label: columnLabel(lang, "packs"), data: workers.map((w) => w.packs) },
              ],
            })}
            head={[tx.person, columnLabel(lang, "picks"), columnLabel(lang, "packs")]}
            rows={workers.map((w) => [workerName(w), count(w.picks, lang), count(w.packs, lang)])}
            tx={tx}
          />
          <DataTable
            head={[
              { label: tx.person },
              { label: columnLabel(lang, "short_pick_rate"), num: true },
              { label: columnLabel(lang, "scan_mismatch_rate"), num: true },
              { label: columnLabel(lang, "weight_override_rate"), num: true },
              { label: columnLabel(lang, "avg_pick_ms"), num: true },
            ]}
            rows={workers.map((w) => [
              workerName(w),
              rate(w.short_pick_rate),
              rate(w.scan_mismatch_rate),
              rate(w.weight_override_rate),
              w.avg_pick_ms === null ? "–" : duration(w.avg_pick_ms, lang),
            ])}
            empty={tx.nothing_period}
          />
        </div>
      ) : (
        <p class="muted">{tx.nothing_period}</p>
      )}
    </section>
  );
}

export function refusalText(tx: InsightsText, refusal: string): string {
  return (tx as Record<string, string>)[refusal] ?? refusal;
}

export async function dashboardPage(c: ConsoleContext): Promise<Response> {
  const refused = need(c, "reports:read");
  if (refused) return refused;
  const ui = uiOf(c);
  const tx = TEXT[ui.lang];
  const asked = askedOf(c);
  const resolved = await periodOf(c, asked);
  const frame = (status: 200 | 400 | 403 | 404, body: unknown, scope?: Scope) =>
    renderPage(
      c,
      ui,
      { title: tx.dashboard_title, scripts: status === 200 ? ["chart"] : [], status },
      <div class="insights">
        <h1>{tx.dashboard_title}</h1>
        <PeriodPicker ui={ui} tx={tx} asked={asked} scope={scope} action="/console/dashboard" />
        {body as never}
      </div>,
    );
  if (!resolved.ok) {
    return frame(
      400,
      <div class="flash bad" role="alert" id="refusal">
        {refusalText(tx, resolved.refusal)}
      </div>,
      resolved.scope ?? (await periodOf(c, { ...asked, store: "" }).then((r) => (r.ok ? r.scope : undefined))),
    );
  }
  const { period, scope } = resolved;
  const d = await load(c, period, scope);
  if (!d.ok) {
    return frame(
      (d.status >= 400 && d.status < 500 ? d.status : 400) as 400,
      <div class="flash bad" role="alert" id="refusal">
        {problemText(d.problem, ui.lang)}
      </div>,
      scope,
    );
  }
  const lang = ui.lang;
  const line =
    period.days === 1
      ? fill(tx.period_line_one, { from: dayLabel(period.from, lang), prev_from: dayLabel(period.previous.from, lang) })
      : fill(tx.period_line, {
          from: dayLabel(period.from, lang),
          to: dayLabel(period.to, lang),
          days: period.days,
          prev_from: dayLabel(period.previous.from, lang),
          prev_to: dayLabel(period.previous.to, lang),
        });
  return frame(
    200,
    <>
      <p id="period-line" data-from={period.from} data-to={period.to} data-prev-from={period.previous.from} data-prev-to={period.previous.to}>
        {line} <span class="muted">{fill(tx.days_in_zone, { zone: scope.timeZone })}</span>
      </p>
      {kpis(d, lang, tx)}
      <FreshnessNote f={d.freshness} tz={scope.timeZone} lang={lang} tx={tx} />
      {ordersByDay(d, period, lang, tx)}
      {channels(d, lang, tx)}
      {processingTimes(d, ui, tx, scope.store?.id ?? "")}
      {exceptions(d, ui, tx, scope)}
      {topSkus(d, lang, tx)}
      {staffPerformance(d, lang, tx)}
    </>,
    scope,
  );
}
