/**
 * Merging shipments to the same customer and address before picking (by
 * hand, and by the store's hold-window policy), and undoing it.
 */
import { env } from "./shard-env";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { floorEventKinds, floorEventStores } from "./databases";
import { assertInBatch, assertionFailed } from "../src/db/assert";
import { database } from "../src/db/client";
import { stores } from "../src/db/schema";
import { api, createStore, transition, unique } from "./helpers";
import { allocatedOrder, level, line, stockedWarehouse, waitFor } from "./processing-helpers";

let sku: string;
let wh: { id: string };
beforeAll(async () => {
  sku = unique("MRG");
  wh = await stockedWarehouse({ bins: ["M-01"], stock: [["M-01", sku, 100]] });
});

async function storeWithPolicy(policy: Record<string, unknown> = {}) {
  const s = await createStore();
  await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id], ...policy } });
  return s;
}

const elsewhere = { shipping_address: { name: "Ada", line1: "9 Other Rd", city: "London", postal_code: "N1 1AA", country: "GB" } };
const merge = (ids: string[], key?: string) => api("/v1/shipments/merge", { body: { shipment_ids: ids }, ...(key ? { key } : {}) });

describe("by hand", () => {
  it("merges two pending shipments of one customer and address, and unmerges them", async () => {
    const s = await storeWithPolicy();
    const a = await allocatedOrder(s.id, { lines: [line(sku, 1)] });
    const b = await allocatedOrder(s.id, { lines: [line(sku, 2)], customer: { name: "ADA LOVELACE", email: "Ada@Example.com" } });
    const [sa, sb] = [a.allocation.shipments[0].id, b.allocation.shipments[0].id];
    const merged = await merge([sb, sa]);
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: sa, status: "pending", order_ids: [a.order.id, b.order.id] });
    expect(merged.body.items.map((i: any) => [i.order_id, i.quantity])).toEqual([
      [a.order.id, 1],
      [b.order.id, 2],
    ]);
    expect((await api(`/v1/shipments/${sb}`)).body).toMatchObject({ status: "merged", merged_into: sa, items: [] });
    // Each order still finds its goods.
    expect((await api(`/v1/orders/${b.order.id}/allocation`)).body.shipments.map((x: any) => x.id)).toEqual([sa, sb]);
    // Stock is untouched by merging.
    const unmerged = await api(`/v1/shipments/${sa}/unmerge`, { method: "POST", body: {} });
    expect(unmerged.status).toBe(200);
    expect(unmerged.body.map((x: any) => [x.id, x.status, x.items.map((i: any) => i.order_id)])).toEqual(
      [
        [sa, "pending", [a.order.id]],
        [sb, "pending", [b.order.id]],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    expect((await api(`/v1/shipments/${sb}`)).body.merged_into).toBeNull();
    const events = await api(`/v1/warehouse-events?shipment_id=${sa}&kind=merge,unmerge`);
    expect(events.body.data.map((e: any) => e.kind)).toEqual(["unmerge", "merge"]);
  });

  it("refuses other addresses, released shipments and bad requests; unmerge needs a merge", async () => {
    const s = await storeWithPolicy();
    const a = await allocatedOrder(s.id, { lines: [line(sku, 1)] });
    const other = await allocatedOrder(s.id, { lines: [line(sku, 1)], ...elsewhere });
    const [sa, so] = [a.allocation.shipments[0].id, other.allocation.shipments[0].id];
    const r = await merge([sa, so]);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "not_mergeable" });
    expect(r.body.detail).toContain("another customer or address");
    for (const body of [{ shipment_ids: [sa] }, { shipment_ids: [sa, sa] }, { shipment_ids: [sa, "x"] }, {}]) {
      expect((await api("/v1/shipments/merge", { body })).status, JSON.stringify(body)).toBe(422);
    }
    expect((await merge([sa, "shp_00000000000000000000000000"])).status).toBe(422);
    expect((await api(`/v1/shipments/${sa}/unmerge`, { method: "POST", body: {} })).body.code).toBe("not_merged");
    expect((await api("/v1/shipments/shp_00000000000000000000000000/unmerge", { method: "POST", body: {} })).status).toBe(404);

    const b = await allocatedOrder(s.id, { lines: [line(sku, 1)] });
    expect((await merge([sa, b.allocation.shipments[0].id])).status).toBe(200);
    await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } });
    expect((await api(`/v1/shipments/${sa}`)).body.status).toBe("picking");
    expect((await api(`/v1/shipments/${sa}/unmerge`, { method: "POST", body: {} })).body.code).toBe("not_unmergeable");
    const c = await allocatedOrder(s.id, { lines: [line(sku, 1)] });
    const late = await merge([sa, c.allocation.shipments[0].id]);
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain("is picking");
  });

  it("cancelling one merged order releases its items only; unmerging then cancels its empty shipment", async () => {
    const s = await storeWithPolicy();
    const a = await allocatedOrder(s.id, { lines: [line(sku, 1)] });
    const b = await allocatedOrder(s.id, { lines: [line(sku, 3)] });
    const [sa, sb] = [a.allocation.shipments[0].id, b.allocation.shipments[0].id];
    await merge([sa, sb]);
    const before = await level(wh.id, sku);
    await transition(b.order.id, "cancel", { reason: "changed mind" });
    await waitFor(async () => expect((await level(wh.id, sku)).reserved).toBe(before.reserved - 3));
    const host = (await api(`/v1/shipments/${sa}`)).body;
    expect(host.status).toBe("pending");
    expect(host.items.map((i: any) => [i.order_id, i.cancelled, i.reserved])).toEqual([
      [a.order.id, false, 1],
      [b.order.id, true, 0],
    ]);
    const un = await api(`/v1/shipments/${sa}/unmerge`, { method: "POST", body: {} });
    expect(Object.fromEntries(un.body.map((x: any) => [x.id, x.status]))).toEqual({ [sa]: "pending", [sb]: "cancelled" });
  });
});

