/**
 * Who sees the customer: admins, auditors, support and channels see the
 * contact; the warehouse and logistics see the ship-to (name, address,
 * phone) but never the email; analysts see no contact at all, only a
 * pseudonymous customer key, the region, postal prefix and country, in the
 * API and in the CSV export.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { csvObjects, parseCsv } from "./csv-parse";
import { api, createKey, createOrder, createStore, unique } from "./helpers";

let store: { id: string };
let keys: Record<string, string>;
let email: string;
let first: any;
let second: any;
let other: any;

const STREET = "12 St James's Square";
const PHONE = "+44 20 7946 0958";

beforeAll(async () => {
  store = await createStore(unique("roles-pii"));
  keys = {};
  for (const role of ["auditor", "support", "warehouse", "logistics", "analyst", "channel"]) keys[role] = await createKey(role, [store.id]);
  email = `${unique("ada")}@example.com`;
  first = await createOrder(store.id, { customer: { name: "Ada Lovelace", email, phone: PHONE } });
  // The same customer again, her email in capitals: one customer key.
  second = await createOrder(store.id, { customer: { name: "Ada L.", email: email.toUpperCase() } });
  other = await createOrder(store.id, { customer: { name: "Grace Hopper", email: `${unique("grace")}@example.com` } });
});

const getAs = async (role: string, id: string) => (await api(`/v1/orders/${id}`, { key: keys[role] })).body;

describe("an order read by role", () => {
  it.each(["auditor", "support", "channel"])("%s sees name, email, phone and the whole address", async (role) => {
    const o = await getAs(role, first.id);
    expect(o.customer).toEqual({ name: "Ada Lovelace", email, phone: PHONE });
    expect(o.shipping_address).toMatchObject({ line1: STREET, postal_code: "SW1Y 4JH", city: "London", country: "GB" });
    expect(o).not.toHaveProperty("customer_key");
  });

  it.each(["warehouse", "logistics"])("%s sees the ship-to and the phone, never the email", async (role) => {
    const o = await getAs(role, first.id);
    expect(o.customer).toEqual({ name: "Ada Lovelace", phone: PHONE });
    expect(o.shipping_address).toMatchObject({ name: "Ada Lovelace", line1: STREET, city: "London", postal_code: "SW1Y 4JH", country: "GB" });
    expect(JSON.stringify(o)).not.toContain(email);
    const list = (await api(`/v1/orders?store_id=${store.id}`, { key: keys[role] })).body.data;
    expect(list).toHaveLength(3);
    expect(JSON.stringify(list)).not.toContain("@example.com");
  });

  it("analyst sees no name, email, phone or street: a customer key, region, postal prefix and country", async () => {
    const o = await getAs("analyst", first.id);
    expect(o).not.toHaveProperty("customer");
    expect(o.shipping_address).toEqual({ region: null, postal_prefix: "SW1Y", country: "GB" });
    expect(o.customer_key).toMatch(/^cus_/);
    const text = JSON.stringify(o);
    for (const p of ["Ada", email, "7946", "James", "London", "4JH"]) expect(text).not.toContain(p);
    // Same customer, same key; another customer, another.
    expect((await getAs("analyst", second.id)).customer_key).toBe(o.customer_key);
    expect((await getAs("analyst", other.id)).customer_key).not.toBe(o.customer_key);

    const list = (await api(`/v1/orders?store_id=${store.id}`, { key: keys.analyst })).body.data;
    expect(list).toHaveLength(3);
    expect(list.every((x: any) => x.customer === undefined && typeof x.customer_key === "string")).toBe(true);
    expect(JSON.stringify(list)).not.toMatch(/@example\.com|Ada|Grace|James/);
  });
});

describe("the order export by role", () => {
  it("gives the analyst no contact columns, and a customer key that counts repeat customers", async () => {
    const r = await api(`/v1/reports/order-export?store_id=${store.id}`, { key: keys.analyst });
    expect(r.status).toBe(200);
    const header = parseCsv(r.body)[0]!;
    for (const col of ["customer_name", "customer_email", "customer_phone", "ship_to_city", "ship_to_postal_code"]) expect(header).not.toContain(col);
    expect(header).toEqual(expect.arrayContaining(["customer_key", "ship_to_region", "ship_to_postal_prefix", "ship_to_country"]));
    expect(r.body).not.toMatch(/@example\.com|Ada|Grace|James|London|7946/);
    const rows = csvObjects(r.body);
    const byId = Object.fromEntries(rows.map((x) => [x.id, x]));
    expect(byId[first.id]).toMatchObject({ ship_to_postal_prefix: "SW1Y", ship_to_country: "GB" });
    expect(byId[first.id]!.customer_key).toBe(byId[second.id]!.customer_key);
    expect(new Set(rows.map((x) => x.customer_key)).size).toBe(2);
  });

  it("gives an admin the contact columns (a leading + is quoted against spreadsheet formulas)", async () => {
    const r = await api(`/v1/reports/order-export?store_id=${store.id}`);
    const rows = csvObjects(r.body);
    expect(Object.keys(rows[0]!)).not.toContain("customer_key");
    expect(rows.find((x) => x.id === first.id)).toMatchObject({ customer_name: "Ada Lovelace", customer_email: email, customer_phone: `'${PHONE}`, ship_to_city: "London" });
  });
});

describe("finding a customer", () => {
  it("finds orders by exact email or phone through the blind index, whatever the case or format", async () => {
    const byEmail = (await api(`/v1/orders?store_id=${store.id}&q=${encodeURIComponent(email.toUpperCase())}`)).body.data;
    expect(byEmail.map((o: any) => o.id).sort()).toEqual([first.id, second.id].sort());
    const byPhone = (await api(`/v1/orders?q=${encodeURIComponent("+442079460958")}`, { key: keys.support })).body.data;
    expect(byPhone.map((o: any) => o.id)).toContain(first.id);
    const byExternal = (await api(`/v1/orders?q=${encodeURIComponent(first.id)}`)).body.data;
    expect(byExternal.map((o: any) => o.id)).toEqual([first.id]);
  });

  it("finds an order by its new email after an edit, and no longer by the old one", async () => {
    const o = await createOrder(store.id, { customer: { name: "Edit Me", email: `${unique("before")}@example.com` } });
    const after = `${unique("after")}@example.com`;
    const r = await api(`/v1/orders/${o.id}`, { method: "PATCH", key: keys.support, body: { customer: { email: after }, reason: "customer asked" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.order.customer.email).toBe(after);
    const search = async (text: string) => (await api(`/v1/orders?store_id=${store.id}&q=${encodeURIComponent(text)}`)).body.data.map((x: any) => x.id);
    expect(await search(after)).toEqual([o.id]);
    expect(await search(o.customer.email)).toEqual([]);
  });
});
