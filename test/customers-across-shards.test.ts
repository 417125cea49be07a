/**
 * Customers on the directory (docs/SHARDING.md, build step 3 and section 6.1): one person who buys in a store on
 * shard 0 and in a store on shard 1 is one customer. The customers' cron walks each shard's orders and writes the
 * links on the directory, each carrying its order's store and facts; the pages read the directory and each order on
 * its own shard; a store-scoped key sees only its store's orders; erasure reaches both shards; and a merge racing the
 * linker loses no link. `test/setup.ts` fails this file if a customer row lands on a shard.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCustomers } from "../src/customers/sync-customers";
import { forgetHomes, shardsInUse } from "../src/db/homes";
import { person, sync } from "./customer-helpers";
import { migrateEveryDatabase } from "./databases";
import { api, createKey, createOrder, createProduct, createStore, transition, unique } from "./helpers";
import { storeOnShardOne } from "./shard-helpers";
import { env } from "./shard-env";

const storeOne = unique("st_cus1");
let storeZero: { id: string };

beforeAll(async () => {
  await migrateEveryDatabase();
  forgetHomes();
  await storeOnShardOne(storeOne, "CSR1");
  storeZero = await createStore(unique("cust-zero"));
  await createProduct(storeOne, "TEA-1", { price: "10.00" });
  await createProduct(storeZero.id, "TEA-1", { price: "10.00" });
});

afterAll(() => forgetHomes());

const buyer = (p: ReturnType<typeof person>, name = p.name) => ({
  customer: { name, email: p.email, phone: null },
  lines: [{ sku: "TEA-1", quantity: 1, unit_price: "10.00" }],
});
const links = async (where: string, ...binds: unknown[]) =>
  (
    await env.DIRECTORY.prepare(`SELECT * FROM customer_links WHERE ${where} ORDER BY order_id`)
      .bind(...binds)
      .all<Record<string, unknown>>()
  ).results;
const found = async (q: string, key?: string) => (await api(`/v1/customers?q=${encodeURIComponent(q)}`, key ? { key } : {})).body.data as any[];
const profile = async (id: string, key?: string) => api(`/v1/customers/${id}`, key ? { key } : {});

describe("a customer who buys in stores on two shards", () => {
  it("is one customer, linked by the cron's sync over every shard, each link carrying its order's store and facts", async () => {
    const p = person();
    const zero = await createOrder(storeZero.id, buyer(p));
    const one = await createOrder(storeOne, buyer(p));
    const run = await syncCustomers(env, await shardsInUse(env), { lagMs: 0 });
    expect(run.linked).toBeGreaterThanOrEqual(2);
    const both = await links("order_id IN (?, ?)", zero.id, one.id);
    expect(both.map((l) => [l.order_id, l.store_id, l.order_status, l.currency, l.total_amount])).toEqual(
      [
        [zero.id, storeZero.id, "received", "USD", 1450],
        [one.id, storeOne, "received", "USD", 1450],
      ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
    );
    expect(new Set(both.map((l) => l.customer_id)).size).toBe(1);
    // Each shard's linker has its own place in its orders.
    const cursors = (await env.DIRECTORY.prepare("SELECT shard_id FROM customer_sync_state ORDER BY shard_id").all<{ shard_id: string }>()).results;
    expect(cursors.map((c) => c.shard_id)).toEqual(["s0", "s1"]);

    const [c] = await found(p.email);
    // Each order: 10.00 of tea and the store's 4.50 shipping.
    expect(c).toMatchObject({ orders_count: 2, spent: [{ currency: "USD", amount: "29.00" }] });
    const page = await profile(c.id);
    expect(page.status).toBe(200);
    expect(new Set(page.body.orders.map((o: { id: string; store_id: string }) => `${o.id} ${o.store_id}`))).toEqual(
      new Set([`${zero.id} ${storeZero.id}`, `${one.id} ${storeOne}`]),
    );
    const exported = await api(`/v1/customers/${c.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.orders.map((o: { id: string; lines: unknown[] }) => o.lines.length).sort()).toEqual([1, 1]);
  });

  it("shows a key scoped to one store that store's order and figures only, and hides the customer from a third store", async () => {
    const p = person();
    const zero = await createOrder(storeZero.id, buyer(p, "Ada Zero"));
    const one = await createOrder(storeOne, buyer(p, "Ada One"));
    await sync();
    const [c] = await found(p.email);
    const keyOne = await createKey("support", [storeOne]);
    const keyZero = await createKey("support", [storeZero.id]);
    const [seenByOne] = await found(p.email, keyOne);
    expect(seenByOne).toMatchObject({ id: c.id, orders_count: 1, rfm: null, contact: { customer: { name: "Ada One" } } });
    expect((await profile(c.id, keyOne)).body.orders.map((o: { id: string }) => o.id)).toEqual([one.id]);
    expect((await profile(c.id, keyZero)).body.orders.map((o: { id: string }) => o.id)).toEqual([zero.id]);
    const third = await createStore(unique("cust-third"));
    const keyThird = await createKey("support", [third.id]);
    expect(await found(p.email, keyThird)).toEqual([]);
    expect((await profile(c.id, keyThird)).status).toBe(404);
    // A merge reaches every store of the customer's orders: a key of one of them is refused, and nothing changes.
    const other = person();
    await createOrder(storeOne, buyer(other));
    await sync();
    const [d] = await found(other.email);
    const refused = await api(`/v1/customers/${c.id}/merge`, { key: keyOne, body: { customer_id: d.id } });
    expect(refused.status).toBe(403);
    expect((await profile(d.id)).body.status).toBe("active");
  });

  it("follows each order's changes on its shard into the figures, and shows the newest order's contact", async () => {
    const p = person();
    const first = await createOrder(storeZero.id, buyer(p, "Ada First"));
    await sync();
    const later = await createOrder(storeOne, buyer(p, "Ada Later"));
    await sync();
    const [c] = await found(p.email);
    expect(c).toMatchObject({ orders_count: 2, contact: { customer: { name: "Ada Later" } } });
    // Cancelled on shard 1: the link follows, and the spend no longer counts it.
    expect((await transition(later.id, "cancel", { reason: "changed mind" })).status).toBe(200);
    await sync();
    expect((await links("order_id = ?", later.id))[0]).toMatchObject({ order_status: "cancelled" });
    const [after] = await found(p.email);
    expect(after.spent).toEqual([{ currency: "USD", amount: "14.50" }]);
    // The older order changing does not make its contact the newest.
    expect((await transition(first.id, "cancel", { reason: "changed mind" })).status).toBe(200);
    await sync();
    expect((await found(p.email))[0].contact.customer.name).toBe("Ada Later");
  });

  it("keeps an order's link, and follows its facts, after an edit took its email and phone away", async () => {
    const p = person();
    const o = await createOrder(storeOne, buyer(p));
    await sync();
    const [c] = await found(p.email);
    // As an edit leaves it: no contact, so no merchant indexes; then cancelled.
    await env.DB_1.prepare("UPDATE orders SET customer_email = NULL, customer_email_merchant_index = NULL, customer_email_index = NULL, updated_at = updated_at + 1 WHERE id = ?")
      .bind(o.id)
      .run();
    expect((await transition(o.id, "cancel", { reason: "changed mind" })).status).toBe(200);
    await sync();
    expect((await links("order_id = ?", o.id))[0]).toMatchObject({ customer_id: c.id, order_status: "cancelled" });
    expect((await profile(c.id)).body).toMatchObject({ spent: [] });
  });

  it("erases the customer's orders on both shards, and what hangs off them there", async () => {
    const p = person();
    const zero = await createOrder(storeZero.id, buyer(p));
    const one = await createOrder(storeOne, buyer(p));
    await sync();
    const [c] = await found(p.email);
    const r = await api(`/v1/customers/${c.id}/erase`, { body: { reason: "privacy request" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: "erased", orders: 2, orders_remaining: 0 });
    for (const [db, id] of [
      [env.DB, zero.id],
      [env.DB_1, one.id],
    ] as const) {
      const row = await db
        .prepare("SELECT customer_email, customer_email_merchant_index, personal_data_erased_at FROM orders WHERE id = ?")
        .bind(id)
        .first<Record<string, unknown>>();
      expect(row).toMatchObject({ customer_email: null, customer_email_merchant_index: null });
      expect(row?.personal_data_erased_at).not.toBeNull();
      expect(await db.prepare("SELECT COUNT(*) AS n FROM notifications WHERE order_id = ? AND recipient IS NOT NULL").bind(id).first("n")).toBe(0);
    }
    expect(await found(p.email)).toEqual([]);
    const erased = await env.DIRECTORY.prepare("SELECT data FROM customer_events WHERE customer_id = ? AND type = 'erased'").bind(c.id).first<{ data: string }>();
    expect(JSON.parse(erased!.data)).toMatchObject({ orders: 2 });
    // Again: nothing is left to erase.
    expect((await api(`/v1/customers/${c.id}/erase`, { body: { reason: "again" } })).status).toBe(409);
  });

  it("loses no link when a merge commits while the linker walks a shard", async () => {
    const a = person();
    const b = person();
    await createOrder(storeZero.id, buyer(a));
    await createOrder(storeOne, buyer(b));
    await sync();
    const [ca] = await found(a.email);
    const [cb] = await found(b.email);
    // New orders of B on both shards, linked while B is merged into A.
    const fresh = await Promise.all([createOrder(storeOne, buyer(b)), createOrder(storeZero.id, buyer(b)), createOrder(storeOne, buyer(b))]);
    const [merged] = await Promise.all([api(`/v1/customers/${ca.id}/merge`, { body: { customer_id: cb.id } }), sync()]);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    await sync();
    const mine = await links("customer_id = ?", ca.id);
    for (const o of fresh) expect(mine.map((l) => l.order_id)).toContain(o.id);
    expect(mine).toHaveLength(5);
    expect(await links("customer_id = ?", cb.id)).toEqual([]);
    expect((await profile(ca.id)).body).toMatchObject({ orders_count: 5 });
    // Unmerged, B gets back exactly its own orders, from both shards.
    expect((await api(`/v1/customers/${cb.id}/unmerge`, { body: {} })).status).toBe(200);
    await sync();
    expect(await links("customer_id = ?", cb.id)).toHaveLength(4);
    expect((await profile(cb.id)).body.orders).toHaveLength(4);
  });
});
