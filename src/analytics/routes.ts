/**
 * The reports API: rollups as JSON pages or, with `format=csv`, one streamed
 * CSV; the order list as CSV; rollup freshness. Thin: queries live in
 * report-query.ts and reports.ts, shapes in schemas.ts.
 */
import { OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { Permission } from "../auth/roles";
import type { Principal } from "../http/auth";
import { ApiError, forbidden } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { csvResponse } from "./csv";
import { rebuildRollups } from "./run-rollups";
import { freshness } from "./freshness";
import { orderColumns, orderExportPages } from "./order-export";
import type { GroupedQuery } from "./report-query";
import {
  auditFindingsReport,
  carriersReport,
  financeReport,
  floorReport,
  grossProfitReport,
  ordersReport,
  processingTimesReport,
  reasonsReport,
  reportPage,
  reportPages,
  skuReport,
  staffReport,
  type Report,
} from "./reports";
import {
  AuditFindingsQuery,
  AuditFindingsReport,
  CarriersReport,
  CarriersReportQuery,
  CsvRows,
  CsvText,
  FinanceReport,
  FinanceReportQuery,
  FloorReport,
  FloorReportQuery,
  Freshness,
  GrossProfitQuery,
  GrossProfitReport,
  OrderExportQuery,
  OrdersReport,
  OrdersReportQuery,
  OverdueOrders,
  OverdueOrdersQuery,
  ProcessingTimesQuery,
  ProcessingTimesReport,
  ReasonsReport,
  ReasonsReportQuery,
  RebuildRequested,
  RebuildRollups,
  SkuReport,
  SkuReportQuery,
  SlaBreachesQuery,
  SlaBreachesReport,
  StaffReport,
  StaffReportQuery,
} from "./schemas";
import { listOverdue, OVERDUE_COLUMNS } from "./overdue-orders";
import { BREACH_COLUMNS, listBreaches } from "./sla-breach-list";
import { directoryD1 } from "../db/client";
import { reportShards } from "./report-shards";
import { shardsInUse } from "../db/homes";
import { forEachShard } from "../db/shard";

export const analyticsRoutes = new OpenAPIHono<AppEnv>();

const jsonOrCsv = <T extends z.ZodType>(schema: T, description: string) =>
  ({
    description,
    content: {
      "application/json": { schema },
      "text/csv": { schema: CsvRows },
    },
  }) as const;

const TIMES = "Days are each store's local calendar days (its time zone); `from` and `to` are inclusive. Rollups lag live data by a few minutes: see `freshness`.";

type Base = {
  from: string;
  to: string;
  store_id?: string[] | undefined;
  format: "json" | "csv";
  cursor?: string | undefined;
  limit: number;
  group_by?: string[] | undefined;
};

function groupedQuery(p: Principal, q: Base, filters: Record<string, string[] | undefined>): GroupedQuery {
  return {
    stores: p.stores,
    from: q.from,
    to: q.to,
    group: new Set(q.group_by ?? []),
    filters: { store_id: q.store_id, ...filters },
    cursor: q.cursor,
    limit: q.limit,
  };
}

/** JSON page or the whole report as CSV. */
async function answer(c: Context<AppEnv>, report: Report, { q, filters }: { q: Base; filters: Record<string, string[] | undefined> }) {
  const p = c.get("principal");
  const query = groupedQuery(p, q, filters);
  const shards = await reportShards(c.env, p.stores, q.store_id);
  if (q.format === "csv") {
    const columns = report.columns(query.group);
    return csvResponse(`${report.name}-${q.from}-${q.to}.csv`, columns, reportPages(shards, report, query, columns, directoryD1(c.env)));
  }
  const [page, fresh] = await Promise.all([reportPage(shards, report, query, directoryD1(c.env)), freshness(shards, p.stores)]);
  return c.json({ data: page.data, next_cursor: page.next, freshness: fresh }, 200);
}

/**
 * A grouped report's route: GET, `reports:read`, its query schema, a JSON
 * page or the CSV, and the report's own filters taken from the query.
 */
function groupedReportRoute<Q extends z.ZodObject>(config: {
  path: `/v1/reports/${string}`;
  summary: string;
  description: string;
  query: Q;
  rows: z.ZodType;
  report: Report;
  filters: (q: z.output<Q>) => Record<string, string[] | undefined>;
  /** reports:read unless the report is another position's (the finance summary is finance's). */
  permission?: Permission;
}) {
  analyticsRoutes.openapi(
    apiRoute({
      method: "get",
      path: config.path,
      permission: config.permission ?? "reports:read",
      tags: ["Reports"],
      summary: config.summary,
      description: `${config.description} ${TIMES}`,
      request: { query: config.query },
      responses: { 200: jsonOrCsv(config.rows, "A page of rows"), ...problems() },
    }),
    async (c) => {
      const q = c.req.valid("query" as never) as z.output<Q>;
      return answer(c, config.report, { q: q as Base, filters: config.filters(q) }) as never;
    },
  );
}

groupedReportRoute({
  path: "/v1/reports/orders",
  summary: "Order flow and amounts",
  description: `Orders received, approved, held, cancelled, shipped, delivered and completed (each counted when it happened), and the amounts of the orders received, per currency, grouped by day or hour, store, channel and warehouse.`,
  query: OrdersReportQuery,
  rows: OrdersReport,
  report: ordersReport,
  filters: (q) => ({ channel: q.channel, currency: q.currency }),
});

groupedReportRoute({
  path: "/v1/reports/finance-daily",
  summary: "Daily finance summary: revenue, refunds, fees, shipping, cost of goods, gross profit",
  description: `The money ledger per local day of each entry, per currency (never summed across currencies), grouped by day, store and channel. Refunds, fees, shipping and cost of goods are negative; gross profit is their sum with revenue. Finance's report: \`finance:read\`, not \`reports:read\`.`,
  query: FinanceReportQuery,
  rows: FinanceReport,
  report: financeReport,
  filters: (q) => ({ channel: q.channel, currency: q.currency }),
  permission: "finance:read",
});

groupedReportRoute({
  path: "/v1/reports/gross-profit",
  summary: "Gross profit per SKU",
  description: `The money ledger per SKU and currency, grouped by day, store and channel: captures split over each order's SKUs by net line revenue (line totals after the order discount), refunds on the SKUs their after-sales request names (else split the same way), cost of goods per SKU as handed over. Shipping charged, tax, fees and shipping cost belong to no one SKU: they are the order-level row (\`sku\` null). Per day, store, channel and currency the rows add up exactly to /v1/reports/finance-daily. Finance's report: \`finance:read\`.`,
  query: GrossProfitQuery,
  rows: GrossProfitReport,
  report: grossProfitReport,
  filters: (q) => ({ channel: q.channel, currency: q.currency, sku: q.sku }),
  permission: "finance:read",
});

groupedReportRoute({
  path: "/v1/reports/processing-times",
  summary: "Time between milestones",
  description: `p50, p90 and max of received->approved, approved->shipped, shipped->delivered and received->completed, per day of the later milestone, with SLA breaches. Exact for one store's day; merged rows (several days, stores or channels) estimate p50/p90 within 4.4% (\`exact: false\`).`,
  query: ProcessingTimesQuery,
  rows: ProcessingTimesReport,
  report: processingTimesReport,
  filters: (q) => ({ channel: q.channel, span: q.span }),
});

analyticsRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/reports/sla-breaches",
    permission: "reports:read",
    tags: ["Reports"],
    summary: "Orders that missed their store's SLA",
    description: `Each milestone reached later than the store's target (see /v1/stores/{id}/sla), by day of the milestone. ${TIMES}`,
    request: { query: SlaBreachesQuery },
    responses: { 200: jsonOrCsv(SlaBreachesReport, "A page of breaches"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    const base = { stores: p.stores, from: q.from, to: q.to, storeIds: q.store_id, channels: q.channel, spans: q.span };
    const shards = await reportShards(c.env, p.stores, q.store_id);
    if (q.format === "csv") {
      async function* pages() {
        let cursor: string | undefined;
        do {
          const page = await listBreaches(shards, { ...base, cursor, limit: 1000 });
          yield page.data.map((b) => BREACH_COLUMNS.map((k) => b[k as keyof typeof b]));
          cursor = page.next ?? undefined;
        } while (cursor);
      }
      return (await csvResponse(`sla-breaches-${q.from}-${q.to}.csv`, BREACH_COLUMNS, pages())) as never;
    }
    const [page, fresh] = await Promise.all([listBreaches(shards, { ...base, cursor: q.cursor, limit: q.limit }), freshness(shards, p.stores)]);
    return c.json({ data: page.data as z.infer<typeof SlaBreachesReport>["data"], next_cursor: page.next, freshness: fresh }, 200);
  },
);

analyticsRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/reports/overdue-orders",
    permission: "reports:read",
    tags: ["Reports"],
    summary: "Orders past their SLA right now",
    description: "Open orders whose current span (awaiting approval, shipping, delivery or completion) has run past the store's target, longest waiting first. Live, not a rollup.",
    request: { query: OverdueOrdersQuery },
    responses: { 200: jsonOrCsv(OverdueOrders, "A page of overdue orders"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const base = { stores: c.get("principal").stores, now: Date.now(), storeIds: q.store_id, spans: q.span };
    const shards = await reportShards(c.env, base.stores, q.store_id);
    if (q.format === "csv") {
      async function* pages() {
        let cursor: string | undefined;
        do {
          const page = await listOverdue(shards, { ...base, cursor, limit: 1000 });
          yield page.data.map((o) => OVERDUE_COLUMNS.map((k) => o[k as keyof typeof o]));
          cursor = page.next ?? undefined;
        } while (cursor);
      }
      return (await csvResponse(`overdue-orders-${new Date(base.now).toISOString().slice(0, 10)}.csv`, OVERDUE_COLUMNS, pages())) as never;
    }
    const page = await listOverdue(shards, { ...base, cursor: q.cursor, limit: q.limit });
    return c.json({ data: page.data as z.infer<typeof OverdueOrders>["data"], next_cursor: page.next }, 200);
  },
);

groupedReportRoute({
  path: "/v1/reports/staff",
  summary: "What each person did",
  description: `Per person or API key, named, and role (a person's first position): actions taken (approve, hold and reject are audit decisions) and how long orders had waited for them.`,
  query: StaffReportQuery,
  rows: StaffReport,
  report: staffReport,
  filters: (q) => ({ actor: q.actor, role: q.role, metric: q.metric }),
});

groupedReportRoute({
  path: "/v1/reports/reasons",
  summary: "Holds, rejections and cancellations by reason",
  description: `Counted per reason given.`,
  query: ReasonsReportQuery,
  rows: ReasonsReport,
  report: reasonsReport,
  filters: (q) => ({ event: q.event }),
});

groupedReportRoute({
  path: "/v1/reports/skus",
  summary: "Units and revenue per SKU",
  description: `Ordered, cancelled and shipped units and line revenue per SKU and currency, per warehouse of the allocation. Cost is what the ship movements recorded (the moving average when the goods left); cost and margin are null when nothing shipped or a cost is unknown (never received at a cost, kept in another currency, not allocated).`,
  query: SkuReportQuery,
  rows: SkuReport,
  report: skuReport,
  filters: (q) => ({ sku: q.sku, currency: q.currency }),
});

groupedReportRoute({
  path: "/v1/reports/floor",
  summary: "The warehouse floor's work per person",
  description: `Per person (or API key), named, and role (a person's first position), optionally per warehouse: picks, short picks, pack scans, scan mismatches, packs and weighing overrides, average pick and pack times, and error rates.`,
  query: FloorReportQuery,
  rows: FloorReport,
  report: floorReport,
  filters: (q) => ({ worker: q.worker, role: q.role }),
});

groupedReportRoute({
  path: "/v1/reports/audit-findings",
  summary: "Audit findings by reason code",
  description: `Audits per outcome and finding code with its severity, by day of the audit. Audits that found nothing have code null.`,
  query: AuditFindingsQuery,
  rows: AuditFindingsReport,
  report: auditFindingsReport,
  filters: (q) => ({ outcome: q.outcome, code: q.code, severity: q.severity }),
});

groupedReportRoute({
  path: "/v1/reports/carriers",
  summary: "Carrier performance",
  description: `Per carrier and service: parcels handed over and delivered, on-time rate against the transit days the service promised when chosen (calendar days in the store's time zone), transit times, and delivery exceptions by kind.`,
  query: CarriersReportQuery,
  rows: CarriersReport,
  report: carriersReport,
  filters: (q) => ({ carrier: q.carrier, service: q.service }),
});

analyticsRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/reports/freshness",
    permission: "reports:read",
    tags: ["Reports"],
    summary: "How current the rollups are",
    responses: { 200: { description: "Watermark and pending work", content: { "application/json": { schema: Freshness } } }, ...problems() },
  }),
  async (c) => {
    const stores = c.get("principal").stores;
    return c.json(await freshness(await reportShards(c.env, stores), stores), 200);
  },
);

analyticsRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/reports/order-export",
    permission: "reports:read",
    tags: ["Reports"],
    summary: "The order list as CSV",
    description: "Every order matching the filters of GET /v1/orders (newest first), streamed as text/csv. Times are in each store's time zone, money in the order's currency.",
    request: { query: OrderExportQuery },
    responses: {
      200: { description: "CSV, one row per order", content: { "text/csv": { schema: CsvText } } },
      ...problems(),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const stamp = new Date().toISOString().slice(0, 10);
    return (await csvResponse(`orders-${stamp}.csv`, orderColumns(c.get("principal").contactScope), orderExportPages(c.env, c.get("principal"), q))) as never;
  },
);

analyticsRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/reports/rebuild",
    permission: "reports:rebuild",
    tags: ["Reports"],
    summary: "Recompute every rollup from raw data",
    description:
      'Empties the rollup tables and rewinds the watermark; the following cron runs recompute everything (watch /v1/reports/freshness). Reports are incomplete until then. Needs a key for every store, and `{"confirm": true}`.',
    request: { body: jsonBody(RebuildRollups) },
    responses: {
      202: jsonResponse(RebuildRequested, "The rollups will be rebuilt"),
      ...problems(409, 413, 415, 422),
    },
  }),
  async (c) => {
    c.req.valid("json");
    if (c.get("principal").stores !== "*") throw forbidden("Only a key for every store may rebuild the rollups");
    // Each shard keeps its own rollups: every one is emptied. One whose run holds the lease is left for a retry, which
    // empties the others again, harmlessly.
    const busy: string[] = [];
    await forEachShard(
      c.env,
      async (onIt) => {
        if (!(await rebuildRollups(onIt))) busy.push(onIt.shard.id);
      },
      await shardsInUse(c.env),
    );
    if (busy.length) {
      throw new ApiError(409, "rollup_running", "A rollup run is in progress", `Try again when it has finished (on ${busy.join(", ")})`, {}, { "retry-after": "30" });
    }
    return c.json({ status: "rebuild_requested" as const }, 202);
  },
);
