/** The processing API's shapes: routing policy, allocation (and its dry run), shipments. */
import { ActorNameFields } from "../activity/schemas";
import { z } from "@hono/zod-openapi";
import { FULFILMENT_EXCEPTION_KINDS, SERVICE_TASK_STATUSES, SHIPMENT_STATUSES, WAREHOUSE_EVENT_KINDS } from "../db/schema";
import { csv, ListQuery, Rfc3339 } from "../http/route";
import { isCountry } from "../lib/countries";
import { TASK_EVENTS } from "./service-task-lifecycle";
import { idPattern } from "../lib/ids";

export const StoreIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
export const ShipmentIdParam = z.object({
  id: z
    .string()
    .regex(idPattern("shp"), "must be a shipment id")
    .openapi({ param: { name: "id", in: "path" }, example: "shp_01KB2R8W3D4C9QJ6H7ZNEXAMPLE" }),
});

const WarehouseIds = z.array(z.string().min(1).max(64)).max(50);

export const RoutingRule = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    countries: z
      .array(z.string().refine(isCountry, { message: "must be an ISO 3166-1 alpha-2 country code" }))
      .min(1)
      .max(250)
      .optional()
      .openapi({ description: "Destination countries this rule applies to (any when absent)" }),
    regions: z
      .array(z.string().trim().min(1).max(100))
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: "Destination regions (state, province...), compared without case (any when absent)" }),
    warehouses: WarehouseIds.min(1).openapi({ description: "Warehouses in priority order" }),
    carrier: z.string().trim().min(1).max(64).optional().openapi({ description: "Carrier for shipments routed by this rule" }),
  })
  .openapi("RoutingRule");

export const RoutingPolicySchema = z
  .object({
    rules: z.array(RoutingRule).max(100).default([]).openapi({ description: "The first rule matching the destination decides the warehouse priority" }),
    default_warehouses: WarehouseIds.default([]).openapi({
      description: "Priority when no rule matches; empty means every active warehouse, nearest first (same region, then same country)",
    }),
    ship_complete: z
      .enum(["prefer", "require"])
      .default("prefer")
      .openapi({ description: "prefer: one warehouse that has everything, else split; require: never split (wait for stock)" }),
    max_shipments: z.number().int().min(1).max(10).default(3).openapi({ description: "Most shipments one order may be split into" }),
    merge_hold_minutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(0)
      .openapi({ description: "New shipments wait this long before picking, and merge with others to the same customer and address meanwhile" }),
    default_carrier: z.string().trim().min(1).max(64).nullable().default(null),
    reroute_on_reject: z.boolean().default(false).openapi({
      description:
        "When a third-party warehouse rejects a dispatch, re-route its goods at once with this policy (excluding every warehouse that rejected the order's goods). When no warehouse can take them, the exception stays open for a person (GET /v1/fulfilment-exceptions).",
    }),
  })
  .openapi("RoutingPolicy");

export const StoredRoutingPolicy = RoutingPolicySchema.extend({
  store_id: z.string(),
  is_default: z.boolean().openapi({ description: "True when the store has no policy of its own yet" }),
  updated_at: Rfc3339.nullable(),
}).openapi("StoredRoutingPolicy");

const Verdict = z.object({
  warehouse_id: z.string(),
  name: z.string().nullable(),
  rank: z.number().int().nullable(),
  chosen: z.boolean(),
  can_fill: z.enum(["all", "some", "none"]),
  reasons: z.array(z.string()),
});
export const ExplanationSchema = z
  .object({ rule: z.string().nullable(), priority: z.array(z.string()), summary: z.string(), warehouses: z.array(Verdict) })
  .openapi("AllocationExplanation");

