import { env } from "../../../test/shard-env";
import { describe, expect, it } from "vitest";
import { addDecimals, moneyIn } from "./decimal";
import { parsePlatformJson } from "./json";
import { mapShopifyOrder, shopifyPaymentStatus } from "./shopify-map";

const fixtureText = (name: string) => new TextDecoder().decode(Uint8Array.from(atob(env.TEST_FIXTURES[name]!), (c) => c.charCodeAt(0)));
const mapped = (name: string) => mapShopifyOrder({ platform: "shopify", raw: parsePlatformJson(fixtureText(name)) });

describe("exact decimal money", () => {
  it("sums decimal strings exactly, where floats would not", () => {
    expect(addDecimals(["0.10", "0.20"])).toBe("0.30");
    expect(addDecimals(["3.60", "2.90"])).toBe("6.50");
    expect(addDecimals(["1.005", "2"])).toBe("3.005");
    expect(addDecimals([])).toBe("0");
    expect(addDecimals(["-1.50", "1"])).toBe("-0.50");
  });

  it("writes amounts at the currency's exponent only when nothing but zeros is dropped", () => {
    expect(moneyIn("1500.00", "JPY")).toBe("1500");
    expect(moneyIn("18", "USD")).toBe("18.00");
    expect(moneyIn("18.005", "USD")).toBe("18.005");
    expect(moneyIn("1.2", "KWD")).toBe("1.200");
  });
});

