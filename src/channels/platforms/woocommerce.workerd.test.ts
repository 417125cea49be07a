/**
 * The WooCommerce adapter's pure parts: the signature over the fixtures' exact
 * bytes (../shared/fixtures, signatures.json), the ping, what each delivery is
 * about, and the mapping of the fixture orders, field by field.
 */
import { env } from "../../../test/shard-env";
import { describe, expect, it } from "vitest";
import type { InboundRequest, MappedOrder, PlatformConnection } from "./platform";
import { woocommerce } from "./woocommerce";
import { adapterFor } from "./index";

const SECRET = "wc_fixture_secret_Zk3p";

function fixture(name: string): Uint8Array {
  const b64 = env.TEST_FIXTURES[name];
  if (!b64) throw new Error(`fixture ${name} missing`);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);
const signatures = JSON.parse(text(fixture("signatures.json"))) as Record<string, { headers: Record<string, string>; body_bytes: number }>;

function connection(secrets: string[] = [SECRET]): PlatformConnection {
  return {
    id: "chc_test",
    storeId: "sto_test",
    platform: "woocommerce",
    shopDomain: "https://shop.example.com/",
    apiBaseUrl: "https://shop.example.com/wp-json/wc/v3",
    credentials: { consumer_key: "ck", consumer_secret: "cs" },
    webhookSecrets: secrets,
    pushes: { fulfillments: true, cancellations: true, refunds: false },
  };
}

function request(file: string, change: { body?: Uint8Array; headers?: Record<string, string | null> } = {}): InboundRequest {
  const headers = new Headers(signatures[file]!.headers);
  for (const [k, v] of Object.entries(change.headers ?? {})) v === null ? headers.delete(k) : headers.set(k, v);
  return { headers, body: change.body ?? fixture(file), url: "https://oms.example/channels/woocommerce/chc_test" };
}

/** A signed delivery of `body` (the fixture's bytes with replacements), as WooCommerce would send it. */
async function signed(file: string, pairs: [string, string][], topic?: string): Promise<InboundRequest> {
  let s = text(fixture(file));
  for (const [from, to] of pairs) {
    if (!s.includes(from)) throw new Error(`${from} not in ${file}`);
    s = s.split(from).join(to);
  }
  const body = bytes(s);
  const key = await crypto.subtle.importKey("raw", bytes(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, body))));
  return request(file, { body, headers: { "x-wc-webhook-signature": mac, ...(topic ? { "x-wc-webhook-topic": topic } : {}) } });
}

const PING: InboundRequest = {
  headers: new Headers({ "content-type": "application/x-www-form-urlencoded", "user-agent": "WooCommerce/9.8.5 Hookshot (WordPress/6.8.1)" }),
  body: bytes("webhook_id=17"),
  url: "https://oms.example/channels/woocommerce/chc_test",
};

it("is the adapter the engine gets for woocommerce", () => {
  expect(adapterFor("woocommerce")).toBe(woocommerce);
});

