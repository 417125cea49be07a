/**
 * The WooCommerce REST API v3 calls the engine makes (`apiBaseUrl` is the
 * shop's `https://shop.example/wp-json/wc/v3`), with HTTP basic auth from the
 * connection's consumer key and secret (a Read/Write key).
 *
 * WooCommerce takes no idempotency key, so each push first looks for its own
 * earlier result on the order and returns it instead of pushing twice:
 * fulfillments leave an `_oms_shipment_<key>` meta entry, refunds carry
 * `[ref <key>]` in their reason. Cancelling is a status change and repeats
 * harmlessly.
 *
 * Fulfillment: WooCommerce core has no fulfillment object. A shipment is an
 * order note to the customer (carrier, tracking number, link: WooCommerce
 * emails it), the meta entry, and the status `completed` once every line has
 * shipped (what a merchant does by hand). Shops using the Shipment Tracking
 * extension still see the note; we do not depend on the extension.
 */
import { idString } from "./json";
import type { CallResult, ChangedOrdersPage, FulfillmentPush, Http, PlatformConnection, PlatformOrder, RefundPush } from "./platform";
import { platformCall, type RestDialect } from "./rest-call";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** Orders per page when listing changes (WooCommerce allows up to 100). */
export const WOO_PAGE_SIZE = 50;
/** WooCommerce itself does not rate-limit; hosts and security plugins that do rarely say for how long. */
const DEFAULT_RETRY_MS = 60_000;

