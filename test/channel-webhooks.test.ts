/**
 * Shopify webhooks into a channel connection, with Shopify's own sample
 * bodies (../shared/fixtures, exact bytes): each verifies over its bytes,
 * is stored once however often it is sent (also at the same moment), and
 * becomes one order with money, ids and text exactly as Shopify sent them;
 * a bad signature is a 401 that stores nothing; updates and cancellations
 * apply in the platform's order, not the order they arrive in; an unmapped
 * SKU holds the order; a refund opens one after-sales request.
 */
import { describe, expect, it } from "vitest";
import { open } from "../src/lib/pii-crypto";
import { api, createProduct, transition } from "./helpers";
import { allocate, stockedWarehouse } from "./processing-helpers";
import {
  derived,
  type InboxRow,
  inboxOf,
  postChannelWebhook,
  rowsAt,
  SHOP,
  SHOPIFY_FILES,
  SHOPIFY_SECRET,
  SIGNATURES,
  shopifyConnection,
  shopifyFixture,
  shopifyHmac,
  worked,
} from "./channel-helpers";

const orderOf = async (id: string) => (await api(`/v1/orders/${id}`)).body;
const sha256Hex = async (b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", b))].map((x) => x.toString(16).padStart(2, "0")).join("");
const holdCodes = async (orderId: string) => (await rowsAt({ id: orderId }, "SELECT code FROM order_hold_reasons WHERE order_id = ? ORDER BY code", orderId)).map((r) => r.code);
const ordersOfStore = async (storeId: string) => rowsAt({ store: storeId }, "SELECT id, external_id, status FROM orders WHERE store_id = ?", storeId);

/** Our catalogue has Shopify's SKUs for #1042, so its lines need no map entries. */
async function stockedConnection(opts: { autoAudit?: boolean } = {}) {
  const c = await shopifyConnection(opts);
  await createProduct(c.storeId, "SOCK-MER-CHR-M", { price: "18.00" });
  await createProduct(c.storeId, "CAP-TRL-OLV", { price: "29.00" });
  return c;
}

describe("a Shopify order arrives by webhook", () => {
  it("verifies orders/create #1042, answers at once, and stores the order exactly as Shopify sent it", async () => {
    const c = await stockedConnection();
    const r = await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ received: true, duplicate: false });
    const [entry] = await worked(c.id);
    expect(entry).toMatchObject({ status: "done", outcome: "created", topic: "orders/create", delivery_id: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043" });

    const o = await orderOf(entry!.order_id!);
    expect(o).toMatchObject({
      store_id: c.storeId,
      channel: "shopify",
      external_id: "5893406212113",
      status: "received",
      payment_status: "paid",
      currency: "USD",
      subtotal_amount: "65.00",
      shipping_amount: "6.95",
      discount_amount: "6.50",
      tax_amount: "5.82",
      total_amount: "71.27",
      note: "Please leave with the doorman.",
      locale: "en-US",
      customer: { name: "Maya Chen", email: "maya.chen@example.com", phone: "+12125550143" },
      shipping_address: { name: "Maya Chen", line1: "350 W 42nd St", line2: "Apt 12B", city: "New York", region: "New York", postal_code: "10036", country: "US" },
    });
    expect(o.lines.map((l: any) => [l.sku, l.name, l.quantity, l.unit_price, l.total_amount])).toEqual([
      ["SOCK-MER-CHR-M", "Merino Crew Sock - Charcoal / M", 2, "18.00", "36.00"],
      ["CAP-TRL-OLV", "Trail Running Cap - Olive", 1, "29.00", "29.00"],
    ]);

    // The body is kept sealed (it names the customer), and opens to the exact bytes Shopify signed.
    const [stored] = await rowsAt({ store: c.storeId }, "SELECT body FROM channel_inbox WHERE id = ?", entry!.id);
    expect(stored!.body).not.toContain("Maya");
    const opened = new TextEncoder().encode(open(stored!.body));
    expect(await sha256Hex(opened)).toBe(SIGNATURES["shopify-orders-create.json"]!.body_sha256);
    const [link] = await rowsAt({ store: c.storeId }, "SELECT * FROM channel_orders WHERE connection_id = ?", c.id);
    expect(link).toMatchObject({ external_id: "5893406212113", order_id: o.id, external_name: "#1042", platform_updated_at: Date.parse("2025-06-14T10:21:39-04:00") });
  });

  it("keeps Shopify's 18-digit ids exact through escaped slashes", async () => {
    const c = await stockedConnection();
    expect((await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create-bigint-escaped.json"))).status).toBe(200);
    const [entry] = await worked(c.id);
    expect(entry).toMatchObject({ outcome: "created" });
    const o = await orderOf(entry!.order_id!);
    expect(o.external_id).toBe("820982911946154508");
    expect(o.total_amount).toBe("71.27");
    expect((await rowsAt({ store: c.storeId }, "SELECT external_id FROM channel_orders WHERE connection_id = ?", c.id))[0]!.external_id).toBe("820982911946154508");
  });

  it("takes every Shopify fixture in: verified, stored once, worked", async () => {
    const c = await stockedConnection();
    for (const file of SHOPIFY_FILES) expect((await postChannelWebhook(c.id, shopifyFixture(file))).status, file).toBe(200);
    const rows = await worked(c.id, SHOPIFY_FILES.length);
    expect(rows.map((r) => r.delivery_id).sort()).toEqual(SHOPIFY_FILES.map((f) => SIGNATURES[f]!.headers["X-Shopify-Webhook-Id"]).sort());
    expect(rows.every((r) => r.status === "done")).toBe(true);
    // #1042 (create and update), #1043 (cancelled before we had it: taken in cancelled), #9999.
    const orders = await ordersOfStore(c.storeId);
    expect(orders.map((o) => [o.external_id, o.status]).sort()).toEqual([
      ["5893406212113", "received"],
      ["5893411455249", "cancelled"],
      ["820982911946154508", "received"],
    ]);
  });

  it.each([
    ["a changed byte", async (d: { body: Uint8Array; headers: Record<string, string> }) => ({ ...d, body: Uint8Array.from(d.body, (b, i) => (i === 20 ? b ^ 1 : b)) })],
    ["no signature", async (d: { body: Uint8Array; headers: Record<string, string> }) => ({ ...d, headers: { ...d.headers, "X-Shopify-Hmac-Sha256": "" } })],
    [
      "another secret",
      async (d: { body: Uint8Array; headers: Record<string, string> }) => ({ ...d, headers: { ...d.headers, "X-Shopify-Hmac-Sha256": await shopifyHmac("someone_else", d.body) } }),
    ],
    ["another shop", async (d: { body: Uint8Array; headers: Record<string, string> }) => ({ ...d, headers: { ...d.headers, "X-Shopify-Shop-Domain": "evil.myshopify.com" } })],
  ])("refuses %s with a 401 problem and stores nothing", async (_name, spoil) => {
    const c = await stockedConnection();
    const r = await postChannelWebhook(c.id, await spoil(shopifyFixture("shopify-orders-create.json")));
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body.code).toBe("invalid_signature");
    expect(await rowsAt({ store: c.storeId }, "SELECT id FROM channel_inbox WHERE connection_id = ?", c.id)).toEqual([]);
    expect(await ordersOfStore(c.storeId)).toEqual([]);
  });

  it("answers an unknown connection 404 and a paused one 503, storing nothing", async () => {
    const c = await stockedConnection();
    expect((await postChannelWebhook("chn_01KB2R8W3D4C9QJ6H7ZNEXAMPL", shopifyFixture("shopify-orders-create.json"))).status).toBe(404);
    expect((await postChannelWebhook("not-an-id", shopifyFixture("shopify-orders-create.json"))).status).toBe(404);
    expect((await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: { status: "paused" } })).status).toBe(200);
    const r = await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"));
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBe("3600");
    expect(await rowsAt({ store: c.storeId }, "SELECT id FROM channel_inbox WHERE connection_id = ?", c.id)).toEqual([]);
    expect((await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: { status: "active" } })).status).toBe(200);
    expect((await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"))).status).toBe(200);
  });

  it("keeps verifying with the previous secret after a rotation until it is cleared", async () => {
    const c = await stockedConnection();
    expect((await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: { webhook_secret: "shpss_rotated_secret_987654" } })).status).toBe(200);
    expect((await postChannelWebhook(c.id, await derived("shopify-orders-create.json"))).status).toBe(200);
    expect((await postChannelWebhook(c.id, await derived("shopify-orders-create.json", { secret: "shpss_rotated_secret_987654" }))).status).toBe(200);
    expect((await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: { previous_webhook_secret: null } })).status).toBe(200);
    expect((await postChannelWebhook(c.id, await derived("shopify-orders-create.json"))).status).toBe(401);
    expect((await postChannelWebhook(c.id, await derived("shopify-orders-create.json", { secret: "shpss_rotated_secret_987654" }))).status).toBe(200);
  });
});

