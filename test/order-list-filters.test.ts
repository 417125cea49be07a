/** GET /v1/orders' filters a console list needs: amount range, SKU, hold reason, customer contact, a selection of ids. */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createOrder, createStore, expectInvalidQuery, unique } from "./helpers";

let store: { id: string };
let cheap: { id: string };
let dear: { id: string };
let kettle: { id: string };
let noted: { id: string };
const email = `${unique("grace")}@example.com`;

const ids = async (query: string, key?: string) => {
  const r = await api(`/v1/orders?store_id=${store.id}&limit=200&${query}`, { key });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.data as { id: string }[]).map((o) => o.id).sort();
};

beforeAll(async () => {
  store = await createStore();
  cheap = await createOrder(store.id, { lines: [{ sku: "TEA-1", quantity: 1, unit_price: "5.00" }], shipping_amount: "0" });
  dear = await createOrder(store.id, { lines: [{ sku: "TEA-1", quantity: 10, unit_price: "19.90" }], shipping_amount: "0.10" });
  kettle = await createOrder(store.id, {
    lines: [{ sku: "KETTLE-1", quantity: 1, unit_price: "50.00" }],
    shipping_amount: "0",
    customer: { name: "Grace Hopper", email },
  });
  noted = await createOrder(store.id, { note: "leave it by the door", payment_status: "paid", lines: [{ sku: "MUG-1", quantity: 1, unit_price: "8.00" }], shipping_amount: "0" });
  const audited = await api(`/v1/orders/${noted.id}/audit`, { method: "POST" });
  expect(audited.body.order.status).toBe("on_hold");
});

describe("the order list's filters", () => {
  it("finds orders by their total, in the order's currency, both ends inclusive", async () => {
    expect(await ids("total_min=50")).toEqual([dear.id, kettle.id].sort());
    expect(await ids("total_max=50")).toEqual([cheap.id, kettle.id, noted.id].sort());
    expect(await ids("total_min=8&total_max=8.00")).toEqual([noted.id]);
    expect(await ids("total_min=199.10&total_max=199.10")).toEqual([dear.id]);
  });

  it("compares a zero-decimal currency's totals in its own units", async () => {
    const yen = await createStore(unique("yen"), "JPY");
    const o = await createOrder(yen.id, { currency: "JPY", lines: [{ sku: "TEA-1", quantity: 1, unit_price: "500" }], shipping_amount: "0" });
    const r = await api(`/v1/orders?store_id=${yen.id}&total_min=500&total_max=500`);
    expect(r.body.data.map((x: { id: string }) => x.id)).toEqual([o.id]);
    expect((await api(`/v1/orders?store_id=${yen.id}&total_min=501`)).body.data).toEqual([]);
  });

  it("finds the orders holding a SKU, and those held for a reason code", async () => {
    expect(await ids("sku=KETTLE-1")).toEqual([kettle.id]);
    expect(await ids("sku=TEA-1")).toEqual([cheap.id, dear.id].sort());
    expect(await ids("reason=buyer_note")).toEqual([noted.id]);
    expect(await ids("reason=postal_code_invalid")).toEqual([]);
  });

  it("finds a customer's orders by exact email, and a selection by ids", async () => {
    expect(await ids(`customer=${encodeURIComponent(email)}`)).toEqual([kettle.id]);
    expect(await ids(`customer=${encodeURIComponent(email.toUpperCase())}`)).toEqual([kettle.id]);
    expect(await ids("customer=Grace")).toEqual([]);
    expect(await ids(`ids=${cheap.id},${kettle.id}`)).toEqual([cheap.id, kettle.id].sort());
  });

  it("keeps a store's scope: another store's key finds none of them", async () => {
    const other = await createStore();
    const key = await createKey("support", [other.id]);
    const r = await api(`/v1/orders?sku=KETTLE-1&ids=${kettle.id}`, { key });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual([]);
  });

  it("refuses filters that are not what they say", async () => {
    expectInvalidQuery(await api("/v1/orders?total_min=ten"), "total_min");
    expectInvalidQuery(await api("/v1/orders?total_max=-1"), "total_max");
    expectInvalidQuery(await api("/v1/orders?reason=Not%20A%20Code"), "reason");
    expectInvalidQuery(await api("/v1/orders?ids=ord_1,x"), "ids");
    expectInvalidQuery(await api(`/v1/orders?sku=${"x".repeat(65)}`), "sku");
  });

  it("exports the ticked orders as CSV through the same filters", async () => {
    const r = await api(`/v1/reports/order-export?ids=${cheap.id},${kettle.id}`);
    expect(r.status).toBe(200);
    const text = String(r.body);
    expect(text).toContain(cheap.id);
    expect(text).toContain(kettle.id);
    expect(text).not.toContain(dear.id);
  });
});
