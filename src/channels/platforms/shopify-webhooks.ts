/**
 * Shopify's webhook signature and what a delivery is about.
 *
 * Signature: `X-Shopify-Hmac-Sha256` is base64(HMAC-SHA256(secret, raw
 * body)), checked in constant time against each of the connection's
 * secrets (the current one, and the previous one while a rotation settles:
 * Shopify may sign with the old secret for up to an hour). The shop named
 * in `X-Shopify-Shop-Domain` must be the connection's: a valid signature
 * from another shop of the same app is still not this connection's order.
 * The un-prefixed `shopify-*` headers of Shopify's newer event delivery are
 * read too.
 *
 * Delivery id: `X-Shopify-Webhook-Id`, which Shopify keeps across retries.
 */
import { fromBase64, macMatches, utf8 } from "../../logistics/webhooks/signatures";
import { idString, parsePlatformJson } from "./json";
import type { Delivery, InboundRequest, PlatformConnection, Verdict } from "./platform";

const header = (h: Headers, name: string) => h.get(`x-shopify-${name}`) ?? h.get(`shopify-${name}`);

export async function verifyShopify(connection: PlatformConnection, request: InboundRequest): Promise<Verdict> {
  const received = header(request.headers, "hmac-sha256");
  if (!received) return { ok: false, reason: "missing_signature" };
  const shop = header(request.headers, "shop-domain");
  if (shop !== null && shop.trim().toLowerCase() !== connection.shopDomain.trim().toLowerCase()) return { ok: false, reason: "unknown_shop" };
  const ok = await macMatches(connection.webhookSecrets.map(utf8), request.body, fromBase64(received.trim()));
  return ok ? { ok: true } : { ok: false, reason: "bad_signature" };
}

/** Order topics whose body is the whole order, and what they mean for it. */
const ORDER_TOPICS: Record<string, "created" | "updated" | "cancelled"> = {
  "orders/create": "created",
  "orders/updated": "updated",
  "orders/cancelled": "cancelled",
  // Narrower events about the same order: the body is the whole order, so they are updates like any other.
  "orders/paid": "updated",
  "orders/fulfilled": "updated",
  "orders/partially_fulfilled": "updated",
};

const time = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : null);

export function describeShopifyDelivery(request: InboundRequest): Delivery {
  const deliveryId = header(request.headers, "webhook-id")?.trim() || null;
  const topic = header(request.headers, "topic")?.trim() ?? "";
  if (!deliveryId) return { kind: "unreadable", deliveryId: null, message: "no X-Shopify-Webhook-Id header" };
  const change = ORDER_TOPICS[topic];
  if (!change && topic !== "refunds/create") return { kind: "ignored", deliveryId, topic: topic || "(none)" };
  let body: unknown;
  try {
    body = parsePlatformJson(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(request.body));
  } catch {
    return { kind: "unreadable", deliveryId, message: "the body is not UTF-8 JSON" };
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return { kind: "unreadable", deliveryId, message: "the body is not a JSON object" };
  const raw = body as Record<string, unknown>;
  if (topic === "refunds/create") {
    // A refund names its order only: the order (with this refund in its `refunds`) is fetched when the delivery is worked.
    const externalId = idString(raw.order_id);
    if (!externalId) return { kind: "unreadable", deliveryId, message: "the refund names no order_id" };
    return { kind: "order", deliveryId, topic, change: "refunded", externalId, changedAt: time(raw.created_at), order: null };
  }
  const externalId = idString(raw.id);
  if (!externalId) return { kind: "unreadable", deliveryId, message: "the order has no id" };
  return { kind: "order", deliveryId, topic, change: change!, externalId, changedAt: time(raw.updated_at), order: { platform: "shopify", raw } };
}