describe("by policy", () => {
  it("holds new shipments for the window and merges a second order into the first; both go out in one wave", async () => {
    const s = await storeWithPolicy({ merge_hold_minutes: 30 });
    const a = await allocatedOrder(s.id, { lines: [line(sku, 1)] });
    const b = await allocatedOrder(s.id, { lines: [line(sku, 1)] });
    const c = await allocatedOrder(s.id, { lines: [line(sku, 1)], ...elsewhere });
    const sa = a.allocation.shipments[0].id;
    // b's allocation lists both its own (merged-away) shipment and the one now carrying its items.
    expect(b.allocation.shipments).toHaveLength(2);
    const own = b.allocation.shipments.find((x: any) => x.order_id === b.order.id);
    const sb = (await api(`/v1/shipments/${own.id}`)).body;
    expect(sb).toMatchObject({ status: "merged", merged_into: sa });
    expect((await api(`/v1/shipments/${sa}`)).body.order_ids).toEqual([a.order.id, b.order.id]);
    expect((await api(`/v1/shipments/${c.allocation.shipments[0].id}`)).body.status).toBe("pending");
    const events = await api(`/v1/warehouse-events?shipment_id=${sa}&kind=merge`);
    expect(events.body.data[0].worker).toBe("system:merge-policy");
    // Held: not released before the window ends.
    expect((await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } })).body.data.flatMap((w: any) => w.shipment_ids)).not.toContain(sa);
    await env.DB.prepare("UPDATE shipments SET hold_until = 0 WHERE store_id = ?").bind(s.id).run();
    const waves = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } });
    const wave = waves.body.data.find((w: any) => w.shipment_ids.includes(sa));
    expect(
      wave.pick_list
        .filter((l: any) => l.shipment_id === sa)
        .map((l: any) => l.order_id)
        .sort(),
    ).toEqual([a.order.id, b.order.id].sort());
  });
});

describe("assertions inside a batch", () => {
  it("a violated assertion rolls back the whole batch", async () => {
    const db = database(env);
    const s = await createStore(unique("assert"));
    const rename = db.update(stores).set({ name: "changed" }).where(sql`id = ${s.id}`);
    await expect(db.batch([rename, assertInBatch(db, "always", sql`1 = 1`)])).rejects.toSatisfy(assertionFailed);
    expect((await api(`/v1/stores/${s.id}`)).body.name).not.toBe("changed");
    await db.batch([rename, assertInBatch(db, "never", sql`1 = 0`)]);
    expect((await api(`/v1/stores/${s.id}`)).body.name).toBe("changed");
  });
});

describe("the floor's work log", () => {
  it("names the store of each event's shipment, for every kind of event this file wrote", async () => {
    expect((await floorEventKinds()).filter((k) => ["merge", "unmerge"].includes(k))).toEqual(["merge", "unmerge"]);
    expect(await floorEventStores()).toEqual({ wrong: 0, missing: 0 });
  });
});
