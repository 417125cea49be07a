/**
 * What goes back to the platform, end to end through the real queue: a
 * handed-over parcel of a platform order becomes one fulfillment on the
 * stand-in Shopify (with carrier, tracking number and URL), however often
 * the messages are delivered; an outage is retried until it goes through,
 * once; a refusal stops and is shown until someone retries it; our
 * cancellations are pushed, the platform's own are not echoed back.
 */
import { env } from "./shard-env";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { planHandedOverPushes } from "../src/channels/push-plan";
import { sendDuePushes } from "../src/channels/push-send";
import { platformActor } from "../src/channels/push-stage";
import { database } from "../src/db/client";
import { channelPushes, outbox } from "../src/db/schema";
import { QUEUE_HANDLERS } from "../src/index";
import { newId } from "../src/lib/ids";
import { orderStub } from "../src/orders/order-object";
import { consumeMessage } from "../src/outbox/consume";
import { toMessage } from "../src/outbox/send";
import { insertConnection, linkOrder, shopifyOrder, standInShop } from "./channel-sync-helpers";
import { api, createKey, createOrder, createStore, transition } from "./helpers";
import { freshTrackingNumber, labelDirectly, packedOrder } from "./logistics-helpers";

const waitFor = <T>(fn: () => Promise<T>) => vi.waitFor(fn, { timeout: 10_000, interval: 100 });

/** A platform order of ours, packed, on a connection to a fresh stand-in shop. */
async function channelOrderReadyToShip(options: { pushes?: Record<string, boolean> } = {}) {
  const shop = standInShop();
  const store = await createStore();
  const { order, shipmentId, sku } = await packedOrder(store.id, { quantity: 2, channel: "shopify" });
  const externalId = String(6_000_000 + Math.floor(Math.random() * 999_999));
  await shop.set({ orders: [shopifyOrder(externalId, "2026-11-01T10:00:00Z", { line_items: [{ id: 7001, sku, quantity: 2 }] })] });
  const { row } = await insertConnection(store.id, { apiBaseUrl: shop.apiBaseUrl, pushes: options.pushes });
  await linkOrder({ connectionId: row.id, storeId: store.id, orderId: order.id, externalId, platformUpdatedAt: Date.parse("2026-11-01T10:00:00Z") });
  const trackingNumber = freshTrackingNumber();
  await labelDirectly(shipmentId, trackingNumber);
  return { shop, store, order, shipmentId, externalId, connection: row, trackingNumber };
}

const pushesOf = async (connectionId: string, key?: string) => {
  const r = await api(`/v1/channel-connections/${connectionId}/pushes`, { key });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data as any[];
};

