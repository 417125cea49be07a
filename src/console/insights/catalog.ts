/**
 * Every report of the API as the console shows it: its API path, whether it
 * covers a range of days, the dimensions it may be grouped by, its filters
 * and its columns with how each is shown. Column names are the API's (the
 * CSV header is the same list), so a new measure is one line here.
 */
import { AUDIT_OUTCOMES } from "../../analytics/schemas";
import { SPANS } from "../../analytics/sla";
import { RULE_REASON_CODES } from "../../audit/reason-codes";
import { SEVERITIES } from "../../audit/types";
import { CARRIER_EXCEPTION_KINDS, ORDER_STATUSES } from "../../db/schema";
import { ORDER_EVENTS } from "../../orders/lifecycle";
import type { CodeKind } from "./text";

export type ColumnKind =
  | "count"
  | "money"
  | "ms"
  | "rate"
  | "text"
  | "mono"
  | "day"
  | "hour"
  | "store"
  | "warehouse"
  | "order"
  | "bool"
  | "datetime"
  | "actor"
  | "worker"
  | "supplier"
  | CodeKind;
export type Column = readonly [name: string, kind: ColumnKind];
export type Filter =
  | { name: string; kind: "text" }
  | { name: string; kind: "select"; options: readonly string[]; code: CodeKind }
  /** One of the reader's warehouses, by name (by id for a reader who may not list warehouses). */
  | { name: string; kind: "warehouse" };

export type ReportDef = {
  id: string;
  api: `/v1/reports/${string}`;
  /** Takes from/to (all but the live overdue list and the order export's own dates). */
  ranged: boolean;
  dims: readonly string[];
  filters: readonly Filter[];
  columns: readonly Column[];
  /** False when the API reads warehouses, not stores (the stock report): no store filter is offered. */
  byStore?: false;
  /** The report's days are UTC days, not the store's (the supplier report). */
  utcDays?: true;
};

const text = (name: string): Filter => ({ name, kind: "text" });
const select = (name: string, options: readonly string[], code: CodeKind): Filter => ({ name, kind: "select", options, code });

/** The column a group_by dimension adds, in the API's order. */
export const GROUP_COLUMNS: Record<string, Column> = {
  day: ["day", "day"],
  hour: ["hour", "hour"],
  store: ["store_id", "store"],
  channel: ["channel", "channel"],
  warehouse: ["warehouse_id", "warehouse"],
};

const counts = (...names: string[]): Column[] => names.map((n) => [n, "count"]);
const moneys = (...names: string[]): Column[] => names.map((n) => [n, "money"]);

