/** Rows to API bodies: times as RFC 3339, money as decimal strings in the row's currency. */
import type { logisticsExceptions, trackingEvents } from "../db/schema";
import { fromMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import type { ChoiceExplanation } from "./carrier-policy";
import type { TrackingRow } from "./create-label";

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function explanationBody(e: ChoiceExplanation, currency: string) {
  return { ...e, currency, services: e.services.map((s) => ({ ...s, price: s.price === null ? null : fromMinor(s.price, currency) })) };
}

export function labelBody(t: TrackingRow) {
  return {
    shipment_id: t.shipmentId,
    order_id: t.orderId,
    carrier: t.carrier,
    service: t.service,
    adapter: t.adapter,
    tracking_number: t.trackingNumber,
    tracking_url: t.trackingUrl,
    rate: fromMinor(t.rateAmount, t.currency),
    currency: t.currency,
    packages: t.packageCount,
    label_url: `/v1/shipments/${t.shipmentId}/label.pdf`,
    labelled_by: t.labelledBy,
    labelled_at: iso(t.labelledAt),
    handed_over_at: isoOrNull(t.handedOverAt),
    explanation:
      t.explanation && typeof t.explanation === "object" && "services" in t.explanation ? explanationBody(t.explanation as ChoiceExplanation, t.currency) : t.explanation,
  };
}

export function trackingEventBody(e: typeof trackingEvents.$inferSelect) {
  return {
    id: e.id,
    partner: e.partner,
    event_id: e.eventId,
    tracking_number: e.trackingNumber,
    carrier: e.carrier,
    status: e.status,
    partner_status: e.partnerStatus,
    message: e.message,
    location: e.location,
    occurred_at: iso(e.occurredAt),
    received_at: iso(e.receivedAt),
    shipment_id: e.shipmentId,
    outcome: e.outcome,
  };
}

export function exceptionBody(x: typeof logisticsExceptions.$inferSelect) {
  return {
    id: x.id,
    shipment_id: x.shipmentId,
    order_id: x.orderId,
    store_id: x.storeId,
    kind: x.kind,
    detail: x.detail,
    tracking_event_id: x.trackingEventId,
    status: x.status,
    created_at: iso(x.createdAt),
    resolved_by: x.resolvedBy,
    resolved_at: isoOrNull(x.resolvedAt),
    resolution: x.resolution,
  };
}
