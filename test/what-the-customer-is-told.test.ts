import { dbOf, envOf } from "./shard-helpers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { consumeMessage } from "../src/outbox/consume";
import { QUEUE_HANDLERS } from "../src/index";
import { newId } from "../src/lib/ids";
import { api, createKey, createOrder, createProduct, createStore, orderBody, unique } from "./helpers";

let audited: { id: string };
let manual: { id: string };

beforeAll(async () => {
  audited = await createStore(unique("Tea House"), "USD", { autoAudit: true });
  await createProduct(audited.id, "TEA-1", { price: "12.50" });
  await createProduct(audited.id, "URN-1", { price: "600.00" });
  manual = await createStore(unique("Quiet Tea"));
});

/** The order's message from `template`, once the notifications queue has written it. */
async function messageOf(orderId: string, template: string) {
  let found: any;
  await vi.waitFor(
    async () => {
      found = (await api(`/v1/notifications?order_id=${orderId}`)).body.data.find((n: any) => n.template === template);
      expect(found, template).toBeDefined();
    },
    { timeout: 10_000, interval: 50 },
  );
  return found;
}

/** The customer's page, as the customer opens it from a fresh link (following a redirect to a token-free address, with its cookie, if there is one). */
async function customerPage(orderId: string): Promise<string> {
  const link = await api(`/v1/orders/${orderId}/customer-link`, { method: "POST" });
  expect(link.status).toBe(201);
  let page = await api(new URL(link.body.url).pathname, { key: null });
  if (page.status >= 300 && page.status < 400) {
    const cookie = page.headers.get("set-cookie")?.split(";")[0];
    page = await api(new URL(page.headers.get("location")!, "http://oms.test").pathname, { key: null, headers: cookie ? { cookie } : {} });
  }
  expect(page.status).toBe(200);
  return page.body as string;
}

async function auditedOrder(over: Record<string, unknown>, until: (o: any) => boolean = (o) => o.status !== "received") {
  const created = await api("/v1/orders", {
    body: orderBody(audited.id, {
      payment_status: "paid",
      customer: { name: "Ada", email: `${unique("ada")}@example.com` },
      lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
      ...over,
    }),
  });
  expect(created.status).toBe(201);
  let order: any;
  await vi.waitFor(
    async () => {
      order = (await api(`/v1/orders/${created.body.id}`)).body;
      expect(until(order), `order is ${order.status}`).toBe(true);
    },
    { timeout: 10_000, interval: 50 },
  );
  return order;
}

const transitionWith = (id: string, body: Record<string, unknown>, key?: string) => api(`/v1/orders/${id}/transitions`, { body, ...(key ? { key } : {}) });

describe("internal hold reasons stay with staff", () => {
  it("an order held for its amount: the customer hears only that it is being checked, never the threshold", async () => {
    const order = await auditedOrder({ lines: [{ sku: "URN-1", quantity: 2, unit_price: "600.00" }] });
    expect(order).toMatchObject({ status: "on_hold", status_reason: "Total 1204.50 USD is above 1000.00" });
    const m = await messageOf(order.id, "order.on_hold");
    expect(m.template).toBe("order.on_hold");
    for (const text of [m.subject, m.body, await customerPage(order.id)]) {
      expect(text).not.toContain("1000.00");
      expect(text).not.toContain("above");
      expect(text).not.toContain(order.status_reason);
    }
    expect(m.body).toContain("There is nothing you need to do");
    expect(await customerPage(order.id)).toContain("We are checking a few details of your order");
  });

  it("a possible duplicate: neither the other order's id nor the suspicion reaches the customer", async () => {
    const customer = { name: "Grace", email: `${unique("grace")}@example.com` };
    const first = await auditedOrder({ customer });
    expect(first.status).toBe("approved");
    const second = await auditedOrder({ customer });
    expect(second).toMatchObject({ status: "on_hold", status_reason: `Same customer and items as ${first.id}` });
    const held = await messageOf(second.id, "order.on_hold");
    const page = await customerPage(second.id);
    for (const text of [held.subject, held.body, page]) {
      expect(text).not.toContain(first.id);
      expect(text).not.toContain("Same customer");
    }
  });

  it("a blocked customer's cancellation does not say they are blocked", async () => {
    const email = `${unique("mallory")}@example.com`;
    expect((await api(`/v1/stores/${audited.id}/blocklist`, { body: { kind: "email", email, note: "chargebacks" } })).status).toBe(201);
    const order = await auditedOrder({ customer: { name: "Mallory", email } });
    expect(order).toMatchObject({ status: "cancelled", status_reason: "The customer's email is blocked" });
    const m = await messageOf(order.id, "order.cancelled");
    expect(m.template).toBe("order.cancelled");
    expect(m.body).not.toContain("blocked");
    expect(m.body).toContain("has been cancelled.");
    expect(await customerPage(order.id)).not.toContain("blocked");
  });

  it("a reason the customer can fix is listed beside internal ones, and only it", async () => {
    const order = await auditedOrder({
      lines: [{ sku: "URN-1", quantity: 2, unit_price: "600.00" }],
      shipping_address: { name: "Ada", line1: "1 Market St", city: "San Francisco", region: "CA", postal_code: "9410", country: "US" },
    });
    expect(order.status).toBe("on_hold");
    const m = await messageOf(order.id, "order.on_hold");
    expect(m.body).toContain('- "9410" is not a postal code in United States (for example 94105 or 94105-1234).');
    expect(m.body).not.toContain("1000.00");
    const page = await customerPage(order.id);
    expect(page).toContain("is not a postal code in United States");
    expect(page).not.toContain("1000.00");
  });
});

