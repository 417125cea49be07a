/**
 * Two stores of one merchant share a warehouse. A key scoped to one of them
 * works that warehouse's floor for its own store only: it releases, sees and
 * picks only its store's shipments, reads only their work log, and never
 * learns the other store's order or shipment ids from a wave, the work log
 * or the stock ledger. Every shipment route answers the other store's
 * shipment as not found.
 */
import { env } from "./shard-env";
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

    // The list's progress counts only the units of the key's stores.
    const units = async (key?: string) => {
      const w = (await api(`/v1/waves/${wave.id}`, key ? { key } : {})).body.pick_list.reduce((n: number, l: any) => n + l.quantity, 0);
      const listed = (await api(`/v1/waves?warehouse_id=${wh.id}&limit=100`, key ? { key } : {})).body.data.find((x: any) => x.id === wave.id);
      return { fromPickList: w, progress: listed.progress };
    };
    const mine = await units(floorA);
    expect(mine.progress).toEqual({ units: mine.fromPickList, picked: 1, short: 0 });
    const whole = await units();
    expect(whole.progress.units).toBe(whole.fromPickList);
    expect(whole.progress.units).toBeGreaterThan(mine.progress.units);
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
    // The wave itself is not theirs (read in the pick's first round trip), not merely the line.
    expect(pick.body.detail).toBe("No such wave");
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
      ["POST", `/v1/shipments/${id}/pack-scans`, { scans: [{ code: sku }] }],
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

