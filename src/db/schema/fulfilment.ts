/** Allocation, shipments, the warehouse floor and service tasks (src/fulfilment). */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { orders } from "./orders";
import { stores } from "./stores";

/** A store's routing policy, as data (see src/fulfilment/routing-policy.ts for its shape and meaning). */
export const routingPolicies = sqliteTable("routing_policies", {
  storeId: text("store_id")
    .primaryKey()
    .references(() => stores.id),
  policy: text("policy", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * The outcome of allocating an order's goods: allocated (shipments exist),
 * backordered (retried by the cron and by hand) or released (cancelled),
 * with the policy's explanation of each warehouse it considered.
 */
export const allocations = sqliteTable(
  "allocations",
  {
    orderId: text("order_id")
      .primaryKey()
      .references(() => orders.id),
    storeId: text("store_id").notNull(),
    status: text("status", { enum: ["allocated", "backordered", "released"] }).notNull(),
    reason: text("reason"),
    explanation: text("explanation", { mode: "json" }).$type<unknown>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastAttemptAt: integer("last_attempt_at").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("allocations_status_idx").on(t.status, t.lastAttemptAt)],
);

/**
 * pending -> picking -> packed here; labelled, shipped, in_transit,
 * out_for_delivery, delivered, exception and returned belong to logistics.
 * `merged` shipments gave their items to `merged_into`; `cancelled` ones
 * lost all their items to cancellations.
 */
export const SHIPMENT_STATUSES = [
  "pending",
  "picking",
  "packed",
  "labelled",
  "intercepted",
  "shipped",
  "in_transit",
  "out_for_delivery",
  "delivered",
  "exception",
  "returned",
  "cancelled",
  "merged",
  "rejected",
  "closed",
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export const shipments = sqliteTable(
  "shipments",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    /** The order it was allocated for; a merged shipment also carries other orders' items. */
    orderId: text("order_id").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    status: text("status", { enum: SHIPMENT_STATUSES }).notNull(),
    carrier: text("carrier"),
    /** Same store, customer and address: shipments with equal keys may be merged. */
    mergeKey: text("merge_key").notNull(),
    mergedInto: text("merged_into"),
    /** Not released to picking before this time (the merge policy's hold window). */
    holdUntil: integer("hold_until").notNull(),
    waveId: text("wave_id"),
    /** When and why it was intercepted (status `intercepted`), and the status it was stopped at: where work resumes once released. */
    interceptedAt: integer("intercepted_at"),
    interceptReason: text("intercept_reason"),
    interceptedFrom: text("intercepted_from", { enum: ["pending", "picking", "packed", "labelled"] }),
    /** 3PL only: queued -> sent -> accepted | rejected. */
    dispatchStatus: text("dispatch_status", { enum: ["queued", "sent", "accepted", "rejected"] }),
    dispatchNote: text("dispatch_note"),
    expectedWeightGrams: integer("expected_weight_grams"),
    packages: text("packages", { mode: "json" }).$type<Record<string, unknown>[]>(),
    weightOverrideReason: text("weight_override_reason"),
    packedAt: integer("packed_at"),
    /**
     * Drawn by the pack that packed it: the pack's batch knows its own commit by it. Its instant would not do: two
     * packs of one parcel on two isolates can stamp the same millisecond.
     */
    packToken: text("pack_token"),
    /** Packed and verified: the logistics stage may print its label. */
    readyForLabelAt: integer("ready_for_label_at"),
    shippedAt: integer("shipped_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("shipments_wh_status_idx").on(t.warehouseId, t.status, t.id),
    index("shipments_merge_idx").on(t.storeId, t.mergeKey, t.status),
    index("shipments_order_idx").on(t.orderId),
  ],
);

/**
 * One order line's quantity reserved at one bin. `reserved_qty` is what is
 * still held in the bin; picking moves it to `picked_qty` (the goods are now
 * in the OUTBOUND bin), a short pick to `short_qty`. The CHECKs stop two
 * racing operations from both consuming the same reservation.
 */
export const shipmentItems = sqliteTable(
  "shipment_items",
  {
    id: text("id").primaryKey(),
    shipmentId: text("shipment_id").notNull(),
    /** The shipment it was allocated to: where an unmerge sends it back. */
    originShipmentId: text("origin_shipment_id").notNull(),
    orderId: text("order_id").notNull(),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    binId: text("bin_id").notNull(),
    quantity: integer("quantity").notNull(),
    reservedQty: integer("reserved_qty").notNull(),
    pickedQty: integer("picked_qty").notNull().default(0),
    shortQty: integer("short_qty").notNull().default(0),
    packedQty: integer("packed_qty").notNull().default(0),
    /** The item's order was cancelled, or its goods were re-routed: it is skipped by picking and packing, and restocked if picked. */
    cancelledAt: integer("cancelled_at"),
    /**
     * Set with cancelled_at when a re-route moved the item's goods to new shipments (its 3PL refused them): the item
     * stays as the refused shipment's record, but it is no longer part of the order's allocation, so the rollups leave
     * it out (an order's warehouse, a line's split over warehouses). Null on every other item, cancelled or not.
     */
    reroutedAt: integer("rerouted_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("shipment_items_shipment_idx").on(t.shipmentId),
    // An order's items, covering what SKU sales reads of each sale's items (analytics/folds/sku-sales.ts: found by
    // order and line) and what an order's primary warehouse is worked out from (fulfilment/primary-warehouse.ts). One
    // 7-day unit's SKU sales (node:sqlite, issue #18's bench data): 208-217 ms and 20,960 page reads beyond the cache
    // with the order's items found by the order alone (and the shipments' costs by their reference), 171-173 ms and
    // 7,227 covered, the line second.
    index("shipment_items_order_idx").on(t.orderId, t.lineNo, t.warehouseId, t.quantity, t.reroutedAt, t.shipmentId, t.sku),
    check("shipment_items_reserved_nonneg", sql`${t.reservedQty} >= 0`),
    check("shipment_items_counts_nonneg", sql`${t.pickedQty} >= 0 AND ${t.shortQty} >= 0 AND ${t.packedQty} >= 0`),
    check("shipment_items_within_quantity", sql`${t.reservedQty} + ${t.pickedQty} + ${t.shortQty} <= ${t.quantity}`),
    check("shipment_items_packed_within_picked", sql`${t.packedQty} <= ${t.pickedQty}`),
  ],
);

/** A batch of shipments released to the floor together, grouped by carrier, zone or single-item orders. */
export const waves = sqliteTable(
  "waves",
  {
    id: text("id").primaryKey(),
    warehouseId: text("warehouse_id").notNull(),
    groupBy: text("group_by", { enum: ["carrier", "zone", "single_item"] }).notNull(),
    groupKey: text("group_key").notNull(),
    status: text("status", { enum: ["open", "picked"] }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [index("waves_wh_idx").on(t.warehouseId, t.id)],
);

export const FULFILMENT_EXCEPTION_KINDS = ["short_pick", "dispatch_rejected"] as const;

/** Problems found on the floor (short picks, 3PL rejections) that someone must resolve. */
export const fulfilmentExceptions = sqliteTable(
  "fulfilment_exceptions",
  {
    id: text("id").primaryKey(),
    shipmentId: text("shipment_id").notNull(),
    itemId: text("item_id"),
    kind: text("kind", { enum: FULFILMENT_EXCEPTION_KINDS }).notNull(),
    quantity: integer("quantity").notNull().default(0),
    note: text("note"),
    status: text("status", { enum: ["open", "resolved"] }).notNull(),
    /** How it was resolved: `rerouted`, `dismissed`, or `shipped short` (packing resolves short picks). */
    resolution: text("resolution"),
    /** What the person resolving it said (a dismissal must say why). */
    resolutionNote: text("resolution_note"),
    /** A re-routed rejection: the shipments born for its goods. */
    reroutedTo: text("rerouted_to", { mode: "json" }).$type<string[]>(),
    createdBy: text("created_by").notNull(),
    resolvedBy: text("resolved_by"),
    createdAt: integer("created_at").notNull(),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [index("fulfilment_exceptions_shipment_idx").on(t.shipmentId)],
);

export const WAREHOUSE_EVENT_KINDS = ["pick", "short_pick", "pack_scan", "scan_mismatch", "pack", "weigh", "intercept", "resolve", "restock", "merge", "unmerge"] as const;

/** Every pick, pack scan, wrong scan, pack and weigh on the floor, with who did it and how long it took. */
export const warehouseEvents = sqliteTable(
  "warehouse_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    warehouseId: text("warehouse_id").notNull(),
    shipmentId: text("shipment_id"),
    waveId: text("wave_id"),
    kind: text("kind", { enum: WAREHOUSE_EVENT_KINDS }).notNull(),
    worker: text("worker").notNull(),
    durationMs: integer("duration_ms"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
    /**
     * The store of the event's shipment, as it was when written (a shipment never changes store): the floor's
     * rollup counts each event in its store without a search of `shipments` per event. Null on events written
     * before the column (2026-12-06) and on events without a shipment; the rollup looks those up.
     */
    storeId: text("store_id"),
  },
  (t) => [
    index("warehouse_events_wh_idx").on(t.warehouseId, t.id),
    index("warehouse_events_worker_idx").on(t.worker, t.id),
    // Analytics folds and scans the floor's work by time.
    index("warehouse_events_created_idx").on(t.createdAt),
  ],
);

export const SERVICE_TASK_STATUSES = ["open", "assigned", "in_progress", "done", "cancelled"] as const;

/** A service line of an order, for the service team: assigned to a person, started, done. */
export const serviceTasks = sqliteTable(
  "service_tasks",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    storeId: text("store_id").notNull(),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: SERVICE_TASK_STATUSES }).notNull(),
    assignee: text("assignee"),
    note: text("note"),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    assignedAt: integer("assigned_at"),
    startedAt: integer("started_at"),
    doneAt: integer("done_at"),
  },
  (t) => [uniqueIndex("service_tasks_order_line_uq").on(t.orderId, t.lineNo), index("service_tasks_store_status_idx").on(t.storeId, t.status, t.id)],
);

/** Inbound partner webhooks already handled, by the partner's event id: a redelivery changes nothing. */
export const inboundWebhooks = sqliteTable(
  "inbound_webhooks",
  {
    source: text("source").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.eventId] })],
);
