/**
 * Allocation: an approval reaches the fulfilment queue, the store's routing
 * policy plans shipments, and `process` commits with the reservation. Split
 * shipments, ship-complete preference, backorders and their retry, release
 * on cancel, the dry run, and the policy's own routes.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import type { OutboxMessage } from "../src/env";
import { newId } from "../src/lib/ids";
import worker from "../src/index";
import { retryBackorders } from "../src/fulfilment/allocate-order";
import { api, createKey, createOrder, createStore, transition, unique } from "./helpers";
import { allocate, approvedOrder, count, ledgerOk, level, line, receive, stockedWarehouse, waitFor } from "./processing-helpers";

let store: { id: string };
beforeAll(async () => {
  store = await createStore();
});

const order = (lines: unknown[], address: Record<string, unknown> = {}) => ({
  lines,
  shipping_address: { name: "Ada", line1: "1 Main St", city: "Newark", region: "NJ", postal_code: "07102", country: "US", ...address },
});

describe("on approval", () => {
  it("allocates through the queue: processing, stock reserved, shipment with bins, explanation", async () => {
    const sku = unique("TEA");
    const wh = await stockedWarehouse({
      bins: ["A-01", "A-02"],
      stock: [
        ["A-01", sku, 1],
        ["A-02", sku, 5],
      ],
    });
    await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
    const o = await approvedOrder(store.id, order([line(sku, 3)]));
    await waitFor(async () => expect((await api(`/v1/orders/${o.id}`)).body.status).toBe("processing"));
    expect(await level(wh.id, sku)).toEqual({ on_hand: 6, reserved: 3 });
    const a = await api(`/v1/orders/${o.id}/allocation`);
    expect(a.body).toMatchObject({ status: "allocated", attempts: 1, reason: null });
    expect(a.body.explanation.summary).toBe(`ships complete from ${wh.id}`);
    expect(a.body.shipments).toHaveLength(1);
    expect(a.body.shipments[0]).toMatchObject({ warehouse_id: wh.id, status: "pending", order_ids: [o.id], intercepted: false, ready_for_label: false });
    // One bin holds the whole line, so it is picked from one place.
    expect(a.body.shipments[0].items).toMatchObject([{ sku, bin: "A-02", quantity: 3, reserved: 3, picked: 0 }]);
    const events = await api(`/v1/orders/${o.id}/events`);
    const processed = events.body.data.find((e: any) => e.type === "process");
    expect(processed).toMatchObject({ from_status: "approved", to_status: "processing", actor: "system:allocation" });
    expect(processed.data.shipments).toEqual([{ id: a.body.shipments[0].id, warehouse_id: wh.id, units: 3 }]);
    const moves = await api(`/v1/warehouses/${wh.id}/movements?kind=reserve`);
    expect(moves.body.data).toMatchObject([{ sku, on_hand_delta: 0, reserved_delta: 3, ref_type: "order", ref_id: o.id }]);
    expect((await ledgerOk(wh.id)).ok).toBe(true);
    // A second run (a redelivered message) changes nothing.
    expect((await allocate(o.id)).body.status).toBe("allocated");
    expect(await level(wh.id, sku)).toEqual({ on_hand: 6, reserved: 3 });
  });

  it("splits across warehouses by the region rule, and prefers a lower-ranked warehouse that ships complete", async () => {
    const [a, b] = [unique("A"), unique("B")];
    const east = await stockedWarehouse({ fields: { region: "NJ" }, bins: ["E-01"], stock: [["E-01", a, 2]] });
    const west = await stockedWarehouse({
      fields: { region: "CA" },
      bins: ["W-01"],
      stock: [
        ["W-01", a, 1],
        ["W-01", b, 1],
      ],
    });
    const s = await createStore();
    const put = await api(`/v1/stores/${s.id}/routing-policy`, {
      method: "PUT",
      body: { rules: [{ name: "east coast", countries: ["US"], regions: ["NJ", "NY"], warehouses: [east.id, west.id], carrier: "ups" }] },
    });
    expect(put.status).toBe(200);
    // A x3 and B x1: nobody has it all; west covers 2 units, east 2 (A only)... west first (tie -> rank? east ranks 1).
    const split = await approvedOrder(s.id, order([line(a, 3), line(b, 1)]));
    const r = await allocate(split.id);
    expect(r.body.status).toBe("allocated");
    expect(r.body.explanation.summary).toBe("split into 2 shipments");
    const byWh = Object.fromEntries(r.body.shipments.map((x: any) => [x.warehouse_id, x.items.map((i: any) => `${i.sku}x${i.quantity}`)]));
    expect(byWh).toEqual({ [east.id]: [`${a}x2`], [west.id]: [`${a}x1`, `${b}x1`] });
    expect(r.body.shipments.every((x: any) => x.carrier === "ups")).toBe(true);
    expect((await api(`/v1/orders/${split.id}`)).body.status).toBe("processing");

    // Now only west has B: an order for B alone ships complete from west although east ranks first.
    await receive(west.id, [{ sku: b, bin: "W-01", quantity: 5 }]);
    const complete = await approvedOrder(s.id, order([line(b, 2)]));
    const c = await allocate(complete.id);
    expect(c.body.shipments.map((x: any) => x.warehouse_id)).toEqual([west.id]);
    const verdicts = Object.fromEntries(c.body.explanation.warehouses.map((w: any) => [w.warehouse_id, w]));
    expect(verdicts[east.id]).toMatchObject({ rank: 1, chosen: false, can_fill: "none" });
    expect(verdicts[west.id]).toMatchObject({ rank: 2, chosen: true, can_fill: "all" });
    expect(c.body.explanation.rule).toBe("east coast");
  });

  it("a queue batch of approvals with no stock records each backorder again, and never over an allocation that committed meanwhile", async () => {
    const sku = unique("NONE");
    const wh = await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", sku, 1]] });
    const s = await createStore();
    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
    // 24 orders for 2 units each: the queue's consumer backorders them all (1 unit is on hand).
    const short = await Promise.all(Array.from({ length: 24 }, () => approvedOrder(s.id, order([line(sku, 2)]))));
    const allocation = (id: string) => api(`/v1/orders/${id}/allocation`).then((r) => r.body);
    for (const o of short) await waitFor(async () => expect(await allocation(o.id)).toMatchObject({ status: "backordered", attempts: 1 }));
    // One of them is allocated meanwhile (stock arrived; someone allocated it by hand).
    await receive(wh.id, [{ sku, bin: "A-01", quantity: 1 }]);
    expect((await allocate(short[0]!.id)).body.status).toBe("allocated");
    const allocated = await allocation(short[0]!.id);
    // The approvals delivered again under new outbox ids (as after a re-approval), as one queue batch.
    const messages = short.map((o) => ({ id: newId("obx"), type: "order.approved", order_id: o.id, payload: {}, created_at: Date.now() }));
    for (const m of messages) {
      await env.DB.prepare("INSERT INTO outbox (id, order_id, topic, type, payload, created_at, attempts) VALUES (?, ?, 'fulfilment', ?, '{}', ?, 0)")
        .bind(m.id, m.order_id, m.type, m.created_at)
        .run();
    }
    const batch = createMessageBatch<OutboxMessage>(
      "oms-fulfilment",
      messages.map((body, i) => ({ id: `a${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(messages.length);
    for (const o of short.slice(1)) expect(await allocation(o.id)).toMatchObject({ status: "backordered", reason: "insufficient_stock", attempts: 2 });
    // The allocation that committed meanwhile is left as it was.
    expect(await allocation(short[0]!.id)).toEqual(allocated);
  });

  it("backorders when stock is short, keeps the order approved, and allocates after a receipt", async () => {
    const sku = unique("SHORT");
    const wh = await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", sku, 1]] });
    const s = await createStore();
    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
    const o = await approvedOrder(s.id, order([line(sku, 2)]));
    const r = await allocate(o.id);
    expect(r.body).toMatchObject({ status: "backordered", reason: "insufficient_stock", shipments: [] });
    expect((await api(`/v1/orders/${o.id}`)).body.status).toBe("approved");
    expect(await level(wh.id, sku)).toEqual({ on_hand: 1, reserved: 0 });
    // The cron retries backorders once their backoff has passed.
    await receive(wh.id, [{ sku, bin: "A-01", quantity: 1 }]);
    await env.DB.prepare("UPDATE allocations SET last_attempt_at = last_attempt_at - 3600000 WHERE order_id = ?").bind(o.id).run();
    const retried = await retryBackorders(env as any, Date.now());
    expect(retried.allocated).toBeGreaterThanOrEqual(1);
    expect((await api(`/v1/orders/${o.id}/allocation`)).body).toMatchObject({ status: "allocated" });
    expect((await api(`/v1/orders/${o.id}`)).body.status).toBe("processing");
    expect(await level(wh.id, sku)).toEqual({ on_hand: 2, reserved: 2 });
  });

  it("ship_complete=require waits rather than split", async () => {
    const sku = unique("REQ");
    const a = await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", sku, 1]] });
    const b = await stockedWarehouse({ bins: ["B-01"], stock: [["B-01", sku, 1]] });
    const s = await createStore();
    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [a.id, b.id], ship_complete: "require" } });
    const o = await approvedOrder(s.id, order([line(sku, 2)]));
    expect((await allocate(o.id)).body).toMatchObject({ status: "backordered", reason: "cannot_ship_complete" });
  });

  it("service-only orders and orders that are not approved are not allocated", async () => {
    const s = await createStore();
    await api("/v1/products", { body: { store_id: s.id, sku: "INSTALL", name: "Install", price: "50.00", type: "service" } });
    const svc = await approvedOrder(s.id, order([line("INSTALL", 1)]));
    const r = await allocate(svc.id);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("no_goods");
    const fresh = await createOrder(s.id);
    const nope = await allocate(fresh.id);
    expect(nope.status).toBe(409);
    expect(nope.body.code).toBe("not_approved");
    expect((await allocate("ord_00000000000000000000000000")).status).toBe(404);
    expect((await allocate("nope")).status).toBe(400);
    expect((await api("/v1/orders/ord_00000000000000000000000000/allocation")).status).toBe(404);
    expect((await api("/v1/orders/nope/allocation")).status).toBe(400);
    expect((await api(`/v1/orders/${fresh.id}/allocation`)).body).toMatchObject({ status: "none", attempts: 0, explanation: null, shipments: [] });
    const otherStore = await createKey("analyst", [store.id]);
    expect((await api(`/v1/orders/${fresh.id}/allocation`, { key: otherStore })).status).toBe(404);
    expect((await allocate(fresh.id, otherStore)).status).toBe(403);
  });
});

describe("on cancellation", () => {
  it("releases reserved stock, cancels pending shipments and books release movements", async () => {
    const sku = unique("CXL");
    const wh = await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", sku, 4]] });
    const s = await createStore();
    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
    const o = await approvedOrder(s.id, order([line(sku, 3)]));
    await allocate(o.id);
    expect(await level(wh.id, sku)).toEqual({ on_hand: 4, reserved: 3 });
    expect((await transition(o.id, "cancel", { reason: "customer asked" })).status).toBe(200);
    await waitFor(async () => expect(await level(wh.id, sku)).toEqual({ on_hand: 4, reserved: 0 }));
    const a = await api(`/v1/orders/${o.id}/allocation`);
    expect(a.body.status).toBe("released");
    expect(a.body.shipments).toMatchObject([{ status: "cancelled", items: [{ reserved: 0, cancelled: true }] }]);
    const moves = await api(`/v1/warehouses/${wh.id}/movements?kind=release`);
    expect(moves.body.data).toMatchObject([{ sku, reserved_delta: -3, ref_id: o.id, reason: "order cancelled" }]);
    expect((await ledgerOk(wh.id)).ok).toBe(true);
  });
});

describe("dry run", () => {
  it("plans a hypothetical order and an existing one, writing nothing", async () => {
    const sku = unique("DRY");
    const wh = await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", sku, 2]] });
    const s = await createStore();
    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
    const before = await count("stock_movements");
    const ok = await api("/v1/allocations/dry-run", { body: { store_id: s.id, destination: { country: "US", region: "NJ" }, lines: [{ sku, quantity: 2 }] } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, reason: null, shipments: [{ warehouse_id: wh.id, items: [{ line_no: 1, sku, bin: "A-01", quantity: 2 }] }] });
    expect(ok.body.explanation.warehouses[0]).toMatchObject({ warehouse_id: wh.id, chosen: true });
    const short = await api("/v1/allocations/dry-run", { body: { store_id: s.id, destination: { country: "US" }, lines: [{ sku, quantity: 3 }] } });
    expect(short.body).toMatchObject({ ok: false, reason: "insufficient_stock", shortages: [{ sku, requested: 3, available: 2 }] });
    const o = await approvedOrder(s.id, order([line(sku, 1)]));
    const byOrder = await api("/v1/allocations/dry-run", { body: { order_id: o.id } });
    expect(byOrder.body.ok).toBe(true);
    expect(await count("stock_movements")).toBe(before);
  });

  it("refuses bad requests (422), unknown or invisible stores and orders (404)", async () => {
    const s = await createStore();
    for (const body of [
      {},
      { store_id: s.id },
      { store_id: s.id, destination: { country: "XX" }, lines: [{ sku: "A", quantity: 1 }] },
      { store_id: s.id, destination: { country: "US" }, lines: [] },
      { store_id: s.id, destination: { country: "US" }, lines: [{ sku: "A", quantity: 0 }] },
      { order_id: "ord_00000000000000000000000000", store_id: s.id },
      { order_id: "x" },
    ]) {
      const r = await api("/v1/allocations/dry-run", { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    const valid = { destination: { country: "US" }, lines: [{ sku: "A", quantity: 1 }] };
    expect((await api("/v1/allocations/dry-run", { body: { store_id: "st_missing", ...valid } })).status).toBe(404);
    expect((await api("/v1/allocations/dry-run", { body: { order_id: "ord_00000000000000000000000000" } })).status).toBe(404);
    const other = await createStore();
    const scoped = await createKey("auditor", [other.id]);
    expect((await api("/v1/allocations/dry-run", { key: scoped, body: { store_id: s.id, ...valid } })).status).toBe(404);
  });
});

describe("routing policy", () => {
  it("starts as the default, is replaced whole, and names only warehouses that exist", async () => {
    const s = await createStore();
    const first = await api(`/v1/stores/${s.id}/routing-policy`);
    expect(first.body).toMatchObject({ store_id: s.id, is_default: true, rules: [], ship_complete: "prefer", max_shipments: 3, merge_hold_minutes: 0, updated_at: null });
    const wh = await stockedWarehouse({ bins: [], stock: [] });
    const put = await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { rules: [{ countries: ["US"], warehouses: [wh.id] }], merge_hold_minutes: 15 } });
    expect(put.status).toBe(200);
    expect((await api(`/v1/stores/${s.id}/routing-policy`)).body).toMatchObject({ is_default: false, merge_hold_minutes: 15, rules: [{ countries: ["US"], warehouses: [wh.id] }] });
    for (const body of [
      { rules: [{ countries: ["US"], warehouses: ["wh_missing"] }] },
      { default_warehouses: ["wh_missing"] },
      { rules: [{ countries: ["USA"], warehouses: [wh.id] }] },
      { rules: [{ warehouses: [] }] },
      { ship_complete: "always" },
      { max_shipments: 0 },
      { merge_hold_minutes: -1 },
    ]) {
      const r = await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body });
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect((await api(`/v1/stores/${s.id}/routing-policy`)).body.merge_hold_minutes).toBe(15);
    expect((await api("/v1/stores/st_missing/routing-policy")).status).toBe(404);
    const other = await createStore();
    const scoped = await createKey("admin", [other.id]);
    expect((await api(`/v1/stores/${s.id}/routing-policy`, { key: scoped })).status).toBe(404);
    expect((await api(`/v1/stores/${s.id}/routing-policy`, { key: scoped, method: "PUT", body: {} })).status).toBe(404);
  });
});

describe("shipments", () => {
  it("lists and gets shipments within store and warehouse scope", async () => {
    const sku = unique("SHP");
    const mine = await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", sku, 5]] });
    const s = await createStore();
    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [mine.id] } });
    const o = await approvedOrder(s.id, order([line(sku, 1)]));
    const a = await allocate(o.id);
    const id = a.body.shipments[0].id;
    expect((await api(`/v1/shipments/${id}`)).body).toMatchObject({ id, order_id: o.id, status: "pending" });
    const list = await api(`/v1/shipments?order_id=${o.id}`);
    expect(list.body.data.map((x: any) => x.id)).toEqual([id]);
    expect((await api(`/v1/shipments?warehouse_id=${mine.id}&status=pending`)).body.data.map((x: any) => x.id)).toContain(id);
    expect((await api(`/v1/shipments?warehouse_id=${mine.id}&status=packed`)).body.data).toEqual([]);
    const other = await stockedWarehouse({ bins: [], stock: [] });
    const floor = (await api("/v1/api-keys", { body: { name: "w", role: "warehouse", store_ids: ["*"], warehouse_ids: [other.id] } })).body.key;
    expect((await api(`/v1/shipments/${id}`, { key: floor })).status).toBe(404);
    expect((await api(`/v1/shipments?order_id=${o.id}`, { key: floor })).body.data).toEqual([]);
    expect((await api(`/v1/orders/${o.id}/allocation`, { key: floor })).body.shipments).toEqual([]);
    const otherStore = await createKey("analyst", [store.id]);
    expect((await api(`/v1/shipments/${id}`, { key: otherStore })).status).toBe(404);
    for (const qs of ["status=lost", "limit=0", `cursor=${btoa("ord_x")}`, "intercepted=maybe"]) {
      expect((await api(`/v1/shipments?${qs}`)).status, qs).toBe(400);
    }
    expect((await api("/v1/shipments/nope")).status).toBe(400);
    expect((await api("/v1/shipments/shp_00000000000000000000000000")).status).toBe(404);
  });
});
