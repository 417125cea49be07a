/**
 * The BigCommerce REST calls the engine makes (`apiBaseUrl` is
 * `https://api.bigcommerce.com/stores/{store_hash}`; v2 and v3 paths hang
 * off it), authenticated with the API account's `X-Auth-Token`.
 *
 * An order is three v2 reads (the order, its products, its shipping
 * addresses), plus the v3 refunds when the order says money went back,
 * composed into one raw value for `mapBigCommerceOrder`.
 *
 * BigCommerce takes no idempotency key either: a shipment push first looks
 * for a shipment with the same tracking number, a refund for one whose
 * reason carries `[ref <key>]`. Cancelling is a status change.
 */
import { idString } from "./json";
import type { CallResult, ChangedOrdersPage, FulfillmentPush, Http, PlatformConnection, PlatformOrder, RefundPush } from "./platform";
import { platformCall, type RestDialect } from "./rest-call";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

/**
 * Orders per page when listing changes. Each order costs two or three more reads: 15 keeps a page under 50
 * subrequests (the smallest Workers budget per invocation) and well inside BigCommerce's quota per window.
 */
export const BC_PAGE_SIZE = 15;
/** Products per read (BigCommerce's maximum). */
const PRODUCTS_PAGE = 250;
/** BigCommerce's quota window is 30 s; when it does not say how long is left, wait the whole window. */
const DEFAULT_RETRY_MS = 30_000;

const BIGCOMMERCE: RestDialect = {
  name: "BigCommerce",
  headers: (c) => ({ "x-auth-token": c.credentials.access_token ?? "" }),
  retryAfterMs: (res) => {
    const ms = Number(res.headers.get("x-rate-limit-time-reset-ms"));
    return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_RETRY_MS;
  },
  // v2 errors are `[{status, message}]`, v3 errors `{title, errors}`.
  errorMessage: (body) => {
    const first = Array.isArray(body) ? obj(body[0]) : obj(body);
    return typeof first.message === "string" ? first.message : typeof first.title === "string" ? first.title : null;
  },
};

const call = (c: PlatformConnection, http: Http, init: { method: string; path: string; body?: unknown }) => platformCall(c, http, BIGCOMMERCE, init);

const orderPath = (externalId: string) => `/v2/orders/${encodeURIComponent(externalId)}`;
const missing = (externalId: string) => ({ ok: false as const, kind: "refused" as const, status: 404, message: `BigCommerce has no order ${externalId}` });

async function allProducts(c: PlatformConnection, externalId: string, http: Http): Promise<CallResult<Obj[]>> {
  const products: Obj[] = [];
  for (let page = 1; ; page++) {
    const r = await call(c, http, { method: "GET", path: `${orderPath(externalId)}/products?page=${page}&limit=${PRODUCTS_PAGE}` });
    if (!r.ok) return r;
    const batch = list(r.value.body);
    products.push(...batch);
    if (batch.length < PRODUCTS_PAGE) return { ok: true, value: products };
  }
}

/** The order read with its products, addresses and (when some money went back) refunds. */
async function compose(c: PlatformConnection, order: Obj, http: Http): Promise<CallResult<PlatformOrder>> {
  const externalId = idString(order.id) ?? "";
  const products = await allProducts(c, externalId, http);
  if (!products.ok) return products;
  const addresses = await call(c, http, { method: "GET", path: `${orderPath(externalId)}/shipping_addresses?limit=250` });
  if (!addresses.ok) return addresses;
  let refunds: Obj[] = [];
  if (Number(order.refunded_amount) > 0) {
    const r = await call(c, http, { method: "GET", path: `/v3/orders/${encodeURIComponent(externalId)}/payment_actions/refunds` });
    if (!r.ok) return r;
    refunds = list(obj(r.value.body).data);
  }
  return { ok: true, value: { platform: "bigcommerce", raw: { order, products: products.value, shipping_addresses: list(addresses.value.body), refunds } } };
}

export async function bcFetchOrder(c: PlatformConnection, externalId: string, http: Http): Promise<CallResult<PlatformOrder | null>> {
  const r = await call(c, http, { method: "GET", path: orderPath(externalId) });
  if (!r.ok) return r;
  if (r.value.status === 404 || r.value.status === 204) return { ok: true, value: null };
  return compose(c, obj(r.value.body), http);
}

/** RFC 2822 in UTC, the form BigCommerce documents for its date filters (whole seconds). */
const rfc2822 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toUTCString().replace("GMT", "+0000");

export async function bcListChangedOrders(
  c: PlatformConnection,
  window: { since: number; until: number; cursor: string | null },
  http: Http,
): Promise<CallResult<ChangedOrdersPage>> {
  const page = Math.max(1, Number(window.cursor ?? "1") || 1);
  const query = new URLSearchParams({
    // Both bounds are inclusive and in whole seconds: the window's start taken down to its second, its end kept exclusive.
    min_date_modified: rfc2822(window.since),
    max_date_modified: rfc2822(window.until - 1),
    sort: "date_modified:asc",
    page: String(page),
    limit: String(BC_PAGE_SIZE),
  });
  const r = await call(c, http, { method: "GET", path: `/v2/orders?${query}` });
  if (!r.ok) return r;
  // No orders: BigCommerce answers 204 with no body.
  const found = list(r.value.body);
  const orders: PlatformOrder[] = [];
  for (const order of found) {
    const composed = await compose(c, order, http);
    if (!composed.ok) return composed;
    orders.push(composed.value);
  }
  return { ok: true, value: { orders, next: found.length === BC_PAGE_SIZE ? String(page + 1) : null } };
}

