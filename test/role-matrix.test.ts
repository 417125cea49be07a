/**
 * Every API route against every role: a role without the route's declared
 * permission gets a 403 problem; a role with it never does. The route list
 * comes from the app itself, so a new route without a sample here fails.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createServiceTasks } from "../src/fulfilment/service-tasks";
import { can, COMPOSABLE_PERMISSIONS, type Permission, permissionSet, permissionsOf, ROLES, type Role } from "../src/auth/roles";
import { ORDER_EVENTS } from "../src/orders/lifecycle";
import { linkChangedOrders } from "../src/customers/link-orders";
import { API_ROUTES } from "../src/http/route";
import "../src/app";
import { DEFAULT_CONFIG } from "../src/logistics/carrier-config";
import { ADMIN, api, createKey, createOrder, createProduct, createStore, orderBody, unique } from "./helpers";
import { stripeFile } from "./settlement-file.mjs";
import { asPerson, createUser, sessionFor, type TestSession } from "./staff-helpers";
import { allocatedOrder, approvedOrder, floorShipment, mergeablePair, stockedWarehouse } from "./processing-helpers";
import { packedOrder } from "./logistics-helpers";
import { newId } from "../src/lib/ids";
import { database } from "../src/db/client";
import { channelPushes } from "../src/db/schema";

let store: { id: string };
let product: { id: string };
let warehouse: { id: string };
let shipmentId: string;
/** Logistics samples get their own store: packing test orders changes its routing policy. */
let logStore: { id: string };
let labelled: { shipmentId: string; orderId: string };
const keys = {} as Record<Role, string>;

beforeAll(async () => {
  store = await createStore();
  product = await createProduct(store.id, "TEA-1");
  await createProduct(store.id, "SVC-1", { type: "service" });
  warehouse = await stockedWarehouse({ bins: ["A-01", "A-02"], stock: [["A-01", "TEA-1", 10_000]] });
  for (const role of ROLES) keys[role] = await createKey(role, role === "channel" ? [store.id] : ["*"]);
  shipmentId = (await allocatedOrder(store.id, { lines: [{ sku: "TEA-1", quantity: 1, unit_price: "1.00" }] })).allocation.shipments[0].id;
  logStore = await createStore();
  labelled = await labelledShipment();
});

let destination: string | undefined;
/** A second warehouse with a bin, where the matrix transfers go. */
async function matrixDestination(): Promise<string> {
  if (!destination) {
    const r = await api("/v1/warehouses", { body: { name: unique("dest"), country: "US", region: "NJ" } });
    await api(`/v1/warehouses/${r.body.id}/bins`, { body: { code: "D-01" } });
    destination = r.body.id as string;
  }
  return destination;
}

/** One unit of TEA-1 in transit from the matrix warehouse. */
async function matrixTransfer(): Promise<string> {
  const r = await api("/v1/transfers", {
    body: { from_warehouse_id: warehouse.id, to_warehouse_id: await matrixDestination(), lines: [{ sku: "TEA-1", from_bin: "A-01", quantity: 1 }] },
  });
  if (r.status !== 201) throw new Error(`transfer: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

let settlementSeq = 0;
/** A Stripe balance file of one charge nobody recorded: its line 1 is `not_ours`. */
const matrixSettlementFile = () =>
  stripeFile({ captures: [], notOurs: 0 }).csv.replace(
    /\n/,
    `\ntxn_m${settlementSeq},charge,ch_matrix_${Date.now()}_${settlementSeq++},1.00,0.30,0,0.70,usd,2026-11-20 10:00,,,,,,,\n`,
  );
let sharedSettlement: { id: string } | undefined;
async function matrixSettlement(fresh = false): Promise<{ id: string }> {
  if (sharedSettlement && !fresh) return sharedSettlement;
  const res = await exports.default.fetch(`http://oms.test/v1/settlements?store_id=${store.id}&format=stripe_balance`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/csv" },
    body: matrixSettlementFile(),
  });
  if (res.status !== 201) throw new Error(`settlement: ${res.status} ${await res.text()}`);
  const s = (await res.json()) as { id: string };
  if (!fresh) sharedSettlement = s;
  return s;
}

/** An approved order of the matrix store with its invoice. */
async function invoicedOrder(): Promise<string> {
  const { id } = await approvedOrder(store.id);
  const r = await api(`/v1/orders/${id}/invoice`, { method: "POST" });
  if (r.status !== 201) throw new Error(`invoice: ${r.status} ${JSON.stringify(r.body)}`);
  return id;
}

