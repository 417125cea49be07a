// A WooCommerce shop's REST API v3 (point a connection's API base URL at `<stand-in>/woocommerce~<id>`).
// State (set through /_control/<scope>/state):
//   orders       REST v3 orders it serves (e.g. the fixture's order 4812), changed by PUT and refunds
//   credentials  { consumer_key, consumer_secret } it accepts over basic auth (default ck_standin / cs_standin)
//   fail         answers to play before anything else, one per request: [{ status, headers?, body? }]
// It keeps what was pushed: notes (state.notes[orderId]) and refunds (state.refunds[orderId]).
import { json } from "./server.mjs";

const DEFAULT_CREDENTIALS = { consumer_key: "ck_standin", consumer_secret: "cs_standin" };

const error = (status, code, message) => json(status, { code, message, data: { status } });
const gmt = (s) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
const nowGmt = () => new Date().toISOString().slice(0, 19);

function authorised(headers, state) {
  const { consumer_key, consumer_secret } = state.credentials ?? DEFAULT_CREDENTIALS;
  const expected = `Basic ${Buffer.from(`${consumer_key}:${consumer_secret}`).toString("base64")}`;
  return headers.authorization === expected;
}

function nextId(state) {
  state.next_id = (state.next_id ?? 9000) + 1;
  return state.next_id;
}

function listOrders(query, state) {
  const after = query.get("modified_after");
  const before = query.get("modified_before");
  const page = Number(query.get("page") ?? 1);
  const perPage = Number(query.get("per_page") ?? 10);
  if (query.get("orderby") && query.get("orderby") !== "modified" && query.get("orderby") !== "date") return error(400, "rest_invalid_param", "Invalid parameter(s): orderby");
  const orders = (state.orders ?? [])
    .filter((o) => (!after || gmt(o.date_modified_gmt) > gmt(after)) && (!before || gmt(o.date_modified_gmt) < gmt(before)))
    .sort((a, b) => gmt(a.date_modified_gmt) - gmt(b.date_modified_gmt) || a.id - b.id);
  if (query.get("order") === "desc") orders.reverse();
  const totalPages = Math.ceil(orders.length / perPage);
  return json(200, orders.slice((page - 1) * perPage, page * perPage), { "x-wp-total": String(orders.length), "x-wp-totalpages": String(totalPages) });
}

export async function handle({ method, path, query, headers, body, state }) {
  if (state.fail?.length) {
    const f = state.fail.shift();
    return {
      status: f.status,
      headers: { "content-type": "application/json", ...(f.headers ?? {}) },
      body: JSON.stringify(f.body ?? { code: "stand_in_failure", message: "played failure" }),
    };
  }
  if (!authorised(headers, state)) return error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
  const parts = path.split("/").filter(Boolean);
  if (parts[0] !== "orders") return error(404, "rest_no_route", "No route was found matching the URL and request method.");
  if (parts.length === 1 && method === "GET") return listOrders(query, state);
  const order = (state.orders ?? []).find((o) => String(o.id) === parts[1]);
  if (!order) return error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
  const input = body.length ? JSON.parse(body.toString("utf8")) : {};
  if (parts.length === 2 && method === "GET") return json(200, order);
  if (parts.length === 2 && (method === "PUT" || method === "POST")) {
    if (input.status) order.status = input.status;
    for (const m of input.meta_data ?? []) {
      const at = order.meta_data.findIndex((x) => x.key === m.key);
      if (at >= 0) order.meta_data[at] = { ...order.meta_data[at], value: m.value };
      else order.meta_data.push({ id: nextId(state), key: m.key, value: m.value });
    }
    order.date_modified_gmt = nowGmt();
    return json(200, order);
  }
  if (parts[2] === "notes" && method === "POST") {
    if (!input.note) return error(400, "rest_missing_callback_param", "Missing parameter(s): note");
    const note = { id: nextId(state), author: "WooCommerce", date_created_gmt: nowGmt(), note: input.note, customer_note: input.customer_note === true };
    state.notes ??= {};
    (state.notes[order.id] ??= []).push(note);
    return json(201, note);
  }
  if (parts[2] === "refunds" && method === "GET") return json(200, state.refunds?.[order.id] ?? []);
  if (parts[2] === "refunds" && method === "POST") {
    if (!/^\d+(\.\d+)?$/.test(String(input.amount ?? ""))) return error(400, "woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.");
    const refund = {
      id: nextId(state),
      date_created_gmt: nowGmt(),
      amount: input.amount,
      reason: input.reason ?? "",
      refunded_payment: input.api_refund !== false,
      line_items: input.line_items ?? [],
    };
    state.refunds ??= {};
    (state.refunds[order.id] ??= []).push(refund);
    order.refunds.push({ id: refund.id, reason: refund.reason, total: `-${refund.amount}` });
    order.date_modified_gmt = nowGmt();
    return json(201, refund);
  }
  return error(404, "rest_no_route", "No route was found matching the URL and request method.");
}
