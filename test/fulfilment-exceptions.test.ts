/**
 * The floor's exceptions through the API, and re-routing the goods of a
 * dispatch a third-party warehouse rejected: by hand or by the routing
 * policy's `reroute_on_reject`, through the order's object, until the order
 * ships from its new shipments.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { transport } from "../src/fulfilment/dispatch-3pl";
import { signedHeaders } from "../src/lib/standard-webhooks";
import { api, createKey, createStore, expectInvalidQuery, unique } from "./helpers";
import { allocatedOrder, count, createBin, createWarehouse, floorShipment, ledgerOk, level, line, receive, stockedWarehouse, waitFor } from "./processing-helpers";

// The 3PLs: every dispatch is captured and answered 200.
const sent: { url: string; body: any }[] = [];
transport.fetch = async (req: Request) => {
  sent.push({ url: req.url, body: JSON.parse(await req.text()) });
  return new Response("ok", { status: 200 });
};
const dispatchesOf = (shipmentId: string) => sent.filter((d) => d.body.type === "shipment.dispatch" && d.body.data.shipment_id === shipmentId);

type Tpl = { id: string; webhook_secret: string | null };

async function tplWarehouse(sku: string, quantity: number): Promise<Tpl> {
  const wh = await createWarehouse({ kind: "third_party", webhook_url: "https://3pl.example/oms", country: "DE", region: null });
  await createBin(wh.id, "STOCK");
  if (quantity) await receive(wh.id, [{ sku, bin: "STOCK", quantity }]);
  return wh;
}

/** A signed event from a 3PL. */
async function inbound(wh: Tpl, event: unknown) {
  const body = JSON.stringify(event);
  const headers = { "content-type": "application/json", ...(await signedHeaders(wh.webhook_secret!, unique("evt"), body)) };
  const res = await exports.default.fetch(`http://oms.test/webhooks/3pl/${wh.id}`, { method: "POST", headers, body });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * A store whose routing policy ranks a 3PL first (it holds 5 units), then
 * optionally a second 3PL and an own warehouse (with `tpl2` / `own` units; 0
 * makes the warehouse without stock); an order of 2 units allocated to the 3PL.
 */
async function scenario(opts: { own?: number; tpl2?: number; policy?: Record<string, unknown> } = {}) {
  const sku = unique("RR");
  const tpl = await tplWarehouse(sku, 5);
  const tpl2 = opts.tpl2 === undefined ? null : await tplWarehouse(sku, opts.tpl2);
  const own = opts.own === undefined ? null : await stockedWarehouse({ bins: ["R-01"], stock: opts.own ? [["R-01", sku, opts.own]] : [] });
  const store = await createStore();
  const ranked = [tpl.id, ...(tpl2 ? [tpl2.id] : []), ...(own ? [own.id] : [])];
  const put = await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: ranked, ...opts.policy } });
  expect(put.status).toBe(200);
  const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 2)] });
  const shipment = allocation.shipments[0];
  expect(shipment.warehouse_id).toBe(tpl.id);
  return { sku, tpl, tpl2, own, store, order, shipmentId: shipment.id as string };
}

