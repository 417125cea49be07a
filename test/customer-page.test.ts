/**
 * /o/:token, the customer's own order page: no login, works without
 * JavaScript. A customer whose order is held for its address corrects it
 * (or confirms it) and the audit runs again at once.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { api, createKey, createProduct, createStore, orderBody, transition, unique } from "./helpers";

let store: { id: string };
beforeAll(async () => {
  store = await createStore(unique("Tea House"), "USD", { autoAudit: true });
  await createProduct(store.id, "TEA-1", { price: "12.50" });
});

const form = (path: string, fields: Record<string, string>) =>
  api(path, { key: null, body: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });

async function heldOrder(over: Record<string, unknown>) {
  const created = await api("/v1/orders", {
    body: orderBody(store.id, {
      payment_status: "paid",
      customer: { name: "Ada", email: `${unique("a")}@example.com` },
      lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
      ...over,
    }),
  });
  let order: any;
  await vi.waitFor(
    async () => {
      order = (await api(`/v1/orders/${created.body.id}`)).body;
      expect(order.status).toBe("on_hold");
    },
    { timeout: 10_000, interval: 50 },
  );
  const link = await api(`/v1/orders/${order.id}/customer-link`, { method: "POST" });
  return { order, path: new URL(link.body.url).pathname };
}

const badPostcode = { shipping_address: { name: "Ada", line1: "1 Market St", city: "San Francisco", region: "CA", postal_code: "9410", country: "US" } };
const goodAddress = { name: "Ada", line1: "1 Market St", line2: "", city: "San Francisco", region: "CA", postal_code: "94105", country: "us" };

describe("the customer's order page", () => {
  it("shows the order, what to fix, and a form; no script needed", async () => {
    const { order, path } = await heldOrder(badPostcode);
    const page = await api(path, { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = page.body as string;
    expect(html).toContain('data-status="on_hold"');
    expect(html).toContain("&quot;9410&quot; is not a postal code in United States");
    expect(html).toContain(`action="${path}/address"`);
    expect(html).toContain(`name="version" value="${order.version}"`);
    expect(html).toContain(`action="${path}/confirm"`);
    expect(html).not.toContain("<script");
    expect(html).toContain('name="viewport"');
  });

  it("a corrected address re-runs the audit and approves the order", async () => {
    const { order, path } = await heldOrder(badPostcode);
    const r = await form(`${path}/address`, { ...goodAddress, version: String(order.version) });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(`${path}?done=address`);
    const after = (await api(`/v1/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status: "approved", shipping_address: { postal_code: "94105", country: "US" } });
    const log = (await api(`/v1/orders/${order.id}/events`)).body.data;
    expect(log.slice(-2).map((e: any) => [e.type, e.actor])).toEqual([
      ["edited", "customer"],
      ["approve", "system:audit"],
    ]);
    expect(log.at(-2).data).toEqual({ source: "customer", fields: ["shipping_address"] });
    const page = await api(`${path}?done=address`, { key: null });
    expect(page.body).toContain("your address was updated");
    expect(page.body).toContain('data-status="approved"');
  });

  it("confirming an unusual but real postcode approves the order", async () => {
    const { order, path } = await heldOrder(badPostcode);
    const r = await form(`${path}/confirm`, { version: String(order.version), confirm: "1" });
    expect(r.status).toBe(303);
    const after = (await api(`/v1/orders/${order.id}`)).body;
    expect(after.status).toBe("approved");
    const audits = (await api(`/v1/orders/${order.id}/audits`)).body.data;
    expect(audits[0].findings).toMatchObject([{ code: "postal_code_invalid", severity: "info" }]);
  });

  it("sends an invalid form back with the errors and what was typed (422), changing nothing", async () => {
    const { order, path } = await heldOrder(badPostcode);
    const r = await form(`${path}/address`, { ...goodAddress, country: "Atlantis", city: "", version: String(order.version) });
    expect(r.status).toBe(422);
    expect(r.body).toContain('aria-invalid="true"');
    expect(r.body).toContain('value="Atlantis"');
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(order.version);
  });

  it("a missing region cannot be confirmed away, only fixed", async () => {
    const { order, path } = await heldOrder({ shipping_address: { name: "A", line1: "1 Rd", city: "SF", postal_code: "94105", country: "US" } });
    expect((await api(path, { key: null })).body).not.toContain(`${path}/confirm`);
    const r = await form(`${path}/confirm`, { version: String(order.version) });
    expect(r.headers.get("location")).toBe(`${path}?done=conflict`);
    expect((await api(`/v1/orders/${order.id}`)).body.status).toBe("on_hold");
  });

  it("a hold the customer cannot fix says so and takes no changes", async () => {
    const { order, path } = await heldOrder({ note: "please gift wrap" });
    const page = await api(path, { key: null });
    expect(page.body).toContain("nothing you need to do");
    expect(page.body).not.toContain("<form");
    const r = await form(`${path}/address`, { ...goodAddress, version: String(order.version) });
    expect(r.headers.get("location")).toBe(`${path}?done=conflict`);
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(order.version);
  });

  it("the customer's fix races an auditor's decision: exactly one applies", async () => {
    const { order, path } = await heldOrder(badPostcode);
    const auditor = await createKey("auditor", [store.id]);
    const [fix, decision] = await Promise.all([
      form(`${path}/address`, { ...goodAddress, version: String(order.version) }),
      transition(order.id, "reject", { key: auditor, reason: "fraud", ifMatch: `"${order.version}"` }),
    ]);
    const log = (await api(`/v1/orders/${order.id}/events`)).body.data.filter((e: any) => e.seq > order.version);
    if (decision.status === 200) {
      expect(fix.headers.get("location")).toBe(`${path}?done=conflict`);
      expect(log.map((e: any) => e.type)).toEqual(["reject"]);
    } else {
      expect(decision.status).toBe(412);
      expect(fix.headers.get("location")).toBe(`${path}?done=address`);
      expect(log.map((e: any) => e.type)).toEqual(["edited", "approve"]);
    }
  });

  it("unknown and expired links are a 404 page; escaped output", async () => {
    expect((await api("/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", { key: null })).status).toBe(404);
    expect((await api("/o/short", { key: null })).status).toBe(404);
    const { order, path } = await heldOrder({ ...badPostcode, customer: { name: "<script>alert(1)</script>", email: `${unique("x")}@example.com` } });
    await env.DB.prepare("UPDATE customer_tokens SET expires_at = 0 WHERE order_id = ?").bind(order.id).run();
    const expired = await api(path, { key: null });
    expect(expired.status).toBe(404);
    expect(expired.body).toContain("expired");
    const fresh = new URL((await api(`/v1/orders/${order.id}/customer-link`, { method: "POST" })).body.url).pathname;
    await form(`${fresh}/contact`, { email: "x@example.com", phone: "", version: "1" });
    const page = await api(fresh, { key: null });
    expect(page.body).not.toContain("<script>alert(1)</script>");
  });
});
