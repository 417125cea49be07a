/**
 * Analytics (src/analytics). Rollup tables are derived: every row can be
 * recomputed from the other modules' tables, and is, whenever its (store,
 * local day) is marked dirty. `day` is the store's local date (YYYY-MM-DD) in
 * the time zone the rollups were built with (see rollupStores). A dimension
 * without a value is stored as "" (warehouse_id of an order not allocated
 * yet): a stable key.
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { stores } from "./stores";

/** Per store, the SLA targets in milliseconds; null means no target. A store without a row uses the defaults. */
export const storeSlas = sqliteTable("store_slas", {
  storeId: text("store_id")
    .primaryKey()
    .references(() => stores.id),
  receivedToApprovedMs: integer("received_to_approved_ms"),
  approvedToShippedMs: integer("approved_to_shipped_ms"),
  shippedToDeliveredMs: integer("shipped_to_delivered_ms"),
  receivedToCompletedMs: integer("received_to_completed_ms"),
  updatedAt: integer("updated_at").notNull(),
});

/** One row: the watermark of the change scan, the lease of the running rollup job, the last run's figures. */
export const rollupState = sqliteTable("rollup_state", {
  id: integer("id").primaryKey(),
  /** Orders with updated_at <= watermark have been scanned and their buckets marked. */
  watermark: integer("watermark").notNull(),
  leaseOwner: text("lease_owner"),
  leaseUntil: integer("lease_until").notNull(),
  lastRunAt: integer("last_run_at"),
  lastRun: text("last_run", { mode: "json" }).$type<Record<string, unknown>>(),
});

/** The configuration (time zone, SLA) each store's rollups were built with; a change rebuilds that store. */
export const rollupStores = sqliteTable("rollup_stores", {
  storeId: text("store_id").primaryKey(),
  timezone: text("timezone").notNull(),
  config: text("config").notNull(),
  appliedAt: integer("applied_at").notNull(),
});

/** (store, local day) buckets whose raw data changed and that the next runs recompute. */
export const rollupDirty = sqliteTable(
  "rollup_dirty",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    markedAt: integer("marked_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day] }), index("rollup_dirty_day_idx").on(t.day)],
);

/**
 * Working table of the rollup run: the local time of the unit being refolded, one row per store of the unit and
 * stretch of one UTC offset over the unit's local days of that store ([from_ms, to_ms)). Written with the unit's
 * staged events and emptied by the next unit (analytics/folds/unit-events.ts); the folds that read facts by time join
 * each fact to its row (analytics/folds/fold.ts inUnitTime).
 */
export const rollupUnitOffsets = sqliteTable(
  "rollup_unit_offsets",
  {
    storeId: text("store_id").notNull(),
    fromMs: integer("from_ms").notNull(),
    toMs: integer("to_ms").notNull(),
    offsetMs: integer("offset_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.fromMs] })],
);

/**
 * The rollup's working table, not a rollup: the order events of the unit
 * being refolded, each with the facts of its order and the bucket it falls
 * in, written once per unit (folds/unit-events.ts) and read by every order
 * event fold. Only the run holding the lease writes it; it holds one unit at
 * a time and is emptied before each.
 */
export const rollupUnitEvents = sqliteTable("rollup_unit_events", {
  storeId: text("store_id").notNull(),
  orderId: text("order_id").notNull(),
  seq: integer("seq").notNull(),
  type: text("type").notNull(),
  fromStatus: text("from_status"),
  toStatus: text("to_status").notNull(),
  actor: text("actor").notNull(),
  reason: text("reason"),
  createdAt: integer("created_at").notNull(),
  /** The store's UTC offset at created_at, ms; the local day number and the UTC instant the local hour began. */
  offsetMs: integer("offset_ms").notNull(),
  dayNumber: integer("day_number").notNull(),
  hourStart: integer("hour_start").notNull(),
  channel: text("channel").notNull(),
  currency: text("currency").notNull(),
  /** The order's primary warehouse ("" until allocated): src/fulfilment/primary-warehouse.ts. */
  warehouseId: text("warehouse_id").notNull(),
  /** Transitions only: the event moved the order into to_status. */
  entered: integer("entered").notNull(),
  /** The previous event's time (staff latency); the start of the span this event ends (approve, ship, deliver, complete), null when none. */
  previousAt: integer("previous_at"),
  spanStartedAt: integer("span_started_at"),
  /** 1 for an approval after an earlier approval (not the end of received_to_approved). */
  approvedBefore: integer("approved_before").notNull(),
  subtotalAmount: integer("subtotal_amount").notNull(),
  discountAmount: integer("discount_amount").notNull(),
  shippingAmount: integer("shipping_amount").notNull(),
  taxAmount: integer("tax_amount").notNull(),
  totalAmount: integer("total_amount").notNull(),
});

const orderMeasures = () => ({
  received: integer("received").notNull(),
  approved: integer("approved").notNull(),
  held: integer("held").notNull(),
  processing: integer("processing").notNull(),
  shipped: integer("shipped").notNull(),
  delivered: integer("delivered").notNull(),
  completed: integer("completed").notNull(),
  cancelled: integer("cancelled").notNull(),
  rejected: integer("rejected").notNull(),
  /** Amounts of the orders received in the bucket, in minor units of `currency`. */
  grossAmount: integer("gross_amount").notNull(),
  discountAmount: integer("discount_amount").notNull(),
  shippingAmount: integer("shipping_amount").notNull(),
  taxAmount: integer("tax_amount").notNull(),
  netAmount: integer("net_amount").notNull(),
  /** Totals of the orders cancelled in the bucket. */
  cancelledAmount: integer("cancelled_amount").notNull(),
});

/**
 * Order flow per local hour: one row per local day and (channel, warehouse, currency), the day's sums (which the day
 * rows are copied from) and its hours in `hours`, a JSON array with one entry per hour that had events, in hour order:
 * [hour_start, offset_ms, ...the measures in the order of `MEASURES` in analytics/folds/order-counts.ts]. `hour_start` is
 * the UTC instant the local hour begins (unique across DST), `offset_ms` the store's offset then. Reports read the
 * hours through `orderHoursSql`, one row per hour as before.
 *
 * A row per hour took most of the rollup's order counts: the bench's hours average 1.6 events, so the table gained
 * nearly a row per event, each written with its key twice (the table and its primary key) and summed again for the
 * day rows (issue #18; docs/analytics.md).
 */
export const rollupOrderHours = sqliteTable(
  "rollup_order_hours",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    channel: text("channel").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    currency: text("currency").notNull(),
    ...orderMeasures(),
    hours: text("hours").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.channel, t.warehouseId, t.currency] }), index("rollup_order_hours_day_idx").on(t.day)],
);

