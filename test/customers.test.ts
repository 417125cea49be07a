/**
 * Customers: one record per person across stores and channels, recognised
 * by email and phone; staff merge and unmerge without losing history;
 * privacy export and erasure that leave the books as they were; positions.
 */
import { env } from "./shard-env";
import { dbOf } from "./shard-helpers";
import { beforeAll, describe, expect, it } from "vitest";
import { backfillLinks } from "../src/customers/link-orders";
import { eraseCustomer } from "../src/customers/erase-customer";
import { sync, person } from "./customer-helpers";
import { api, createKey, createOrder, createProduct, createStore, unique } from "./helpers";
import { approvedOrder } from "./processing-helpers";

let storeA: { id: string };
let storeB: { id: string };

const customerOf = (p: { name: string; email?: string | null; phone?: string | null }) => ({ customer: { name: p.name, email: p.email ?? null, phone: p.phone ?? null } });
const find = async (q: string, key?: string) => (await api(`/v1/customers?q=${encodeURIComponent(q)}`, key ? { key } : {})).body.data as any[];
const one = async (q: string) => {
  const found = await find(q);
  expect(found, q).toHaveLength(1);
  return found[0];
};
const profile = async (id: string, key?: string) => api(`/v1/customers/${id}`, key ? { key } : {});
const linksOf = async (customerId: string) =>
  (await env.DIRECTORY.prepare("SELECT order_id FROM customer_links WHERE customer_id = ? ORDER BY order_id").bind(customerId).all<{ order_id: string }>()).results.map(
    (r) => r.order_id,
  );
const countOn =
  (db: D1Database) =>
  async (sql: string, ...binds: unknown[]) =>
    (await db
      .prepare(sql)
      .bind(...binds)
      .first<{ n: number }>())!.n;
/** On shard 0, where the stores of most of these tests live; an order of another store is counted on its own shard (`dbOf`). */
const count = countOn(env.DB);
/** On the directory (customers, identities, links, events). */
const countDir = countOn(env.DIRECTORY);

beforeAll(async () => {
  storeA = await createStore(unique("cust-a"));
  storeB = await createStore(unique("cust-b"), "EUR");
  await createProduct(storeA.id, "TEA-1");
  await createProduct(storeB.id, "TEA-1");
});

