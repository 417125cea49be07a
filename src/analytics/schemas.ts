/**
 * Shapes of the reports API. Every report takes a range of local days
 * (`from`, `to`, both inclusive, each store's own calendar), optional
 * grouping and filters, and answers JSON pages or, with `format=csv`, one
 * streamed CSV of every row.
 */
import { ActorNameFields } from "../activity/schemas";
import { z } from "@hono/zod-openapi";
import { Rfc3339 } from "../http/route";
import { SEVERITIES } from "../audit/types";
import { CARRIER_EXCEPTION_KINDS } from "../db/schema";
import { ListOrdersQuery } from "../orders/schemas";
import { SPANS } from "./sla";
import { daysBetween, isDay } from "./time-zones";

/** Longest range one request may cover. */
export const MAX_RANGE_DAYS = 366;

const Day = z.string().refine(isDay, { message: "must be a date such as 2026-03-01" });

/** A comma-separated list in one query parameter. */
const list = <T extends z.ZodType<string, string>>(item: T, max: number) =>
  z
    .string()
    .max(4000)
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1).max(max));

const Id = z.string().min(1).max(64);
const Channel = z.string().min(1).max(32);

const common = {
  from: Day.openapi({ description: "First local day, inclusive (YYYY-MM-DD)", example: "2026-03-01" }),
  to: Day.openapi({ description: "Last local day, inclusive (YYYY-MM-DD)", example: "2026-03-31" }),
  store_id: list(Id, 100).optional().openapi({ description: "One store id or several, comma-separated" }),
  format: z.enum(["json", "csv"]).default("json").openapi({ description: "csv streams every row as text/csv (cursor and limit are ignored)" }),
  cursor: z.string().max(2000).optional().openapi({ description: "Opaque cursor from the previous page's next_cursor" }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

function checkRange(q: { from: string; to: string; group_by?: readonly string[] | undefined }, ctx: z.RefinementCtx) {
  if (!isDay(q.from) || !isDay(q.to)) return;
  const span = daysBetween(q.from, q.to);
  if (span < 0) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
  if (span >= MAX_RANGE_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `a range covers at most ${MAX_RANGE_DAYS} days` });
  if (q.group_by?.includes("day") && q.group_by.includes("hour")) {
    ctx.addIssue({ code: "custom", path: ["group_by"], message: "group by day or by hour, not both" });
  }
}

const groupBy = <const D extends readonly [string, ...string[]]>(dims: D) =>
  list(z.enum(dims), dims.length)
    .optional()
    .openapi({ description: `Comma-separated, any of: ${dims.join(", ")}`, example: dims.slice(0, 2).join(",") });

const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "must be a currency code");

export const OrdersReportQuery = z
  .object({
    ...common,
    group_by: groupBy(["day", "hour", "store", "channel", "warehouse"]),
    channel: list(Channel, 50).optional(),
    currency: list(CurrencyCode, 50).optional(),
  })
  .superRefine(checkRange);

export const ProcessingTimesQuery = z
  .object({
    ...common,
    group_by: groupBy(["day", "store", "channel"]),
    channel: list(Channel, 50).optional(),
    span: list(z.enum(SPANS), SPANS.length).optional(),
  })
  .superRefine(checkRange);

export const SlaBreachesQuery = z
  .object({
    ...common,
    channel: list(Channel, 50).optional(),
    span: list(z.enum(SPANS), SPANS.length).optional(),
  })
  .superRefine(checkRange);

export const OverdueOrdersQuery = z.object({
  store_id: common.store_id,
  span: list(z.enum(SPANS), SPANS.length).optional(),
  format: common.format,
  cursor: common.cursor,
  limit: common.limit,
});

export const StaffReportQuery = z
  .object({
    ...common,
    group_by: groupBy(["day", "store"]),
    actor: list(Id, 50).optional(),
    role: list(z.string().min(1).max(32), 20).optional(),
    metric: list(z.string().min(1).max(40), 20).optional(),
  })
  .superRefine(checkRange);

export const ReasonsReportQuery = z
  .object({ ...common, group_by: groupBy(["day", "store"]), event: list(z.enum(["hold", "reject", "cancel"]), 3).optional() })
  .superRefine(checkRange);

export const SkuReportQuery = z
  .object({
    ...common,
    group_by: groupBy(["day", "store", "warehouse"]),
    sku: list(z.string().min(1).max(64), 100).optional(),
    currency: list(CurrencyCode, 50).optional(),
  })
  .superRefine(checkRange);

