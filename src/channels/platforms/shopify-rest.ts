/**
 * The Shopify Admin REST calls the engine makes (API version 2025-07, under
 * the connection's `apiBaseUrl`, authenticated by `X-Shopify-Access-Token`).
 *
 * Every answer becomes a `CallResult`: 429 is `rate_limited` (Shopify's
 * `Retry-After`, seconds), 5xx and network failures are `unavailable`
 * (retried later), any other 4xx is `refused` (retrying will not help).
 * Bodies are parsed with `parsePlatformJson`: order ids pass 2^53.
 *
 * Paging follows Shopify's cursor rules: the first page names its filters,
 * later pages name only `page_info` and `limit` (Shopify refuses any other
 * parameter with them); the cursor is the next page's `page_info`.
 */
import { idString, parsePlatformJson } from "./json";
import type { CallResult, ChangedOrdersPage, FulfillmentPush, Http, PlatformConnection, PlatformOrder, RefundPush } from "./platform";

const PAGE_SIZE = 250;

type Answer = { status: number; body: unknown; headers: Headers };
type Failure = Exclude<CallResult<never>, { ok: true }>;

const asOrder = (raw: unknown): PlatformOrder => ({ platform: "shopify", raw });
const record = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Retry-After is seconds (Shopify sends e.g. "2.0"); absent or unreadable: a couple of seconds, as Shopify's bucket leaks 2 a second. */
export function retryAfterMs(header: string | null): number {
  const s = header === null ? Number.NaN : Number(header);
  return Number.isFinite(s) && s >= 0 ? Math.ceil(s * 1000) : 2000;
}

