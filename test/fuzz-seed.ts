/**
 * The data the API fuzz run (test/api-fuzz.test.ts) starts from: two stores
 * sharing a warehouse and a 3PL, keys of every role, products, bins with
 * stock, orders in several states, shipments on the floor and labelled,
 * service tasks, after-sales requests and open exceptions. Created in the
 * same order on every run, so a seed picks the same kinds of targets again.
 */
import { env } from "./shard-env";
import { ROLES } from "../src/auth/roles";
import { newId } from "../src/lib/ids";
import type { Caller, Pools } from "./fuzz-requests";
import { ADMIN, api, createKey, createOrder, createProduct, createStore, serviceTasksOf, transition } from "./helpers";
import { packedOrder } from "./logistics-helpers";
import { allocatedOrder, approvedOrder, createWarehouse, floorShipment, stockedWarehouse } from "./processing-helpers";

const SKUS = ["TEA-1", "GIFT-2"];
const BINS = ["A-01", "A-02"];

async function ok(r: Promise<{ status: number; body: any }>, what: string) {
  const res = await r;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function storeWithOrders(warehouseId: string, thirdPartyId: string) {
  const store = await createStore();
  for (const sku of SKUS) await createProduct(store.id, sku);
  await createProduct(store.id, "SVC-1", { type: "service" });
  await ok(api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [warehouseId, thirdPartyId] } }), "routing");
  await ok(api(`/v1/stores/${store.id}/blocklist`, { body: { kind: "email", email: "blocked@example.com" } }), "blocklist");
  await createOrder(store.id);
  await transition((await createOrder(store.id)).id, "hold", { reason: "fuzz" });
  // Its service task is opened from the queue: waited for, so the pools hold it.
  await serviceTasksOf((await approvedOrder(store.id, { lines: [{ sku: "SVC-1", quantity: 1, unit_price: "5.00" }] })).id);
  await allocatedOrder(store.id, { lines: [{ sku: "TEA-1", quantity: 1, unit_price: "1.00" }] });
  await transition((await createOrder(store.id)).id, "cancel", { reason: "fuzz" });
  const delivered = await createOrder(store.id, { payment_status: "paid" });
  for (const event of ["approve", "process", "fulfil_externally", "deliver"]) await transition(delivered.id, event);
  await ok(api(`/v1/orders/${delivered.id}/after-sales`, { body: { kind: "refund", reason: "fuzz" } }), "after-sales");
  return store;
}

/** Seeds the data and returns the pools the generator points requests at. */
export async function seedFuzzData(): Promise<Pools> {
  const shared = await stockedWarehouse({ bins: BINS, stock: SKUS.map((sku): [string, string, number] => ["A-01", sku, 100_000]) });
  const thirdParty = await createWarehouse({ kind: "third_party", webhook_url: "https://3pl.example/oms/dispatch" });
  const a = await storeWithOrders(shared.id, thirdParty.id);
  const b = await storeWithOrders(shared.id, thirdParty.id);

  const callers: Caller[] = [];
  const bearer = (key: string) => `Bearer ${key}`;
  for (const role of ROLES) {
    callers.push({ label: `${role}@storeA`, authorization: bearer(await createKey(role, [a.id])) });
  }
  for (const role of ["admin", "channel", "warehouse"]) callers.push({ label: `${role}@storeB`, authorization: bearer(await createKey(role, [b.id])) });
  callers.push({ label: "analyst@*", authorization: bearer(await createKey("analyst", ["*"])) });
  callers.push({ label: "no key" }, { label: "basic auth", authorization: "Basic YTpi" }, { label: "unknown key", authorization: "Bearer oms_not_a_key" });
  callers.push({ label: "empty bearer", authorization: "Bearer " }, { label: "bearer junk", authorization: `Bearer ${"%ff".repeat(40)}` });
  // Keys a fuzzed DELETE may revoke: never the ones above.
  for (let i = 0; i < 4; i++) await createKey("analyst", [a.id]);

  // The floor and logistics: a waved shipment, a labelled one, exceptions open on both sides.
  await floorShipment("waved");
  await floorShipment("intercepted");
  const packed = await packedOrder(a.id);
  await ok(api(`/v1/shipments/${packed.shipmentId}/label`, { body: {} }), "label");
  await ok(api(`/v1/stores/${a.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [shared.id, thirdParty.id] } }), "routing");
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO fulfilment_exceptions (id, shipment_id, item_id, kind, quantity, note, status, created_by, created_at) SELECT ?, id, NULL, 'short_pick', 1, 'fuzz', 'open', 'fuzz', ? FROM shipments ORDER BY rowid LIMIT 1",
    ).bind(newId("exc"), now),
    env.DB.prepare(
      "INSERT INTO logistics_exceptions (id, shipment_id, order_id, store_id, kind, detail, status, open_key, created_at) VALUES (?, ?, ?, ?, 'exception', 'fuzz', 'open', ?, ?)",
    ).bind(newId("lex"), packed.shipmentId, packed.order.id, a.id, `fuzz:${now}`, now),
  ]);

  const ids: Record<string, string[]> = {};
  const tables = [
    "orders",
    "stores",
    "products",
    "warehouses",
    "shipments",
    "shipment_items",
    "service_tasks",
    "waves",
    "fulfilment_exceptions",
    "logistics_exceptions",
    "after_sales_requests",
    "blocklist_entries",
  ];
  for (const t of tables) ids[t] = (await env.DB.prepare(`SELECT id FROM ${t} ORDER BY rowid LIMIT 40`).all<{ id: string }>()).results.map((r) => r.id);
  // The shared warehouse and the first store lead their pools (the generator favours the first id).
  ids.warehouses = [shared.id, ...(ids.warehouses ?? []).filter((id) => id !== shared.id)];
  ids.stores = [a.id, b.id, ...(ids.stores ?? []).filter((id) => id !== a.id && id !== b.id)];
  ids.doomed_keys = (await env.DIRECTORY.prepare("SELECT id FROM api_keys WHERE name = 'analyst key' ORDER BY rowid DESC LIMIT 4").all<{ id: string }>()).results.map((r) => r.id);
  const bins = (await env.DB.prepare("SELECT DISTINCT code FROM bins ORDER BY code LIMIT 20").all<{ code: string }>()).results.map((r) => r.code);
  const skus = (await env.DB.prepare("SELECT DISTINCT sku FROM products ORDER BY sku LIMIT 20").all<{ sku: string }>()).results.map((r) => r.sku);
  return { ids, skus, bins, callers: { admin: { label: "admin (bootstrap)", authorization: `Bearer ${ADMIN}` }, others: callers } };
}
