/**
 * Delivery trouble: failed attempts, carrier exceptions, returns and parcels
 * without news raise one visible exception per shipment and kind for the
 * logistics team; the customer hears of "out for delivery" and of trouble
 * once per change; a delivery clears the trouble before it; the staleness
 * cron follows each store's setting; and people list and resolve exceptions.
 */
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { flagStaleTracking } from "../src/logistics/flag-stale-tracking";
import { api, createKey, createStore } from "./helpers";
import { bytes, deliverSigned, freshTrackingNumber, labelDirectly, orderStatus, packedOrder, processed, shipmentStatus } from "./logistics-helpers";
import { waitFor } from "./processing-helpers";

const DAY = 86_400_000;
let store: { id: string };
beforeAll(async () => {
  store = await createStore();
});

/** An AfterShip tracking_update about `trackingNumber`: `tag`/`subtag` at `time` (ISO), signed as AfterShip signs. */
async function aftershipSays(trackingNumber: string, tag: string, subtag: string, time: string, message = `${tag} scan`) {
  const body = {
    event: "tracking_update",
    event_id: crypto.randomUUID(),
    is_tracking_first_tag: true,
    msg: {
      tracking_number: trackingNumber,
      slug: "usps",
      tag,
      subtag,
      subtag_message: message,
      return_to_sender: false,
      updated_at: time,
      checkpoints: [{ checkpoint_time: time, created_at: time, message, city: "NEW YORK", state: "NY", country_region: "USA", tag, subtag }],
    },
    ts: Math.floor(Date.parse(time) / 1000),
  };
  const r = await deliverSigned("aftership", bytes(JSON.stringify(body)));
  expect(r.status).toBe(200);
  return processed(r.body.id);
}

async function shippedParcel(s = store) {
  const { order, shipmentId } = await packedOrder(s.id);
  const trackingNumber = freshTrackingNumber();
  await labelDirectly(shipmentId, trackingNumber);
  expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).status).toBe(200);
  return { orderId: order.id as string, shipmentId, trackingNumber };
}

const exceptionsOf = (shipmentId: string) =>
  env.DB.prepare("SELECT * FROM logistics_exceptions WHERE shipment_id = ? ORDER BY id")
    .bind(shipmentId)
    .all<Record<string, any>>()
    .then((r) => r.results);
const messagesOf = (orderId: string) =>
  env.DB.prepare("SELECT type, payload FROM outbox WHERE order_id = ? AND type LIKE 'shipment.%' ORDER BY id")
    .bind(orderId)
    .all<{ type: string; payload: string }>()
    .then((r) => r.results.map((m) => ({ type: m.type, ...JSON.parse(m.payload) })));