/** A supplier of the matrix store. */
async function matrixSupplier(): Promise<string> {
  const r = await api("/v1/suppliers", { body: { store_id: store.id, name: unique("supplier"), currency: "USD" } });
  if (r.status !== 201) throw new Error(`supplier: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/** A purchase order of the matrix store for 10 TEA-1 into the matrix warehouse: a draft, or submitted. */
async function matrixPurchaseOrder(submitted: boolean): Promise<string> {
  const r = await api("/v1/purchase-orders", {
    body: { supplier_id: await matrixSupplier(), warehouse_id: warehouse.id, lines: [{ sku: "TEA-1", quantity: 10, unit_cost: "1.00" }] },
  });
  if (r.status !== 201) throw new Error(`purchase order: ${r.status} ${JSON.stringify(r.body)}`);
  if (submitted) await api(`/v1/purchase-orders/${r.body.id}/transitions`, { body: { event: "submit" } });
  return r.body.id;
}

/** A packed shipment with a sandbox label, ready to hand over. */
async function labelledShipment() {
  const { order, shipmentId: id } = await packedOrder(logStore.id);
  const r = await api(`/v1/shipments/${id}/label`, { body: {} });
  if (r.status !== 201) throw new Error(`label: ${r.status} ${JSON.stringify(r.body)}`);
  return { shipmentId: id, orderId: order.id as string };
}

const channelConnectionBody = () => ({
  store_id: store.id,
  platform: "shopify",
  name: "matrix shop",
  shop_domain: "matrix.myshopify.com",
  api_base_url: "https://matrix.myshopify.com/admin/api/2025-07",
  webhook_secret: "matrix_secret_123",
});

/** A channel connection of the matrix store. */
async function channelConnection(): Promise<string> {
  const r = await api("/v1/channel-connections", { body: channelConnectionBody() });
  if (r.status !== 201) throw new Error(`connection: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/** An open delivery exception on the labelled shipment. */
async function openException(): Promise<string> {
  const id = newId("lex");
  await env.DB.prepare(
    "INSERT INTO logistics_exceptions (id, shipment_id, order_id, store_id, kind, detail, status, open_key, created_at) VALUES (?, ?, ?, ?, 'exception', 'matrix', 'open', ?, ?)",
  )
    .bind(id, labelled.shipmentId, labelled.orderId, logStore.id, `matrix:${id}`, Date.now())
    .run();
  return id;
}

/** An open floor exception on the matrix store's shipment (as a short pick would leave). */
async function openFulfilmentException(): Promise<string> {
  const id = newId("exc");
  await env.DB.prepare(
    "INSERT INTO fulfilment_exceptions (id, shipment_id, item_id, kind, quantity, note, status, created_by, created_at) VALUES (?, ?, NULL, 'short_pick', 1, 'matrix', 'open', 'matrix', ?)",
  )
    .bind(id, shipmentId, Date.now())
    .run();
  return id;
}

/** An open task of a fresh approved service order. */
async function serviceTask(): Promise<string> {
  const o = await approvedOrder(store.id, { lines: [{ sku: "SVC-1", quantity: 1, unit_price: "5.00" }] });
  await createServiceTasks(env, o.id);
  const row = await env.DB.prepare("SELECT id FROM service_tasks WHERE order_id = ?").bind(o.id).first<{ id: string }>();
  return row!.id;
}

/** A webhook subscription of the matrix store with one (already failed) delivery of its latest event. */
async function matrixDelivery() {
  const r = await api("/v1/webhook-subscriptions", { body: { store_id: store.id, url: `${inject("standInUrl")}/receiver~matrix/hook`, event_types: ["order.*"] } });
  if (r.status !== 201) throw new Error(`subscription: ${r.status} ${JSON.stringify(r.body)}`);
  const id = newId("msg");
  await env.DB.prepare(
    "INSERT INTO webhook_deliveries (id, subscription_id, event_seq, status, attempts, next_attempt_at, created_at) SELECT ?, ?, max(seq), 'failed', 8, 0, 0 FROM events",
  )
    .bind(id, r.body.id)
    .run();
  return { id, subscriptionId: r.body.id as string };
}

/** A delivered order of the matrix store, and an open after-sales request on it. */
async function deliveredOrder(): Promise<string> {
  const o = await createOrder(store.id, { payment_status: "paid" });
  for (const event of ["approve", "process", "fulfil_externally", "deliver"]) await api(`/v1/orders/${o.id}/transitions`, { body: { event } });
  return o.id;
}
async function afterSalesRequest(): Promise<string> {
  const r = await api(`/v1/orders/${await deliveredOrder()}/after-sales`, { body: { kind: "refund", reason: "matrix" } });
  if (r.status !== 201) throw new Error(`after-sales: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/**
 * Who walks the matrix: a built-in role's key, or a custom position as a key
 * and as a signed-in person. `position` is what it may hand on (its own),
 * `has` what it holds.
 */
type Actor = {
  name: string;
  position: string;
  has: (p: Permission) => boolean;
  call: (path: string, init: { method: string; body?: unknown; headers?: Record<string, string> }) => ReturnType<typeof api>;
  /** A person's own live session for this request (their own account's routes end or change it). */
  session?: () => Promise<TestSession>;
};

const keyActor = (role: Role): Actor => ({ name: role, position: role, has: (p) => can(role, p), call: (path, init) => api(path, { ...init, key: keys[role] }) });

/** The password of every person the matrix makes. */
const PERSON_PASSWORD = "correct horse battery staple";

/** A person on staff in this position: an invitee, or a colleague to change. */
async function staffIn(position: string, status: "active" | "invited" = "active") {
  return (await createUser({ positions: [position], status, password: PERSON_PASSWORD })).id;
}

/** A custom position of one permission, to change or archive. */
async function customPosition(permission: string) {
  const r = await api("/v1/positions", { body: { name: unique("matrix"), permissions: [permission] } });
  if (r.status !== 201) throw new Error(`position: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

/** A customer of the matrix's store: an order with an email of its own, linked as the rollup cron would. */
async function matrixCustomer(): Promise<string> {
  const order = await createOrder(store.id, { customer: { name: "Matrix Customer", email: `${unique("m").replace(/[^a-z0-9-]/gi, "")}@example.com` } });
  while ((await linkChangedOrders(env, { upTo: Date.now() + 1000, limit: 200 })) > 0);
  const link = await env.DIRECTORY.prepare("SELECT customer_id FROM customer_links WHERE order_id = ?").bind(order.id).first<{ customer_id: string }>();
  if (!link) throw new Error(`no customer for ${order.id}`);
  return link.customer_id;
}

/** A request each route would accept from an actor allowed to make it. */
/**
 * `lifecycleMayRefuse`: the state may not allow it (409). `inputMayRefuse`: a person's own two-factor and passkey
 * steps need a live authenticator's answer, which their own tests (test/two-factor.test.ts, test/passkeys.test.ts)
 * give; here it is enough that the permission let the request through to its validation (4xx, never 401/403).
 */
type Sample = { path: string; body?: unknown; headers?: Record<string, string>; lifecycleMayRefuse?: boolean; inputMayRefuse?: boolean };

async function sample(method: string, path: string, actor: Actor): Promise<Sample> {
  const held = COMPOSABLE_PERMISSIONS.find(actor.has) ?? "orders:read";
  switch (`${method} ${path}`) {
    case "POST /v1/orders":
      return { path, body: orderBody(store.id) };
    case "GET /v1/orders":
      return { path };
    case "GET /v1/orders/{id}":
    case "GET /v1/orders/{id}/events":
      return { path: path.replace("{id}", (await createOrder(store.id)).id) };
    case "POST /v1/orders/{id}/transitions":
      // An event this role may fire (each event's permission is walked below); from received it may be illegal (409).
      return {
        path: path.replace("{id}", (await createOrder(store.id)).id),
        body: { event: ORDER_EVENTS.find((e) => actor.has(`orders:transition:${e}`)) ?? "approve", reason: "matrix" },
        lifecycleMayRefuse: true,
      };
    case "POST /v1/stores":
      return { path, body: { name: unique("s"), currency: "EUR" } };
    case "GET /v1/stores":
      return { path };
    case "GET /v1/stores/{id}":
      return { path: path.replace("{id}", store.id) };
    case "PATCH /v1/stores/{id}":
      return { path: path.replace("{id}", store.id), body: { timezone: "Europe/Berlin" } };
    case "POST /v1/products":
      return { path, body: { store_id: store.id, sku: unique("sku"), name: "Thing", price: "1.00" } };
    case "GET /v1/products":
      return { path };
    case "GET /v1/products/{id}":
      return { path: path.replace("{id}", product.id) };
    case "PATCH /v1/products/{id}":
      return { path: path.replace("{id}", product.id), body: { price: "11.00" } };
    case "POST /v1/api-keys":
      // Its own position: no key holds more than its maker.
      return { path, body: { name: "k", role: actor.position, store_ids: [store.id] } };
    case "GET /v1/api-keys":
    case "GET /v1/activity":
      return { path };
    case "GET /v1/reports/orders":
    case "GET /v1/reports/finance-daily":
    case "GET /v1/reports/gross-profit":
    case "GET /v1/reports/processing-times":
    case "GET /v1/reports/sla-breaches":
    case "GET /v1/reports/staff":
    case "GET /v1/reports/reasons":
    case "GET /v1/reports/skus":
    case "GET /v1/reports/floor":
    case "GET /v1/reports/audit-findings":
    case "GET /v1/reports/carriers":
      return { path: `${path}?from=2026-01-01&to=2026-01-31${path.endsWith("sla-breaches") ? "" : "&group_by=day"}` };
    case "GET /v1/reports/freshness":
    case "GET /v1/reports/overdue-orders":
    case "GET /v1/reports/order-export":
      return { path };
    case "POST /v1/reports/rebuild":
      return { path, body: { confirm: true } };
    case "GET /v1/pools":
      return { path };
    // The main pool, asked to move where it is (409 `same_shard`), has no move to show (404): the matrix moves nothing.
    case "GET /v1/pools/{id}/move":
      return { path: path.replace("{id}", "pool_s0"), inputMayRefuse: true };
    case "POST /v1/pools/{id}/move":
      return { path: path.replace("{id}", "pool_s0"), body: { to_shard: "s0" }, lifecycleMayRefuse: true };
    case "GET /v1/stores/{id}/sla":
      return { path: path.replace("{id}", store.id) };
    case "PUT /v1/stores/{id}/sla":
      return {
        path: path.replace("{id}", store.id),
        body: { received_to_approved_minutes: 60, approved_to_shipped_minutes: null, shipped_to_delivered_minutes: null, received_to_completed_minutes: null },
      };
    case "DELETE /v1/api-keys/{id}": {
      const created = await api("/v1/api-keys", { body: { name: "doomed", role: "analyst", store_ids: [store.id] } });
      return { path: path.replace("{id}", created.body.id) };
    }
    case "PATCH /v1/orders/{id}":
      return { path: path.replace("{id}", (await createOrder(store.id)).id), body: { note: "Ring twice" } };
    case "POST /v1/orders/{id}/payment":
      return { path: path.replace("{id}", (await createOrder(store.id)).id), body: { payment_status: "paid" } };
    case "GET /v1/orders/{id}/audits":
    case "POST /v1/orders/{id}/audit":
      return { path: path.replace("{id}", (await createOrder(store.id)).id) };
    case "POST /v1/audit/dry-run":
      return { path, body: { order_id: (await createOrder(store.id)).id } };
    case "GET /v1/notifications":
      return { path };
    case "POST /v1/orders/{id}/customer-link":
      return { path: path.replace("{id}", (await createOrder(store.id)).id) };
    case "GET /v1/review-queue":
      return { path };
    // A fresh received order each: a claim is the caller's alone, and a note needs an order to sit on.
    case "GET /v1/orders/{id}/claim":
    case "POST /v1/orders/{id}/claim":
    case "DELETE /v1/orders/{id}/claim":
    case "GET /v1/orders/{id}/notes":
      return { path: path.replace("{id}", (await createOrder(store.id)).id) };
    case "POST /v1/orders/{id}/notes":
      return { path: path.replace("{id}", (await createOrder(store.id)).id), body: { body: "Matrix note" } };
    case "GET /v1/stores/{id}/audit-rules":
    case "GET /v1/stores/{id}/blocklist":
      return { path: path.replace("{id}", store.id) };
    case "PUT /v1/stores/{id}/audit-rules":
      return { path: path.replace("{id}", store.id), body: { rules: [{ kind: "address" }, { kind: "price", params: { tolerance_percent: 5 } }] } };
    case "POST /v1/stores/{id}/blocklist":
      return { path: path.replace("{id}", store.id), body: { kind: "email", email: `${unique("blocked")}@example.com` } };
    case "DELETE /v1/stores/{id}/blocklist/{entry_id}": {
      const entry = await api(`/v1/stores/${store.id}/blocklist`, { body: { kind: "phone", phone: `+1 415 555 ${String(Math.random()).slice(2, 6)}` } });
      return { path: path.replace("{id}", store.id).replace("{entry_id}", entry.body.id) };
    }
    // Inventory
    case "POST /v1/warehouses":
      return { path, body: { name: unique("wh"), country: "US" } };
    case "GET /v1/warehouses":
      return { path };
    case "GET /v1/warehouses/{id}":
    case "GET /v1/warehouses/{id}/zones":
    case "GET /v1/warehouses/{id}/bins":
    case "GET /v1/warehouses/{id}/stock":
    case "GET /v1/warehouses/{id}/movements":
    case "GET /v1/warehouses/{id}/costs":
    case "GET /v1/warehouses/{id}/stock-check":
    case "GET /v1/warehouses/{id}/changes":
      return { path: path.replace("{id}", warehouse.id) };
    case "PATCH /v1/warehouses/{id}":
      return { path: path.replace("{id}", warehouse.id), body: { weight_tolerance_pct: 5 } };
    case "POST /v1/warehouses/{id}/zones":
      return { path: path.replace("{id}", warehouse.id), body: { code: unique("Z").slice(-20), name: "zone" } };
    case "POST /v1/warehouses/{id}/bins":
      return { path: path.replace("{id}", warehouse.id), body: { code: unique("B").slice(-20) } };
    case "GET /v1/warehouses/{id}/package-types":
      return { path: path.replace("{id}", warehouse.id) };
    case "POST /v1/warehouses/{id}/package-types":
      return { path: path.replace("{id}", warehouse.id), body: { code: unique("PK").slice(-20), name: "carton", tare_grams: 100, length_mm: 100, width_mm: 100, height_mm: 100 } };
    case "PATCH /v1/warehouses/{id}/package-types/{code}": {
      const code = unique("PK").slice(-20);
      await api(`/v1/warehouses/${warehouse.id}/package-types`, { body: { code, name: "carton", tare_grams: 100, length_mm: 100, width_mm: 100, height_mm: 100 } });
      return { path: path.replace("{id}", warehouse.id).replace("{code}", code), body: { tare_grams: 90 } };
    }
    case "POST /v1/warehouses/{id}/receipts":
      return { path: path.replace("{id}", warehouse.id), body: { lines: [{ sku: "TEA-1", bin: "A-01", quantity: 1, unit_cost: "1.00" }] } };
    case "POST /v1/warehouses/{id}/adjustments":
      return { path: path.replace("{id}", warehouse.id), body: { bin: "A-01", sku: "TEA-1", delta: 1, reason: "matrix" } };
    case "POST /v1/warehouses/{id}/transfers":
      return { path: path.replace("{id}", warehouse.id), body: { sku: "TEA-1", quantity: 1, from_bin: "A-01", to_warehouse_id: warehouse.id, to_bin: "A-02" } };
    case "POST /v1/warehouses/{id}/counts":
      return { path: path.replace("{id}", warehouse.id), body: { lines: [{ bin: "A-02", sku: "MATRIX", counted: 1 }] } };
    // Purchasing
    case "POST /v1/suppliers":
      return { path, body: { store_id: store.id, name: unique("supplier"), currency: "USD" } };
    case "GET /v1/suppliers":
    case "GET /v1/purchase-orders":
      return { path };
    case "GET /v1/suppliers/{id}":
    case "GET /v1/suppliers/{id}/items":
      return { path: path.replace("{id}", await matrixSupplier()) };
    case "PATCH /v1/suppliers/{id}":
      return { path: path.replace("{id}", await matrixSupplier()), body: { note: "matrix" } };
    case "PUT /v1/suppliers/{id}/items/{sku}":
      return { path: path.replace("{id}", await matrixSupplier()).replace("{sku}", "TEA-1"), body: { unit_cost: "1.00" } };
    case "DELETE /v1/suppliers/{id}/items/{sku}": {
      const id = await matrixSupplier();
      await api(`/v1/suppliers/${id}/items/TEA-1`, { method: "PUT", body: { unit_cost: "1.00" } });
      return { path: path.replace("{id}", id).replace("{sku}", "TEA-1") };
    }
    case "POST /v1/purchase-orders":
      return { path, body: { supplier_id: await matrixSupplier(), warehouse_id: warehouse.id, lines: [{ sku: "TEA-1", quantity: 10, unit_cost: "1.00" }] } };
    case "GET /v1/purchase-orders/{id}":
    case "GET /v1/purchase-orders/{id}/pdf":
      return { path: path.replace("{id}", await matrixPurchaseOrder(false)) };
    case "PATCH /v1/purchase-orders/{id}":
      return { path: path.replace("{id}", await matrixPurchaseOrder(false)), body: { note: "matrix" } };
    case "POST /v1/purchase-orders/{id}/transitions":
      return { path: path.replace("{id}", await matrixPurchaseOrder(false)), body: { event: "submit" } };
    case "POST /v1/purchase-orders/{id}/receipts":
      return { path: path.replace("{id}", await matrixPurchaseOrder(true)), body: { lines: [{ line_no: 1, bin: "A-01", quantity: 1 }] } };
    // Invoices
    case "POST /v1/orders/{id}/invoice":
      return { path: path.replace("{id}", (await approvedOrder(store.id)).id) };
    case "GET /v1/orders/{id}/invoice":
    case "GET /v1/orders/{id}/invoice.pdf":
      return { path: path.replace("{id}", await invoicedOrder()) };
    case "GET /v1/invoices":
      return { path };
    // The ledger and settlements
    case "GET /v1/orders/{id}/ledger":
      return { path: path.replace("{id}", (await createOrder(store.id)).id) };
    case "POST /v1/orders/{id}/ledger/corrections": {
      // A paid order of its own each time: its capture is corrected once.
      const o = await createOrder(store.id, { payment_status: "unpaid" });
      await api(`/v1/orders/${o.id}/payment`, { body: { payment_status: "paid", reference: `ch_matrix_${o.id}` } });
      const entry = await env.DB.prepare("SELECT id FROM ledger_entries WHERE order_id = ? AND kind = 'captured'").bind(o.id).first<{ id: string }>();
      return { path: path.replace("{id}", o.id), body: { entry_id: entry!.id, reason: "matrix" } };
    }
    case "POST /v1/settlements":
      // A file of its own each time (a file imported before answers 200, which would do too).
      return { path: `${path}?store_id=${store.id}&format=stripe_balance`, body: matrixSettlementFile(), headers: { "content-type": "text/csv" } };
    case "GET /v1/settlements":
      return { path: `${path}?store_id=${store.id}` };
    case "GET /v1/settlements/{id}":
    case "GET /v1/settlements/{id}/lines":
      return { path: path.replace("{id}", (await matrixSettlement()).id) };
    case "POST /v1/settlements/{id}/lines/{line_no}/resolve": {
      // A new settlement each time: its one line is not ours and not resolved yet.
      const s = await matrixSettlement(true);
      return { path: path.replace("{id}", s.id).replace("{line_no}", "1"), body: { note: "matrix" } };
    }
    case "GET /v1/customers":
    case "GET /v1/customers.csv":
      return { path };
    case "GET /v1/customers/{id}":
    case "GET /v1/customers/{id}/export":
      return { path: path.replace("{id}", await matrixCustomer()) };
    case "PATCH /v1/customers/{id}":
      return { path: path.replace("{id}", await matrixCustomer()), body: { tags: ["matrix"], note: "matrix" } };
    case "POST /v1/customers/{id}/merge":
      return { path: path.replace("{id}", await matrixCustomer()), body: { customer_id: await matrixCustomer() } };
    case "POST /v1/customers/{id}/unmerge": {
      const [target, source] = [await matrixCustomer(), await matrixCustomer()];
      await api(`/v1/customers/${target}/merge`, { body: { customer_id: source } });
      return { path: path.replace("{id}", source) };
    }
    case "POST /v1/customers/{id}/erase":
      return { path: path.replace("{id}", await matrixCustomer()), body: { reason: "matrix erasure" } };
    case "GET /v1/reports/suppliers":
      return { path: `${path}?from=2026-11-01&to=2026-11-30` };
    case "GET /v1/reports/stock":
      return { path };
    case "POST /v1/transfers":
      return { path, body: { from_warehouse_id: warehouse.id, to_warehouse_id: await matrixDestination(), lines: [{ sku: "TEA-1", from_bin: "A-01", quantity: 1 }] } };
    case "GET /v1/transfers":
      return { path };
    case "GET /v1/transfers/{id}":
      return { path: path.replace("{id}", await matrixTransfer()) };
    case "POST /v1/transfers/{id}/receipts":
      return { path: path.replace("{id}", await matrixTransfer()), body: { lines: [{ line_no: 1, bin: "D-01", quantity: 1 }] } };
    case "GET /v1/replenishment":
      return { path: `${path}?store_id=${store.id}&warehouse_id=${warehouse.id}` };
    case "POST /v1/replenishment/purchase-orders":
      return { path, body: { store_id: store.id, warehouse_id: warehouse.id } };
    case "GET /v1/stock":
      return { path: `${path}?sku=TEA-1` };
    // Allocation and shipments
    case "GET /v1/stores/{id}/routing-policy":
      return { path: path.replace("{id}", store.id) };
    case "PUT /v1/stores/{id}/routing-policy":
      return { path: path.replace("{id}", store.id), body: { default_warehouses: [warehouse.id] } };
    case "POST /v1/allocations/dry-run":
      return { path, body: { store_id: store.id, destination: { country: "US" }, lines: [{ sku: "TEA-1", quantity: 1 }] } };
    case "GET /v1/orders/{id}/allocation":
      return { path: path.replace("{id}", (await createOrder(store.id)).id) };
    case "POST /v1/orders/{id}/allocation":
      return { path: path.replace("{id}", (await approvedOrder(store.id)).id), body: {} };
    case "GET /v1/shipments":
      return { path };
    case "GET /v1/shipments/{id}":
      return { path: path.replace("{id}", shipmentId) };
    case "GET /v1/fulfilment-exceptions":
      return { path };
    case "GET /v1/fulfilment-exceptions/{id}":
      return { path: path.replace("{id}", await openFulfilmentException()) };
    case "POST /v1/fulfilment-exceptions/{id}/resolve":
      return { path: path.replace("{id}", await openFulfilmentException()), body: { action: "dismiss", note: "matrix" } };
    // Service tasks
    case "GET /v1/service-tasks":
      return { path };
    case "GET /v1/service-tasks/{id}":
      return { path: path.replace("{id}", await serviceTask()) };
    case "POST /v1/service-tasks/{id}/transitions":
      return { path: path.replace("{id}", await serviceTask()), body: { event: "assign", assignee: "tech:matrix" } };
    case "POST /v1/shipments/merge":
      return { path, body: { shipment_ids: [...(await mergeablePair())] } };
    case "POST /v1/shipments/{id}/unmerge": {
      const pair = await mergeablePair();
      await api("/v1/shipments/merge", { body: { shipment_ids: [...pair] } });
      return { path: path.replace("{id}", pair[0]), body: {} };
    }
    // Warehouse floor
    case "POST /v1/waves":
      return { path, body: { warehouse_id: warehouse.id, group_by: "zone" } };
    case "GET /v1/waves":
    case "GET /v1/warehouse-events":
      return { path };
    case "GET /v1/waves/{id}":
      return { path: path.replace("{id}", (await floorShipment("waved")).waveId) };
    case "POST /v1/waves/{id}/picks": {
      const s = await floorShipment("waved");
      return { path: path.replace("{id}", s.waveId), body: { item_id: s.itemId, scanned: s.sku, quantity: 1 } };
    }
    case "POST /v1/shipments/{id}/pack-scans": {
      const s = await floorShipment("picked");
      return { path: path.replace("{id}", s.shipmentId), body: { code: s.sku } };
    }
    case "POST /v1/shipments/{id}/pack":
      return { path: path.replace("{id}", (await floorShipment("scanned")).shipmentId), body: { packages: [{ length_mm: 10, width_mm: 10, height_mm: 10, weight_grams: 5 }] } };
    case "POST /v1/shipments/{id}/intercept":
      return { path: path.replace("{id}", (await floorShipment("pending")).shipmentId), body: { reason: "matrix" } };
    case "POST /v1/shipments/{id}/interception/resolve":
      return { path: path.replace("{id}", (await floorShipment("intercepted")).shipmentId), body: { action: "release" } };
    // Logistics
    case "GET /v1/stores/{id}/logistics":
      return { path: path.replace("{id}", logStore.id) };
    case "PUT /v1/stores/{id}/logistics":
      return { path: path.replace("{id}", logStore.id), body: DEFAULT_CONFIG };
    case "POST /v1/carrier-choices/dry-run":
      return { path, body: { store_id: logStore.id, destination: { country: "US" }, packages: [{ weight_grams: 500, length_mm: 100, width_mm: 100, height_mm: 100 }] } };
    case "POST /v1/shipments/{id}/label":
      return { path: path.replace("{id}", actor.has("labels:create") ? (await packedOrder(logStore.id)).shipmentId : labelled.shipmentId), body: {} };
    case "GET /v1/shipments/{id}/label":
    case "GET /v1/shipments/{id}/label.pdf":
    case "GET /v1/shipments/{id}/tracking":
      return { path: path.replace("{id}", labelled.shipmentId) };
    case "DELETE /v1/shipments/{id}/label":
      return { path: path.replace("{id}", actor.has("labels:create") ? (await labelledShipment()).shipmentId : labelled.shipmentId) };
    case "POST /v1/shipments/{id}/handover":
      return { path: path.replace("{id}", actor.has("shipments:handover") ? (await labelledShipment()).shipmentId : labelled.shipmentId), body: {} };
    case "POST /v1/shipments/{id}/tracking-events":
      return { path: path.replace("{id}", actor.has("tracking:record") ? (await labelledShipment()).shipmentId : labelled.shipmentId), body: { status: "in_transit" } };
    case "GET /v1/orders/{id}/tracking":
      return { path: path.replace("{id}", labelled.orderId) };
    case "GET /v1/tracking-events":
    case "GET /v1/logistics/exceptions":
      return { path };
    case "POST /v1/logistics/exceptions/{id}/resolve":
      return { path: path.replace("{id}", await openException()), body: { resolution: "matrix" } };
    // After-sales
    case "POST /v1/orders/{id}/after-sales":
      return { path: path.replace("{id}", await deliveredOrder()), body: { kind: "claim", reason: "matrix" } };
    case "GET /v1/orders/{id}/after-sales":
      return { path: path.replace("{id}", await deliveredOrder()) };
    case "GET /v1/after-sales":
      return { path };
    case "GET /v1/after-sales/{id}":
      return { path: path.replace("{id}", await afterSalesRequest()) };
    case "POST /v1/after-sales/{id}/transitions":
      return { path: path.replace("{id}", await afterSalesRequest()), body: { event: "accept" } };
    // Channels: reconciliation, backfills and pushes to platforms
    case "POST /v1/channel-connections/{id}/backfills":
      return { path: path.replace("{id}", await channelConnection()), body: { from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z" } };
    case "GET /v1/channel-connections/{id}/sync-runs":
    case "GET /v1/channel-connections/{id}/pushes":
      return { path: path.replace("{id}", await channelConnection()) };
    case "POST /v1/channel-pushes/{id}/retry":
      return { path: path.replace("{id}", await refusedPush()) };
    // The change feed and partner webhooks (the stand-in receiver as the endpoint)
    case "GET /v1/events":
    case "GET /v1/webhook-subscriptions":
    case "GET /v1/notices":
      return { path };
    case "POST /v1/webhook-subscriptions":
      return { path, body: { store_id: store.id, url: `${inject("standInUrl")}/receiver~matrix/hook`, event_types: ["stock.*"] } };
    case "GET /v1/webhook-subscriptions/{id}":
    case "DELETE /v1/webhook-subscriptions/{id}":
    case "POST /v1/webhook-subscriptions/{id}/rotate-secret":
    case "GET /v1/webhook-subscriptions/{id}/deliveries":
      return { path: path.replace("{id}", (await matrixDelivery()).subscriptionId) };
    case "PATCH /v1/webhook-subscriptions/{id}":
      return { path: path.replace("{id}", (await matrixDelivery()).subscriptionId), body: { description: "matrix" } };
    case "POST /v1/webhook-subscriptions/{id}/replay":
      return { path: path.replace("{id}", (await matrixDelivery()).subscriptionId), body: { since: new Date().toISOString() } };
    case "GET /v1/webhook-subscriptions/{id}/deliveries/{delivery_id}":
    case "POST /v1/webhook-subscriptions/{id}/deliveries/{delivery_id}/replay": {
      const d = await matrixDelivery();
      return { path: path.replace("{id}", d.subscriptionId).replace("{delivery_id}", d.id) };
    }
    // Channel connections
    case "POST /v1/channel-connections":
      return { path, body: channelConnectionBody() };
    case "GET /v1/channel-connections":
      return { path };
    case "GET /v1/channel-connections/{id}":
    case "GET /v1/channel-connections/{id}/sku-map":
    case "GET /v1/channel-connections/{id}/inbox":
      return { path: path.replace("{id}", await channelConnection()) };
    case "PATCH /v1/channel-connections/{id}":
      return { path: path.replace("{id}", await channelConnection()), body: { name: "renamed" } };
    case "PUT /v1/channel-connections/{id}/sku-map":
      return { path: path.replace("{id}", await channelConnection()), body: { entries: [{ platform_key: "SOCK-1", sku: "TEA-1" }] } };
    // A person's own account (`account:self`): no key holds it, so every role is refused. People call each with a
    // fresh session of their own (signing out must not end the walk).
    case "GET /v1/me":
    case "POST /v1/me/sign-out":
    case "POST /v1/me/sign-out-everywhere":
    case "GET /v1/me/sessions":
      return { path };
    case "DELETE /v1/me/sessions/{id}":
      return { path: path.replace("{id}", actor.session ? (await actor.session()).id : "0".repeat(64)) };
    case "GET /v1/me/saved-views":
      return { path: `${path}?page=orders` };
    case "POST /v1/me/saved-views":
      return { path, body: { name: unique("view"), page: "orders", query: "status=on_hold" } };
    case "DELETE /v1/me/saved-views/{id}":
      // Someone else's or no view: a 404 once the permission let it through.
      return { path: path.replace("{id}", "svw_none"), inputMayRefuse: true };
    case "PUT /v1/me/password":
      return { path, body: { current_password: PERSON_PASSWORD, new_password: "a brand new passphrase" } };
    case "PATCH /v1/me":
      return { path, body: { locale: "zh-CN" } };
    // Staff and positions: what the actor hands on is its own position, never more.
    case "POST /v1/users":
      return { path, body: { email: `${unique("matrix")}@staff.example`, display_name: "Matrix", positions: [actor.position] } };
    case "GET /v1/users":
    case "GET /v1/positions":
      return { path };
    case "GET /v1/users/{id}":
      return { path: path.replace("{id}", await staffIn("picker")) };
    case "PATCH /v1/users/{id}":
      return { path: path.replace("{id}", await staffIn(actor.position)), body: { display_name: "Renamed" } };
    case "POST /v1/users/{id}/invitation":
      return { path: path.replace("{id}", await staffIn(actor.position, "invited")) };
    case "GET /v1/positions/{id}":
      return { path: path.replace("{id}", "picker") };
    case "POST /v1/positions":
      return { path, body: { name: unique("matrix"), permissions: [held] } };
    case "PATCH /v1/positions/{id}":
      return { path: path.replace("{id}", await customPosition(held)), body: { description: "matrix" } };
    case "DELETE /v1/positions/{id}":
      return { path: path.replace("{id}", await customPosition(held)) };
  }
  // A person's own account (`account:self`): no key holds it, so every key is refused before the request is read.
  if (!ROLES.some((r) => can(r, permissionOf(method, path))))
    return { path: path.replace(/\{[^}]+\}/g, "x"), body: method === "POST" || method === "PUT" || method === "PATCH" ? {} : undefined, inputMayRefuse: true };
  throw new Error(`no sample request for ${method} ${path}: add one so the matrix covers it`);
}

const permissionOf = (method: string, path: string) => API_ROUTES.find((r) => r.method === method && r.path === path)!.permission;

/** A fulfillment push the platform refused, to retry. */
async function refusedPush() {
  const now = Date.now();
  const id = newId("psh", now);
  await database(env)
    .insert(channelPushes)
    .values({
      id,
      connectionId: await channelConnection(),
      storeId: store.id,
      orderId: unique("ord_matrix"),
      externalId: "1",
      kind: "fulfillment",
      ref: id,
      payload: {},
      status: "refused",
      createdAt: now,
      updatedAt: now,
    });
  return id;
}

/** A seeded pseudo-random subset of the composable permissions (mulberry32): the same on every run, varied across permissions. */
function seededSubset(seed: number, share: number): Permission[] {
  let t = seed;
  const next = () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return COMPOSABLE_PERMISSIONS.filter(() => next() < share);
}

/** Custom positions the matrix walks too, each as an API key and as a signed-in person. */
const CUSTOM_POSITIONS: Record<string, readonly Permission[]> = {
  "seeded mix": seededSubset(15, 0.45),
  "picker plus labels": [...permissionsOf("picker"), "carriers:read", "labels:create", "labels:read"],
};
const customActors: Actor[] = [];

beforeAll(async () => {
  for (const [name, permissions] of Object.entries(CUSTOM_POSITIONS)) {
    const created = await api("/v1/positions", { body: { name: unique(name), permissions: permissions.filter((p) => p !== "orders:transition"), contact_scope: "contact" } });
    if (created.status !== 201) throw new Error(`position: ${created.status} ${JSON.stringify(created.body)}`);
    const position: string = created.body.id;
    const held = permissionSet(permissions);
    const key = await createKey(position, ["*"]);
    customActors.push({ name: `${name} (key)`, position, has: (p) => held.has(p), call: (path, init) => api(path, { ...init, key }) });
    const person = await staffIn(position);
    // A person also holds their own account, which no key does. Each request has a session of its own: the walk
    // signs out, ends sessions and changes the password (always back to the same one: the sample sets it).
    customActors.push({
      name: `${name} (person)`,
      position,
      has: (p) => p === "account:self" || held.has(p),
      call: async (path, init) => asPerson(await sessionFor(person), path, init),
      session: () => sessionFor(person),
    });
  }
});

describe("role x route matrix", () => {
  it("walks the custom positions too, as keys and as people", () => {
    expect(customActors.map((a) => a.name)).toEqual(["seeded mix (key)", "seeded mix (person)", "picker plus labels (key)", "picker plus labels (person)"]);
    const mix = CUSTOM_POSITIONS["seeded mix"]!;
    expect(mix.length).toBeGreaterThan(10);
    expect(mix.length).toBeLessThan(COMPOSABLE_PERMISSIONS.length - 10);
  });

  for (const route of API_ROUTES) {
    it(`${route.method} ${route.path} needs ${route.permission}`, async () => {
      // A refused request never reaches the handler, so one sample serves every actor refused.
      let refusedSample: Awaited<ReturnType<typeof sample>> | undefined;
      for (const actor of [...ROLES.map(keyActor), ...customActors]) {
        const allowed = actor.has(route.permission);
        const req = allowed ? await sample(route.method, route.path, actor) : (refusedSample ??= await sample(route.method, route.path, actor));
        const r = await actor.call(req.path, { method: route.method, body: req.body, ...(req.headers ? { headers: req.headers } : {}) });
        const what = `${actor.name} on ${route.method} ${route.path}`;
        if (allowed) {
          expect([401, 403, 500], `${what}: ${JSON.stringify(r.body)}`).not.toContain(r.status);
          const refusedInput = req.inputMayRefuse && r.status >= 400 && r.status < 500;
          expect(r.status < 300 || (req.lifecycleMayRefuse && r.status === 409) || refusedInput, `${what}: ${r.status} ${JSON.stringify(r.body)}`).toBe(true);
        } else {
          expect(r.status, what).toBe(403);
          expect(r.headers.get("content-type")).toBe("application/problem+json");
          expect(r.body.code).toBe("forbidden");
        }
      }
      // Some samples build a whole shipment on the floor for each actor allowed.
    }, 60_000);
  }

  it("each transition event needs its own permission", async () => {
    for (const role of ROLES) {
      for (const event of ORDER_EVENTS) {
        const order = await createOrder(store.id);
        const r = await api(`/v1/orders/${order.id}/transitions`, { body: { event, reason: "matrix" }, key: keys[role] });
        if (can(role, `orders:transition:${event}`)) {
          // Allowed to try: the answer comes from the lifecycle (200 or 409), never from the role check.
          expect([200, 409], `${role} ${event}`).toContain(r.status);
        } else {
          expect(r.status, `${role} ${event}`).toBe(403);
        }
      }
    }
  });

  it("support cannot mark an order paid: payment is reported by the payment or channel integration, or by finance", async () => {
    const order = await createOrder(store.id);
    const r = await api(`/v1/orders/${order.id}/payment`, { body: { payment_status: "paid" }, key: keys.support });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("forbidden");
    expect((await api(`/v1/orders/${order.id}`)).body.payment_status).toBe(order.payment_status);
    for (const role of ["admin", "channel"] as const) expect(can(role, "orders:payment"), role).toBe(true);
  });

  it("no key, a malformed header, an unknown key and a revoked key are all 401 problems", async () => {
    const none = await api("/v1/orders", { key: null });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    expect((await api("/v1/orders", { key: null, headers: { authorization: "Basic abc" } })).status).toBe(401);
    expect((await api("/v1/orders", { key: "oms_not_a_real_key_at_all" })).status).toBe(401);

    const created = await api("/v1/api-keys", { body: { name: "soon revoked", role: "analyst", store_ids: ["*"] } });
    expect((await api("/v1/orders", { key: created.body.key })).status).toBe(200);
    expect((await api(`/v1/api-keys/${created.body.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await api("/v1/orders", { key: created.body.key })).status).toBe(401);
  });
});

/**
 * A second store shares the matrix's warehouse (and a 3PL) with the first.
 * Its staff, scoped to it, walk every floor, stock, shipment and logistics
 * route with the samples above (the first store's resources): each is
 * refused or found empty, and no answer they get names any of the first
 * stores' orders or shipments. Shared warehouses are not theirs to manage.
 */
describe("a second store sharing the warehouse and a 3PL", () => {
  const FLOOR = /^\/v1\/(waves|warehouse|shipments|fulfilment-exceptions|service-tasks|stock|tracking-events|logistics|allocations)|^\/v1\/orders\/\{id\}\/(allocation|tracking)$/;
  const CROSS_ROLES = ["admin", "warehouse", "logistics", "support", "analyst"] as const;
  const cross = {} as Record<(typeof CROSS_ROLES)[number], string>;
  let second: { id: string };
  let tpl: { id: string };

  beforeAll(async () => {
    second = await createStore();
    await api(`/v1/stores/${second.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [warehouse.id] } });
    // The second store has its own work in the shared warehouse.
    await allocatedOrder(second.id, { lines: [{ sku: "TEA-1", quantity: 1, unit_price: "1.00" }] });
    for (const role of CROSS_ROLES) cross[role] = await createKey(role, [second.id]);
    tpl = (await api("/v1/warehouses", { body: { name: unique("3pl"), kind: "third_party", country: "DE", webhook_url: "https://3pl.example/matrix" } })).body;
  });

  /** Every order and shipment id of the stores other than the second. */
  async function firstStoresIds(): Promise<string[]> {
    const rows = await env.DB.prepare(
      "SELECT id FROM orders WHERE store_id != ?1 UNION ALL SELECT id FROM shipments WHERE store_id != ?1 UNION ALL SELECT id FROM shipment_items WHERE order_id IN (SELECT id FROM orders WHERE store_id != ?1)",
    )
      .bind(second.id)
      .all<{ id: string }>();
    return rows.results.map((r) => r.id);
  }

  for (const route of API_ROUTES.filter((r) => FLOOR.test(r.path))) {
    it(`${route.method} ${route.path}: the second store's staff get nothing of the first store`, async () => {
      for (const role of CROSS_ROLES) {
        if (!can(role, route.permission)) continue;
        const req = await sample(route.method, route.path, { ...keyActor(role), call: (path, init) => api(path, { ...init, key: cross[role] }) });
        const r = await api(req.path, { method: route.method, body: req.body, key: cross[role] });
        const what = `${role} of the second store on ${route.method} ${req.path}`;
        if (r.status >= 300) {
          expect([403, 404, 409, 422], `${what}: ${JSON.stringify(r.body)}`).toContain(r.status);
          expect(r.headers.get("content-type")).toBe("application/problem+json");
          continue;
        }
        const text = typeof r.body === "string" ? r.body : JSON.stringify(r.body);
        const leaked = (await firstStoresIds()).filter((id) => text.includes(id));
        expect(leaked, what).toEqual([]);
      }
    }, 60_000);
  }

  it("a store-scoped admin manages no shared warehouse, own or 3PL, and changes nothing", async () => {
    for (const wh of [warehouse, tpl]) {
      const before = await api(`/v1/warehouses/${wh.id}`);
      const attempts: [string, string, unknown][] = [
        ["PATCH", `/v1/warehouses/${wh.id}`, { webhook_url: "https://attacker.example/hook", name: "mine now" }],
        ["PATCH", `/v1/warehouses/${wh.id}`, { store_ids: [second.id] }],
        ["POST", `/v1/warehouses/${wh.id}/zones`, { code: "XZ", name: "x" }],
        ["POST", `/v1/warehouses/${wh.id}/bins`, { code: "XB" }],
      ];
      for (const [method, path, body] of attempts) {
        const r = await api(path, { method, body, key: cross.admin });
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.body.code).toBe("forbidden");
      }
      expect((await api(`/v1/warehouses/${wh.id}`)).body).toEqual(before.body);
    }
    expect((await api("/v1/warehouses", { body: { name: unique("wh"), country: "US" }, key: cross.admin })).status).toBe(403);
  });
});