describe("fulfillments pushed to the platform", () => {
  it("a handed-over parcel makes exactly one fulfillment with its carrier, tracking number and URL, even when every message comes twice", async () => {
    const t = await channelOrderReadyToShip();
    const r = await api(`/v1/shipments/${t.shipmentId}/handover`, { body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    await waitFor(async () => expect((await pushesOf(t.connection.id))[0]).toMatchObject({ kind: "fulfillment", status: "sent", ref: t.shipmentId }));
    const state = await t.shop.state();
    expect(state.fulfillments).toHaveLength(1);
    expect(state.fulfillments[0]).toMatchObject({
      order_id: t.externalId,
      lines: [{ line_item_id: "7001", quantity: 2 }],
      tracking_info: { company: "usps", number: t.trackingNumber, url: `https://track.example/${t.trackingNumber}` },
    });
    const [push] = await pushesOf(t.connection.id);
    expect(push).toMatchObject({ order_id: t.order.id, external_order_id: t.externalId, attempts: 1, last_error: null });
    expect(push.platform_ref).toBeTruthy();
    expect(push.attempt_log).toEqual([expect.objectContaining({ attempt: 1, outcome: "sent", http_status: null })]);

    // Every channels message of the order delivered again, as a queue may (as new deliveries, past the receipt check).
    const rows = await database(env)
      .select()
      .from(outbox)
      .where(and(eq(outbox.orderId, t.order.id), eq(outbox.topic, "channels")))
      .all();
    expect(rows.map((m) => m.type).sort()).toEqual(["channel.order_shipped", "channel.push"]);
    for (const m of rows) await consumeMessage(env, "channels", { ...toMessage(m), id: newId("obx") }, QUEUE_HANDLERS);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await t.shop.state()).fulfillments).toHaveLength(1);
    expect(await pushesOf(t.connection.id)).toHaveLength(1);
    expect((await database(env).select().from(channelPushes).where(eq(channelPushes.orderId, t.order.id)).all()).map((p) => p.attempts)).toEqual([1]);
  });

  it("retries through a platform outage and delivers once when it is back, logging each attempt", async () => {
    const t = await channelOrderReadyToShip();
    await t.shop.set({ fail: [{ status: 503, path: "fulfillment_orders" }] });
    expect((await api(`/v1/shipments/${t.shipmentId}/handover`, { body: {} })).status).toBe(200);
    await waitFor(async () => expect((await pushesOf(t.connection.id))[0]).toMatchObject({ status: "retrying", attempts: 1 }));
    const [waiting] = await pushesOf(t.connection.id);
    expect(waiting.attempt_log).toEqual([expect.objectContaining({ outcome: "unavailable", http_status: 503 })]);
    expect(Date.parse(waiting.next_attempt_at)).toBeGreaterThan(Date.now());

    // Not due yet: the sweep leaves it.
    await sendDuePushes(env);
    expect((await t.shop.state()).fulfillments).toHaveLength(0);
    await sendDuePushes(env, { now: Date.parse(waiting.next_attempt_at) + 1 });
    await sendDuePushes(env, { now: Date.parse(waiting.next_attempt_at) + 1 });
    expect((await t.shop.state()).fulfillments).toHaveLength(1);
    const [sent] = await pushesOf(t.connection.id);
    expect(sent).toMatchObject({ status: "sent", attempts: 2 });
    expect(sent.attempt_log.map((a: any) => a.outcome)).toEqual(["unavailable", "sent"]);
  });

  it("waits as long as the platform's rate limit asks, then sends once", async () => {
    const t = await channelOrderReadyToShip();
    await t.shop.set({ fail: [{ status: 429, retry_after: "2.0", path: "fulfillments.json" }] });
    expect((await api(`/v1/shipments/${t.shipmentId}/handover`, { body: {} })).status).toBe(200);
    await waitFor(async () => expect((await pushesOf(t.connection.id))[0]).toMatchObject({ status: "retrying", attempts: 1 }));
    const [limited] = await pushesOf(t.connection.id);
    expect(limited.attempt_log).toEqual([expect.objectContaining({ outcome: "rate_limited", http_status: 429 })]);
    const wait = Date.parse(limited.next_attempt_at) - Date.parse(limited.attempt_log[0].at);
    expect(wait).toBe(2000);
    await sendDuePushes(env, { now: Date.parse(limited.next_attempt_at) + 1 });
    expect((await pushesOf(t.connection.id))[0]).toMatchObject({ status: "sent", attempts: 2 });
    expect((await t.shop.state()).fulfillments).toHaveLength(1);
  });

  it("stops at a refusal and shows it; someone fixes it and retries; a sent push is not sent again", async () => {
    const t = await channelOrderReadyToShip();
    await t.shop.set({ refuse: { "fulfillments.json": { status: 422, errors: "Tracking company is not supported" } } });
    expect((await api(`/v1/shipments/${t.shipmentId}/handover`, { body: {} })).status).toBe(200);
    await waitFor(async () => expect((await pushesOf(t.connection.id))[0]).toMatchObject({ status: "refused" }));
    const [refused] = await pushesOf(t.connection.id);
    expect(refused.last_error).toContain("Tracking company is not supported");
    expect(refused.attempt_log).toEqual([expect.objectContaining({ outcome: "refused", http_status: 422 })]);
    expect(refused.next_attempt_at).toBeNull();
    // The sweep does not retry a refusal, however late.
    expect(await sendDuePushes(env, { now: Date.now() + 7 * 86400_000 })).not.toContainEqual(expect.objectContaining({ id: refused.id }));
    expect((await pushesOf(t.connection.id, undefined)).filter((p) => p.status === "refused")).toHaveLength(1);

    const other = await createStore();
    expect((await api(`/v1/channel-pushes/${refused.id}/retry`, { method: "POST", key: await createKey("admin", [other.id]) })).status).toBe(404);
    const support = await api(`/v1/channel-pushes/${refused.id}/retry`, { method: "POST", key: await createKey("support", [t.store.id]) });
    expect(support.status).toBe(403);
    expect(support.headers.get("content-type")).toBe("application/problem+json");
    expect((await api(`/v1/channel-pushes/psh_nope/retry`, { method: "POST" })).status).toBe(404);
    expect((await pushesOf(t.connection.id))[0].status).toBe("refused");

    await t.shop.set({ refuse: {} });
    const retry = await api(`/v1/channel-pushes/${refused.id}/retry`, { method: "POST" });
    expect(retry.status, JSON.stringify(retry.body)).toBe(202);
    expect(retry.body.status).toBe("pending");
    await waitFor(async () => expect((await pushesOf(t.connection.id))[0]).toMatchObject({ status: "sent", attempts: 2 }));
    expect((await t.shop.state()).fulfillments).toHaveLength(1);
    const again = await api(`/v1/channel-pushes/${refused.id}/retry`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("already_sent");

    // Reading pushes: channel readers may, the warehouse may not, another store's admin sees no such connection.
    expect((await api(`/v1/channel-connections/${t.connection.id}/pushes`, { key: await createKey("analyst", [t.store.id]) })).status).toBe(200);
    expect((await api(`/v1/channel-connections/${t.connection.id}/pushes`, { key: await createKey("warehouse", [t.store.id]) })).status).toBe(403);
    expect((await api(`/v1/channel-connections/${t.connection.id}/pushes`, { key: await createKey("admin", [other.id]) })).status).toBe(404);
    expect((await api(`/v1/channel-connections/${t.connection.id}/pushes?status=sent`)).body.data).toHaveLength(1);
    expect((await api(`/v1/channel-connections/${t.connection.id}/pushes?status=nonsense`)).status).toBe(400);
  });

  it("the minute sweep pushes a parcel that left without its push (the order linked to the platform only afterwards), once", async () => {
    const shop = standInShop();
    const store = await createStore();
    const { order, shipmentId, sku } = await packedOrder(store.id, { channel: "shopify" });
    const trackingNumber = freshTrackingNumber();
    await labelDirectly(shipmentId, trackingNumber);
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).status).toBe(200);
    const externalId = String(9_000_000 + Math.floor(Math.random() * 999_999));
    await shop.set({ orders: [shopifyOrder(externalId, "2026-11-01T10:00:00Z", { line_items: [{ id: 7101, sku, quantity: 1 }] })] });
    const { row } = await insertConnection(store.id, { apiBaseUrl: shop.apiBaseUrl });
    await linkOrder({ connectionId: row.id, storeId: store.id, orderId: order.id, externalId, platformUpdatedAt: 0 });
    expect(await pushesOf(row.id)).toEqual([]);

    expect(await planHandedOverPushes(env)).toBeGreaterThanOrEqual(1);
    await waitFor(async () => expect((await pushesOf(row.id))[0]).toMatchObject({ kind: "fulfillment", ref: shipmentId, status: "sent" }));
    await planHandedOverPushes(env);
    expect(await pushesOf(row.id)).toHaveLength(1);
    expect((await shop.state()).fulfillments).toMatchObject([{ order_id: externalId, tracking_info: { number: trackingNumber } }]);
  });

  it("pushes nothing when the connection does not push fulfillments", async () => {
    const t = await channelOrderReadyToShip({ pushes: { fulfillments: false } });
    expect((await api(`/v1/shipments/${t.shipmentId}/handover`, { body: {} })).status).toBe(200);
    await waitFor(async () => {
      const [m] = await database(env)
        .select()
        .from(outbox)
        .where(and(eq(outbox.orderId, t.order.id), eq(outbox.type, "channel.order_shipped")))
        .all();
      expect(m?.deliveredAt).toBeTruthy();
    });
    expect(await pushesOf(t.connection.id)).toEqual([]);
    expect((await t.shop.state()).fulfillments ?? []).toEqual([]);
  });
});