describe("trouble on the way", () => {
  it("a failed attempt raises an exception and tells the customer; the next attempt and the delivery clear it", async () => {
    const { orderId, shipmentId, trackingNumber } = await shippedParcel();
    await aftershipSays(trackingNumber, "OutForDelivery", "OutForDelivery_001", "2025-06-17T08:00:00Z");
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "out_for_delivery", tracking_status: "out_for_delivery" });
    const failed = await aftershipSays(trackingNumber, "AttemptFail", "AttemptFail_001", "2025-06-17T15:00:00Z", "Notice left, no access");
    expect(failed).toMatchObject({ status: "failed_attempt", outcome: "applied" });
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "exception", tracking_status: "failed_attempt" });
    expect(await exceptionsOf(shipmentId)).toMatchObject([{ kind: "failed_attempt", status: "open", order_id: orderId, tracking_event_id: failed.id }]);

    // Out for delivery again the next day, then delivered.
    await aftershipSays(trackingNumber, "OutForDelivery", "OutForDelivery_001", "2025-06-18T08:00:00Z");
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "out_for_delivery" });
    await aftershipSays(trackingNumber, "Delivered", "Delivered_001", "2025-06-18T11:00:00Z");
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "delivered" });
    expect(await exceptionsOf(shipmentId)).toMatchObject([{ kind: "failed_attempt", status: "resolved", resolved_by: "system:tracking", resolution: "tracking: delivered" }]);
    await waitFor(async () => expect(await orderStatus(orderId)).toBe("delivered"));

    const tracking = { number: trackingNumber, url: `https://track.example/${trackingNumber}`, carrier: "usps" };
    expect(await messagesOf(orderId)).toEqual([
      { type: "shipment.out_for_delivery", reason: "OutForDelivery scan", data: { tracking, shipment_id: shipmentId, status: "out_for_delivery" } },
      { type: "shipment.exception", reason: "Notice left, no access", data: { tracking, shipment_id: shipmentId, status: "failed_attempt" } },
      { type: "shipment.out_for_delivery", reason: "OutForDelivery scan", data: { tracking, shipment_id: shipmentId, status: "out_for_delivery" } },
    ]);
  });

  it("a carrier repeating its exception keeps one open exception and one message", async () => {
    const { orderId, shipmentId, trackingNumber } = await shippedParcel();
    await aftershipSays(trackingNumber, "Exception", "Exception_013", "2025-06-17T08:00:00Z", "Shipment lost");
    await aftershipSays(trackingNumber, "Exception", "Exception_013", "2025-06-17T09:00:00Z", "Shipment lost");
    await aftershipSays(trackingNumber, "Exception", "Exception_013", "2025-06-17T09:00:00Z", "Shipment lost");
    expect((await exceptionsOf(shipmentId)).map((e) => `${e.kind}:${e.status}`)).toEqual(["exception:open"]);
    expect((await messagesOf(orderId)).map((m) => m.type)).toEqual(["shipment.exception"]);
    expect(await orderStatus(orderId)).toBe("shipped");
  });

  it("a return to sender stays open for a person and the order is not delivered, even by a later 'delivered' (back to the sender)", async () => {
    const { orderId, shipmentId, trackingNumber } = await shippedParcel();
    await aftershipSays(trackingNumber, "Exception", "Exception_011", "2025-06-20T08:00:00Z", "Returned to sender");
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "returned", tracking_status: "returned_to_sender" });
    const later = await aftershipSays(trackingNumber, "Delivered", "Delivered_001", "2025-06-22T08:00:00Z");
    expect(later).toMatchObject({ outcome: "kept" });
    expect((await exceptionsOf(shipmentId)).map((e) => `${e.kind}:${e.status}`)).toEqual(["returned_to_sender:open", "conflicting_status:open"]);
    expect(await orderStatus(orderId)).toBe("shipped");
  });

  it("an event that arrives late never overwrites newer trouble or progress", async () => {
    const { shipmentId, trackingNumber } = await shippedParcel();
    await aftershipSays(trackingNumber, "InTransit", "InTransit_003", "2025-06-17T10:00:00Z");
    const late = await aftershipSays(trackingNumber, "Exception", "Exception_005", "2025-06-16T10:00:00Z", "Weather delay");
    expect(late).toMatchObject({ status: "exception", outcome: "kept" });
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "in_transit", tracking_status: "in_transit" });
    expect(await exceptionsOf(shipmentId)).toEqual([]);
  });

  it("events racing for one shipment end in the state of their time order", async () => {
    const { orderId, shipmentId, trackingNumber } = await shippedParcel();
    const times = ["2025-06-16T08:00:00Z", "2025-06-16T20:00:00Z", "2025-06-17T07:00:00Z"];
    await Promise.all([
      aftershipSays(trackingNumber, "InTransit", "InTransit_002", times[0]!),
      aftershipSays(trackingNumber, "InTransit", "InTransit_003", times[1]!),
      aftershipSays(trackingNumber, "OutForDelivery", "OutForDelivery_001", times[2]!),
      aftershipSays(trackingNumber, "InTransit", "InTransit_007", times[1]!),
    ]);
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "out_for_delivery", tracking_status: "out_for_delivery", status_at: Date.parse(times[2]!) });
    expect((await messagesOf(orderId)).map((m) => m.type)).toEqual(["shipment.out_for_delivery"]);
  });
});

