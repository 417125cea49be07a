/** The logistics API's shapes: carrier config, carrier choice, labels, tracking, exceptions. */
import { z } from "@hono/zod-openapi";
import { LOGISTICS_EXCEPTION_KINDS, SHIPMENT_STATUSES, TRACKING_OUTCOMES, TRACKING_STATUSES } from "../db/schema";
import { csv, ListQuery, Rfc3339 } from "../http/route";
import { isCountry } from "../lib/countries";
import { LogisticsConfigSchema } from "./carrier-config";
import { MANUAL_PARTNER } from "./tracking-status";
import { idPattern } from "../lib/ids";

export { ShipmentIdParam, StoreIdParam } from "../fulfilment/schemas";

export const StoredLogisticsConfig = z
  .object({
    store_id: z.string(),
    is_default: z.boolean().openapi({ description: "True while the store has no config of its own (the sandbox carrier)" }),
    updated_at: Rfc3339.nullable(),
    config: LogisticsConfigSchema,
  })
  .openapi("StoredLogisticsConfig");

const Verdict = z.object({
  carrier: z.string(),
  service: z.string(),
  name: z.string(),
  eligible: z.boolean(),
  zone: z.string().nullable(),
  price: z.string().nullable().openapi({ description: "For all packages, in the store's currency; null when not eligible" }),
  transit_days: z.object({ min: z.number().int(), max: z.number().int() }),
  chosen: z.boolean(),
  reasons: z.array(z.string()),
});
export const ChoiceExplanationSchema = z
  .object({ strategy: z.string(), rule: z.string().nullable(), summary: z.string(), currency: z.string(), services: z.array(Verdict) })
  .openapi("CarrierChoiceExplanation");

const Code = z.string().trim().min(1).max(40);
const PackageIn = z.object({
  weight_grams: z.number().int().min(1).max(1_000_000),
  length_mm: z.number().int().min(1).max(10_000),
  width_mm: z.number().int().min(1).max(10_000),
  height_mm: z.number().int().min(1).max(10_000),
});

export const CarrierChoiceDryRun = z
  .object({
    shipment_id: z.string().regex(idPattern("shp"), "must be a shipment id").optional().openapi({ description: "Choose for this packed shipment" }),
    store_id: z.string().min(1).max(64).optional(),
    destination: z
      .object({ country: z.string().refine(isCountry, { message: "must be an ISO 3166-1 alpha-2 country code" }), region: z.string().trim().min(1).max(100).nullish() })
      .optional(),
    packages: z.array(PackageIn).min(1).max(50).optional(),
    skus: z.array(z.string().trim().min(1).max(64)).max(250).default([]),
    preferred_carrier: Code.nullish(),
    carrier: Code.optional().openapi({ description: "Check this carrier and service instead of choosing (both or neither)" }),
    service: Code.optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.carrier === undefined) !== (b.service === undefined))
      ctx.addIssue({ code: "custom", path: [b.carrier === undefined ? "carrier" : "service"], message: "give carrier and service together" });
    if (b.shipment_id !== undefined) {
      for (const f of ["store_id", "destination", "packages"] as const)
        if (b[f] !== undefined) ctx.addIssue({ code: "custom", path: [f], message: "give either shipment_id, or store_id, destination and packages" });
      return;
    }
    for (const f of ["store_id", "destination", "packages"] as const)
      if (b[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: "is required without shipment_id" });
  })
  .openapi("CarrierChoiceDryRun");

export const CarrierChoiceResult = z
  .object({
    ok: z.boolean(),
    carrier: z.string().nullable(),
    service: z.string().nullable(),
    zone: z.string().nullable(),
    price: z.string().nullable(),
    transit_days: z.object({ min: z.number().int(), max: z.number().int() }).nullable(),
    reason: z.string().nullable(),
    message: z.string().nullable(),
    explanation: ChoiceExplanationSchema,
  })
  .openapi("CarrierChoice");

export const LabelBody = z
  .object({
    carrier: Code.optional().openapi({ description: "Use this carrier and service (both or neither); otherwise the store's policy chooses" }),
    service: Code.optional(),
    include_pdf: z
      .boolean()
      .optional()
      .openapi({ description: "Answer with the printable PDF too (`label_pdf`, base64): a packing station buys and prints in one request instead of two" }),
  })
  .refine((b) => (b.carrier === undefined) === (b.service === undefined), { message: "give carrier and service together", path: ["service"] })
  .openapi("CreateLabel");

export const Label = z
  .object({
    shipment_id: z.string(),
    order_id: z.string(),
    carrier: z.string(),
    service: z.string(),
    adapter: z.string(),
    tracking_number: z.string(),
    tracking_url: z.string().nullable(),
    rate: z.string(),
    currency: z.string(),
    packages: z.number().int(),
    label_url: z.string().openapi({ description: "GET it for the printable 4x6 PDF" }),
    label_pdf: z.string().optional().openapi({ description: "The same PDF, base64: only in the answer of a purchase that asked for it (`include_pdf`)" }),
    labelled_by: z.string(),
    labelled_at: Rfc3339,
    handed_over_at: Rfc3339.nullable(),
    explanation: z.unknown().openapi({ description: "Why this carrier and service (the policy's explanation at labelling time)" }),
  })
  .openapi("Label");

export const Handover = z
  .object({
    shipment_id: z.string(),
    status: z.literal("shipped"),
    handed_over_at: Rfc3339,
    orders_shipped: z.array(z.string()).openapi({ description: "Orders whose last parcel this was: now shipped" }),
  })
  .openapi("Handover");

