/** Helpers for the processing stage's tests: warehouses with bins and stock, approved and allocated orders. */
import { env } from "./shard-env";
import { vi } from "vitest";
import { api, createOrder, createStore, transition, unique } from "./helpers";
import { dbOf } from "./shard-helpers";

export async function createWarehouse(fields: Record<string, unknown> = {}) {
  const r = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", region: "NJ", ...fields } });
  if (r.status !== 201) throw new Error(`warehouse: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; webhook_secret: string | null; currency: string };
}

export async function createZone(whId: string, code: string) {
  const r = await api(`/v1/warehouses/${whId}/zones`, { body: { code, name: `Zone ${code}` } });
  if (r.status !== 201) throw new Error(`zone: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function createBin(whId: string, code: string, fields: Record<string, unknown> = {}) {
  const r = await api(`/v1/warehouses/${whId}/bins`, { body: { code, ...fields } });
  if (r.status !== 201) throw new Error(`bin: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; code: string };
}

export async function receive(whId: string, lines: { sku: string; bin: string; quantity: number; unit_cost?: string }[], key?: string) {
  const r = await api(`/v1/warehouses/${whId}/receipts`, {
    body: { lines: lines.map((l) => ({ unit_cost: "1.00", ...l })) },
    ...(key ? { key } : {}),
  });
  if (r.status !== 201) throw new Error(`receipt: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A warehouse with bins (in path order) and stock already received: `stock` is [bin, sku, qty]. */
export async function stockedWarehouse(opts: {
  fields?: Record<string, unknown>;
  zones?: string[];
  bins: (string | { code: string; zone?: string; pick_sequence?: number })[];
  stock: [string, string, number][];
}) {
  const wh = await createWarehouse(opts.fields);
  for (const z of opts.zones ?? []) await createZone(wh.id, z);
  for (const [i, b] of opts.bins.entries()) {
    const spec = typeof b === "string" ? { code: b } : b;
    await createBin(wh.id, spec.code, { pick_sequence: spec.pick_sequence ?? (i + 1) * 10, ...(spec.zone ? { zone: spec.zone } : {}) });
  }
  if (opts.stock.length)
    await receive(
      wh.id,
      opts.stock.map(([bin, sku, quantity]) => ({ bin, sku, quantity })),
    );
  return wh;
}

/** A SKU's stock at a warehouse, read on the shard that holds the warehouse (`DB` for one without a home). */
export async function level(whId: string, sku: string) {
  const db = await dbOf({ warehouse: whId });
  const row = await db
    .prepare("SELECT COALESCE(SUM(on_hand),0) AS on_hand, COALESCE(SUM(reserved),0) AS reserved FROM stock_levels WHERE warehouse_id = ? AND sku = ?")
    .bind(whId, sku)
    .first<{ on_hand: number; reserved: number }>();
  return row!;
}

export const count = (table: string, where = "1=1", ...binds: unknown[]) =>
  env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...binds)
    .first<{ n: number }>()
    .then((r) => r!.n);

/** `count` on one database: the shard `dbOf` names for the rows asked about. */
export const countIn = (db: D1Database, table: string, where = "1=1", ...binds: unknown[]) =>
  db
    .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...binds)
    .first<{ n: number }>()
    .then((r) => r!.n);

export async function ledgerOk(whId: string) {
  const r = await api(`/v1/warehouses/${whId}/stock-check`);
  return r.body as { ok: boolean; checked: number; mismatches: unknown[] };
}

/** Creates and approves an order, then runs allocation synchronously (as the queue consumer would). */
export async function approvedOrder(storeId: string, overrides: Record<string, unknown> = {}) {
  const order = await createOrder(storeId, overrides);
  const r = await transition(order.id, "approve");
  if (r.status !== 200) throw new Error(`approve: ${r.status} ${JSON.stringify(r.body)}`);
  return order;
}

export async function allocate(orderId: string, key?: string) {
  return api(`/v1/orders/${orderId}/allocation`, { method: "POST", body: {}, ...(key ? { key } : {}) });
}

export async function allocatedOrder(storeId: string, overrides: Record<string, unknown> = {}) {
  const order = await approvedOrder(storeId, overrides);
  const r = await allocate(order.id);
  if (r.status !== 200 || r.body.status !== "allocated") throw new Error(`allocate: ${r.status} ${JSON.stringify(r.body)}`);
  return { order, allocation: r.body };
}

export async function waitFor<T>(fn: () => Promise<T>, timeout = 10_000) {
  return vi.waitFor(fn, { timeout, interval: 50 });
}

export const line = (sku: string, quantity: number, unit_price = "10.00") => ({ sku, quantity, unit_price });

/**
 * A shipment of its own store and warehouse, brought to `stage` on the floor:
 * pending (allocated), waved (in a wave), picked, scanned (ready to pack) or intercepted.
 * The warehouse serves every store, unless `storeOnly`: then only the new store, in that store's pool (on whichever
 * shard placement put it), for a file whose stores are on both shards, where a warehouse of every store is refused.
 */
export async function floorShipment(stage: "pending" | "waved" | "picked" | "scanned" | "intercepted", opts: { storeOnly?: boolean } = {}) {
  const sku = unique("FLOOR");
  const stocked = (fields?: Record<string, unknown>) => stockedWarehouse({ fields, bins: ["F-01"], stock: [["F-01", sku, 5]] });
  let wh: Awaited<ReturnType<typeof stocked>>;
  let store: { id: string };
  if (opts.storeOnly) {
    store = await createStore();
    wh = await stocked({ store_ids: [store.id] });
  } else {
    wh = await stocked();
    store = await createStore();
  }
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  const { allocation } = await allocatedOrder(store.id, { lines: [line(sku, 1)] });
  const shipmentId: string = allocation.shipments[0].id;
  const out = { shipmentId, warehouseId: wh.id, sku, waveId: "", itemId: allocation.shipments[0].items[0].id as string };
  if (stage === "pending") return out;
  if (stage === "intercepted") {
    await api(`/v1/shipments/${shipmentId}/intercept`, { body: { reason: "test" } });
    return out;
  }
  out.waveId = (await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } })).body.data[0].id;
  if (stage === "waved") return out;
  await api(`/v1/waves/${out.waveId}/picks`, { body: { item_id: out.itemId, scanned: sku, quantity: 1 } });
  if (stage === "picked") return out;
  await api(`/v1/shipments/${shipmentId}/pack-scans`, { body: { code: sku } });
  return out;
}

/** Two pending shipments to the same customer and address, in a store and warehouse of their own. */
export async function mergeablePair() {
  const sku = unique("PAIR");
  const wh = await stockedWarehouse({ bins: ["P-01"], stock: [["P-01", sku, 5]] });
  const store = await createStore();
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  const a = await allocatedOrder(store.id, { lines: [line(sku, 1)] });
  const b = await allocatedOrder(store.id, { lines: [line(sku, 1)] });
  return [a.allocation.shipments[0].id as string, b.allocation.shipments[0].id as string] as const;
}