/** Shopify's errors come as `{errors: "..."}`, `{errors: {field: [...]}}` or `{error: "..."}`: a short line for the log. */
function errorText(body: unknown, status: number): string {
  const b = record(body);
  const e = b.errors ?? b.error;
  const text = typeof e === "string" ? e : e ? JSON.stringify(e) : `HTTP ${status}`;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

async function call(c: PlatformConnection, http: Http, req: { method: "GET" | "POST"; path: string; body?: unknown }): Promise<Answer | Failure> {
  const headers: Record<string, string> = { "x-shopify-access-token": c.credentials.access_token ?? "", accept: "application/json" };
  if (req.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await http(new Request(`${c.apiBaseUrl}/${req.path}`, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body) }));
  } catch (err) {
    return { ok: false, kind: "unavailable", status: null, message: `network: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300) };
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? parsePlatformJson(text) : null;
  } catch {
    body = { error: text.slice(0, 200) };
  }
  if (res.status === 429) return { ok: false, kind: "rate_limited", retryAfterMs: retryAfterMs(res.headers.get("retry-after")) };
  if (res.status >= 500) return { ok: false, kind: "unavailable", status: res.status, message: errorText(body, res.status) };
  if (res.status >= 400) return { ok: false, kind: "refused", status: res.status, message: errorText(body, res.status) };
  return { status: res.status, body, headers: res.headers };
}

const failed = (a: Answer | Failure): a is Failure => "ok" in a;

/** The `page_info` of the Link header's rel="next", or null on the last page. */
export function nextPageInfo(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) {
      try {
        return new URL(m[1]!).searchParams.get("page_info");
      } catch {
        return null;
      }
    }
  }
  return null;
}

export async function shopifyFetchOrder(c: PlatformConnection, externalId: string, http: Http): Promise<CallResult<PlatformOrder | null>> {
  const a = await call(c, http, { method: "GET", path: `orders/${encodeURIComponent(externalId)}.json` });
  if (failed(a)) return a.kind === "refused" && a.status === 404 ? { ok: true, value: null } : a;
  const order = record(a.body).order;
  return { ok: true, value: order ? asOrder(order) : null };
}

export async function shopifyListChangedOrders(
  c: PlatformConnection,
  window: { since: number; until: number; cursor: string | null },
  http: Http,
): Promise<CallResult<ChangedOrdersPage>> {
  const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (window.cursor) q.set("page_info", window.cursor);
  else {
    q.set("status", "any");
    q.set("updated_at_min", new Date(window.since).toISOString());
    // Shopify's updated_at_max is inclusive; the window is [since, until): one millisecond less keeps it half-open.
    q.set("updated_at_max", new Date(window.until - 1).toISOString());
  }
  const a = await call(c, http, { method: "GET", path: `orders.json?${q}` });
  if (failed(a)) return a;
  return { ok: true, value: { orders: list(record(a.body).orders).map(asOrder), next: nextPageInfo(a.headers.get("link")) } };
}

type FulfillmentOrder = { id: string; status: string; lines: { id: string; lineItemId: string; open: number }[] };

function fulfillmentOrders(body: unknown): FulfillmentOrder[] {
  return list(record(body).fulfillment_orders).map((raw) => {
    const fo = record(raw);
    return {
      id: idString(fo.id) ?? "",
      status: String(fo.status ?? ""),
      lines: list(fo.line_items).map((l) => {
        const r = record(l);
        return { id: idString(r.id) ?? "", lineItemId: idString(r.line_item_id) ?? "", open: Number(r.fulfillable_quantity ?? r.quantity ?? 0) };
      }),
    };
  });
}

/** Which fulfillment order lines carry the parcel's lines (by the order's line ids); every open fulfillment order when it names none. */
export function fulfillmentLines(
  orders: FulfillmentOrder[],
  lines: FulfillmentPush["lines"],
): { fulfillment_order_id: string; fulfillment_order_line_items?: { id: string; quantity: number }[] }[] | string {
  const open = orders.filter((fo) => fo.status === "open" || fo.status === "in_progress");
  if (!lines.length) return open.length ? open.map((fo) => ({ fulfillment_order_id: fo.id })) : "the order has no open fulfillment order";
  const byOrder = new Map<string, { id: string; quantity: number }[]>();
  for (const line of lines) {
    let left = line.quantity;
    for (const fo of open) {
      for (const fl of fo.lines) {
        if (fl.lineItemId !== line.externalLineId || fl.open <= 0 || left <= 0) continue;
        const take = Math.min(fl.open, left);
        left -= take;
        byOrder.set(fo.id, [...(byOrder.get(fo.id) ?? []), { id: fl.id, quantity: take }]);
      }
    }
    if (left > 0) return `line ${line.externalLineId}: ${left} more than the open fulfillment orders hold`;
  }
  return [...byOrder].map(([id, items]) => ({ fulfillment_order_id: id, fulfillment_order_line_items: items }));
}

export async function shopifyCreateFulfillment(c: PlatformConnection, externalId: string, push: FulfillmentPush, http: Http): Promise<CallResult<{ externalId: string }>> {
  const fo = await call(c, http, { method: "GET", path: `orders/${encodeURIComponent(externalId)}/fulfillment_orders.json` });
  if (failed(fo)) return fo;
  const items = fulfillmentLines(fulfillmentOrders(fo.body), push.lines);
  if (typeof items === "string") return { ok: false, kind: "refused", status: 422, message: items };
  const a = await call(c, http, {
    method: "POST",
    path: "fulfillments.json",
    body: {
      fulfillment: {
        line_items_by_fulfillment_order: items,
        tracking_info: { company: push.carrier, number: push.trackingNumber, ...(push.trackingUrl ? { url: push.trackingUrl } : {}) },
        notify_customer: false,
      },
    },
  });
  if (failed(a)) return a;
  return { ok: true, value: { externalId: idString(record(record(a.body).fulfillment).id) ?? "" } };
}

/** Shopify's cancel reasons; anything else is "other". */
const CANCEL_REASONS = new Set(["customer", "fraud", "inventory", "declined", "staff", "other"]);

export async function shopifyCancelOrder(c: PlatformConnection, externalId: string, push: { reason: string | null; key: string }, http: Http): Promise<CallResult<null>> {
  const reason = push.reason && CANCEL_REASONS.has(push.reason) ? push.reason : "other";
  const a = await call(c, http, { method: "POST", path: `orders/${encodeURIComponent(externalId)}/cancel.json`, body: { reason, email: false } });
  return failed(a) ? a : { ok: true, value: null };
}

/**
 * A refund of an amount: with lines, Shopify first calculates it
 * (`refunds/calculate.json`, which names the parent transaction to refund
 * against); without lines, the amount goes back against the order's last
 * successful sale or capture.
 */
export async function shopifyRefund(c: PlatformConnection, externalId: string, push: RefundPush, http: Http): Promise<CallResult<{ externalId: string }>> {
  const id = encodeURIComponent(externalId);
  const refundLines = push.lines.map((l) => ({ line_item_id: l.externalLineId, quantity: l.quantity, restock_type: "no_restock" }));
  const calc = await call(c, http, { method: "POST", path: `orders/${id}/refunds/calculate.json`, body: { refund: { currency: push.currency, refund_line_items: refundLines } } });
  if (failed(calc)) return calc;
  const parent = list(record(record(calc.body).refund).transactions)
    .map(record)
    .find((t) => idString(t.parent_id));
  const gateway = parent?.gateway;
  const a = await call(c, http, {
    method: "POST",
    path: `orders/${id}/refunds.json`,
    body: {
      refund: {
        currency: push.currency,
        notify: false,
        ...(push.reason ? { note: push.reason } : {}),
        refund_line_items: refundLines,
        transactions: [{ kind: "refund", amount: push.amount, ...(parent ? { parent_id: idString(parent.parent_id), gateway } : {}) }],
      },
    },
  });
  if (failed(a)) return a;
  return { ok: true, value: { externalId: idString(record(record(a.body).refund).id) ?? "" } };
}
