/**
 * A platform order from end to end, with every party real: the shop (the
 * stand-in Shopify, WooCommerce and BigCommerce servers, over the network),
 * the engine (webhook, inbox, queue, take-in), the warehouse, the push back
 * to the shop, and a partner's webhook endpoint that hears each step, its
 * signatures checked with the published `standardwebhooks` package. And the
 * webhook a shop never sent: reconciliation finds the order.
 */
import { env } from "./shard-env";
import { Webhook } from "standardwebhooks";
import { describe, expect, inject, it, vi } from "vitest";
import { reconcileChannels } from "../src/channels/reconcile";
import { postChannelWebhook, SHOP, SHOPIFY_SECRET, shopifyFixture, shopifyHmac, SIGNATURES, worked } from "./channel-helpers";
import { standInShop } from "./channel-sync-helpers";
import { api, createKey, createProduct, createStore, transition } from "./helpers";
import { fixture, freshTrackingNumber, labelDirectly, packShipment, text } from "./logistics-helpers";
import { stockedWarehouse } from "./processing-helpers";

const waitFor = <T>(fn: () => Promise<T>, timeout = 20_000) => vi.waitFor(fn, { timeout, interval: 100 });

/** A store that audits its orders, sells the fixture's two Shopify SKUs and ships them from a stocked warehouse. */
async function shopifyStore() {
  const store = await createStore(undefined, "USD", { autoAudit: true });
  for (const sku of ["SOCK-MER-CHR-M", "CAP-TRL-OLV"]) await createProduct(store.id, sku);
  const wh = await stockedWarehouse({
    bins: ["A-01"],
    stock: [
      ["A-01", "SOCK-MER-CHR-M", 20],
      ["A-01", "CAP-TRL-OLV", 20],
    ],
  });
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  return store;
}