describe("in the customer's language", () => {
  it("a zh-CN order held for an invalid postal code is told why in Chinese, by email and on its page", async () => {
    const order = await auditedOrder({
      locale: "zh-CN",
      customer: { name: "李伟", email: `${unique("li")}@example.com`, phone: "13812345678" },
      shipping_address: { name: "李伟", line1: "南京东路 100 号", city: "上海", region: "上海市", postal_code: "2000", country: "CN" },
    });
    expect(order.status).toBe("on_hold");
    const m = await messageOf(order.id, "order.on_hold");
    expect(m).toMatchObject({ template: "order.on_hold", language: "zh-CN" });
    expect(m.body).toContain("- “2000”不是中国的邮政编码（例如 200001）。");
    expect(m.body).not.toContain("is not a CN postal code");
    const page = await customerPage(order.id);
    expect(page).toContain("“2000”不是中国的邮政编码（例如 200001）。");
    expect(page).not.toContain("postal code");
  });

  it("a hold reason stored before params were kept still reads in the customer's language", async () => {
    const order = await createOrder(manual.id, { locale: "zh-CN", external_id: unique("old") });
    expect((await transitionWith(order.id, { event: "hold", reason: "address" })).status).toBe(200);
    // As an older release wrote it: an English message, no params.
    await (await dbOf({ id: order.id }))
      .prepare("INSERT INTO order_hold_reasons (order_id, code, message, created_at) VALUES (?, 'postal_code_invalid', '\"2000\" is not a CN postal code (like 200001)', ?)")
      .bind(order.id, Date.now())
      .run();
    const page = await customerPage(order.id);
    expect(page).toContain("邮政编码与收货地的格式不符。");
    expect(page).not.toContain("is not a CN postal code");
  });
});

describe("staff notes and staff messages", () => {
  it("a staff hold's reason and internal note are kept for staff and never reach the customer", async () => {
    const order = await createOrder(manual.id, { external_id: unique("staff") });
    const r = await transitionWith(order.id, { event: "hold", reason: "Reseller pattern, ask Bob", internal_note: "Bank flagged the card; do not ship before Friday" });
    expect(r.status).toBe(200);
    expect(r.body.status_reason).toBe("Reseller pattern, ask Bob");
    const m = await messageOf(order.id, "order.on_hold");
    const page = await customerPage(order.id);
    for (const text of [m.subject, m.body, page]) {
      expect(text).not.toContain("Reseller");
      expect(text).not.toContain("Bob");
      expect(text).not.toContain("Bank flagged");
    }
    expect(m.body).toContain("There is nothing you need to do");
    const support = await createKey("support", [manual.id]);
    const events = (await api(`/v1/orders/${order.id}/events`, { key: support })).body.data;
    expect(events.at(-1)).toMatchObject({
      type: "hold",
      reason: "Reseller pattern, ask Bob",
      internal_note: "Bank flagged the card; do not ship before Friday",
      customer_message: null,
    });
    // A storefront's key reads the timeline, not what staff wrote to each other.
    const storefront = await createKey("channel", [manual.id]);
    const seen = (await api(`/v1/orders/${order.id}/events`, { key: storefront })).body.data;
    expect(seen.at(-1)).toMatchObject({ type: "hold", internal_note: null });
    expect(JSON.stringify(seen)).not.toContain("Bank flagged");
  });

  it("what staff write for the customer is sent and shown, word for word, and nothing else they wrote", async () => {
    const order = await createOrder(manual.id, { locale: "zh-CN", external_id: unique("msg") });
    const r = await transitionWith(order.id, { event: "hold", reason: "flat number missing", internal_note: "courier complained", customer_message: "请回复您的门牌号。" });
    expect(r.status).toBe(200);
    const m = await messageOf(order.id, "order.on_hold");
    expect(m.body).toContain("请回复您的门牌号。");
    const page = await customerPage(order.id);
    expect(page).toContain("请回复您的门牌号。");
    for (const text of [m.body, page]) {
      expect(text).not.toContain("flat number missing");
      expect(text).not.toContain("courier complained");
    }
    const events = (await api(`/v1/orders/${order.id}/events`)).body.data;
    expect(events.at(-1)).toMatchObject({ internal_note: "courier complained", customer_message: "请回复您的门牌号。" });
  });

  it("a cancellation tells the customer the staff's message, not the staff's reason", async () => {
    const told = await createOrder(manual.id, { external_id: unique("told") });
    const r = await transitionWith(told.id, { event: "cancel", reason: "fraud suspected", customer_message: "We could not confirm your payment; nothing was charged." });
    expect(r.status).toBe(200);
    const m = await messageOf(told.id, "order.cancelled");
    expect(m.body).toContain("has been cancelled: We could not confirm your payment; nothing was charged.");
    expect(m.body).not.toContain("fraud");
    const page = await customerPage(told.id);
    expect(page).toContain("We could not confirm your payment");
    expect(page).not.toContain("fraud");

    const quiet = await createOrder(manual.id, { external_id: unique("quiet") });
    expect((await transitionWith(quiet.id, { event: "cancel", reason: "duplicate of another order" })).status).toBe(200);
    const q = await messageOf(quiet.id, "order.cancelled");
    expect(q.body).toContain("has been cancelled.");
    expect(q.body).not.toContain("duplicate");
  });

  it("refuses a customer message on an event that tells the customer nothing, and notes that are too long: nothing written", async () => {
    const order = await createOrder(manual.id);
    const cases = [
      [{ event: "approve", customer_message: "Hello" }, "customer_message"],
      [{ event: "hold", reason: "x", internal_note: "n".repeat(2001) }, "internal_note"],
      [{ event: "hold", reason: "x", customer_message: "m".repeat(1001) }, "customer_message"],
      [{ event: "hold", reason: "x", customer_message: "   " }, "customer_message"],
    ] as const;
    for (const [body, field] of cases) {
      const r = await transitionWith(order.id, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.errors.map((e: any) => e.field)).toContain(field);
    }
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(1);
  });

  it("a role that may not hold orders cannot hold one with a note either: nothing written", async () => {
    const order = await createOrder(manual.id);
    const analyst = await createKey("analyst", [manual.id]);
    const r = await transitionWith(order.id, { event: "hold", reason: "x", internal_note: "y", customer_message: "z" }, analyst);
    expect(r.status).toBe(403);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(1);
  });
});

