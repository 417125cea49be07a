/**
 * The order and its parcels cannot drift apart: a goods order ships and is
 * delivered from its shipments; a cancellation reaches the floor in its own
 * batch; a fulfilment done elsewhere is an explicit event with its stock
 * movements; late partner news (a 3PL shipping after our cancel, a carrier
 * scanning a parcel stopped at the dock) is booked with a recall exception;
 * an order with a service is delivered only when the work is done.
 */
import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { onShard, type Shard } from "../src/db/shard";
import { tracedD1 } from "../src/db/trace";
import { dbOf } from "./shard-helpers";
import { transport } from "../src/fulfilment/dispatch-3pl";
import { signedHeaders } from "../src/lib/standard-webhooks";
import { api, createProduct, createStore, performServiceTasks, serviceTasksOf, transition, unique } from "./helpers";
import {
  deliverSigned,
  FIXTURE_TRACKING_NUMBER,
  fixture,
  freshTrackingNumber,
  labelDirectly,
  orderStatus,
  packShipment,
  processed,
  rewrite,
  shipmentStatus,
} from "./logistics-helpers";
import { allocatedOrder, count, createBin, createWarehouse, floorShipment, ledgerOk, level, line, receive, stockedWarehouse, waitFor } from "./processing-helpers";

// Outbound 3PL webhooks go to a fake 3PL that answers 200.
const sentTo3pl: { type: string; shipment_id: string }[] = [];
transport.fetch = async (req: Request) => {
  const body = JSON.parse(await req.text());
  sentTo3pl.push({ type: body.type, shipment_id: body.data.shipment_id });
  return new Response("ok", { status: 200 });
};

/** A store shipping from one own warehouse with a fresh SKU in stock. */
async function shop(units = 10) {
  const sku = unique("KRN");
  const wh = await stockedWarehouse({ bins: ["K-01"], stock: [["K-01", sku, units]] });
  const store = await createStore();
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  return { sku, wh, store };
}

const recalls = (orderId: string) => count("logistics_exceptions", "order_id = ? AND kind = 'recall' AND status = 'open'", orderId);

