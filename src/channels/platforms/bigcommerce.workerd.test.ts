/// <reference types="vite/client" />
/**
 * The BigCommerce adapter's pure parts: the custom-header check on the fixture
 * (../shared/fixtures, signatures.json), what each delivery is about, and the
 * mapping of the v2 sample the stand-in serves for the fixture's order 250.
 */
import { env } from "../../../test/shard-env";
import { describe, expect, it } from "vitest";
import SAMPLE from "../../../test/stand-in/bigcommerce-order-250.json?raw";
import { bigcommerce } from "./bigcommerce";
import { adapterFor } from "./index";
import { parsePlatformJson } from "./json";
import type { InboundRequest, PlatformConnection, PlatformOrder } from "./platform";

const TOKEN = "bc_fixture_custom_header_value";
const FILE = "bigcommerce-store-order-created.json";

function fixture(name: string): Uint8Array {
  const b64 = env.TEST_FIXTURES[name];
  if (!b64) throw new Error(`fixture ${name} missing`);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);
const signatures = JSON.parse(text(fixture("signatures.json"))) as Record<string, { headers: Record<string, string> }>;

function connection(secrets: string[] = [TOKEN]): PlatformConnection {
  return {
    id: "chc_test",
    storeId: "sto_test",
    platform: "bigcommerce",
    shopDomain: "7xq4kz9m2b",
    apiBaseUrl: "https://api.bigcommerce.com/stores/7xq4kz9m2b",
    credentials: { access_token: "token" },
    webhookSecrets: secrets,
    pushes: { fulfillments: true, cancellations: true, refunds: false },
  };
}

function request(change: { body?: Uint8Array; headers?: Record<string, string | null> } = {}): InboundRequest {
  const headers = new Headers(signatures[FILE]!.headers);
  for (const [k, v] of Object.entries(change.headers ?? {})) v === null ? headers.delete(k) : headers.set(k, v);
  return { headers, body: change.body ?? fixture(FILE), url: "https://oms.example/channels/bigcommerce/chc_test" };
}

const withScope = (scope: string) => bytes(text(fixture(FILE)).replace('"store/order/created"', `"${scope}"`));

it("is the adapter the engine gets for bigcommerce", () => {
  expect(adapterFor("bigcommerce")).toBe(bigcommerce);
});

describe("BigCommerce webhook custom header", () => {
  it("accepts the fixture with its header, under the current or the previous secret", async () => {
    expect(await bigcommerce.verify(connection(), request())).toEqual({ ok: true });
    expect(await bigcommerce.verify(connection(["bc_new_value", TOKEN]), request())).toEqual({ ok: true });
  });

  it("refuses a wrong, a longer, a shorter or a missing header, and everything when the connection has no secret", async () => {
    for (const value of ["bc_fixture_custom_header_valuf", `${TOKEN}x`, TOKEN.slice(0, -1), "BC_FIXTURE_CUSTOM_HEADER_VALUE"]) {
      expect(await bigcommerce.verify(connection(), request({ headers: { "x-oms-webhook-token": value } }))).toEqual({ ok: false, reason: "bad_signature" });
    }
    expect(await bigcommerce.verify(connection(), request({ headers: { "x-oms-webhook-token": null } }))).toEqual({ ok: false, reason: "missing_signature" });
    expect(await bigcommerce.verify(connection([]), request())).toEqual({ ok: false, reason: "bad_signature" });
  });
});

describe("BigCommerce deliveries", () => {
  it("reads the thin fixture: delivery id = hash, the order id, no order (the engine fetches it)", () => {
    expect(bigcommerce.describe(request())).toEqual({
      kind: "order",
      deliveryId: "0d2e1b7f6a9c3e5d8b4a2f1c7e9d0b3a5c6e8f1d",
      topic: "store/order/created",
      change: "created",
      externalId: "250",
      changedAt: null,
      order: null,
    });
  });

  it("reads updated and statusUpdated as updates, a refund as refunded, keeps archived and other scopes without acting", () => {
    expect(bigcommerce.describe(request({ body: withScope("store/order/updated") }))).toMatchObject({ kind: "order", change: "updated", externalId: "250" });
    expect(bigcommerce.describe(request({ body: withScope("store/order/statusUpdated") }))).toMatchObject({ kind: "order", change: "updated", externalId: "250" });
    expect(bigcommerce.describe(request({ body: withScope("store/order/refund/created") }))).toMatchObject({ kind: "order", change: "refunded", externalId: "250" });
    expect(bigcommerce.describe(request({ body: withScope("store/order/archived") }))).toEqual({
      kind: "ignored",
      deliveryId: "0d2e1b7f6a9c3e5d8b4a2f1c7e9d0b3a5c6e8f1d",
      topic: "store/order/archived",
    });
    expect(bigcommerce.describe(request({ body: withScope("store/cart/created") }))).toMatchObject({ kind: "ignored", topic: "store/cart/created" });
  });

  it("keeps a body without hash or order id as unreadable", () => {
    expect(bigcommerce.describe(request({ body: bytes("not json") }))).toEqual({ kind: "unreadable", deliveryId: null, message: "the body is not JSON" });
    expect(bigcommerce.describe(request({ body: bytes('{"scope":"store/order/created","data":{"type":"order","id":250}}') }))).toMatchObject({
      kind: "unreadable",
      deliveryId: null,
    });
    expect(bigcommerce.describe(request({ body: bytes('{"scope":"store/order/created","hash":"abc","data":{"type":"order"}}') }))).toMatchObject({
      kind: "unreadable",
      deliveryId: "abc",
    });
  });
});

