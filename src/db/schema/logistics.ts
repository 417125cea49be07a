/** Logistics (stage 4, src/logistics): carriers as data, labels, tracking, exceptions. */
import { encryptedText } from "../encrypted";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { stores } from "./stores";

/** A store's carriers, services, rates and carrier-choice policy, as data (shape in src/logistics/carrier-config.ts). */
export const storeLogistics = sqliteTable("store_logistics", {
  storeId: text("store_id")
    .primaryKey()
    .references(() => stores.id),
  config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** The unified tracking vocabulary every partner's statuses are mapped onto (src/logistics/tracking-status.ts). */
export const TRACKING_STATUSES = [
  "pre_transit",
  "in_transit",
  "out_for_delivery",
  "available_for_pickup",
  "delivered",
  "failed_attempt",
  "exception",
  "returned_to_sender",
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/**
 * A shipment's label and tracking, one row from the moment it is labelled.
 * `status`/`status_at`/`peak_rank` only move forward (see advanceTracking);
 * every change bumps `version`, the guard of concurrent tracking updates.
 */
export const shipmentTracking = sqliteTable(
  "shipment_tracking",
  {
    shipmentId: text("shipment_id").primaryKey(),
    storeId: text("store_id").notNull(),
    orderId: text("order_id").notNull(),
    carrier: text("carrier").notNull(),
    service: text("service").notNull(),
    /** Which adapter issued the label: sandbox or http. */
    adapter: text("adapter").notNull(),
    /** The carrier's own id of the shipment (to fetch or cancel the label). */
    carrierRef: text("carrier_ref").notNull(),
    trackingNumber: text("tracking_number").notNull(),
    trackingUrl: text("tracking_url"),
    rateAmount: integer("rate_amount").notNull(),
    currency: text("currency").notNull(),
    packageCount: integer("package_count").notNull(),
    explanation: text("explanation", { mode: "json" }).$type<unknown>().notNull(),
    status: text("status", { enum: TRACKING_STATUSES }),
    /** When the partner says the current status happened (not when we heard it). */
    statusAt: integer("status_at"),
    /** Highest progress rank reached (pre_transit 1 ... out_for_delivery/available_for_pickup 3, terminal 9). */
    peakRank: integer("peak_rank").notNull().default(0),
    /** When we last heard anything about it (label, handover or a tracking event): the staleness clock. */
    lastUpdateAt: integer("last_update_at").notNull(),
    version: integer("version").notNull().default(1),
    /** The tracking event (or handover) that made the latest change: how a batch's later statements know the guarded update won. */
    lastEventId: text("last_event_id"),
    labelledBy: text("labelled_by").notNull(),
    labelledAt: integer("labelled_at").notNull(),
    handedOverBy: text("handed_over_by"),
    handedOverAt: integer("handed_over_at"),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    index("shipment_tracking_number_idx").on(t.trackingNumber),
    index("shipment_tracking_status_idx").on(t.status, t.lastUpdateAt),
    // Analytics: the change scan reads what changed, the carrier fold what was handed over or delivered in a range of time.
    index("shipment_tracking_updated_idx").on(t.lastUpdateAt),
    index("shipment_tracking_handed_over_idx").on(t.handedOverAt),
    index("shipment_tracking_delivered_idx").on(t.deliveredAt),
  ],
);

/** The printable label (a PDF, base64), apart from the tracking row that every webhook reads. It prints the ship-to, so it is sealed at rest. */
export const shipmentLabels = sqliteTable("shipment_labels", {
  shipmentId: text("shipment_id").primaryKey(),
  contentType: text("content_type").notNull(),
  data: encryptedText("data").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const TRACKING_OUTCOMES = ["applied", "kept", "unmatched"] as const;

/**
 * Every tracking webhook we accepted, raw body included, unique per
 * (partner, event id): a redelivery is a no-op. The mapped fields are filled
 * at ingest; `shipment_id`, `outcome` and `processed_at` by the queue
 * consumer. Rows with a shipment are that shipment's timeline (by `occurred_at`).
 */
export const trackingEvents = sqliteTable(
  "tracking_events",
  {
    id: text("id").primaryKey(),
    partner: text("partner").notNull(),
    eventId: text("event_id").notNull(),
    trackingNumber: text("tracking_number").notNull(),
    carrier: text("carrier"),
    partnerStatus: text("partner_status").notNull(),
    status: text("status", { enum: TRACKING_STATUSES }).notNull(),
    message: text("message"),
    location: text("location"),
    occurredAt: integer("occurred_at").notNull(),
    receivedAt: integer("received_at").notNull(),
    /** The partner's raw body, sealed at rest: some partners send the recipient's name, email and phone. */
    body: encryptedText("body").notNull(),
    shipmentId: text("shipment_id"),
    /** applied: moved the shipment; kept: in the timeline only (late, out of order or after a terminal state); unmatched: no shipment has this number. */
    outcome: text("outcome", { enum: TRACKING_OUTCOMES }),
    processedAt: integer("processed_at"),
  },
  (t) => [
    uniqueIndex("tracking_events_partner_event_uq").on(t.partner, t.eventId),
    index("tracking_events_number_idx").on(t.trackingNumber),
    index("tracking_events_shipment_idx").on(t.shipmentId, t.occurredAt),
    index("tracking_events_outcome_idx").on(t.outcome, t.id),
  ],
);

/** What a carrier's tracking or silence raises: counted per carrier by the analytics. */
export const CARRIER_EXCEPTION_KINDS = ["failed_attempt", "exception", "returned_to_sender", "stale_tracking", "conflicting_status"] as const;
/** `recall`: a parcel left although its order was cancelled or it was intercepted; someone must get it back. */
export const LOGISTICS_EXCEPTION_KINDS = [...CARRIER_EXCEPTION_KINDS, "recall"] as const;

/**
 * Delivery problems for the logistics team: raised by tracking events and by
 * the staleness cron, resolved by a person. `open_key` is
 * "<shipment>:<kind>" while open and null once resolved: its unique index
 * keeps one open exception per shipment and kind however often it is raised.
 */
export const logisticsExceptions = sqliteTable(
  "logistics_exceptions",
  {
    id: text("id").primaryKey(),
    shipmentId: text("shipment_id").notNull(),
    orderId: text("order_id").notNull(),
    storeId: text("store_id").notNull(),
    kind: text("kind", { enum: LOGISTICS_EXCEPTION_KINDS }).notNull(),
    detail: text("detail"),
    trackingEventId: text("tracking_event_id"),
    status: text("status", { enum: ["open", "resolved"] }).notNull(),
    openKey: text("open_key"),
    createdAt: integer("created_at").notNull(),
    resolvedBy: text("resolved_by"),
    resolvedAt: integer("resolved_at"),
    resolution: text("resolution"),
  },
  (t) => [
    uniqueIndex("logistics_exceptions_open_uq").on(t.openKey),
    index("logistics_exceptions_status_idx").on(t.status, t.id),
    index("logistics_exceptions_order_idx").on(t.orderId),
    // Analytics folds and scans exceptions by the time they were raised.
    index("logistics_exceptions_created_idx").on(t.createdAt),
  ],
);
