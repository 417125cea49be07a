/**
 * WooCommerce's webhook signature and what a delivery is about.
 *
 * Signature: `X-WC-Webhook-Signature` = base64(HMAC-SHA256(webhook secret,
 * raw body)), compared as bytes in constant time against every secret of the
 * connection (rotation). The one unsigned request let through is WooCommerce's
 * ping, sent when a webhook is saved: a form body `webhook_id=<id>` with no
 * `X-WC-Webhook-*` header at all. It must get a 200 or WooCommerce refuses
 * to save the hook; it stores nothing.
 *
 * Delivery id: WooCommerce has no stable event id and never retries (its
 * `X-WC-Webhook-Delivery-ID` is new on every send), and builds the body when
 * it sends, so one delivery is one state of one order: (`id`,
 * `date_modified_gmt`). The same state seen twice (order.created then
 * order.updated in the same second, or a resend) is one delivery.
 */
import { fromBase64, macMatches, utf8 } from "../../logistics/webhooks/signatures";
import { idString, parsePlatformJson } from "./json";
import type { Delivery, InboundRequest, PlatformConnection, Verdict } from "./platform";
import { wooGmt } from "./woocommerce-map";

const PING = /^webhook_id=\d+$/;

/** The ping WooCommerce sends when a webhook is saved: exactly `webhook_id=<digits>` and no WooCommerce header. */
export function isWooCommercePing(request: InboundRequest): boolean {
  for (const name of request.headers.keys()) if (name.toLowerCase().startsWith("x-wc-webhook-")) return false;
  return request.body.byteLength < 64 && PING.test(new TextDecoder().decode(request.body).trim());
}

export async function verifyWooCommerce(connection: PlatformConnection, request: InboundRequest): Promise<Verdict> {
  if (isWooCommercePing(request)) return { ok: true };
  const given = request.headers.get("x-wc-webhook-signature");
  if (!given) return { ok: false, reason: "missing_signature" };
  const secrets = connection.webhookSecrets.filter(Boolean).map(utf8);
  if (!secrets.length) return { ok: false, reason: "bad_signature" };
  return (await macMatches(secrets, request.body, fromBase64(given.trim()))) ? { ok: true } : { ok: false, reason: "bad_signature" };
}

/** What each order topic means to us. Deleted and restored are acknowledged and kept, not acted on (see docs/channels.md). */
const CHANGES: Record<string, "created" | "updated"> = { "order.created": "created", "order.updated": "updated" };

export function describeWooCommerceDelivery(request: InboundRequest): Delivery {
  if (isWooCommercePing(request)) return { kind: "ping" };
  const topic = request.headers.get("x-wc-webhook-topic")?.trim() ?? "";
  const attempt = request.headers.get("x-wc-webhook-delivery-id")?.trim() || null;
  let raw: unknown;
  try {
    raw = parsePlatformJson(new TextDecoder().decode(request.body));
  } catch {
    return { kind: "unreadable", deliveryId: attempt, message: "the body is not JSON" };
  }
  const body = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const externalId = idString(body.id);
  const modified = typeof body.date_modified_gmt === "string" ? body.date_modified_gmt : "";
  const change = CHANGES[topic];
  if (!change) return { kind: "ignored", deliveryId: externalId ? `${topic}:${externalId}@${modified}` : (attempt ?? topic), topic };
  if (!externalId) return { kind: "unreadable", deliveryId: attempt, message: "no order id in the body" };
  const status = typeof body.status === "string" ? body.status : "";
  return {
    kind: "order",
    deliveryId: `${externalId}@${modified}`,
    topic,
    change: status === "cancelled" ? "cancelled" : status === "refunded" ? "refunded" : change,
    externalId,
    changedAt: wooGmt(modified),
    order: { platform: "woocommerce", raw },
  };
}
