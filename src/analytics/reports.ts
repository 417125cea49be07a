/**
 * The grouped reports: which rollup table each reads, its dimensions and
 * measures, and how a row is presented (money as decimal strings in the
 * row's currency, local days and hours of the store, warehouse and codes ""
 * as null, rates as numbers with 4 decimals and null without a denominator).
 * The same presentation feeds the JSON pages and the CSV columns.
 */
import type { D1Reads } from "../db/client";
import { actorNames, nameIn, namedActor } from "../activity/actor-names";
import { sql } from "drizzle-orm";
import { CARRIER_EXCEPTION_KINDS } from "../db/schema";
import { fromMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import { all } from "./d1";
import { hourLabelSql } from "./bucket-sql";
import { orderHoursSql } from "./folds/order-counts";
import { percentileFromBins } from "./percentiles";
import { queryGrouped, rowValue, type GroupedQuery, type GroupedResult, type GroupedSpec, type RawRow } from "./report-query";

export type Report = {
  name: string;
  spec: GroupedSpec;
  /** Output columns, in order, for the chosen grouping. */
  columns(group: ReadonlySet<string>): string[];
  /**
   * `shards`: the databases the page was read from, for follow-up reads over it; `people`: the directory, where the
   * names of the people and keys in a row are read (src/activity/actor-names.ts).
   */
  present(shards: readonly D1Reads[], result: GroupedResult, group: ReadonlySet<string>, people: D1Reads): Promise<Record<string, unknown>[]>;
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
    table: (group) => (group.has("hour") ? sql.raw(orderHoursSql) : "rollup_order_days"),
    dims: [
      { name: "day", column: "day" },
      // Labelled once per hour, not once per stored hour it sums (the offset is the same for each).
      { name: "hour", column: "hour_start", label: hourLabelSql("hour_start", "MIN(offset_ms)") },
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
  async present(shards, { rows, page }, group) {
    const merged = rows.some((r) => n(r.parts) > 1) ? await mergedBins(shards, page) : new Map<string, Map<number, number>>();
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

/** The histograms of every stored row behind the page's groups, summed per group over every shard read. */
async function mergedBins(shards: readonly D1Reads[], page: GroupedResult["page"]) {
  const select = page.dims.map((d) => `${d.column} AS "${d.name}"`).join(", ");
  const read = (d1: D1Reads) =>
    all<RawRow>(
      d1,
      sql`SELECT ${sql.raw(select)}, j.key AS bin, SUM(j.value) AS n
        FROM rollup_durations, json_each(rollup_durations.histogram) j
        WHERE ${page.where} AND ${page.keys} >= ${rowValue(page.first!)} AND ${page.keys} <= ${rowValue(page.last!)}
        GROUP BY ${sql.raw(page.dims.map((d) => d.column).join(", "))}, j.key`,
    );
  const out = new Map<string, Map<number, number>>();
  for (const r of (await Promise.all(shards.map(read))).flat()) {
    const key = JSON.stringify(page.dims.map((d) => r[d.name]));
    const bins = out.get(key) ?? new Map<number, number>();
    bins.set(Number(r.bin), (bins.get(Number(r.bin)) ?? 0) + n(r.n));
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
    return [...groupColumns(this.spec, group), "actor", "actor_kind", "actor_name", "role", "metric", "count", "avg_latency_ms", "max_latency_ms"];
  },
  async present(_d1, { rows }, group, people) {
    const names = await actorNames(
      people,
      rows.map((r) => r.actor as string),
    );
    return rows.map((r) => ({
      ...groupValues(r, group),
      actor: r.actor,
      ...namedActor(names, r.actor as string),
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
      // A cost only when something shipped and every row that shipped has one: a partial sum would understate it.
      cost_shipped: "CASE WHEN SUM(units_shipped) = 0 OR SUM(units_shipped > 0 AND cost_shipped IS NULL) > 0 THEN NULL ELSE SUM(COALESCE(cost_shipped, 0)) END",
    },
    // The same rule over two shards' parts: a part that shipped nothing adds nothing, one that shipped without a cost unknowns it.
    merge: {
      cost_shipped: (a, b) =>
        n(a.units_shipped) === 0
          ? (b.cost_shipped ?? null)
          : n(b.units_shipped) === 0
            ? (a.cost_shipped ?? null)
            : a.cost_shipped == null || b.cost_shipped == null
              ? null
              : n(a.cost_shipped) + n(b.cost_shipped),
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

/** A share as a number with 4 decimals; null without a denominator. */
const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);
const avg = (sum: unknown, count: unknown) => (n(count) > 0 ? Math.round(n(sum) / n(count)) : null);
/** SUM of `column` over the rows of one metric (the floor table has a row per metric). */
const ofMetric = (metric: string, column: string) => `SUM(CASE WHEN metric = '${metric}' THEN ${column} ELSE 0 END)`;

const FLOOR_OTHER = ["intercept", "resolve", "restock", "merge", "unmerge"];

const FLOOR_COLUMNS = [
  "worker",
  "worker_kind",
  "worker_name",
  "role",
  "picks",
  "units_picked",
  "short_picks",
  "units_short",
  "pack_scans",
  "scan_mismatches",
  "packs",
  "packages",
  "weight_overrides",
  "other_actions",
  "avg_pick_ms",
  "avg_pack_ms",
  "short_pick_rate",
  "scan_mismatch_rate",
  "weight_override_rate",
];

export const floorReport: Report = {
  name: "floor",
  spec: {
    table: () => "rollup_floor_days",
    dims: [
      { name: "day", column: "day" },
      { name: "store", column: "store_id" },
      { name: "warehouse", column: "warehouse_id" },
      { name: "worker", column: "worker", always: true },
      { name: "role", column: "role", always: true },
    ],
    measures: {
      picks: ofMetric("pick", "count"),
      units_picked: ofMetric("pick", "units"),
      pick_ms: ofMetric("pick", "duration_sum_ms"),
      pick_timed: ofMetric("pick", "duration_n"),
      short_picks: ofMetric("short_pick", "count"),
      units_short: ofMetric("short_pick", "units"),
      pack_scans: ofMetric("pack_scan", "count"),
      scan_mismatches: ofMetric("scan_mismatch", "count"),
      packs: ofMetric("pack", "count"),
      packages: ofMetric("pack", "units"),
      pack_ms: ofMetric("pack", "duration_sum_ms"),
      pack_timed: ofMetric("pack", "duration_n"),
      weight_overrides: ofMetric("weight_override", "count"),
      other_actions: `SUM(CASE WHEN metric IN (${FLOOR_OTHER.map((m) => `'${m}'`).join(", ")}) THEN count ELSE 0 END)`,
    },
    filters: { worker: "worker", role: "role" },
  },
  columns(group) {
    return [...groupColumns(this.spec, group), ...FLOOR_COLUMNS];
  },
  async present(_d1, { rows }, group, people) {
    const names = await actorNames(
      people,
      rows.map((r) => r.worker as string),
    );
    return rows.map((r) => {
      const [picks, scans, mismatches, packs] = [n(r.picks), n(r.pack_scans), n(r.scan_mismatches), n(r.packs)];
      const who = nameIn(names, r.worker as string);
      return {
        ...groupValues(r, group),
        worker: r.worker,
        worker_kind: who.kind,
        worker_name: who.name,
        role: r.role,
        picks,
        units_picked: n(r.units_picked),
        short_picks: n(r.short_picks),
        units_short: n(r.units_short),
        pack_scans: scans,
        scan_mismatches: mismatches,
        packs,
        packages: n(r.packages),
        weight_overrides: n(r.weight_overrides),
        other_actions: n(r.other_actions),
        avg_pick_ms: avg(r.pick_ms, r.pick_timed),
        avg_pack_ms: avg(r.pack_ms, r.pack_timed),
        short_pick_rate: rate(n(r.short_picks), picks),
        // Every pick confirmation and pack scan is a scan; a mismatch is a scan refused.
        scan_mismatch_rate: rate(mismatches, picks + scans + mismatches),
        weight_override_rate: rate(n(r.weight_overrides), packs),
      };
    });
  },
};

export const auditFindingsReport: Report = {
  name: "audit-findings",
  spec: {
    table: () => "rollup_audit_days",
    dims: [
      { name: "day", column: "day" },
      { name: "store", column: "store_id" },
      { name: "outcome", column: "outcome", always: true },
      { name: "code", column: "code", always: true },
      { name: "severity", column: "severity", always: true },
    ],
    measures: { audits: "SUM(audits)", findings: "SUM(findings)" },
    filters: { outcome: "outcome", code: "code", severity: "severity" },
  },
  columns(group) {
    return [...groupColumns(this.spec, group), "outcome", "code", "severity", "audits", "findings"];
  },
  async present(_d1, { rows }, group) {
    return rows.map((r) => ({
      ...groupValues(r, group),
      outcome: r.outcome,
      code: r.code === "" ? null : r.code,
      severity: r.severity === "" ? null : r.severity,
      audits: n(r.audits),
      findings: n(r.findings),
    }));
  },
};

const CARRIER_SUMS = ["shipped", "delivered", "on_time", "late", ...CARRIER_EXCEPTION_KINDS] as const;

export const carriersReport: Report = {
  name: "carriers",
  spec: {
    table: () => "rollup_carrier_days",
    dims: [
      { name: "day", column: "day" },
      { name: "store", column: "store_id" },
      { name: "carrier", column: "carrier", always: true },
      { name: "service", column: "service", always: true },
    ],
    measures: { ...sums([...CARRIER_SUMS, "transit_n", "transit_sum_ms"]), transit_max_ms: "MAX(transit_max_ms)" },
    filters: { carrier: "carrier", service: "service" },
  },
  columns(group) {
    return [
      ...groupColumns(this.spec, group),
      "carrier",
      "service",
      "shipped",
      "delivered",
      "on_time",
      "late",
      "on_time_rate",
      "avg_transit_ms",
      "max_transit_ms",
      "exceptions",
      ...CARRIER_EXCEPTION_KINDS.map((k) => `exceptions_${k}`),
    ];
  },
  async present(_d1, { rows }, group) {
    return rows.map((r) => ({
      ...groupValues(r, group),
      carrier: r.carrier,
      service: r.service,
      shipped: n(r.shipped),
      delivered: n(r.delivered),
      on_time: n(r.on_time),
      late: n(r.late),
      on_time_rate: rate(n(r.on_time), n(r.on_time) + n(r.late)),
      avg_transit_ms: avg(r.transit_sum_ms, r.transit_n),
      max_transit_ms: n(r.transit_n) > 0 ? n(r.transit_max_ms) : null,
      exceptions: CARRIER_EXCEPTION_KINDS.reduce((total, k) => total + n(r[k]), 0),
      ...Object.fromEntries(CARRIER_EXCEPTION_KINDS.map((k) => [`exceptions_${k}`, n(r[k])])),
    }));
  },
};

/** A page of a report over `shards`, the databases holding the caller's stores (src/analytics/report-shards.ts). */
export async function reportPage(shards: readonly D1Reads[], report: Report, q: GroupedQuery, people: D1Reads) {
  const result = await queryGrouped(shards, report.spec, q);
  return { data: await report.present(shards, result, q.group, people), next: result.next };
}

/** Every page of a report, for CSV: rows as arrays in `columns` order. */
export async function* reportPages(shards: readonly D1Reads[], report: Report, q: GroupedQuery, columns: readonly string[], people: D1Reads) {
  let cursor: string | undefined;
  do {
    const { data, next } = await reportPage(shards, report, { ...q, cursor, limit: 1000 }, people);
    yield data.map((row) => columns.map((c) => row[c]));
    cursor = next ?? undefined;
  } while (cursor);
}

const FINANCE_MONEY = ["revenue", "refunds", "fees", "shipping", "cost_of_goods", "gross_profit"] as const;

/** The daily finance summary: the money ledger per local day (src/analytics/folds/finance.ts), money signed as in the ledger. */
export const financeReport: Report = {
  name: "finance-daily",
  spec: {
    table: () => "rollup_finance_days",
    dims: [
      { name: "day", column: "day" },
      { name: "store", column: "store_id" },
      { name: "channel", column: "channel" },
      { name: "currency", column: "currency", always: true },
    ],
    measures: sums(["orders", ...FINANCE_MONEY]),
    filters: { channel: "channel", currency: "currency" },
  },
  columns(group) {
    return [...groupColumns(this.spec, group), "currency", "orders", ...FINANCE_MONEY];
  },
  async present(_d1, { rows }, group) {
    return rows.map((r) => ({
      ...groupValues(r, group),
      currency: r.currency,
      orders: n(r.orders),
      ...Object.fromEntries(FINANCE_MONEY.map((m) => [m, money(r[m], r.currency)])),
    }));
  },
};

const GROSS_PROFIT_MONEY = ["revenue", "refunds", "fees", "shipping", "cost_of_goods", "gross_profit"] as const;

/**
 * Gross profit per SKU (src/analytics/folds/gross-profit.ts): the ledger's
 * money split over SKUs, and the order-level row (sku null) for what no SKU
 * earned or cost alone. Per day, store, channel and currency the rows add
 * up to the finance summary's.
 */
export const grossProfitReport: Report = {
  name: "gross-profit",
  spec: {
    table: () => "rollup_gross_profit_days",
    dims: [
      { name: "day", column: "day" },
      { name: "store", column: "store_id" },
      { name: "channel", column: "channel" },
      { name: "sku", column: "sku", always: true },
      { name: "currency", column: "currency", always: true },
    ],
    measures: sums(["units_shipped", ...GROSS_PROFIT_MONEY]),
    filters: { channel: "channel", currency: "currency", sku: "sku" },
  },
  columns(group) {
    return [...groupColumns(this.spec, group), "sku", "currency", "units_shipped", ...GROSS_PROFIT_MONEY, "gross_margin"];
  },
  async present(_d1, { rows }, group) {
    return rows.map((r) => {
      const netRevenue = n(r.revenue) + n(r.refunds);
      return {
        ...groupValues(r, group),
        sku: r.sku === "" ? null : r.sku,
        currency: r.currency,
        units_shipped: n(r.units_shipped),
        ...Object.fromEntries(GROSS_PROFIT_MONEY.map((m) => [m, money(r[m], r.currency)])),
        gross_margin: netRevenue > 0 ? Math.round((n(r.gross_profit) / netRevenue) * 10_000) / 10_000 : null,
      };
    });
  },
};
