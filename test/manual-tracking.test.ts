/**
 * Tracking recorded by hand: when a carrier has no webhook, or confirmed a
 * delivery by phone, logistics staff record what happened on the shipment.
 * It goes the way a partner's event goes (forward only, exceptions, the
 * customer's messages, the order delivered with its last parcel), and the
 * answer says whether it moved the parcel.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { api, createKey, createStore, transition, unique } from "./helpers";
import { freshTrackingNumber, labelDirectly, orderStatus, packedOrder, shipmentStatus } from "./logistics-helpers";
import { allocatedOrder, count, line, stockedWarehouse } from "./processing-helpers";

let store: { id: string };
beforeAll(async () => {
  store = await createStore(unique("Parcel Post"));
});

/** An order of one parcel, labelled and handed over at our dock: on its way with a carrier. */
async function parcelOnItsWay() {
  const { order, shipmentId } = await packedOrder(store.id);
  await labelDirectly(shipmentId, freshTrackingNumber());
  const h = await api(`/v1/shipments/${shipmentId}/handover`, { body: {} });
  expect(h.status, JSON.stringify(h.body)).toBe(200);
  return { orderId: order.id as string, shipmentId };
}

const record = (shipmentId: string, body: unknown, init: { key?: string; headers?: Record<string, string> } = {}) =>
  api(`/v1/shipments/${shipmentId}/tracking-events`, { body, ...init });

const eventsOf = (shipmentId: string) => count("tracking_events", "shipment_id = ?", shipmentId);
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** The customer's messages of an order once at least `template` is among them (the notifications queue writes them). */
async function messagesOnce(orderId: string, template: string) {
  let data: { template: string }[] = [];
  await vi.waitFor(
    async () => {
      data = (await api(`/v1/notifications?order_id=${orderId}`)).body.data;
      expect(data.map((m) => m.template)).toContain(template);
    },
    { timeout: 10_000, interval: 50 },
  );
  return data;
}

describe("a delivery recorded by hand", () => {
  it("delivers the parcel and its order, and tells the customer once; a late 'in transit' after it is kept with its reason", async () => {
    const { orderId, shipmentId } = await parcelOnItsWay();
    const r = await record(shipmentId, { status: "delivered", message: "Customer confirmed by phone", location: "Front desk" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      duplicate: false,
      outcome: "applied",
      reason: null,
      shipment_status: "delivered",
      tracking_status: "delivered",
      orders: [{ id: orderId, status: "delivered" }],
      event: { partner: "manual", status: "delivered", shipment_id: shipmentId, outcome: "applied", message: "Customer confirmed by phone", location: "Front desk" },
    });
    expect(r.headers.get("location")).toBe(`/v1/shipments/${shipmentId}/tracking`);
    expect(await orderStatus(orderId)).toBe("delivered");
    // The order's delivery is booked to the person who recorded it.
    const events = (await api(`/v1/orders/${orderId}/events`)).body.data;
    expect(events.at(-1)).toMatchObject({ type: "deliver", to_status: "delivered", actor: "bootstrap" });

    const late = await record(shipmentId, { status: "in_transit", occurred_at: hoursAgo(5) });
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    expect(late.body).toMatchObject({ outcome: "kept", reason: "after_terminal", shipment_status: "delivered", tracking_status: "delivered" });

    const tracking = (await api(`/v1/shipments/${shipmentId}/tracking`)).body;
    expect(tracking.timeline.map((e: any) => [e.status, e.outcome])).toEqual([
      ["in_transit", "kept"],
      ["delivered", "applied"],
    ]);
    const messages = await messagesOnce(orderId, "order.delivered");
    expect(messages.filter((m) => m.template === "order.delivered")).toHaveLength(1);
    // Both events were done here, not left owed to the queue.
    expect(await count("outbox", "topic = 'logistics' AND delivered_at IS NULL AND payload LIKE ?", `%${r.body.event.id}%`)).toBe(0);
  });

  it("an older 'out for delivery' after 'in transit' is kept as late; a failed attempt raises an exception that the delivery clears", async () => {
    const { orderId, shipmentId } = await parcelOnItsWay();
    expect((await record(shipmentId, { status: "in_transit", occurred_at: hoursAgo(2) })).body.outcome).toBe("applied");
    const late = await record(shipmentId, { status: "out_for_delivery", occurred_at: hoursAgo(3) });
    expect(late.body).toMatchObject({ outcome: "kept", reason: "late", shipment_status: "in_transit" });

    const failed = await record(shipmentId, { status: "failed_attempt", message: "Nobody home", occurred_at: hoursAgo(1) });
    expect(failed.body).toMatchObject({ outcome: "applied", shipment_status: "exception", orders: [{ id: orderId, status: "shipped" }] });
    const open = (await api(`/v1/logistics/exceptions?status=open&shipment_id=${shipmentId}`)).body.data;
    expect(open).toMatchObject([{ kind: "failed_attempt", tracking_event_id: failed.body.event.id }]);
    await messagesOnce(orderId, "shipment.exception");

    expect((await record(shipmentId, { status: "delivered" })).body).toMatchObject({ outcome: "applied", shipment_status: "delivered" });
    expect((await api(`/v1/logistics/exceptions?status=open&shipment_id=${shipmentId}`)).body.data).toEqual([]);
    expect(await orderStatus(orderId)).toBe("delivered");
  });

  it("hands over a labelled parcel nobody handed over, as a carrier's scan would", async () => {
    const { order, shipmentId } = await packedOrder(store.id);
    await labelDirectly(shipmentId, freshTrackingNumber());
    const r = await record(shipmentId, { status: "in_transit" });
    expect(r.body).toMatchObject({ outcome: "applied", shipment_status: "in_transit", orders: [{ id: order.id, status: "shipped" }] });
  });
});

