/**
 * Replenishment against generated sales history (daily SKU rollup rows for
 * the 28 days before today), real stock, an open purchase order and a real
 * backorder: every number checked by hand in the comments.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createOrder, createProduct, createStore, expectInvalidQuery, transition, unique } from "./helpers";
import { createBin, createWarehouse, receive, waitFor } from "./processing-helpers";

let store: { id: string };
let main: { id: string };
let spare: { id: string };
const sku = { x: "", y: "", z: "", w: "" };
let s1: string;
let s2: string;

const DAY_MS = 86_400_000;

/** `perDay` units sold on each of the 28 days before today, in `warehouseId`. */
async function history(warehouseId: string, s: string, perDay: number) {
  const now = Date.now();
  const rows = Array.from({ length: 28 }, (_, i) => new Date(now - (i + 1) * DAY_MS).toISOString().slice(0, 10));
  await env.DB.batch(
    rows.map((day) =>
      env.DB.prepare(
        "INSERT INTO rollup_sku_days (store_id, day, warehouse_id, sku, currency, units_ordered, revenue_ordered, units_cancelled, revenue_cancelled, units_shipped, revenue_shipped, cost_shipped) VALUES (?, ?, ?, ?, 'USD', ?, 0, 0, 0, ?, 0, NULL)",
      ).bind(store.id, day, warehouseId, s, perDay, perDay),
    ),
  );
}

beforeAll(async () => {
  store = await createStore();
  for (const k of Object.keys(sku) as (keyof typeof sku)[]) {
    sku[k] = unique(`R${k.toUpperCase()}`);
    await createProduct(store.id, sku[k]);
  }
  main = await createWarehouse();
  spare = await createWarehouse();
  // The store ships from these two, main first (other test files' warehouses may share the database).
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [main.id, spare.id] } });
  await createBin(main.id, "M-01");
  await createBin(spare.id, "S-01");
  await receive(main.id, [
    { sku: sku.x, bin: "M-01", quantity: 40 },
    { sku: sku.y, bin: "M-01", quantity: 10 },
  ]);
  await receive(spare.id, [{ sku: sku.y, bin: "S-01", quantity: 300 }]);
  await history(main.id, sku.x, 3);
  await history(main.id, sku.y, 2);
  await history(spare.id, sku.y, 1);
  await history(main.id, sku.w, 1);
  const supplier = async (name: string, lead: number) =>
    (await api("/v1/suppliers", { body: { store_id: store.id, name, currency: "USD", lead_time_days: lead } })).body.id as string;
  s1 = await supplier("Slow but preferred", 10);
  s2 = await supplier("Fast", 5);
  const item = (s: string, k: string, body: Record<string, unknown>) => api(`/v1/suppliers/${s}/items/${k}`, { method: "PUT", body: { unit_cost: "1.00", ...body } });
  await item(s1, sku.x, { min_order_qty: 12, pack_size: 12, preferred: true });
  await item(s2, sku.x, { unit_cost: "0.90" });
  await item(s1, sku.z, { pack_size: 6 });
  await item(s2, sku.y, {});
  // 10 of x already on order from s1.
  const po = await api("/v1/purchase-orders", { body: { supplier_id: s1, warehouse_id: main.id, lines: [{ sku: sku.x, quantity: 12 }] } });
  await api(`/v1/purchase-orders/${po.body.id}`, { method: "PATCH", body: { lines: [{ sku: sku.x, quantity: 12 }] } });
  await api(`/v1/purchase-orders/${po.body.id}/transitions`, { body: { event: "submit" } });
  // 5 of z backordered: nobody holds any.
  const o = await createOrder(store.id, { lines: [{ sku: sku.z, quantity: 5, unit_price: "3.00" }] });
  await transition(o.id, "approve");
  await waitFor(async () => expect((await api(`/v1/orders/${o.id}/allocation`)).body.status).toBe("backordered"));
});

