/**
 * The grouped reports: which rollup table each reads, its dimensions and
 * measures, and how a row is presented (money as decimal strings in the
 * row's currency, local days and hours of the store, warehouse "" as null).
 * The same presentation feeds the JSON pages and the CSV columns.
 */
import { sql } from "drizzle-orm";
import { fromMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import { all } from "./d1";
import { percentileFromBins } from "./percentiles";
import { queryGrouped, rowValue, type GroupedQuery, type GroupedResult, type GroupedSpec, type RawRow } from "./report-query";

export type Report = {
  name: string;
  spec: GroupedSpec;
  /** Output columns, in order, for the chosen grouping. */
  columns(group: ReadonlySet<string>): string[];
  present(d1: D1Database, result: GroupedResult, group: ReadonlySet<string>): Promise<Record<string, unknown>[]>;
};

const GROUP_COLUMNS: Record<string, string[]> = {
  day: ["day"],
  hour: ["hour", "hour_start"],
  store: ["store_id"],
  channel: ["channel"],
  warehouse: ["warehouse_id"],
};

function groupColumns(spec: GroupedSpec, group: ReadonlySet<string>): string[] {
  return spec.dims.filter((d) => !d.always && group.has(d.name)).flatMap((d) => GROUP_COLUMNS[d.name] ?? [d.name]);
}

function groupValues(r: RawRow, group: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (group.has("day")) out.day = r.day;
  if (group.has("hour")) {
    out.hour = r.hour_label;
    out.hour_start = iso(Number(r.hour));
  }
  if (group.has("store")) out.store_id = r.store;
  if (group.has("channel")) out.channel = r.channel;
  if (group.has("warehouse")) out.warehouse_id = r.warehouse === "" ? null : r.warehouse;
  return out;
}

const n = (v: unknown) => Number(v ?? 0);
const money = (v: unknown, currency: unknown) => fromMinor(n(v), String(currency));

const sums = (names: readonly string[]) => Object.fromEntries(names.map((m) => [m, `SUM(${m})`]));

const COUNTS = ["received", "approved", "held", "processing", "shipped", "delivered", "completed", "cancelled", "rejected"] as const;
const AMOUNTS = ["gross_amount", "discount_amount", "shipping_amount", "tax_amount", "net_amount", "cancelled_amount"] as const;

export const ordersReport: Report = {
  name: "orders",
  spec: {
    table: (group) => (group.has("hour") ? "rollup_order_hours" : "rollup_order_days"),
    dims: [
      { name: "day", column: "day" },
      { name: "hour", column: "hour_start", label: "hour_label" },
      { name: "store", column: "store_id" },
      { name: "channel", column: "channel" },
      { name: "warehouse", column: "warehouse_id" },
      { name: "currency", column: "currency", always: true },
    ],
    measures: sums([...COUNTS, ...AMOUNTS]),
    filters: { channel: "channel", currency: "currency" },
  },
  columns(group) {
    return [...groupColumns(this.spec, group), "currency", ...COUNTS, ...AMOUNTS, "average_order_value"];
  },
  async present(_d1, { rows }, group) {
    return rows.map((r) => ({
      ...groupValues(r, group),
      currency: r.currency,
      ...Object.fromEntries(COUNTS.map((c) => [c, n(r[c])])),
      ...Object.fromEntries(AMOUNTS.map((a) => [a, money(r[a], r.currency)])),
      // Half up, in minor units: the mean of what was received.
      average_order_value: n(r.received) > 0 ? money(Math.round(n(r.net_amount) / n(r.received)), r.currency) : null,
    }));
  },
};

export const processingTimesReport: Report = {
  name: "processing-times",
  spec: {
    table: () => "rollup_durations",
    dims: [
      { name: "day", column: "day" },
      { name: "store", column: "store_id" },
      { name: "channel", column: "channel" },
      { name: "span", column: "span", always: true },
    ],
    measures: {
      count: "SUM(count)",
      sum_ms: "SUM(sum_ms)",
      max_ms: "MAX(max_ms)",
      breaches: "SUM(breaches)",
      parts: "COUNT(*)",
      p50_ms: "MIN(p50_ms)",
      p90_ms: "MIN(p90_ms)",
    },
    filters: { channel: "channel", span: "span" },
    // Rows per channel when channels matter, else the all-channel rows (exact per store and day).
    where: (q: GroupedQuery) => (q.group.has("channel") || q.filters.channel ? sql`channel <> '*'` : sql`channel = '*'`),
  },
  columns(group) {
    return [...groupColumns(this.spec, group), "span", "count", "avg_ms", "p50_ms", "p90_ms", "max_ms", "sla_breaches", "exact"];
  },
  async present(d1, { rows, page }, group) {
    const merged = rows.some((r) => n(r.parts) > 1) ? await mergedBins(d1, page) : new Map<string, Map<number, number>>();
    return rows.map((r) => {
      const exact = n(r.parts) === 1;
      const bins = merged.get(JSON.stringify(page.dims.map((d) => r[d.name]))) ?? new Map();
      return {
        ...groupValues(r, group),
        span: r.span,
        count: n(r.count),
        avg_ms: Math.round(n(r.sum_ms) / Math.max(1, n(r.count))),
        p50_ms: exact ? n(r.p50_ms) : (percentileFromBins(bins, 50, n(r.max_ms)) ?? 0),
        p90_ms: exact ? n(r.p90_ms) : (percentileFromBins(bins, 90, n(r.max_ms)) ?? 0),
        max_ms: n(r.max_ms),
        sla_breaches: n(r.breaches),
        exact,
      };
    });
  },
};

/** The histograms of every stored row behind the page's groups, summed per group. */
async function mergedBins(d1: D1Database, page: GroupedResult["page"]) {
  const select = page.dims.map((d) => `${d.column} AS "${d.name}"`).join(", ");
  const rows = await all<RawRow>(
    d1,
    sql`SELECT ${sql.raw(select)}, j.key AS bin, SUM(j.value) AS n
      FROM rollup_durations, json_each(rollup_durations.histogram) j
      WHERE ${page.where} AND ${page.keys} >= ${rowValue(page.first!)} AND ${page.keys} <= ${rowValue(page.last!)}
      GROUP BY ${sql.raw(page.dims.map((d) => d.column).join(", "))}, j.key`,
  );
  const out = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const key = JSON.stringify(page.dims.map((d) => r[d.name]));
    const bins = out.get(key) ?? new Map<number, number>();
    bins.set(Number(r.bin), n(r.n));
    out.set(key, bins);
  }
  return out;
}