describe("parcels without news", () => {
  it("the hourly cron flags a parcel quiet for longer than the store allows, once, and news resolves it", async () => {
    const { orderId, shipmentId, trackingNumber } = await shippedParcel();
    const now = Date.now();
    expect((await flagStaleTracking(env, now + 4 * DAY)).flagged).toBe(0);
    expect((await flagStaleTracking(env, now + 6 * DAY)).flagged).toBeGreaterThanOrEqual(1);
    expect(await exceptionsOf(shipmentId)).toMatchObject([{ kind: "stale_tracking", status: "open", order_id: orderId }]);
    expect((await exceptionsOf(shipmentId))[0]!.detail).toMatch(/^no tracking news for 6 days \(limit 5\)/);
    await flagStaleTracking(env, now + 7 * DAY);
    expect(await exceptionsOf(shipmentId)).toHaveLength(1);
    await aftershipSays(trackingNumber, "InTransit", "InTransit_003", "2025-06-17T10:00:00Z");
    expect(await exceptionsOf(shipmentId)).toMatchObject([{ kind: "stale_tracking", status: "resolved", resolution: "tracking: in_transit" }]);
  });

  it("follows the store's stale_tracking_days, and runs from the scheduled handler", async () => {
    const patient = await createStore();
    const config = (await api(`/v1/stores/${patient.id}/logistics`)).body.config;
    expect((await api(`/v1/stores/${patient.id}/logistics`, { method: "PUT", body: { ...config, stale_tracking_days: 10 } })).status).toBe(200);
    const { shipmentId } = await shippedParcel(patient);
    const now = Date.now();
    await flagStaleTracking(env, now + 6 * DAY);
    expect(await exceptionsOf(shipmentId)).toEqual([]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: now + 11 * DAY }), env, ctx);
    expect(await exceptionsOf(shipmentId)).toMatchObject([{ kind: "stale_tracking", status: "open" }]);
  });

  it("leaves delivered parcels and parcels not yet handed over alone", async () => {
    const { shipmentId: delivered, trackingNumber } = await shippedParcel();
    await aftershipSays(trackingNumber, "Delivered", "Delivered_001", "2025-06-17T10:00:00Z");
    const { shipmentId: waiting } = await packedOrder(store.id);
    await labelDirectly(waiting, freshTrackingNumber());
    await flagStaleTracking(env, Date.now() + 30 * DAY);
    expect(await exceptionsOf(delivered)).toEqual([]);
    expect(await exceptionsOf(waiting)).toEqual([]);
  });
});

