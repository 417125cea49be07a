/**
 * A carrier's HTTP API, configured by endpoint and key (the key is a Worker
 * secret named in the store's config, never stored in D1). The wire contract:
 *   POST {endpoint}/shipments        -> 200/201 {id, tracking_number, tracking_url?, label: {content_type: "application/pdf", data: base64}}
 *   GET  {endpoint}/shipments/{id}/label  -> the PDF
 *   POST {endpoint}/shipments/{id}/cancel -> 2xx
 * with `Authorization: Bearer <key>` and our shipment id as `Idempotency-Key`
 * on creation. 4xx answers are the carrier refusing; 5xx, timeouts and network
 * errors are the carrier being unavailable (worth a retry). `fetch` is
 * injectable so the adapter is tested without a network.
 */
import { CarrierCreatedShipment } from "../schemas";
import { fromBase64 } from "../webhooks/signatures";
import { trackingUrlFrom, type AdapterResult, type CarrierAdapter } from "./carrier-adapter";

export const TIMEOUT_MS = 10_000;

export type HttpCarrierConfig = { endpoint: string; key: string | undefined; trackingUrlTemplate?: string | undefined; fetch?: typeof fetch };

export function httpCarrier(cfg: HttpCarrierConfig): CarrierAdapter {
  const base = cfg.endpoint.replace(/\/+$/, "");
  const doFetch = cfg.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call(path: string, init: RequestInit): Promise<AdapterResult<Response>> {
    if (!cfg.key) return { ok: false, code: "carrier_unavailable", message: "the carrier's API key secret is not set" };
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${cfg.key}`, accept: "application/json, application/pdf", ...(init.headers as Record<string, string>) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      return { ok: false, code: "carrier_unavailable", message: `the carrier could not be reached: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (res.ok) return { ok: true, value: res };
    const detail = (await res.text().catch(() => "")).slice(0, 300);
    return {
      ok: false,
      code: res.status >= 500 || res.status === 429 ? "carrier_unavailable" : "carrier_refused",
      message: `the carrier answered ${res.status}${detail ? `: ${detail}` : ""}`,
    };
  }

  return {
    kind: "http",
    async createShipment(req) {
      const r = await call("/shipments", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": req.shipmentId },
        body: JSON.stringify({ reference: req.reference, service: req.service.code, from: req.from, to: req.to, packages: req.packages }),
      });
      if (!r.ok) return r;
      const body = CarrierCreatedShipment.safeParse(await r.value.json().catch(() => null));
      const pdf = body.success ? fromBase64(body.data.label.data) : null;
      if (!body.success || !pdf || pdf.length < 5 || new TextDecoder().decode(pdf.subarray(0, 5)) !== "%PDF-") {
        return { ok: false, code: "carrier_refused", message: "the carrier's answer is not a shipment with a PDF label" };
      }
      const d = body.data;
      return {
        ok: true,
        value: { carrierRef: d.id, trackingNumber: d.tracking_number, trackingUrl: d.tracking_url ?? trackingUrlFrom(cfg.trackingUrlTemplate, d.tracking_number), label: pdf },
      };
    },
    async getLabel(ref) {
      const r = await call(`/shipments/${encodeURIComponent(ref)}/label`, { method: "GET" });
      if (!r.ok) return r;
      return { ok: true, value: new Uint8Array(await r.value.arrayBuffer()) };
    },
    async cancel(ref) {
      const r = await call(`/shipments/${encodeURIComponent(ref)}/cancel`, { method: "POST" });
      return r.ok ? { ok: true, value: null } : r;
    },
    trackingUrl: (n) => trackingUrlFrom(cfg.trackingUrlTemplate, n),
  };
}
