/** Shopify's Admin REST calls, against the stand-in Shopify over the network: orders, paging, fulfillments, cancels, refunds, and its 429/5xx/4xx. */
import { describe, expect, it } from "vitest";
import { shopify } from "../src/channels/platforms/shopify";
import { insertConnection, shopifyOrder, standInShop } from "./channel-sync-helpers";
import { createStore } from "./helpers";

const http = (r: Request) => fetch(r);

async function shop() {
  const s = standInShop();
  const store = await createStore();
  const { connection } = await insertConnection(store.id, { apiBaseUrl: s.apiBaseUrl });
  return { s, connection };
}

const rawOf = (o: { raw: unknown }) => o.raw as Record<string, any>;

describe("Shopify REST", () => {
  it("fetches one order with its token, keeping ids beyond 2^53 exact", async () => {
    const { s, connection } = await shop();
    await s.set({ orders: [shopifyOrder("820982911946154508", "2026-11-01T10:00:00Z")] });
    // The stand-in serves JSON it wrote itself, where the big id is a string; Shopify sends a bare number. Both read as the same text.
    const r = await shopify.fetchOrder(connection, "820982911946154508", http);
    expect(r.ok).toBe(true);
    expect(String(rawOf((r as any).value).id)).toBe("820982911946154508");
    const [req] = await s.requests();
    expect(req).toMatchObject({ method: "GET", path: "/admin/api/2025-07/orders/820982911946154508.json", status: 200 });
    expect(await shopify.fetchOrder(connection, "1", http)).toEqual({ ok: true, value: null });
  });

  it("reads an 18-digit id sent as a bare number exactly", async () => {
    const { s, connection } = await shop();
    // A raw body with a number past 2^53, as Shopify writes it.
    const exact = "820982911946154508";
    await s.set({ orders: [shopifyOrder("77", "2026-11-01T10:00:00Z", { line_items: [] })] });
    const fetched = await shopify.fetchOrder(connection, "77", async () => new Response(`{"order":{"id":${exact},"line_items":[{"id":${exact}1}]}}`, { status: 200 }));
    expect(fetched.ok && rawOf(fetched.value!).id).toBe(exact);
  });

  it("lists changed orders page by page to the end, later pages naming only page_info and limit", async () => {
    const { s, connection } = await shop();
    const orders = Array.from({ length: 7 }, (_, i) => shopifyOrder(String(1000 + i), `2026-11-01T10:0${i}:00Z`));
    await s.set({ orders: [...orders, shopifyOrder("2000", "2026-10-01T00:00:00Z")], page_size: 3 });
    const window = { since: Date.parse("2026-11-01T00:00:00Z"), until: Date.parse("2026-11-02T00:00:00Z") };
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await shopify.listChangedOrders(connection, { ...window, cursor }, http);
      if (!r.ok) throw new Error(JSON.stringify(r));
      ids.push(...r.value.orders.map((o) => String(rawOf(o).id)));
      cursor = r.value.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(ids).toEqual(orders.map((o) => String(o.id)));
    const reqs = await s.requests();
    expect(reqs[0]!.query).toMatchObject({ status: "any", limit: "250", updated_at_min: "2026-11-01T00:00:00.000Z", updated_at_max: "2026-11-01T23:59:59.999Z" });
    for (const later of reqs.slice(1)) expect(Object.keys(later.query).sort()).toEqual(["limit", "page_info"]);
  });

  it("reports 429 as rate limited with Shopify's Retry-After, 5xx and a dead host as unavailable, 4xx as refused", async () => {
    const { s, connection } = await shop();
    await s.set({ orders: [shopifyOrder("5", "2026-11-01T10:00:00Z")], fail: [{ status: 429, retry_after: "2.0" }, { status: 503 }] });
    const w = { since: 0, until: Date.parse("2026-12-01T00:00:00Z"), cursor: null };
    expect(await shopify.listChangedOrders(connection, w, http)).toEqual({ ok: false, kind: "rate_limited", retryAfterMs: 2000 });
    expect(await shopify.listChangedOrders(connection, w, http)).toMatchObject({ ok: false, kind: "unavailable", status: 503 });
    expect(await shopify.listChangedOrders(connection, w, http)).toMatchObject({ ok: true });
    const wrongToken = { ...connection, credentials: { access_token: "nope" } };
    expect(await shopify.fetchOrder(wrongToken, "5", http)).toMatchObject({ ok: false, kind: "refused", status: 401 });
    const dead = { ...connection, apiBaseUrl: "http://127.0.0.1:9/admin/api/2025-07" };
    expect(await shopify.fetchOrder(dead, "5", http)).toMatchObject({ ok: false, kind: "unavailable", status: null });
  });

  it("creates a fulfillment through the order's fulfillment orders, with carrier, tracking number and URL", async () => {
    const { s, connection } = await shop();
    const order = shopifyOrder("31", "2026-11-01T10:00:00Z", {
      line_items: [
        { id: 901, sku: "A", quantity: 2 },
        { id: 902, sku: "B", quantity: 1 },
      ],
    });
    await s.set({ orders: [order] });
    const push = {
      carrier: "USPS",
      trackingNumber: "9400136208303389427536",
      trackingUrl: "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400136208303389427536",
      key: "shp_1",
    };
    const first = await shopify.createFulfillment(connection, "31", { ...push, lines: [{ externalLineId: "901", quantity: 1 }] }, http);
    expect(first).toMatchObject({ ok: true });
    // The rest of the order: every open line.
    expect(await shopify.createFulfillment(connection, "31", { ...push, key: "shp_2", lines: [] }, http)).toMatchObject({ ok: true });
    const state = await s.state();
    expect(state.fulfillments.map((f: any) => f.lines)).toEqual([
      [{ line_item_id: "901", quantity: 1 }],
      [
        { line_item_id: "901", quantity: 1 },
        { line_item_id: "902", quantity: 1 },
      ],
    ]);
    expect(state.fulfillments[0].tracking_info).toEqual({ company: "USPS", number: push.trackingNumber, url: push.trackingUrl });
    // Nothing left open: Shopify would refuse, and so does the adapter, without a POST.
    expect(await shopify.createFulfillment(connection, "31", { ...push, key: "shp_3", lines: [] }, http)).toMatchObject({ ok: false, kind: "refused" });
  });

  it("cancels and refunds, and a refusal carries Shopify's message", async () => {
    const { s, connection } = await shop();
    await s.set({ orders: [shopifyOrder("41", "2026-11-01T10:00:00Z")] });
    expect(await shopify.cancelOrder(connection, "41", { reason: null, key: "ord_1" }, http)).toEqual({ ok: true, value: null });
    expect(await shopify.cancelOrder(connection, "41", { reason: null, key: "ord_1" }, http)).toEqual({
      ok: false,
      kind: "refused",
      status: 422,
      message: "Order has already been cancelled",
    });
    const refund = await shopify.refund(connection, "41", { amount: "12.50", currency: "USD", reason: "damaged", lines: [], key: "as_1" }, http);
    expect(refund).toMatchObject({ ok: true });
    const state = await s.state();
    expect(state.cancels).toEqual([{ order_id: "41", reason: "other" }]);
    expect(state.refunds[0].refund.transactions).toEqual([{ kind: "refund", amount: "12.50", parent_id: "555", gateway: "shopify_payments" }]);
    const paths = (await s.requests()).map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain("POST /admin/api/2025-07/orders/41/refunds/calculate.json");
  });
});
