/**
 * The one interface every carrier integration implements. Expected failures
 * (the carrier refused, or could not be reached) are returned, never thrown.
 */
import type { LabelAddress } from "../label-pdf";

export type LabelRequest = {
  /** Our shipment id: the idempotency key of the carrier call (a retry never buys two labels). */
  shipmentId: string;
  reference: string;
  service: { code: string; name: string };
  from: LabelAddress;
  to: LabelAddress;
  packages: { weight_grams: number; length_mm: number; width_mm: number; height_mm: number }[];
};

export type CreatedShipment = { carrierRef: string; trackingNumber: string; trackingUrl: string | null; label: Uint8Array };

export type AdapterResult<T> = { ok: true; value: T } | { ok: false; code: "carrier_unavailable" | "carrier_refused" | "not_available"; message: string };

export interface CarrierAdapter {
  readonly kind: "sandbox" | "http";
  createShipment(req: LabelRequest): Promise<AdapterResult<CreatedShipment>>;
  getLabel(carrierRef: string): Promise<AdapterResult<Uint8Array>>;
  cancel(carrierRef: string): Promise<AdapterResult<null>>;
  trackingUrl(trackingNumber: string): string | null;
}

export const trackingUrlFrom = (template: string | undefined, trackingNumber: string) =>
  template ? template.replace("{tracking_number}", encodeURIComponent(trackingNumber)) : null;