/** Carrier names BigCommerce's `tracking_carrier` knows under the same code; any other goes by `tracking_link` and the comment. */
const KNOWN_CARRIERS = new Set(["usps", "ups", "fedex", "dhl", "canada-post", "australia-post", "japan-post", "royal-mail", "dpd", "gls"]);

export async function bcCreateFulfillment(c: PlatformConnection, externalId: string, push: FulfillmentPush, http: Http): Promise<CallResult<{ externalId: string }>> {
  const existing = await call(c, http, { method: "GET", path: `${orderPath(externalId)}/shipments?limit=250` });
  if (!existing.ok) return existing;
  if (existing.value.status === 404) return missing(externalId);
  const same = list(existing.value.body).find((s) => s.tracking_number === push.trackingNumber);
  if (same) return { ok: true, value: { externalId: idString(same.id) ?? "" } };

  const products = await allProducts(c, externalId, http);
  if (!products.ok) return products;
  const byId = new Map(products.value.map((p) => [idString(p.id) ?? "", p]));
  const items = push.lines.length
    ? push.lines.map((l) => ({ order_product_id: Number(l.externalLineId), quantity: l.quantity }))
    : products.value
        .filter((p) => p.type !== "digital" && Number(p.quantity) - Number(p.quantity_shipped ?? 0) > 0)
        .map((p) => ({ order_product_id: Number(p.id), quantity: Number(p.quantity) - Number(p.quantity_shipped ?? 0) }));
  const first = byId.get(String(items[0]?.order_product_id ?? ""));
  const orderAddressId = first ? Number(first.order_address_id) : Number.NaN;
  if (!items.length || !Number.isFinite(orderAddressId)) {
    return { ok: false, kind: "refused", status: 422, message: `BigCommerce order ${externalId} has nothing left to ship on those lines` };
  }
  const carrier = push.carrier.trim().toLowerCase().replace(/\s+/g, "-");
  const posted = await call(c, http, {
    method: "POST",
    path: `${orderPath(externalId)}/shipments`,
    body: {
      order_address_id: orderAddressId,
      tracking_number: push.trackingNumber,
      tracking_carrier: KNOWN_CARRIERS.has(carrier) ? carrier : "",
      ...(push.trackingUrl ? { tracking_link: push.trackingUrl } : {}),
      comments: `Shipped with ${push.carrier}`,
      items,
    },
  });
  if (!posted.ok) return posted;
  if (posted.value.status === 404) return missing(externalId);
  return { ok: true, value: { externalId: idString(obj(posted.value.body).id) ?? "" } };
}

export async function bcCancelOrder(c: PlatformConnection, externalId: string, _push: { reason: string | null; key: string }, http: Http): Promise<CallResult<null>> {
  const r = await call(c, http, { method: "PUT", path: orderPath(externalId), body: { status_id: 5 } });
  if (!r.ok) return r;
  if (r.value.status === 404) return missing(externalId);
  return { ok: true, value: null };
}

export async function bcRefund(c: PlatformConnection, externalId: string, push: RefundPush, http: Http): Promise<CallResult<{ externalId: string }>> {
  const base = `/v3/orders/${encodeURIComponent(externalId)}/payment_actions`;
  const marker = `[ref ${push.key}]`;
  const existing = await call(c, http, { method: "GET", path: `${base}/refunds` });
  if (!existing.ok) return existing;
  if (existing.value.status === 404) return missing(externalId);
  const earlier = list(obj(existing.value.body).data).find((r) => typeof r.reason === "string" && r.reason.includes(marker));
  if (earlier) return { ok: true, value: { externalId: idString(earlier.id) ?? "" } };

  // The amount we decided, on the order as a whole: a refund by product lets BigCommerce compute its own amount (its
  // tax and discount rounding), which need not be ours. v3 takes money as a JSON number; ours has the currency's few
  // decimals, which a double prints back exactly.
  const items = [{ item_type: "ORDER", item_id: Number(externalId), amount: Number(push.amount) }];
  const quote = await call(c, http, { method: "POST", path: `${base}/refund_quotes`, body: { items } });
  if (!quote.ok) return quote;
  if (quote.value.status === 404) return missing(externalId);
  // Each refund method is a set of payment providers that together return the money; the first is the original payment.
  const methods = obj(obj(quote.value.body).data).refund_methods;
  const method = Array.isArray(methods) && Array.isArray(methods[0]) ? list(methods[0]) : [];
  if (!method.length) return { ok: false, kind: "refused", status: 422, message: `BigCommerce offers no way to refund order ${externalId}` };
  const r = await call(c, http, {
    method: "POST",
    path: `${base}/refunds`,
    body: {
      items,
      payments: method.map((p) => ({ provider_id: p.provider_id, amount: p.amount, offline: p.offline === true })),
      reason: [push.reason, marker].filter(Boolean).join(" "),
    },
  });
  if (!r.ok) return r;
  return { ok: true, value: { externalId: idString(obj(obj(r.value.body).data).id) ?? "" } };
}
