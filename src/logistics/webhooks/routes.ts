/**
 * POST /webhooks/tracking/:partner: carriers' tracking partners tell us
 * where parcels are. Not under /v1 (no API key): each request is
 * authenticated by the partner's own signature over the raw body bytes,
 * verified before the body is even parsed. Once the event is stored the
 * partner gets its 2xx at once; applying it to the shipment continues from
 * the logistics queue, so a partner never retries because we were slow.
 * The event is stored on the shard of the store whose label carries its
 * tracking number (src/logistics/tracking-route.ts).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { parseJsonBytes, readBodyLimited } from "../../http/body";
import { webhookProblems } from "../../http/route";
import { ApiError, validationFailed } from "../../http/problem";
import { sendOutboxSoon } from "../../outbox/send";
import { onlyOn } from "../../db/shard";
import { ingestTrackingEvent } from "../ingest-tracking-event";
import { trackingShard } from "../tracking-route";
import { maxEventAgeDays, staleEvent } from "./event-age";
import { TRACKING_PARTNERS } from "./partners";
import { TrackingWebhookBody, TrackingWebhookParams, TrackingWebhookReceipt } from "./schemas";

/** AfterShip bodies carry every checkpoint; a long journey stays far below this. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export const trackingWebhookRoutes = new OpenAPIHono<AppEnv>();

// Documented, not validated by the OpenAPI layer: the signature is over the
// raw bytes, so the handler reads them itself before anything parses the body.
for (const [name, scheme] of [
  [
    "easypostSignature",
    {
      name: "X-Hmac-Signature",
      description:
        "EasyPost: `hmac-sha256-hex=` + hex HMAC-SHA256 of the raw body, keyed with the webhook secret (NFKD-normalised). Secret: `EASYPOST_WEBHOOK_SECRET` (and `_PREVIOUS` while rotating).",
    },
  ],
  [
    "aftershipSignature",
    { name: "aftership-hmac-sha256", description: "AfterShip: base64 HMAC-SHA256 of the raw body with the webhook secret. Secret: `AFTERSHIP_WEBHOOK_SECRET` (and `_PREVIOUS`)." },
  ],
  [
    "shippoSignature",
    {
      name: "Shippo-Auth-Signature",
      description: 'Shippo, when provisioned: `t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`, at most 5 minutes old. Secret: `SHIPPO_WEBHOOK_SECRET`.',
    },
  ],
] as const) {
  trackingWebhookRoutes.openAPIRegistry.registerComponent("securitySchemes", name, { type: "apiKey", in: "header", ...scheme });
}
trackingWebhookRoutes.openAPIRegistry.registerComponent("securitySchemes", "shippoToken", {
  type: "apiKey",
  in: "query",
  name: "token",
  description: "Shippo's self-serve scheme: the secret token in the webhook URL. Secret: `SHIPPO_WEBHOOK_TOKEN`.",
});

trackingWebhookRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/webhooks/tracking/{partner}",
  tags: ["Webhooks"],
  summary: "Receive a tracking partner's webhook",
  description: [
    "For carriers' tracking partners, not API keys. Each partner signs with its own scheme (see the security schemes); a bad or missing signature is a 401, a partner without a configured secret a 503.",
    "Bodies are the partners' own documented formats: EasyPost `Event` with `description: tracker.updated`, AfterShip's tracking webhook (`event: tracking_update`), Shippo `track_updated`. Other event types are acknowledged and ignored.",
    "Statuses map onto one vocabulary (pre_transit, in_transit, out_for_delivery, available_for_pickup, delivered, failed_attempt, exception, returned_to_sender); an unknown status is an exception. A redelivered event (same partner event id) answers `duplicate: true` and changes nothing. An event that happened more than `TRACKING_EVENT_MAX_AGE_DAYS` (default 30) days ago is acknowledged with `ignored: event_too_old: ...` (a 200, so the partner stops retrying) and neither stored nor applied. Bodies are limited to 1 MiB, counted as they arrive (413). The reply comes as soon as the event is stored; applying it to the shipment continues from the queue.",
  ].join("\n\n"),
  security: [{ easypostSignature: [] }, { aftershipSignature: [] }, { shippoSignature: [] }, { shippoToken: [] }],
  request: {
    params: TrackingWebhookParams,
    body: {
      required: true,
      content: { "application/json": { schema: TrackingWebhookBody } },
    },
  },
  responses: {
    200: {
      description: "Stored (or a duplicate, or an event type we do not track)",
      content: {
        "application/json": {
          schema: TrackingWebhookReceipt,
        },
      },
    },
    ...webhookProblems(400, 401, 404, 405, 413, 422, 503),
  },
});

trackingWebhookRoutes.post("/webhooks/tracking/:partner", async function receiveTrackingWebhook(c) {
  // A Map, not an object: "constructor" or "__proto__" in the URL must be an unknown partner, not Object's own.
  const partner = TRACKING_PARTNERS.get(c.req.param("partner"));
  if (!partner) throw new ApiError(404, "not_found", "Not found", `No tracking partner "${c.req.param("partner")}"`);
  const body = await readBodyLimited(c.req.raw, MAX_WEBHOOK_BYTES);

  const now = Date.now();
  const verified = await partner.verify({ body, headers: c.req.raw.headers, url: new URL(c.req.url) }, c.env, now);
  if (!verified.ok) {
    if (verified.code === "not_configured") {
      console.error(`tracking webhook from ${partner.name} refused: ${verified.detail}`);
      throw new ApiError(503, "webhook_not_configured", "Webhook not configured", `This endpoint has no ${partner.name} secret yet`, {}, { "retry-after": "3600" });
    }
    throw new ApiError(401, "invalid_signature", "Invalid signature", verified.detail);
  }

  const { text, json } = parseJsonBytes(body);
  const parsed = partner.parse(json, now);
  if (parsed.kind === "invalid") throw validationFailed(parsed.errors);
  if (parsed.kind === "ignored") return c.json({ received: true, ignored: parsed.reason }, 200);
  const stale = staleEvent({ occurredAt: parsed.update.occurredAt, now, maxAgeDays: maxEventAgeDays(c.env.TRACKING_EVENT_MAX_AGE_DAYS) });
  if (stale) {
    console.warn(`tracking event ${parsed.update.eventId} from ${partner.name} not taken: ${stale}`);
    return c.json({ received: true, ignored: stale }, 200);
  }

  // Stored and applied on the shard of the store whose label carries the number (its route on the directory), shard 0 without one.
  const shard = await trackingShard(c.env, parsed.update.trackingNumber, parsed.update.carrier);
  const stored = await onlyOn(c.env, shard, (onIt) => ingestTrackingEvent(onIt, { partner: partner.name, update: parsed.update, rawBody: text, now }));
  if (stored.duplicate) return c.json({ received: true, duplicate: true }, 200);
  // Best effort: if this send is lost, the outbox sweep sends the row later.
  c.executionCtx.waitUntil(
    onlyOn(c.env, shard, (onIt) => sendOutboxSoon(onIt, [stored.outbox])).catch((err) => console.warn("tracking event send failed; the sweep resends it", err)),
  );
  return c.json({ received: true, duplicate: false, id: stored.id }, 200);
});

trackingWebhookRoutes.on(["GET", "PUT", "PATCH", "DELETE"], "/webhooks/tracking/:partner", () => {
  throw new ApiError(405, "method_not_allowed", "Method not allowed", "Use POST", {}, { allow: "POST" });
});
