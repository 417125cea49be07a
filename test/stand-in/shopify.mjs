// Shopify's Admin REST API (2025-07), as far as the channel engine calls it, served from the scope's state.
//
// State a test sets through /_control/<scope>/state:
//   access_token   the token every call must carry (X-Shopify-Access-Token); default "shpat_test"
//   orders         Shopify orders to serve (the fixtures' bodies, or built ones): [{ id, updated_at, line_items, ... }]
//   page_size      caps `limit` (to make paging visible with a few orders)
//   fail           a queue of answers to play before serving normally: [{ status: 429, retry_after: "2.0" }, { status: 503 }, ...];
//                  each entry may name `path` (a substring) to apply only there
//   refuse         { "<path substring>": { status, errors } }: answered on every matching call (a 4xx to show)
// What it records (read it back with GET /_control/<scope>/state): fulfillments, cancels, refunds.
import { json } from "./server.mjs";

const API = "/admin/api/2025-07";

function idOf(o) {
  return String(o.id);
}

/** Fulfillment orders of an order: one per order, its lines less what was fulfilled. */
function fulfillmentOrdersOf(state, order) {
  const done = (state.fulfillments ?? []).filter((f) => f.order_id === idOf(order));
  const fulfilled = new Map();
  for (const f of done) for (const l of f.lines) fulfilled.set(l.line_item_id, (fulfilled.get(l.line_item_id) ?? 0) + l.quantity);
  const lines = (order.line_items ?? []).map((l) => ({
    id: `9${String(l.id)}`,
    line_item_id: String(l.id),
    quantity: l.quantity,
    fulfillable_quantity: Math.max(0, l.quantity - (fulfilled.get(String(l.id)) ?? 0)),
  }));
  const open = lines.some((l) => l.fulfillable_quantity > 0);
  return [{ id: `8${idOf(order)}`, order_id: idOf(order), status: order.cancelled_at ? "cancelled" : open ? "open" : "closed", line_items: lines }];
}

function parse(body) {
  try {
    return JSON.parse(body.toString("utf8") || "{}");
  } catch {
    return null;
  }
}