describe("WooCommerce webhook signature", () => {
  it("accepts both fixtures as stored, with their own headers", async () => {
    for (const file of ["woocommerce-order-created.json", "woocommerce-order-updated.json"]) {
      expect(fixture(file).byteLength).toBe(signatures[file]!.body_bytes);
      expect(await woocommerce.verify(connection(), request(file))).toEqual({ ok: true });
    }
  });

  it("accepts the previous secret while it is rotated out, and nothing without a secret", async () => {
    const file = "woocommerce-order-created.json";
    expect(await woocommerce.verify(connection(["wc_new_secret", SECRET]), request(file))).toEqual({ ok: true });
    expect(await woocommerce.verify(connection(["wc_new_secret"]), request(file))).toEqual({ ok: false, reason: "bad_signature" });
    expect(await woocommerce.verify(connection([]), request(file))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses one byte changed, the signature in hex, a signature of another body, and no signature", async () => {
    const file = "woocommerce-order-created.json";
    const body = fixture(file).slice();
    body[100] = body[100]! ^ 1;
    expect(await woocommerce.verify(connection(), request(file, { body }))).toEqual({ ok: false, reason: "bad_signature" });
    const mac = Uint8Array.from(atob(signatures[file]!.headers["X-WC-Webhook-Signature"]!), (c) => c.charCodeAt(0));
    const hex = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(await woocommerce.verify(connection(), request(file, { headers: { "x-wc-webhook-signature": hex } }))).toEqual({ ok: false, reason: "bad_signature" });
    const other = signatures["woocommerce-order-updated.json"]!.headers["X-WC-Webhook-Signature"]!;
    expect(await woocommerce.verify(connection(), request(file, { headers: { "x-wc-webhook-signature": other } }))).toEqual({ ok: false, reason: "bad_signature" });
    expect(await woocommerce.verify(connection(), request(file, { headers: { "x-wc-webhook-signature": null } }))).toEqual({ ok: false, reason: "missing_signature" });
  });

  it("lets the ping through (answered 200, nothing stored), and only the ping's exact shape", async () => {
    expect(await woocommerce.verify(connection(), PING)).toEqual({ ok: true });
    expect(woocommerce.describe(PING)).toEqual({ kind: "ping" });
    // With a WooCommerce header it is a delivery, and an unsigned delivery is refused.
    const withTopic = { ...PING, headers: new Headers({ "x-wc-webhook-topic": "order.created" }) };
    expect(await woocommerce.verify(connection(), withTopic)).toEqual({ ok: false, reason: "missing_signature" });
    for (const body of ["webhook_id=17&x=1", "webhook_id=", '{"webhook_id":17}', "webhook_id=17abc"]) {
      expect(await woocommerce.verify(connection(), { ...PING, body: bytes(body) })).toEqual({ ok: false, reason: "missing_signature" });
    }
  });
});

describe("WooCommerce deliveries", () => {
  it("names a delivery by the order and its state: (id, date_modified_gmt)", () => {
    const created = woocommerce.describe(request("woocommerce-order-created.json"));
    expect(created).toMatchObject({
      kind: "order",
      deliveryId: "4812@2025-06-14T14:31:05",
      topic: "order.created",
      change: "created",
      externalId: "4812",
      changedAt: Date.UTC(2025, 5, 14, 14, 31, 5),
    });
    expect(created.kind === "order" && created.order?.platform).toBe("woocommerce");
    expect(woocommerce.describe(request("woocommerce-order-updated.json"))).toMatchObject({
      kind: "order",
      deliveryId: "4812@2025-06-15T17:12:44",
      change: "updated",
      changedAt: Date.UTC(2025, 5, 15, 17, 12, 44),
    });
  });

  it("reads an update to cancelled or refunded as that change", async () => {
    const cancelled = woocommerce.describe(await signed("woocommerce-order-updated.json", [['"status":"completed"', '"status":"cancelled"']]));
    expect(cancelled).toMatchObject({ kind: "order", change: "cancelled" });
    const refunded = woocommerce.describe(await signed("woocommerce-order-updated.json", [['"status":"completed"', '"status":"refunded"']]));
    expect(refunded).toMatchObject({ kind: "order", change: "refunded" });
  });

  it("keeps deleted and restored orders and other topics for the record without acting on them", () => {
    const deleted = request("woocommerce-order-created.json", { body: bytes('{"id":4812}'), headers: { "x-wc-webhook-topic": "order.deleted" } });
    expect(woocommerce.describe(deleted)).toEqual({ kind: "ignored", deliveryId: "order.deleted:4812@", topic: "order.deleted" });
    const restored = request("woocommerce-order-created.json", { headers: { "x-wc-webhook-topic": "order.restored" } });
    expect(woocommerce.describe(restored)).toMatchObject({ kind: "ignored", topic: "order.restored" });
    const product = request("woocommerce-order-created.json", { body: bytes('{"id":311}'), headers: { "x-wc-webhook-topic": "product.updated" } });
    expect(woocommerce.describe(product)).toMatchObject({ kind: "ignored", topic: "product.updated" });
  });

  it("keeps a body that is not an order as unreadable", () => {
    const notJson = request("woocommerce-order-created.json", { body: bytes("<html>") });
    expect(woocommerce.describe(notJson)).toEqual({ kind: "unreadable", deliveryId: "7c1e4b9a2f5d8e0c3a6b9d2f5e8a1c4b", message: "the body is not JSON" });
    const noId = request("woocommerce-order-created.json", { body: bytes('{"status":"processing"}') });
    expect(woocommerce.describe(noId)).toMatchObject({ kind: "unreadable", message: "no order id in the body" });
  });
});

const LENA = { name: "Lena Ortiz", line1: "2201 Mission St", line2: "Unit 4", district: null, city: "San Francisco", region: "CA", postalCode: "94110", country: "US" };

function mapped(r: InboundRequest): MappedOrder {
  const d = woocommerce.describe(r);
  if (d.kind !== "order" || !d.order) throw new Error(`not an order: ${JSON.stringify(d)}`);
  return woocommerce.map(d.order);
}

describe("WooCommerce order mapping", () => {
  it("maps the created fixture exactly", () => {
    expect(mapped(request("woocommerce-order-created.json"))).toEqual({
      externalId: "4812",
      name: "#4812",
      currency: "USD",
      lines: [
        {
          externalLineId: "1873",
          platformKeys: ["TEE-ORG-NVY-L", "variant:318", "product:311"],
          name: "Organic Cotton Tee - Navy, L",
          quantity: 2,
          unitPrice: "22.00",
          discount: "4.40",
          requiresShipping: true,
        },
        {
          externalLineId: "1874",
          platformKeys: ["BAG-TOTE-NAT", "product:287"],
          name: "Canvas Tote Bag",
          quantity: 1,
          unitPrice: "15.00",
          discount: "1.50",
          requiresShipping: true,
        },
      ],
      shipping: "5.00",
      discount: "5.90",
      tax: "3.85",
      total: "61.95",
      paymentStatus: "paid",
      note: "Please ring the bell twice - buzzer is broken.",
      customer: { name: "Lena Ortiz", email: "lena.ortiz@example.com", phone: "(415) 555-0172" },
      shippingAddress: { ...LENA, phone: "(415) 555-0172" },
      billingAddress: { ...LENA, phone: "(415) 555-0172" },
      locale: null,
      createdAt: Date.UTC(2025, 5, 14, 14, 31, 2),
      updatedAt: Date.UTC(2025, 5, 14, 14, 31, 5),
      cancelled: null,
      refunds: [],
      skip: false,
    });
  });

  it("maps the updated fixture: same money, the later state", () => {
    const created = mapped(request("woocommerce-order-created.json"));
    const updated = mapped(request("woocommerce-order-updated.json"));
    expect(updated).toEqual({ ...created, updatedAt: Date.UTC(2025, 5, 15, 17, 12, 44) });
  });

  it("keeps the characters WooCommerce escapes as \\uXXXX, and its escaped slashes", async () => {
    const r = await signed("woocommerce-order-created.json", [
      ['"shipping":{"first_name":"Lena","last_name":"Ortiz"', '"shipping":{"first_name":"\\u5a1c","last_name":"\\u674e"'],
      [
        '"address_1":"2201 Mission St","address_2":"Unit 4","city":"San Francisco","state":"CA","postcode":"94110","country":"US","phone"',
        '"address_1":"\\u4e2d\\u5c71\\u5317\\u8def 1\\/2\\u53f7","address_2":"","city":"\\u4e0a\\u6d77\\u5e02","state":"SH","postcode":"200000","country":"CN","phone"',
      ],
      ['"customer_note":"Please ring the bell twice - buzzer is broken."', '"customer_note":"Caf\\u00e9 \\ud83d\\ude9a"'],
    ]);
    expect(await woocommerce.verify(connection(), r)).toEqual({ ok: true });
    const order = mapped(r);
    expect(order.shippingAddress).toEqual({
      name: "娜 李",
      line1: "中山北路 1/2号",
      line2: null,
      district: null,
      city: "上海市",
      region: "SH",
      postalCode: "200000",
      country: "CN",
      phone: "(415) 555-0172",
    });
    expect(order.note).toBe("Café 🚚");
  });

  it("does not take in drafts or the trash", async () => {
    for (const status of ["checkout-draft", "trash", "auto-draft"]) {
      expect(mapped(await signed("woocommerce-order-created.json", [['"status":"processing"', `"status":"${status}"`]])).skip).toBe(true);
    }
    for (const status of ["pending", "on-hold", "processing", "completed", "cancelled", "refunded", "failed"]) {
      expect(mapped(await signed("woocommerce-order-created.json", [['"status":"processing"', `"status":"${status}"`]])).skip).toBe(false);
    }
  });

  it("maps cancelled, refunded and failed orders to cancellation, refunds and payment status", async () => {
    const unpaid: [string, string][] = [['"date_paid_gmt":"2025-06-14T14:31:05"', '"date_paid_gmt":null']];
    const cancelled = mapped(await signed("woocommerce-order-updated.json", [['"status":"completed"', '"status":"cancelled"'], ...unpaid]));
    expect(cancelled.cancelled).toEqual({ at: Date.UTC(2025, 5, 15, 17, 12, 44), reason: null });
    expect(cancelled.paymentStatus).toBe("voided");

    const failed = mapped(await signed("woocommerce-order-created.json", [['"status":"processing"', '"status":"failed"'], ...unpaid]));
    expect([failed.paymentStatus, failed.cancelled]).toEqual(["unpaid", null]);
    const onHold = mapped(await signed("woocommerce-order-created.json", [['"status":"processing"', '"status":"on-hold"'], ...unpaid]));
    expect(onHold.paymentStatus).toBe("unpaid");

    const partial = mapped(await signed("woocommerce-order-updated.json", [['"refunds":[]', '"refunds":[{"id":4901,"reason":"Tote arrived torn","total":"-13.50"}]']]));
    expect(partial.paymentStatus).toBe("partially_refunded");
    expect(partial.refunds).toEqual([{ externalId: "4901", amount: "13.50", createdAt: Date.UTC(2025, 5, 15, 17, 12, 44), note: "Tote arrived torn", lines: [] }]);

    const refunded = mapped(
      await signed("woocommerce-order-updated.json", [
        ['"status":"completed"', '"status":"refunded"'],
        ['"refunds":[]', '"refunds":[{"id":4901,"reason":"","total":"-13.50"},{"id":4902,"reason":"","total":"-48.45"}]'],
      ]),
    );
    expect(refunded.paymentStatus).toBe("refunded");
    expect(refunded.refunds.map((r) => [r.externalId, r.amount, r.note])).toEqual([
      ["4901", "13.50", null],
      ["4902", "48.45", null],
    ]);
    expect(refunded.cancelled).toBeNull();
  });

  it("refuses to round money it cannot hold exactly", async () => {
    const d = woocommerce.describe(await signed("woocommerce-order-created.json", [['"total":"61.95"', '"total":"61.955"']]));
    if (d.kind !== "order" || !d.order) throw new Error("not an order");
    const order = d.order;
    expect(() => woocommerce.map(order)).toThrow(/61.955/);
  });
});
