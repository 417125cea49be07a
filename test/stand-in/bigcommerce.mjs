// A BigCommerce store's REST API, v2 orders and v3 refunds (point a connection's API base URL at `<stand-in>/bigcommerce~<id>`).
// State (set through /_control/<scope>/state):
//   orders   [{ order, products, shipping_addresses }] in the v2 shapes (see ./bigcommerce-order-250.json)
//   token    the X-Auth-Token it accepts (default bc_standin_token)
//   fail     answers to play before anything else, one per request: [{ status, headers?, body? }]
// It keeps what was pushed: shipments (state.shipments[orderId]) and refunds (state.refunds[orderId]).
import { json } from "./server.mjs";

const DEFAULT_TOKEN = "bc_standin_token";
const v2Error = (status, message) => json(status, [{ status, message }]);
const v3Error = (status, title) => json(status, { status, title, type: "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes" });
const rfc2822 = (ms = Date.now()) => new Date(Math.floor(ms / 1000) * 1000).toUTCString().replace("GMT", "+0000");
const noContent = () => ({ status: 204, headers: {}, body: "" });

function nextId(state) {
  state.next_id = (state.next_id ?? 500) + 1;
  return state.next_id;
}

function listOrders(query, state) {
  const min = query.get("min_date_modified");
  const max = query.get("max_date_modified");
  const page = Number(query.get("page") ?? 1);
  const limit = Number(query.get("limit") ?? 50);
  const sort = query.get("sort") ?? "id:asc";
  if (!/^(id|date_modified|date_created|status_id|customer_id):(asc|desc)$/.test(sort)) return v2Error(400, "The field 'sort' is invalid.");
  const [field, dir] = sort.split(":");
  const key = (o) => (field.startsWith("date_") ? Date.parse(o[field]) : Number(o[field]));
  const orders = (state.orders ?? [])
    .map((e) => e.order)
    .filter((o) => (!min || Date.parse(o.date_modified) >= Date.parse(min)) && (!max || Date.parse(o.date_modified) <= Date.parse(max)))
    .sort((a, b) => (key(a) - key(b) || a.id - b.id) * (dir === "desc" ? -1 : 1));
  const slice = orders.slice((page - 1) * limit, page * limit);
  return slice.length ? json(200, slice) : noContent();
}

function v3(method, parts, input, state) {
  // v3/orders/{id}/payment_actions/(refunds|refund_quotes)
  const entry = (state.orders ?? []).find((e) => String(e.order.id) === parts[2]);
  if (!entry || parts[3] !== "payment_actions") return v3Error(404, "Order not found");
  const order = entry.order;
  state.refunds ??= {};
  const refunds = (state.refunds[order.id] ??= []);
  const amountOf = (items) => items.reduce((n, i) => n + (i.item_type === "ORDER" ? Number(i.amount) : 0), 0);
  if (parts[4] === "refunds" && method === "GET") return json(200, { data: refunds, meta: {} });
  if (parts[4] === "refund_quotes" && method === "POST") {
    const amount = amountOf(input.items ?? []);
    if (!(amount > 0)) return v3Error(422, "Refund amount must be greater than zero");
    const left = Number(order.total_inc_tax) - Number(order.refunded_amount);
    if (amount > left + 1e-9) return v3Error(422, "Refund amount exceeds the amount available to refund");
    return json(201, {
      data: {
        order_id: order.id,
        total_refund_amount: amount,
        total_refund_tax_amount: 0,
        rounding: 0,
        adjustment: 0,
        tax_inclusive: false,
        refund_methods: [[{ provider_id: "stripev3", provider_description: "Stripe", amount, offline: false, offline_provider: false, offline_reason: "" }]],
      },
    });
  }
  if (parts[4] === "refunds" && method === "POST") {
    const amount = amountOf(input.items ?? []);
    const paid = (input.payments ?? []).reduce((n, p) => n + Number(p.amount), 0);
    if (!(amount > 0) || Math.abs(paid - amount) > 1e-9) return v3Error(422, "The payments do not add up to the refund");
    const refund = {
      id: nextId(state),
      order_id: order.id,
      user_id: 0,
      created: new Date().toISOString(),
      reason: input.reason ?? "",
      total_amount: amount,
      total_tax: 0,
      uses_merchant_override_values: false,
      payments: input.payments,
      items: input.items,
    };
    refunds.push(refund);
    const refunded = Number(order.refunded_amount) + amount;
    order.refunded_amount = refunded.toFixed(4);
    order.payment_status = refunded >= Number(order.total_inc_tax) ? "refunded" : "partially refunded";
    order.date_modified = rfc2822();
    return json(201, { data: refund, meta: {} });
  }
  return v3Error(404, "Not found");
}

