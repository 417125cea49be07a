/** POST /v1/orders: canonical orders from any channel, money exact, retries safe, nothing half-written. */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createOrder, createProduct, createStore, orderBody, unique } from "./helpers";

async function countRows(table: string, where = "1=1", ...binds: unknown[]) {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...binds)
    .first<{ n: number }>();
  return row!.n;
}

let store: { id: string };
beforeAll(async () => {
  store = await createStore();
  await createProduct(store.id, "TEA-1", { name: "Sencha 100g", weight_grams: 120 });
  await createProduct(store.id, "SETUP", { name: "Installation", type: "service" });
});

describe("creating an order", () => {
  it("returns the received order with computed totals, an ETag and a Location", async () => {
    const r = await api("/v1/orders", {
      body: orderBody(store.id, {
        external_id: unique("ext"),
        lines: [
          { sku: "TEA-1", quantity: 3, unit_price: "19.90" },
          { sku: "SETUP", quantity: 1, unit_price: "49.00", name: "Install & configure" },
        ],
        shipping_amount: "4.50",
        discount_amount: "10.00",
        tax_amount: "7.15",
        note: "Leave at the door",
        payment_status: "paid",
      }),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get("etag")).toBe('"1"');
    expect(r.headers.get("location")).toBe(`/v1/orders/${r.body.id}`);
    expect(r.body).toMatchObject({
      status: "received",
      version: 1,
      store_id: store.id,
      channel: "web",
      currency: "USD",
      subtotal_amount: "108.70",
      shipping_amount: "4.50",
      discount_amount: "10.00",
      tax_amount: "7.15",
      total_amount: "110.35",
      payment_status: "paid",
      requires_shipping: true,
      note: "Leave at the door",
      allowed_events: ["approve", "hold", "reject", "cancel"],
      customer: { name: "Ada Lovelace", email: "ada@example.com" },
      shipping_address: { country: "GB", postal_code: "SW1Y 4JH", line2: null },
    });
    expect(r.body.lines).toEqual([
      { line_no: 1, sku: "TEA-1", name: "Sencha 100g", type: "goods", quantity: 3, unit_price: "19.90", total_amount: "59.70" },
      { line_no: 2, sku: "SETUP", name: "Install & configure", type: "service", quantity: 1, unit_price: "49.00", total_amount: "49.00" },
    ]);
    expect(new Date(r.body.created_at).toISOString()).toBe(r.body.created_at);

    const got = await api(`/v1/orders/${r.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
  });

  it("writes the order, its lines, the received event and the outbox row that starts the audit", async () => {
    const order = await createOrder(store.id);
    expect(await countRows("order_lines", "order_id = ?", order.id)).toBe(1);
    const events = await api(`/v1/orders/${order.id}/events`);
    expect(events.body.data).toMatchObject([{ seq: 1, type: "received", from_status: null, to_status: "received", actor: "bootstrap" }]);
    const outbox = await env.DB.prepare("SELECT topic, type FROM outbox WHERE order_id = ?").bind(order.id).all();
    expect(outbox.results).toEqual([{ topic: "fulfilment", type: "order.received" }]);
  });

  it("stores money in each currency's minor unit: JPY has none, KWD three", async () => {
    const jpy = await createOrder(store.id, { currency: "JPY", lines: [{ sku: "TEA-1", quantity: 2, unit_price: "1500" }], shipping_amount: "500" });
    expect(jpy).toMatchObject({ subtotal_amount: "3000", total_amount: "3500" });
    const kwd = await createOrder(store.id, { currency: "KWD", lines: [{ sku: "TEA-1", quantity: 1, unit_price: "1.234" }], shipping_amount: "0.5" });
    expect(kwd).toMatchObject({ subtotal_amount: "1.234", shipping_amount: "0.500", total_amount: "1.734" });
    const row = await env.DB.prepare("SELECT subtotal_amount, total_amount FROM orders WHERE id = ?").bind(kwd.id).first();
    expect(row).toEqual({ subtotal_amount: 1234, total_amount: 1734 });
  });

  it("a service-only order does not require shipping", async () => {
    const o = await createOrder(store.id, { lines: [{ sku: "SETUP", quantity: 1, unit_price: "49.00" }] });
    expect(o.requires_shipping).toBe(false);
  });
});

describe("duplicates and retries", () => {
  it("never makes a second order for the same (store, external_id)", async () => {
    const ext = unique("ext");
    const first = await createOrder(store.id, { external_id: ext });
    const again = await api("/v1/orders", { body: orderBody(store.id, { external_id: ext }) });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toBe("application/problem+json");
    expect(again.body).toMatchObject({ code: "duplicate_external_id", order_id: first.id });
    expect(await countRows("orders", "store_id = ? AND external_id = ?", store.id, ext)).toBe(1);

    // The same external id in another store is another order.
    const other = await createStore();
    expect((await api("/v1/orders", { body: orderBody(other.id, { external_id: ext }) })).status).toBe(201);
  });

  it("parallel deliveries of one external order make exactly one order", async () => {
    const ext = unique("ext");
    const results = await Promise.all(Array.from({ length: 12 }, () => api("/v1/orders", { body: orderBody(store.id, { external_id: ext }) })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
    const id = results.find((r) => r.status === 201)!.body.id;
    expect(results.filter((r) => r.status === 409).every((r) => r.body.order_id === id)).toBe(true);
    expect(await countRows("orders", "store_id = ? AND external_id = ?", store.id, ext)).toBe(1);
    expect(await countRows("order_events", "order_id = ?", id)).toBe(1);
    expect(await countRows("outbox", "order_id = ?", id)).toBe(1);
  });

  it("replays the first response for the same Idempotency-Key and body", async () => {
    const key = unique("idem");
    const body = orderBody(store.id);
    const first = await api("/v1/orders", { body, headers: { "idempotency-key": key } });
    const second = await api("/v1/orders", { body, headers: { "idempotency-key": key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("etag")).toBe('"1"');
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(await countRows("orders", "id = ?", first.body.id)).toBe(1);
  });

  it("refuses the same Idempotency-Key with another body (422) and writes nothing", async () => {
    const key = unique("idem");
    await api("/v1/orders", { body: orderBody(store.id), headers: { "idempotency-key": key } });
    const before = await countRows("orders");
    const other = await api("/v1/orders", { body: orderBody(store.id, { note: "different" }), headers: { "idempotency-key": key } });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe("idempotency_key_reused");
    expect(await countRows("orders")).toBe(before);
  });

  it("parallel retries with one Idempotency-Key create one order and all see it", async () => {
    const key = unique("idem");
    const body = orderBody(store.id);
    const results = await Promise.all(Array.from({ length: 15 }, () => api("/v1/orders", { body, headers: { "idempotency-key": key } })));
    expect(results.map((r) => r.status)).toEqual(Array(15).fill(201));
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(14);
    expect(await countRows("orders", "id = ?", [...ids][0])).toBe(1);
  });

  it("scopes idempotency keys to the API key: two clients never collide", async () => {
    const channel = await createKey("channel", [store.id]);
    const key = unique("idem");
    const a = await api("/v1/orders", { body: orderBody(store.id), headers: { "idempotency-key": key } });
    const b = await api("/v1/orders", { body: orderBody(store.id, { note: "b" }), headers: { "idempotency-key": key }, key: channel });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it("refuses an unusable Idempotency-Key", async () => {
    const r = await api("/v1/orders", { body: orderBody(store.id), headers: { "idempotency-key": "a".repeat(300) } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("invalid_idempotency_key");
  });
});

describe("bad input is a clear 4xx and writes nothing", () => {
  const cases: [string, (b: any) => unknown, string][] = [
    ["missing lines", (b) => ({ ...b, lines: undefined }), "lines"],
    ["empty lines", (b) => ({ ...b, lines: [] }), "lines"],
    ["zero quantity", (b) => ({ ...b, lines: [{ sku: "TEA-1", quantity: 0, unit_price: "1.00" }] }), "lines.0.quantity"],
    ["fractional quantity", (b) => ({ ...b, lines: [{ sku: "TEA-1", quantity: 1.5, unit_price: "1.00" }] }), "lines.0.quantity"],
    ["price as a number", (b) => ({ ...b, lines: [{ sku: "TEA-1", quantity: 1, unit_price: 19.9 }] }), "lines.0.unit_price"],
    ["negative price", (b) => ({ ...b, lines: [{ sku: "TEA-1", quantity: 1, unit_price: "-1.00" }] }), "lines.0.unit_price"],
    ["too many decimals for USD", (b) => ({ ...b, lines: [{ sku: "TEA-1", quantity: 1, unit_price: "1.999" }] }), "lines.0.unit_price"],
    ["decimals for JPY", (b) => ({ ...b, currency: "JPY", shipping_amount: "4.50" }), "shipping_amount"],
    ["unknown currency", (b) => ({ ...b, currency: "XYZ" }), "currency"],
    ["lowercase currency", (b) => ({ ...b, currency: "usd" }), "currency"],
    ["unknown country", (b) => ({ ...b, shipping_address: { ...b.shipping_address, country: "UK" } }), "shipping_address.country"],
    ["missing postal code", (b) => ({ ...b, shipping_address: { ...b.shipping_address, postal_code: undefined } }), "shipping_address.postal_code"],
    ["bad email", (b) => ({ ...b, customer: { ...b.customer, email: "not-an-email" } }), "customer.email"],
    ["blank customer name", (b) => ({ ...b, customer: { name: "   " } }), "customer.name"],
    ["bad channel", (b) => ({ ...b, channel: "Web Shop!" }), "channel"],
    ["unknown payment status", (b) => ({ ...b, payment_status: "maybe" }), "payment_status"],
    ["discount larger than the order", (b) => ({ ...b, discount_amount: "500.00" }), "discount_amount"],
    ["unknown store", (b) => ({ ...b, store_id: "st_nope" }), "store_id"],
    ["too many lines", (b) => ({ ...b, lines: Array(251).fill({ sku: "TEA-1", quantity: 1, unit_price: "1.00" }) }), "lines"],
    ["not an object", () => [1, 2, 3], "(body)"],
  ];

  for (const [name, mutate, field] of cases) {
    it(`${name} -> 422 naming ${field}`, async () => {
      const before = await countRows("orders");
      const r = await api("/v1/orders", { body: mutate(orderBody(store.id)) });
      expect(r.status).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body).toMatchObject({ status: 422, code: "validation_failed", type: "/problems/validation_failed" });
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countRows("orders")).toBe(before);
    });
  }

  it("malformed JSON -> 400", async () => {
    const r = await api("/v1/orders", { body: '{"store_id": ' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("malformed_json");
  });

  it("a non-JSON body -> 415", async () => {
    const r = await api("/v1/orders", { body: "store_id=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(r.status).toBe(415);
    expect(r.body.code).toBe("unsupported_media_type");
  });

  it("a body over the limit -> 413", async () => {
    const r = await api("/v1/orders", { body: orderBody(store.id, { note: "x".repeat(300 * 1024) }) });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe("payload_too_large");
  });

  it("a store outside the key's scope -> 403", async () => {
    const other = await createStore();
    const channel = await createKey("channel", [other.id]);
    const before = await countRows("orders");
    const r = await api("/v1/orders", { body: orderBody(store.id), key: channel });
    expect(r.status).toBe(403);
    expect(await countRows("orders")).toBe(before);
  });
});
