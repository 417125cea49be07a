/** A key scoped to stores sees nothing of other stores: their orders are 404s (ids do not leak), lists leave them out. */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createOrder, createProduct, createStore, orderBody, transition } from "./helpers";

let mine: { id: string };
let theirs: { id: string };
let theirOrder: { id: string };
let myOrder: { id: string };
let auditor: string;
let channel: string;

beforeAll(async () => {
  mine = await createStore();
  theirs = await createStore();
  myOrder = await createOrder(mine.id, { customer: { name: "Mine Customer" } });
  theirOrder = await createOrder(theirs.id, { customer: { name: "Their Customer" } });
  auditor = await createKey("auditor", [mine.id]);
  channel = await createKey("channel", [mine.id]);
});

describe("store isolation", () => {
  it("another store's order is not found, by id, events or transition", async () => {
    for (const key of [auditor, channel]) {
      const get = await api(`/v1/orders/${theirOrder.id}`, { key });
      expect(get.status).toBe(404);
      expect(get.body.code).toBe("not_found");
      expect((await api(`/v1/orders/${theirOrder.id}/events`, { key })).status).toBe(404);
    }
    const t = await transition(theirOrder.id, "cancel", { key: auditor, reason: "x" });
    expect(t.status).toBe(404);
    expect((await api(`/v1/orders/${theirOrder.id}`)).body.status).toBe("received");
    expect((await api(`/v1/orders/${myOrder.id}`, { key: auditor })).status).toBe(200);
  });

  it("lists show only the key's stores, even when asked for another store", async () => {
    const all = await api("/v1/orders?limit=200", { key: auditor });
    expect(all.body.data.length).toBeGreaterThan(0);
    expect(all.body.data.every((o: any) => o.store_id === mine.id)).toBe(true);
    const asked = await api(`/v1/orders?store_id=${theirs.id}`, { key: auditor });
    expect(asked.body.data).toEqual([]);
  });

  it("stores, products and keys of other stores are invisible too", async () => {
    await createProduct(theirs.id, "SECRET");
    expect((await api(`/v1/stores/${theirs.id}`, { key: auditor })).status).toBe(404);
    const stores = await api("/v1/stores", { key: auditor });
    expect(stores.body.data.map((s: any) => s.id)).toEqual([mine.id]);
    const products = await api("/v1/products?sku=SECRET", { key: auditor });
    expect(products.body.data).toEqual([]);
  });

  it("a store-scoped admin cannot create stores or keys beyond its own stores", async () => {
    const admin = await createKey("admin", [mine.id]);
    expect((await api("/v1/stores", { body: { name: "x", currency: "USD" }, key: admin })).status).toBe(403);
    const wider = await api("/v1/api-keys", { body: { name: "x", role: "auditor", store_ids: [theirs.id] }, key: admin });
    expect(wider.status).toBe(403);
    const star = await api("/v1/api-keys", { body: { name: "x", role: "auditor", store_ids: ["*"] }, key: admin });
    expect(star.status).toBe(403);
    const ok = await api("/v1/api-keys", { body: { name: "x", role: "auditor", store_ids: [mine.id] }, key: admin });
    expect(ok.status).toBe(201);
    const listed = await api("/v1/api-keys", { key: admin });
    expect(listed.body.data.every((k: any) => k.store_ids.every((s: string) => s === mine.id))).toBe(true);
  });

  it("a channel key creates orders only for its own store", async () => {
    expect((await api("/v1/orders", { body: orderBody(mine.id), key: channel })).status).toBe(201);
    expect((await api("/v1/orders", { body: orderBody(theirs.id), key: channel })).status).toBe(403);
  });
});