export const DryRunBody = z
  .object({
    order_id: z.string().regex(idPattern("ord"), "must be an order id").optional().openapi({ description: "Plan for this order's goods lines" }),
    store_id: z.string().min(1).max(64).optional(),
    destination: z
      .object({
        country: z.string().refine(isCountry, { message: "must be an ISO 3166-1 alpha-2 country code" }),
        region: z.string().trim().min(1).max(100).nullish(),
      })
      .optional(),
    lines: z
      .array(z.object({ sku: z.string().trim().min(1).max(64), quantity: z.number().int().min(1).max(100_000) }))
      .min(1)
      .max(250)
      .optional(),
  })
  .superRefine((b, ctx) => {
    if (b.order_id !== undefined) {
      if (b.store_id || b.destination || b.lines) ctx.addIssue({ code: "custom", path: ["order_id"], message: "give either order_id, or store_id, destination and lines" });
      return;
    }
    for (const f of ["store_id", "destination", "lines"] as const) {
      if (b[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: "is required without order_id" });
    }
  })
  .openapi("AllocationDryRun");

export const PlanResult = z
  .object({
    ok: z.boolean(),
    reason: z.string().nullable(),
    message: z.string().nullable(),
    shipments: z.array(
      z.object({
        warehouse_id: z.string(),
        carrier: z.string().nullable(),
        items: z.array(z.object({ line_no: z.number().int(), sku: z.string(), bin_id: z.string(), bin: z.string(), quantity: z.number().int() })),
      }),
    ),
    shortages: z.array(z.object({ sku: z.string(), requested: z.number().int(), available: z.number().int() })),
    explanation: ExplanationSchema,
  })
  .openapi("AllocationPlan");

export const ShipmentItem = z
  .object({
    id: z.string(),
    order_id: z.string(),
    line_no: z.number().int(),
    sku: z.string(),
    bin_id: z.string(),
    bin: z.string(),
    quantity: z.number().int(),
    reserved: z.number().int(),
    picked: z.number().int(),
    short: z.number().int(),
    packed: z.number().int(),
    cancelled: z.boolean(),
  })
  .openapi("ShipmentItem");

export const Shipment = z
  .object({
    id: z.string(),
    store_id: z.string(),
    order_id: z.string(),
    order_ids: z.array(z.string()).openapi({ description: "Every order with items in it (more than one after a merge)" }),
    warehouse_id: z.string(),
    status: z.enum(SHIPMENT_STATUSES),
    carrier: z.string().nullable(),
    merged_into: z.string().nullable(),
    hold_until: Rfc3339,
    wave_id: z.string().nullable(),
    intercepted: z.boolean(),
    intercepted_from: z
      .enum(["pending", "picking", "packed", "labelled"])
      .nullable()
      .openapi({ description: "Where an intercepted shipment was stopped: work resumes there once the interception is released" }),
    intercept_reason: z.string().nullable(),
    dispatch_status: z.enum(["queued", "sent", "accepted", "rejected"]).nullable(),
    dispatch_note: z.string().nullable(),
    expected_weight_grams: z.number().int().nullable(),
    packages: z.array(z.record(z.string(), z.unknown())).nullable(),
    weight_override_reason: z.string().nullable(),
    ready_for_label: z.boolean(),
    open_exceptions: z.number().int(),
    tracking_number: z.string().nullable().openapi({ description: "The label's tracking number (what the dock scans off the parcel); null until labelled" }),
    created_at: Rfc3339,
    updated_at: Rfc3339,
    items: z.array(ShipmentItem),
  })
  .openapi("Shipment");

export const Allocation = z
  .object({
    order_id: z.string(),
    status: z.enum(["none", "allocated", "backordered", "released"]),
    reason: z.string().nullable(),
    attempts: z.number().int(),
    last_attempt_at: Rfc3339.nullable(),
    explanation: ExplanationSchema.nullable(),
    shipments: z.array(Shipment),
  })
  .openapi("Allocation");

export const MergeBody = z
  .object({
    shipment_ids: z
      .array(z.string().regex(idPattern("shp"), "must be a shipment id"))
      .min(2)
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, { message: "must not repeat a shipment" }),
  })
  .openapi("MergeShipments");

