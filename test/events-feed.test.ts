/**
 * The change feed (GET /v1/events): every change of an order, its parcels,
 * their tracking, after-sales requests and stock is an event, written in the
 * change's own transaction; a poller pages through it in commit order with a
 * cursor that never skips; and the lists take `updated_since`.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { EVENT_TTL_MS, pruneEvents } from "../src/events/prune-events";
import { api, createKey, createOrder, createStore, transition, unique } from "./helpers";
import { freshTrackingNumber, labelDirectly, packedOrder } from "./logistics-helpers";

type Ev = {
  seq: number;
  type: string;
  store_id: string;
  order_id: string | null;
  resource_id: string;
  order_version: number | null;
  data: Record<string, any>;
  created_at: string;
};

/** Every event of the store the key sees (from the start of the feed), following the cursor page by page. */
async function allEvents(query: string, key?: string, limit = 500) {
  const out: Ev[] = [];
  let after = "";
  for (let i = 0; i < 100; i++) {
    const r = await api(`/v1/events?limit=${limit}${query}${after ? `&after=${after}` : ""}`, { key });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    out.push(...r.body.data);
    after = r.body.next_cursor;
    expect(typeof after).toBe("string");
    if (!r.body.has_more) return { events: out, cursor: after };
  }
  throw new Error("feed did not end");
}

const eventCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM events").first<{ n: number }>())!.n;

function expectProblem(r: { status: number; headers: Headers; body: any }, status: number, field?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  if (field) expect(r.body.errors.map((e: { field: string }) => e.field).join(" ")).toMatch(new RegExp(`(^|[ .])${field}\\b`));
}

describe("every change is an event", () => {
  let store: { id: string };
  let orderId: string;
  let shipmentId: string;
  let requestId: string;
  let events: Ev[];

  beforeAll(async () => {
    store = await createStore(unique("Feed Tea"));
    const packed = await packedOrder(store.id);
    orderId = packed.order.id;
    shipmentId = packed.shipmentId;
    await labelDirectly(shipmentId, freshTrackingNumber());
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).status).toBe(200);
    const tracked = await api(`/v1/shipments/${shipmentId}/tracking-events`, { body: { status: "delivered", message: "Left with the concierge" } });
    expect(tracked.status, JSON.stringify(tracked.body)).toBe(201);
    expect((await api(`/v1/orders/${orderId}/payment`, { body: { payment_status: "paid" } })).status).toBe(200);
    const opened = await api(`/v1/orders/${orderId}/after-sales`, { body: { kind: "return", reason: "Wrong size", lines: [{ sku: packed.sku, quantity: 1 }] } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    requestId = opened.body.id;
    expect((await api(`/v1/after-sales/${requestId}/transitions`, { body: { event: "reject", note: "Outside the window" } })).status).toBe(200);
    events = (await allEvents(`&store_id=${store.id}`)).events;
  });

  it("writes each kind of change once it happened, in commit order, with the order's version", async () => {
    const types = new Set(events.map((e) => e.type));
    for (const t of [
      "order.created",
      "order.status_changed",
      "order.updated",
      "shipment.created",
      "shipment.status_changed",
      "tracking.updated",
      "after_sales.created",
      "after_sales.status_changed",
      "stock.changed",
    ]) {
      expect(types, t).toContain(t);
    }
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    const ofOrder = events.filter((e) => e.order_id === orderId && e.type.startsWith("order."));
    expect(ofOrder[0]).toMatchObject({ type: "order.created", order_version: 1, data: { order_id: orderId, status: "received" } });
    // Versions only go up along the feed, and the last one is the order's own.
    const versions = ofOrder.map((e) => e.order_version!);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    const order = (await api(`/v1/orders/${orderId}`)).body;
    expect(versions.at(-1)).toBe(order.version);
    expect(ofOrder.map((e) => e.data.status)).toEqual(expect.arrayContaining(["approved", "processing", "shipped", "delivered"]));
    expect(ofOrder.find((e) => e.data.payment_status === "paid" && e.data.previous_payment_status !== "paid")?.type).toBe("order.updated");

    const shipped = events.find((e) => e.type === "shipment.status_changed" && e.data.status === "shipped");
    expect(shipped).toMatchObject({ resource_id: shipmentId, order_id: orderId, data: { previous_status: "labelled", carrier: "usps" } });
    expect(shipped!.data.tracking_number).toMatch(/^94001/);
    expect(events.find((e) => e.type === "tracking.updated")).toMatchObject({ resource_id: shipmentId, data: { status: "delivered", outcome: "applied", carrier: "usps" } });
    expect(events.filter((e) => e.resource_id === requestId).map((e) => [e.type, e.data.status])).toEqual([
      ["after_sales.created", "open"],
      ["after_sales.status_changed", "rejected"],
    ]);
  });

  it("carries ids and statuses, never the customer's name, address, email or phone", () => {
    const text = JSON.stringify(events);
    // The phone (+44 20 7946 0958) as typed and as stored: its last eight digits, since four alone turned up by chance in
    // a 22-digit tracking number.
    for (const pii of ["Maya", "Chen", "350 5th Ave", "ada@example.com", "7946 0958", "79460958", "New York"]) expect(text).not.toContain(pii);
  });

  it("scopes stock to the stores its warehouse serves: a warehouse of every store is '*', seen by every store's key", async () => {
    const stock = events.filter((e) => e.type === "stock.changed");
    expect(stock.length).toBeGreaterThan(0);
    expect(new Set(stock.map((e) => e.store_id))).toEqual(new Set(["*"]));
    expect(stock.some((e) => e.data.reserved > 0)).toBe(true);
    expect(stock[0]!.data).toHaveProperty("warehouse_available");

    const own = await createStore(unique("Own WH"));
    const other = await createStore(unique("Not served"));
    const wh = await api("/v1/warehouses", { body: { name: unique("wh"), country: "US", region: "NJ", store_ids: [own.id] } });
    expect(wh.status, JSON.stringify(wh.body)).toBe(201);
    expect((await api(`/v1/warehouses/${wh.body.id}/bins`, { body: { code: "B-1" } })).status).toBe(201);
    const received = await api(`/v1/warehouses/${wh.body.id}/receipts`, { body: { lines: [{ sku: "OWN-1", bin: "B-1", quantity: 4, unit_cost: "1.00" }] } });
    expect(received.status, JSON.stringify(received.body)).toBe(201);
    const mine = (await allEvents(`&store_id=${own.id}&type=stock.*`)).events.filter((e) => e.data.warehouse_id === wh.body.id);
    expect(mine.map((e) => [e.store_id, e.data.sku, e.data.on_hand, e.data.previous_on_hand])).toEqual([[own.id, "OWN-1", 4, 0]]);
    const theirs = (await allEvents(`&store_id=${other.id}&type=stock.*`)).events.filter((e) => e.data.warehouse_id === wh.body.id);
    expect(theirs).toEqual([]);
  });

  it("writes nothing when nothing changed", async () => {
    const before = await eventCount();
    await env.DB.prepare("UPDATE orders SET status = status, payment_status = payment_status, version = version WHERE id = ?").bind(orderId).run();
    await env.DB.prepare("UPDATE shipments SET status = status WHERE id = ?").bind(shipmentId).run();
    await env.DB.prepare("UPDATE stock_levels SET on_hand = on_hand, reserved = reserved WHERE sku = 'OWN-1'").run();
    expect(await eventCount()).toBe(before);
  });
});