export const staffReport: Report = {
  name: "staff",
  spec: {
    table: () => "rollup_staff_days",
    dims: [
      { name: "day", column: "day" },
      { name: "store", column: "store_id" },
      { name: "actor", column: "actor", always: true },
      { name: "role", column: "role", always: true },
      { name: "metric", column: "metric", always: true },
    ],
    measures: { count: "SUM(count)", latency_sum_ms: "SUM(latency_sum_ms)", latency_max_ms: "MAX(latency_max_ms)" },
    filters: { actor: "actor", role: "role", metric: "metric" },
  },
  columns(group) {
    return [...groupColumns(this.spec, group), "actor", "role", "metric", "count", "avg_latency_ms", "max_latency_ms"];
  },
  async present(_d1, { rows }, group) {
    return rows.map((r) => ({
      ...groupValues(r, group),
      actor: r.actor,
      role: r.role,
      metric: r.metric,
      count: n(r.count),
      avg_latency_ms: Math.round(n(r.latency_sum_ms) / Math.max(1, n(r.count))),
      max_latency_ms: n(r.latency_max_ms),
    }));
  },
};

export const reasonsReport: Report = {
  name: "reasons",
  spec: {
    table: () => "rollup_reason_days",
    dims: [
      { name: "day", column: "day" },
      { name: "store", column: "store_id" },
      { name: "event", column: "event", always: true },
      { name: "reason", column: "reason", always: true },
    ],
    measures: { count: "SUM(count)" },
    filters: { event: "event" },
  },
  columns(group) {
    return [...groupColumns(this.spec, group), "event", "reason", "count"];
  },
  async present(_d1, { rows }, group) {
    return rows.map((r) => ({ ...groupValues(r, group), event: r.event, reason: r.reason, count: n(r.count) }));
  },
};

const SKU_UNITS = ["units_ordered", "units_cancelled", "units_shipped"] as const;
const SKU_REVENUE = ["revenue_ordered", "revenue_cancelled", "revenue_shipped"] as const;

export const skuReport: Report = {
  name: "skus",
  spec: {
    table: () => "rollup_sku_days",
    dims: [
      { name: "day", column: "day" },
      { name: "store", column: "store_id" },
      { name: "warehouse", column: "warehouse_id" },
      { name: "sku", column: "sku", always: true },
      { name: "currency", column: "currency", always: true },
    ],
    measures: {
      ...sums([...SKU_UNITS, ...SKU_REVENUE]),
      // A cost only when every row behind it has one: a partial sum would understate it.
      cost_shipped: "CASE WHEN COUNT(cost_shipped) = COUNT(*) THEN SUM(cost_shipped) END",
    },
    filters: { sku: "sku", currency: "currency" },
  },
  columns(group) {
    return [
      ...groupColumns(this.spec, group),
      "sku",
      "currency",
      "units_ordered",
      "revenue_ordered",
      "units_cancelled",
      "revenue_cancelled",
      "units_shipped",
      "revenue_shipped",
      "cost_shipped",
      "margin_shipped",
    ];
  },
  async present(_d1, { rows }, group) {
    return rows.map((r) => {
      const cost = r.cost_shipped === null ? null : n(r.cost_shipped);
      return {
        ...groupValues(r, group),
        sku: r.sku,
        currency: r.currency,
        units_ordered: n(r.units_ordered),
        revenue_ordered: money(r.revenue_ordered, r.currency),
        units_cancelled: n(r.units_cancelled),
        revenue_cancelled: money(r.revenue_cancelled, r.currency),
        units_shipped: n(r.units_shipped),
        revenue_shipped: money(r.revenue_shipped, r.currency),
        cost_shipped: cost === null ? null : money(cost, r.currency),
        margin_shipped: cost === null ? null : money(n(r.revenue_shipped) - cost, r.currency),
      };
    });
  },
};

export async function reportPage(d1: D1Database, report: Report, q: GroupedQuery) {
  const result = await queryGrouped(d1, report.spec, q);
  return { data: await report.present(d1, result, q.group), next: result.next };
}

/** Every page of a report, for CSV: rows as arrays in `columns` order. */
export async function* reportPages(d1: D1Database, report: Report, q: GroupedQuery, columns: readonly string[]) {
  let cursor: string | undefined;
  do {
    const { data, next } = await reportPage(d1, report, { ...q, cursor, limit: 1000 });
    yield data.map((row) => columns.map((c) => row[c]));
    cursor = next ?? undefined;
  } while (cursor);
}
