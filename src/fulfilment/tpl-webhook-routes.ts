/**
 * POST /webhooks/3pl/:warehouseId — a third-party warehouse's answers to our
 * dispatches. Not a bearer-key route: each request is signed per Standard
 * Webhooks with the warehouse's own secret (raw body HMAC, constant-time
 * compare, 5-minute timestamp tolerance) and deduplicated by `webhook-id`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { warehouses } from "../db/schema";
import type { AppEnv } from "../env";
import { assertWellFormedText, decodeUtf8, MAX_BODY_BYTES, readBodyLimited } from "../http/body";
import { ApiError, fieldErrors, notFound, validationFailed } from "../http/problem";
import { webhookProblems } from "../http/route";
import { verify } from "../lib/standard-webhooks";
import { receive3plEvent } from "./receive-3pl-event";
import { ThirdPartyEvent, ThirdPartyWebhookHeaders, ThirdPartyWebhookParams, ThirdPartyWebhookReceipt } from "./schemas";
import { settleOrder } from "../logistics/settle-order";
import { sendOutboxSoon } from "../outbox/send";

export const thirdPartyWebhookRoutes = new OpenAPIHono<AppEnv>();

thirdPartyWebhookRoutes.openAPIRegistry.registerComponent("securitySchemes", "standardWebhooks", {
  type: "apiKey",
  in: "header",
  name: "webhook-signature",
  description:
    "Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `webhook-id.webhook-timestamp.body`, keyed with the warehouse's `whsec_` secret (shown once when the 3PL warehouse is created). `webhook-timestamp` must be within 5 minutes.",
});

// Documented here, verified in the handler: the signature covers the raw body.
thirdPartyWebhookRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/webhooks/3pl/{warehouseId}",
  tags: ["Webhooks"],
  summary: "Receive a third-party warehouse's answer to a dispatch",
  description:
    "A 3PL accepts or rejects a dispatched shipment, then reports it shipped with its parcels' tracking numbers. When every shipment of the order has shipped, the order is `shipped`. A redelivery (same `webhook-id`) answers `duplicate` and changes nothing; an event that does not fit the shipment's state is a 409.",
  security: [{ standardWebhooks: [] }],
  request: {
    params: ThirdPartyWebhookParams,
    headers: ThirdPartyWebhookHeaders,
    body: { required: true, content: { "application/json": { schema: ThirdPartyEvent } } },
  },
  responses: {
    200: {
      description: "Processed, or a duplicate",
      content: {
        "application/json": {
          schema: ThirdPartyWebhookReceipt,
        },
      },
    },
    ...webhookProblems(400, 401, 404, 409, 413, 422),
  },
});

const unauthorized = (detail: string) => new ApiError(401, "invalid_signature", "Invalid signature", detail);

thirdPartyWebhookRoutes.post("/webhooks/3pl/:warehouseId", async function thirdPartyWebhook(c) {
  const warehouseId = c.req.param("warehouseId");
  if (!/^wh_[0-9A-Za-z_]{1,60}$/.test(warehouseId)) throw notFound("warehouse");
  const raw = decodeUtf8(await readBodyLimited(c.req.raw, MAX_BODY_BYTES));
  if (raw === null) throw new ApiError(400, "malformed_json", "Malformed JSON", "The body is not valid UTF-8");
  const wh = await database(c.env).select().from(warehouses).where(eq(warehouses.id, warehouseId)).get();
  if (!wh || wh.kind !== "third_party" || !wh.webhookSecret) throw notFound("warehouse");

  const eventId = c.req.header("webhook-id");
  const verdict = await verify(wh.webhookSecret, { id: eventId, timestamp: c.req.header("webhook-timestamp"), signature: c.req.header("webhook-signature") }, raw);
  if (!verdict.ok) {
    throw unauthorized(
      verdict.reason === "missing_headers"
        ? "Send webhook-id, webhook-timestamp and webhook-signature"
        : verdict.reason === "stale_timestamp"
          ? "webhook-timestamp is more than 5 minutes from now"
          : "webhook-signature does not match the body",
    );
  }
  if (eventId!.length > 200) throw validationFailed([{ field: "webhook-id", message: "is longer than 200 characters" }], 400);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ApiError(400, "malformed_json", "Malformed JSON", "The body is not valid JSON");
  }
  assertWellFormedText(json);
  const parsed = ThirdPartyEvent.safeParse(json);
  if (!parsed.success) throw validationFailed(fieldErrors(parsed.error));

  const actor = `3pl:${wh.id}`;
  const r = await receive3plEvent(c.env, parsed.data, { warehouseId: wh.id, eventId: eventId!, actor });
  if (!r.ok) throw r.code === "unknown_shipment" ? new ApiError(404, r.code, "Unknown shipment", r.message) : new ApiError(409, r.code, "Out of order", r.message);
  if (r.outbox) c.executionCtx.waitUntil(sendOutboxSoon(c.env, r.outbox).catch((err) => console.warn("3pl event's outbox send failed; the sweep resends it", err)));
  const shipped = r.shipOrder ? (await settleOrder(c.env, r.shipOrder, actor)).shipped : false;
  return c.json({ status: r.duplicate ? "duplicate" : "processed", shipment_id: r.shipmentId, order_shipped: shipped }, 200);
});