describe("reading the feed", () => {
  let store: { id: string };
  beforeAll(async () => {
    store = await createStore(unique("Feed Paging"));
    for (let i = 0; i < 3; i++) {
      const o = await createOrder(store.id);
      expect((await transition(o.id, "approve")).status).toBe(200);
    }
  });

  it("pages in seq order without gaps or repeats, and resumes from an empty page's cursor", async () => {
    // The store's own changes: stock of warehouses serving every store ("*") is in its feed too, written by other tests.
    const whole = await allEvents(`&store_id=${store.id}&type=order.*`);
    expect(whole.events.length).toBe(6);
    const paged = await allEvents(`&store_id=${store.id}&type=order.*`, undefined, 2);
    expect(paged.events.map((e) => e.seq)).toEqual(whole.events.map((e) => e.seq));

    const empty = await api(`/v1/events?store_id=${store.id}&type=order.*&after=${whole.cursor}`);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ data: [], has_more: false });
    expect(typeof empty.body.next_cursor).toBe("string");

    const o = await createOrder(store.id);
    const next = await api(`/v1/events?store_id=${store.id}&type=order.*&after=${empty.body.next_cursor}`);
    expect(next.body.data.map((e: Ev) => [e.type, e.order_id])).toEqual([["order.created", o.id]]);
  });

  it("filters by exact type, by group, and by several", async () => {
    const created = (await allEvents(`&store_id=${store.id}&type=order.created`)).events;
    expect(created.length).toBe(4);
    expect(new Set(created.map((e) => e.type))).toEqual(new Set(["order.created"]));
    const group = (await allEvents(`&store_id=${store.id}&type=order.*`)).events;
    expect(group.length).toBe(7);
    const both = (await allEvents(`&store_id=${store.id}&type=order.status_changed,shipment.*`)).events;
    expect(both.map((e) => e.type)).toEqual(["order.status_changed", "order.status_changed", "order.status_changed"]);
    expect((await allEvents(`&store_id=${store.id}&type=after_sales.*`)).events).toEqual([]);
  });

  it("refuses an unknown type, a foreign cursor and a bad limit with problem+json", async () => {
    expectProblem(await api("/v1/events?type=order.shipped"), 400, "type");
    expectProblem(await api("/v1/events?type=orders.*"), 400, "type");
    expectProblem(await api("/v1/events?after=not-a-cursor!"), 400, "cursor");
    expectProblem(await api(`/v1/events?after=${btoa("ord_1")}`), 400, "cursor");
    expectProblem(await api("/v1/events?limit=0"), 400, "limit");
    expectProblem(await api("/v1/events?limit=501"), 400, "limit");
  });

  it("shows a store's key its own store's events only, and refuses another store", async () => {
    const other = await createStore(unique("Feed Other"));
    const theirs = await createOrder(other.id);
    const channel = await createKey("channel", [store.id]);
    const seen = (await allEvents("", channel)).events;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.store_id === store.id || e.store_id === "*")).toBe(true);
    expect(seen.some((e) => e.order_id === theirs.id)).toBe(false);
    expectProblem(await api(`/v1/events?store_id=${other.id}`, { key: channel }), 403);
  });

  it("is read by admin, analyst, channel and partner keys, and refused to the others", async () => {
    for (const role of ["analyst", "partner"]) expect((await api("/v1/events?limit=1", { key: await createKey(role, ["*"]) })).status).toBe(200);
    for (const role of ["auditor", "warehouse", "logistics", "support"]) {
      expectProblem(await api("/v1/events?limit=1", { key: await createKey(role, ["*"]) }), 403);
    }
    expectProblem(await api("/v1/events", { key: null }), 401);
  });
});

