/**
 * What a merchant reads across its stores when they live on two shards (docs/SHARDING.md, build step 7): the floor's
 * work log, paged newest first with a place per shard in its cursor, and the stock and supplier reports, each row once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { shardOf } from "../src/db/homes";
import { api, createKey, createStore, unique } from "./helpers";
import { allocatedOrder, line, stockedWarehouse } from "./processing-helpers";
import { env } from "./shard-env";

type Pair = { store: string; wh: string; sku: string };
let pairs: Pair[];

/** A store of its own pool with a stocked warehouse, and `picks` orders picked there (one floor event each). */
async function pickedIn(picks: number): Promise<Pair> {
  const store = (await createStore()).id;
  const sku = unique("FLR");
  const wh = await stockedWarehouse({ fields: { store_ids: [store] }, bins: ["F-01"], stock: [["F-01", sku, 50]] });
  await api(`/v1/stores/${store}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  for (let i = 0; i < picks; i++) {
    const { allocation } = await allocatedOrder(store, { lines: [line(sku, 1)] });
    const wave = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    const picked = await api(`/v1/waves/${wave.body.data[0].id}/picks`, { body: { item_id: allocation.shipments[0].items[0].id, scanned: sku, quantity: 1 } });
    expect(picked.status, JSON.stringify(picked.body)).toBe(200);
  }
  return { store, wh: wh.id, sku };
}

beforeAll(async () => {
  pairs = [await pickedIn(4), await pickedIn(3)];
  // The suite spreads stores over both shards: the two are on different ones.
  const shards = await Promise.all(pairs.map((p) => shardOf(env, { store: p.store })));
  expect(new Set(shards.map((s) => s.id)).size).toBe(2);
});

describe("the floor's work log", () => {
  it("pages both shards' events newest first, each once, with a cursor that resumes on both", async () => {
    const seen: { id: number; warehouse_id: string; created_at: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: any = await api(`/v1/warehouse-events?kind=pick&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      seen.push(...r.body.data);
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(cursor).toBeNull();
    const per = (wh: string) => seen.filter((e) => e.warehouse_id === wh).length;
    expect([per(pairs[0]!.wh), per(pairs[1]!.wh)]).toEqual([4, 3]);
    // No event twice: (warehouse, id) is unique, ids being per database.
    expect(new Set(seen.map((e) => `${e.warehouse_id}:${e.id}`)).size).toBe(seen.length);
    const times = seen.map((e) => Date.parse(e.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Narrowed to one warehouse, the plain per-database cursor.
    const one = await api(`/v1/warehouse-events?warehouse_id=${pairs[1]!.wh}&limit=2`);
    expect(one.body.data).toHaveLength(2);
    expect(atob(one.body.next_cursor.replace(/-/g, "+").replace(/_/g, "/"))).toMatch(/^(\d+|s1:\d+)$/);
  });

  it("shows a key of one store its own shard's events only, and refuses a cursor from elsewhere", async () => {
    const key = await createKey("warehouse", [pairs[1]!.store]);
    const mine = await api("/v1/warehouse-events?limit=100", { key });
    expect(mine.status).toBe(200);
    expect(mine.body.data.every((e: { warehouse_id: string }) => e.warehouse_id === pairs[1]!.wh)).toBe(true);
    const bad = await api("/v1/warehouse-events?cursor=Zm9v");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "invalid_parameters" });
  });
});

describe("the stock and supplier reports", () => {
  it("list every warehouse's stock of both shards once, by warehouse and SKU", async () => {
    const r = await api("/v1/reports/stock");
    expect(r.status).toBe(200);
    const rows = r.body.data as { warehouse_id: string; sku: string; on_hand: number; reserved: number }[];
    for (const [p, picked] of [
      [pairs[0]!, 4],
      [pairs[1]!, 3],
    ] as const) {
      // Picked, not shipped: still on hand, and reserved for the orders.
      expect(rows.filter((x) => x.warehouse_id === p.wh && x.sku === p.sku).map((x) => [x.on_hand, x.reserved])).toEqual([[50, picked]]);
    }
    const keys = rows.map((x) => `${x.warehouse_id}\u0000${x.sku}`);
    expect(new Set(keys).size).toBe(keys.length);
    const order = rows.map((x) => [x.warehouse_id, x.sku]);
    expect(order).toEqual([...order].sort((a, b) => a[0]!.localeCompare(b[0]!) || a[1]!.localeCompare(b[1]!)));
    const csv = await api("/v1/reports/stock?format=csv");
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain(pairs[1]!.wh);
  });

  it("list the suppliers of stores on both shards, by name", async () => {
    const made: string[] = [];
    for (const [p, name] of [
      [pairs[0]!, "Beta teaware"],
      [pairs[1]!, "Alpha kettles"],
    ] as const) {
      const s = await api("/v1/suppliers", { body: { store_id: p.store, name: `${name} ${unique("s")}`, currency: "USD" } });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      made.push(s.body.id);
    }
    const r = await api("/v1/reports/suppliers?from=2026-01-01&to=2027-12-31");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const ids = (r.body.data as { supplier_id: string }[]).map((s) => s.supplier_id);
    expect(ids.filter((id) => made.includes(id))).toEqual([made[1], made[0]]);
  });
});