/** A carrier's in-transit (or delivered) scan of a parcel, signed and posted as EasyPost sends it, and applied. */
async function carrierScan(trackingNumber: string, kind: "in-transit" | "delivered" = "in-transit") {
  const file = kind === "in-transit" ? "easypost-tracker-updated-in-transit.json" : "easypost-tracker-updated-delivered.json";
  const id = kind === "in-transit" ? "evt_8c4e2a1f4b6d11f0a9e3b5c7d9f1a2c4" : "evt_e1d7a3b54b8f11f0b2c4d6e8f0a1b3c5";
  const body = rewrite(fixture(file), [id, `evt_${crypto.randomUUID().replace(/-/g, "")}`], [FIXTURE_TRACKING_NUMBER, trackingNumber]);
  const r = await deliverSigned("easypost", body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return processed(r.body.id);
}

describe("a goods order follows its shipments", () => {
  it("refuses ship, deliver and complete by hand while its shipment is pending, naming it; the floor still works the parcel", async () => {
    const { sku, store } = await shop();
    const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 2)] });
    const shipmentId = allocation.shipments[0].id;
    const before = (await api(`/v1/orders/${order.id}`)).body;
    expect(before.allowed_events).toEqual(["cancel", "fulfil_externally"]);

    const ship = await transition(order.id, "ship");
    expect(ship.status).toBe(409);
    expect(ship.headers.get("content-type")).toBe("application/problem+json");
    expect(ship.body).toMatchObject({ code: "shipments_not_handed_over", order_status: "processing", shipments: [{ id: shipmentId, status: "pending" }] });
    expect(ship.body.detail).toContain(shipmentId);
    expect((await transition(order.id, "deliver")).body.code).toBe("not_shipped");
    expect((await transition(order.id, "complete")).body.code).toBe("illegal_transition");
    const after = (await api(`/v1/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status: "processing", version: before.version });
    expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("pending");
  });

  it("ships with its last parcel and is delivered with it; a deliver by hand before that names the parcel on its way", async () => {
    const { store } = await shop();
    const { order, shipmentId } = await (async () => {
      const { packedOrder } = await import("./logistics-helpers");
      return packedOrder(store.id);
    })();
    const tn = freshTrackingNumber();
    await labelDirectly(shipmentId, tn);
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).body.orders_shipped).toEqual([order.id]);
    expect(await orderStatus(order.id)).toBe("shipped");
    const early = await transition(order.id, "deliver");
    expect(early.body).toMatchObject({ code: "shipments_not_delivered", shipments: [{ id: shipmentId, status: "shipped" }] });
    await carrierScan(tn, "delivered");
    await waitFor(async () => expect(await orderStatus(order.id)).toBe("delivered"));
  });
});

/**
 * Runs `fn` with the order's object traced (its D1 bindings wrapped), woken afresh unless `warm` (its snapshot
 * forgotten, as after an eviction): the round trips it made, as `[d1] <statements> @<entry> <sql>` lines, and the
 * statements after the first of each batch as `[d1] + <sql>` (src/db/trace.ts).
 */
async function objectTrips(orderId: string, fn: () => Promise<unknown>, { warm = false } = {}): Promise<string[]> {
  const stub = env.ORDER.get(env.ORDER.idFromName(orderId));
  type Kernel = { env: Record<string, unknown>; shardEnv: { shard: Shard }; snapshot: unknown };
  const lines: string[] = [];
  // The object follows its env's shard (onShard, as each command does): the same shard, its bindings traced.
  const untraced = await runInDurableObject(stub, (instance) => {
    const object = instance as unknown as Kernel;
    const before = { env: object.env, shard: object.shardEnv.shard };
    object.env = Object.fromEntries(Object.entries(before.env).map(([k, v]) => [k, v && typeof (v as D1Database).batch === "function" ? tracedD1(v as D1Database) : v]));
    object.shardEnv = onShard(object.env, before.shard);
    if (!warm) object.snapshot = null;
    return before;
  });
  const spy = vi.spyOn(console, "warn").mockImplementation((line: string) => void lines.push(...String(line).split("\n")));
  try {
    await fn();
  } finally {
    spy.mockRestore();
    await runInDurableObject(stub, (instance) => {
      const object = instance as unknown as Kernel;
      object.env = untraced.env;
      object.shardEnv = onShard(untraced.env, untraced.shard);
    });
  }
  return lines.filter((l) => /^\[d1\] (\d+ @|\+ )/.test(l));
}
const coldObjectTrips = async (orderId: string, fn: () => Promise<unknown>) => (await objectTrips(orderId, fn)).filter((l) => !l.startsWith("[d1] + "));

describe("an order object waking for ship or deliver", () => {
  it("reads the order and its shipments in one round trip, and decides on what it read", async () => {
    const { sku, store } = await shop();
    const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 1)] });
    const shipmentId = allocation.shipments[0].id;
    let answer: Awaited<ReturnType<typeof transition>> | undefined;
    const refused = await coldObjectTrips(order.id, async () => (answer = await transition(order.id, "ship")));
    expect(answer!.body).toMatchObject({ code: "shipments_not_handed_over", shipments: [{ id: shipmentId, status: "pending" }] });
    const objectTrips = (trips: string[]) => trips.filter((l) => / (select "id", "store_id", "channel", "status"|select distinct "shipments"|insert into "order_events")/.test(l));
    // The snapshot and the shipments together; no second read of the shipments, and nothing written.
    expect(objectTrips(refused), refused.join("\n")).toEqual([expect.stringMatching(/^\[d1\] 2 @\S+ select "id", "store_id", "channel", "status"/)]);

    // Handed over behind the object's back: waking again, it reads the parcel as it is now and ships.
    const db = await dbOf({ id: shipmentId });
    await db.prepare("UPDATE shipments SET status = 'shipped', shipped_at = ?1, updated_at = ?1 WHERE id = ?2").bind(Date.now(), shipmentId).run();
    const shipped = await coldObjectTrips(order.id, async () => (answer = await transition(order.id, "ship")));
    expect(answer!.status, JSON.stringify(answer!.body)).toBe(200);
    expect(answer!.body.status).toBe("shipped");
    expect(objectTrips(shipped).map((l) => l.replace(/^\[d1\] (\d+) @\S+ (\S+ \S+).*$/, "$1 $2"))).toEqual(['2 select "id",', expect.stringMatching(/^\d+ insert into/)]);
    // Warm, it knows the order and reads only the facts: deliver is refused while the parcel is on its way.
    expect((await transition(order.id, "deliver")).body).toMatchObject({ code: "shipments_not_delivered", shipments: [{ id: shipmentId, status: "shipped" }] });
  });
});

describe("facts a caller gives the order object", () => {
  /** The order's object, called as the logistics stage calls it after a parcel moved, with the facts it read. */
  const settleWith = (orderId: string, event: "ship" | "deliver", facts: Record<string, unknown[]>) =>
    env.ORDER.get(env.ORDER.idFromName(orderId)).transition({ orderId, event, reason: null, actor: "test", stores: "*", expectedVersion: null, facts });
  const shipmentRow = (id: string, status: string) => ({ id, status, interceptedFrom: null });
  async function parcelOf(store: { id: string }, sku: string) {
    const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 1)] });
    const shipmentId: string = allocation.shipments[0].id;
    // Warm: the object holds the order's snapshot, as after allocating it.
    expect((await api(`/v1/orders/${order.id}`)).body.status).toBe("processing");
    const db = await dbOf({ id: shipmentId });
    const move = (status: string) => db.prepare("UPDATE shipments SET status = ?1, updated_at = ?2 WHERE id = ?3").bind(status, Date.now(), shipmentId).run();
    return { order, shipmentId, move };
  }
  // The commit's check of given facts (an event insert that only happens, and fails, when they moved), and its event.
  const CHECK = /insert into "order_events" \(.*\) SELECT 'facts_moved'/;
  const EVENT = /^\[d1\] \+ insert into "order_events" \(.*\) values/;
  /** The round trips about the order and its facts (not, say, the store's rules the completion timer reads once per isolate). */
  const batches = (trips: string[]) =>
    trips
      .filter(
        (l) =>
          !l.startsWith("[d1] + ") &&
          / (insert into "order_events"|select distinct "shipments"|select "id", "status" from "service_tasks"|select "id", "store_id", "channel")/.test(l),
      )
      .map((l) => l.replace(/^\[d1\] (\d+) @\S+ (\S+ \S+).*$/, "$1 $2"));

  it("facts that hold: one round trip, its first statement checking them; ship and deliver each commit on them", async () => {
    const { sku, store } = await shop();
    const { order, shipmentId, move } = await parcelOf(store, sku);
    await move("shipped");
    let r: Awaited<ReturnType<typeof settleWith>> | undefined;
    const shipTrips = await objectTrips(order.id, async () => (r = await settleWith(order.id, "ship", { shipments: [shipmentRow(shipmentId, "shipped")], tasks: [] })), {
      warm: true,
    });
    expect(r).toMatchObject({ ok: true, order: { status: "shipped" } });
    // Only the commit: the check of the shipments (ship needs no tasks), then the event.
    expect(batches(shipTrips), shipTrips.join("\n")).toEqual([expect.stringMatching(/^\d+ insert into/)]);
    expect(shipTrips[0]).toMatch(CHECK);
    expect(shipTrips[1]).toMatch(EVENT);

    await move("delivered");
    const deliverTrips = await objectTrips(order.id, async () => (r = await settleWith(order.id, "deliver", { shipments: [shipmentRow(shipmentId, "delivered")], tasks: [] })), {
      warm: true,
    });
    expect(r).toMatchObject({ ok: true, order: { status: "delivered" } });
    expect(batches(deliverTrips)).toEqual([expect.stringMatching(/^\d+ insert into/)]);
    expect(deliverTrips[0]).toMatch(CHECK);
    // Deliver needs both: the shipments' check and the tasks' (none), then the event.
    expect(deliverTrips.slice(1, 3)).toEqual([expect.stringMatching(CHECK), expect.stringMatching(EVENT)]);
  });

  it("each event carries the order's history as it found it (previous event, latest approval and shipment), as a lookup finds it", async () => {
    const { sku, store } = await shop();
    const { order, shipmentId, move } = await parcelOf(store, sku);
    await move("shipped");
    expect(await settleWith(order.id, "ship", { shipments: [shipmentRow(shipmentId, "shipped")], tasks: [] })).toMatchObject({ ok: true });
    await move("delivered");
    expect(await settleWith(order.id, "deliver", { shipments: [shipmentRow(shipmentId, "delivered")], tasks: [] })).toMatchObject({ ok: true });
    const db = await dbOf({ id: order.id });
    const { results } = await db
      .prepare(
        `SELECT e.type, e.previous_at, e.last_approved_at, e.last_shipped_at,
          (SELECT p.created_at FROM order_events p WHERE p.order_id = e.order_id AND p.seq = e.seq - 1) AS want_previous,
          (SELECT MAX(p.created_at) FROM order_events p WHERE p.order_id = e.order_id AND p.seq < e.seq AND p.type = 'approve') AS want_approved,
          (SELECT MAX(p.created_at) FROM order_events p WHERE p.order_id = e.order_id AND p.seq < e.seq AND p.type = 'ship') AS want_shipped
        FROM order_events e WHERE e.order_id = ?1 ORDER BY e.seq`,
      )
      .bind(order.id)
      .all<Record<string, string | number | null>>();
    expect(results.map((r) => r.type)).toEqual(["received", "approve", "process", "ship", "deliver"]);
    for (const r of results) expect([r.type, r.previous_at, r.last_approved_at, r.last_shipped_at]).toEqual([r.type, r.want_previous, r.want_approved, r.want_shipped]);
    // Not all empty: the delivery knows its shipment and the approval before it.
    expect(results.at(-1)).toMatchObject({ previous_at: expect.any(Number), last_approved_at: expect.any(Number), last_shipped_at: expect.any(Number) });
  });

  it("facts that no longer hold write nothing: the object reads them itself and decides on what is so", async () => {
    const { sku, store } = await shop();
    const { order, shipmentId } = await parcelOf(store, sku);
    const before = (await api(`/v1/orders/${order.id}`)).body.version;
    let r: Awaited<ReturnType<typeof settleWith>> | undefined;
    // Told the parcel left while it is still pending: the commit's check fails, nothing is written, and the object's
    // own read of the shipments refuses the ship.
    const trips = await objectTrips(order.id, async () => (r = await settleWith(order.id, "ship", { shipments: [shipmentRow(shipmentId, "shipped")] })), { warm: true });
    expect(r).toMatchObject({ ok: false, reason: "shipments_not_handed_over" });
    expect(batches(trips)).toEqual([expect.stringMatching(/^\d+ insert into/), expect.stringMatching(/^1 select distinct/)]);
    expect(trips[0]).toMatch(CHECK);
    expect((await api(`/v1/orders/${order.id}`)).body).toMatchObject({ status: "processing", version: before });
    expect(await count("order_events", "order_id = ? AND type = 'ship'", order.id)).toBe(0);
    // A parcel the caller did not know of (a second one, or one rerouted): the same.
    const extra = await settleWith(order.id, "ship", { shipments: [] });
    expect(extra).toMatchObject({ ok: false, reason: "shipments_not_handed_over" });
  });

  it("facts that refuse are not trusted: a veto is decided again on the object's own read", async () => {
    const { sku, store } = await shop();
    const { order, shipmentId, move } = await parcelOf(store, sku);
    await move("shipped");
    // Read before the parcel left: pending. The object reads again and ships.
    const r = await settleWith(order.id, "ship", { shipments: [shipmentRow(shipmentId, "pending")] });
    expect(r).toMatchObject({ ok: true, order: { status: "shipped" } });
    // An event the status forbids is refused at once, whatever the facts.
    expect(await settleWith(order.id, "ship", { shipments: [shipmentRow(shipmentId, "shipped")] })).toMatchObject({ ok: false, reason: "illegal_transition" });
  });
});

describe("fulfilled outside the system", () => {
  it("closes the pending shipment and books its reserved units out of the warehouse, in one change", async () => {
    const { sku, wh, store } = await shop(10);
    const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 3)] });
    const shipmentId = allocation.shipments[0].id;
    expect(await level(wh.id, sku)).toEqual({ on_hand: 10, reserved: 3 });
    const r = await api(`/v1/orders/${order.id}/transitions`, { body: { event: "fulfil_externally", reason: "sent from the shop counter" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.status).toBe("shipped");
    expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("closed");
    expect(await level(wh.id, sku)).toEqual({ on_hand: 7, reserved: 0 });
    expect((await ledgerOk(wh.id)).ok).toBe(true);
    const events = (await api(`/v1/orders/${order.id}/events`)).body.data;
    expect(events.at(-1)).toMatchObject({ type: "fulfil_externally", to_status: "shipped", data: { stock: "consume", shipments_closed: [shipmentId] } });
    // Nothing is left for the floor: a wave finds nothing to release.
    expect((await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } })).body.data).toEqual([]);
    // The order is delivered by hand (no parcel of ours to wait for), then completes.
    expect((await transition(order.id, "deliver")).status).toBe(200);
  });

  it("with stock: release, gives the reservation back and puts picked units back in their bin", async () => {
    const fs = await floorShipment("picked");
    const order = (await api(`/v1/shipments/${fs.shipmentId}`)).body.order_id;
    expect(await level(fs.warehouseId, fs.sku)).toEqual({ on_hand: 5, reserved: 1 });
    const r = await api(`/v1/orders/${order}/transitions`, { body: { event: "fulfil_externally", stock: "release" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await api(`/v1/shipments/${fs.shipmentId}`)).body.status).toBe("closed");
    const bins = (await api(`/v1/warehouses/${fs.warehouseId}/stock?sku=${fs.sku}`)).body.data;
    expect(bins.map((b: any) => [b.bin, b.on_hand, b.reserved])).toEqual([
      ["F-01", 5, 0],
      ["OUTBOUND", 0, 0],
    ]);
    expect((await ledgerOk(fs.warehouseId)).ok).toBe(true);
  });

  it("is refused while a bought label is live, and `stock` is for this event only (422, nothing written)", async () => {
    const { store } = await shop();
    const { packedOrder } = await import("./logistics-helpers");
    const { order, shipmentId } = await packedOrder(store.id);
    await labelDirectly(shipmentId, freshTrackingNumber());
    const r = await transition(order.id, "fulfil_externally");
    expect(r.body).toMatchObject({ code: "label_active", shipments: [{ id: shipmentId, status: "labelled" }] });
    const bad = await api(`/v1/orders/${order.id}/transitions`, { body: { event: "cancel", stock: "release" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => e.field)).toContain("stock");
    expect(await orderStatus(order.id)).toBe("processing");
  });

  it("is refused to roles that do not fulfil, and to another store's key as a 404", async () => {
    const { sku, store } = await shop();
    const { order } = await allocatedOrder(store.id, { lines: [line(sku, 1)] });
    const auditor = (await api("/v1/api-keys", { body: { name: "aud", role: "auditor", store_ids: [store.id] } })).body.key;
    expect((await transition(order.id, "fulfil_externally", { key: auditor })).status).toBe(403);
    const other = await createStore();
    const stranger = (await api("/v1/api-keys", { body: { name: "wh", role: "warehouse", store_ids: [other.id] } })).body.key;
    expect((await transition(order.id, "fulfil_externally", { key: stranger })).status).toBe(404);
    expect(await orderStatus(order.id)).toBe("processing");
  });
});

describe("a cancellation reaches the floor in its own batch", () => {
  it("the very next pack of the cancelled order's parcel is refused, without waiting for a queue", async () => {
    const fs = await floorShipment("scanned");
    const order = (await api(`/v1/shipments/${fs.shipmentId}`)).body.order_id;
    expect((await transition(order, "cancel", { reason: "customer changed their mind" })).status).toBe(200);
    const pack = await api(`/v1/shipments/${fs.shipmentId}/pack`, { body: { packages: [{ length_mm: 100, width_mm: 100, height_mm: 100, weight_grams: 100 }] } });
    expect(pack).toMatchObject({ status: 409, body: { code: "intercepted" } });
  });

  it("a handover fired at the moment of the cancel: either the parcel stays (intercepted) or it left and a recall is open; never shipped silently", async () => {
    const { packedOrder } = await import("./logistics-helpers");
    const { store } = await shop();
    const outcomes = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const { order, shipmentId, sku, warehouse } = await packedOrder(store.id);
      await labelDirectly(shipmentId, freshTrackingNumber());
      const [cancel, handover] = await Promise.all([transition(order.id, "cancel", { reason: "race" }), api(`/v1/shipments/${shipmentId}/handover`, { body: {} })]);
      const s = (await api(`/v1/shipments/${shipmentId}`)).body;
      const o = await orderStatus(order.id);
      if (handover.status === 200) {
        // The parcel left: either the order shipped with it (the cancel came too late), or the cancel won the order and a recall is open.
        expect(s.status).toBe("shipped");
        if (cancel.status === 200) {
          expect(o).toBe("cancelled");
          expect(await recalls(order.id)).toBe(1);
          outcomes.add("left, recall");
        } else {
          expect(cancel.body.code).toMatch(/already_handed_over|illegal_transition/);
          expect(o).toBe("shipped");
          outcomes.add("left, shipped");
        }
        expect(await level(warehouse.id, sku)).toEqual({ on_hand: 49, reserved: 0 });
      } else {
        // Refused up front, or its guarded batch lost to the cancel's interception.
        expect(["intercepted", "conflict"]).toContain(handover.body.code);
        expect(cancel.status).toBe(200);
        expect(s).toMatchObject({ status: "intercepted", intercepted_from: "labelled" });
        expect(await recalls(order.id)).toBe(0);
        outcomes.add("stopped");
      }
      expect((await ledgerOk(warehouse.id)).ok).toBe(true);
    }
    expect(outcomes.size).toBeGreaterThan(0);
  });

  it("refuses to cancel once every parcel is with the carrier; with one of two gone, cancels and opens a recall for it", async () => {
    const [a, b] = [unique("PRT"), unique("PRT")];
    const east = await stockedWarehouse({ fields: { region: "NJ" }, bins: ["E-01"], stock: [["E-01", a, 5]] });
    const west = await stockedWarehouse({ fields: { region: "CA" }, bins: ["W-01"], stock: [["W-01", b, 5]] });
    const store = await createStore();
    await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [east.id, west.id] } });
    const { order, allocation } = await allocatedOrder(store.id, { lines: [line(a, 1), line(b, 1)] });
    const [first, second] = allocation.shipments.map((s: any) => s.id as string);
    await packShipment(first);
    await labelDirectly(first, freshTrackingNumber());
    expect((await api(`/v1/shipments/${first}/handover`, { body: {} })).status).toBe(200);
    const r = await transition(order.id, "cancel", { reason: "customer found it cheaper" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await api(`/v1/shipments/${second}`)).body.status).toBe("cancelled");
    expect(await recalls(order.id)).toBe(1);
    const exc = (await api(`/v1/logistics/exceptions?order_id=${order.id}`)).body.data;
    expect(exc).toMatchObject([{ shipment_id: first, kind: "recall", status: "open" }]);

    // Every parcel with the carrier: the order ships; a cancel is refused with why.
    const { packedOrder } = await import("./logistics-helpers");
    const gone = await packedOrder(store.id);
    await labelDirectly(gone.shipmentId, freshTrackingNumber());
    await env.DB.prepare("UPDATE shipments SET status = 'shipped' WHERE id = ?").bind(gone.shipmentId).run();
    const refused = await transition(gone.order.id, "cancel", { reason: "too late" });
    expect(refused.body).toMatchObject({ code: "already_handed_over", allowed_events: ["ship", "fulfil_externally"] });
  });
});

describe("late partner news is booked, never dropped", () => {
  it("a carrier scan of a parcel stopped at the dock: it left, stock and all, with a recall for the logistics team", async () => {
    const { store } = await shop();
    const { packedOrder } = await import("./logistics-helpers");
    const { order, shipmentId, sku, warehouse } = await packedOrder(store.id, { quantity: 2 });
    const tn = freshTrackingNumber();
    await labelDirectly(shipmentId, tn);
    expect((await transition(order.id, "cancel", { reason: "fraud suspected" })).status).toBe(200);
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).body.code).toBe("intercepted");
    await carrierScan(tn);
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "in_transit" });
    expect(await level(warehouse.id, sku)).toEqual({ on_hand: 48, reserved: 0 });
    expect((await ledgerOk(warehouse.id)).ok).toBe(true);
    expect(await recalls(order.id)).toBe(1);
    expect(await orderStatus(order.id)).toBe("cancelled");
  });

  describe("a 3PL", () => {
    let tpl: { id: string; webhook_secret: string | null };
    let store: { id: string };
    let sku: string;
    beforeAll(async () => {
      sku = unique("K3PL");
      tpl = await createWarehouse({ kind: "third_party", webhook_url: "https://3pl.example/oms", country: "DE", region: null });
      await createBin(tpl.id, "STOCK");
      await receive(tpl.id, [{ sku, bin: "STOCK", quantity: 10 }]);
      store = await createStore();
      await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [tpl.id] } });
    });

    async function inbound(event: unknown) {
      const body = JSON.stringify(event);
      const id = unique("evt");
      const headers = { "content-type": "application/json", ...(await signedHeaders(tpl.webhook_secret!, id, body)) };
      const res = await exports.default.fetch(`http://oms.test/webhooks/3pl/${tpl.id}`, { method: "POST", headers, body });
      return { status: res.status, body: (await res.json()) as any };
    }

    it("a parcel it shipped is tracked like ours: the carrier's delivery delivers the order", async () => {
      const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 1)] });
      const shipmentId = allocation.shipments[0].id;
      await waitFor(async () => expect((await api(`/v1/shipments/${shipmentId}`)).body.dispatch_status).toBe("sent"));
      const tn = freshTrackingNumber();
      const shipped = await inbound({ type: "shipment.shipped", data: { shipment_id: shipmentId, packages: [{ tracking_number: tn, carrier: "usps" }] } });
      expect(shipped).toMatchObject({ status: 200, body: { order_shipped: true } });
      await carrierScan(tn, "delivered");
      expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "delivered", tracking_status: "delivered" });
      await waitFor(async () => expect(await orderStatus(order.id)).toBe("delivered"));
    });

    it("hears our cancel at once, and a shipment it reports after it is booked out of its bin with a recall", async () => {
      const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 2)] });
      const shipmentId = allocation.shipments[0].id;
      await waitFor(async () => expect((await api(`/v1/shipments/${shipmentId}`)).body.dispatch_status).toBe("sent"));
      expect((await inbound({ type: "dispatch.accepted", data: { shipment_id: shipmentId } })).status).toBe(200);
      expect((await transition(order.id, "cancel", { reason: "customer cancelled" })).status).toBe(200);
      expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("cancelled");
      // The cancel's message left with its commit: the 3PL has it well before the minute's sweep.
      await waitFor(async () => expect(sentTo3pl.filter((m) => m.type === "shipment.cancel" && m.shipment_id === shipmentId)).toHaveLength(1), 5_000);
      expect(await level(tpl.id, sku)).toMatchObject({ reserved: 0 });
      const onHand = (await level(tpl.id, sku)).on_hand;

      const late = await inbound({ type: "shipment.shipped", data: { shipment_id: shipmentId, packages: [{ tracking_number: "1Z999", carrier: "ups" }] } });
      expect(late).toMatchObject({ status: 200, body: { status: "processed", order_shipped: false } });
      expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("shipped");
      expect(await level(tpl.id, sku)).toEqual({ on_hand: onHand - 2, reserved: 0 });
      expect((await ledgerOk(tpl.id)).ok).toBe(true);
      expect(await recalls(order.id)).toBe(1);
      expect(await orderStatus(order.id)).toBe("cancelled");
      // The goods left all the same: their cost is booked (two units at 1.00), once.
      const cost = await env.DB.prepare("SELECT amount, quantity, source FROM ledger_entries WHERE order_id = ? AND kind = 'cost_of_goods'").bind(order.id).all();
      expect(cost.results).toEqual([{ amount: -200, quantity: 2, source: "3pl_shipped" }]);
    });
  });
});

describe("goods with a service", () => {
  it("is delivered only when the parcel has arrived and the installation is done", async () => {
    const { sku, store } = await shop();
    await createProduct(store.id, "INSTALL", { type: "service" });
    const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 1), line("INSTALL", 1)] });
    await serviceTasksOf(order.id);
    const shipmentId = allocation.shipments[0].id;
    await packShipment(shipmentId);
    const tn = freshTrackingNumber();
    await labelDirectly(shipmentId, tn);
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).status).toBe(200);
    await carrierScan(tn, "delivered");
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "delivered" });
    // The parcel is there; the installer has not been.
    expect(await orderStatus(order.id)).toBe("shipped");
    const byHand = await transition(order.id, "deliver");
    expect(byHand.body).toMatchObject({ code: "service_not_done", tasks: [{ status: "open" }] });
    await performServiceTasks(order.id);
    expect(await orderStatus(order.id)).toBe("delivered");
  });
});
