/**
 * Package types: a warehouse's cartons and mailers with their tare weight,
 * managed by admins, read by the floor; packing names each package's type,
 * and the scale is expected to show the goods plus the packaging.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createProduct, createStore, unique } from "./helpers";
import { allocatedOrder, count, createBin, createWarehouse, line, receive } from "./processing-helpers";

let store: { id: string };
let wh: { id: string };
let other: { id: string };
let floor: string;
const SKU = unique("KETTLE");
const BOX = { code: "BOX-M", name: "Medium carton", tare_grams: 180, length_mm: 300, width_mm: 200, height_mm: 150 };

beforeAll(async () => {
  store = await createStore();
  await createProduct(store.id, SKU, { weight_grams: 500 });
  wh = await createWarehouse({ weight_tolerance_pct: 5, weight_tolerance_grams: 20 });
  other = await createWarehouse();
  await createBin(wh.id, "K-01", { pick_sequence: 10 });
  await receive(wh.id, [{ sku: SKU, bin: "K-01", quantity: 50 }]);
  floor = (await api("/v1/api-keys", { body: { name: "packer", role: "warehouse", store_ids: ["*"], warehouse_ids: [wh.id] } })).body.key;
  const created = await api(`/v1/warehouses/${wh.id}/package-types`, { body: BOX });
  expect(created.status).toBe(201);
});

/** Two kettles (1000 g of goods) picked and scanned, ready to pack. */
async function readyToPack() {
  const carrier = unique("car");
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id], default_carrier: carrier } });
  const { allocation } = await allocatedOrder(store.id, { lines: [line(SKU, 2)] });
  const shipment = allocation.shipments[0];
  const wave = (await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" }, key: floor })).body.data.find((w: any) => w.group_key === carrier);
  expect((await api(`/v1/waves/${wave.id}/picks`, { body: { item_id: shipment.items[0].id, scanned: SKU, quantity: 2 }, key: floor })).status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await api(`/v1/shipments/${shipment.id}/pack-scans`, { body: { code: SKU }, key: floor })).status).toBe(200);
  return shipment.id as string;
}

const pack = (shipmentId: string, body: Record<string, unknown>) => api(`/v1/shipments/${shipmentId}/pack`, { body, key: floor });

