/**
 * Two stores of one merchant share a warehouse. A key scoped to one of them
 * works that warehouse's floor for its own store only: it releases, sees and
 * picks only its store's shipments, reads only their work log, and never
 * learns the other store's order or shipment ids from a wave, the work log
 * or the stock ledger. Every shipment route answers the other store's
 * shipment as not found.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createStore, unique } from "./helpers";
import { allocatedOrder, line, stockedWarehouse } from "./processing-helpers";

let sku: string;
let wh: { id: string };
let storeA: { id: string };
let storeB: { id: string };
/** Warehouse staff and an admin, both scoped to store A. */
let floorA: string;
let adminA: string;

type Placed = { orderId: string; shipmentId: string; itemId: string };
async function place(storeId: string): Promise<Placed> {
  const { order, allocation } = await allocatedOrder(storeId, { lines: [line(sku, 1)] });
  const s = allocation.shipments[0];
  expect(s.warehouse_id).toBe(wh.id);
  return { orderId: order.id, shipmentId: s.id, itemId: s.items[0].id };
}

const shipmentRow = (id: string) => env.DB.prepare("SELECT status, wave_id FROM shipments WHERE id = ?").bind(id).first<{ status: string; wave_id: string | null }>();

beforeAll(async () => {
  sku = unique("SHARED");
  wh = await stockedWarehouse({ bins: ["S-01"], stock: [["S-01", sku, 50]] });
  storeA = await createStore();
  storeB = await createStore();
  for (const s of [storeA, storeB]) await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  floorA = await createKey("warehouse", [storeA.id]);
  adminA = await createKey("admin", [storeA.id]);
});