export const FloorReportQuery = z
  .object({
    ...common,
    group_by: groupBy(["day", "store", "warehouse"]),
    worker: list(Id, 50).optional().openapi({ description: "Ids of the people (`usr_...`) or keys on the floor" }),
    role: list(z.string().min(1).max(32), 20).optional(),
  })
  .superRefine(checkRange);

export const AUDIT_OUTCOMES = ["approve", "hold", "reject", "wait"] as const;
export const AuditFindingsQuery = z
  .object({
    ...common,
    group_by: groupBy(["day", "store"]),
    outcome: list(z.enum(AUDIT_OUTCOMES), AUDIT_OUTCOMES.length).optional(),
    code: list(z.string().min(1).max(64), 50).optional().openapi({ description: "Finding codes, e.g. address_unverified" }),
    severity: list(z.enum(SEVERITIES), SEVERITIES.length).optional(),
  })
  .superRefine(checkRange);

export const CarriersReportQuery = z
  .object({
    ...common,
    group_by: groupBy(["day", "store"]),
    carrier: list(z.string().min(1).max(64), 50).optional(),
    service: list(z.string().min(1).max(64), 50).optional(),
  })
  .superRefine(checkRange);

export const OrderExportQuery = ListOrdersQuery.omit({ cursor: true, limit: true });

const Money = z.string().openapi({ description: "Decimal string in the row's currency", example: "1234.50" });
const group = {
  day: z.string().optional().openapi({ description: "Local day of the store (when grouped by day)" }),
  hour: z.string().optional().openapi({ description: "Local hour with its UTC offset (when grouped by hour)", example: "2026-11-01T01:00-05:00" }),
  hour_start: Rfc3339.optional().openapi({ description: "The instant that hour began (when grouped by hour)" }),
  store_id: z.string().optional(),
  channel: z.string().optional(),
  warehouse_id: z.string().nullable().optional().openapi({ description: "null: not allocated to a warehouse (yet)" }),
};

export const Freshness = z
  .object({
    as_of: Rfc3339.nullable().openapi({ description: "Changes up to this instant are in the rollups (minus pending buckets)" }),
    pending_buckets: z.number().int().openapi({ description: "(store, day) buckets waiting to be recomputed" }),
    last_run_at: Rfc3339.nullable(),
  })
  .openapi("RollupFreshness");

const page = <T extends z.ZodType>(row: T, name: string) => z.object({ data: z.array(row), next_cursor: z.string().nullable(), freshness: Freshness }).openapi(name);

export const OrdersReportRow = z
  .object({
    ...group,
    currency: z.string(),
    received: z.number().int(),
    approved: z.number().int(),
    held: z.number().int(),
    processing: z.number().int(),
    shipped: z.number().int(),
    delivered: z.number().int(),
    completed: z.number().int(),
    cancelled: z.number().int(),
    rejected: z.number().int(),
    gross_amount: Money,
    discount_amount: Money,
    shipping_amount: Money,
    tax_amount: Money,
    net_amount: Money,
    cancelled_amount: Money,
    average_order_value: Money.nullable().openapi({ description: "net_amount / received; null without orders" }),
  })
  .openapi("OrdersReportRow");
export const OrdersReport = page(OrdersReportRow, "OrdersReport");

export const ProcessingTimesRow = z
  .object({
    ...group,
    span: z.enum(SPANS),
    count: z.number().int(),
    avg_ms: z.number().int(),
    p50_ms: z.number().int(),
    p90_ms: z.number().int(),
    max_ms: z.number().int(),
    sla_breaches: z.number().int(),
    exact: z.boolean().openapi({ description: "true: p50/p90 are exact; false: merged from several days or channels, within 4.4%" }),
  })
  .openapi("ProcessingTimesRow");
export const ProcessingTimesReport = page(ProcessingTimesRow, "ProcessingTimesReport");

export const SlaBreachRow = z
  .object({
    order_id: z.string(),
    store_id: z.string(),
    channel: z.string(),
    span: z.enum(SPANS),
    day: z.string(),
    started_at: z.string().openapi({ description: "Local time of the store, with offset" }),
    ended_at: z.string(),
    duration_ms: z.number().int(),
    target_ms: z.number().int(),
  })
  .openapi("SlaBreach");
export const SlaBreachesReport = page(SlaBreachRow, "SlaBreachesReport");