function sample(edit: (raw: { order: Record<string, unknown>; products: Record<string, unknown>[]; refunds?: unknown[] }) => void = () => {}): PlatformOrder {
  const raw = parsePlatformJson(SAMPLE) as { order: Record<string, unknown>; products: Record<string, unknown>[] };
  edit(raw);
  return { platform: "bigcommerce", raw };
}

const MISAKI = {
  name: "美咲 山田",
  line1: "神宮前3-25-18",
  line2: "パークハイツ 402",
  district: null,
  city: "渋谷区",
  region: "東京都",
  postalCode: "150-0001",
  country: "JP",
  phone: "+81 3-5413-2288",
};

describe("BigCommerce order mapping", () => {
  it("maps the v2 sample of order 250 exactly: yen without decimals, Japanese kept", () => {
    expect(bigcommerce.map(sample())).toEqual({
      externalId: "250",
      name: "#250",
      currency: "JPY",
      lines: [
        {
          externalLineId: "301",
          platformKeys: ["TEE-ORG-WHT-M", "variant:245", "product:112"],
          name: "オーガニックコットンTシャツ",
          quantity: 2,
          unitPrice: "3000",
          discount: "600",
          requiresShipping: true,
        },
        {
          externalLineId: "302",
          platformKeys: ["TNG-ASANOHA", "variant:260", "product:118"],
          name: "手ぬぐい 麻の葉",
          quantity: 1,
          unitPrice: "1800",
          discount: "0",
          requiresShipping: true,
        },
      ],
      shipping: "800",
      discount: "600",
      tax: "800",
      total: "8800",
      paymentStatus: "paid",
      note: "置き配希望（玄関前）",
      customer: { name: "美咲 山田", email: "misaki.yamada@example.jp", phone: "+81 3-5413-2288" },
      shippingAddress: MISAKI,
      billingAddress: MISAKI,
      locale: "ja",
      createdAt: Date.UTC(2025, 5, 14, 14, 31, 1),
      updatedAt: Date.UTC(2025, 5, 14, 14, 31, 2),
      cancelled: null,
      refunds: [],
      skip: false,
    });
  });

  it("reads status and payment: cancelled, declined, refunds, incomplete and archived orders", () => {
    const cancelled = bigcommerce.map(sample((r) => Object.assign(r.order, { status_id: 5, status: "Cancelled", payment_status: "void" })));
    expect([cancelled.cancelled, cancelled.paymentStatus]).toEqual([{ at: Date.UTC(2025, 5, 14, 14, 31, 2), reason: null }, "voided"]);
    expect(bigcommerce.map(sample((r) => Object.assign(r.order, { status_id: 6, payment_status: "declined" }))).cancelled).toEqual({
      at: Date.UTC(2025, 5, 14, 14, 31, 2),
      reason: "declined",
    });
    expect(bigcommerce.map(sample((r) => Object.assign(r.order, { payment_status: "authorized" }))).paymentStatus).toBe("authorized");
    expect(bigcommerce.map(sample((r) => Object.assign(r.order, { payment_status: "pending", status_id: 7 }))).paymentStatus).toBe("unpaid");
    expect(bigcommerce.map(sample((r) => Object.assign(r.order, { status_id: 0 }))).skip).toBe(true);
    expect(bigcommerce.map(sample((r) => Object.assign(r.order, { is_deleted: true }))).skip).toBe(true);

    const partial = bigcommerce.map(
      sample((r) => {
        Object.assign(r.order, { status_id: 14, payment_status: "partially refunded", refunded_amount: "1980.0000" });
        r.refunds = [
          {
            id: 12,
            order_id: 250,
            created: "2025-06-16T02:00:00+00:00",
            reason: "汚れあり [ref shp_1]",
            total_amount: 1980,
            total_tax: 180,
            items: [{ item_type: "PRODUCT", item_id: 302, quantity: 1, requested_amount: null }],
          },
        ];
      }),
    );
    expect(partial.paymentStatus).toBe("partially_refunded");
    expect(partial.refunds).toEqual([
      { externalId: "12", amount: "1980", createdAt: Date.UTC(2025, 5, 16, 2), note: "汚れあり [ref shp_1]", lines: [{ externalLineId: "302", quantity: 1 }] },
    ]);
  });

  it("keeps digital products out of shipping and refuses money it would have to round", () => {
    expect(bigcommerce.map(sample((r) => Object.assign(r.products[1]!, { type: "digital" }))).lines[1]!.requiresShipping).toBe(false);
    expect(() => bigcommerce.map(sample((r) => Object.assign(r.order, { total_inc_tax: "8800.5000" })))).toThrow(/8800.5000/);
    const usd = bigcommerce.map(sample((r) => Object.assign(r.order, { default_currency_code: "USD", currency_code: "USD", total_inc_tax: "88.1000", total_tax: "8.0500" })));
    expect([usd.currency, usd.total, usd.tax, usd.shipping]).toEqual(["USD", "88.10", "8.05", "800.00"]);
  });
});
