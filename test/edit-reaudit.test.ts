/**
 * Staff edits and the audit: before allocation an edit is audited again at
 * once, whatever the order's state (an approved order that now fails goes on
 * hold like any held order); after allocation the address changes only with
 * the order's parcels stopped on the floor, and lines and amounts not at all.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createOrder, createProduct, createStore, transition, unique } from "./helpers";
import { allocateOrder, loadOrder } from "../src/fulfilment/allocate-order";
import { allocatedOrder, approvedOrder, line, receive, stockedWarehouse, waitFor } from "./processing-helpers";

let store: { id: string };

beforeAll(async () => {
  store = await createStore(unique("edits"));
  await createProduct(store.id, "TEA-1", { price: "19.90" });
  // Warehouses made below keep stock of other SKUs: this store's own goods are not stocked in the system.
  const kinds = ["address", "sku", "price", "totals", "quantity", "duplicate", "blocklist", "amount", "note", "payment"];
  expect((await api(`/v1/stores/${store.id}/audit-rules`, { method: "PUT", body: { rules: kinds.map((kind) => ({ kind })) } })).status).toBe(200);
});

const US = { name: "Ada Lovelace", line1: "1 Market St", city: "San Francisco", region: "CA", postal_code: "94105", country: "US" };
// Each order its own customer: the same customer ordering the same items again would be held as a duplicate.
const good = () => ({ customer: customer(), shipping_address: US, payment_status: "paid" });
const customer = () => ({ name: "Ada Lovelace", email: `${unique("ada")}@example.com`, phone: null });

const edit = (id: string, body: unknown, opts: { key?: string; version?: number } = {}) =>
  api(`/v1/orders/${id}`, { method: "PATCH", body, ...(opts.key ? { key: opts.key } : {}), ...(opts.version ? { headers: { "if-match": `"${opts.version}"` } } : {}) });
const order = async (id: string) => (await api(`/v1/orders/${id}`)).body;
const events = async (id: string) => (await api(`/v1/orders/${id}/events`)).body.data as any[];

describe("an approved order, edited before allocation", () => {
  it("is audited again and goes on hold when the edit fails a rule, with its reasons in the review queue", async () => {
    const o = await approvedOrder(store.id, { ...good(), lines: [line("TEA-1", 2, "19.90")] });
    const before = await order(o.id);
    expect(before.status).toBe("approved");
    const r = await edit(o.id, { shipping_address: { ...US, postal_code: "9410" }, reason: "customer called" }, { version: before.version });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.order).toMatchObject({ status: "on_hold", version: before.version + 2 });
    expect(r.body.audit).toMatchObject({ outcome: "hold", findings: [expect.objectContaining({ code: "postal_code_invalid" })] });
    const log = await events(o.id);
    expect(log.slice(-2).map((e) => [e.type, e.from_status, e.to_status])).toEqual([
      ["edited", "approved", "approved"],
      ["hold", "approved", "on_hold"],
    ]);
    expect(log.at(-1)).toMatchObject({ actor: "system:audit", data: { trigger: "edit:staff", codes: ["postal_code_invalid"] } });
    const queue = await api(`/v1/review-queue?store_id=${store.id}&reason=postal_code_invalid&limit=200`);
    expect(queue.body.data.find((i: any) => i.order.id === o.id)?.reasons).toEqual([{ code: "postal_code_invalid", message: expect.stringContaining("9410") }]);
    // The usual hold flow: the customer is told (an on_hold notification is owed, like any hold).
    const owed = await env.DB.prepare("SELECT COUNT(*) AS n FROM outbox WHERE order_id = ? AND type = 'order.on_hold'").bind(o.id).first<{ n: number }>();
    expect(owed!.n).toBe(1);
  });

  it("stays approved when the edit still passes, and the audit is on record", async () => {
    const o = await approvedOrder(store.id, { ...good(), lines: [line("TEA-1", 1, "19.90")] });
    const r = await edit(o.id, { shipping_address: { ...US, line1: "2 Market St" } });
    expect(r.status).toBe(200);
    expect(r.body.order.status).toBe("approved");
    expect(r.body.audit).toMatchObject({ outcome: "approve", findings: [] });
    expect((await events(o.id)).slice(-2).map((e) => [e.type, e.to_status])).toEqual([
      ["edited", "approved"],
      ["audit", "approved"],
    ]);
    expect((await api(`/v1/orders/${o.id}/audits`)).body.data[0]).toMatchObject({ outcome: "approve", trigger: "edit:staff" });
  });

  it("is held, not cancelled, when the edit brings in a blocked customer: a person confirms the rejection", async () => {
    const phone = `+1 415 555 ${String(Date.now()).slice(-4)}`;
    expect((await api(`/v1/stores/${store.id}/blocklist`, { body: { kind: "phone", phone } })).status).toBe(201);
    const o = await approvedOrder(store.id, { ...good(), lines: [line("TEA-1", 1, "19.90")] });
    const r = await edit(o.id, { customer: { phone } });
    expect(r.status).toBe(200);
    expect(r.body.order.status).toBe("on_hold");
    expect(r.body.audit).toMatchObject({ outcome: "hold", findings: [expect.objectContaining({ code: "customer_blocked", severity: "reject" })] });
    expect((await transition(o.id, "reject", { reason: "blocked customer" })).status).toBe(200);
  });

  it("keeps its lines and amounts: taking it back on hold comes first, and nothing is written", async () => {
    const o = await approvedOrder(store.id, { ...good(), lines: [line("TEA-1", 1, "19.90")] });
    const before = await order(o.id);
    const r = await edit(o.id, { lines: [line("TEA-1", 3, "19.90")] });
    expect(r.status).toBe(409);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body).toMatchObject({ code: "not_editable", detail: expect.stringContaining("hold it first") });
    expect(await order(o.id)).toMatchObject({ version: before.version, status: "approved", total_amount: before.total_amount });
    expect((await transition(o.id, "hold", { reason: "customer wants three" })).status).toBe(200);
    const held = await edit(o.id, { lines: [line("TEA-1", 3, "19.90")] });
    expect(held.status).toBe(200);
    expect(held.body.audit).toMatchObject({ outcome: "approve" });
    expect(held.body.order).toMatchObject({ status: "approved", subtotal_amount: "59.70" });
  });

  it("is not audited again by hand: the rules run again on an edit", async () => {
    const o = await approvedOrder(store.id, { ...good(), lines: [line("TEA-1", 1, "19.90")] });
    const r = await api(`/v1/orders/${o.id}/audit`, { method: "POST", body: {} });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("not_auditable");
  });

  it("refuses roles that may not edit orders, writing nothing", async () => {
    const o = await approvedOrder(store.id, { ...good(), lines: [line("TEA-1", 1, "19.90")] });
    const before = await order(o.id);
    for (const role of ["warehouse", "analyst", "logistics"]) {
      const key = await createKey(role, [store.id]);
      const r = await edit(o.id, { shipping_address: { ...US, postal_code: "9410" } }, { key });
      expect(r.status, role).toBe(403);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await order(o.id)).toMatchObject({ version: before.version, status: "approved" });
  });
});

describe("an allocated order's address", () => {
  async function allocated() {
    const sku = unique("EDIT");
    const wh = await stockedWarehouse({ bins: ["E-01"], stock: [["E-01", sku, 5]] });
    const s = await createStore();
    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
    const { order: o, allocation } = await allocatedOrder(s.id, { ...good(), lines: [line(sku, 1)] });
    return { orderId: o.id as string, shipmentId: allocation.shipments[0].id as string, warehouseId: wh.id as string, sku };
  }

  it("is refused while its parcel is in fulfilment, naming it and saying to intercept first; nothing is written", async () => {
    const { orderId, shipmentId } = await allocated();
    const before = await order(orderId);
    expect(before.status).toBe("processing");
    const r = await edit(orderId, { shipping_address: { ...US, line1: "9 Other St" } });
    expect(r.status).toBe(409);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body).toMatchObject({ code: "intercept_first", shipments: [{ id: shipmentId, status: "pending" }], detail: expect.stringContaining("intercept") });
    expect(await order(orderId)).toMatchObject({ version: before.version, shipping_address: { line1: "1 Market St" } });
  });

  it("is refused once the parcel is being picked", async () => {
    const { orderId, shipmentId, warehouseId } = await allocated();
    const wave = await api("/v1/waves", { body: { warehouse_id: warehouseId, group_by: "carrier" } });
    expect(wave.status).toBe(201);
    const r = await edit(orderId, { customer: { phone: "+1 415 555 0111" } });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "intercept_first", shipments: [{ id: shipmentId, status: "picking" }] });
  });

  it("changes once the parcel is intercepted, and work resumes for the new address", async () => {
    const { orderId, shipmentId } = await allocated();
    expect((await api(`/v1/shipments/${shipmentId}/intercept`, { body: { reason: "customer moved" } })).status).toBe(200);
    const r = await edit(orderId, { shipping_address: { ...US, line1: "9 Other St" }, reason: "customer moved" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.order).toMatchObject({ status: "processing", shipping_address: { line1: "9 Other St" } });
    // Past the audit: the order is already being fulfilled.
    expect(r.body.audit).toBeNull();
    const resumed = await api(`/v1/shipments/${shipmentId}/interception/resolve`, { body: { action: "release" } });
    expect(resumed.status).toBe(200);
    expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("pending");
  });

  it("keeps its lines and amounts whatever the parcels do", async () => {
    const { orderId, shipmentId, sku } = await allocated();
    await api(`/v1/shipments/${shipmentId}/intercept`, { body: { reason: "x" } });
    const r = await edit(orderId, { lines: [line(sku, 2)] });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("not_editable");
  });

  it("does not stop a payment report", async () => {
    const { orderId } = await allocated();
    const r = await api(`/v1/orders/${orderId}/payment`, { body: { payment_status: "refunded" } });
    expect(r.status).toBe(200);
    expect(r.body.order).toMatchObject({ status: "processing", payment_status: "refunded" });
  });
});

describe("a held order's edit", () => {
  it("is audited again and approved when it fixes what held it", async () => {
    const o = await createOrder(store.id, { ...good(), shipping_address: { ...US, postal_code: "9410" }, lines: [line("TEA-1", 1, "19.90")] });
    expect((await api(`/v1/orders/${o.id}/audit`, { method: "POST", body: {} })).body.order.status).toBe("on_hold");
    const r = await edit(o.id, { shipping_address: US });
    expect(r.body.audit, JSON.stringify(r.body)).toMatchObject({ outcome: "approve" });
    expect(r.body.order.status).toBe("approved");
  });
});

describe("allocation racing an edit", () => {
  it("plans again from the edited order, so goods leave from the warehouse for the new address", async () => {
    const sku = unique("RACE");
    const west = await stockedWarehouse({ fields: { region: "CA" }, bins: ["W-01"], stock: [] });
    const east = await stockedWarehouse({ fields: { region: "NY" }, bins: ["E-01"], stock: [] });
    const s = await createStore();
    const policy = {
      rules: [
        { name: "west", countries: ["US"], regions: ["CA"], warehouses: [west.id] },
        { name: "east", countries: ["US"], regions: ["NY"], warehouses: [east.id] },
      ],
      default_warehouses: [],
    };
    expect((await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: policy })).status).toBe(200);
    await createProduct(s.id, sku, { price: "10.00" });
    // No stock yet: the approval's own allocation backorders, and the order waits approved.
    const o = await approvedOrder(s.id, { ...good(), lines: [line(sku, 1)] });
    await waitFor(async () => expect((await api(`/v1/orders/${o.id}/allocation`)).body.status).toBe("backordered"));
    await receive(west.id, [{ sku, bin: "W-01", quantity: 1 }]);
    await receive(east.id, [{ sku, bin: "E-01", quantity: 1 }]);
    // An allocation read the order, then the customer's new address arrived before it committed.
    const stale = await loadOrder(env as never, o.id);
    const moved = await edit(o.id, { shipping_address: { ...US, city: "New York", region: "NY", postal_code: "10001" } });
    expect(moved.body.order.status, JSON.stringify(moved.body.audit)).toBe("approved");
    const r = await allocateOrder(env as never, o.id, { loaded: stale });
    expect(r.status).toBe("allocated");
    const allocation = (await api(`/v1/orders/${o.id}/allocation`)).body;
    expect(allocation.shipments.map((x: any) => x.warehouse_id)).toEqual([east.id]);
  });
});