export const OverdueOrder = z
  .object({
    order_id: z.string(),
    store_id: z.string(),
    channel: z.string(),
    status: z.string(),
    span: z.enum(SPANS),
    since: z.string().openapi({ description: "When the span's clock started, in the store's local time" }),
    target_ms: z.number().int(),
    overdue_ms: z.number().int().openapi({ description: "How far past the target the order is now" }),
  })
  .openapi("OverdueOrder");
export const OverdueOrders = z.object({ data: z.array(OverdueOrder), next_cursor: z.string().nullable() }).openapi("OverdueOrders");

export const StaffReportRow = z
  .object({
    ...group,
    actor: z.string().openapi({ description: "Who: a person (`usr_...`), an API key (`key_...`, `bootstrap`), or `system:<what>`" }),
    ...ActorNameFields,
    role: z.string(),
    metric: z.string().openapi({ description: "The action: approve, hold, reject, cancel, process, ship, deliver, complete" }),
    count: z.number().int(),
    avg_latency_ms: z.number().int().openapi({ description: "How long orders had waited in their previous state when this person acted" }),
    max_latency_ms: z.number().int(),
  })
  .openapi("StaffReportRow");
export const StaffReport = page(StaffReportRow, "StaffReport");

export const ReasonsReportRow = z.object({ ...group, event: z.string(), reason: z.string(), count: z.number().int() }).openapi("ReasonsReportRow");
export const ReasonsReport = page(ReasonsReportRow, "ReasonsReport");

export const SkuReportRow = z
  .object({
    ...group,
    sku: z.string(),
    currency: z.string(),
    units_ordered: z.number().int(),
    revenue_ordered: Money,
    units_cancelled: z.number().int(),
    revenue_cancelled: Money,
    units_shipped: z.number().int(),
    revenue_shipped: Money,
    cost_shipped: Money.nullable().openapi({ description: "Cost of the units shipped, from the ship movements; null when nothing shipped or a cost is unknown" }),
    margin_shipped: Money.nullable(),
  })
  .openapi("SkuReportRow");
export const SkuReport = page(SkuReportRow, "SkuReport");

const Rate = z.number().min(0).max(1).nullable();

export const FloorReportRow = z
  .object({
    ...group,
    worker: z.string().openapi({ description: "Who: a person (`usr_...`) or an API key (`key_...`, `bootstrap`)" }),
    worker_kind: ActorNameFields.actor_kind,
    worker_name: ActorNameFields.actor_name,
    role: z.string(),
    picks: z.number().int().openapi({ description: "Pick lines confirmed, short ones included" }),
    units_picked: z.number().int(),
    short_picks: z.number().int(),
    units_short: z.number().int(),
    pack_scans: z.number().int(),
    scan_mismatches: z.number().int().openapi({ description: "Pick or pack scans refused as the wrong item" }),
    packs: z.number().int(),
    packages: z.number().int(),
    weight_overrides: z.number().int().openapi({ description: "Packs accepted outside the weight tolerance, with a reason" }),
    other_actions: z.number().int().openapi({ description: "Interceptions resolved, restocks, merges and unmerges" }),
    avg_pick_ms: z.number().int().nullable().openapi({ description: "Over the picks that reported a duration" }),
    avg_pack_ms: z.number().int().nullable(),
    short_pick_rate: Rate.openapi({ description: "short_picks / picks" }),
    scan_mismatch_rate: Rate.openapi({ description: "scan_mismatches / (picks + pack_scans + scan_mismatches)" }),
    weight_override_rate: Rate.openapi({ description: "weight_overrides / packs" }),
  })
  .openapi("FloorReportRow");
export const FloorReport = page(FloorReportRow, "FloorReport");

export const AuditFindingsRow = z
  .object({
    ...group,
    outcome: z.enum(AUDIT_OUTCOMES),
    code: z.string().nullable().openapi({ description: "The finding's reason code; null: audits that found nothing" }),
    severity: z.enum(SEVERITIES).nullable(),
    audits: z.number().int().openapi({ description: "Audits that raised the code" }),
    findings: z.number().int(),
  })
  .openapi("AuditFindingsRow");
export const AuditFindingsReport = page(AuditFindingsRow, "AuditFindingsReport");