describe("updated_since on the lists", () => {
  it("orders, shipments and after-sales requests changed at or after a time, and nothing older", async () => {
    const store = await createStore(unique("Since"));
    const { order, shipmentId, sku } = await packedOrder(store.id);
    const untouched = await createOrder(store.id);
    await new Promise((r) => setTimeout(r, 5));
    const since = new Date().toISOString();
    expect((await api(`/v1/orders/${order.id}/payment`, { body: { payment_status: "paid" } })).status).toBe(200);
    await labelDirectly(shipmentId, freshTrackingNumber());
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).status).toBe(200);
    const ids = async (path: string) => ((await api(path)).body.data as { id: string }[]).map((x) => x.id);

    const orders = await ids(`/v1/orders?store_id=${store.id}&updated_since=${encodeURIComponent(since)}`);
    expect(orders).toEqual([order.id]);
    expect(await ids(`/v1/orders?store_id=${store.id}`)).toContain(untouched.id);
    expect(await ids(`/v1/shipments?store_id=${store.id}&updated_since=${encodeURIComponent(since)}`)).toEqual([shipmentId]);
    expect(await ids(`/v1/shipments?store_id=${store.id}&updated_since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);

    const opened = await api(`/v1/orders/${order.id}/after-sales`, { body: { kind: "return", reason: "Too big", lines: [{ sku, quantity: 1 }] } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(await ids(`/v1/after-sales?store_id=${store.id}&updated_since=${encodeURIComponent(since)}`)).toEqual([opened.body.id]);
    expect(await ids(`/v1/after-sales?store_id=${store.id}&updated_since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);

    for (const path of ["/v1/orders", "/v1/shipments", "/v1/after-sales"]) expectProblem(await api(`${path}?updated_since=yesterday`), 400, "updated_since");
  });
});

describe("housekeeping", () => {
  it("keeps events for 30 days, then prunes them with their delivery log", async () => {
    const store = await createStore(unique("Old news"));
    const old = await createOrder(store.id);
    const recent = await createOrder(store.id);
    const now = Date.now();
    await env.DB.prepare("UPDATE events SET created_at = ? WHERE order_id = ?")
      .bind(now - EVENT_TTL_MS - 1, old.id)
      .run();
    await env.DB.prepare("INSERT INTO webhook_attempts (delivery_id, subscription_id, attempted_at, duration_ms) VALUES ('msg_old', 'whs_old', ?, 1)")
      .bind(now - EVENT_TTL_MS - 1)
      .run();
    await pruneEvents(env, now);
    const left = (await allEvents(`&store_id=${store.id}&type=order.*`)).events.map((e) => e.order_id);
    expect(left).toEqual([recent.id]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM webhook_attempts WHERE delivery_id = 'msg_old'").first("n")).toBe(0);
  });
});
