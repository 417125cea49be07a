import { env } from "../../../test/shard-env";
import { describe, expect, it } from "vitest";
import type { PlatformConnection } from "./platform";
import { describeShopifyDelivery, verifyShopify } from "./shopify-webhooks";

const fixture = (name: string) => Uint8Array.from(atob(env.TEST_FIXTURES[name]!), (c) => c.charCodeAt(0));
const SIGNATURES = JSON.parse(new TextDecoder().decode(fixture("signatures.json")));
const SECRET = "shpss_fixture_0123456789abcdef";
const FILES = ["shopify-orders-create.json", "shopify-orders-updated.json", "shopify-orders-cancelled.json", "shopify-orders-create-bigint-escaped.json"];

const connection = (secrets: string[], shopDomain = "northfold-outfitters.myshopify.com"): PlatformConnection => ({
  id: "chn_test",
  storeId: "st_test",
  platform: "shopify",
  shopDomain,
  apiBaseUrl: "https://example.invalid",
  credentials: {},
  webhookSecrets: secrets,
  pushes: { fulfillments: true, cancellations: true, refunds: false },
});

const request = (body: Uint8Array, headers: Record<string, string>) => ({ body, headers: new Headers(headers), url: "https://oms.test/webhooks/channels/chn_test" });

describe("Shopify webhook signatures", () => {
  it("accepts Shopify's own test vector", async () => {
    const body = new TextEncoder().encode('{"foo": "bar"}');
    const headers = { "X-Shopify-Hmac-Sha256": "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=" };
    expect(await verifyShopify(connection(["test_secret_key"]), request(body, headers))).toEqual({ ok: true });
    expect(await verifyShopify(connection(["other_secret"]), request(body, headers))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each(FILES)("verifies %s over its exact bytes, and refuses one changed byte", async (file) => {
    const body = fixture(file);
    expect(body.byteLength).toBe(SIGNATURES[file].body_bytes);
    const headers = SIGNATURES[file].headers;
    expect(await verifyShopify(connection([SECRET]), request(body, headers))).toEqual({ ok: true });
    const changed = body.slice();
    changed[10] = changed[10]! ^ 1;
    expect(await verifyShopify(connection([SECRET]), request(changed, headers))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("accepts the previous secret while a rotation settles, and refuses without any secret", async () => {
    const file = FILES[0]!;
    const r = request(fixture(file), SIGNATURES[file].headers);
    expect(await verifyShopify(connection(["new_secret_after_rotation", SECRET]), r)).toEqual({ ok: true });
    expect(await verifyShopify(connection([]), r)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a missing signature, a hex one, and another shop's delivery", async () => {
    const file = FILES[0]!;
    const { "X-Shopify-Hmac-Sha256": mac, ...rest } = SIGNATURES[file].headers;
    const body = fixture(file);
    expect(await verifyShopify(connection([SECRET]), request(body, rest))).toEqual({ ok: false, reason: "missing_signature" });
    const hex = [...Uint8Array.from(atob(mac), (c) => c.charCodeAt(0))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(await verifyShopify(connection([SECRET]), request(body, { ...rest, "X-Shopify-Hmac-Sha256": hex }))).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyShopify(connection([SECRET], "another-shop.myshopify.com"), request(body, SIGNATURES[file].headers))).toEqual({ ok: false, reason: "unknown_shop" });
  });
});

describe("what a Shopify delivery is about", () => {
  it("reads topic, delivery id, order id and time from each fixture", () => {
    const expected = {
      "shopify-orders-create.json": ["created", "5893406212113", "2025-06-14T10:21:39-04:00"],
      "shopify-orders-updated.json": ["updated", "5893406212113", "2025-06-15T09:05:14-04:00"],
      "shopify-orders-cancelled.json": ["cancelled", "5893411455249", "2025-06-14T15:02:11-04:00"],
      "shopify-orders-create-bigint-escaped.json": ["created", "820982911946154508", "2025-06-14T10:21:39-04:00"],
    } as const;
    for (const file of FILES) {
      const d = describeShopifyDelivery(request(fixture(file), SIGNATURES[file].headers));
      const [change, externalId, at] = expected[file as keyof typeof expected];
      expect(d).toMatchObject({ kind: "order", deliveryId: SIGNATURES[file].headers["X-Shopify-Webhook-Id"], change, externalId, changedAt: Date.parse(at) });
    }
  });

  it("makes a refund a thin delivery about its order, ignores other topics, and names what it cannot read", () => {
    const refund = new TextEncoder().encode('{"id":1002340892945,"order_id":820982911946154508,"created_at":"2025-06-14T15:02:10-04:00"}');
    expect(describeShopifyDelivery(request(refund, { "X-Shopify-Topic": "refunds/create", "X-Shopify-Webhook-Id": "w1" }))).toEqual({
      kind: "order",
      deliveryId: "w1",
      topic: "refunds/create",
      change: "refunded",
      externalId: "820982911946154508",
      changedAt: Date.parse("2025-06-14T15:02:10-04:00"),
      order: null,
    });
    expect(describeShopifyDelivery(request(refund, { "X-Shopify-Topic": "products/update", "X-Shopify-Webhook-Id": "w2" }))).toEqual({
      kind: "ignored",
      deliveryId: "w2",
      topic: "products/update",
    });
    expect(describeShopifyDelivery(request(new TextEncoder().encode("not json"), { "X-Shopify-Topic": "orders/create", "X-Shopify-Webhook-Id": "w3" }))).toMatchObject({
      kind: "unreadable",
      deliveryId: "w3",
    });
    expect(describeShopifyDelivery(request(refund, { "X-Shopify-Topic": "orders/create" }))).toMatchObject({ kind: "unreadable", deliveryId: null });
  });
});