const suggestions = async (query = "") => {
  const r = await api(`/v1/replenishment?store_id=${store.id}&warehouse_id=${main.id}${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return new Map((r.body.data as { sku: string }[]).map((s) => [s.sku, s as Record<string, unknown>]));
};

describe("replenishment", () => {
  it("orders from the preferred supplier up to the reorder point plus cover, in its packs", async () => {
    // 84 in 28 days = 3/day; s1's 10 days (preferred over s2's 5); safety 7 days = 21; reorder point 30 + 21 = 51;
    // position 40 + 12 on order = 52 > 51: nothing yet. With 14 days' safety: 42, reorder point 72, target 72 + 42 = 114:
    // need 114 - 52 = 62 -> 72 (packs of 12).
    const base = await suggestions("&include_none=true");
    expect(base.get(sku.x)).toMatchObject({
      action: "none",
      velocity: 3,
      reorder_point: 51,
      position: 52,
      on_hand: 40,
      reserved: 0,
      available: 40,
      on_order: 12,
      in_transit: 0,
      supplier_name: "Slow but preferred",
    });
    const s = (await suggestions("&safety_days=14")).get(sku.x)!;
    expect(s).toMatchObject({ action: "order", quantity: 72, reorder_point: 72, target: 114, lead_time_days: 10, supplier_id: s1 });
    expect(s.explanation).toContain("order 72 from Slow but preferred (62 rounded up to the minimum 12 and packs of 12)");
  });

  it("moves stock from a warehouse with more than it needs", async () => {
    // y: 2/day, s2's 5 days: safety 14, reorder point 10 + 14 = 24; position 10; target 24 + 28 = 52; need 42.
    // The spare warehouse sells 1/day and keeps 1 x (5 + 7 + 14) = 26 of its 300: 274 spare.
    const s = (await suggestions()).get(sku.y)!;
    expect(s).toMatchObject({ action: "transfer", quantity: 42, transfer_from: spare.id, position: 10, reorder_point: 24 });
    expect(s.explanation).toContain(`${spare.id} has 274 more than it needs: move 42`);
  });

  it("covers backorders of a SKU that has not sold, and names what no supplier lists", async () => {
    const all = await suggestions();
    // z: nothing sold, 5 backordered: position -5, need 5 -> one pack of 6.
    expect(all.get(sku.z)).toMatchObject({ action: "order", quantity: 6, backordered: 5, position: -5 });
    // w: 1/day, no supplier: reorder point = safety 7; target 7 + 14 = 21.
    expect(all.get(sku.w)).toMatchObject({ action: "no_supplier", quantity: 21, lead_time_days: null });
  });

  it("counts a waiting order at the one warehouse the store's routing tries first, so two warehouses never both buy for it", async () => {
    // The store's routing tries main first.
    const atSpare = await api(`/v1/replenishment?store_id=${store.id}&warehouse_id=${spare.id}&include_none=true`);
    expect(atSpare.body.data.find((r: { sku: string }) => r.sku === sku.z)).toMatchObject({ backordered: 0, action: "none" });
    // A policy that sends everything to the spare warehouse first moves the need there.
    expect((await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [spare.id, main.id] } })).status).toBe(200);
    try {
      expect((await suggestions("&include_none=true")).get(sku.z)).toMatchObject({ backordered: 0 });
      const moved = await api(`/v1/replenishment?store_id=${store.id}&warehouse_id=${spare.id}`);
      expect(moved.body.data.find((r: { sku: string }) => r.sku === sku.z)).toMatchObject({ backordered: 5, action: "order" });
    } finally {
      await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [main.id, spare.id] } });
    }
  });

  it("turns the suggestions to order into one draft per supplier, skipping transfers and unlisted SKUs", async () => {
    const r = await api("/v1/replenishment/purchase-orders", { body: { store_id: store.id, warehouse_id: main.id, safety_days: 14 } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.data).toEqual([{ id: expect.stringMatching(/^po_/), supplier_id: s1, skus: [sku.x, sku.z].sort() }]);
    expect(r.body.skipped).toEqual(
      [
        { sku: sku.w, action: "no_supplier", reason: "no active supplier lists it" },
        // With 14 days' safety y needs 28 + 28 + 10 - 10 = 56 (still well within the spare's 300).
        { sku: sku.y, action: "transfer", reason: `move 56 from ${spare.id} instead` },
      ].sort((a, b) => a.sku.localeCompare(b.sku)),
    );
    const po = (await api(`/v1/purchase-orders/${r.body.data[0].id}`)).body;
    expect(po).toMatchObject({ status: "draft", warehouse_id: main.id, note: "from replenishment suggestions" });
    expect(Object.fromEntries(po.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity]))).toEqual({ [sku.x]: 72, [sku.z]: 6 });
    // The drafts count as on order: asking again makes none for what they already buy.
    const again = await api("/v1/replenishment/purchase-orders", { body: { store_id: store.id, warehouse_id: main.id, safety_days: 14 } });
    expect(again.status).toBe(201);
    expect(again.body.data).toEqual([]);
    expect((await suggestions("&include_none=true&safety_days=14")).get(sku.x)).toMatchObject({ on_order: 84, action: "none" });
  });

  it("refuses another store's warehouse, another store, and bad parameters", async () => {
    const other = await createStore();
    const key = await createKey("admin", [other.id]);
    expect((await api(`/v1/replenishment?store_id=${store.id}&warehouse_id=${main.id}`, { key })).status).toBe(403);
    const limited = await createWarehouse({ store_ids: [other.id] });
    const r = await api(`/v1/replenishment?store_id=${store.id}&warehouse_id=${limited.id}`);
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ field: "warehouse_id", message: "no such warehouse of this store" }]);
    for (const q of ["window_days=0", "safety_days=-1", "cover_days=x"]) {
      expectInvalidQuery(await api(`/v1/replenishment?store_id=${store.id}&warehouse_id=${main.id}&${q}`), q.split("=")[0]!);
    }
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM purchase_orders").first<{ n: number }>();
    expect((await api("/v1/replenishment/purchase-orders", { body: { store_id: store.id, warehouse_id: limited.id } })).status).toBe(422);
    expect((await api("/v1/replenishment/purchase-orders", { body: { store_id: store.id, warehouse_id: main.id, skus: [] } })).status).toBe(422);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM purchase_orders").first<{ n: number }>()).toEqual(before);
  });
});
