/**
 * POST /webhooks/channels/:connectionId: a connected platform tells us an
 * order was created, changed, cancelled or refunded. Not under /v1 (no API
 * key): the platform's own signature over the raw bytes authenticates it,
 * checked against the connection's secrets before anything is stored. A
 * verified delivery is stored in the connection's inbox and answered at
 * once; taking the order in continues from the channels queue, so the
 * platform never retries because we were slow.
 *
 * Answers: 200 stored (or a retry of a stored delivery: `duplicate: true`);
 * 401 bad or missing signature, nothing stored; 404 no such connection
 * (the platform should stop: the address is wrong); 503 with Retry-After
 * for a paused connection or one without a webhook secret yet (the
 * platform keeps the delivery and retries).
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { readBodyLimited } from "../http/body";
import { ApiError } from "../http/problem";
import { webhookProblems } from "../http/route";
import { sha256Hex } from "../lib/ids";
import { sendOutboxSoon } from "../outbox/send";
import { loadConnection } from "./connections";
import { adapterFor } from "./platforms";
import { bodyText, receiveDelivery } from "./receive-delivery";
import { idPattern } from "../lib/ids";

/** A Shopify order with hundreds of lines stays far below this; the sealed body must fit one D1 row. */
export const MAX_CHANNEL_WEBHOOK_BYTES = 1024 * 1024;

const ID = idPattern("chn");

export const channelWebhookRoutes = new OpenAPIHono<AppEnv>();

channelWebhookRoutes.openAPIRegistry.registerComponent("securitySchemes", "shopifySignature", {
  type: "apiKey",
  in: "header",
  name: "X-Shopify-Hmac-Sha256",
  description: "Shopify: base64 HMAC-SHA256 of the raw body with the connection's webhook secret (the app's client secret).",
});

const Receipt = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().optional(),
    id: z.string().optional().openapi({ description: "The inbox entry" }),
    ignored: z.string().optional(),
  })
  .openapi("ChannelWebhookReceipt");

channelWebhookRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/webhooks/channels/{connectionId}",
  tags: ["Webhooks"],
  summary: "Receive a connected platform's webhook",
  description: [
    "The address each channel connection shows as `webhook_url`. Shopify: subscribe `orders/create`, `orders/updated`, `orders/cancelled` and `refunds/create` (JSON); other topics are acknowledged and kept in the inbox only.",
    "Verified with the platform's scheme over the raw bytes against the connection's webhook secret (and the previous one for 2 hours after a rotation); the shop named in the headers must be the connection's. Bad or missing signature: 401, nothing stored. Unknown connection: 404. Paused connection, or one without a secret yet: 503 with Retry-After (the platform retries). Bodies are limited to 1 MiB (413).",
    "A delivery is stored once per platform delivery id (a retry answers `duplicate: true`) and worked from a queue; `GET /v1/channel-connections/{id}/inbox` shows what it came to.",
  ].join("\n\n"),
  security: [{ shopifySignature: [] }],
  request: { params: z.object({ connectionId: z.string().openapi({ param: { name: "connectionId", in: "path" } }) }) },
  responses: {
    200: { description: "Stored, a retry of a stored delivery, or a topic we do not act on", content: { "application/json": { schema: Receipt } } },
    ...webhookProblems(401, 404, 405, 413, 503),
  },
});

channelWebhookRoutes.post("/webhooks/channels/:connectionId", async function receiveChannelWebhook(c) {
  const id = c.req.param("connectionId");
  const loaded = ID.test(id) ? await loadConnection(c.env, id) : null;
  if (!loaded) throw new ApiError(404, "not_found", "Not found", "No such channel connection");
  const { row, connection } = loaded;
  const adapter = adapterFor(connection.platform);
  if (row.status === "paused" || !adapter || connection.webhookSecrets.length === 0) {
    const why = row.status === "paused" ? "This connection is paused" : !adapter ? `${connection.platform} is not supported yet` : "This connection has no webhook secret yet";
    throw new ApiError(503, "channel_unavailable", "Channel not accepting webhooks", why, {}, { "retry-after": "3600" });
  }
  const body = await readBodyLimited(c.req.raw, MAX_CHANNEL_WEBHOOK_BYTES);
  const request = { headers: c.req.raw.headers, body, url: c.req.url };
  const verdict = await adapter.verify(connection, request);
  if (!verdict.ok) {
    // WooCommerce checks a new webhook's address with an unsigned `webhook_id=` ping that must get a 200; nothing is stored.
    if (adapter.describe(request).kind === "ping") return c.json({ received: true as const, ignored: "ping" }, 200);
    const detail =
      verdict.reason === "unknown_shop"
        ? "The delivery names another shop than this connection's"
        : verdict.reason === "missing_signature"
          ? "No signature"
          : "The signature does not match";
    throw new ApiError(401, "invalid_signature", "Invalid signature", detail);
  }
  const delivery = adapter.describe(request);
  if (delivery.kind === "ping") return c.json({ received: true as const, ignored: "ping" }, 200);
  // Without a delivery id, the bytes are the identity: the same unreadable body twice is one entry.
  const deliveryId = delivery.deliveryId ?? `sha256:${await sha256Hex(bodyText(body))}`;
  const stored = await receiveDelivery(c.env, { connection: row, delivery, deliveryId, headers: c.req.raw.headers, body });
  if (stored.duplicate) return c.json({ received: true as const, duplicate: true }, 200);
  if (stored.outbox) {
    // Best effort: if this send is lost, the outbox sweep sends the row later.
    c.executionCtx.waitUntil(sendOutboxSoon(c.env, [stored.outbox]).catch((err) => console.warn("channel delivery send failed; the sweep resends it", err)));
  }
  return c.json({ received: true as const, duplicate: false, id: stored.id, ...(delivery.kind === "order" ? {} : { ignored: delivery.kind }) }, 200);
});

channelWebhookRoutes.on(["GET", "PUT", "PATCH", "DELETE"], "/webhooks/channels/:connectionId", () => {
  throw new ApiError(405, "method_not_allowed", "Method not allowed", "Use POST", {}, { allow: "POST" });
});