describe("a shared warehouse's floor, for a key of one store", () => {
  it("releases only its own store's shipments into waves", async () => {
    const a = await place(storeA.id);
    const b = await place(storeB.id);
    const r = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier", max_shipments: 100 }, key: floorA });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const ids = r.body.data.flatMap((w: any) => w.shipment_ids);
    expect(ids).toContain(a.shipmentId);
    expect(ids).not.toContain(b.shipmentId);
    expect(JSON.stringify(r.body)).not.toContain(b.orderId);
    expect((await shipmentRow(b.shipmentId))!.wave_id).toBeNull();
    // The merchant-wide admin releases the rest.
    const all = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier", max_shipments: 100 } });
    expect(all.body.data.flatMap((w: any) => w.shipment_ids)).toContain(b.shipmentId);
  });

  it("sees a mixed wave with only its store's shipments and lines, and cannot pick the other store's line", async () => {
    const a = await place(storeA.id);
    const b = await place(storeB.id);
    const made = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier", max_shipments: 100 } });
    const wave = made.body.data.find((w: any) => w.shipment_ids.includes(a.shipmentId));
    expect(wave.shipment_ids).toContain(b.shipmentId);

    for (const key of [floorA, adminA]) {
      const seen = await api(`/v1/waves/${wave.id}`, { key });
      expect(seen.status).toBe(200);
      expect(seen.body.shipment_ids).toEqual([a.shipmentId]);
      expect(seen.body.pick_list.map((l: any) => l.shipment_id)).toEqual([a.shipmentId]);
      expect(JSON.stringify(seen.body)).not.toContain(b.orderId);
      expect(JSON.stringify(seen.body)).not.toContain(b.shipmentId);
    }

    const refused = await api(`/v1/waves/${wave.id}/picks`, { body: { item_id: b.itemId, scanned: sku, quantity: 1 }, key: floorA });
    expect(refused.status).toBe(422);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    const item = await env.DB.prepare("SELECT picked_qty FROM shipment_items WHERE id = ?").bind(b.itemId).first<{ picked_qty: number }>();
    expect(item!.picked_qty).toBe(0);

    const own = await api(`/v1/waves/${wave.id}/picks`, { body: { item_id: a.itemId, scanned: sku, quantity: 1 }, key: floorA });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });

  it("does not see a wave holding only the other store's shipments", async () => {
    const b = await place(storeB.id);
    const made = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier", max_shipments: 100 } });
    const wave = made.body.data.find((w: any) => w.shipment_ids.includes(b.shipmentId));
    expect(wave.shipment_ids).toEqual([b.shipmentId]);
    const get = await api(`/v1/waves/${wave.id}`, { key: floorA });
    expect(get.status).toBe(404);
    const pick = await api(`/v1/waves/${wave.id}/picks`, { body: { item_id: b.itemId, scanned: sku, quantity: 1 }, key: floorA });
    expect(pick.status).toBe(404);
    const list = await api(`/v1/waves?warehouse_id=${wh.id}&limit=100`, { key: floorA });
    expect(list.status).toBe(200);
    expect(list.body.data.map((w: any) => w.id)).not.toContain(wave.id);
    const listedByAdmin = await api(`/v1/waves?warehouse_id=${wh.id}&limit=100`);
    expect(listedByAdmin.body.data.map((w: any) => w.id)).toContain(wave.id);
  });

  it("reads only its store's entries of the work log, and the ledger without the other store's ids", async () => {
    const b = await place(storeB.id);
    const made = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier", max_shipments: 100 } });
    const wave = made.body.data.find((w: any) => w.shipment_ids.includes(b.shipmentId));
    expect((await api(`/v1/waves/${wave.id}/picks`, { body: { item_id: b.itemId, scanned: sku, quantity: 1 } })).status).toBe(200);

    const mineOnly = await api(`/v1/warehouse-events?warehouse_id=${wh.id}&limit=100`, { key: floorA });
    expect(mineOnly.status).toBe(200);
    expect(JSON.stringify(mineOnly.body)).not.toContain(b.shipmentId);
    const asked = await api(`/v1/warehouse-events?shipment_id=${b.shipmentId}`, { key: floorA });
    expect(asked.body.data).toEqual([]);
    const everyone = await api(`/v1/warehouse-events?shipment_id=${b.shipmentId}`);
    expect(everyone.body.data.length).toBeGreaterThan(0);

    const ledger = await api(`/v1/warehouses/${wh.id}/movements?limit=200`, { key: floorA });
    expect(ledger.status).toBe(200);
    const text = JSON.stringify(ledger.body);
    expect(text).not.toContain(b.shipmentId);
    expect(text).not.toContain(b.orderId);
    // The quantities stay: the stock is the merchant's. Only the reference is withheld.
    expect(ledger.body.data.some((m: any) => m.ref_id === null && m.kind === "pick")).toBe(true);
    for (const ref of [b.orderId, b.shipmentId]) {
      expect((await api(`/v1/warehouses/${wh.id}/movements?ref_id=${ref}`, { key: floorA })).body.data).toEqual([]);
      expect((await api(`/v1/warehouses/${wh.id}/movements?ref_id=${ref}`)).body.data.length).toBeGreaterThan(0);
    }
  });

  it("finds none of the other store's shipments on any shipment route, and changes nothing", async () => {
    const b = await place(storeB.id);
    const id = b.shipmentId;
    const attempts: [string, string, unknown?][] = [
      ["GET", `/v1/shipments/${id}`],
      ["POST", `/v1/shipments/${id}/pack-scans`, { code: sku }],
      ["POST", `/v1/shipments/${id}/pack`, { packages: [{ length_mm: 10, width_mm: 10, height_mm: 10, weight_grams: 5 }] }],
      ["POST", `/v1/shipments/${id}/intercept`, { reason: "not yours" }],
      ["POST", `/v1/shipments/${id}/interception/resolve`, { action: "release" }],
      ["POST", `/v1/shipments/${id}/label`, {}],
      ["GET", `/v1/shipments/${id}/label`],
      ["GET", `/v1/shipments/${id}/label.pdf`],
      ["DELETE", `/v1/shipments/${id}/label`],
      ["POST", `/v1/shipments/${id}/handover`, {}],
      ["GET", `/v1/shipments/${id}/tracking`],
      ["POST", `/v1/shipments/${id}/unmerge`, {}],
    ];
    for (const key of [floorA, adminA]) {
      for (const [method, path, body] of attempts) {
        const r = await api(path, { method, body, key });
        // Handing over at the dock is logistics' call, not the warehouse role's: refused before the shipment is looked up.
        const lacksPermission = key === floorA && path.endsWith("/handover");
        expect(r.status, `${method} ${path}`).toBe(lacksPermission ? 403 : 404);
        expect(r.headers.get("content-type")).toBe("application/problem+json");
      }
      const listed = await api(`/v1/shipments?warehouse_id=${wh.id}&limit=100`, { key });
      expect(listed.body.data.map((s: any) => s.id)).not.toContain(id);
      const exceptions = await api("/v1/fulfilment-exceptions?limit=100", { key });
      expect(JSON.stringify(exceptions.body)).not.toContain(id);
    }
    expect(await shipmentRow(id)).toEqual({ status: "pending", wave_id: null });
  });
});