describe("a Shopify order in our terms", () => {
  it("maps orders/create #1042: lines, discounts, shipping, taxes, payment, note, customer and addresses", () => {
    const m = mapped("shopify-orders-create.json");
    expect(m).toMatchObject({
      externalId: "5893406212113",
      name: "#1042",
      currency: "USD",
      shipping: "6.95",
      discount: "6.50",
      tax: "5.82",
      total: "71.27",
      paymentStatus: "paid",
      note: "Please leave with the doorman.",
      customer: { name: "Maya Chen", email: "maya.chen@example.com", phone: "+12125550143" },
      locale: "en-US",
      cancelled: null,
      refunds: [],
      skip: false,
    });
    expect(m.lines).toEqual([
      {
        externalLineId: "14829105283089",
        platformKeys: ["SOCK-MER-CHR-M", "variant:44123776155665", "product:8123401191441"],
        name: "Merino Crew Sock - Charcoal / M",
        quantity: 2,
        unitPrice: "18.00",
        discount: "3.60",
        requiresShipping: true,
      },
      {
        externalLineId: "14829105315857",
        platformKeys: ["CAP-TRL-OLV", "variant:44123776188433", "product:8123401289745"],
        name: "Trail Running Cap - Olive",
        quantity: 1,
        unitPrice: "29.00",
        discount: "2.90",
        requiresShipping: true,
      },
    ]);
    expect(m.shippingAddress).toEqual({
      name: "Maya Chen",
      line1: "350 W 42nd St",
      line2: "Apt 12B",
      district: null,
      city: "New York",
      region: "New York",
      postalCode: "10036",
      country: "US",
      phone: "+12125550143",
    });
    expect(m.billingAddress?.postalCode).toBe("10036");
    expect(m.createdAt).toBe(Date.parse("2025-06-14T10:21:37-04:00"));
    expect(m.updatedAt).toBe(Date.parse("2025-06-14T10:21:39-04:00"));
    // Our totals are tax exclusive: lines + shipping + tax - discount is Shopify's total, to the cent.
    expect(addDecimals([...m.lines.map((l) => addDecimals(Array(l.quantity).fill(l.unitPrice))), m.shipping, m.tax, `-${m.discount}`])).toBe(m.total);
  });

  it("keeps 18-digit ids exact and reads escaped slashes", () => {
    const m = mapped("shopify-orders-create-bigint-escaped.json");
    expect(m.externalId).toBe("820982911946154508");
    expect(m.lines.map((l) => l.externalLineId)).toEqual(["866550311766439020", "141249953214522974"]);
    expect(m.name).toBe("#9999");
  });

  it("reads an update's newer state", () => {
    const m = mapped("shopify-orders-updated.json");
    expect(m.externalId).toBe("5893406212113");
    expect(m.updatedAt).toBe(Date.parse("2025-06-15T09:05:14-04:00"));
    expect(m.lines).toHaveLength(2);
  });

  it("maps a cancellation with its refund", () => {
    const m = mapped("shopify-orders-cancelled.json");
    expect(m.name).toBe("#1043");
    expect(m.cancelled).toEqual({ at: Date.parse("2025-06-14T15:02:10-04:00"), reason: "customer" });
    expect(m.paymentStatus).toBe("refunded");
    expect(m.refunds).toEqual([
      {
        externalId: "1002340892945",
        amount: "96.90",
        createdAt: Date.parse("2025-06-14T15:02:10-04:00"),
        note: "Order canceled",
        lines: [{ externalLineId: "14829117210897", quantity: 1 }],
      },
    ]);
  });

  it("keeps Chinese and Japanese addresses as written", () => {
    const cn = mapShopifyOrder({
      platform: "shopify",
      raw: parsePlatformJson(
        '{"id":1,"currency":"CNY","total_price":"99.00","shipping_address":{"first_name":"小明","last_name":"王","name":"王小明","address1":"科技园南区深南大道10000号","address2":"腾讯大厦 5楼","city":"深圳市","province":"广东省","province_code":"GD","zip":"518057","country_code":"CN","phone":"+86 138 0013 8000"},"line_items":[{"id":2,"sku":"茶-1","name":"龙井茶 250g","price":"99.00","quantity":1}]}',
      ),
    });
    expect(cn.shippingAddress).toEqual({
      name: "王小明",
      line1: "科技园南区深南大道10000号",
      line2: "腾讯大厦 5楼",
      district: null,
      city: "深圳市",
      region: "广东省",
      postalCode: "518057",
      country: "CN",
      phone: "+86 138 0013 8000",
    });
    expect(cn.lines[0]).toMatchObject({ name: "龙井茶 250g", platformKeys: ["茶-1"], unitPrice: "99.00" });

    const jp = mapShopifyOrder({
      platform: "shopify",
      raw: parsePlatformJson(
        '{"id":3,"currency":"JPY","total_price":"1500","shipping_address":{"last_name":"\\u5c71\\u7530","first_name":"\\u82b1\\u5b50","address1":"\\u4e38\\u306e\\u51851-9-1","city":"\\u5343\\u4ee3\\u7530\\u533a","province":"\\u6771\\u4eac\\u90fd","province_code":"JP-13","zip":"100-0005","country_code":"jp"},"line_items":[{"id":4,"price":"1500.00","quantity":1,"variant_id":55}]}',
      ),
    });
    expect(jp.shippingAddress).toMatchObject({ name: "花子 山田", line1: "丸の内1-9-1", city: "千代田区", region: "東京都", postalCode: "100-0005", country: "JP" });
    expect(jp.lines[0]).toMatchObject({ platformKeys: ["variant:55"], unitPrice: "1500" });
  });

  it("follows Shopify's financial status and cancels nothing by default", () => {
    expect(["pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided", "expired", null].map(shopifyPaymentStatus)).toEqual([
      "unpaid",
      "authorized",
      "unpaid",
      "paid",
      "partially_refunded",
      "refunded",
      "voided",
      "voided",
      "unpaid",
    ]);
  });

  it("carries no tax on top when prices include it", () => {
    const m = mapShopifyOrder({ platform: "shopify", raw: { id: 5, currency: "GBP", taxes_included: true, total_tax: "3.33", total_price: "20.00", line_items: [] } });
    expect(m.tax).toBe("0.00");
  });
});