/** Order flow per local day: the sum of the day's hours, kept so long ranges read few rows. */
export const rollupOrderDays = sqliteTable(
  "rollup_order_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    channel: text("channel").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    currency: text("currency").notNull(),
    ...orderMeasures(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.channel, t.warehouseId, t.currency] }), index("rollup_order_days_day_idx").on(t.day)],
);

/**
 * Durations between milestones, per local day of the later milestone. `channel`
 * "*" rows cover all channels, so a store's day has exact percentiles both ways;
 * `histogram` (log-scale bins, JSON) merges across rows for approximate ones.
 */
export const rollupDurations = sqliteTable(
  "rollup_durations",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    span: text("span").notNull(),
    channel: text("channel").notNull(),
    count: integer("count").notNull(),
    sumMs: integer("sum_ms").notNull(),
    maxMs: integer("max_ms").notNull(),
    p50Ms: integer("p50_ms").notNull(),
    p90Ms: integer("p90_ms").notNull(),
    breaches: integer("breaches").notNull(),
    histogram: text("histogram").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.span, t.channel] }), index("rollup_durations_day_idx").on(t.day)],
);

/** Each milestone an order reached later than its store's SLA allowed. */
export const rollupSlaBreaches = sqliteTable(
  "rollup_sla_breaches",
  {
    orderId: text("order_id").notNull(),
    span: text("span").notNull(),
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    channel: text("channel").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    targetMs: integer("target_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.span] }), index("rollup_sla_breaches_store_day_idx").on(t.storeId, t.day)],
);

/** What each person (API key) did per day: one row per action (`metric`), with how long the order had waited for it. */
export const rollupStaffDays = sqliteTable(
  "rollup_staff_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    actor: text("actor").notNull(),
    role: text("role").notNull(),
    metric: text("metric").notNull(),
    count: integer("count").notNull(),
    latencySumMs: integer("latency_sum_ms").notNull(),
    latencyMaxMs: integer("latency_max_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.actor, t.metric] }), index("rollup_staff_days_day_idx").on(t.day)],
);

/** Holds, rejections and cancellations per reason given. */
export const rollupReasonDays = sqliteTable(
  "rollup_reason_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    event: text("event").notNull(),
    reason: text("reason").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.event, t.reason] }), index("rollup_reason_days_day_idx").on(t.day)],
);

/**
 * Units and revenue per SKU (line totals, before order-level discounts) and
 * warehouse (the allocation's, "" when not allocated). Cost is that recorded
 * on the ship movements of what shipped; null when nothing shipped or a cost
 * is unknown.
 */