export async function handle(ctx) {
  const { state, method, query, headers } = ctx;
  state.fulfillments ??= [];
  state.cancels ??= [];
  state.refunds ??= [];
  const path = ctx.path.startsWith(API) ? ctx.path.slice(API.length) : null;
  if (path === null) return json(404, { errors: "Not Found" });

  const token = state.access_token ?? "shpat_test";
  if (headers["x-shopify-access-token"] !== token) return json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });

  const failIndex = (state.fail ?? []).findIndex((f) => !f.path || path.includes(f.path));
  if (failIndex >= 0) {
    const [f] = state.fail.splice(failIndex, 1);
    const extra = f.retry_after !== undefined ? { "retry-after": String(f.retry_after) } : {};
    return json(
      f.status,
      { errors: f.status === 429 ? "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." : "Internal Server Error" },
      extra,
    );
  }
  for (const [part, answer] of Object.entries(state.refuse ?? {})) {
    if (path.includes(part)) return json(answer.status ?? 422, { errors: answer.errors ?? "refused" });
  }

  const orders = state.orders ?? [];
  const find = (id) => orders.find((o) => idOf(o) === id);
  let m;

  if (method === "GET" && path === "/orders.json") {
    const limit = Math.min(Number(query.get("limit") ?? 50), 250, state.page_size ?? 250);
    let filter;
    let offset = 0;
    if (query.has("page_info")) {
      // Shopify refuses any filter beside page_info (limit and fields only).
      for (const k of query.keys())
        if (!["page_info", "limit", "fields"].includes(k)) return json(400, { errors: { page_info: [`${k} cannot be passed when page_info is present`] } });
      try {
        ({ filter, offset } = JSON.parse(Buffer.from(query.get("page_info"), "base64url").toString("utf8")));
      } catch {
        return json(400, { errors: { page_info: ["Invalid value."] } });
      }
    } else {
      filter = { min: query.get("updated_at_min"), max: query.get("updated_at_max"), status: query.get("status") };
    }
    const min = filter.min ? Date.parse(filter.min) : -Infinity;
    const max = filter.max ? Date.parse(filter.max) : Infinity;
    const matching = orders
      .filter((o) => {
        const t = Date.parse(o.updated_at);
        return t >= min && t <= max && (filter.status === "any" || !o.cancelled_at);
      })
      .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || (idOf(a) < idOf(b) ? -1 : 1));
    const page = matching.slice(offset, offset + limit);
    const link = [];
    const here = `http://${headers.host}/${ctx.scope}${API}/orders.json`;
    if (offset + limit < matching.length) {
      const next = Buffer.from(JSON.stringify({ filter, offset: offset + limit })).toString("base64url");
      link.push(`<${here}?limit=${limit}&page_info=${next}>; rel="next"`);
    }
    if (offset > 0) {
      const prev = Buffer.from(JSON.stringify({ filter, offset: Math.max(0, offset - limit) })).toString("base64url");
      link.push(`<${here}?limit=${limit}&page_info=${prev}>; rel="previous"`);
    }
    return json(200, { orders: page }, link.length ? { link: link.reverse().join(", ") } : {});
  }

  if ((m = /^\/orders\/([^/]+)\.json$/.exec(path)) && method === "GET") {
    const o = find(m[1]);
    return o ? json(200, { order: o }) : json(404, { errors: "Not Found" });
  }

  if ((m = /^\/orders\/([^/]+)\/fulfillment_orders\.json$/.exec(path)) && method === "GET") {
    const o = find(m[1]);
    return o ? json(200, { fulfillment_orders: fulfillmentOrdersOf(state, o) }) : json(404, { errors: "Not Found" });
  }

  if (path === "/fulfillments.json" && method === "POST") {
    const f = parse(ctx.body)?.fulfillment;
    if (!f?.line_items_by_fulfillment_order?.length) return json(422, { errors: { line_items_by_fulfillment_order: ["can't be blank"] } });
    const lines = [];
    let orderId = null;
    for (const group of f.line_items_by_fulfillment_order) {
      const fo = orders.flatMap((o) => fulfillmentOrdersOf(state, o)).find((x) => x.id === String(group.fulfillment_order_id));
      if (fo?.status !== "open") return json(422, { errors: ["Fulfillment order is not open"] });
      orderId = fo.order_id;
      const items = group.fulfillment_order_line_items ?? fo.line_items.filter((l) => l.fulfillable_quantity > 0).map((l) => ({ id: l.id, quantity: l.fulfillable_quantity }));
      for (const item of items) {
        const fl = fo.line_items.find((l) => l.id === String(item.id));
        if (!fl || item.quantity > fl.fulfillable_quantity) return json(422, { errors: ["Invalid fulfillment order line item quantity requested."] });
        lines.push({ line_item_id: fl.line_item_id, quantity: item.quantity });
      }
    }
    const id = `4${String(Date.now())}${state.fulfillments.length}`;
    state.fulfillments.push({ id, order_id: orderId, lines, tracking_info: f.tracking_info ?? null });
    return json(201, {
      fulfillment: {
        id: Number(id),
        order_id: Number(orderId),
        status: "success",
        tracking_company: f.tracking_info?.company ?? null,
        tracking_number: f.tracking_info?.number ?? null,
      },
    });
  }

  if ((m = /^\/orders\/([^/]+)\/cancel\.json$/.exec(path)) && method === "POST") {
    const o = find(m[1]);
    if (!o) return json(404, { errors: "Not Found" });
    if (o.cancelled_at) return json(422, { error: "Order has already been cancelled" });
    const body = parse(ctx.body) ?? {};
    o.cancelled_at = new Date().toISOString();
    o.cancel_reason = body.reason ?? "other";
    state.cancels.push({ order_id: m[1], reason: o.cancel_reason });
    return json(200, { order: o });
  }

  if ((m = /^\/orders\/([^/]+)\/refunds\/calculate\.json$/.exec(path)) && method === "POST") {
    const o = find(m[1]);
    if (!o) return json(404, { errors: "Not Found" });
    const parent = (o.transactions ?? []).find((t) => t.kind === "sale" || t.kind === "capture") ?? { id: 1, gateway: "manual" };
    return json(200, { refund: { currency: o.currency, transactions: [{ parent_id: parent.id, gateway: parent.gateway, kind: "suggested_refund", amount: "0.00" }] } });
  }

  if ((m = /^\/orders\/([^/]+)\/refunds\.json$/.exec(path)) && method === "POST") {
    const o = find(m[1]);
    if (!o) return json(404, { errors: "Not Found" });
    const refund = parse(ctx.body)?.refund;
    const id = `7${String(Date.now())}${state.refunds.length}`;
    state.refunds.push({ id, order_id: m[1], refund });
    return json(201, { refund: { id: Number(id), order_id: Number(m[1]) } });
  }

  return json(404, { errors: "Not Found" });
}