describe("the logistics team's views", () => {
  it("lists exceptions with filters and store scope, resolves each once, and shows them on the order", async () => {
    const s = await createStore();
    const { orderId, shipmentId, trackingNumber } = await shippedParcel(s);
    await aftershipSays(trackingNumber, "AttemptFail", "AttemptFail_001", "2025-06-17T15:00:00Z");
    const list = await api(`/v1/logistics/exceptions?status=open&kind=failed_attempt,exception&order_id=${orderId}`);
    expect(list.status).toBe(200);
    expect(list.body.data).toMatchObject([{ shipment_id: shipmentId, order_id: orderId, store_id: s.id, kind: "failed_attempt", status: "open" }]);
    const id = list.body.data[0].id;

    const view = await api(`/v1/orders/${orderId}/tracking`);
    expect(view.status).toBe(200);
    expect(view.body.shipments).toHaveLength(1);
    expect(view.body.shipments[0]).toMatchObject({
      shipment_id: shipmentId,
      shipment_status: "exception",
      tracking_status: "failed_attempt",
      label: { tracking_number: trackingNumber },
    });
    expect(view.body.shipments[0].open_exceptions.map((e: any) => e.id)).toEqual([id]);
    expect(view.body.shipments[0].timeline.map((e: any) => e.status)).toEqual(["failed_attempt"]);

    const logistics = await createKey("logistics", [s.id]);
    const elsewhere = await createKey("logistics", [store.id]);
    expect((await api(`/v1/logistics/exceptions?order_id=${orderId}`, { key: elsewhere })).body.data).toEqual([]);
    expect((await api(`/v1/logistics/exceptions/${id}/resolve`, { body: { resolution: "x" }, key: elsewhere })).status).toBe(404);
    expect((await api(`/v1/orders/${orderId}/tracking`, { key: elsewhere })).status).toBe(404);
    expect((await api(`/v1/logistics/exceptions/${id}/resolve`, { body: { resolution: "" }, key: logistics })).status).toBe(422);
    expect((await api(`/v1/logistics/exceptions/${id}/resolve`, { body: {}, key: logistics })).status).toBe(422);
    const resolved = await api(`/v1/logistics/exceptions/${id}/resolve`, { body: { resolution: "customer collects at the post office" }, key: logistics });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: "resolved", resolution: "customer collects at the post office" });
    expect(await api(`/v1/logistics/exceptions/${id}/resolve`, { body: { resolution: "again" }, key: logistics })).toMatchObject({
      status: 409,
      body: { code: "already_resolved" },
    });
    expect((await api("/v1/logistics/exceptions/lex_nope/resolve", { body: { resolution: "x" } })).status).toBe(400);
    expect((await api("/v1/logistics/exceptions?kind=weather")).status).toBe(400);
    expect((await api("/v1/logistics/exceptions?cursor=zzz")).status).toBe(400);
    // Resolved, it frees its key: the next failed attempt is a new exception.
    await aftershipSays(trackingNumber, "OutForDelivery", "OutForDelivery_001", "2025-06-18T08:00:00Z");
    await aftershipSays(trackingNumber, "AttemptFail", "AttemptFail_001", "2025-06-18T15:00:00Z");
    expect((await exceptionsOf(shipmentId)).map((e) => e.status)).toEqual(["resolved", "open"]);
  });

  it("shows one shipment's tracking, and answers bad ids and unknown shipments with problems", async () => {
    const { shipmentId, trackingNumber } = await shippedParcel();
    await aftershipSays(trackingNumber, "InTransit", "InTransit_003", "2025-06-17T10:00:00Z");
    await aftershipSays(trackingNumber, "InTransit", "InTransit_002", "2025-06-16T10:00:00Z");
    const r = await api(`/v1/shipments/${shipmentId}/tracking`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      shipment_id: shipmentId,
      shipment_status: "in_transit",
      tracking_status: "in_transit",
      tracking_status_at: "2025-06-17T10:00:00.000Z",
      open_exceptions: [],
    });
    expect(r.body.label).toMatchObject({ tracking_number: trackingNumber, handed_over_at: expect.any(String) });
    expect(r.body.timeline.map((e: any) => `${e.occurred_at}:${e.outcome}`)).toEqual(["2025-06-16T10:00:00.000Z:kept", "2025-06-17T10:00:00.000Z:applied"]);
    expect((await api("/v1/shipments/nope/tracking")).status).toBe(400);
    expect((await api("/v1/shipments/shp_00000000000000000000000000/tracking")).status).toBe(404);
    expect((await api("/v1/shipments/shp_00000000000000000000000000/label")).status).toBe(404);
    expect((await api("/v1/orders/ord_00000000000000000000000000/tracking")).status).toBe(404);
    const { shipmentId: unlabelled } = await packedOrder(store.id);
    expect((await api(`/v1/shipments/${unlabelled}/tracking`)).body).toMatchObject({ label: null, tracking_status: null, timeline: [] });
  });

  it("reports events for numbers we never issued to unscoped keys only, and pages the list", async () => {
    const unknown = freshTrackingNumber();
    await aftershipSays(unknown, "InTransit", "InTransit_003", "2025-06-17T10:00:00Z");
    const r = await api(`/v1/tracking-events?outcome=unmatched&tracking_number=${unknown}`);
    expect(r.body.data).toMatchObject([{ tracking_number: unknown, outcome: "unmatched", shipment_id: null, partner: "aftership" }]);
    const scoped = await createKey("logistics", [store.id]);
    expect((await api(`/v1/tracking-events?tracking_number=${unknown}`, { key: scoped })).body.data).toEqual([]);
    const page = await api("/v1/tracking-events?limit=1");
    expect(page.body.data).toHaveLength(1);
    const next = await api(`/v1/tracking-events?limit=1&cursor=${page.body.next_cursor}`);
    expect(next.body.data[0].id < page.body.data[0].id).toBe(true);
    expect((await api("/v1/tracking-events?outcome=lost")).status).toBe(400);
  });
});
