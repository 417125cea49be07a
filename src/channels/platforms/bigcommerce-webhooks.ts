/**
 * BigCommerce's webhooks: thin (`{scope, data: {type, id}, hash, created_at}`)
 * and unsigned. The only proof a callback comes from the store is the custom
 * header set when the hook was created: we create it as
 * `X-OMS-Webhook-Token: <the connection's webhook secret>`, and compare it in
 * constant time with each secret (rotation).
 *
 * Delivery id: `hash`, which BigCommerce keeps the same when it sends one
 * event again. The body never carries the order: the engine fetches it.
 */
import { timingSafeEqual, utf8 } from "../../logistics/webhooks/signatures";
import { idString, parsePlatformJson } from "./json";
import type { Delivery, InboundRequest, PlatformConnection, Verdict } from "./platform";

export const BC_TOKEN_HEADER = "X-OMS-Webhook-Token";

async function digest(s: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(s)));
}

export async function verifyBigCommerce(connection: PlatformConnection, request: InboundRequest): Promise<Verdict> {
  const given = request.headers.get(BC_TOKEN_HEADER);
  if (!given) return { ok: false, reason: "missing_signature" };
  // Compared as SHA-256 digests: equal lengths whatever was sent, so the time taken tells nothing about the secret's length.
  const received = await digest(given.trim());
  let ok = false;
  for (const secret of connection.webhookSecrets.filter(Boolean)) ok = timingSafeEqual(await digest(secret), received) || ok;
  return ok ? { ok: true } : { ok: false, reason: "bad_signature" };
}

/** Order scopes and what they mean; `store/order/archived` (the merchant deleted the order) is kept, not acted on: see docs/channels.md. */
const CHANGES: Record<string, "created" | "updated" | "refunded"> = {
  "store/order/created": "created",
  "store/order/updated": "updated",
  "store/order/statusUpdated": "updated",
  // `data.refund.refund_id` names the refund; the order fetched lists it with the others.
  "store/order/refund/created": "refunded",
};

export function describeBigCommerceDelivery(request: InboundRequest): Delivery {
  let raw: unknown;
  try {
    raw = parsePlatformJson(new TextDecoder().decode(request.body));
  } catch {
    return { kind: "unreadable", deliveryId: null, message: "the body is not JSON" };
  }
  const body = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const hash = typeof body.hash === "string" && body.hash ? body.hash : null;
  const scope = typeof body.scope === "string" ? body.scope : "";
  const data = body.data && typeof body.data === "object" ? (body.data as Record<string, unknown>) : {};
  const change = CHANGES[scope];
  if (!hash) return { kind: "unreadable", deliveryId: null, message: "no hash in the body" };
  if (!change) return { kind: "ignored", deliveryId: hash, topic: scope };
  const externalId = data.type === "order" || data.type === undefined ? idString(data.id) : null;
  if (!externalId) return { kind: "unreadable", deliveryId: hash, message: "no order id in the body" };
  // `created_at` is when the event fired, not the state of the order: the state is the one fetched, dated by its `date_modified`.
  return { kind: "order", deliveryId: hash, topic: scope, change, externalId, changedAt: null, order: null };
}
