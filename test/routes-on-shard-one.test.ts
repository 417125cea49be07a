/**
 * Sharding, build step 5 (docs/SHARDING.md): a request moves to the shard of the store it names
 * (src/http/route-shard.ts). A store placed on shard 1 (`DB_1`) by hand, as the plan says until placement is on, is
 * used through the API as a storefront and its staff would: its catalogue, orders, reads, transitions and races
 * land on shard 1 and nothing of them on shard 0; keys of another store are refused there as anywhere; a store of
 * shard 0 beside it is untouched.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { forgetHomes } from "../src/db/homes";
import { type IdPrefix, newId, tagOf } from "../src/lib/ids";
import { ownerInPath } from "../src/http/route-shard";
import { csvObjects } from "./csv-parse";
import { mintLink, openLink } from "./customer-visit";
import { migrateEveryDatabase } from "./databases";
import { api, createKey, createOrder, createProduct, createStore, orderBody, transition, unique } from "./helpers";
import { allocate, allocatedOrder, approvedOrder, createBin, createWarehouse, ledgerOk, receive } from "./processing-helpers";
import { moveNewPoolToShardOne, storeOnShardOne } from "./shard-helpers";
import { env } from "./shard-env";

const store = unique("st_one");
let other: { id: string };

beforeAll(async () => {
  await migrateEveryDatabase();
  forgetHomes();
  await storeOnShardOne(store, "RTE1");
  other = await createStore();
  await createProduct(other.id, "TEA-1");
});

// The shards and homes made here are cached per isolate (src/db/homes.ts): the next file starts without them.
afterAll(() => forgetHomes());

const count = (db: D1Database, sql: string, ...binds: unknown[]) =>
  db
    .prepare(sql)
    .bind(...binds)
    .first<number>("n");

describe("what a request names", () => {
  it("a store or warehouse in the path, else the first id in it; nothing for a list", () => {
    expect(ownerInPath("/v1/stores/st_a/sla")).toEqual({ store: "st_a" });
    expect(ownerInPath("/v1/warehouses/wh_b/stock")).toEqual({ warehouse: "wh_b" });
    expect(ownerInPath("/webhooks/3pl/wh_c")).toEqual({ warehouse: "wh_c" });
    const id = "ord_01M9ABCDEF-RTE1ABCDEFGHJKMN";
    expect(ownerInPath(`/v1/orders/${id}/transitions`)).toEqual({ id });
    expect(ownerInPath(`/o/order/${id}`)).toEqual({ id });
    expect(ownerInPath("/v1/orders")).toBeNull();
    expect(ownerInPath("/v1/orders/search")).toBeNull();
    expect(ownerInPath("/o/Zx81lK2mQ0aBcDeFgHiJkLmNoPqRsTuV")).toBeNull();
    // Escapes that are not UTF-8, or decode to a lone surrogate, name nothing: the route answers them.
    expect(ownerInPath("/v1/stores/%E2%82/sla")).toBeNull();
    expect(ownerInPath("/v1/warehouses/%ED%A0%80")).toBeNull();
    expect(ownerInPath("/v1/stores/st%5Fa")).toEqual({ store: "st_a" });
  });
});

describe("a store on shard 1, through the API", () => {
  it("takes its catalogue and orders on shard 1, with the store's tag, and reads them back", async () => {
    const product = await createProduct(store, "ONE-1", { price: "12.00" });
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM products WHERE store_id = ? AND sku = 'ONE-1'", store)).toBe(1);
    // Its id carries the store's tag, so a request naming it alone reaches shard 1.
    expect(tagOf(product.id)).toBe("RTE1");
    expect((await api(`/v1/products/${product.id}`)).body).toMatchObject({ id: product.id, sku: "ONE-1" });
    const supplier = await api("/v1/suppliers", { body: { store_id: store, name: "Tea farm", currency: "USD" } });
    expect(supplier.status, JSON.stringify(supplier.body)).toBe(201);
    expect(tagOf(supplier.body.id)).toBe("RTE1");
    expect((await api(`/v1/suppliers/${supplier.body.id}`)).status).toBe(200);
    const order = await createOrder(store, { lines: [{ sku: "ONE-1", quantity: 2, unit_price: "12.00" }] });
    expect(tagOf(order.id)).toBe("RTE1");
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM orders WHERE id = ?", order.id)).toBe(1);
    expect(await count(env.DB, "SELECT COUNT(*) AS n FROM orders WHERE store_id = ?", store)).toBe(0);
    expect(await count(env.DB, "SELECT COUNT(*) AS n FROM products WHERE store_id = ?", store)).toBe(0);
    const read = await api(`/v1/orders/${order.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: order.id, store_id: store, status: "received" });
    const listed = await api(`/v1/orders?store_id=${store}`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([order.id]);
  });

  it("an intake retried with its Idempotency-Key gives the one order, kept on shard 1", async () => {
    const key = unique("idem");
    const externalId = unique("ext");
    const body = orderBody(store, { external_id: externalId });
    const [a, b] = await Promise.all([api("/v1/orders", { body, headers: { "idempotency-key": key } }), api("/v1/orders", { body, headers: { "idempotency-key": key } })]);
    const made = [a, b].filter((r) => r.status === 201);
    expect(made.length).toBeGreaterThanOrEqual(1);
    for (const r of [a, b]) expect([201, 409]).toContain(r.status);
    const ids = new Set(made.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM orders WHERE store_id = ? AND external_id = ?", store, externalId)).toBe(1);
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = ?", key)).toBe(1);
    expect(await count(env.DB, "SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = ?", key)).toBe(0);
  });

  it("its transitions race there as on shard 0: one winner per version, the event log gapless", async () => {
    const order = await createOrder(store);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => transition(order.id, ["approve", "hold", "reject"][i % 3]!, { reason: "race", ifMatch: '"1"' })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(11);
    const final = (await api(`/v1/orders/${order.id}`)).body;
    expect(final.version).toBe(2);
    const log = await env.DB_1.prepare("SELECT seq, to_status FROM order_events WHERE order_id = ? ORDER BY seq").bind(order.id).all<{ seq: number; to_status: string }>();
    expect(log.results.map((e) => e.seq)).toEqual([1, 2]);
    expect(log.results.at(-1)!.to_status).toBe(final.status);
    expect(await count(env.DB, "SELECT COUNT(*) AS n FROM order_events WHERE order_id = ?", order.id)).toBe(0);
  });

  it("a key of another store is refused there as anywhere, and writes nothing", async () => {
    const order = await createOrder(store);
    const stranger = await createKey("support", [other.id]);
    expect((await api(`/v1/orders/${order.id}`, { key: stranger })).status).toBe(404);
    const held = await transition(order.id, "hold", { reason: "not mine", key: stranger });
    expect(held.status).toBe(404);
    expect((await api("/v1/orders", { body: orderBody(store), key: stranger })).status).toBe(403);
    expect(await count(env.DB_1, "SELECT version AS n FROM orders WHERE id = ?", order.id)).toBe(1);
  });

  it("a store of shard 0 beside it keeps its orders on shard 0", async () => {
    const order = await createOrder(other.id);
    expect(tagOf(order.id)).not.toBe("RTE1");
    expect(await count(env.DB, "SELECT COUNT(*) AS n FROM orders WHERE id = ?", order.id)).toBe(1);
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM orders WHERE id = ?", order.id)).toBe(0);
    expect((await transition(order.id, "approve")).status).toBe(200);
  });
});

describe("a pool on shard 1: a store and the warehouse that serves it", () => {
  it("receives stock, allocates, races two orders for the last unit and starts a wave there, with nothing on shard 0", async () => {
    const shop = await createStore();
    await createProduct(shop.id, "POOL-1", { price: "5.00" });
    const wh = await createWarehouse({ store_ids: [shop.id] });
    await createBin(wh.id, "A-01", { pick_sequence: 10 });
    await moveNewPoolToShardOne({ stores: [shop.id], warehouses: [wh.id] });
    expect(await count(env.DB, "SELECT COUNT(*) AS n FROM warehouses WHERE id = ?", wh.id)).toBe(0);

    await receive(wh.id, [{ sku: "POOL-1", bin: "A-01", quantity: 3 }]);
    expect(await count(env.DB_1, "SELECT SUM(on_hand) AS n FROM stock_levels WHERE warehouse_id = ? AND sku = 'POOL-1'", wh.id)).toBe(3);
    const line = (quantity: number) => ({ lines: [{ sku: "POOL-1", quantity, unit_price: "5.00" }] });
    const { order } = await allocatedOrder(shop.id, line(2));
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM shipments WHERE order_id = ?", order.id)).toBe(1);
    // Listed with its items, whether the list names the warehouse (routed to shard 1) or no one (asked of every shard).
    for (const query of [`warehouse_id=${wh.id}`, "limit=200"]) {
      const listed = await api(`/v1/shipments?${query}`);
      expect(listed.status).toBe(200);
      const mine = listed.body.data.filter((x: { order_id?: string; items?: { order_id: string }[] }) => x.items?.some((i) => i.order_id === order.id));
      expect(mine, query).toHaveLength(1);
    }

    // Two orders for the last unit, allocated at once: one gets it, the other waits for stock; nothing oversold.
    const [a, b] = await Promise.all([approvedOrder(shop.id, line(1)), approvedOrder(shop.id, line(1))]);
    const results = await Promise.all([allocate(a.id), allocate(b.id)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(results.map((r) => r.body.status).sort()).toEqual(["allocated", "backordered"]);
    expect(await count(env.DB_1, "SELECT SUM(reserved) AS n FROM stock_levels WHERE warehouse_id = ? AND sku = 'POOL-1'", wh.id)).toBe(3);
    expect((await ledgerOk(wh.id)).ok).toBe(true);

    const wave = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM waves WHERE id = ?", wave.body.data[0].id)).toBe(1);
    for (const table of ["orders", "shipments", "stock_levels", "waves"]) {
      const column = table === "orders" || table === "shipments" ? "store_id" : "warehouse_id";
      expect(await count(env.DB, `SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`, column === "store_id" ? shop.id : wh.id), table).toBe(0);
    }
  });
});

describe("partner webhooks of a store on shard 1", () => {
  it("its subscription lives on shard 1 with the store's tag, and shard 1's dispatcher alone delivers its order's events", async () => {
    const scope = `receiver~${crypto.randomUUID()}`;
    const sub = await api("/v1/webhook-subscriptions", { body: { store_id: store, url: `${inject("standInUrl")}/${scope}/hook`, event_types: ["order.created"] } });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    expect(tagOf(sub.body.id)).toBe("RTE1");
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE id = ?", sub.body.id)).toBe(1);
    expect((await api(`/v1/webhook-subscriptions/${sub.body.id}`)).status).toBe(200);
    const order = await createOrder(store);
    await vi.waitFor(
      async () => {
        const got = (await (await fetch(`${inject("standInUrl")}/_control/${scope}/requests`)).json()) as { body: string }[];
        expect(got.map((r) => JSON.parse(r.body).data.order_id)).toContain(order.id);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE subscription_id = ? AND status = 'delivered'", sub.body.id)).toBeGreaterThan(0);
    expect(await count(env.DB, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE subscription_id = ?", sub.body.id)).toBe(0);
    expect((await api(`/v1/webhook-subscriptions/${sub.body.id}`, { method: "DELETE" })).status).toBeLessThan(300);
  });
});

describe("the order list across shards", () => {
  it("merges both shards' orders newest first, and pages through them with no gap or repeat", async () => {
    for (let i = 0; i < 3; i++) {
      await createOrder(store);
      await createOrder(other.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await api(`/v1/orders?limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((o: { id: string }) => o.id));
      cursor = page.body.next_cursor;
      if (!cursor) break;
    }
    const ids = async (db: D1Database, storeId: string) =>
      (await db.prepare("SELECT id FROM orders WHERE store_id = ? AND archived_at IS NULL").bind(storeId).all<{ id: string }>()).results.map((r) => r.id);
    const expected = [...(await ids(env.DB_1, store)), ...(await ids(env.DB, other.id))].sort().reverse();
    const mine = seen.filter((id) => expected.includes(id));
    expect(mine).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it("a key of the shard 1 store alone lists its orders from shard 1, though the request starts on shard 0", async () => {
    const own = await createKey("support", [store]);
    const page = await api("/v1/orders?limit=100", { key: own });
    expect(page.status).toBe(200);
    const onOne = (await env.DB_1.prepare("SELECT id FROM orders WHERE store_id = ? AND archived_at IS NULL ORDER BY id DESC").bind(store).all<{ id: string }>()).results.map(
      (r) => r.id,
    );
    expect(page.body.data.map((o: { id: string }) => o.id)).toEqual(onOne.slice(0, 100));
    expect(onOne.length).toBeGreaterThan(0);
  });
});

describe("the order export across shards", () => {
  it("names each order's lines and local time from its own shard", async () => {
    const mine = await createOrder(store, { lines: [{ sku: "ONE-1", quantity: 3, unit_price: "12.00" }] });
    const theirs = await createOrder(other.id, { lines: [{ sku: "TEA-1", quantity: 2, unit_price: "1.00" }] });
    const r = await api(`/v1/reports/order-export?created_from=${new Date(Date.now() - 600_000).toISOString()}`);
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(csvObjects(r.body).map((x) => [x.id, x]));
    expect(byId[mine.id]).toMatchObject({ store_id: store, line_count: "1", units: "3" });
    expect(byId[theirs.id]).toMatchObject({ store_id: other.id, line_count: "1", units: "2" });
  });
});

describe("the customer's link to an order on shard 1", () => {
  it("carries the store's tag, opens the order's page there, and the page's form acts there", async () => {
    const order = await createOrder(store);
    const link = await mintLink(order.id);
    expect(new URL(link).pathname).toMatch(/^\/o\/RTE1\.[0-9A-Za-z]{32}$/);
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM customer_tokens WHERE order_id = ?", order.id)).toBe(1);
    const visit = await openLink(link);
    expect(visit.location).toBe(`/o/order/${order.id}`);
    const page = await visit.get();
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain(order.number ?? order.id.slice(-6));
    // The same token under another store's tag reaches another shard, where it opens nothing.
    const token = new URL(link).pathname.split(".")[1]!;
    expect((await api(`/o/ZZZZ.${token}`, { key: null })).status).toBe(404);
  });
});

describe("the other lists across shards", () => {
  /** Every id of a list, walked one row a page: the rows of both shards merged by id, none twice. */
  async function walk(path: string, key?: string) {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const r = await api(`${path}${sep}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, key ? { key } : {});
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
      seen.push(...r.body.data.map((x: { id: string }) => x.id));
      cursor = r.body.next_cursor;
    } while (cursor && seen.length < 500);
    expect(new Set(seen).size, `${path} repeats a row`).toBe(seen.length);
    return seen;
  }

  it("after-sales, invoices, messages, service tasks, settlements, tracking events and delivery exceptions: both shards' rows, newest first, no gap or repeat", async () => {
    const here = await createOrder(store, { lines: [{ sku: "ONE-1", quantity: 1, unit_price: "12.00" }] });
    const there = await createOrder(other.id);
    const now = Date.now();
    /** One row of each list for an order, written on that order's shard as its stage would. */
    const rows = (db: D1Database, o: { id: string; store_id: string }, n: number) => {
      const id = (prefix: IdPrefix) => newId(prefix, now + n);
      const ids = { as: id("as"), inv: id("inv"), ntf: id("ntf"), svc: id("svc"), stl: id("stl"), tev: id("tev"), lex: id("lex") };
      return {
        ids,
        write: db.batch([
          db
            .prepare(
              "INSERT INTO after_sales_requests (id, order_id, store_id, kind, status, reason, lines, opened_by, currency, created_at, updated_at) VALUES (?, ?, ?, 'return', 'open', 'too big', '[]', 'test', 'USD', ?, ?)",
            )
            .bind(ids.as, o.id, o.store_id, now, now),
          db
            .prepare(
              "INSERT INTO invoices (id, store_id, order_id, number, number_text, currency, total_amount, document, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, 'USD', 100, '{}', 'test', ?)",
            )
            .bind(ids.inv, o.store_id, o.id, 900_000 + n, `T-${n}`, now),
          db
            .prepare(
              "INSERT INTO notifications (id, message_id, order_id, store_id, template, language, channel, subject, body, status, provider, attempts, created_at) VALUES (?, ?, ?, ?, 'order.confirmed', 'en', 'email', 's', 'b', 'sent', 'test', 1, ?)",
            )
            .bind(ids.ntf, ids.ntf, o.id, o.store_id, now),
          db
            .prepare(
              "INSERT INTO service_tasks (id, order_id, store_id, line_no, sku, name, quantity, status, created_at, updated_at) VALUES (?, ?, ?, 1, 'SVC', 'Fitting', 1, 'open', ?, ?)",
            )
            .bind(ids.svc, o.id, o.store_id, now, now),
          db
            .prepare(
              "INSERT INTO settlements (id, store_id, format, status, line_count, imported_by, created_at, file_sha256) VALUES (?, ?, 'generic', 'imported', 0, 'test', ?, ?)",
            )
            .bind(ids.stl, o.store_id, now, ids.stl),
          db
            .prepare(
              "INSERT INTO tracking_events (id, partner, event_id, tracking_number, partner_status, status, occurred_at, received_at, body, outcome, processed_at) VALUES (?, 'manual', ?, ?, 'x', 'in_transit', ?, ?, '{}', 'unmatched', ?)",
            )
            .bind(ids.tev, ids.tev, `TN${ids.tev}`, now, now, now),
          db
            .prepare("INSERT INTO logistics_exceptions (id, shipment_id, order_id, store_id, kind, status, created_at) VALUES (?, ?, ?, ?, 'exception', 'open', ?)")
            .bind(ids.lex, `shp_${ids.lex}`, o.id, o.store_id, now),
        ]),
      };
    };
    const one = rows(env.DB_1, here, 1);
    const zero = rows(env.DB, there, 2);
    await Promise.all([one.write, zero.write]);
    const lists = {
      as: "/v1/after-sales",
      inv: "/v1/invoices",
      ntf: "/v1/notifications",
      svc: "/v1/service-tasks",
      stl: "/v1/settlements",
      tev: "/v1/tracking-events",
      lex: "/v1/logistics/exceptions",
    } as const;
    for (const [kind, path] of Object.entries(lists) as [keyof typeof lists, string][]) {
      const seen = await walk(path);
      // Both rows, the newer (shard 0's, made a millisecond later) first.
      expect(
        seen.filter((x) => x === one.ids[kind] || x === zero.ids[kind]),
        path,
      ).toEqual([zero.ids[kind], one.ids[kind]]);
    }
    // The catalogue, suppliers and stores of both shards, by the same walk.
    const products = [await createProduct(store, unique("BOTH")), await createProduct(other.id, unique("BOTH"))].map((x) => x.id as string);
    const suppliers: string[] = [];
    for (const s of [store, other.id]) suppliers.push((await api("/v1/suppliers", { body: { store_id: s, name: "Both farm", currency: "USD" } })).body.id);
    for (const [path, ids] of [
      ["/v1/products", products],
      ["/v1/suppliers", suppliers],
      ["/v1/stores", [store, other.id]],
    ] as const) {
      const seen = await walk(path);
      for (const id of ids) expect(seen, path).toContain(id);
    }
    // The review queue: held orders of both shards, longest held first.
    for (const o of [here, there]) expect((await transition(o.id, "hold", { reason: "check the address" })).status).toBe(200);
    const queue = (await api("/v1/review-queue?limit=200")).body.data.map((i: { order: { id: string } }) => i.order.id);
    expect(queue.filter((id: string) => id === here.id || id === there.id)).toEqual([here.id, there.id]);
    // Oldest first too, where a list offers it.
    const oldest = await walk("/v1/after-sales?sort=oldest");
    expect(oldest.filter((x) => x === one.ids.as || x === zero.ids.as)).toEqual([one.ids.as, zero.ids.as]);
    // Narrowed to the shard 1 store, or seen by its own key, only its rows.
    const keyOne = await createKey("support", [store]);
    for (const path of [`/v1/after-sales?store_id=${store}`, "/v1/after-sales"]) {
      const seen = await walk(path, path.includes("store_id") ? undefined : keyOne);
      expect(seen).toContain(one.ids.as);
      expect(seen).not.toContain(zero.ids.as);
    }
  });
});

describe("the change feed across shards", () => {
  /** The feed from `after` to its end, `limit` at a time: each event with its order, and the cursor to resume from. */
  async function feed(after: string, limit: number, key?: string) {
    const seen: { type: string; order_id: string | null; seq: number }[] = [];
    let cursor = after;
    for (let pages = 0; pages < 400; pages++) {
      const r = await api(`/v1/events?limit=${limit}${cursor ? `&after=${encodeURIComponent(cursor)}` : ""}`, key ? { key } : {});
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      seen.push(...r.body.data);
      cursor = r.body.next_cursor;
      if (!r.body.has_more) break;
    }
    return { seen, cursor };
  }
  const ofOrder = (seen: { type: string; order_id: string | null }[], id: string) => seen.filter((e) => e.order_id === id).map((e) => e.type);

  it("reads both shards' events, each shard in its order, each once, and resumes on both from one cursor", async () => {
    const start = (await feed("", 500)).cursor;
    const here = await createOrder(store, { lines: [{ sku: "ONE-1", quantity: 1, unit_price: "12.00" }] });
    const there = await createOrder(other.id);
    const first = await feed(start, 1);
    expect(ofOrder(first.seen, here.id)).toContain("order.created");
    expect(ofOrder(first.seen, there.id)).toContain("order.created");
    // Each event once, though two shards number theirs alike.
    const keys = first.seen.map((e) => `${e.order_id} ${e.type} ${e.seq}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Buffer.from(first.cursor, "base64url").toString()).toMatch(/^e\d+,s1:\d+$/);

    // Changes on both shards after that cursor: a poller resuming from it gets them, and nothing it had.
    expect((await transition(here.id, "hold", { reason: "check the address" })).status).toBe(200);
    expect((await transition(there.id, "hold", { reason: "check the address" })).status).toBe(200);
    const next = await feed(first.cursor, 1);
    expect(ofOrder(next.seen, here.id)).toEqual(["order.status_changed"]);
    expect(ofOrder(next.seen, there.id)).toEqual(["order.status_changed"]);
    // Nothing new: the same cursor back, and an empty page.
    const idle = await api(`/v1/events?after=${encodeURIComponent(next.cursor)}`);
    expect(idle.body).toMatchObject({ data: [], has_more: false, next_cursor: next.cursor });

    // A key of the shard 1 store reads its store's events from shard 1 alone.
    const keyOne = await createKey("channel", [store]);
    const mine = await feed("", 500, keyOne);
    expect(ofOrder(mine.seen, here.id)).toEqual(["order.created", "order.status_changed"]);
    expect(mine.seen.every((e) => e.order_id === null || tagOf(e.order_id) === "RTE1")).toBe(true);
  });
});