describe("recognition", () => {
  it("links, shows and exports a customer with more orders than D1 binds in one statement", async () => {
    // 101 orders of one buyer, linked in one pass of 200: each list of order ids goes to D1 as one parameter.
    const p = person();
    const placed = [];
    for (let i = 0; i < 101; i++) placed.push(await createOrder(storeA.id, customerOf(p)));
    await sync();
    const c = await one(p.email);
    expect(await linksOf(c.id)).toHaveLength(101);
    expect((await profile(c.id)).body.orders).toHaveLength(101);
    const exported = await api(`/v1/customers/${c.id}/export`);
    expect(exported.status).toBe(200);
    const orders = exported.body.orders as { id: string; lines: unknown[] }[];
    expect(new Set(orders.map((o) => o.id))).toEqual(new Set(placed.map((o) => o.id)));
    expect(orders.every((o) => o.lines.length > 0)).toBe(true);
  }, 120_000);

  it("knows one person across stores by email however it is typed, and by phone alone", async () => {
    const p = person();
    const o1 = await createOrder(storeA.id, customerOf(p));
    const o2 = await createOrder(storeB.id, { ...customerOf({ name: p.name, email: p.email.toUpperCase() }), currency: "EUR" });
    // No email, the phone written another way: still them.
    const o3 = await createOrder(storeB.id, {
      ...customerOf({ name: p.name, phone: p.e164 }),
      currency: "EUR",
      shipping_address: { name: p.name, line1: "1 Market St", city: "SF", postal_code: "94105", country: "US" },
    });
    await sync();
    const c = await one(p.email);
    expect((await find(p.phone)).map((x) => x.id)).toEqual([c.id]);
    expect((await find(p.name.split(" ")[1]!)).map((x) => x.id)).toEqual([c.id]);
    const r = await profile(c.id);
    expect(r.status).toBe(200);
    expect(r.headers.get("etag")).toBe(`"${r.body.version}"`);
    expect(r.body.orders.map((o: any) => o.id).sort()).toEqual([o1.id, o2.id, o3.id].sort());
    expect(r.body.figures).toMatchObject({
      orders_count: 3,
      spent: [
        { currency: "EUR", amount: "88.60" },
        { currency: "USD", amount: "44.30" },
      ],
      average_order_value: [
        { currency: "EUR", amount: "44.30" },
        { currency: "USD", amount: "44.30" },
      ],
    });
    expect(r.body.contact.customer).toMatchObject({ name: p.name });
    // The rollups' figures and segment.
    expect(r.body).toMatchObject({ orders_count: 3, rfm: { recency: 5, frequency: 3, segment: "loyal" } });
  });

  it("links again when the rollups run again, and changes nothing", async () => {
    const p = person();
    await createOrder(storeA.id, customerOf(p));
    await sync();
    const c = await one(p.email);
    const before = await countDir("SELECT COUNT(*) AS n FROM customer_links WHERE customer_id = ?", c.id);
    await env.DIRECTORY.prepare("UPDATE customer_sync_state SET updated_at = updated_at - 60000 WHERE shard_id = 's0'").run();
    await sync();
    expect(await countDir("SELECT COUNT(*) AS n FROM customer_links WHERE customer_id = ?", c.id)).toBe(before);
    expect(await find(p.email)).toHaveLength(1);
  });

  it("backfills orders from before customers existed, computing their merchant indexes", async () => {
    const p = person();
    const o = await createOrder(storeA.id, customerOf(p));
    await sync();
    const c = await one(p.email);
    // As an order written before migration 0031: no merchant indexes, no link.
    await env.DIRECTORY.batch([
      env.DIRECTORY.prepare("DELETE FROM customer_links WHERE order_id = ?").bind(o.id),
      env.DIRECTORY.prepare("DELETE FROM customer_identities WHERE customer_id = ?").bind(c.id),
      // Just below the order: its id less its last character (that character could be "0", the id's smallest).
      env.DIRECTORY.prepare("UPDATE customer_sync_state SET backfill_after = ? WHERE shard_id = 's0'").bind(o.id.slice(0, -1)),
    ]);
    await env.DB.prepare("UPDATE orders SET customer_email_merchant_index = NULL, customer_phone_merchant_index = NULL WHERE id = ?").bind(o.id).run();
    await backfillLinks(env, { limit: 5 });
    await sync();
    expect(await count("SELECT COUNT(*) AS n FROM orders WHERE id = ? AND customer_email_merchant_index IS NOT NULL", o.id)).toBe(1);
    const again = await one(p.email);
    expect(await linksOf(again.id)).toEqual([o.id]);
  });
});

