/**
 * The customer's own order page: no login, works without JavaScript. The
 * link in a message (`/o/<token>`) becomes a cookie and a token-free address
 * (`/o/order/<id>`); a customer whose order is held for its address corrects
 * it (or confirms it) there and the audit runs again at once.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { api, createKey, createProduct, createStore, orderBody, transition, unique } from "./helpers";
import { mintLink, openLink } from "./customer-visit";

let store: { id: string };
beforeAll(async () => {
  store = await createStore(unique("Tea House"), "USD", { autoAudit: true });
  await createProduct(store.id, "TEA-1", { price: "12.50" });
});

async function heldOrder(over: Record<string, unknown>, storeId = () => store.id) {
  const created = await api("/v1/orders", {
    body: orderBody(storeId(), {
      payment_status: "paid",
      customer: { name: "Ada", email: `${unique("a")}@example.com` },
      lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
      ...over,
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  let order: any;
  await vi.waitFor(
    async () => {
      order = (await api(`/v1/orders/${created.body.id}`)).body;
      expect(order.status).toBe("on_hold");
    },
    { timeout: 10_000, interval: 50 },
  );
  const link = await mintLink(order.id);
  return { order, link, visit: await openLink(link) };
}

const badPostcode = { shipping_address: { name: "Ada", line1: "1 Market St", city: "San Francisco", region: "CA", postal_code: "9410", country: "US" } };
const goodAddress = { name: "Ada", line1: "1 Market St", line2: "", city: "San Francisco", region: "CA", postal_code: "94105", country: "us" };

describe("the customer's order page", () => {
  it("shows the order, what to fix, and a form; no script needed", async () => {
    const { order, visit } = await heldOrder(badPostcode);
    const page = await visit.get();
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = page.body as string;
    expect(html).toContain('data-status="on_hold"');
    expect(html).toContain("&quot;9410&quot; is not a postal code in United States");
    expect(html).toContain(`action="${visit.base}/address"`);
    expect(html).toContain(`name="version" value="${order.version}"`);
    expect(html).toContain(`action="${visit.base}/confirm"`);
    expect(html).not.toContain("<script");
    expect(html).toContain('name="viewport"');
  });

  it("a corrected address re-runs the audit and approves the order", async () => {
    const { order, visit } = await heldOrder(badPostcode);
    const r = await visit.post("/address", { ...goodAddress, version: String(order.version) });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(`${visit.base}?done=address`);
    const after = (await api(`/v1/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status: "approved", shipping_address: { postal_code: "94105", country: "US" } });
    const log = (await api(`/v1/orders/${order.id}/events`)).body.data;
    expect(log.slice(-2).map((e: any) => [e.type, e.actor])).toEqual([
      ["edited", "customer"],
      ["approve", "system:audit"],
    ]);
    expect(log.at(-2).data).toEqual({ source: "customer", fields: ["shipping_address"] });
    const page = await visit.get("?done=address");
    expect(page.body).toContain("your address was updated");
    expect(page.body).toContain('data-status="approved"');
  });

  it("confirming an unusual but real postcode approves the order", async () => {
    const { order, visit } = await heldOrder(badPostcode);
    const r = await visit.post("/confirm", { version: String(order.version), confirm: "1" });
    expect(r.status).toBe(303);
    const after = (await api(`/v1/orders/${order.id}`)).body;
    expect(after.status).toBe("approved");
    const audits = (await api(`/v1/orders/${order.id}/audits`)).body.data;
    expect(audits[0].findings).toMatchObject([{ code: "postal_code_invalid", severity: "info" }]);
  });

  it("sends an invalid form back with the errors and what was typed (422), changing nothing", async () => {
    const { order, visit } = await heldOrder(badPostcode);
    const r = await visit.post("/address", { ...goodAddress, country: "Atlantis", city: "", line1: "1 Typed St", version: String(order.version) });
    expect(r.status).toBe(422);
    expect(r.body).toContain('<select id="country" name="country" required autocomplete="shipping country" aria-invalid="true">');
    expect(r.body).toContain('id="city" name="city" type="text" value="" required autocomplete="shipping address-level2" aria-invalid="true"');
    expect(r.body).toContain('value="1 Typed St"');
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(order.version);
  });

  it("a missing region cannot be confirmed away, only fixed", async () => {
    const { order, visit } = await heldOrder({ shipping_address: { name: "A", line1: "1 Rd", city: "SF", postal_code: "94105", country: "US" } });
    expect((await visit.get()).body).not.toContain(`${visit.base}/confirm`);
    const r = await visit.post("/confirm", { version: String(order.version) });
    expect(r.headers.get("location")).toBe(`${visit.base}?done=conflict`);
    expect((await api(`/v1/orders/${order.id}`)).body.status).toBe("on_hold");
  });

  it("a hold the customer cannot fix says so and takes no changes", async () => {
    const { order, visit } = await heldOrder({ note: "please gift wrap" });
    const page = await visit.get();
    expect(page.body).toContain("nothing you need to do");
    expect(page.body).not.toContain("<form");
    const r = await visit.post("/address", { ...goodAddress, version: String(order.version) });
    expect(r.headers.get("location")).toBe(`${visit.base}?done=conflict`);
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(order.version);
  });

  it("the customer's fix races an auditor's decision: exactly one applies", async () => {
    const { order, visit } = await heldOrder(badPostcode);
    const auditor = await createKey("auditor", [store.id]);
    const [fix, decision] = await Promise.all([
      visit.post("/address", { ...goodAddress, version: String(order.version) }),
      transition(order.id, "reject", { key: auditor, reason: "fraud", ifMatch: `"${order.version}"` }),
    ]);
    const log = (await api(`/v1/orders/${order.id}/events`)).body.data.filter((e: any) => e.seq > order.version);
    if (decision.status === 200) {
      expect(fix.headers.get("location")).toBe(`${visit.base}?done=conflict`);
      expect(log.map((e: any) => e.type)).toEqual(["reject"]);
    } else {
      expect(decision.status).toBe(412);
      expect(fix.headers.get("location")).toBe(`${visit.base}?done=address`);
      expect(log.map((e: any) => e.type)).toEqual(["edited", "approve"]);
    }
  });

  it("unknown and expired links are a 404 page; escaped output", async () => {
    expect((await api("/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", { key: null })).status).toBe(404);
    expect((await api("/o/short", { key: null })).status).toBe(404);
    const { order, link } = await heldOrder({ ...badPostcode, customer: { name: "<script>alert(1)</script>", email: `${unique("x")}@example.com` } });
    await env.DB.prepare("UPDATE customer_tokens SET expires_at = 0 WHERE order_id = ?").bind(order.id).run();
    const expired = await api(new URL(link).pathname, { key: null });
    expect(expired.status).toBe(404);
    expect(expired.body).toContain("expired");
    const fresh = await openLink(await mintLink(order.id));
    await fresh.post("/contact", { email: "x@example.com", phone: "", version: "1" });
    const page = await fresh.get();
    expect(page.body).not.toContain("<script>alert(1)</script>");
  });
});

describe("the link, the cookie and the token-free page", () => {
  it("the link sets a short-lived HttpOnly cookie for its order and redirects (303) to an address without the token, keeping ?lang", async () => {
    const { order, link } = await heldOrder(badPostcode);
    // The link's last segment is the store's tag, a dot, and the token: the cookie holds the token alone.
    const token = new URL(link).pathname.split("/").pop()!.split(".").pop()!;
    const visit = await openLink(link, { query: "?lang=zh-CN" });
    expect(visit.location).toBe(`/o/order/${order.id}?lang=zh-CN`);
    expect(visit.location).not.toContain(token);
    const attrs = visit.setCookie.split(";").map((p) => p.trim());
    expect(attrs[0]).toBe(`oms_order=${token}`);
    expect(attrs).toContain("HttpOnly");
    expect(attrs).toContain("SameSite=Lax");
    expect(attrs).toContain(`Path=/o/order/${order.id}`);
    const maxAge = Number(attrs.find((a) => a.startsWith("Max-Age="))!.slice(8));
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(3600);
    // Plain http here; over https the cookie is Secure.
    expect(attrs).not.toContain("Secure");
    const secure = await exports.default.fetch(`https://oms.test${new URL(await mintLink(order.id)).pathname}`, { redirect: "manual" });
    expect(secure.status).toBe(303);
    expect(secure.headers.get("set-cookie")).toMatch(/; Secure/);
    const page = await visit.get("?lang=zh-CN");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body).not.toContain(token);
  });

  it("the page and its forms need the cookie of their own order", async () => {
    const { order, visit } = await heldOrder(badPostcode);
    const other = await heldOrder(badPostcode);
    expect((await api(visit.base, { key: null })).status).toBe(404);
    const foreign = await api(visit.base, { key: null, headers: { cookie: other.visit.cookie } });
    expect(foreign.status).toBe(404);
    const post = await api(`${visit.base}/address`, {
      key: null,
      body: new URLSearchParams({ ...goodAddress, version: String(order.version) }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: other.visit.cookie },
    });
    expect(post.status).toBe(404);
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(order.version);
    // The old token-bearing form paths are gone.
    const tokenPath = new URL((await api(`/v1/orders/${order.id}/customer-link`, { method: "POST" })).body.url).pathname;
    const old = await api(`${tokenPath}/address`, { key: null, body: "version=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(old.status).toBe(404);
  });

  it("every customer page answer carries the security headers", async () => {
    const { visit } = await heldOrder(badPostcode);
    const answers = [visit.res, await visit.get(), await api("/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", { key: null }), await api(visit.base, { key: null })];
    answers.push(await visit.post("/address", { version: "1" }, { "sec-fetch-site": "cross-site" }));
    answers.push(await visit.post("/address", { ...goodAddress, country: "", version: "1" }));
    for (const a of answers) {
      const csp = a.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(a.headers.get("x-content-type-options")).toBe("nosniff");
      expect(a.headers.get("referrer-policy")).toBe("same-origin");
      expect(a.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("refuses form posts from other sites (403), changing nothing; same-origin and header-less posts pass", async () => {
    const { order, visit } = await heldOrder(badPostcode);
    const fields = { ...goodAddress, version: String(order.version) };
    for (const headers of [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site", origin: "http://shop.oms.test" },
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "same-origin", origin: "https://evil.example" },
    ] as Record<string, string>[]) {
      const r = await visit.post("/address", fields, headers);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body).toContain("can only be sent from the order page");
    }
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(order.version);
    // Our own page's form, as browsers send it: same-origin (with Origin "null" where a page's policy withholds it).
    expect((await visit.post("/address", fields, { origin: "http://oms.test", "sec-fetch-site": "same-origin" })).headers.get("location")).toBe(`${visit.base}?done=address`);
    const ok = await visit.post("/confirm", { version: "0" }, { origin: "null", "sec-fetch-site": "same-origin" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`${visit.base}?done=conflict`);
    expect((await api(`/v1/orders/${order.id}`)).body.status).toBe("approved");
  });

  it("a new link leaves older ones read-only: they show the order but change nothing", async () => {
    const { order, visit: old } = await heldOrder(badPostcode);
    const fresh = await openLink(await mintLink(order.id));
    const oldPage = (await old.get()).body as string;
    expect(oldPage).toContain('data-read-only="superseded"');
    expect(oldPage).toContain("newer link");
    expect(oldPage).not.toContain("<form");
    const r = await old.post("/address", { ...goodAddress, version: String(order.version) });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(`${old.base}?done=superseded`);
    expect((await old.post("/confirm", { version: String(order.version) })).headers.get("location")).toBe(`${old.base}?done=superseded`);
    expect((await api(`/v1/orders/${order.id}`)).body.version).toBe(order.version);
    // An older link opened afresh is read-only too.
    const reopened = await openLink(new URL((await api(`/v1/orders/${order.id}/customer-link`, { method: "POST" })).body.url).pathname);
    expect((await fresh.get()).body).toContain('data-read-only="superseded"');
    expect((await reopened.get()).body).not.toContain('data-read-only="superseded"');
    expect((await reopened.post("/address", { ...goodAddress, version: String(order.version) })).headers.get("location")).toBe(`${reopened.base}?done=address`);
  });

  it("our reply to what the customer did on their page retires no link; the shop's own next message does", async () => {
    const templates = async (orderId: string) => (await api(`/v1/notifications?order_id=${orderId}`)).body.data.map((n: any) => n.template) as string[];
    const sent = (orderId: string, template: string) => vi.waitFor(async () => expect(await templates(orderId)).toContain(template), { timeout: 10_000, interval: 50 });
    const o = (await api("/v1/orders", { body: orderBody(store.id) })).body;
    for (const e of ["approve", "process", "fulfil_externally", "deliver"]) expect((await transition(o.id, e)).status).toBe(200);
    await sent(o.id, "order.delivered");
    const visit = await openLink(await mintLink(o.id));
    const opened = await visit.post("/after-sales", { kind: "return", reason: "dented", qty_1: "1" });
    expect(opened.headers.get("location")).toBe(`${visit.base}?done=after_sales`);
    // The confirmation of their request reaches the mailbox with a link of its own ...
    await sent(o.id, "after_sales.opened");
    const reply = await env.DB.prepare("SELECT reply FROM customer_tokens WHERE order_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1").bind(o.id).first<{ reply: number }>();
    expect(reply?.reply).toBe(1);
    // ... and the page they are on still acts: they withdraw the request from it.
    const page = (await visit.get()).body as string;
    expect(page).not.toContain('data-read-only="superseded"');
    const requestId = /\/after-sales\/([^/"]+)\/withdraw/.exec(page)?.[1];
    expect(requestId).toBeTruthy();
    expect((await visit.post(`/after-sales/${requestId}/withdraw`, { withdraw: "1" })).headers.get("location")).toBe(`${visit.base}?done=withdrawn`);
    expect((await visit.get()).body).toContain(`action="${visit.base}/received"`);
    // A message the shop sends on its own account (here a link from staff) retires the page's link, as before.
    const fresh = await openLink(await mintLink(o.id));
    expect((await visit.get()).body).toContain('data-read-only="superseded"');
    expect((await fresh.get()).body).not.toContain('data-read-only="superseded"');
  });

  it("another customer's newer link leaves this order's own newest link acting", async () => {
    const noticeSent = (orderId: string) =>
      vi.waitFor(async () => expect((await api(`/v1/notifications?order_id=${orderId}`)).body.data.map((n: any) => n.template)).toContain("order.on_hold"), {
        timeout: 10_000,
        interval: 50,
      });
    const { order } = await heldOrder(badPostcode);
    // The hold's own message mints a link too: this customer's newest is the one opened after it.
    await noticeSent(order.id);
    const visit = await openLink(await mintLink(order.id));
    // A message to someone else, sent after this customer's link.
    const other = await heldOrder(badPostcode);
    await noticeSent(other.order.id);
    const page = (await visit.get()).body as string;
    expect(page).not.toContain('data-read-only="superseded"');
    expect(page).toContain(`action="${visit.base}/address"`);
    const r = await visit.post("/address", { ...goodAddress, version: String(order.version) });
    expect(r.headers.get("location")).toBe(`${visit.base}?done=address`);
  });

  it("a cancelled order's page offers nothing to do, and its forms change nothing", async () => {
    const { order, visit } = await heldOrder(badPostcode);
    const cancelled = await transition(order.id, "cancel", { reason: "customer asked" });
    expect(cancelled.status).toBe(200);
    const page = (await visit.get()).body as string;
    expect(page).toContain('data-status="cancelled"');
    expect(page).not.toContain("<form");
    expect(page).not.toContain("<button");
    const version = (await api(`/v1/orders/${order.id}`)).body.version;
    for (const [path, fields] of [
      ["/address", { ...goodAddress, version: String(version) }],
      ["/contact", { email: "new@example.com", phone: "", version: String(version) }],
      ["/confirm", { version: String(version) }],
      ["/received", { version: String(version) }],
      ["/after-sales", { kind: "refund", reason: "x", qty_1: "1" }],
    ] as const) {
      const r = await visit.post(path, fields);
      expect([303, 422]).toContain(r.status);
      if (r.status === 303) expect(r.headers.get("location")).toBe(`${visit.base}?done=conflict`);
    }
    const after = (await api(`/v1/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status: "cancelled", version });
    expect((await api(`/v1/orders/${order.id}/after-sales`)).body.data).toEqual([]);
  });
});

describe("times and addresses as the customer reads them", () => {
  let cn: { id: string };
  beforeAll(async () => {
    const r = await api("/v1/stores", { body: { name: unique("茶馆"), currency: "USD", auto_audit: true, timezone: "Asia/Shanghai", language: "zh-CN" } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    cn = r.body;
    await createProduct(cn.id, "TEA-1", { price: "12.50" });
  });

  const cnAddress = { name: "张伟", line1: "科技园路1号", line2: "A栋1201", district: "南山区", city: "深圳市", region: "广东省", postal_code: "51805", country: "CN" };

  it("shows times in the store's time zone and names it", async () => {
    const { order, visit } = await heldOrder({ shipping_address: cnAddress, locale: "zh-CN" }, () => cn.id);
    const html = (await visit.get()).body as string;
    const events = (await api(`/v1/orders/${order.id}/events`)).body.data;
    const first = Date.parse(events[0].created_at);
    const local = new Date(first + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
    expect(html).toContain(`>${local}</time>`);
    expect(html).toContain(`datetime="${new Date(first + 8 * 3_600_000).toISOString().slice(0, 23)}+08:00"`);
    expect(html).toContain('data-time-zone="Asia/Shanghai"');
    expect(html).toContain("Asia/Shanghai");
    expect(html).not.toMatch(/\d UTC</);
  });

  it("prints a Chinese address big to small, asks for it in that order with a district, and the country is a select", async () => {
    const { order, visit } = await heldOrder({ shipping_address: cnAddress, locale: "zh-CN" }, () => cn.id);
    expect(order.shipping_address.district).toBe("南山区");
    const html = (await visit.get()).body as string;
    expect(html).toContain('<address data-address="CN">中国<br>广东省深圳市南山区<br>科技园路1号A栋1201<br>张伟<br>51805</address>');
    const form = html.slice(html.indexOf(`action="${visit.base}/address"`));
    const at = (id: string) => form.indexOf(`id="${id}"`);
    expect(at("country")).toBeGreaterThan(0);
    expect([at("country"), at("region"), at("city"), at("district"), at("line1"), at("postal_code"), at("name")]).toEqual(
      [at("country"), at("region"), at("city"), at("district"), at("line1"), at("postal_code"), at("name")].sort((a, b) => a - b),
    );
    expect(form).toContain('<label for="district">区 / 县</label>');
    expect(form).toContain('<label for="region">省 / 自治区 / 直辖市</label>');
    expect(form).toContain('<option value="CN" selected>中国</option>');
    expect(form).toContain('<option value="JP">日本</option>');
    expect(form).not.toMatch(/<input id="country"/);

    const r = await visit.post("/address", { ...cnAddress, district: "福田区", postal_code: "518048", version: String(order.version) });
    expect(r.headers.get("location")).toBe(`${visit.base}?done=address`);
    const after = (await api(`/v1/orders/${order.id}`)).body;
    expect(after.shipping_address).toMatchObject({ district: "福田区", postal_code: "518048", country: "CN" });
    expect(after.status).toBe("approved");
  });

  it("prints a Japanese address from the prefecture down, and an English page names the country in English", async () => {
    const jp = { name: "山田太郎", line1: "千代田1-1", city: "千代田区", region: "東京都", postal_code: "1000001x", country: "JP" };
    const { visit } = await heldOrder({ shipping_address: jp }, () => cn.id);
    const html = (await visit.get("?lang=en")).body as string;
    expect(html).toContain('<address data-address="JP">Japan<br>〒1000001x<br>東京都千代田区<br>千代田1-1<br>山田太郎</address>');
    expect(html).toContain('<label for="region">Prefecture</label>');
    expect(html).not.toContain('id="district"');
  });

  it("an order without an external id shows its id as a token that may wrap", async () => {
    const { order, visit } = await heldOrder(badPostcode);
    expect(order.external_id ?? null).toBeNull();
    const html = (await visit.get()).body as string;
    expect(html).toContain(`<span class="id">${order.id}</span>`);
    expect(html).toMatch(/main\{[^}]*overflow-wrap:anywhere/);
  });
});