export const ListShipmentsQuery = z.object({
  ...ListQuery,
  warehouse_id: z.string().max(64).optional(),
  store_id: z.string().max(64).optional(),
  order_id: z.string().max(64).optional(),
  status: csv(SHIPMENT_STATUSES).optional().openapi({ description: "One status, or several comma-separated" }),
  intercepted: z.enum(["true", "false"]).optional(),
  updated_since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Only those changed at or after this time (RFC 3339): with the list's cursor, a poller's way to catch up" }),
});

export const ServiceTaskIdParam = z.object({
  id: z
    .string()
    .regex(idPattern("svc"), "must be a service task id")
    .openapi({ param: { name: "id", in: "path" } }),
});

export const ServiceTask = z
  .object({
    id: z.string(),
    order_id: z.string(),
    store_id: z.string(),
    line_no: z.number().int(),
    sku: z.string(),
    name: z.string(),
    quantity: z.number().int(),
    status: z.enum(SERVICE_TASK_STATUSES),
    assignee: z.string().nullable(),
    note: z.string().nullable(),
    version: z.number().int(),
    allowed_events: z.array(z.enum(TASK_EVENTS)),
    created_at: Rfc3339,
    updated_at: Rfc3339,
    assigned_at: Rfc3339.nullable(),
    started_at: Rfc3339.nullable(),
    done_at: Rfc3339.nullable(),
  })
  .openapi("ServiceTask");