describe("merge and unmerge", () => {
  it("merge moves orders and later orders follow; unmerge gives back exactly what was brought, and the history says so", async () => {
    const a = person();
    const b = person();
    const a1 = await createOrder(storeA.id, customerOf(a));
    const b1 = await createOrder(storeB.id, { ...customerOf(b), currency: "EUR" });
    await sync();
    const ca = await one(a.email);
    const cb = await one(b.email);
    await api(`/v1/customers/${cb.id}`, { method: "PATCH", body: { tags: ["VIP"], note: "Prefers email" } });

    const merged = await api(`/v1/customers/${ca.id}/merge`, { body: { customer_id: cb.id } });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.orders.map((o: any) => o.id).sort()).toEqual([a1.id, b1.id].sort());
    expect(merged.body.tags).toEqual(["vip"]);
    expect(merged.body.merged_from).toEqual([cb.id]);
    // The merged-in customer's note is part of the profile now.
    expect(merged.body.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(["merged", "note_added", "merged_into"]));
    expect((await profile(cb.id)).body).toMatchObject({ status: "merged", merged_into: ca.id, orders: [] });
    // b's email now finds a.
    expect((await find(b.email)).map((x) => x.id)).toEqual([ca.id]);

    // An order with b's email after the merge goes to a.
    const b2 = await createOrder(storeA.id, customerOf(b));
    await sync();
    expect(await linksOf(ca.id)).toEqual([a1.id, b1.id, b2.id].sort());

    const back = await api(`/v1/customers/${cb.id}/unmerge`, { method: "POST" });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.status).toBe("active");
    expect(await linksOf(cb.id)).toEqual([b1.id, b2.id].sort());
    expect(await linksOf(ca.id)).toEqual([a1.id]);
    await sync();
    expect((await profile(ca.id)).body.figures.orders_count).toBe(1);
    expect((await profile(cb.id)).body.figures.orders_count).toBe(2);
    const history = (await profile(ca.id)).body.events.map((e: any) => e.type);
    expect(history).toEqual(expect.arrayContaining(["unmerged", "merged", "created"]));
    // Nothing lost, nothing doubled.
    expect(await countDir("SELECT COUNT(*) AS n FROM customer_links WHERE order_id IN (?, ?, ?)", a1.id, b1.id, b2.id)).toBe(3);
  });

  it("of two merges of the same customers at once, one wins and the other is a clear 409", async () => {
    const a = person();
    const b = person();
    await createOrder(storeA.id, customerOf(a));
    await createOrder(storeA.id, customerOf(b));
    await sync();
    const [ca, cb] = [await one(a.email), await one(b.email)];
    const answers = await Promise.all([
      api(`/v1/customers/${ca.id}/merge`, { body: { customer_id: cb.id } }),
      api(`/v1/customers/${ca.id}/merge`, { body: { customer_id: cb.id } }),
      api(`/v1/customers/${cb.id}/merge`, { body: { customer_id: ca.id } }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(answers.find((r) => r.status === 409)!.body.code).toBe("customer_not_active");
    const winner = answers.find((r) => r.status === 200)!.body.id;
    expect(await linksOf(winner)).toHaveLength(2);
    expect(await countDir("SELECT COUNT(*) AS n FROM customer_events WHERE type = 'merged' AND customer_id IN (?, ?)", ca.id, cb.id)).toBe(1);
  });

  it("an order arriving while a merge commits is neither lost nor doubled", async () => {
    const a = person();
    const b = person();
    await createOrder(storeA.id, customerOf(a));
    await createOrder(storeA.id, customerOf(b));
    await sync();
    const [ca, cb] = [await one(a.email), await one(b.email)];
    const late = await createOrder(storeA.id, customerOf(b));
    const [merged] = await Promise.all([api(`/v1/customers/${ca.id}/merge`, { body: { customer_id: cb.id } }), sync()]);
    expect(merged.status).toBe(200);
    await sync();
    expect(await countDir("SELECT COUNT(*) AS n FROM customer_links WHERE order_id = ?", late.id)).toBe(1);
    expect(await linksOf(ca.id)).toContain(late.id);
    expect(await linksOf(cb.id)).toEqual([]);
  });
});

describe("privacy", () => {
  it("exports everything held, recorded in the history", async () => {
    const p = person();
    const o = await createOrder(storeA.id, customerOf(p));
    await sync();
    const c = await one(p.email);
    const x = await api(`/v1/customers/${c.id}/export`);
    expect(x.status).toBe(200);
    expect(x.body.customer.contact.customer).toMatchObject({ email: p.email, name: p.name });
    expect(x.body.orders[0]).toMatchObject({ id: o.id, customerEmail: p.email, lines: [expect.objectContaining({ sku: "TEA-1" })] });
    expect((await profile(c.id)).body.events.map((e: any) => e.type)).toContain("exported");
  });

  it("erasure leaves no personal data, the customer is not found again, and the books still balance", async () => {
    const p = person();
    const o1 = await approvedOrder(storeA.id, customerOf(p));
    const o2 = await createOrder(storeB.id, { ...customerOf(p), currency: "EUR", note: "ring twice" });
    const inv = await api(`/v1/orders/${o1.id}/invoice`, { method: "POST" });
    expect(inv.status).toBe(201);
    await sync();
    const c = await one(p.email);
    const totals = await env.DB.prepare("SELECT SUM(total_amount) AS t, COUNT(*) AS n FROM orders WHERE id IN (?, ?)").bind(o1.id, o2.id).first();

    const bad = await api(`/v1/customers/${c.id}/erase`, { body: {} });
    expect(bad.status).toBe(422);
    expect((await profile(c.id)).body.status).toBe("active");
    const r = await api(`/v1/customers/${c.id}/erase`, { body: { reason: "Customer asked by email" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: c.id, status: "erased", orders: 2 });

    const order = (await api(`/v1/orders/${o1.id}`)).body;
    expect(order.customer).toEqual({ name: "[erased]", email: null, phone: null });
    expect(order.shipping_address).toMatchObject({ name: "[erased]", line1: "[erased]", postal_code: "", country: "GB" });
    expect(order).toMatchObject({ total_amount: "44.30", currency: "USD" });
    expect(order.lines).toEqual([expect.objectContaining({ sku: "TEA-1", quantity: 2 })]);
    expect((await api(`/v1/orders/${o2.id}`)).body.note).toBeNull();
    const invoice = (await api(`/v1/orders/${o1.id}/invoice`)).body;
    expect(invoice).toMatchObject({ number: inv.body.number, total: inv.body.total });
    expect(invoice.document.buyer).toEqual({ name: "[erased]", email: null, address: [] });
    expect(await env.DB.prepare("SELECT SUM(total_amount) AS t, COUNT(*) AS n FROM orders WHERE id IN (?, ?)").bind(o1.id, o2.id).first()).toEqual(totals);
    // Each order on its own shard: the two stores need not share one.
    for (const o of [o1, o2]) {
      const onShard = countOn(await dbOf({ id: o.id }));
      expect(await onShard("SELECT COUNT(*) AS n FROM orders WHERE id = ?", o.id)).toBe(1);
      expect(
        await onShard("SELECT COUNT(*) AS n FROM orders WHERE id = ? AND (customer_email IS NOT NULL OR customer_phone IS NOT NULL OR customer_email_index IS NOT NULL)", o.id),
      ).toBe(0);
      expect(await onShard("SELECT COUNT(*) AS n FROM notifications WHERE order_id = ? AND recipient IS NOT NULL", o.id)).toBe(0);
      // Intake's audit message carried the contact's blind indexes: gone, and the rest of it (the store) stays.
      expect(await onShard("SELECT COUNT(*) AS n FROM outbox WHERE order_id = ? AND type = 'order.received' AND json_extract(payload, '$.store_id') = ?", o.id, o.store_id)).toBe(
        1,
      );
      expect(await onShard("SELECT COUNT(*) AS n FROM outbox WHERE order_id = ? AND json_type(payload, '$.audit_keys') IS NOT NULL", o.id)).toBe(0);
    }
    expect(await countDir("SELECT COUNT(*) AS n FROM customer_identities WHERE customer_id = ?", c.id)).toBe(0);

    const gone = await profile(c.id);
    expect(gone.body).toMatchObject({ status: "erased", contact: {}, tags: [] });
    expect(gone.body.events.find((e: any) => e.type === "erased")).toMatchObject({ actor: "bootstrap", body: "Customer asked by email" });
    expect(await find(p.email)).toEqual([]);
    expect(await find(p.phone)).toEqual([]);
    expect((await api(`/v1/customers/${c.id}/erase`, { body: { reason: "again" } })).status).toBe(409);
    // A new order with the same email is a new customer.
    await createOrder(storeA.id, customerOf(p));
    await sync();
    expect((await one(p.email)).id).not.toBe(c.id);
  });
});

describe("erasure and edits of the same order", () => {
  it("an edit of the contact sent at the same moment as the erasure leaves no personal data on the order, whichever commits first", async () => {
    for (let round = 0; round < 3; round++) {
      const p = person();
      const o = await createOrder(storeA.id, customerOf(p));
      await sync();
      const c = await one(p.email);
      const fresh = person();
      const [erased, edited] = await Promise.all([
        api(`/v1/customers/${c.id}/erase`, { body: { reason: "Customer asked by email" } }),
        api(`/v1/orders/${o.id}`, { method: "PATCH", body: { customer: { name: fresh.name, email: fresh.email, phone: fresh.phone }, reason: "customer called" } }),
      ]);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expect(erased.body).toMatchObject({ orders: 1, orders_remaining: 0 });
      // The edit either committed first (and was erased) or came second and was refused.
      expect([200, 409], JSON.stringify(edited.body)).toContain(edited.status);
      const order = (await api(`/v1/orders/${o.id}`)).body;
      expect(order.customer).toEqual({ name: "[erased]", email: null, phone: null });
      expect(JSON.stringify(order)).not.toContain(fresh.email);
      expect(
        await count(
          `SELECT COUNT(*) AS n FROM orders WHERE id = ? AND (customer_email IS NOT NULL OR customer_phone IS NOT NULL OR customer_email_index IS NOT NULL
             OR customer_phone_index IS NOT NULL OR customer_email_merchant_index IS NOT NULL OR customer_phone_merchant_index IS NOT NULL OR personal_data_erased_at IS NULL)`,
          o.id,
        ),
      ).toBe(0);
      // Through the order's object: the timeline says so and the version moved.
      const timeline = (await env.DB.prepare("SELECT type FROM order_events WHERE order_id = ? ORDER BY seq").bind(o.id).all<{ type: string }>()).results.map((e) => e.type);
      expect(timeline).toContain("personal_data_erased");
      // And afterwards, an edit of the contact is refused, nothing written.
      const late = await api(`/v1/orders/${o.id}`, { method: "PATCH", body: { customer: { email: fresh.email } } });
      expect(late.status).toBe(409);
      expect(late.headers.get("content-type")).toContain("application/problem+json");
      expect((await api(`/v1/orders/${o.id}`)).body.customer.email).toBeNull();
    }
  });

  it("a customer with more orders than one call takes is erased over several calls, each order once", async () => {
    const p = person();
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push(await createOrder(storeA.id, customerOf(p)));
    await sync();
    const c = await one(p.email);
    const first = await eraseCustomer(env, { id: c.id, actor: "test", reason: "Customer asked by email", perCall: 2 });
    expect(first).toMatchObject({ ok: true, orders: 2, remaining: 3 });
    // Erasing again goes on with the orders left, and records no second erasure.
    const second = await api(`/v1/customers/${c.id}/erase`, { body: { reason: "go on" } });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ orders: 3, orders_remaining: 0 });
    expect((await api(`/v1/customers/${c.id}/erase`, { body: { reason: "again" } })).status).toBe(409);
    const ids = placed.map((o) => o.id);
    const marks = ids.map(() => "?").join(", ");
    expect(await count(`SELECT COUNT(*) AS n FROM orders WHERE id IN (${marks}) AND personal_data_erased_at IS NOT NULL AND customer_email IS NULL`, ...ids)).toBe(5);
    // Each order was erased once: one event each.
    expect(await count(`SELECT COUNT(*) AS n FROM order_events WHERE order_id IN (${marks}) AND type = 'personal_data_erased'`, ...ids)).toBe(5);
    expect((await profile(c.id)).body.events.filter((e: any) => e.type === "erased")).toHaveLength(1);
  });
});