describe("cancellations pushed to the platform", () => {
  async function linkedOrder() {
    const shop = standInShop();
    const store = await createStore();
    const order = await createOrder(store.id, { channel: "shopify" });
    const externalId = String(7_000_000 + Math.floor(Math.random() * 999_999));
    await shop.set({ orders: [shopifyOrder(externalId, "2026-11-01T10:00:00Z")] });
    const { row } = await insertConnection(store.id, { apiBaseUrl: shop.apiBaseUrl });
    await linkOrder({ connectionId: row.id, storeId: store.id, orderId: order.id, externalId, platformUpdatedAt: 0 });
    return { shop, store, order, externalId, connection: row };
  }

  it("an order we cancel is cancelled on the platform, once", async () => {
    const t = await linkedOrder();
    const r = await api(`/v1/orders/${t.order.id}/transitions`, { body: { event: "cancel", reason: "customer asked by phone" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await waitFor(async () => expect((await pushesOf(t.connection.id))[0]).toMatchObject({ kind: "cancellation", status: "sent", ref: t.order.id }));
    expect((await t.shop.state()).cancels).toEqual([{ order_id: t.externalId, reason: "other" }]);
  });

  it("a cancellation the platform told us of is not echoed back", async () => {
    const t = await linkedOrder();
    const r = await orderStub(env, t.order.id).transition({
      orderId: t.order.id,
      event: "cancel",
      reason: "cancelled on Shopify",
      actor: platformActor(t.connection.id),
      stores: "*",
      expectedVersion: null,
    });
    expect(r.ok).toBe(true);
    // Decided in the order's own batch: no channels message exists at all.
    const rows = await database(env).select().from(outbox).where(eq(outbox.orderId, t.order.id)).all();
    expect(rows.filter((m) => m.topic === "channels")).toEqual([]);
    expect(rows.some((m) => m.type === "order.cancelled")).toBe(true);
    expect(await pushesOf(t.connection.id)).toEqual([]);
    expect((await t.shop.state()).cancels ?? []).toEqual([]);
  });
});

describe("refunds pushed to the platform", () => {
  it("a refund we resolve in after-sales is refunded on the platform, once, when the connection pushes refunds", async () => {
    const shop = standInShop();
    const store = await createStore();
    const order = await createOrder(store.id, { channel: "shopify", payment_status: "paid" });
    const externalId = String(8_000_000 + Math.floor(Math.random() * 999_999));
    await shop.set({ orders: [shopifyOrder(externalId, "2026-11-01T10:00:00Z")] });
    const { row } = await insertConnection(store.id, { apiBaseUrl: shop.apiBaseUrl, pushes: { refunds: true } });
    await linkOrder({ connectionId: row.id, storeId: store.id, orderId: order.id, externalId, platformUpdatedAt: 0 });
    for (const e of ["approve", "process", "fulfil_externally", "deliver"]) expect((await transition(order.id, e)).status).toBe(200);

    const opened = await api(`/v1/orders/${order.id}/after-sales`, { body: { kind: "refund", reason: "Arrived late" } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const resolved = await api(`/v1/after-sales/${opened.body.id}/transitions`, {
      body: { event: "resolve", resolution: "refund", refund_amount: "5.00", note: "Sorry for the wait" },
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);

    await waitFor(async () => expect((await pushesOf(row.id))[0]).toMatchObject({ kind: "refund", status: "sent", ref: opened.body.id }));
    const state = await shop.state();
    expect(state.refunds).toHaveLength(1);
    expect(state.refunds[0]).toMatchObject({ order_id: externalId, refund: { currency: "USD", note: "Sorry for the wait", transactions: [{ kind: "refund", amount: "5.00" }] } });
    // Opening the request was an after-sales change too: it owed nothing.
    expect(await pushesOf(row.id)).toHaveLength(1);
  });
});