export const TrackingEvent = z
  .object({
    id: z.string(),
    partner: z.string(),
    event_id: z.string(),
    tracking_number: z.string(),
    carrier: z.string().nullable(),
    status: z.enum(TRACKING_STATUSES),
    partner_status: z.string(),
    message: z.string().nullable(),
    location: z.string().nullable(),
    occurred_at: Rfc3339,
    received_at: Rfc3339,
    shipment_id: z.string().nullable(),
    outcome: z.enum(TRACKING_OUTCOMES).nullable().openapi({ description: "applied, kept (timeline only) or unmatched; null while queued" }),
  })
  .openapi("TrackingEvent");

export const LogisticsException = z
  .object({
    id: z.string(),
    shipment_id: z.string(),
    order_id: z.string(),
    store_id: z.string(),
    kind: z.enum(LOGISTICS_EXCEPTION_KINDS),
    detail: z.string().nullable(),
    tracking_event_id: z.string().nullable(),
    status: z.enum(["open", "resolved"]),
    created_at: Rfc3339,
    resolved_by: z.string().nullable(),
    resolved_at: Rfc3339.nullable(),
    resolution: z.string().nullable(),
  })
  .openapi("LogisticsException");

export const ShipmentTracking = z
  .object({
    shipment_id: z.string(),
    order_id: z.string(),
    store_id: z.string(),
    shipment_status: z.enum(SHIPMENT_STATUSES),
    label: Label.nullable(),
    tracking_status: z.enum(TRACKING_STATUSES).nullable(),
    tracking_status_at: Rfc3339.nullable(),
    last_update_at: Rfc3339.nullable(),
    delivered_at: Rfc3339.nullable(),
    timeline: z.array(TrackingEvent).openapi({ description: "Every event about the parcel, by when it happened (late ones included)" }),
    open_exceptions: z.array(LogisticsException),
  })
  .openapi("ShipmentTracking");

export const ListTrackingEventsQuery = z.object({
  ...ListQuery,
  outcome: z.enum(["applied", "kept", "unmatched", "pending"]).optional().openapi({ description: "pending: stored, not yet processed" }),
  partner: z
    .enum(["easypost", "aftership", "shippo", MANUAL_PARTNER])
    .optional()
    .openapi({ description: "manual: recorded by a person (POST /v1/shipments/{id}/tracking-events)" }),
  tracking_number: z.string().max(100).optional(),
});

export const ListExceptionsQuery = z.object({
  ...ListQuery,
  status: z.enum(["open", "resolved"]).optional(),
  kind: csv(LOGISTICS_EXCEPTION_KINDS).optional().openapi({ description: "One kind, or several comma-separated" }),
  store_id: z.string().max(64).optional(),
  order_id: z.string().max(64).optional(),
  shipment_id: z.string().max(64).optional(),
});

export const ExceptionIdParam = z.object({
  id: z
    .string()
    .regex(idPattern("lex"), "must be a logistics exception id")
    .openapi({ param: { name: "id", in: "path" } }),
});

export const ResolveBody = z.object({ resolution: z.string().trim().min(1).max(2000) }).openapi("ResolveLogisticsException");

/** How far ahead of our clock a recorded `occurred_at` may be (a phone's or a scanner's clock runs a little fast). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** What a person records when a carrier has no webhook (or confirmed a delivery by phone). */
export const RecordTrackingEventBody = z
  .object({
    status: z.enum(TRACKING_STATUSES).exclude(["pre_transit"]).openapi({ description: "What happened to the parcel, in our tracking vocabulary" }),
    occurred_at: z.iso
      .datetime({ offset: true })
      .refine((s) => Date.parse(s) <= Date.now() + CLOCK_SKEW_MS, { message: "must not be in the future" })
      .optional()
      .openapi({ description: "When it happened (RFC 3339); now if not given. A time older than the parcel's current status is kept in the timeline, not applied." }),
    message: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: "What the carrier or the customer said; for staff, in the timeline. The customer is told what happened in their own language, not this text" }),
    location: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .openapi("RecordTrackingEvent");

export const RecordedTrackingEvent = z
  .object({
    event: TrackingEvent,
    duplicate: z.boolean().openapi({ description: "True when this request repeated an event already recorded (nothing was applied twice)" }),
    outcome: z.enum(["applied", "kept"]),
    reason: z.string().nullable().openapi({
      description: "Why a kept event did not move the parcel: late, regression, unchanged, after_terminal, conflicting_terminal (raises an exception), or already_recorded",
    }),
    shipment_status: z.enum(SHIPMENT_STATUSES),
    tracking_status: z.enum(TRACKING_STATUSES).nullable(),
    orders: z
      .array(z.object({ id: z.string(), status: z.string() }))
      .openapi({ description: "The orders with goods in the parcel, as they are now (delivered with their last parcel)" }),
  })
  .openapi("RecordedTrackingEvent");

export const LabelPdf = z.string().openapi({ format: "binary" });
export const VoidedLabel = z.object({ shipment_id: z.string(), status: z.literal("packed"), voided_tracking_number: z.string() }).openapi("VoidedLabel");
export const HandoverBody = z.object({}).strict().openapi("HandoverBody");
export const OrderTracking = z.object({ order_id: z.string(), shipments: z.array(ShipmentTracking) }).openapi("OrderTracking");

/** A carrier HTTP API's answer to POST {endpoint}/shipments (see ./carriers/http-carrier.ts). */
export const CarrierCreatedShipment = z.object({
  id: z.string().min(1).max(200),
  tracking_number: z.string().trim().min(1).max(100),
  tracking_url: z.url().max(500).nullish(),
  label: z.object({ content_type: z.literal("application/pdf"), data: z.string().min(1) }),
});