async function connect(body: Record<string, unknown>) {
  const r = await api("/v1/channel-connections", { body: { name: "Shop", ...body } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; webhook_url: string };
}

/** The store's connection to the stand-in Shopify at `apiBaseUrl`, signing with the fixtures' secret. */
const connectShopify = (storeId: string, apiBaseUrl: string) =>
  connect({ store_id: storeId, platform: "shopify", shop_domain: SHOP, api_base_url: apiBaseUrl, credentials: { access_token: "shpat_test" }, webhook_secret: SHOPIFY_SECRET });

/** A partner's endpoint (the stand-in receiver) subscribed to the store's order and shipment events. */
async function partnerEndpoint(storeId: string) {
  const base = inject("standInUrl");
  const scope = `receiver~${crypto.randomUUID()}`;
  const r = await api("/v1/webhook-subscriptions", { body: { store_id: storeId, url: `${base}/${scope}/hook`, event_types: ["order.*", "shipment.*"] } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const verifier = new Webhook(r.body.secret);
  return {
    /** Every delivery received so far, verified with the subscription's secret (throws on a bad signature). */
    async received() {
      const requests = (await (await fetch(`${base}/_control/${scope}/requests`)).json()) as { headers: Record<string, string>; body: string }[];
      return requests.map((q) => verifier.verify(q.body, q.headers) as { type: string; data: Record<string, any> });
    },
  };
}

const orderOf = async (id: string) => (await api(`/v1/orders/${id}`)).body;

describe("a Shopify order, from the shop's webhook to the shop's fulfillment", () => {
  it("is taken in, audited, approved, shipped and fulfilled on Shopify once, and a partner hears each step in order", async () => {
    const store = await shopifyStore();
    const shop = standInShop();
    const created = JSON.parse(text(fixture("shopify-orders-create.json")));
    await shop.set({ orders: [created] });
    const connection = await connectShopify(store.id, shop.apiBaseUrl);
    const partner = await partnerEndpoint(store.id);

    // The shop's orders/create, byte for byte as Shopify signed it.
    const res = await postChannelWebhook(connection.id, shopifyFixture("shopify-orders-create.json"));
    expect(res.status).toBe(200);
    const [entry] = await worked(connection.id);
    expect(entry).toMatchObject({ status: "done", outcome: "created" });
    const orderId = entry!.order_id!;

    // The buyer's note holds the order for a person (the store's default rules); the auditor approves it.
    await waitFor(async () => expect(["approved", "on_hold", "processing"]).toContain((await orderOf(orderId)).status));
    const auditor = await createKey("auditor", [store.id]);
    if ((await orderOf(orderId)).status === "on_hold") expect((await transition(orderId, "approve", { key: auditor })).status).toBe(200);
    const order = await waitFor(async () => {
      const o = await orderOf(orderId);
      expect(o.status).toBe("processing");
      return o;
    });
    expect(order).toMatchObject({ channel: "shopify", currency: "USD", total_amount: "71.27", payment_status: "paid" });
    // The customer is told about the order by the name the shop gave it, not by Shopify's internal id.
    const told = await waitFor(async () => {
      const n = (await api(`/v1/notifications?order_id=${orderId}`)).body.data as { subject: string; body: string }[];
      expect(n.length).toBeGreaterThan(0);
      return n;
    });
    for (const m of told) {
      expect(m.subject).toContain("#1042");
      expect(`${m.subject} ${m.body}`).not.toContain("5893406212113");
    }

    // The floor packs and labels the parcel; the dock hands it over.
    const shipments = (await env.DB.prepare("SELECT id FROM shipments WHERE order_id = ?").bind(orderId).all<{ id: string }>()).results;
    expect(shipments).toHaveLength(1);
    const shipmentId = shipments[0]!.id;
    await packShipment(shipmentId);
    const trackingNumber = freshTrackingNumber();
    await labelDirectly(shipmentId, trackingNumber);
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).status).toBe(200);

    // Shopify gets one fulfillment with the carrier, the tracking number and its URL, for both lines.
    const state = await waitFor(async () => {
      const s = await shop.state();
      expect(s.fulfillments).toHaveLength(1);
      return s;
    });
    expect(state.fulfillments[0]).toMatchObject({
      order_id: "5893406212113",
      tracking_info: { company: "usps", number: trackingNumber, url: `https://track.example/${trackingNumber}` },
    });
    expect(state.fulfillments[0].lines.map((l: { line_item_id: string; quantity: number }) => [l.line_item_id, l.quantity]).sort()).toEqual([
      ["14829105283089", 2],
      ["14829105315857", 1],
    ]);

    // The partner heard the order's steps, signed, each carrying the order's version, in version order.
    const heard = await waitFor(async () => {
      const got = await partner.received();
      expect(got.some((e) => e.type === "shipment.status_changed" && e.data.status === "shipped")).toBe(true);
      expect(got.some((e) => e.type === "order.status_changed" && e.data.status === "shipped")).toBe(true);
      return got;
    });
    const orderEvents = heard.filter((e) => e.data.order_id === orderId && e.type.startsWith("order."));
    expect(orderEvents[0]).toMatchObject({ type: "order.created", data: { status: "received", external_id: expect.any(String) } });
    const statuses = orderEvents.filter((e) => e.type === "order.status_changed").map((e) => e.data.status);
    expect(statuses).toEqual(expect.arrayContaining(["approved", "processing", "shipped"]));
    const versions = orderEvents.map((e) => e.data.order_version as number);
    expect(versions.every((v) => Number.isInteger(v))).toBe(true);
    expect([...versions].sort((a, b) => a - b)).toEqual([...new Set(versions)].sort((a, b) => a - b));
    // No customer data leaves in an event.
    expect(JSON.stringify(heard)).not.toMatch(/Maya|Chen|350 W 42nd|maya\.chen/i);
  });
});

describe("Shopify's refunds/create, which names only its order", () => {
  it("fetches the order from the shop's API and takes it in as the shop has it", async () => {
    const store = await shopifyStore();
    const shop = standInShop();
    const cancelled = JSON.parse(text(fixture("shopify-orders-cancelled.json")));
    await shop.set({ orders: [cancelled] });
    const connection = await connectShopify(store.id, shop.apiBaseUrl);
    const body = new TextEncoder().encode(JSON.stringify(cancelled.refunds[0]));
    const headers = {
      ...SIGNATURES["shopify-orders-cancelled.json"]!.headers,
      "X-Shopify-Topic": "refunds/create",
      "X-Shopify-Webhook-Id": crypto.randomUUID(),
      "X-Shopify-Hmac-Sha256": await shopifyHmac(SHOPIFY_SECRET, body),
    };
    expect((await postChannelWebhook(connection.id, { body, headers })).status).toBe(200);
    const [entry] = await worked(connection.id);
    expect(entry).toMatchObject({ topic: "refunds/create", status: "done", external_id: String(cancelled.id) });
    expect((await shop.requests()).some((r) => r.method === "GET" && r.path.endsWith(`/orders/${cancelled.id}.json`))).toBe(true);
    // The shop's order was cancelled and refunded before we ever saw it: ours is taken in cancelled.
    expect(await orderOf(entry!.order_id!)).toMatchObject({ status: "cancelled", channel: "shopify" });
  });
});

describe("a webhook the shop never sent", () => {
  it("is recovered by reconciliation: the order is taken in once, and the next pull changes nothing", async () => {
    const store = await shopifyStore();
    const shop = standInShop();
    const connection = await connectShopify(store.id, shop.apiBaseUrl);
    // The customer buys after the shop was connected; Shopify's orders/create never arrives.
    const placed = new Date(Date.now() + 1000).toISOString();
    const order = { ...JSON.parse(text(fixture("shopify-orders-create.json"))), id: 7_100_000_000_001, name: "#2001", created_at: placed, updated_at: placed };
    await shop.set({ orders: [order] });

    const later = Date.now() + 5 * 60_000;
    const runs = await reconcileChannels(env, { now: later });
    const mine = runs.filter((r) => r.connectionId === connection.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: "done", created: 1, errors: 0 });
    const link = await env.DB.prepare("SELECT order_id FROM channel_orders WHERE connection_id = ? AND external_id = ?")
      .bind(connection.id, "7100000000001")
      .first<{ order_id: string }>();
    expect(link).not.toBeNull();
    expect(await orderOf(link!.order_id)).toMatchObject({ channel: "shopify", total_amount: "71.27" });

    // The next pull sees the same order again (the overlap) and takes nothing twice.
    const again = (await reconcileChannels(env, { now: later + 6 * 60_000 })).filter((r) => r.connectionId === connection.id);
    expect(again.every((r) => r.created === 0)).toBe(true);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM orders WHERE store_id = ?").bind(store.id).first<{ n: number }>())!.n).toBe(1);

    // The run's report is there for staff.
    const report = await api(`/v1/channel-connections/${connection.id}/sync-runs`);
    expect(report.status).toBe(200);
    expect(report.body.data.some((r: { created: number }) => r.created === 1)).toBe(true);
  });
});

