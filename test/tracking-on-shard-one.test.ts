/**
 * Tracking routes (docs/SHARDING.md, build step 6; src/logistics/tracking-route.ts): a carrier's webhook names a
 * parcel, never our store. A label bought for a store on shard 1 writes its route on the directory, and the carrier's
 * events about it are stored and applied on shard 1; an event that reached shard 0 before the label existed is taken
 * over by the label and applied there; a redelivery is still a duplicate.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetHomes } from "../src/db/homes";
import { onShard } from "../src/db/shard";
import { createLabel } from "../src/logistics/create-label";
import { routeFor } from "../src/logistics/tracking-route";
import { migrateEveryDatabase } from "./databases";
import { api, createProduct, createStore, principalOf, unique } from "./helpers";
import { carrierIssuing, deliverSigned, FIXTURE_TRACKING_NUMBER, fixture, freshTrackingNumber, packShipment, processed, rewrite, shipmentStatus } from "./logistics-helpers";
import { allocatedOrder, createBin, createWarehouse, receive, waitFor } from "./processing-helpers";
import { moveNewPoolToShardOne } from "./shard-helpers";
import { env } from "./shard-env";

const onShardOne = onShard(env, { id: "s1", binding: "DB_1" });
let shop: { id: string };
const sku = unique("TRK");

beforeAll(async () => {
  await migrateEveryDatabase();
  forgetHomes();
  shop = await createStore();
  await createProduct(shop.id, sku, { price: "10.00" });
  const wh = await createWarehouse({ store_ids: [shop.id] });
  await createBin(wh.id, "A-01", { pick_sequence: 10 });
  await moveNewPoolToShardOne({ stores: [shop.id], warehouses: [wh.id] });
  await receive(wh.id, [{ sku, bin: "A-01", quantity: 20 }]);
  await api(`/v1/stores/${shop.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
});

afterAll(() => forgetHomes());

/** An order of the shard 1 store, allocated and packed there: its shipment is ready for a label. */
async function packedOnShardOne() {
  const { order, allocation } = await allocatedOrder(shop.id, {
    lines: [{ sku, quantity: 1, unit_price: "10.00" }],
    shipping_address: { name: "Maya Chen", line1: "350 5th Ave", city: "New York", region: "NY", postal_code: "10118", country: "US" },
  });
  const shipmentId = allocation.shipments[0].id as string;
  await packShipment(shipmentId, undefined, env.DB_1);
  return { order, shipmentId };
}

/** EasyPost's in-transit fixture as a new event about `trackingNumber`. */
const inTransit = (trackingNumber: string) =>
  rewrite(
    fixture("easypost-tracker-updated-in-transit.json"),
    ["evt_8c4e2a1f4b6d11f0a9e3b5c7d9f1a2c4", `evt_${crypto.randomUUID().replace(/-/g, "")}`],
    [FIXTURE_TRACKING_NUMBER, trackingNumber],
  );

const count = (db: D1Database, sql: string, ...binds: unknown[]) =>
  db
    .prepare(sql)
    .bind(...binds)
    .first<number>("n");

describe("which store a tracking number belongs to", () => {
  it("is the route of the event's carrier if one matches, else the newest route", () => {
    const routes = [
      { carrier: "usps", store_id: "st_old", created_at: 1 },
      { carrier: "ups", store_id: "st_new", created_at: 2 },
    ];
    expect(routeFor(routes, "USPS")).toBe("st_old");
    expect(routeFor(routes, "DHL Express")).toBe("st_new");
    expect(routeFor(routes, null)).toBe("st_new");
    expect(routeFor([], "USPS")).toBeNull();
  });
});

describe("a carrier's events about a parcel of a store on shard 1", () => {
  it("are stored and applied on shard 1, through the route its label wrote; a redelivery is a duplicate", async () => {
    const { shipmentId } = await packedOnShardOne();
    const label = await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    expect(label.status, JSON.stringify(label.body)).toBe(201);
    const trackingNumber = (await env.DB_1.prepare("SELECT tracking_number FROM shipment_tracking WHERE shipment_id = ?").bind(shipmentId).first<string>("tracking_number"))!;
    expect(await env.DIRECTORY.prepare("SELECT store_id FROM tracking_routes WHERE tracking_number = ?").bind(trackingNumber).first("store_id")).toBe(shop.id);

    const body = inTransit(trackingNumber);
    const r = await deliverSigned("easypost", body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await processed(r.body.id, env.DB_1)).toMatchObject({ outcome: "applied", shipment_id: shipmentId });
    expect(await shipmentStatus(shipmentId, env.DB_1)).toMatchObject({ tracking_status: "in_transit" });
    expect(await count(env.DB, "SELECT COUNT(*) AS n FROM tracking_events WHERE tracking_number = ?", trackingNumber)).toBe(0);

    const again = await deliverSigned("easypost", body);
    expect(again.body).toMatchObject({ received: true, duplicate: true });
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM tracking_events WHERE tracking_number = ?", trackingNumber)).toBe(1);
  });

  it("takes over an event that reached shard 0 before the label was recorded, and applies it", async () => {
    const trackingNumber = freshTrackingNumber();
    const body = inTransit(trackingNumber);
    const early = await deliverSigned("easypost", body);
    expect(early.status).toBe(200);
    // No route yet: shard 0 keeps it, as it kept every early event before sharding.
    expect(await processed(early.body.id)).toMatchObject({ outcome: "unmatched" });

    const { order, shipmentId } = await packedOnShardOne();
    const fetch = await carrierIssuing(shop.id, trackingNumber);
    try {
      const r = await createLabel(onShardOne, shipmentId, { principal: principalOf("admin", "test"), input: {}, deps: { fetch } });
      expect(r.ok).toBe(true);
      await waitFor(async () => expect(await processed(early.body.id, env.DB_1)).toMatchObject({ outcome: "applied", shipment_id: shipmentId }));
      expect(await count(env.DB, "SELECT COUNT(*) AS n FROM tracking_events WHERE tracking_number = ?", trackingNumber)).toBe(0);
      expect(await shipmentStatus(shipmentId, env.DB_1)).toMatchObject({ tracking_status: "in_transit" });
      await waitFor(async () => expect((await api(`/v1/orders/${order.id}`)).body.status).toBe("shipped"));
      // The partner delivering it again now reaches shard 1, where it is a duplicate.
      expect((await deliverSigned("easypost", body)).body).toMatchObject({ duplicate: true });
    } finally {
      await env.DB_1.prepare("DELETE FROM store_logistics WHERE store_id = ?").bind(shop.id).run();
    }
  });
});
