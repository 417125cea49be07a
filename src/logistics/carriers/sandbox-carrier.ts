/**
 * The sandbox carrier: works offline, issues S10 tracking numbers with a
 * valid check digit and a real printable 4x6 PDF label with a scannable Code
 * 128 barcode, marked "not for mailing". It keeps nothing: the label lives in
 * our D1, so `getLabel` has nothing to add, and cancelling always works.
 */
import { trackingUrlFrom, type CarrierAdapter } from "./carrier-adapter";
import { newS10 } from "./tracking-number";

export function sandboxCarrier(carrier: { name: string; tracking_url?: string | undefined }, now: () => number = Date.now): CarrierAdapter {
  return {
    kind: "sandbox",
    async createShipment(req) {
      const trackingNumber = newS10();
      const label = await (await import("../label-pdf")).labelPdf({
        carrierName: carrier.name,
        serviceName: req.service.name,
        trackingNumber,
        from: req.from,
        to: req.to,
        packages: req.packages,
        reference: req.reference,
        sandbox: true,
        createdAt: now(),
      });
      return { ok: true, value: { carrierRef: `sbx_${trackingNumber}`, trackingNumber, trackingUrl: trackingUrlFrom(carrier.tracking_url, trackingNumber), label } };
    },
    async getLabel() {
      return { ok: false, code: "not_available", message: "the sandbox keeps no labels; ours is stored with the shipment" };
    },
    async cancel() {
      return { ok: true, value: null };
    },
    trackingUrl: (n) => trackingUrlFrom(carrier.tracking_url, n),
  };
}
