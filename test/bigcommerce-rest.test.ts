/// <reference types="vite/client" />
/**
 * The BigCommerce adapter's REST calls, from inside workerd, over the network,
 * against the stand-in store (test/stand-in/bigcommerce.mjs) serving the v2
 * sample of the fixture's order 250: composing an order from three reads,
 * paging, failures, and what it pushed, as the store recorded it. Each test
 * has its own scope.
 */
import { describe, expect, inject, it } from "vitest";
import { bigcommerce } from "../src/channels/platforms/bigcommerce";
import type { Http, PlatformConnection } from "../src/channels/platforms/platform";
import SAMPLE from "./stand-in/bigcommerce-order-250.json?raw";

type Recorded = { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string; status: number };
type Entry = { order: Record<string, any>; products: Record<string, any>[]; shipping_addresses: Record<string, any>[] };

const http: Http = (request) => fetch(request);
const sample = () => JSON.parse(SAMPLE) as Entry;

async function store(orders: Entry[] = [sample()]) {
  const base = inject("standInUrl");
  const scope = `bigcommerce~${crypto.randomUUID()}`;
  const control = (action: string, body?: unknown) =>
    fetch(`${base}/_control/${scope}/${action}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
  await control("state", { orders });
  const connection: PlatformConnection = {
    id: "chc_test",
    storeId: "sto_test",
    platform: "bigcommerce",
    shopDomain: "7xq4kz9m2b",
    apiBaseUrl: `${base}/${scope}`,
    credentials: { access_token: "bc_standin_token" },
    webhookSecrets: ["bc_fixture_custom_header_value"],
    pushes: { fulfillments: true, cancellations: true, refunds: true },
  };
  return {
    connection,
    play: (...fail: { status: number; headers?: Record<string, string> }[]) => control("state", { fail }),
    requests: () => control("requests") as Promise<Recorded[]>,
    state: () => control("state"),
  };
}

describe("BigCommerce REST: reading orders", () => {
  it("fetches an order as three reads composed into one, mapped exactly as the sample", async () => {
    const s = await store();
    const got = await bigcommerce.fetchOrder(s.connection, "250", http);
    if (!got.ok || !got.value) throw new Error(JSON.stringify(got));
    expect(bigcommerce.map(got.value)).toEqual(bigcommerce.map({ platform: "bigcommerce", raw: { ...sample(), refunds: [] } }));
    const requests = await s.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v2/orders/250", "GET /v2/orders/250/products", "GET /v2/orders/250/shipping_addresses"]);
    expect(requests.every((r) => r.headers["x-auth-token"] === "bc_standin_token" && r.headers.accept === "application/json")).toBe(true);
  });

  it("answers null for an order the store does not have, and refuses a wrong token", async () => {
    const s = await store();
    expect(await bigcommerce.fetchOrder(s.connection, "999", http)).toEqual({ ok: true, value: null });
    const wrong = { ...s.connection, credentials: { access_token: "not_the_token" } };
    expect(await bigcommerce.fetchOrder(wrong, "250", http)).toMatchObject({ ok: false, kind: "refused", status: 401 });
  });

  it("lists the orders changed in the window, oldest change first, page after page to the end", async () => {
    const start = Date.UTC(2025, 5, 1);
    const orders = Array.from({ length: 50 }, (_, i) => {
      const e = sample();
      e.order.id = 1000 + i;
      e.order.date_modified = new Date(start + i * 60_000).toUTCString().replace("GMT", "+0000");
      return e;
    }).reverse();
    const s = await store(orders);
    const window = { since: start + 3 * 60_000, until: start + 43 * 60_000 };
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await bigcommerce.listChangedOrders(s.connection, { ...window, cursor }, http);
      if (!page.ok) throw new Error(JSON.stringify(page));
      seen.push(...page.value.orders.map((o) => bigcommerce.map(o).externalId));
      expect(page.value.orders.every((o) => bigcommerce.map(o).lines.length === 2)).toBe(true);
      cursor = page.value.next;
      pages++;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => String(1003 + i)));
    expect(pages).toBe(3);
    const first = (await s.requests()).find((r) => r.path === "/v2/orders");
    expect(first!.query).toEqual({
      min_date_modified: "Sun, 01 Jun 2025 00:03:00 +0000",
      max_date_modified: "Sun, 01 Jun 2025 00:42:59 +0000",
      sort: "date_modified:asc",
      page: "1",
      limit: "15",
    });
  });

  it("reads BigCommerce's 204 for no orders as an empty last page", async () => {
    const s = await store();
    expect(await bigcommerce.listChangedOrders(s.connection, { since: 0, until: 1000, cursor: null }, http)).toEqual({ ok: true, value: { orders: [], next: null } });
    expect((await s.requests())[0]!.status).toBe(204);
  });
});

describe("BigCommerce REST: failures", () => {
  it("429 is rate_limited for the time BigCommerce says its window resets, even midway through composing an order", async () => {
    const s = await store();
    await s.play({ status: 429, headers: { "x-rate-limit-time-reset-ms": "4500", "x-rate-limit-requests-left": "0" } });
    expect(await bigcommerce.fetchOrder(s.connection, "250", http)).toEqual({ ok: false, kind: "rate_limited", retryAfterMs: 4500 });
    // The order read passes, its products read is limited: the whole fetch is retried later.
    const s2 = await store();
    const got = await bigcommerce.fetchOrder(s2.connection, "250", http);
    expect(got.ok).toBe(true);
    await s2.play({ status: 200 }, { status: 429, headers: { "x-rate-limit-time-reset-ms": "1200" } });
    expect(await bigcommerce.fetchOrder(s2.connection, "250", http)).toEqual({ ok: false, kind: "rate_limited", retryAfterMs: 1200 });
  });

  it("5xx and an unreachable store are unavailable; other 4xx are refused", async () => {
    const s = await store();
    await s.play({ status: 502 }, { status: 503 }, { status: 422 }, { status: 403 });
    expect(await bigcommerce.fetchOrder(s.connection, "250", http)).toMatchObject({ ok: false, kind: "unavailable", status: 502 });
    expect(await bigcommerce.listChangedOrders(s.connection, { since: 0, until: 1, cursor: null }, http)).toMatchObject({ ok: false, kind: "unavailable", status: 503 });
    expect(await bigcommerce.cancelOrder(s.connection, "250", { reason: null, key: "k" }, http)).toMatchObject({ ok: false, kind: "refused", status: 422 });
    expect(await bigcommerce.refund(s.connection, "250", { amount: "100", currency: "JPY", reason: null, lines: [], key: "k" }, http)).toMatchObject({
      ok: false,
      kind: "refused",
      status: 403,
    });
    const down: Http = () => Promise.reject(new TypeError("Network connection lost."));
    expect(await bigcommerce.fetchOrder(s.connection, "250", down)).toMatchObject({ ok: false, kind: "unavailable", status: null });
  });
});

describe("BigCommerce REST: pushes", () => {
  const push = { carrier: "USPS", trackingNumber: "9400136208303389427536", trackingUrl: "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400136208303389427536" };

  it("creates a shipment of everything left to ship at the order's address; pushed again it is the same shipment", async () => {
    const s = await store();
    const first = await bigcommerce.createFulfillment(s.connection, "250", { ...push, lines: [], key: "shp_1" }, http);
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect(await bigcommerce.createFulfillment(s.connection, "250", { ...push, lines: [], key: "shp_1" }, http)).toEqual(first);
    const posts = (await s.requests()).filter((r) => r.method === "POST");
    expect(posts.map((r) => [r.path, JSON.parse(r.body)])).toEqual([
      [
        "/v2/orders/250/shipments",
        {
          order_address_id: 171,
          tracking_number: "9400136208303389427536",
          tracking_carrier: "usps",
          tracking_link: push.trackingUrl,
          comments: "Shipped with USPS",
          items: [
            { order_product_id: 301, quantity: 2 },
            { order_product_id: 302, quantity: 1 },
          ],
        },
      ],
    ]);
    const state = await s.state();
    expect(state.shipments["250"].map((x: { id: number }) => String(x.id))).toEqual([first.value.externalId]);
    expect(state.orders[0].order.status_id).toBe(2);
  });

  it("ships the lines named, and an unknown carrier by its link", async () => {
    const s = await store();
    const parcel = await bigcommerce.createFulfillment(
      s.connection,
      "250",
      { carrier: "Yamato Transport", trackingNumber: "4567-8901-2345", trackingUrl: null, lines: [{ externalLineId: "302", quantity: 1 }], key: "shp_2" },
      http,
    );
    expect(parcel.ok).toBe(true);
    const post = (await s.requests()).find((r) => r.method === "POST");
    expect(JSON.parse(post!.body)).toEqual({
      order_address_id: 171,
      tracking_number: "4567-8901-2345",
      tracking_carrier: "",
      comments: "Shipped with Yamato Transport",
      items: [{ order_product_id: 302, quantity: 1 }],
    });
    expect((await s.state()).orders[0].order.status_id).toBe(3);
  });

  it("cancels with status 5", async () => {
    const s = await store();
    expect(await bigcommerce.cancelOrder(s.connection, "250", { reason: "customer asked", key: "can_1" }, http)).toEqual({ ok: true, value: null });
    expect((await s.requests()).map((r) => [r.method, r.path, JSON.parse(r.body)])).toEqual([["PUT", "/v2/orders/250", { status_id: 5 }]]);
    expect((await s.state()).orders[0].order.status).toBe("Cancelled");
    expect(await bigcommerce.cancelOrder(s.connection, "999", { reason: null, key: "can_2" }, http)).toMatchObject({ ok: false, kind: "refused", status: 404 });
  });

  it("refunds our amount through a quote then a refund, once however often it is pushed, and the order then shows it", async () => {
    const s = await store();
    const refund = { amount: "1980", currency: "JPY", reason: "汚れあり", lines: [{ externalLineId: "302", quantity: 1 }], key: "ret_1" };
    const first = await bigcommerce.refund(s.connection, "250", refund, http);
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect(await bigcommerce.refund(s.connection, "250", refund, http)).toEqual(first);
    const posts = (await s.requests()).filter((r) => r.method === "POST");
    const items = [{ item_type: "ORDER", item_id: 250, amount: 1980 }];
    expect(posts.map((r) => [r.path, JSON.parse(r.body)])).toEqual([
      ["/v3/orders/250/payment_actions/refund_quotes", { items }],
      ["/v3/orders/250/payment_actions/refunds", { items, payments: [{ provider_id: "stripev3", amount: 1980, offline: false }], reason: "汚れあり [ref ret_1]" }],
    ]);
    const got = await bigcommerce.fetchOrder(s.connection, "250", http);
    if (!got.ok || !got.value) throw new Error("no order");
    expect(bigcommerce.map(got.value)).toMatchObject({
      paymentStatus: "partially_refunded",
      refunds: [{ externalId: first.value.externalId, amount: "1980", note: "汚れあり [ref ret_1]", lines: [] }],
    });
  });

  it("refuses a refund the store will not quote", async () => {
    const s = await store();
    const r = await bigcommerce.refund(s.connection, "250", { amount: "99999", currency: "JPY", reason: null, lines: [], key: "ret_2" }, http);
    expect(r).toMatchObject({ ok: false, kind: "refused", status: 422 });
    expect((await s.state()).refunds["250"]).toEqual([]);
  });
});