describe("bad input writes nothing", () => {
  it("answers 400, 404, 409, 412 and 422 as problems", async () => {
    const p = person();
    await createOrder(storeA.id, customerOf(p));
    await sync();
    const c = await one(p.email);
    const version = (await profile(c.id)).body.version;
    const cases: [string, Parameters<typeof api>[1], number, string?][] = [
      [`/v1/customers/${c.id}`, { method: "PATCH", body: {} }, 422],
      [`/v1/customers/${c.id}`, { method: "PATCH", body: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }, 422],
      [`/v1/customers/${c.id}`, { method: "PATCH", body: { note: "x", extra: 1 } }, 422],
      [`/v1/customers/${c.id}`, { method: "PATCH", body: { note: "x" }, headers: { "if-match": '"999"' } }, 412, "version_mismatch"],
      [`/v1/customers/${c.id}`, { method: "PATCH", body: { note: "x" }, headers: { "if-match": "nope" } }, 400],
      [`/v1/customers/cst_nope`, { method: "PATCH", body: { note: "x" } }, 404],
      [`/v1/customers/${c.id}/merge`, { body: { customer_id: c.id } }, 422],
      [`/v1/customers/${c.id}/merge`, { body: { customer_id: "cst_nope" } }, 422],
      [`/v1/customers/cst_nope/merge`, { body: { customer_id: c.id } }, 404],
      [`/v1/customers/${c.id}/unmerge`, { method: "POST" }, 409, "not_merged"],
      [`/v1/customers/${c.id}/erase`, { body: { reason: "x" } }, 422],
      [`/v1/customers?cursor=zzz`, {}, 400],
      [`/v1/customers?segment=royal`, {}, 400],
      [`/v1/customers/cst_nope`, {}, 404],
    ];
    for (const [path, init, status, code] of cases) {
      const r = await api(path, init);
      expect(r.status, `${path} ${JSON.stringify(init)} ${JSON.stringify(r.body)}`).toBe(status);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      if (code) expect(r.body.code).toBe(code);
    }
    const after = (await profile(c.id)).body;
    expect(after.version).toBe(version);
    expect(after.events.filter((e: any) => e.type !== "created")).toEqual([]);
  });
});