describe("a warehouse of a store on shard 1", () => {
  it("joins its store's stock pool there, and allocates its orders from it", async () => {
    const wh = await createWarehouse({ store_ids: [store] });
    expect(await env.DIRECTORY.prepare("SELECT pool_id FROM warehouse_homes WHERE warehouse_id = ?").bind(wh.id).first("pool_id")).toBe("pool_one");
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM warehouses WHERE id = ?", wh.id)).toBe(1);
    expect(await count(env.DB, "SELECT COUNT(*) AS n FROM warehouses WHERE id = ?", wh.id)).toBe(0);
    await createBin(wh.id, "B-01", { pick_sequence: 10 });
    await createProduct(store, "POOLED-1", { price: "3.00" });
    await receive(wh.id, [{ sku: "POOLED-1", bin: "B-01", quantity: 2 }]);
    expect((await api(`/v1/stores/${store}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } })).status).toBe(200);
    const { order } = await allocatedOrder(store, { lines: [{ sku: "POOLED-1", quantity: 2, unit_price: "3.00" }] });
    expect(await count(env.DB_1, "SELECT COUNT(*) AS n FROM shipments WHERE order_id = ? AND warehouse_id = ?", order.id, wh.id)).toBe(1);
    expect(await ledgerOk(wh.id)).toMatchObject({ ok: true, mismatches: [] });
    // Listed with no filter from shard 1, beside shard 0's: the warehouse, and its wave with its progress read there.
    const zeroWh = await createWarehouse({ store_ids: [other.id] });
    const listed = (await api("/v1/warehouses?limit=200")).body.data.map((w: { id: string }) => w.id);
    expect(listed).toEqual(expect.arrayContaining([wh.id, zeroWh.id]));
    const wave = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    const waves = (await api("/v1/waves?limit=200")).body.data as { id: string; progress: { units: number } }[];
    expect(waves.find((w) => w.id === wave.body.data[0].id)?.progress).toMatchObject({ units: 2 });
    // One SKU's stock across warehouses on both shards.
    await createBin(zeroWh.id, "Z-01", { pick_sequence: 10 });
    await receive(zeroWh.id, [{ sku: "POOLED-1", bin: "Z-01", quantity: 5 }]);
    const stock = await api("/v1/stock?sku=POOLED-1");
    expect(stock.status, JSON.stringify(stock.body)).toBe(200);
    const byWarehouse = Object.fromEntries(stock.body.warehouses.map((w: { warehouse_id: string; on_hand: number }) => [w.warehouse_id, w.on_hand]));
    expect(byWarehouse).toMatchObject({ [wh.id]: 2, [zeroWh.id]: 5 });
  });

  it("cannot serve stores of two pools: 409 pool_split, nothing written, on creation or on a change of its stores", async () => {
    const before = await Promise.all([
      count(env.DB, "SELECT COUNT(*) AS n FROM warehouses"),
      count(env.DB_1, "SELECT COUNT(*) AS n FROM warehouses"),
      count(env.DIRECTORY, "SELECT COUNT(*) AS n FROM warehouse_homes"),
    ]);
    const refused = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: [store, other.id] } });
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({ code: "pool_split" });
    expect(refused.body.detail).toContain("pool_one");
    expect(
      await Promise.all([
        count(env.DB, "SELECT COUNT(*) AS n FROM warehouses"),
        count(env.DB_1, "SELECT COUNT(*) AS n FROM warehouses"),
        count(env.DIRECTORY, "SELECT COUNT(*) AS n FROM warehouse_homes"),
      ]),
    ).toEqual(before);

    // A warehouse of every store, while one store lives in another pool: the same.
    const everyStore = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", store_ids: ["*"] } });
    expect(everyStore.status).toBe(409);
    expect(everyStore.body).toMatchObject({ code: "pool_split" });
    expect(everyStore.body.detail).toContain(`${store} in pool_one`);

    const wh = await createWarehouse({ store_ids: [store] });
    const widened = await api(`/v1/warehouses/${wh.id}`, { method: "PATCH", body: { store_ids: [store, other.id] } });
    expect(widened.status).toBe(409);
    expect(widened.body).toMatchObject({ code: "pool_split" });
    // Nor can it move to the other pool's stores alone: its stock is in this one.
    const moved = await api(`/v1/warehouses/${wh.id}`, { method: "PATCH", body: { store_ids: [other.id] } });
    expect(moved.status).toBe(409);
    expect((await api(`/v1/warehouses/${wh.id}`, { method: "PATCH", body: { store_ids: ["*"] } })).status).toBe(409);
    expect((await api(`/v1/warehouses/${wh.id}`)).body.store_ids).toEqual([store]);
  });
});
