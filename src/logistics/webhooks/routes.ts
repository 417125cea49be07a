/**
 * POST /webhooks/tracking/:partner: carriers' tracking partners tell us
 * where parcels are. Not under /v1 (no API key): each request is
 * authenticated by the partner's own signature over the raw body bytes,
 * verified before the body is even parsed. Once the event is stored the
 * partner gets its 2xx at once; applying it to the shipment continues from
 * the logistics queue, so a partner never retries because we were slow.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { ApiError, validationFailed } from "../../http/problem";
import { sendOutbox } from "../../outbox/send";
import { ingestTrackingEvent } from "../ingest-tracking-event";
import { TRACKING_PARTNERS } from "./partners";

/** AfterShip bodies carry every checkpoint; a long journey stays far below this. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export const trackingWebhookRoutes = new Hono<AppEnv>();

const tooLarge = () => new ApiError(413, "payload_too_large", "Payload too large", `Bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`);

trackingWebhookRoutes.post("/webhooks/tracking/:partner", async function receiveTrackingWebhook(c) {
  // A Map, not an object: "constructor" or "__proto__" in the URL must be an unknown partner, not Object's own.
  const partner = TRACKING_PARTNERS.get(c.req.param("partner"));
  if (!partner) throw new ApiError(404, "not_found", "Not found", `No tracking partner "${c.req.param("partner")}"`);
  if (Number(c.req.header("content-length") ?? "0") > MAX_WEBHOOK_BYTES) throw tooLarge();
  const body = new Uint8Array(await c.req.arrayBuffer());
  if (body.byteLength > MAX_WEBHOOK_BYTES) throw tooLarge();

  const now = Date.now();
  const verified = await partner.verify({ body, headers: c.req.raw.headers, url: new URL(c.req.url) }, c.env, now);
  if (!verified.ok) {
    if (verified.code === "not_configured") {
      console.error(`tracking webhook from ${partner.name} refused: ${verified.detail}`);
      throw new ApiError(503, "webhook_not_configured", "Webhook not configured", `This endpoint has no ${partner.name} secret yet`, {}, { "retry-after": "3600" });
    }
    throw new ApiError(401, "invalid_signature", "Invalid signature", verified.detail);
  }

  let text: string;
  let json: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "Malformed JSON", "The body is not valid UTF-8 JSON");
  }
  const parsed = partner.parse(json, now);
  if (parsed.kind === "invalid") throw validationFailed(parsed.errors);
  if (parsed.kind === "ignored") return c.json({ received: true, ignored: parsed.reason }, 200);

  const stored = await ingestTrackingEvent(c.env, partner.name, parsed.update, text, now);
  if (stored.duplicate) return c.json({ received: true, duplicate: true }, 200);
  // Best effort: if this send is lost, the outbox sweep sends the row later.
  c.executionCtx.waitUntil(sendOutbox(c.env, [stored.outbox]).catch((err) => console.warn("tracking event send failed; the sweep resends it", err)));
  return c.json({ received: true, duplicate: false, id: stored.id }, 200);
});

trackingWebhookRoutes.on(["GET", "PUT", "PATCH", "DELETE"], "/webhooks/tracking/:partner", () => {
  throw new ApiError(405, "method_not_allowed", "Method not allowed", "Use POST", {}, { allow: "POST" });
});