export const TaskTransitionBody = z
  .object({
    event: z.enum(TASK_EVENTS),
    assignee: z.string().trim().min(1).max(100).optional().openapi({ description: "Who does the work (required to assign)", example: "tech:maria" }),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((b) => b.event !== "assign" || b.assignee !== undefined, { message: "is required to assign a task", path: ["assignee"] })
  .refine((b) => b.event === "assign" || b.assignee === undefined, { message: "is only given to assign a task", path: ["assignee"] })
  .openapi("ServiceTaskTransition");

export const ListTasksQuery = z.object({
  ...ListQuery,
  status: csv(SERVICE_TASK_STATUSES).optional(),
  assignee: z.string().max(100).optional(),
  order_id: z.string().max(64).optional(),
  store_id: z.string().max(64).optional(),
});

export const WaveIdParam = z.object({
  id: z
    .string()
    .regex(idPattern("wv"), "must be a wave id")
    .openapi({ param: { name: "id", in: "path" } }),
});
const DurationMs = z.number().int().min(0).max(3_600_000).optional().openapi({ description: "How long the step took, as measured by the device" });

export const CreateWaves = z
  .object({
    warehouse_id: z.string().min(1).max(64),
    group_by: z.enum(["carrier", "zone", "single_item"]),
    max_shipments: z.number().int().min(1).max(200).default(20).openapi({ description: "Shipments per wave at most" }),
    max_waves: z.number().int().min(1).max(50).default(10),
  })
  .openapi("CreateWaves");

export const PickLine = z
  .object({
    item_id: z.string(),
    shipment_id: z.string(),
    order_id: z.string(),
    store_id: z.string().openapi({ description: "The store whose catalogue names the SKU" }),
    sku: z.string(),
    bin_id: z.string(),
    bin: z.string(),
    zone: z.string().nullable(),
    pick_sequence: z.number().int(),
    quantity: z.number().int(),
    to_pick: z.number().int(),
    picked: z.number().int(),
    short: z.number().int(),
    cancelled: z.boolean().openapi({ description: "The order was cancelled: do not pick (restock if picked)" }),
    intercepted: z.boolean(),
  })
  .openapi("PickLine");

export const Wave = z
  .object({
    id: z.string(),
    warehouse_id: z.string(),
    group_by: z.enum(["carrier", "zone", "single_item"]),
    group_key: z.string(),
    status: z.enum(["open", "picked"]),
    created_by: z.string(),
    created_at: Rfc3339,
    completed_at: Rfc3339.nullable(),
    shipment_ids: z.array(z.string()),
    pick_list: z.array(PickLine).openapi({ description: "Along the picking path" }),
  })
  .openapi("Wave");

export const WaveSummary = Wave.omit({ pick_list: true, shipment_ids: true })
  .extend({
    progress: z
      .object({ units: z.number().int(), picked: z.number().int(), short: z.number().int() })
      .openapi({ description: "Units on the wave's pick list (cancelled items left out), how many are picked and how many were found short" }),
  })
  .openapi("WaveSummary");

export const ListWavesQuery = z.object({
  ...ListQuery,
  warehouse_id: z.string().max(64).optional(),
  status: z.enum(["open", "picked"]).optional(),
});

export const PickBody = z
  .object({
    item_id: z.string().min(1).max(64),
    scanned: z.string().trim().min(1).max(64).openapi({ description: "The SKU or barcode the scanner read" }),
    quantity: z.number().int().min(0).max(100_000),
    short: z.boolean().default(false).openapi({ description: "Fewer units than asked were found: the rest are missing, not to be picked later" }),
    duration_ms: DurationMs,
  })
  .refine((b) => b.quantity > 0 || b.short, { message: "must be positive unless the pick is short", path: ["quantity"] })
  .openapi("Pick");

export const PickResultSchema = z
  .object({
    item_id: z.string(),
    picked: z.number().int(),
    short: z.number().int(),
    remaining: z.number().int(),
    wave_status: z.enum(["open", "picked"]),
    exception_id: z.string().nullable(),
  })
  .openapi("PickResult");

const ScanCode = z.string().trim().min(1).max(64);
export const PackScan = z.object({ code: ScanCode, duration_ms: DurationMs }).openapi("PackScan");
export const MAX_PACK_SCANS = 200;
/**
 * One scan (`code`, as a handheld sends it) or a station's buffered scans (`scans`, applied in order as if sent one by
 * one). One object rather than a union so a bad body names its field, and a body of both forms is refused, not half read.
 */
export const PackScanBody = z
  .object({
    code: ScanCode.optional().openapi({ description: "One scan: the SKU or barcode read (not with `scans`)" }),
    duration_ms: DurationMs,
    scans: z
      .array(PackScan)
      .min(1)
      .max(MAX_PACK_SCANS)
      .optional()
      .openapi({ description: `A batch of 1 to ${MAX_PACK_SCANS} scans, in the order they were read (not with \`code\`)` }),
  })
  .superRefine((b, ctx) => {
    if (b.scans === undefined && b.code === undefined) ctx.addIssue({ code: "custom", path: ["code"], message: "give code (one scan) or scans (a batch)" });
    if (b.scans !== undefined) {
      for (const k of ["code", "duration_ms"] as const) {
        if (b[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], message: "is not allowed with scans (give each scan its own)" });
      }
    }
  })
  .openapi("PackScanBody");
export const PackScanResult = z
  .object({
    item_id: z.string(),
    sku: z.string(),
    packed: z.number().int(),
    picked: z.number().int(),
    remaining: z.number().int().openapi({ description: "Units of the shipment still to scan" }),
  })
  .openapi("PackScanResult");
const ScanRefusal = z.object({
  code: z.enum(["wrong_item", "already_scanned"]).openapi({ description: "As the single scan's 409: `wrong_item` is recorded as a `scan_mismatch`" }),
  detail: z.string(),
});
export const PackScanBatchResult = z
  .object({
    results: z.array(
      z.union([
        PackScanResult.extend({ code: z.string().openapi({ description: "The code scanned" }), ok: z.literal(true) }),
        z.object({ code: z.string(), ok: z.literal(false), problem: ScanRefusal }),
      ]),
    ),
    packed: z.number().int().openapi({ description: "Units of the shipment scanned, after the batch" }),
    remaining: z.number().int().openapi({ description: "Units of the shipment still to scan, after the batch" }),
  })
  .openapi("PackScanBatchResult");
/** The answer of `POST /v1/shipments/{id}/pack-scans`: as the body's form. */
export const PackScanAnswer = z.union([PackScanResult, PackScanBatchResult]);

const mm = z.number().int().min(1).max(10_000);
const DIMENSIONS = ["length_mm", "width_mm", "height_mm"] as const;
export const PackedPackage = z
  .object({
    package_type: z
      .string()
      .trim()
      .min(1)
      .max(32)
      .optional()
      .openapi({ description: "The warehouse's package type (see /v1/warehouses/{id}/package-types): its tare is expected on the scale, its dimensions are the default" }),
    length_mm: mm.optional(),
    width_mm: mm.optional(),
    height_mm: mm.optional(),
    weight_grams: z.number().int().min(1).max(1_000_000).openapi({ description: "What the scale shows: goods and packaging" }),
  })
  .superRefine((p, ctx) => {
    if (p.package_type !== undefined) return;
    for (const k of DIMENSIONS) if (p[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required without a package_type" });
  })
  .openapi("PackedPackage");
export const PackBody = z
  .object({
    packages: z.array(PackedPackage).min(1).max(50),
    weight_override_reason: z.string().trim().min(1).max(500).optional().openapi({ description: "Accept a weight outside the tolerance, saying why" }),
    accept_short: z.boolean().default(false).openapi({ description: "Ship what was picked although the shipment was short-picked" }),
    duration_ms: DurationMs,
    scans: z
      .array(PackScan)
      .min(1)
      .max(MAX_PACK_SCANS)
      .optional()
      .openapi({
        description: `The parcel's scans (1 to ${MAX_PACK_SCANS}, in the order read), counted first as \`POST .../pack-scans\` would count them, then the pack, in one write: a station closes a parcel in one request. One refused scan (a wrong item, more than was picked) refuses the pack (409 \`scan_refused\`, each scan's answer in \`results\`): nothing is counted or packed, and a wrong item is logged as a \`scan_mismatch\` as always.`,
      }),
  })
  .openapi("Pack");

export const InterceptBody = z.object({ reason: z.string().trim().min(1).max(500) }).openapi("Intercept");
export const ResolveBody = z.object({ action: z.enum(["release", "restock"]), note: z.string().trim().min(1).max(500).optional() }).openapi("ResolveInterception");

export const WarehouseEvent = z
  .object({
    id: z.number().int(),
    warehouse_id: z.string(),
    shipment_id: z.string().nullable(),
    wave_id: z.string().nullable(),
    kind: z.enum(WAREHOUSE_EVENT_KINDS),
    worker: z.string(),
    worker_kind: ActorNameFields.actor_kind,
    worker_name: ActorNameFields.actor_name,
    duration_ms: z.number().int().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    created_at: Rfc3339,
  })
  .openapi("WarehouseEvent");

export const ListWarehouseEventsQuery = z.object({
  ...ListQuery,
  warehouse_id: z.string().max(64).optional(),
  worker: z.string().max(100).optional(),
  shipment_id: z.string().max(64).optional(),
  kind: csv(WAREHOUSE_EVENT_KINDS).optional(),
});

export const FulfilmentExceptionIdParam = z.object({
  id: z
    .string()
    .regex(idPattern("exc"), "must be a fulfilment exception id")
    .openapi({ param: { name: "id", in: "path" }, example: "exc_01KB2R8W3D4C9QJ6H7ZNEXAMPLE" }),
});

export const FulfilmentException = z
  .object({
    id: z.string(),
    kind: z.enum(FULFILMENT_EXCEPTION_KINDS).openapi({ description: "short_pick: units not found in the bin; dispatch_rejected: a 3PL refused the shipment" }),
    status: z.enum(["open", "resolved"]),
    shipment_id: z.string(),
    order_id: z.string(),
    store_id: z.string(),
    warehouse_id: z.string(),
    item_id: z.string().nullable(),
    quantity: z.number().int().openapi({ description: "Units short (short_pick)" }),
    note: z.string().nullable().openapi({ description: "What happened: the 3PL's reason, or what was not found" }),
    resolution: z.string().nullable().openapi({ description: "`rerouted`, `dismissed`, or `shipped short` (packing resolved it)" }),
    resolution_note: z.string().nullable(),
    rerouted_to: z.array(z.string()).nullable().openapi({ description: "The shipments born for the re-routed goods" }),
    created_by: z.string(),
    created_at: Rfc3339,
    resolved_by: z.string().nullable(),
    resolved_at: Rfc3339.nullable(),
  })
  .openapi("FulfilmentException");

export const ListFulfilmentExceptionsQuery = z.object({
  ...ListQuery,
  status: z.enum(["open", "resolved"]).optional(),
  kind: csv(FULFILMENT_EXCEPTION_KINDS).optional().openapi({ description: "One kind, or several comma-separated" }),
  warehouse_id: z.string().max(64).optional(),
  store_id: z.string().max(64).optional(),
  order_id: z.string().max(64).optional().openapi({ description: "Exceptions on shipments holding this order's goods" }),
});

export const ResolveFulfilmentExceptionBody = z
  .object({
    action: z.enum(["reroute", "dismiss"]).openapi({
      description: "reroute: ship the rejected goods from other warehouses, by the store's routing policy (dispatch_rejected only); dismiss: close it, saying why",
    }),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .refine((b) => b.action !== "dismiss" || b.note !== undefined, { message: "is required to dismiss an exception: say why", path: ["note"] })
  .openapi("ResolveFulfilmentException");

/** A 3PL's event about one of our dispatches (POST /webhooks/3pl/{warehouseId}). */
const ShipmentRef = z.string().regex(idPattern("shp"), "must be a shipment id");
export const ThirdPartyEvent = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("dispatch.accepted"), data: z.object({ shipment_id: ShipmentRef }) }),
    z.object({ type: z.literal("dispatch.rejected"), data: z.object({ shipment_id: ShipmentRef, reason: z.string().trim().min(1).max(500) }) }),
    z.object({
      type: z.literal("shipment.shipped"),
      data: z.object({
        shipment_id: ShipmentRef,
        packages: z
          .array(
            z.object({
              tracking_number: z.string().trim().min(1).max(100),
              carrier: z.string().trim().min(1).max(64),
              weight_grams: z.number().int().min(1).max(1_000_000).optional(),
            }),
          )
          .min(1)
          .max(50),
      }),
    }),
  ])
  .openapi("ThirdPartyEvent");
export type ThirdPartyEventInput = z.infer<typeof ThirdPartyEvent>;
export const ThirdPartyWebhookParams = z.object({ warehouseId: z.string().openapi({ param: { name: "warehouseId", in: "path" }, example: "wh_01KB2R8W3D4C9QJ6H7ZNEXAMPLE" }) });
export const ThirdPartyWebhookHeaders = z.object({
  "webhook-id": z.string().max(200).openapi({ description: "The event's id: the dedupe key" }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds when it was signed" }),
});
export const ThirdPartyWebhookReceipt = z
  .object({ status: z.enum(["processed", "duplicate"]), shipment_id: z.string(), order_shipped: z.boolean() })
  .openapi("ThirdPartyWebhookReceipt");

export const WaveList = z.object({ data: z.array(Wave) }).openapi("WaveList");
/** The same shape as WaveList, left inline in the document (the 200 of POST /v1/waves). */
export const NoWavesReleased = z.object({ data: z.array(Wave) });
export const TaskIfMatch = z.object({ "if-match": z.string().optional() });
