/**
 * The WooCommerce adapter's REST calls, from inside workerd, over the network,
 * against the stand-in shop (test/stand-in/woocommerce.mjs): what it reads,
 * how it pages, how failures come back, and what it pushed, as the shop
 * recorded it. Each test has its own scope.
 */
import { env } from "./shard-env";
import { describe, expect, inject, it } from "vitest";
import { woocommerce } from "../src/channels/platforms/woocommerce";
import type { Http, PlatformConnection } from "../src/channels/platforms/platform";

type Recorded = { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string; status: number };
type WooOrder = Record<string, unknown> & { id: number; date_modified_gmt: string; status: string; meta_data: { key: string; value: unknown }[] };

const http: Http = (request) => fetch(request);

function fixtureOrder(): WooOrder {
  const b64 = env.TEST_FIXTURES["woocommerce-order-created.json"];
  if (!b64) throw new Error("fixture missing");
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))) as WooOrder;
}

async function shop(state: Record<string, unknown> = { orders: [fixtureOrder()] }) {
  const base = inject("standInUrl");
  const scope = `woocommerce~${crypto.randomUUID()}`;
  const control = (action: string, body?: unknown) =>
    fetch(`${base}/_control/${scope}/${action}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
  await control("state", state);
  const connection: PlatformConnection = {
    id: "chc_test",
    storeId: "sto_test",
    platform: "woocommerce",
    shopDomain: "https://shop.example.com/",
    apiBaseUrl: `${base}/${scope}`,
    credentials: { consumer_key: "ck_standin", consumer_secret: "cs_standin" },
    webhookSecrets: ["wc_fixture_secret_Zk3p"],
    pushes: { fulfillments: true, cancellations: true, refunds: true },
  };
  return {
    connection,
    play: (...fail: { status: number; headers?: Record<string, string> }[]) => control("state", { fail }),
    requests: () => control("requests") as Promise<Recorded[]>,
    state: () => control("state"),
  };
}

describe("WooCommerce REST: reading orders", () => {
  it("fetches one order with basic auth, as the adapter maps it", async () => {
    const s = await shop();
    const got = await woocommerce.fetchOrder(s.connection, "4812", http);
    if (!got.ok || !got.value) throw new Error(JSON.stringify(got));
    expect(woocommerce.map(got.value)).toMatchObject({ externalId: "4812", total: "61.95", lines: [{ externalLineId: "1873" }, { externalLineId: "1874" }] });
    const [r] = await s.requests();
    expect([r!.method, r!.path, r!.headers.authorization]).toEqual(["GET", "/orders/4812", `Basic ${btoa("ck_standin:cs_standin")}`]);
  });

  it("answers null for an order the shop does not have, and refuses wrong credentials", async () => {
    const s = await shop();
    expect(await woocommerce.fetchOrder(s.connection, "999", http)).toEqual({ ok: true, value: null });
    const wrong = { ...s.connection, credentials: { consumer_key: "ck_standin", consumer_secret: "cs_wrong" } };
    expect(await woocommerce.fetchOrder(wrong, "4812", http)).toMatchObject({ ok: false, kind: "refused", status: 401 });
  });

  it("lists the orders changed in the window, oldest change first, page after page to the end", async () => {
    const start = Date.UTC(2025, 5, 1);
    const orders = Array.from({ length: 130 }, (_, i) => ({ ...fixtureOrder(), id: 5000 + i, date_modified_gmt: new Date(start + i * 60_000).toISOString().slice(0, 19) }));
    // Shuffled: the shop sorts, as WooCommerce does with orderby=modified.
    orders.reverse();
    const s = await shop({ orders });
    // From order 5005 (its exact second) to before order 5125.
    const window = { since: start + 5 * 60_000, until: start + 125 * 60_000 };
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await woocommerce.listChangedOrders(s.connection, { ...window, cursor }, http);
      if (!page.ok) throw new Error(JSON.stringify(page));
      seen.push(...page.value.orders.map((o) => woocommerce.map(o).externalId));
      cursor = page.value.next;
      pages++;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => String(5005 + i)));
    expect(pages).toBe(3);
    const [first] = await s.requests();
    expect(first!.query).toEqual({
      modified_after: "2025-06-01T00:04:59Z",
      modified_before: "2025-06-01T02:05:00Z",
      dates_are_gmt: "true",
      orderby: "modified",
      order: "asc",
      status: "any",
      page: "1",
      per_page: "50",
    });
  });

  it("resumes from a cursor, and an empty window is one empty last page", async () => {
    const s = await shop();
    const modified = Date.UTC(2025, 5, 14, 14, 31, 5);
    const page2 = await woocommerce.listChangedOrders(s.connection, { since: modified, until: modified + 1000, cursor: "2" }, http);
    expect(page2).toEqual({ ok: true, value: { orders: [], next: null } });
    expect((await s.requests())[0]!.query.page).toBe("2");
    const empty = await woocommerce.listChangedOrders(s.connection, { since: modified + 1000, until: modified + 60_000, cursor: null }, http);
    expect(empty).toEqual({ ok: true, value: { orders: [], next: null } });
  });
});

describe("WooCommerce REST: failures", () => {
  it("429 is rate_limited for as long as the shop asks (a minute when it does not say)", async () => {
    const s = await shop();
    await s.play({ status: 429, headers: { "retry-after": "7" } }, { status: 429 });
    expect(await woocommerce.fetchOrder(s.connection, "4812", http)).toEqual({ ok: false, kind: "rate_limited", retryAfterMs: 7000 });
    expect(await woocommerce.fetchOrder(s.connection, "4812", http)).toEqual({ ok: false, kind: "rate_limited", retryAfterMs: 60_000 });
    expect(await woocommerce.fetchOrder(s.connection, "4812", http)).toMatchObject({ ok: true });
  });

  it("5xx and an unreachable shop are unavailable; other 4xx are refused", async () => {
    const s = await shop();
    await s.play({ status: 503 }, { status: 500 }, { status: 400 }, { status: 403 });
    expect(await woocommerce.listChangedOrders(s.connection, { since: 0, until: 1, cursor: null }, http)).toMatchObject({ ok: false, kind: "unavailable", status: 503 });
    expect(await woocommerce.cancelOrder(s.connection, "4812", { reason: null, key: "k" }, http)).toMatchObject({ ok: false, kind: "unavailable", status: 500 });
    expect(await woocommerce.fetchOrder(s.connection, "4812", http)).toMatchObject({ ok: false, kind: "refused", status: 400 });
    expect(await woocommerce.refund(s.connection, "4812", { amount: "1.00", currency: "USD", reason: null, lines: [], key: "k" }, http)).toMatchObject({
      ok: false,
      kind: "refused",
      status: 403,
    });
    const down: Http = () => Promise.reject(new TypeError("Network connection lost."));
    expect(await woocommerce.fetchOrder(s.connection, "4812", down)).toMatchObject({ ok: false, kind: "unavailable", status: null });
  });
});

describe("WooCommerce REST: pushes", () => {
  const push = { carrier: "USPS", trackingNumber: "9400136208303389427536", trackingUrl: "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400136208303389427536" };

  it("a shipment is a note to the customer and the order completed; pushed again it is the same shipment", async () => {
    const s = await shop();
    const first = await woocommerce.createFulfillment(s.connection, "4812", { ...push, lines: [], key: "shp_1" }, http);
    if (!first.ok) throw new Error(JSON.stringify(first));
    const again = await woocommerce.createFulfillment(s.connection, "4812", { ...push, lines: [], key: "shp_1" }, http);
    expect(again).toEqual(first);

    const state = await s.state();
    expect(state.notes["4812"]).toEqual([
      expect.objectContaining({
        id: Number(first.value.externalId),
        customer_note: true,
        note: `Shipped with USPS, tracking number 9400136208303389427536. Track it: ${push.trackingUrl}`,
      }),
    ]);
    const order = state.orders[0] as WooOrder;
    expect(order.status).toBe("completed");
    expect(order.meta_data.find((m) => m.key === "_oms_shipment_shp_1")?.value).toBe(JSON.stringify({ note: first.value.externalId, lines: [] }));
    expect((await s.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /orders/4812", "POST /orders/4812/notes", "PUT /orders/4812", "GET /orders/4812"]);
  });

  it("completes the order only when the last parcel leaves", async () => {
    const s = await shop();
    const first = await woocommerce.createFulfillment(s.connection, "4812", { ...push, lines: [{ externalLineId: "1873", quantity: 2 }], key: "shp_a" }, http);
    expect(first.ok).toBe(true);
    expect(((await s.state()).orders[0] as WooOrder).status).toBe("processing");
    await woocommerce.createFulfillment(
      s.connection,
      "4812",
      { ...push, trackingNumber: "9400136208303389427543", lines: [{ externalLineId: "1874", quantity: 1 }], key: "shp_b" },
      http,
    );
    expect(((await s.state()).orders[0] as WooOrder).status).toBe("completed");
  });

  it("cancels with the status and keeps the reason in a private note", async () => {
    const s = await shop();
    expect(await woocommerce.cancelOrder(s.connection, "4812", { reason: "customer asked", key: "can_1" }, http)).toEqual({ ok: true, value: null });
    const requests = await s.requests();
    expect(requests.map((r) => [r.method, r.path, JSON.parse(r.body)])).toEqual([
      ["PUT", "/orders/4812", { status: "cancelled" }],
      ["POST", "/orders/4812/notes", { note: "Cancelled: customer asked", customer_note: false }],
    ]);
    expect(((await s.state()).orders[0] as WooOrder).status).toBe("cancelled");
    expect(await woocommerce.cancelOrder(s.connection, "999", { reason: null, key: "can_2" }, http)).toMatchObject({ ok: false, kind: "refused", status: 404 });
  });

  it("refunds through the gateway once, however often it is pushed", async () => {
    const s = await shop();
    const refund = { amount: "13.50", currency: "USD", reason: "Tote arrived torn", lines: [{ externalLineId: "1874", quantity: 1 }], key: "ret_1" };
    const first = await woocommerce.refund(s.connection, "4812", refund, http);
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect(await woocommerce.refund(s.connection, "4812", refund, http)).toEqual(first);
    const posts = (await s.requests()).filter((r) => r.method === "POST");
    expect(posts.map((r) => [r.path, JSON.parse(r.body)])).toEqual([
      ["/orders/4812/refunds", { amount: "13.50", reason: "Tote arrived torn [ref ret_1]", api_refund: true, line_items: [{ id: "1874", quantity: 1 }] }],
    ]);
    // The order now reads as partly refunded.
    const got = await woocommerce.fetchOrder(s.connection, "4812", http);
    if (!got.ok || !got.value) throw new Error("no order");
    expect(woocommerce.map(got.value)).toMatchObject({ paymentStatus: "partially_refunded", refunds: [{ externalId: first.value.externalId, amount: "13.50" }] });
  });
});