describe("WooCommerce and BigCommerce orders through the same engine", () => {
  it("takes WooCommerce's order.created in as signed, and answers its ping without storing anything", async () => {
    const store = await createStore(undefined, "USD", { autoAudit: false });
    const connection = await connect({
      store_id: store.id,
      platform: "woocommerce",
      shop_domain: "https://shop.example/",
      api_base_url: `${inject("standInUrl")}/woocommerce~${crypto.randomUUID()}/wp-json/wc/v3`,
      credentials: { consumer_key: "ck_standin", consumer_secret: "cs_standin" },
      webhook_secret: "wc_fixture_secret_Zk3p",
    });
    const ping = await postChannelWebhook(connection.id, { body: new TextEncoder().encode("webhook_id=17"), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(ping.status).toBe(200);
    expect((await api(`/v1/channel-connections/${connection.id}/inbox`)).body.data).toEqual([]);

    const file = "woocommerce-order-created.json";
    const res = await postChannelWebhook(connection.id, { body: fixture(file), headers: SIGNATURES[file]!.headers });
    expect(res.status).toBe(200);
    const [entry] = await worked(connection.id);
    expect(entry).toMatchObject({ status: "done", outcome: "created" });
    const wooOrder = JSON.parse(text(fixture(file)));
    const order = await orderOf(entry!.order_id!);
    expect(order).toMatchObject({ channel: "woocommerce", currency: wooOrder.currency, total_amount: wooOrder.total });
  });

  it("fetches BigCommerce's thin store/order/created from the store's API and takes the order in", async () => {
    const store = await createStore(undefined, "JPY", { autoAudit: false });
    const scope = `bigcommerce~${crypto.randomUUID()}`;
    const base = inject("standInUrl");
    const sample = await import("./stand-in/bigcommerce-order-250.json");
    await fetch(`${base}/_control/${scope}/state`, { method: "POST", body: JSON.stringify({ orders: [sample.default ?? sample] }) });
    const connection = await connect({
      store_id: store.id,
      platform: "bigcommerce",
      shop_domain: "7xq4kz9m2b",
      api_base_url: `${base}/${scope}`,
      credentials: { access_token: "bc_standin_token" },
      webhook_secret: "bc_fixture_custom_header_value",
    });
    const file = "bigcommerce-store-order-created.json";
    const wrong = await postChannelWebhook(connection.id, { body: fixture(file), headers: { ...SIGNATURES[file]!.headers, "X-OMS-Webhook-Token": "not-the-token" } });
    expect(wrong.status).toBe(401);
    const res = await postChannelWebhook(connection.id, { body: fixture(file), headers: SIGNATURES[file]!.headers });
    expect(res.status).toBe(200);
    const [entry] = await worked(connection.id);
    expect(entry).toMatchObject({ status: "done", outcome: "created" });
    const order = await orderOf(entry!.order_id!);
    expect(order).toMatchObject({ channel: "bigcommerce", currency: "JPY" });
    expect(order.shipping_address.country).toBe("JP");
  });
});