describe("the same webhook again", () => {
  it("three times in a row: one inbox entry, one order", async () => {
    const c = await stockedConnection();
    const d = shopifyFixture("shopify-orders-create.json");
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await postChannelWebhook(c.id, d)).body);
    expect(answers.map((a) => a.duplicate)).toEqual([false, true, true]);
    await worked(c.id);
    expect(await inboxOf(c.id)).toHaveLength(1);
    expect(await ordersOfStore(c.storeId)).toHaveLength(1);
  });

  it("three times at once: one inbox entry, one order", async () => {
    const c = await stockedConnection();
    const d = shopifyFixture("shopify-orders-create.json");
    const answers = await Promise.all([1, 2, 3].map(() => postChannelWebhook(c.id, d)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    await worked(c.id);
    expect(await inboxOf(c.id)).toHaveLength(1);
    expect(await ordersOfStore(c.storeId)).toHaveLength(1);
  });

  it("the same order under three delivery ids at once: three entries, exactly one order", async () => {
    const c = await stockedConnection();
    const deliveries = await Promise.all([1, 2, 3].map(() => derived("shopify-orders-create.json")));
    const answers = await Promise.all(deliveries.map((d) => postChannelWebhook(c.id, d)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const rows = await worked(c.id, 3);
    expect(rows.map((r) => r.outcome).sort()).toEqual(["created", "unchanged", "unchanged"]);
    const orders = await ordersOfStore(c.storeId);
    expect(orders).toHaveLength(1);
    expect(new Set(rows.map((r) => r.order_id))).toEqual(new Set([orders[0]!.id]));
  });
});

describe("updates and cancellations in the platform's order", () => {
  it("applies an update before release (audited again) and ignores the older state that arrives after it", async () => {
    const c = await stockedConnection();
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"));
    const [created] = await worked(c.id);
    const update = await derived("shopify-orders-updated.json", { pairs: [['"note": "Please leave with the doorman."', '"note": "Ring twice, 2階です."']] });
    await postChannelWebhook(c.id, update);
    const afterUpdate = await worked(c.id, 2);
    expect(afterUpdate[0]).toMatchObject({ outcome: "updated", order_id: created!.order_id });
    expect((await orderOf(created!.order_id!)).note).toBe("Ring twice, 2階です.");
    // The create again (a retry under a new delivery id): older than what we applied.
    await postChannelWebhook(c.id, await derived("shopify-orders-create.json"));
    const rows = await worked(c.id, 3);
    expect(rows[0]).toMatchObject({ outcome: "stale" });
    expect((await orderOf(created!.order_id!)).note).toBe("Ring twice, 2階です.");
  });

  it("takes an update that arrives before its create, then finds the create stale", async () => {
    const c = await stockedConnection();
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-updated.json"));
    const [first] = await worked(c.id);
    expect(first).toMatchObject({ outcome: "created" });
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"));
    const rows = await worked(c.id, 2);
    expect(rows[0]).toMatchObject({ outcome: "stale", order_id: first!.order_id });
    expect(await ordersOfStore(c.storeId)).toHaveLength(1);
  });

  it("cancels on orders/cancelled, and a create arriving after the cancellation does not bring the order back", async () => {
    const c = await shopifyConnection();
    await createProduct(c.storeId, "JKT-RAIN-SLT-L", { price: "89.00" });
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-cancelled.json"));
    const [cancelled] = await worked(c.id);
    expect(cancelled).toMatchObject({ outcome: "cancelled" });
    const o = await orderOf(cancelled!.order_id!);
    expect(o).toMatchObject({ status: "cancelled", external_id: "5893411455249" });
    const lateCreate = await derived("shopify-orders-cancelled.json", {
      topic: "orders/create",
      pairs: [
        ['"cancelled_at": "2025-06-14T15:02:10-04:00"', '"cancelled_at": null'],
        ['"updated_at": "2025-06-14T15:02:11-04:00"', '"updated_at": "2025-06-14T12:00:00-04:00"'],
      ],
    });
    await postChannelWebhook(c.id, lateCreate);
    const rows = await worked(c.id, 2);
    expect(rows[0]).toMatchObject({ outcome: "stale" });
    expect((await orderOf(o.id)).status).toBe("cancelled");
    expect(await ordersOfStore(c.storeId)).toHaveLength(1);
  });

  it("cancels an order we already had", async () => {
    const c = await shopifyConnection();
    await createProduct(c.storeId, "JKT-RAIN-SLT-L", { price: "89.00" });
    await postChannelWebhook(
      c.id,
      await derived("shopify-orders-cancelled.json", {
        topic: "orders/create",
        pairs: [
          ['"cancelled_at": "2025-06-14T15:02:10-04:00"', '"cancelled_at": null'],
          ['"updated_at": "2025-06-14T15:02:11-04:00"', '"updated_at": "2025-06-14T12:00:00-04:00"'],
        ],
      }),
    );
    const [created] = await worked(c.id);
    expect(created).toMatchObject({ outcome: "created" });
    expect((await orderOf(created!.order_id!)).status).toBe("received");
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-cancelled.json"));
    const rows = await worked(c.id, 2);
    expect(rows[0]).toMatchObject({ outcome: "cancelled", order_id: created!.order_id });
    expect((await orderOf(created!.order_id!)).status).toBe("cancelled");
  });
});

describe("changes after approval and after release", () => {
  const quantityUp: [string, string][] = [
    ['"quantity": 2,\n      "requires_shipping"', '"quantity": 3,\n      "requires_shipping"'],
    ['"total_price": "71.27"', '"total_price": "89.27"'],
  ];

  it("holds an approved order the platform changed, edits it and audits it again", async () => {
    const c = await stockedConnection();
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"));
    const [created] = await worked(c.id);
    const orderId = created!.order_id!;
    expect((await transition(orderId, "approve")).status).toBe(200);
    await postChannelWebhook(c.id, await derived("shopify-orders-updated.json", { pairs: quantityUp }));
    const rows = await worked(c.id, 2);
    expect(rows[0], JSON.stringify(rows[0])).toMatchObject({ outcome: "updated", order_id: orderId });
    const o = await orderOf(orderId);
    expect(o.lines.map((l: any) => [l.sku, l.quantity])).toEqual([
      ["SOCK-MER-CHR-M", 3],
      ["CAP-TRL-OLV", 1],
    ]);
    expect(o.subtotal_amount).toBe("83.00");
    const events = (await api(`/v1/orders/${orderId}/events`)).body.data.map((e: any) => e.type);
    expect(events).toEqual(expect.arrayContaining(["hold", "edited"]));
  });

  it("intercepts the parcels of an order released to the warehouse when the platform changes it", async () => {
    const c = await stockedConnection();
    await stockedWarehouse({
      fields: { store_ids: [c.storeId] },
      bins: ["CH-01"],
      stock: [
        ["CH-01", "SOCK-MER-CHR-M", 10],
        ["CH-01", "CAP-TRL-OLV", 10],
      ],
    });
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"));
    const [created] = await worked(c.id);
    const orderId = created!.order_id!;
    expect((await transition(orderId, "approve")).status).toBe(200);
    const allocated = await allocate(orderId);
    expect(allocated.status, JSON.stringify(allocated.body)).toBe(200);
    expect((await orderOf(orderId)).status).toBe("processing");
    await postChannelWebhook(c.id, await derived("shopify-orders-updated.json", { pairs: quantityUp }));
    const rows = await worked(c.id, 2);
    expect(rows[0], JSON.stringify(rows[0])).toMatchObject({ outcome: "updated", order_id: orderId });
    expect(rows[0]!.detail).toContain("intercepted");
    const shipments = await rowsAt({ id: orderId }, "SELECT status, intercept_reason FROM shipments WHERE order_id = ?", orderId);
    expect(shipments.length).toBeGreaterThan(0);
    for (const s of shipments) expect(s).toMatchObject({ status: "intercepted", intercept_reason: expect.stringContaining("changed on Shopify after release") });
    // Nothing of the change is applied behind the warehouse's back.
    expect((await orderOf(orderId)).lines[0].quantity).toBe(2);
  });

  it("follows the platform's payment status", async () => {
    const c = await stockedConnection();
    await postChannelWebhook(c.id, await derived("shopify-orders-create.json", { pairs: [['"financial_status": "paid"', '"financial_status": "pending"']] }));
    const [created] = await worked(c.id);
    expect((await orderOf(created!.order_id!)).payment_status).toBe("unpaid");
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-updated.json"));
    const rows = await worked(c.id, 2);
    expect(rows[0]).toMatchObject({ outcome: "updated" });
    expect((await orderOf(created!.order_id!)).payment_status).toBe("paid");
  });
});

describe("SKU mapping", () => {
  it("holds an order whose SKU is not mapped (reason unmapped_sku), it does not fail it", async () => {
    const c = await shopifyConnection();
    await createProduct(c.storeId, "SOCK-MER-CHR-M", { price: "18.00" });
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"));
    const [entry] = await worked(c.id);
    expect(entry).toMatchObject({ status: "done", outcome: "created" });
    expect(entry!.detail).toContain("CAP-TRL-OLV");
    const o = await orderOf(entry!.order_id!);
    expect(o.status).toBe("on_hold");
    expect(await holdCodes(o.id)).toEqual(["unmapped_sku"]);
    // Staff find it in the review queue by its reason.
    const queue = await api(`/v1/review-queue?reason=unmapped_sku&store_id=${c.storeId}`);
    expect(queue.status, JSON.stringify(queue.body)).toBe(200);
    expect(queue.body.data.map((q: any) => [q.order.id, q.reasons.map((r: any) => r.code)])).toEqual([[o.id, ["unmapped_sku"]]]);
  });

  it("maps platform SKUs and variant ids to ours", async () => {
    const c = await shopifyConnection();
    await createProduct(c.storeId, "OUR-SOCK", { price: "18.00" });
    await createProduct(c.storeId, "OUR-CAP", { price: "29.00" });
    const put = await api(`/v1/channel-connections/${c.id}/sku-map`, {
      method: "PUT",
      body: {
        entries: [
          { platform_key: "SOCK-MER-CHR-M", sku: "OUR-SOCK" },
          { platform_key: "variant:44123776188433", sku: "OUR-CAP" },
        ],
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"));
    const [entry] = await worked(c.id);
    const o = await orderOf(entry!.order_id!);
    expect(o.status).toBe("received");
    expect(o.lines.map((l: any) => l.sku)).toEqual(["OUR-SOCK", "OUR-CAP"]);
  });
});

describe("refunds reach after-sales", () => {
  it("opens one refund request per Shopify refund, however often the order says so", async () => {
    const c = await stockedConnection();
    await postChannelWebhook(c.id, shopifyFixture("shopify-orders-create.json"));
    const [created] = await worked(c.id);
    const orderId = created!.order_id!;
    for (const e of ["approve", "process", "fulfil_externally"]) expect((await transition(orderId, e)).status).toBe(200);
    const refund =
      '"refunds": [{"id": 1002340899999, "created_at": "2025-06-16T09:00:00-04:00", "note": "Sock too small", "order_id": 5893406212113, "transactions": [{"id": 1, "amount": "19.58", "kind": "refund", "status": "success", "currency": "USD"}], "refund_line_items": [{"line_item_id": 14829105283089, "quantity": 1}]}]';
    const withRefund = (updatedAt: string) =>
      derived("shopify-orders-updated.json", {
        pairs: [
          ['"refunds": []', refund],
          ['"updated_at": "2025-06-15T09:05:14-04:00"', `"updated_at": "${updatedAt}"`],
        ],
      });
    await postChannelWebhook(c.id, await withRefund("2025-06-16T09:00:01-04:00"));
    let rows = await worked(c.id, 2);
    expect(rows[0]!.detail).toContain("opened after-sales request");
    await postChannelWebhook(c.id, await withRefund("2025-06-16T10:00:00-04:00"));
    rows = await worked(c.id, 3);
    const requests = (await api(`/v1/orders/${orderId}/after-sales`)).body.data;
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ kind: "refund", status: "open", lines: [{ sku: "SOCK-MER-CHR-M", quantity: 1 }] });
    expect(requests[0].reason).toContain("19.58 USD");
  });
});

describe("addresses in China and Japan", () => {
  const US = [
    ['"address1": "350 W 42nd St"', '"address1": "南山区科技园深南大道10000号"'],
    ['"address2": "Apt 12B"', '"address2": "腾讯大厦 5楼"'],
    ['"city": "New York"', '"city": "深圳市"'],
    ['"province": "New York"', '"province": "广东省"'],
    ['"province_code": "NY"', '"province_code": "GD"'],
    ['"zip": "10036"', '"zip": "518057"'],
    ['"country_code": "US"', '"country_code": "CN"'],
    ['"name": "Maya Chen"', '"name": "王小明"'],
    ['"first_name": "Maya"', '"first_name": "小明"'],
    ['"last_name": "Chen"', '"last_name": "王"'],
    ['"phone": "+12125550143"', '"phone": "+86 138 0013 8000"'],
  ] as [string, string][];

  it("stores a Chinese address as written", async () => {
    const c = await stockedConnection();
    await postChannelWebhook(c.id, await derived("shopify-orders-create.json", { pairs: US }));
    const [entry] = await worked(c.id);
    expect(entry, JSON.stringify(entry)).toMatchObject({ outcome: "created" });
    const o = await orderOf(entry!.order_id!);
    expect(o.shipping_address).toMatchObject({
      name: "王小明",
      line1: "南山区科技园深南大道10000号",
      line2: "腾讯大厦 5楼",
      city: "深圳市",
      region: "广东省",
      postal_code: "518057",
      country: "CN",
    });
    expect(o.customer).toMatchObject({ name: "小明 王", phone: "+86 138 0013 8000" });
  });

  it("stores a Japanese address sent as \\u escapes as the text it stands for", async () => {
    const c = await stockedConnection();
    const JP: [string, string][] = [
      ['"address1": "350 W 42nd St"', '"address1": "\\u4e38\\u306e\\u5185 1-9-1"'],
      ['"address2": "Apt 12B"', '"address2": "\\u30b0\\u30e9\\u30f3\\u30c8\\u30a6\\u30ad\\u30e7\\u30a6 5F"'],
      ['"city": "New York"', '"city": "\\u5343\\u4ee3\\u7530\\u533a"'],
      ['"province": "New York"', '"province": "\\u6771\\u4eac\\u90fd"'],
      ['"province_code": "NY"', '"province_code": "JP-13"'],
      ['"zip": "10036"', '"zip": "100-0005"'],
      ['"country_code": "US"', '"country_code": "JP"'],
      ['"name": "Maya Chen"', '"name": "\\u5c71\\u7530 \\u82b1\\u5b50"'],
    ];
    await postChannelWebhook(c.id, await derived("shopify-orders-create.json", { pairs: JP }));
    const [entry] = await worked(c.id);
    expect(entry, JSON.stringify(entry)).toMatchObject({ outcome: "created" });
    const o = await orderOf(entry!.order_id!);
    expect(o.shipping_address).toMatchObject({
      name: "山田 花子",
      line1: "丸の内 1-9-1",
      line2: "グラントウキョウ 5F",
      city: "千代田区",
      region: "東京都",
      postal_code: "100-0005",
      country: "JP",
    });
  });
});

describe("what the shop is told and what staff see", () => {
  it("records a topic it does not act on, and a delivery it cannot read, without an order", async () => {
    const c = await stockedConnection();
    const ignored = await derived("shopify-orders-create.json", { topic: "products/update" });
    expect((await postChannelWebhook(c.id, ignored)).body).toMatchObject({ received: true, ignored: "ignored" });
    const junk = {
      body: new TextEncoder().encode("{not json"),
      headers: { "X-Shopify-Topic": "orders/create", "X-Shopify-Webhook-Id": crypto.randomUUID(), "X-Shopify-Shop-Domain": SHOP },
    };
    const signed = { ...junk, headers: { ...junk.headers, "X-Shopify-Hmac-Sha256": await shopifyHmac(SHOPIFY_SECRET, junk.body) } };
    expect((await postChannelWebhook(c.id, signed)).status).toBe(200);
    const rows = await inboxOf(c.id);
    expect(rows.map((r) => [r.outcome, r.status])).toEqual([
      ["unreadable", "done"],
      ["ignored", "done"],
    ]);
    const filtered = await api(`/v1/channel-connections/${c.id}/inbox?status=done&outcome=ignored`);
    expect(filtered.body.data.map((r: InboxRow) => r.topic)).toEqual(["products/update"]);
    const paged = await api(`/v1/channel-connections/${c.id}/inbox?limit=1`);
    expect(paged.body.data).toHaveLength(1);
    expect((await api(`/v1/channel-connections/${c.id}/inbox?limit=1&cursor=${paged.body.next_cursor}`)).body.data[0].outcome).toBe("ignored");
    const bad = await api(`/v1/channel-connections/${c.id}/inbox?status=lost`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(await ordersOfStore(c.storeId)).toEqual([]);
  });
});