describe("managing a warehouse several stores share", () => {
  async function keyOf(role: string, storeIds: string[]) {
    const r = await api("/v1/api-keys", { body: { name: `${role} key`, role, store_ids: storeIds } });
    return { key: r.body.key as string, id: r.body.id as string };
  }
  const changesOf = async (whId: string) => (await api(`/v1/warehouses/${whId}/changes`)).body.data as any[];

  it("a store-scoped admin cannot change a shared 3PL's webhook, tolerances, stores or layout; the merchant-wide admin can, and every change is recorded", async () => {
    const tpl = await api("/v1/warehouses", { body: { name: unique("3pl"), kind: "third_party", country: "DE", webhook_url: "https://3pl.example/oms" } });
    expect(tpl.status).toBe(201);
    expect(tpl.body.store_ids).toEqual(["*"]);
    const shared2 = await api("/v1/warehouses", {
      body: { name: unique("3pl"), kind: "third_party", country: "DE", webhook_url: "https://3pl.example/two", store_ids: [storeA.id, storeB.id] },
    });
    expect(shared2.status).toBe(201);
    for (const w of [tpl.body, shared2.body]) {
      const attempts: [string, string, unknown][] = [
        ["PATCH", `/v1/warehouses/${w.id}`, { webhook_url: "https://attacker.example/steal" }],
        ["PATCH", `/v1/warehouses/${w.id}`, { weight_tolerance_pct: 50 }],
        ["PATCH", `/v1/warehouses/${w.id}`, { store_ids: [storeA.id] }],
        ["POST", `/v1/warehouses/${w.id}/zones`, { code: "Z9", name: "zone" }],
        ["POST", `/v1/warehouses/${w.id}/bins`, { code: "B9" }],
      ];
      for (const [method, path, body] of attempts) {
        const r = await api(path, { method, body, key: adminA });
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.body.code).toBe("forbidden");
      }
      // It still reads it: it ships the store's orders.
      const read = await api(`/v1/warehouses/${w.id}`, { key: adminA });
      expect(read.status).toBe(200);
      expect(read.body.webhook_url).toMatch(/^https:\/\/3pl\.example\//);
      expect((await changesOf(w.id)).map((c) => c.action)).toEqual(["create"]);
    }

    const changed = await api(`/v1/warehouses/${tpl.body.id}`, { method: "PATCH", body: { webhook_url: "https://3pl.example/v2", weight_tolerance_pct: 7 } });
    expect(changed.status).toBe(200);
    const log = await changesOf(tpl.body.id);
    expect(log.map((c) => c.action)).toEqual(["update", "create"]);
    expect(log[0]).toMatchObject({
      warehouse_id: tpl.body.id,
      actor: "bootstrap",
      changes: { webhook_url: { from: "https://3pl.example/oms", to: "https://3pl.example/v2" }, weight_tolerance_pct: { from: 5, to: 7 } },
    });
    expect(Object.keys(log[0].changes).sort()).toEqual(["webhook_url", "weight_tolerance_pct"]);
    expect(log[1].changes.webhook_url).toEqual({ from: null, to: "https://3pl.example/oms" });
    expect(JSON.stringify(log)).not.toContain(tpl.body.webhook_secret);
    expect(new Date(log[0].created_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // A change that changes nothing is not recorded.
    expect((await api(`/v1/warehouses/${tpl.body.id}`, { method: "PATCH", body: { weight_tolerance_pct: 7 } })).status).toBe(200);
    expect(await changesOf(tpl.body.id)).toHaveLength(2);
  });

  it("a store-scoped admin creates and manages a warehouse of its own store only", async () => {
    const scoped = await keyOf("admin", [storeA.id]);
    for (const store_ids of [undefined, ["*"], [storeB.id], [storeA.id, storeB.id]]) {
      const r = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", ...(store_ids ? { store_ids } : {}) }, key: scoped.key });
      expect(r.status, JSON.stringify(store_ids)).toBe(403);
    }
    const both = await keyOf("admin", [storeA.id, storeB.id]);
    expect((await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [storeA.id, storeB.id] }, key: both.key })).status).toBe(403);

    const own = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [storeA.id] }, key: scoped.key });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.store_ids).toEqual([storeA.id]);
    expect((await api(`/v1/warehouses/${own.body.id}/zones`, { body: { code: "Z1", name: "zone" }, key: scoped.key })).status).toBe(201);
    expect((await api(`/v1/warehouses/${own.body.id}`, { method: "PATCH", body: { name: "Store A's own" }, key: scoped.key })).status).toBe(200);
    // Widening it to other stores makes it shared: not this key's to do.
    const widen = await api(`/v1/warehouses/${own.body.id}`, { method: "PATCH", body: { store_ids: ["*"] }, key: scoped.key });
    expect(widen.status).toBe(403);
    // Layout is configuration too: a bin is recorded with the zone; a duplicate refused records nothing.
    expect((await api(`/v1/warehouses/${own.body.id}/bins`, { body: { code: "B1", zone: "Z1", pick_sequence: 3 }, key: scoped.key })).status).toBe(201);
    expect((await api(`/v1/warehouses/${own.body.id}/zones`, { body: { code: "Z1", name: "again" }, key: scoped.key })).status).toBe(409);
    const log = await changesOf(own.body.id);
    expect(log.map((c) => [c.action, c.actor])).toEqual([
      ["add_layout", scoped.id],
      ["update", scoped.id],
      ["add_layout", scoped.id],
      ["create", scoped.id],
    ]);
    expect(log[0].changes).toEqual({ bin: { from: null, to: { code: "B1", zone: "Z1", pick_sequence: 3 } } });
    expect(log[1].changes).toEqual({ name: { from: own.body.name, to: "Store A's own" } });
    expect(log[2].changes).toEqual({ zone: { from: null, to: { code: "Z1", name: "zone" } } });
  });

  it("another store's key does not see a store's own warehouse, and allocation does not use it for other stores", async () => {
    const sku2 = unique("OWN");
    const own = await stockedWarehouse({ fields: { store_ids: [storeA.id] }, bins: ["O-01"], stock: [["O-01", sku2, 5]] });
    const floorB = await createKey("warehouse", [storeB.id]);
    expect((await api(`/v1/warehouses/${own.id}`, { key: floorB })).status).toBe(404);
    expect((await api(`/v1/warehouses/${own.id}/changes`, { key: floorB })).status).toBe(404);
    const listed = await api("/v1/warehouses?limit=200", { key: floorB });
    expect(listed.body.data.map((w: any) => w.id)).not.toContain(own.id);
    const stock = await api(`/v1/stock?sku=${sku2}`, { key: floorB });
    expect(stock.body).toMatchObject({ warehouses: [], on_hand: 0 });
    expect((await api(`/v1/stock?sku=${sku2}`, { key: floorA })).body.on_hand).toBe(5);
    expect((await api(`/v1/warehouses/${own.id}`, { key: floorA })).status).toBe(200);

    const storeC = await createStore();
    const named = await api(`/v1/stores/${storeC.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [own.id] } });
    expect(named.status).toBe(422);
    expect(named.body.errors.map((e: any) => e.field)).toEqual(["default_warehouses.0"]);
    const dry = await api("/v1/allocations/dry-run", { body: { store_id: storeC.id, destination: { country: "US" }, lines: [{ sku: sku2, quantity: 1 }] } });
    expect(dry.status).toBe(200);
    expect(dry.body.ok).toBe(false);
    expect(dry.body.shipments).toEqual([]);
    // Store A's own orders are sent there.
    await api(`/v1/stores/${storeA.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [own.id, wh.id] } });
    const mine = await api("/v1/allocations/dry-run", { body: { store_id: storeA.id, destination: { country: "US" }, lines: [{ sku: sku2, quantity: 1 }] } });
    expect(mine.body.shipments.map((s: any) => s.warehouse_id)).toEqual([own.id]);
  });

  it("a store's key names only existing stores, and webhook URLs are https (plain http only to localhost)", async () => {
    const missing = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [storeA.id, "st_missing"] } });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: any) => e.field)).toContain("store_ids.1");
    for (const store_ids of [[], ["*", storeA.id], [storeA.id, storeA.id]]) {
      expect((await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids } })).status, JSON.stringify(store_ids)).toBe(422);
    }
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM warehouses").first<{ n: number }>();
    for (const webhook_url of ["http://3pl.example/oms", "https://user:pw@3pl.example/oms", "http://localhost.attacker.example/"]) {
      const r = await api("/v1/warehouses", { body: { name: unique("3pl"), kind: "third_party", country: "DE", webhook_url } });
      expect(r.status, webhook_url).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM warehouses").first<{ n: number }>()).toEqual(before);
    const local = await api("/v1/warehouses", { body: { name: unique("3pl"), kind: "third_party", country: "DE", webhook_url: "http://127.0.0.1:9000/oms" } });
    expect(local.status).toBe(201);
    const downgrade = await api(`/v1/warehouses/${local.body.id}`, { method: "PATCH", body: { webhook_url: "http://3pl.example/oms" } });
    expect(downgrade.status).toBe(422);
    expect((await api(`/v1/warehouses/${local.body.id}`)).body.webhook_url).toBe("http://127.0.0.1:9000/oms");
  });
});