export const CarriersReportRow = z
  .object({
    ...group,
    carrier: z.string(),
    service: z.string().openapi({ description: '"" for exceptions of parcels without a label' }),
    shipped: z.number().int().openapi({ description: "Parcels handed over" }),
    delivered: z.number().int(),
    on_time: z.number().int().openapi({ description: "Delivered within the transit days the service promised when chosen" }),
    late: z.number().int(),
    on_time_rate: Rate.openapi({ description: "on_time / (on_time + late); deliveries without a promise are not judged" }),
    avg_transit_ms: z.number().int().nullable().openapi({ description: "Handover to delivery" }),
    max_transit_ms: z.number().int().nullable(),
    exceptions: z.number().int(),
    ...Object.fromEntries(CARRIER_EXCEPTION_KINDS.map((k) => [`exceptions_${k}`, z.number().int()])),
  })
  .openapi("CarriersReportRow");
export const CarriersReport = page(CarriersReportRow, "CarriersReport");

const SlaMinutes = z.number().int().min(1).max(525_600).nullable();
export const SlaBody = z
  .object({
    received_to_approved_minutes: SlaMinutes,
    approved_to_shipped_minutes: SlaMinutes,
    shipped_to_delivered_minutes: SlaMinutes,
    received_to_completed_minutes: SlaMinutes,
  })
  .strict()
  .openapi("StoreSlaInput", { description: "Targets in minutes; null means no target for that span" });
export const StoreSla = SlaBody.extend({
  store_id: z.string(),
  is_default: z.boolean().openapi({ description: "true: the store has not set its own targets" }),
  updated_at: Rfc3339.nullable(),
}).openapi("StoreSla");

/** A report's rows as CSV (format=csv), streamed. */
export const CsvRows = z.string().openapi({ description: "With format=csv: every row, streamed" });
export const CsvText = z.string();

export const RebuildRollups = z
  .object({ confirm: z.literal(true) })
  .strict()
  .openapi("RebuildRollups");
export const RebuildRequested = z.object({ status: z.literal("rebuild_requested") }).openapi("RebuildRequested");

export const StoreIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const FinanceReportQuery = z
  .object({
    ...common,
    group_by: groupBy(["day", "store", "channel"]),
    channel: list(Channel, 50).optional(),
    currency: list(CurrencyCode, 50).optional(),
  })
  .superRefine(checkRange);

export const FinanceReportRow = z
  .object({
    ...group,
    currency: z.string(),
    orders: z.number().int().openapi({ description: "Orders with ledger entries that day" }),
    revenue: z.string().openapi({ description: "Captured" }),
    refunds: z.string().openapi({ description: "Refunded (negative)" }),
    fees: z.string().openapi({ description: "Payment and platform fees (negative)" }),
    shipping: z.string().openapi({ description: "Labels bought, less labels voided (negative)" }),
    cost_of_goods: z.string().openapi({ description: "Moving-average cost of the goods handed over (negative)" }),
    gross_profit: z.string().openapi({ description: "revenue + refunds + fees + shipping + cost_of_goods" }),
  })
  .openapi("FinanceReportRow");

export const FinanceReport = page(FinanceReportRow, "FinanceReport");

export const GrossProfitQuery = z
  .object({
    ...common,
    group_by: groupBy(["day", "store", "channel"]).openapi({ description: "Comma-separated, any of: day, store, channel. Rows are always per SKU and currency." }),
    sku: list(z.string().min(1).max(64), 100).optional().openapi({ description: "Only these SKUs (the order-level row is left out)" }),
    channel: list(Channel, 50).optional(),
    currency: list(CurrencyCode, 50).optional(),
  })
  .superRefine(checkRange);

export const GrossProfitRow = z
  .object({
    ...group,
    sku: z.string().nullable().openapi({ description: "null: the order level, what no one SKU earned or cost (shipping charged, tax, fees, shipping cost)" }),
    currency: z.string(),
    units_shipped: z.number().int().openapi({ description: "Units handed over (the cost of goods' quantity)" }),
    revenue: z.string().openapi({ description: "Captured, split over the order's SKUs by net line revenue (after discounts)" }),
    refunds: z.string().openapi({ description: "Refunded (negative): on the SKUs the after-sales request names, else split like revenue" }),
    fees: z.string().openapi({ description: "Payment and platform fees (negative; order level)" }),
    shipping: z.string().openapi({ description: "Labels bought, less labels voided (negative; order level)" }),
    cost_of_goods: z.string().openapi({ description: "Moving-average cost of the units handed over (negative)" }),
    gross_profit: z.string().openapi({ description: "revenue + refunds + fees + shipping + cost_of_goods" }),
    gross_margin: z.number().nullable().openapi({ description: "gross_profit / (revenue + refunds), 4 decimals; null without net revenue" }),
  })
  .openapi("GrossProfitRow");

export const GrossProfitReport = page(GrossProfitRow, "GrossProfitReport");