describe("store-scoped readers", () => {
  it("see figures of their stores' orders only, and never a customer who bought only elsewhere; merchant-wide readers see everything", async () => {
    const p = person();
    const elsewhere = `${unique("b").replace(/[^a-z0-9]/gi, "")}@example.com`;
    await createOrder(storeA.id, customerOf(p));
    await createOrder(storeA.id, customerOf(p));
    // The same person in store B, by their phone with another email.
    await createOrder(storeB.id, { ...customerOf({ name: p.name, email: elsewhere, phone: p.phone }), currency: "EUR" });
    const q = person();
    await createOrder(storeB.id, { ...customerOf(q), currency: "EUR" });
    await sync();
    const [readerA, auditorA] = await Promise.all([createKey("support", [storeA.id]), createKey("auditor", [storeA.id])]);
    const c = await one(p.email);
    const cq = await one(q.email);

    // Merchant-wide: both stores.
    expect(c).toMatchObject({ orders_count: 3, spent: [{ currency: "EUR" }, { currency: "USD" }] });
    expect(c.contact.customer.email).toBe(elsewhere);
    expect((await find(elsewhere)).map((x) => x.id)).toEqual([c.id]);

    for (const key of [readerA, auditorA]) {
      const [seen] = await find(p.email, key);
      expect(seen).toMatchObject({ id: c.id, orders_count: 2, spent: [{ currency: "USD", amount: c.spent.find((m: any) => m.currency === "USD").amount }], rfm: null });
      // The contact shown is that of their stores' newest order, not store B's newer one.
      if (key === readerA) expect(seen.contact.customer.email).toBe(p.email);
      expect(JSON.stringify(seen)).not.toContain(elsewhere);
      // Store B's email finds nobody for them, and the customer who bought only in B does not exist for them.
      expect(await find(elsewhere, key)).toEqual([]);
      expect(await find(q.email, key)).toEqual([]);
      expect(await find(q.name, key)).toEqual([]);
      expect((await profile(cq.id, key)).status).toBe(404);
      const page = (await api(`/v1/customers?limit=100`, { key })).body.data as any[];
      expect(page.map((x) => x.id)).not.toContain(cq.id);
      expect(page.every((x) => x.rfm === null && x.spent.every((m: any) => m.currency === "USD"))).toBe(true);
      const prof = (await profile(c.id, key)).body;
      expect(prof).toMatchObject({ orders_count: 2, rfm: null, figures: { orders_count: 2 } });
      expect(prof.spent.map((m: any) => m.currency)).toEqual(["USD"]);
      expect(JSON.stringify(prof)).not.toContain(elsewhere);
      // Segments rank customers across every store: not a filter for them.
      const seg = await api(`/v1/customers?segment=new`, { key });
      expect(seg.status).toBe(422);
      expect(seg.headers.get("content-type")).toContain("application/problem+json");
    }
    // The CSV, as store A's support sees it.
    const csv = String((await api(`/v1/customers.csv`, { key: readerA })).body);
    expect(csv).not.toContain(cq.id);
    const row = csv.split("\r\n").find((l) => l.startsWith(c.id))!;
    expect(row).toContain(",2,USD ");
    expect(row).not.toContain("EUR");
    // The admin's CSV has both currencies.
    const all = String((await api(`/v1/customers.csv?q=${encodeURIComponent(p.email)}`)).body);
    expect(all.split("\r\n")[1]).toContain(",3,EUR ");
  });
});