/** The 3PL refuses the dispatch; the open exception it leaves. */
async function rejectAt(wh: Tpl, shipmentId: string, reason = "SKU blocked for quality check") {
  const r = await inbound(wh, { type: "dispatch.rejected", data: { shipment_id: shipmentId, reason } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const list = await api(`/v1/fulfilment-exceptions?kind=dispatch_rejected&status=open&warehouse_id=${wh.id}`);
  const e = list.body.data.find((x: any) => x.shipment_id === shipmentId);
  expect(e).toMatchObject({ kind: "dispatch_rejected", status: "open", note: reason, warehouse_id: wh.id });
  return e as { id: string; order_id: string };
}

const resolve = (id: string, body: unknown, key?: string) => api(`/v1/fulfilment-exceptions/${id}/resolve`, { body, ...(key ? { key } : {}) });
const orderEvents = async (orderId: string) => (await api(`/v1/orders/${orderId}/events?limit=200`)).body.data as any[];
const shipmentsOf = (orderId: string) => count("shipments", "order_id = ?", orderId);

async function ledgersOk(...warehouses: ({ id: string } | null)[]) {
  for (const w of warehouses) if (w) expect((await ledgerOk(w.id)).ok, w.id).toBe(true);
}

/** Our own floor ships a pending shipment: wave, pick, scan, pack, label, hand over. */
async function shipFromOwnFloor(warehouseId: string, shipmentId: string, sku: string) {
  const waves = await api("/v1/waves", { body: { warehouse_id: warehouseId, group_by: "carrier" } });
  expect(waves.status, JSON.stringify(waves.body)).toBe(201);
  const wave = waves.body.data.find((w: any) => w.shipment_ids.includes(shipmentId));
  for (const p of wave.pick_list) expect((await api(`/v1/waves/${wave.id}/picks`, { body: { item_id: p.item_id, scanned: sku, quantity: p.to_pick } })).status).toBe(200);
  const s = (await api(`/v1/shipments/${shipmentId}`)).body;
  for (const i of s.items) for (let n = 0; n < i.quantity; n++) expect((await api(`/v1/shipments/${shipmentId}/pack-scans`, { body: { code: sku } })).status).toBe(200);
  const packed = await api(`/v1/shipments/${shipmentId}/pack`, { body: { packages: [{ length_mm: 100, width_mm: 100, height_mm: 100, weight_grams: 10 }] } });
  expect(packed.status, JSON.stringify(packed.body)).toBe(200);
  expect((await api(`/v1/shipments/${shipmentId}/label`, { body: {} })).status).toBe(201);
  const handed = await api(`/v1/shipments/${shipmentId}/handover`, { body: {} });
  expect(handed.status, JSON.stringify(handed.body)).toBe(200);
}

describe("listing and reading", () => {
  let a: Awaited<ReturnType<typeof scenario>>;
  let first: { id: string };
  let second: { id: string };
  let secondOrder: string;
  beforeAll(async () => {
    a = await scenario();
    first = await rejectAt(a.tpl, a.shipmentId);
    const { order, allocation } = await allocatedOrder(a.store.id, { lines: [line(a.sku, 1)] });
    secondOrder = order.id;
    second = await rejectAt(a.tpl, allocation.shipments[0].id, "warehouse closed for inventory");
  });

  it("lists a store's exceptions newest first, a page at a time", async () => {
    const all = await api(`/v1/fulfilment-exceptions?store_id=${a.store.id}`);
    expect(all.status).toBe(200);
    expect(all.body.data.map((e: any) => e.id)).toEqual([second.id, first.id]);
    expect(all.body.data[1]).toMatchObject({
      id: first.id,
      kind: "dispatch_rejected",
      status: "open",
      shipment_id: a.shipmentId,
      order_id: a.order.id,
      store_id: a.store.id,
      warehouse_id: a.tpl.id,
      note: "SKU blocked for quality check",
      resolution: null,
      rerouted_to: null,
      created_by: `3pl:${a.tpl.id}`,
      resolved_at: null,
    });
    const p1 = await api(`/v1/fulfilment-exceptions?store_id=${a.store.id}&limit=1`);
    expect(p1.body.data.map((e: any) => e.id)).toEqual([second.id]);
    expect(p1.body.next_cursor).toEqual(expect.any(String));
    const p2 = await api(`/v1/fulfilment-exceptions?store_id=${a.store.id}&limit=1&cursor=${p1.body.next_cursor}`);
    expect(p2.body.data.map((e: any) => e.id)).toEqual([first.id]);
    expect(p2.body.next_cursor).toBeNull();
  });

  it("filters by order, warehouse, kind and status", async () => {
    const ids = async (q: string) => (await api(`/v1/fulfilment-exceptions?store_id=${a.store.id}&${q}`)).body.data.map((e: any) => e.id);
    expect(await ids(`order_id=${secondOrder}`)).toEqual([second.id]);
    expect(await ids(`order_id=${a.order.id}`)).toEqual([first.id]);
    expect(await ids(`warehouse_id=${a.tpl.id}`)).toEqual([second.id, first.id]);
    expect(await ids("warehouse_id=wh_00000000000000000000000000")).toEqual([]);
    expect(await ids("kind=short_pick")).toEqual([]);
    expect(await ids("kind=short_pick,dispatch_rejected&status=open")).toEqual([second.id, first.id]);
    expect(await ids("status=resolved")).toEqual([]);
  });

  it("reads one exception; an unknown one is a 404 and a malformed id or query a 400", async () => {
    const one = await api(`/v1/fulfilment-exceptions/${first.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: first.id, order_id: a.order.id });
    const missing = await api("/v1/fulfilment-exceptions/exc_00000000000000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect((await api("/v1/fulfilment-exceptions/not-an-id")).status).toBe(400);
    expectInvalidQuery(await api("/v1/fulfilment-exceptions?kind=lost"), "kind.0");
    expectInvalidQuery(await api("/v1/fulfilment-exceptions?status=closed"), "status");
    expectInvalidQuery(await api("/v1/fulfilment-exceptions?limit=0"), "limit");
    expectInvalidQuery(await api(`/v1/fulfilment-exceptions?cursor=${btoa("shp_01")}`), "cursor");
  });

  it("another store's key and a key for other warehouses do not see them (404)", async () => {
    const other = await createStore();
    const stranger = await createKey("warehouse", [other.id]);
    expect((await api(`/v1/fulfilment-exceptions/${first.id}`, { key: stranger })).status).toBe(404);
    expect((await api(`/v1/fulfilment-exceptions?store_id=${a.store.id}`, { key: stranger })).body.data).toEqual([]);
    expect((await resolve(first.id, { action: "dismiss", note: "not mine" }, stranger)).status).toBe(404);
    const elsewhere = await api("/v1/api-keys", { body: { name: "other floor", role: "warehouse", store_ids: ["*"], warehouse_ids: [(await createWarehouse()).id] } });
    expect(elsewhere.status).toBe(201);
    expect((await api(`/v1/fulfilment-exceptions/${first.id}`, { key: elsewhere.body.key })).status).toBe(404);
    expect((await resolve(first.id, { action: "reroute" }, elsewhere.body.key)).status).toBe(404);
    // Nothing was resolved by them.
    expect((await api(`/v1/fulfilment-exceptions/${first.id}`)).body.status).toBe("open");
  });

  it("roles without the permission are refused (403)", async () => {
    const auditor = await createKey("auditor", ["*"]);
    const analyst = await createKey("analyst", ["*"]);
    const support = await createKey("support", ["*"]);
    expect((await api("/v1/fulfilment-exceptions", { key: auditor })).status).toBe(403);
    expect((await api(`/v1/fulfilment-exceptions/${first.id}`, { key: analyst })).status).toBe(200);
    for (const key of [analyst, support, auditor]) {
      const r = await resolve(first.id, { action: "reroute" }, key);
      expect(r.status).toBe(403);
      expect(r.body.code).toBe("forbidden");
    }
    expect((await api(`/v1/fulfilment-exceptions/${first.id}`)).body.status).toBe("open");
  });
});

describe("re-routing by hand", () => {
  it("to our own warehouse: a pending shipment with stock reserved, the exception resolved, a reroute on the timeline; the order ships from it", async () => {
    const s = await scenario({ own: 5 });
    // The order's primary warehouse (src/fulfilment/primary-warehouse.ts), kept on it by the allocation: the 3PL's.
    const primary = async () => (await env.DB.prepare("SELECT primary_warehouse_id AS id FROM orders WHERE id = ?").bind(s.order.id).first<{ id: string }>())?.id;
    expect(await primary()).toBe(s.tpl.id);
    const e = await rejectAt(s.tpl, s.shipmentId);
    const eventsBefore = (await orderEvents(s.order.id)).length;
    const r = await resolve(e.id, { action: "reroute", note: "ship it from New Jersey" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: e.id, status: "resolved", resolution: "rerouted", resolution_note: "ship it from New Jersey", resolved_by: "bootstrap" });
    expect(r.body.rerouted_to).toHaveLength(1);
    const newId = r.body.rerouted_to[0];
    const shipment = (await api(`/v1/shipments/${newId}`)).body;
    expect(shipment).toMatchObject({ status: "pending", warehouse_id: s.own!.id, order_id: s.order.id, dispatch_status: null, items: [{ sku: s.sku, quantity: 2, reserved: 2 }] });
    expect(await level(s.own!.id, s.sku)).toEqual({ on_hand: 5, reserved: 2 });
    expect(await level(s.tpl.id, s.sku)).toEqual({ on_hand: 5, reserved: 0 });
    const order = (await api(`/v1/orders/${s.order.id}`)).body;
    expect(order.status).toBe("processing");
    const events = await orderEvents(s.order.id);
    expect(events).toHaveLength(eventsBefore + 1);
    expect(events.find((x) => x.type === "reroute")).toMatchObject({
      from_status: "processing",
      to_status: "processing",
      reason: "ship it from New Jersey",
      data: {
        exception_id: e.id,
        from_shipment: { id: s.shipmentId, warehouse_id: s.tpl.id },
        excluded_warehouses: [s.tpl.id],
        shipments: [{ id: newId, warehouse_id: s.own!.id, units: 2 }],
      },
    });
    const moves = await api(`/v1/warehouses/${s.own!.id}/movements?kind=reserve`);
    expect(moves.body.data).toMatchObject([{ sku: s.sku, reserved_delta: 2, ref_id: s.order.id }]);
    await ledgersOk(s.own, s.tpl);
    // The refused items stay as the 3PL shipment's record, marked re-routed (out of the order's allocation for the
    // rollups); the new ones are live.
    const items = await env.DB.prepare(
      "SELECT shipment_id, cancelled_at IS NOT NULL AS cancelled, rerouted_at IS NOT NULL AS rerouted FROM shipment_items WHERE order_id = ? ORDER BY shipment_id = ?",
    )
      .bind(s.order.id, newId)
      .all();
    expect(items.results).toEqual([
      { shipment_id: s.shipmentId, cancelled: 1, rerouted: 1 },
      { shipment_id: newId, cancelled: 0, rerouted: 0 },
    ]);
    // The re-route moved the order's primary warehouse with the goods.
    expect(await primary()).toBe(s.own!.id);

    // Shipping the order by hand is refused while the new parcel is on the floor; the floor ships it.
    expect((await api(`/v1/orders/${s.order.id}/transitions`, { body: { event: "ship" } })).body.code).toBe("shipments_not_handed_over");
    await shipFromOwnFloor(s.own!.id, newId, s.sku);
    await waitFor(async () => expect((await api(`/v1/orders/${s.order.id}`)).body.status).toBe("shipped"));
    await ledgersOk(s.own, s.tpl);
  });

  it("to another 3PL: the dispatch goes out, and the order ships when that 3PL ships", async () => {
    const s = await scenario({ tpl2: 5 });
    const e = await rejectAt(s.tpl, s.shipmentId);
    const r = await resolve(e.id, { action: "reroute" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const newId = r.body.rerouted_to[0];
    expect((await api(`/v1/shipments/${newId}`)).body).toMatchObject({ warehouse_id: s.tpl2!.id, status: "pending", items: [{ quantity: 2, reserved: 2 }] });
    await waitFor(async () => expect(dispatchesOf(newId)).toHaveLength(1));
    expect(dispatchesOf(newId)[0]!.body.data).toMatchObject({ order_id: s.order.id, warehouse_id: s.tpl2!.id, items: [{ sku: s.sku, quantity: 2 }] });
    await waitFor(async () => expect((await api(`/v1/shipments/${newId}`)).body.dispatch_status).toBe("sent"));
    expect(await level(s.tpl2!.id, s.sku)).toEqual({ on_hand: 5, reserved: 2 });
    const shipped = await inbound(s.tpl2!, { type: "shipment.shipped", data: { shipment_id: newId, packages: [{ tracking_number: "1Z999AA10123456784", carrier: "ups" }] } });
    expect(shipped.body).toMatchObject({ status: "processed", order_shipped: true });
    expect((await api(`/v1/orders/${s.order.id}`)).body.status).toBe("shipped");
    expect(await level(s.tpl2!.id, s.sku)).toEqual({ on_hand: 3, reserved: 0 });
    await ledgersOk(s.tpl, s.tpl2);
  });

  it("leaves out every warehouse that already rejected this order's goods", async () => {
    const s = await scenario({ tpl2: 5, own: 5 });
    const first = await rejectAt(s.tpl, s.shipmentId);
    const toTpl2 = (await resolve(first.id, { action: "reroute" })).body.rerouted_to[0];
    expect((await api(`/v1/shipments/${toTpl2}`)).body.warehouse_id).toBe(s.tpl2!.id);
    const again = await rejectAt(s.tpl2!, toTpl2, "no capacity");
    const r = await resolve(again.id, { action: "reroute" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // The first 3PL has stock again (its reservation was released) but refused this order: our own warehouse ships it.
    expect((await api(`/v1/shipments/${r.body.rerouted_to[0]}`)).body.warehouse_id).toBe(s.own!.id);
    const reroutes = (await orderEvents(s.order.id)).filter((x) => x.type === "reroute");
    expect(reroutes.map((x) => x.data.excluded_warehouses)).toEqual([[s.tpl.id], [s.tpl.id, s.tpl2!.id].sort()]);
    await ledgersOk(s.tpl, s.tpl2, s.own);
  });

  it("is refused when no other warehouse has the stock: a 409 with the policy's explanation, nothing written, the exception still open", async () => {
    const s = await scenario({ own: 0 });
    const e = await rejectAt(s.tpl, s.shipmentId);
    const events = (await orderEvents(s.order.id)).length;
    const movements = await count("stock_movements", "ref_id = ?", s.order.id);
    const r = await resolve(e.id, { action: "reroute" });
    expect(r.status).toBe(409);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body).toMatchObject({ code: "cannot_reroute", reason: "insufficient_stock", shortages: [{ sku: s.sku, requested: 2, available: 0 }] });
    expect(r.body.explanation.warehouses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ warehouse_id: s.tpl.id, chosen: false, reasons: ["left out: it rejected this order's goods"] }),
        expect.objectContaining({ warehouse_id: s.own!.id, chosen: false }),
      ]),
    );
    expect((await api(`/v1/fulfilment-exceptions/${e.id}`)).body).toMatchObject({ status: "open", resolution: null });
    expect(await shipmentsOf(s.order.id)).toBe(1);
    expect((await orderEvents(s.order.id)).length).toBe(events);
    expect(await count("stock_movements", "ref_id = ?", s.order.id)).toBe(movements);
    expect((await api(`/v1/orders/${s.order.id}`)).body.status).toBe("processing");
    await ledgersOk(s.tpl, s.own);
  });

  it("is refused once the order is no longer processing", async () => {
    const s = await scenario({ own: 5 });
    const e = await rejectAt(s.tpl, s.shipmentId);
    expect((await api(`/v1/orders/${s.order.id}/transitions`, { body: { event: "cancel", reason: "customer changed their mind" } })).status).toBe(200);
    const r = await resolve(e.id, { action: "reroute" });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("order_not_processing");
    expect(await shipmentsOf(s.order.id)).toBe(1);
    expect(await level(s.own!.id, s.sku)).toEqual({ on_hand: 5, reserved: 0 });
    await ledgersOk(s.tpl, s.own);
  });

  it("two people resolving the same exception at once: one wins, the other gets a 409", async () => {
    const s = await scenario({ own: 5 });
    const e = await rejectAt(s.tpl, s.shipmentId);
    const results = await Promise.all([resolve(e.id, { action: "reroute" }), resolve(e.id, { action: "reroute" }), resolve(e.id, { action: "dismiss", note: "handled by phone" })]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe("already_resolved");
    const won = results.find((r) => r.status === 200)!.body;
    const rerouted = won.resolution === "rerouted";
    expect(await shipmentsOf(s.order.id)).toBe(rerouted ? 2 : 1);
    expect(await level(s.own!.id, s.sku)).toEqual({ on_hand: 5, reserved: rerouted ? 2 : 0 });
    expect((await orderEvents(s.order.id)).filter((x) => x.type === "reroute")).toHaveLength(rerouted ? 1 : 0);
    await ledgersOk(s.tpl, s.own);
  });
});

describe("re-routing by policy (reroute_on_reject)", () => {
  it("is off by default and documented in the policy", async () => {
    const store = await createStore();
    expect((await api(`/v1/stores/${store.id}/routing-policy`)).body.reroute_on_reject).toBe(false);
    expect((await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { reroute_on_reject: "yes" } })).status).toBe(422);
  });

  it("re-routes a rejection at once when the store's policy says so", async () => {
    const s = await scenario({ own: 5, policy: { reroute_on_reject: true } });
    const r = await inbound(s.tpl, { type: "dispatch.rejected", data: { shipment_id: s.shipmentId, reason: "damaged in storage" } });
    expect(r.body).toMatchObject({ status: "processed", order_shipped: false });
    let e: any;
    await waitFor(async () => {
      e = (await api(`/v1/fulfilment-exceptions?order_id=${s.order.id}`)).body.data[0];
      expect(e).toMatchObject({ status: "resolved", resolution: "rerouted", resolved_by: "system:reroute" });
    });
    expect((await api(`/v1/shipments/${e.rerouted_to[0]}`)).body).toMatchObject({ warehouse_id: s.own!.id, status: "pending" });
    expect(await level(s.own!.id, s.sku)).toEqual({ on_hand: 5, reserved: 2 });
    expect((await orderEvents(s.order.id)).find((x) => x.type === "reroute")).toMatchObject({ actor: "system:reroute" });
    await ledgersOk(s.tpl, s.own);
  });

  it("leaves the exception open for a person when no warehouse can take the goods", async () => {
    const s = await scenario({ own: 0, policy: { reroute_on_reject: true } });
    const e = await rejectAt(s.tpl, s.shipmentId);
    // The message the rejection wrote has been handled (its outbox row delivered), and changed nothing.
    await waitFor(async () => expect(await count("outbox", "type = 'shipment.rejected' AND order_id = ? AND delivered_at IS NOT NULL", s.order.id)).toBe(1));
    expect((await api(`/v1/fulfilment-exceptions/${e.id}`)).body.status).toBe("open");
    expect(await shipmentsOf(s.order.id)).toBe(1);
    await ledgersOk(s.tpl, s.own);
  });

  it("with the policy off, a rejection waits for a person", async () => {
    const s = await scenario({ own: 5 });
    const e = await rejectAt(s.tpl, s.shipmentId);
    await waitFor(async () => expect(await count("outbox", "type = 'shipment.rejected' AND order_id = ? AND delivered_at IS NOT NULL", s.order.id)).toBe(1));
    expect((await api(`/v1/fulfilment-exceptions/${e.id}`)).body.status).toBe("open");
    expect(await level(s.own!.id, s.sku)).toEqual({ on_hand: 5, reserved: 0 });
  });
});

describe("dismissing", () => {
  it("needs a note; with one, the exception is closed and cannot be resolved again", async () => {
    const s = await scenario({ own: 5 });
    const e = await rejectAt(s.tpl, s.shipmentId);
    const bare = await resolve(e.id, { action: "dismiss" });
    expect(bare.status).toBe(422);
    expect(bare.body.errors.map((x: any) => x.field)).toContain("note");
    expect((await api(`/v1/fulfilment-exceptions/${e.id}`)).body.status).toBe("open");
    const r = await resolve(e.id, { action: "dismiss", note: "fulfilled from the shop's own stock" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: "resolved",
      resolution: "dismissed",
      resolution_note: "fulfilled from the shop's own stock",
      rerouted_to: null,
      resolved_by: "bootstrap",
    });
    expect(r.body.resolved_at).toEqual(expect.any(String));
    expect((await resolve(e.id, { action: "dismiss", note: "again" })).body.code).toBe("already_resolved");
    const late = await resolve(e.id, { action: "reroute" });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("already_resolved");
    expect(await shipmentsOf(s.order.id)).toBe(1);
    expect((await api(`/v1/orders/${s.order.id}`)).body.status).toBe("processing");
  });

  it("a short pick can be dismissed by hand, not re-routed", async () => {
    const f = await floorShipment("waved");
    const short = await api(`/v1/waves/${f.waveId}/picks`, { body: { item_id: f.itemId, scanned: f.sku, quantity: 0, short: true } });
    expect(short.status, JSON.stringify(short.body)).toBe(200);
    const id = short.body.exception_id;
    expect((await api(`/v1/fulfilment-exceptions/${id}`)).body).toMatchObject({ kind: "short_pick", status: "open", quantity: 1, warehouse_id: f.warehouseId });
    const reroute = await resolve(id, { action: "reroute" });
    expect(reroute.status).toBe(409);
    expect(reroute.body.code).toBe("not_reroutable");
    expect((await resolve(id, { action: "dismiss", note: "found nothing; customer refunded" })).body).toMatchObject({ status: "resolved", resolution: "dismissed" });
    await ledgersOk({ id: f.warehouseId });
  });
});

describe("bad input", () => {
  it("each bad request is a problem and writes nothing", async () => {
    const s = await scenario({ own: 5 });
    const e = await rejectAt(s.tpl, s.shipmentId);
    const bad: [unknown, number][] = [
      [{}, 422],
      [{ action: "teleport" }, 422],
      [{ action: "reroute", note: "" }, 422],
      [{ action: "dismiss", note: "x".repeat(501) }, 422],
      [{ action: "dismiss", note: 42 }, 422],
      [[], 422],
      ["{not json", 400],
    ];
    for (const [body, status] of bad) {
      const r = await resolve(e.id, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    const text = await api(`/v1/fulfilment-exceptions/${e.id}/resolve`, { body: "action=reroute", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    expect((await resolve("exc_bad", { action: "reroute" })).status).toBe(400);
    expect((await resolve("exc_00000000000000000000000000", { action: "reroute" })).status).toBe(404);
    expect((await api(`/v1/fulfilment-exceptions/${e.id}`)).body.status).toBe("open");
    expect(await shipmentsOf(s.order.id)).toBe(1);
    expect(await level(s.own!.id, s.sku)).toEqual({ on_hand: 5, reserved: 0 });
    await ledgersOk(s.tpl, s.own);
  });
});

it("the reroute message is owed in the rejection's own batch", async () => {
  const s = await scenario();
  const e = await rejectAt(s.tpl, s.shipmentId);
  const row = await env.DB.prepare("SELECT topic, payload FROM outbox WHERE type = 'shipment.rejected' AND order_id = ?").bind(s.order.id).first<any>();
  expect(row.topic).toBe("fulfilment");
  expect(JSON.parse(row.payload)).toEqual({ shipment_id: s.shipmentId, exception_id: e.id, store_id: s.store.id, warehouse_id: s.tpl.id });
});