function auth(c: PlatformConnection): string {
  const bytes = new TextEncoder().encode(`${c.credentials.consumer_key ?? ""}:${c.credentials.consumer_secret ?? ""}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

const WOOCOMMERCE: RestDialect = {
  name: "WooCommerce",
  headers: (c) => ({ authorization: auth(c) }),
  retryAfterMs: (res) => {
    const seconds = Number(res.headers.get("retry-after"));
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_RETRY_MS;
  },
  errorMessage: (body) => (typeof obj(body).message === "string" ? (obj(body).message as string) : null),
};

const call = (c: PlatformConnection, http: Http, init: { method: string; path: string; body?: unknown }) => platformCall(c, http, WOOCOMMERCE, init);

const orderPath = (externalId: string) => `/orders/${encodeURIComponent(externalId)}`;

export async function wooFetchOrder(c: PlatformConnection, externalId: string, http: Http): Promise<CallResult<PlatformOrder | null>> {
  const r = await call(c, http, { method: "GET", path: orderPath(externalId) });
  if (!r.ok) return r;
  if (r.value.status === 404) return { ok: true, value: null };
  return { ok: true, value: { platform: "woocommerce", raw: r.value.body } };
}

/** WooCommerce dates are whole seconds: the window's start is taken down to its second (a repeat is harmless), its end stays exclusive. */
const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

export async function wooListChangedOrders(
  c: PlatformConnection,
  window: { since: number; until: number; cursor: string | null },
  http: Http,
): Promise<CallResult<ChangedOrdersPage>> {
  const page = Math.max(1, Number(window.cursor ?? "1") || 1);
  const query = new URLSearchParams({
    // `modified_after` is strict: one second earlier keeps orders changed in the window's first second.
    modified_after: isoSeconds(window.since - 1000),
    modified_before: isoSeconds(window.until),
    dates_are_gmt: "true",
    orderby: "modified",
    order: "asc",
    status: "any",
    page: String(page),
    per_page: String(WOO_PAGE_SIZE),
  });
  const r = await call(c, http, { method: "GET", path: `/orders?${query}` });
  if (!r.ok) return r;
  if (r.value.status === 404) return { ok: false, kind: "refused", status: 404, message: "WooCommerce has no orders endpoint at this API base URL" };
  const orders = Array.isArray(r.value.body) ? r.value.body : [];
  const totalPages = Number(r.value.headers.get("x-wp-totalpages") ?? "0");
  const more = Number.isFinite(totalPages) && totalPages > 0 ? page < totalPages : orders.length === WOO_PAGE_SIZE;
  return { ok: true, value: { orders: orders.map((raw) => ({ platform: "woocommerce", raw })), next: more ? String(page + 1) : null } };
}

const shipmentMetaKey = (key: string) => `_oms_shipment_${key}`;
type ShipmentMeta = { note: string; lines: { externalLineId: string; quantity: number }[] };

function parseMeta(value: unknown): ShipmentMeta | null {
  try {
    const v = obj(typeof value === "string" ? JSON.parse(value) : value);
    return typeof v.note === "string" && Array.isArray(v.lines) ? (v as ShipmentMeta) : null;
  } catch {
    return null;
  }
}

/** Every line fully shipped by the earlier shipments plus this one (an empty parcel list is the whole order). */
function allShipped(order: Obj, shipments: ShipmentMeta[]): boolean {
  if (shipments.some((s) => s.lines.length === 0)) return true;
  const shipped = new Map<string, number>();
  for (const s of shipments) for (const l of s.lines) shipped.set(l.externalLineId, (shipped.get(l.externalLineId) ?? 0) + l.quantity);
  const items = Array.isArray(order.line_items) ? order.line_items.map(obj) : [];
  return items.every((l) => (shipped.get(idString(l.id) ?? "") ?? 0) >= (Number(l.quantity) || 0));
}

export async function wooCreateFulfillment(c: PlatformConnection, externalId: string, push: FulfillmentPush, http: Http): Promise<CallResult<{ externalId: string }>> {
  const got = await call(c, http, { method: "GET", path: orderPath(externalId) });
  if (!got.ok) return got;
  if (got.value.status === 404) return { ok: false, kind: "refused", status: 404, message: `WooCommerce has no order ${externalId}` };
  const order = obj(got.value.body);
  const metas = Array.isArray(order.meta_data) ? order.meta_data.map(obj) : [];
  const earlier = metas.find((m) => m.key === shipmentMetaKey(push.key));
  const done = earlier ? parseMeta(earlier.value) : null;
  if (done) return { ok: true, value: { externalId: done.note } };

  const note = [`Shipped with ${push.carrier}, tracking number ${push.trackingNumber}.`, push.trackingUrl ? `Track it: ${push.trackingUrl}` : ""].filter(Boolean).join(" ");
  const posted = await call(c, http, { method: "POST", path: `${orderPath(externalId)}/notes`, body: { note, customer_note: true } });
  if (!posted.ok) return posted;
  const noteId = idString(obj(posted.value.body).id) ?? "";

  const shipment: ShipmentMeta = { note: noteId, lines: push.lines };
  const shipments = [...metas.filter((m) => typeof m.key === "string" && m.key.startsWith("_oms_shipment_")).map((m) => parseMeta(m.value)), shipment].filter(
    (s): s is ShipmentMeta => s !== null,
  );
  const status = order.status === "processing" || order.status === "on-hold" ? (allShipped(order, shipments) ? { status: "completed" } : {}) : {};
  const put = await call(c, http, {
    method: "PUT",
    path: orderPath(externalId),
    body: { ...status, meta_data: [{ key: shipmentMetaKey(push.key), value: JSON.stringify(shipment) }] },
  });
  if (!put.ok) return put;
  return { ok: true, value: { externalId: noteId } };
}

export async function wooCancelOrder(c: PlatformConnection, externalId: string, push: { reason: string | null; key: string }, http: Http): Promise<CallResult<null>> {
  const r = await call(c, http, { method: "PUT", path: orderPath(externalId), body: { status: "cancelled" } });
  if (!r.ok) return r;
  if (r.value.status === 404) return { ok: false, kind: "refused", status: 404, message: `WooCommerce has no order ${externalId}` };
  if (push.reason) {
    // A private note keeps the reason beside the order for the merchant; the cancellation stands if it fails.
    await call(c, http, { method: "POST", path: `${orderPath(externalId)}/notes`, body: { note: `Cancelled: ${push.reason}`, customer_note: false } });
  }
  return { ok: true, value: null };
}

export async function wooRefund(c: PlatformConnection, externalId: string, push: RefundPush, http: Http): Promise<CallResult<{ externalId: string }>> {
  const marker = `[ref ${push.key}]`;
  const existing = await call(c, http, { method: "GET", path: `${orderPath(externalId)}/refunds?per_page=100` });
  if (!existing.ok) return existing;
  if (existing.value.status === 404) return { ok: false, kind: "refused", status: 404, message: `WooCommerce has no order ${externalId}` };
  const earlier = (Array.isArray(existing.value.body) ? existing.value.body.map(obj) : []).find((r) => typeof r.reason === "string" && r.reason.includes(marker));
  if (earlier) return { ok: true, value: { externalId: idString(earlier.id) ?? "" } };
  const r = await call(c, http, {
    method: "POST",
    path: `${orderPath(externalId)}/refunds`,
    body: {
      amount: push.amount,
      reason: [push.reason, marker].filter(Boolean).join(" "),
      // Through the payment gateway, as the merchant's "Refund via <gateway>" button: the customer gets the money back.
      api_refund: true,
      line_items: push.lines.map((l) => ({ id: l.externalLineId, quantity: l.quantity })),
    },
  });
  if (!r.ok) return r;
  if (r.value.status === 404) return { ok: false, kind: "refused", status: 404, message: `WooCommerce has no order ${externalId}` };
  return { ok: true, value: { externalId: idString(obj(r.value.body).id) ?? "" } };
}