export const REPORTS: readonly ReportDef[] = [
  {
    id: "orders",
    api: "/v1/reports/orders",
    ranged: true,
    dims: ["day", "hour", "store", "channel", "warehouse"],
    filters: [text("channel"), text("currency")],
    columns: [
      ["currency", "mono"],
      ...counts("received", "approved", "held", "processing", "shipped", "delivered", "completed", "cancelled", "rejected"),
      ...moneys("gross_amount", "discount_amount", "shipping_amount", "tax_amount", "net_amount", "cancelled_amount", "average_order_value"),
    ],
  },
  {
    id: "processing-times",
    api: "/v1/reports/processing-times",
    ranged: true,
    dims: ["day", "store", "channel"],
    filters: [text("channel"), select("span", SPANS, "span")],
    columns: [
      ["span", "span"],
      ["count", "count"],
      ["avg_ms", "ms"],
      ["p50_ms", "ms"],
      ["p90_ms", "ms"],
      ["max_ms", "ms"],
      ["sla_breaches", "count"],
      ["exact", "bool"],
    ],
  },
  {
    id: "sla-breaches",
    api: "/v1/reports/sla-breaches",
    ranged: true,
    dims: [],
    filters: [text("channel"), select("span", SPANS, "span")],
    columns: [
      ["order_id", "order"],
      ["store_id", "store"],
      ["channel", "channel"],
      ["span", "span"],
      ["day", "day"],
      ["started_at", "datetime"],
      ["ended_at", "datetime"],
      ["duration_ms", "ms"],
      ["target_ms", "ms"],
    ],
  },
  {
    id: "overdue-orders",
    api: "/v1/reports/overdue-orders",
    ranged: false,
    dims: [],
    filters: [select("span", SPANS, "span")],
    columns: [
      ["order_id", "order"],
      ["store_id", "store"],
      ["channel", "channel"],
      ["status", "status"],
      ["span", "span"],
      ["since", "datetime"],
      ["target_ms", "ms"],
      ["overdue_ms", "ms"],
    ],
  },
  {
    id: "staff",
    api: "/v1/reports/staff",
    ranged: true,
    dims: ["day", "store"],
    filters: [text("actor"), text("role"), select("metric", ORDER_EVENTS, "metric")],
    columns: [
      ["actor_name", "actor"],
      ["role", "role"],
      ["metric", "metric"],
      ["count", "count"],
      ["avg_latency_ms", "ms"],
      ["max_latency_ms", "ms"],
    ],
  },
  {
    id: "reasons",
    api: "/v1/reports/reasons",
    ranged: true,
    dims: ["day", "store"],
    filters: [select("event", ["hold", "reject", "cancel"], "event")],
    columns: [
      ["event", "event"],
      ["reason", "code"],
      ["count", "count"],
    ],
  },
  {
    id: "skus",
    api: "/v1/reports/skus",
    ranged: true,
    dims: ["day", "store", "warehouse"],
    filters: [text("sku"), text("currency")],
    columns: [
      ["sku", "mono"],
      ["currency", "mono"],
      ["units_ordered", "count"],
      ["revenue_ordered", "money"],
      ["units_cancelled", "count"],
      ["revenue_cancelled", "money"],
      ["units_shipped", "count"],
      ["revenue_shipped", "money"],
      ["cost_shipped", "money"],
      ["margin_shipped", "money"],
    ],
  },
  {
    id: "floor",
    api: "/v1/reports/floor",
    ranged: true,
    dims: ["day", "store", "warehouse"],
    filters: [text("worker"), text("role")],
    columns: [
      ["worker_name", "worker"],
      ["role", "role"],
      ...counts("picks", "units_picked", "short_picks", "units_short", "pack_scans", "scan_mismatches", "packs", "packages", "weight_overrides", "other_actions"),
      ["avg_pick_ms", "ms"],
      ["avg_pack_ms", "ms"],
      ["short_pick_rate", "rate"],
      ["scan_mismatch_rate", "rate"],
      ["weight_override_rate", "rate"],
    ],
  },
  {
    id: "audit-findings",
    api: "/v1/reports/audit-findings",
    ranged: true,
    dims: ["day", "store"],
    filters: [select("outcome", AUDIT_OUTCOMES, "outcome"), select("code", Object.values(RULE_REASON_CODES).flat(), "code"), select("severity", SEVERITIES, "severity")],
    columns: [
      ["outcome", "outcome"],
      ["code", "code"],
      ["severity", "severity"],
      ["audits", "count"],
      ["findings", "count"],
    ],
  },
  {
    id: "carriers",
    api: "/v1/reports/carriers",
    ranged: true,
    dims: ["day", "store"],
    filters: [text("carrier"), text("service")],
    columns: [
      ["carrier", "mono"],
      ["service", "mono"],
      ...counts("shipped", "delivered", "on_time", "late"),
      ["on_time_rate", "rate"],
      ["avg_transit_ms", "ms"],
      ["max_transit_ms", "ms"],
      ["exceptions", "count"],
      ...CARRIER_EXCEPTION_KINDS.map((k): Column => [`exceptions_${k}`, "count"]),
    ],
  },
  // Purchasing's (src/procurement/reports.ts): live, every row at once (no pages).
  {
    id: "suppliers",
    api: "/v1/reports/suppliers",
    ranged: true,
    utcDays: true,
    dims: [],
    filters: [],
    columns: [
      ["supplier_name", "supplier"],
      ["currency", "mono"],
      ...counts("orders_submitted", "orders_completed", "orders_on_time"),
      ["on_time_rate", "rate"],
      ...counts("units_ordered", "units_received"),
      ["fill_rate", "rate"],
      ["open_orders", "count"],
      ["open_value", "money"],
    ],
  },
  {
    id: "stock",
    api: "/v1/reports/stock",
    ranged: false,
    byStore: false,
    dims: [],
    filters: [{ name: "warehouse_id", kind: "warehouse" }],
    columns: [
      ["warehouse_id", "warehouse"],
      ["sku", "mono"],
      ...counts("on_hand", "reserved", "available"),
      // The currency is in each amount (the warehouse's); the CSV keeps its own column.
      ["avg_unit_cost", "money"],
      ["value", "money"],
      ...counts("units_per_day", "days_of_cover", "age_0_30", "age_31_60", "age_61_90", "age_over_90"),
    ],
  },
];

export const reportOf = (id: string) => REPORTS.find((r) => r.id === id);

/** The order export: the order list's filters, CSV only (the page previews the list). */
export const EXPORT_STATUSES = ORDER_STATUSES;