export const rollupSkuDays = sqliteTable(
  "rollup_sku_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    sku: text("sku").notNull(),
    currency: text("currency").notNull(),
    unitsOrdered: integer("units_ordered").notNull(),
    revenueOrdered: integer("revenue_ordered").notNull(),
    unitsCancelled: integer("units_cancelled").notNull(),
    revenueCancelled: integer("revenue_cancelled").notNull(),
    unitsShipped: integer("units_shipped").notNull(),
    revenueShipped: integer("revenue_shipped").notNull(),
    costShipped: integer("cost_shipped"),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.warehouseId, t.sku, t.currency] }), index("rollup_sku_days_day_idx").on(t.day)],
);

/**
 * The warehouse floor's work per person, warehouse and day: one row per
 * `metric` (pick, short_pick, pack_scan, scan_mismatch, pack, weight_override,
 * and the other warehouse event kinds), from warehouse_events. `units` is
 * what the metric moved (units picked or short, packages packed); durations
 * are those the floor reported (`duration_n` of `count` had one).
 */
export const rollupFloorDays = sqliteTable(
  "rollup_floor_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    worker: text("worker").notNull(),
    role: text("role").notNull(),
    metric: text("metric").notNull(),
    count: integer("count").notNull(),
    units: integer("units").notNull(),
    durationN: integer("duration_n").notNull(),
    durationSumMs: integer("duration_sum_ms").notNull(),
    durationMaxMs: integer("duration_max_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.warehouseId, t.worker, t.metric] }), index("rollup_floor_days_day_idx").on(t.day)],
);

/**
 * Audit findings per reason code, outcome and severity, per local day of the
 * audit (audit_results). `code` "" counts audits that found nothing.
 */
export const rollupAuditDays = sqliteTable(
  "rollup_audit_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    outcome: text("outcome").notNull(),
    code: text("code").notNull(),
    severity: text("severity").notNull(),
    /** Audits that raised the code (once each, however often it was raised). */
    audits: integer("audits").notNull(),
    findings: integer("findings").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.outcome, t.code, t.severity] }), index("rollup_audit_days_day_idx").on(t.day)],
);

/**
 * Carrier performance per carrier service and local day: parcels handed
 * over, parcels delivered (judged on time or late against the transit days
 * the service promised when it was chosen), transit time, and delivery
 * exceptions by kind (the day each was raised).
 */
export const rollupCarrierDays = sqliteTable(
  "rollup_carrier_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    carrier: text("carrier").notNull(),
    service: text("service").notNull(),
    shipped: integer("shipped").notNull(),
    delivered: integer("delivered").notNull(),
    onTime: integer("on_time").notNull(),
    late: integer("late").notNull(),
    /** Delivered parcels with a handover time: the transit sums are over these. */
    transitN: integer("transit_n").notNull(),
    transitSumMs: integer("transit_sum_ms").notNull(),
    transitMaxMs: integer("transit_max_ms").notNull(),
    failedAttempt: integer("failed_attempt").notNull(),
    exception: integer("exception").notNull(),
    returnedToSender: integer("returned_to_sender").notNull(),
    staleTracking: integer("stale_tracking").notNull(),
    conflictingStatus: integer("conflicting_status").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.carrier, t.service] }), index("rollup_carrier_days_day_idx").on(t.day)],
);

/**
 * Gross profit per SKU (src/analytics/folds/gross-profit.ts): the money
 * ledger per store, local day of the entry, order channel, currency and
 * SKU, captures and refunds split over the order's SKUs. `sku` "" is the
 * order level (shipping charged, tax, fees, shipping cost). Per (store, day,
 * channel, currency) the rows add up to rollup_finance_days'.
 */
export const rollupGrossProfitDays = sqliteTable(
  "rollup_gross_profit_days",
  {
    storeId: text("store_id").notNull(),
    day: text("day").notNull(),
    channel: text("channel").notNull(),
    currency: text("currency").notNull(),
    sku: text("sku").notNull(),
    /** Units handed over (the cost of goods entries' quantity). */
    unitsShipped: integer("units_shipped").notNull(),
    revenue: integer("revenue").notNull(),
    refunds: integer("refunds").notNull(),
    fees: integer("fees").notNull(),
    shipping: integer("shipping").notNull(),
    costOfGoods: integer("cost_of_goods").notNull(),
    grossProfit: integer("gross_profit").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day, t.channel, t.currency, t.sku] }), index("rollup_gross_profit_days_day_idx").on(t.day)],
);