describe("managing package types", () => {
  it("an admin adds, lists and changes a warehouse's package types", async () => {
    const code = unique("MAILER").slice(-20);
    const r = await api(`/v1/warehouses/${wh.id}/package-types`, { body: { code, name: "Padded mailer", tare_grams: 35, length_mm: 350, width_mm: 250, height_mm: 30 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ warehouse_id: wh.id, code, tare_grams: 35, active: true });
    expect(r.headers.get("location")).toBe(`/v1/warehouses/${wh.id}/package-types/${code}`);
    const list = await api(`/v1/warehouses/${wh.id}/package-types`, { key: floor });
    expect(list.status).toBe(200);
    expect(list.body.data.map((t: any) => t.code)).toEqual(expect.arrayContaining(["BOX-M", code]));
    const changed = await api(`/v1/warehouses/${wh.id}/package-types/${code}`, { method: "PATCH", body: { tare_grams: 40 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ code, tare_grams: 40, name: "Padded mailer" });
    // Codes are per warehouse: another warehouse may use the same one.
    expect((await api(`/v1/warehouses/${other.id}/package-types`, { body: { ...BOX } })).status).toBe(201);
  });

  it("refuses bad package types with a problem and writes nothing", async () => {
    const before = await count("package_types", "warehouse_id = ?", wh.id);
    for (const body of [
      { ...BOX, tare_grams: -1 },
      { ...BOX, code: "" },
      { ...BOX, code: "has space" },
      { ...BOX, length_mm: 0 },
      { code: "X-1", name: "no dimensions", tare_grams: 10 },
      { ...BOX, code: "X-2", extra: true },
    ]) {
      const r = await api(`/v1/warehouses/${wh.id}/package-types`, { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    const dup = await api(`/v1/warehouses/${wh.id}/package-types`, { body: BOX });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("duplicate_code");
    expect(await count("package_types", "warehouse_id = ?", wh.id)).toBe(before);
    expect((await api("/v1/warehouses/wh_missing/package-types", { body: BOX })).status).toBe(404);
    expect((await api(`/v1/warehouses/${wh.id}/package-types/NOPE`, { method: "PATCH", body: { tare_grams: 1 } })).status).toBe(404);
    expect((await api(`/v1/warehouses/${wh.id}/package-types/BOX-M`, { method: "PATCH", body: {} })).status).toBe(422);
    expect((await api(`/v1/warehouses/${wh.id}/package-types/BOX-M`, { method: "PATCH", body: { tare_grams: -5 } })).status).toBe(422);
  });

  it("only admins manage them; floor roles read them; a key outside the warehouse sees no such warehouse", async () => {
    const before = await count("package_types", "warehouse_id = ?", wh.id);
    for (const role of ["warehouse", "logistics", "support", "analyst", "auditor", "channel"]) {
      const key = await createKey(role, [store.id]);
      const post = await api(`/v1/warehouses/${wh.id}/package-types`, { body: { ...BOX, code: unique("R").slice(-20) }, key });
      expect(post.status, role).toBe(403);
      expect(post.headers.get("content-type")).toBe("application/problem+json");
      expect((await api(`/v1/warehouses/${wh.id}/package-types/BOX-M`, { method: "PATCH", body: { tare_grams: 1 }, key })).status, role).toBe(403);
    }
    expect((await api(`/v1/warehouses/${wh.id}/package-types`, { key: await createKey("channel", [store.id]) })).status).toBe(403);
    expect((await api(`/v1/warehouses/${wh.id}/package-types`, { key: await createKey("auditor", [store.id]) })).status).toBe(403);
    const elsewhere = (await api("/v1/api-keys", { body: { name: "elsewhere", role: "warehouse", store_ids: ["*"], warehouse_ids: [other.id] } })).body.key;
    expect((await api(`/v1/warehouses/${wh.id}/package-types`, { key: elsewhere })).status).toBe(404);
    expect(await count("package_types", "warehouse_id = ?", wh.id)).toBe(before);
    expect((await api(`/v1/warehouses/${wh.id}/package-types`)).body.data.find((t: any) => t.code === "BOX-M").tare_grams).toBe(180);
  });

  it("a shared warehouse's package types are managed only by a key for every store; a store's own warehouse by its admins", async () => {
    const storeAdmin = await createKey("admin", [store.id]);
    const before = await count("package_types", "warehouse_id = ?", wh.id);
    const shared = await api(`/v1/warehouses/${wh.id}/package-types`, { body: { ...BOX, code: "SHARED-X" }, key: storeAdmin });
    expect(shared.status).toBe(403);
    expect(shared.headers.get("content-type")).toBe("application/problem+json");
    expect((await api(`/v1/warehouses/${wh.id}/package-types/BOX-M`, { method: "PATCH", body: { tare_grams: 1 }, key: storeAdmin })).status).toBe(403);
    expect(await count("package_types", "warehouse_id = ?", wh.id)).toBe(before);
    // Reading them is floor work, and stays open to the store's keys.
    expect((await api(`/v1/warehouses/${wh.id}/package-types`, { key: storeAdmin })).status).toBe(200);
    const own = await createWarehouse({ store_ids: [store.id] });
    expect((await api(`/v1/warehouses/${own.id}/package-types`, { body: BOX, key: storeAdmin })).status).toBe(201);
  });
});

describe("packing with package types", () => {
  it("a real carton on the scale passes: goods 1000 g + carton 180 g, its dimensions taken from the type", async () => {
    const id = await readyToPack();
    const r = await pack(id, { packages: [{ package_type: "BOX-M", weight_grams: 1185 }] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: "packed", expected_weight_grams: 1180, weight_override_reason: null });
    expect(r.body.packages).toEqual([{ package_type: "BOX-M", tare_grams: 180, length_mm: 300, width_mm: 200, height_mm: 150, weight_grams: 1185 }]);
    const weigh = await env.DB.prepare("SELECT data FROM warehouse_events WHERE shipment_id = ? AND kind = 'weigh'").bind(id).first<{ data: string }>();
    expect(JSON.parse(weigh!.data)).toMatchObject({ package_type: "BOX-M", tare_grams: 180, weight_grams: 1185, expected_grams: 1180, within_tolerance: true });
  });

  it("a wrong weight still fails, and says what was expected of goods and packaging", async () => {
    const id = await readyToPack();
    // The carton's weight but one kettle short of it.
    const r = await pack(id, { packages: [{ package_type: "BOX-M", weight_grams: 680 }] });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "weight_mismatch", expected_grams: 1180, goods_grams: 1000, tare_grams: 180, measured_grams: 680, tolerance_grams: 59 });
    // The goods' weight alone (the carton left off the scale's expectation) fails too.
    expect((await pack(id, { packages: [{ package_type: "BOX-M", weight_grams: 1000 }] })).body.code).toBe("weight_mismatch");
    expect(await count("shipments", "id = ? AND status = 'picking'", id)).toBe(1);
  });

  it("packages without a type weigh as before; given dimensions override the type's", async () => {
    const id = await readyToPack();
    const r = await pack(id, {
      packages: [
        { length_mm: 300, width_mm: 200, height_mm: 100, weight_grams: 600 },
        { package_type: "BOX-M", height_mm: 120, weight_grams: 580 },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.expected_weight_grams).toBe(1180);
    expect(r.body.packages[1]).toMatchObject({ package_type: "BOX-M", height_mm: 120, length_mm: 300 });
  });

  it("an unknown, retired or other warehouse's package type is a 422 naming the package, and nothing is packed", async () => {
    const id = await readyToPack();
    const retired = unique("OLD").slice(-20);
    await api(`/v1/warehouses/${wh.id}/package-types`, { body: { ...BOX, code: retired } });
    expect((await api(`/v1/warehouses/${wh.id}/package-types/${retired}`, { method: "PATCH", body: { active: false } })).body.active).toBe(false);
    const elsewhere = unique("ELSE").slice(-20);
    await api(`/v1/warehouses/${other.id}/package-types`, { body: { ...BOX, code: elsewhere } });
    for (const code of ["NO-SUCH-BOX", retired, elsewhere]) {
      const r = await pack(id, { packages: [box(600), { package_type: code, weight_grams: 1180 }] });
      expect(r.status, code).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.errors).toEqual([expect.objectContaining({ field: "packages.1.package_type" })]);
    }
    // Without a type, dimensions are required.
    const noDims = await pack(id, { packages: [{ weight_grams: 1180 }] });
    expect(noDims.status).toBe(422);
    expect(noDims.body.errors.map((e: any) => e.field)).toEqual(["packages.0.length_mm", "packages.0.width_mm", "packages.0.height_mm"]);
    expect(await count("shipments", "id = ? AND status = 'picking' AND packed_at IS NULL", id)).toBe(1);
    expect(await count("warehouse_events", "shipment_id = ? AND kind IN ('weigh', 'pack')", id)).toBe(0);
  });
});

const box = (weight_grams: number) => ({ length_mm: 300, width_mm: 200, height_mm: 100, weight_grams });