export async function handle({ method, path, query, headers, body, state }) {
  if (state.fail?.length) {
    const f = state.fail.shift();
    return {
      status: f.status,
      headers: { "content-type": "application/json", ...(f.headers ?? {}) },
      body: JSON.stringify(f.body ?? [{ status: f.status, message: "played failure" }]),
    };
  }
  if (headers["x-auth-token"] !== (state.token ?? DEFAULT_TOKEN)) return v2Error(401, "You are not authorized to access this resource.");
  const parts = path.split("/").filter(Boolean);
  const input = body.length ? JSON.parse(body.toString("utf8")) : {};
  if (parts[0] === "v3" && parts[1] === "orders") return v3(method, parts, input, state);
  if (parts[0] !== "v2" || parts[1] !== "orders") return v2Error(404, "The requested resource was not found.");
  if (parts.length === 2 && method === "GET") return listOrders(query, state);
  const entry = (state.orders ?? []).find((e) => String(e.order.id) === parts[2]);
  if (!entry) return v2Error(404, "The requested resource was not found.");
  const { order } = entry;
  if (parts.length === 3 && method === "GET") return json(200, order);
  if (parts.length === 3 && method === "PUT") {
    const names = { 5: "Cancelled", 2: "Shipped", 10: "Completed", 11: "Awaiting Fulfillment" };
    if (input.status_id !== undefined) {
      if (!names[input.status_id]) return v2Error(400, "The field 'status_id' is invalid.");
      order.status_id = input.status_id;
      order.status = names[input.status_id];
    }
    order.date_modified = rfc2822();
    return json(200, order);
  }
  if (parts[3] === "products" && method === "GET") {
    const page = Number(query.get("page") ?? 1);
    const limit = Number(query.get("limit") ?? 50);
    const slice = entry.products.slice((page - 1) * limit, page * limit);
    return slice.length ? json(200, slice) : noContent();
  }
  if (parts[3] === "shipping_addresses" && method === "GET") return json(200, entry.shipping_addresses);
  state.shipments ??= {};
  const shipments = (state.shipments[order.id] ??= []);
  if (parts[3] === "shipments" && method === "GET") return shipments.length ? json(200, shipments) : noContent();
  if (parts[3] === "shipments" && method === "POST") {
    if (!entry.shipping_addresses.some((a) => a.id === input.order_address_id)) return v2Error(400, "The field 'order_address_id' is invalid.");
    for (const item of input.items ?? []) {
      const p = entry.products.find((x) => x.id === item.order_product_id);
      if (!p || !(item.quantity > 0) || item.quantity > p.quantity - p.quantity_shipped) return v2Error(400, "The field 'items' is invalid.");
    }
    if (!input.items?.length) return v2Error(400, "The field 'items' is invalid.");
    for (const item of input.items) entry.products.find((x) => x.id === item.order_product_id).quantity_shipped += item.quantity;
    const shipment = {
      id: nextId(state),
      order_id: order.id,
      customer_id: order.customer_id,
      order_address_id: input.order_address_id,
      date_created: rfc2822(),
      tracking_number: input.tracking_number,
      shipping_method: "",
      shipping_provider: "",
      tracking_carrier: input.tracking_carrier ?? "",
      tracking_link: input.tracking_link ?? "",
      comments: input.comments ?? "",
      billing_address: order.billing_address,
      shipping_address: entry.shipping_addresses.find((a) => a.id === input.order_address_id),
      items: input.items,
    };
    shipments.push(shipment);
    const shipped = entry.products.every((p) => p.quantity_shipped >= p.quantity);
    order.status_id = shipped ? 2 : 3;
    order.status = shipped ? "Shipped" : "Partially Shipped";
    order.date_modified = rfc2822();
    return json(201, shipment);
  }
  return v2Error(404, "The requested resource was not found.");
}