describe("a retried request", () => {
  it("with the same Idempotency-Key makes one event and answers the same", async () => {
    const { shipmentId } = await parcelOnItsWay();
    const headers = { "idempotency-key": unique("scan") };
    const first = await record(shipmentId, { status: "in_transit" }, { headers });
    const again = await record(shipmentId, { status: "in_transit" }, { headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await eventsOf(shipmentId)).toBe(1);
    // The same key for another request is a mistake, not a replay.
    const other = await record(shipmentId, { status: "delivered" }, { headers });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe("idempotency_key_reused");
    expect(await eventsOf(shipmentId)).toBe(1);
  });

  it("without a key but with the same occurred_at is recorded once", async () => {
    const { shipmentId } = await parcelOnItsWay();
    const body = { status: "out_for_delivery", occurred_at: hoursAgo(1), location: "Depot 4" };
    expect((await record(shipmentId, body)).status).toBe(201);
    const again = await record(shipmentId, body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, outcome: "applied", reason: "already_recorded", shipment_status: "out_for_delivery" });
    expect(await eventsOf(shipmentId)).toBe(1);
  });
});

describe("the order is delivered from its parcels", () => {
  it("refuses a deliver by hand while the parcel is in transit, naming it; the recorded delivery then delivers the order", async () => {
    const { orderId, shipmentId } = await parcelOnItsWay();
    await record(shipmentId, { status: "in_transit" });
    const early = await transition(orderId, "deliver");
    expect(early.status).toBe(409);
    expect(early.headers.get("content-type")).toBe("application/problem+json");
    expect(early.body).toMatchObject({ code: "shipments_not_delivered", shipments: [{ id: shipmentId, status: "in_transit" }] });
    expect(early.body.detail).toContain(`/v1/shipments/{id}/tracking-events`);
    expect(await orderStatus(orderId)).toBe("shipped");

    const r = await record(shipmentId, { status: "delivered" });
    expect(r.body.orders).toEqual([{ id: orderId, status: "delivered" }]);
    expect(await orderStatus(orderId)).toBe("delivered");
  });
});

describe("refused, and nothing written", () => {
  it("bad input: an unknown status, a time in the future or not RFC 3339, unknown fields, bad JSON, another content type", async () => {
    const { shipmentId } = await parcelOnItsWay();
    const invalid: [unknown, string][] = [
      [{ status: "lost" }, "status"],
      [{ status: "pre_transit" }, "status"],
      [{}, "status"],
      [{ status: "delivered", occurred_at: new Date(Date.now() + 3_600_000).toISOString() }, "occurred_at"],
      [{ status: "delivered", occurred_at: "yesterday" }, "occurred_at"],
      [{ status: "delivered", message: "" }, "message"],
      [{ status: "delivered", partner: "easypost" }, ""],
    ];
    for (const [body, field] of invalid) {
      const r = await record(shipmentId, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      if (field)
        expect(
          r.body.errors.map((e: any) => e.field),
          JSON.stringify(r.body),
        ).toContain(field);
    }
    const malformed = await record(shipmentId, '{"status": "delivered"');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toBe("application/problem+json");
    const text = await record(shipmentId, "status=delivered", { headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    expect(text.headers.get("content-type")).toBe("application/problem+json");
    expect(await eventsOf(shipmentId)).toBe(0);
    expect((await shipmentStatus(shipmentId))!.status).toBe("shipped");
  });

  it("a shipment without a label is a 409 not_labelled", async () => {
    const sku = unique("NOLABEL");
    const wh = await stockedWarehouse({ bins: ["N-01"], stock: [["N-01", sku, 5]] });
    const shop = await createStore();
    await api(`/v1/stores/${shop.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
    const pending = (await allocatedOrder(shop.id, { lines: [line(sku, 1)] })).allocation.shipments[0].id;
    const packed = (await packedOrder(store.id)).shipmentId;
    for (const id of [pending, packed]) {
      const r = await record(id, { status: "delivered" });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("not_labelled");
      expect(await count("tracking_events", "shipment_id = ?", id)).toBe(0);
    }
  });

  it("roles that do not record tracking are 403; another store's or another warehouse's key sees no such shipment (404)", async () => {
    const { shipmentId } = await parcelOnItsWay();
    for (const role of ["warehouse", "support", "analyst", "auditor"]) {
      const r = await record(shipmentId, { status: "delivered" }, { key: await createKey(role, [store.id]) });
      expect(r.status, role).toBe(403);
      expect(r.body.code).toBe("forbidden");
    }
    const stranger = await createKey("logistics", [(await createStore()).id]);
    expect((await record(shipmentId, { status: "delivered" }, { key: stranger })).status).toBe(404);
    const elsewhere = (
      await api("/v1/api-keys", { body: { name: "dock", role: "logistics", store_ids: ["*"], warehouse_ids: [(await stockedWarehouse({ bins: ["X-01"], stock: [] })).id] } })
    ).body.key;
    expect((await record(shipmentId, { status: "delivered" }, { key: elsewhere })).status).toBe(404);
    expect(await eventsOf(shipmentId)).toBe(0);

    const mine = await createKey("logistics", [store.id]);
    const ok = await record(shipmentId, { status: "in_transit" }, { key: mine });
    expect(ok.status).toBe(201);
  });
});