describe("positions", () => {
  it("show contact per position, refuse those without the permission, and keep store-scoped keys to their stores", async () => {
    const p = person();
    await createOrder(storeA.id, customerOf(p));
    await createOrder(storeB.id, { ...customerOf(p), currency: "EUR" });
    await sync();
    const c = await one(p.email);
    const [analyst, picker, support, supportA, auditor] = await Promise.all([
      createKey("analyst", ["*"]),
      createKey("picker", ["*"]),
      createKey("support", ["*"]),
      createKey("support", [storeA.id]),
      createKey("auditor", ["*"]),
    ]);
    const seen = (await profile(c.id, analyst)).body;
    expect(seen.contact).toEqual({ shipping_address: expect.objectContaining({ country: "GB" }), customer_key: c.id });
    expect(JSON.stringify(seen)).not.toContain(p.email);
    expect((await api(`/v1/customers`, { key: picker })).status).toBe(403);
    expect((await api(`/v1/customers/${c.id}/export`, { key: analyst })).status).toBe(403);
    expect((await api(`/v1/customers/${c.id}/erase`, { key: support, body: { reason: "asked" } })).status).toBe(403);
    expect((await api(`/v1/customers/${c.id}`, { key: auditor, method: "PATCH", body: { note: "x" } })).status).toBe(403);
    expect((await api(`/v1/customers/${c.id}/export`, { key: support })).status).toBe(200);
    // A key for store A sees the customer and store A's orders only, and may not merge what reaches store B.
    const scoped = (await profile(c.id, supportA)).body;
    expect(scoped.orders.map((o: any) => o.store_id)).toEqual([storeA.id]);
    const other = person();
    await createOrder(storeA.id, customerOf(other));
    await sync();
    const co = await one(other.email);
    expect((await api(`/v1/customers/${co.id}/merge`, { key: supportA, body: { customer_id: c.id } })).status).toBe(403);
    // CSV: the analyst's has no contact columns.
    const csv = await api(`/v1/customers.csv?q=${encodeURIComponent(p.email)}`, { key: support });
    expect(csv.status).toBe(200);
    expect(String(csv.body).split("\r\n")[0]).toBe("id,name,email,phone,country,tags,orders,spent,first_order_at,last_order_at,segment");
    expect(String(csv.body)).toContain(p.email);
  });
});