describe("after-sales answers", () => {
  it("the note is written for the customer; the internal note stays on the staff's timeline", async () => {
    const order = await createOrder(manual.id, { payment_status: "paid", external_id: unique("claim") });
    for (const e of ["approve", "process", "fulfil_externally", "deliver"]) expect((await transitionWith(order.id, { event: e })).status).toBe(200);
    const opened = await api(`/v1/orders/${order.id}/after-sales`, { body: { kind: "claim", reason: "The box was crushed" } });
    expect(opened.status).toBe(201);
    const tooLong = await api(`/v1/after-sales/${opened.body.id}/transitions`, { body: { event: "reject", note: "n", internal_note: "x".repeat(2001) } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors.map((e: any) => e.field)).toContain("internal_note");
    expect((await api(`/v1/after-sales/${opened.body.id}`)).body.status).toBe("open");
    const r = await api(`/v1/after-sales/${opened.body.id}/transitions`, {
      body: { event: "reject", note: "The photos show the seal intact.", internal_note: "Fourth claim this year, watch this customer" },
    });
    expect(r.status).toBe(200);
    const rejected = await messageOf(order.id, "after_sales.rejected");
    expect(rejected.body).toContain("The photos show the seal intact.");
    expect(rejected.body).not.toContain("Fourth claim");
    expect(await customerPage(order.id)).not.toContain("Fourth claim");
    const events = (await api(`/v1/orders/${order.id}/events`)).body.data;
    expect(events.at(-1)).toMatchObject({
      type: "after_sales_rejected",
      internal_note: "Fourth claim this year, watch this customer",
      customer_message: "The photos show the seal intact.",
    });
  });
});

describe("shipment troubles", () => {
  it("the customer hears what happened to the parcel in their words, not the carrier's raw status text", async () => {
    const order = await createOrder(manual.id, { locale: "zh-CN", external_id: unique("parcel") });
    const id = newId("obx");
    const payload = { reason: "EXC-17 CONSIGNEE REFUSED / driver: customer rude", data: { status: "failed_attempt", tracking: { number: "1Z999", url: null, carrier: "ups" } } };
    await (await dbOf({ id: order.id }))
      .prepare("INSERT INTO outbox (id, order_id, topic, type, payload, created_at, attempts) VALUES (?, ?, 'notifications', 'shipment.exception', ?, ?, 0)")
      .bind(id, order.id, JSON.stringify(payload), Date.now())
      .run();
    const message = { id, type: "shipment.exception", order_id: order.id, payload, created_at: Date.now() };
    expect(await consumeMessage(await envOf({ id: order.id }), "notifications", message, QUEUE_HANDLERS)).toBe("done");
    const m = await messageOf(order.id, "shipment.exception");
    expect(m.body).toContain("派送异常：快递员未能成功投递。");
    expect(m.body).toContain("1Z999");
    expect(m.body).not.toContain("EXC-17");
    expect(m.body).not.toContain("rude");
  });
});
