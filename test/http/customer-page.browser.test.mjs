// The customer's order page in a real browser (Debian's Chromium driven by
// playwright-core), on a phone-sized screen: a held order's customer opens
// the link from their message, corrects the postcode and sees the order
// confirmed. Needs /usr/bin/chromium (`apt-get install -y chromium`); without
// it the test is skipped, unless OMS_REQUIRE_BROWSER=1 (as in CI).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { haveBrowser, startServerAndBrowser } from "./browser.mjs";
import { startedForFile } from "./hooks.mjs";
import { DEMO_KEYS } from "./server.mjs";

const CHANNEL_KEY = DEMO_KEYS.find((k) => k.role === "channel").key;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server;
let browser;

/** The customer's message of that template for the order, once the queue has sent it (bounded wait). */
async function messageOf(orderId, template) {
  for (let i = 0; i < 100; i++) {
    const sent = await server.api(`/v1/notifications?order_id=${orderId}`);
    const message = sent.body.data?.find((m) => m.template === template);
    if (message) return message;
    await sleep(200);
  }
  throw new Error(`no ${template} message for ${orderId}`);
}

startedForFile(() => (haveBrowser ? startServerAndBrowser() : null), {
  started: (s) => {
    server = s.server;
    browser = s.browser;
  },
  stop: async (s) => {
    await s.browser.close();
    await s.server.stop();
  },
});

test("a customer fixes their postcode on a phone and the order is confirmed", { skip: !haveBrowser && "no Chromium here", timeout: 120_000 }, async () => {
  const created = await server.api("/v1/orders", {
    key: CHANNEL_KEY,
    body: {
      store_id: "st_demo",
      channel: "web",
      external_id: `browser-${Date.now()}`,
      payment_status: "paid",
      customer: { name: "Li Wei", email: "li.wei@example.com" },
      shipping_address: { name: "Li Wei", line1: "350 Fifth Avenue", city: "New York", region: "NY", postal_code: "1011", country: "US" },
      lines: [{ sku: "TEA-1", quantity: 2, unit_price: "12.50" }],
      currency: "USD",
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;

  // The audit runs from the queue: wait (bounded) for the hold and its message to the customer.
  let message;
  for (let i = 0; i < 100 && !message; i++) {
    const sent = await server.api(`/v1/notifications?order_id=${id}`);
    message = sent.body.data?.find((m) => m.template === "order.on_hold");
    if (!message) await sleep(200);
  }
  assert.ok(message, "the customer was asked to check the order");
  const path = /\/o\/(?:[0-9A-Z]{4}\.)?[0-9A-Za-z]{32}/.exec(message.body)[0];

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.base}${path}`);
  assert.equal(await page.locator("[data-status]").getAttribute("data-status"), "on_hold");
  assert.match(await page.locator("body").innerText(), /"1011" is not a postal code in United States/);

  await page.fill("#postal_code", "10118");
  await Promise.all([page.waitForURL(/done=address/), page.click("form[action$='/address'] button")]);
  assert.equal(await page.locator("[data-status]").getAttribute("data-status"), "approved");
  assert.match(await page.locator("[role=status]").innerText(), /your address was updated/);

  const dir = join(tmpdir(), "oms-screens");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, "customer-page.png"), fullPage: true });

  // The page fits the phone: nothing wider than the screen (measured with scripts on, in a second tab).
  const measuring = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const probe = await measuring.newPage();
  await probe.goto(`${server.base}${path}`);
  const overflow = await probe.evaluate(() => document.documentElement.scrollWidth - Math.min(window.innerWidth, 390));
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await measuring.close();

  const order = await server.api(`/v1/orders/${id}`);
  assert.equal(order.body.status, "approved");
  assert.equal(order.body.shipping_address.postal_code, "10118");
  await context.close();
});

test("a customer asks to return an item on a phone, sees the request, then withdraws it", { skip: !haveBrowser && "no Chromium here", timeout: 120_000 }, async () => {
  const created = await server.api("/v1/orders", {
    key: CHANNEL_KEY,
    body: {
      store_id: "st_demo",
      channel: "web",
      external_id: `browser-return-${Date.now()}`,
      payment_status: "paid",
      customer: { name: "Ada Lovelace", email: "ada.return@example.com" },
      shipping_address: { name: "Ada Lovelace", line1: "350 Fifth Avenue", city: "New York", region: "NY", postal_code: "10118", country: "US" },
      lines: [{ sku: "TEA-1", quantity: 2, unit_price: "12.50" }],
      currency: "USD",
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  // The audit approves and allocation may process it from the queue; staff take it the rest of the way.
  const next = { received: "approve", approved: "process", processing: "fulfil_externally", shipped: "deliver" };
  let status = "received";
  for (let i = 0; i < 100 && status !== "delivered"; i++) {
    status = (await server.api(`/v1/orders/${id}`)).body.status;
    if (status === "received" || !next[status]) {
      await sleep(200);
      continue;
    }
    await server.api(`/v1/orders/${id}/transitions`, { body: { event: next[status] } });
  }
  assert.equal(status, "delivered");
  // Each message carries a fresh link and only the newest acts: mint ours after the delivery message.
  await messageOf(id, "order.delivered");
  const link = await server.api(`/v1/orders/${id}/customer-link`, { method: "POST" });
  assert.equal(link.status, 201, JSON.stringify(link.body));
  const path = new URL(link.body.url).pathname;

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.base}${path}`);
  assert.equal(await page.locator(`form[action$='/received']`).count(), 1);
  await page.selectOption("#kind", "return");
  await page.fill("#qty_1", "1");
  await page.fill("#reason", "One tin arrived dented");
  await Promise.all([page.waitForURL(/done=after_sales/), page.click("form[action$='/after-sales'] button")]);
  assert.match(await page.locator("[role=status]").innerText(), /we received your request/);
  assert.equal(await page.locator("[data-request-status=open]").count(), 1);
  // While the request is open the order does not complete: no receipt button, no second request form.
  assert.equal(await page.locator(`form[action$='/received']`).count(), 0);
  assert.equal(await page.locator(`form[action$='/after-sales']`).count(), 0);

  const requests = (await server.api(`/v1/orders/${id}/after-sales`)).body.data;
  assert.deepEqual(
    requests.map((r) => [r.kind, r.status, r.opened_by, r.lines]),
    [["return", "open", "customer", [{ sku: "TEA-1", quantity: 1 }]]],
  );
  assert.equal((await server.api(`/v1/orders/${id}`)).body.open_after_sales, 1);

  await Promise.all([page.waitForURL(/done=withdrawn/), page.click("form[action*='/withdraw'] button")]);
  assert.equal(await page.locator("[data-request-status=withdrawn]").count(), 1);
  assert.equal(await page.locator(`form[action$='/received']`).count(), 1);
  assert.equal((await server.api(`/v1/orders/${id}`)).body.open_after_sales, 0);
  await context.close();
});

test("a Chinese order without an external id fits 360 and 390 px phones in English and Chinese, and its address is fixed in Chinese order", {
  skip: !haveBrowser && "no Chromium here",
  timeout: 180_000,
}, async () => {
  const created = await server.api("/v1/orders", {
    key: CHANNEL_KEY,
    body: {
      store_id: "st_demo",
      channel: "web",
      payment_status: "paid",
      locale: "zh-CN",
      customer: { name: "张伟", email: "zhang.wei@example.com", phone: "13812345678" },
      shipping_address: {
        name: "张伟",
        line1: "科技园南区高新南一道飞亚达科技大厦1201室",
        district: "南山区",
        city: "深圳市",
        region: "广东省",
        postal_code: "51805",
        country: "CN",
      },
      lines: [{ sku: "TEA-1", quantity: 2, unit_price: "12.50" }],
      currency: "USD",
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal(created.body.external_id ?? null, null);
  let status = "received";
  for (let i = 0; i < 100 && status !== "on_hold"; i++) {
    status = (await server.api(`/v1/orders/${id}`)).body.status;
    if (status !== "on_hold") await sleep(200);
  }
  assert.equal(status, "on_hold");
  // The link from the message that asks the customer to check the order.
  const path = /\/o\/(?:[0-9A-Z]{4}\.)?[0-9A-Za-z]{32}/.exec((await messageOf(id, "order.on_hold")).body)[0];
  const token = path.split("/").pop();

  const shots = "/tmp/shots";
  mkdirSync(shots, { recursive: true });
  for (const lang of ["en", "zh-CN"]) {
    for (const width of [360, 390, 1280]) {
      const phone = width < 600;
      const context = await browser.newContext({ viewport: { width, height: phone ? 800 : 900 }, isMobile: phone, locale: lang });
      const page = await context.newPage();
      const response = await page.goto(`${server.base}${path}?lang=${lang}`);
      // The token leaves the address bar at once: the page lives at /o/order/<id>.
      assert.equal(new URL(page.url()).pathname, `/o/order/${id}`);
      assert.ok(!page.url().includes(token));
      assert.match(response.headers()["content-security-policy"], /frame-ancestors 'none'/);
      assert.equal(await page.locator("html").getAttribute("lang"), lang);
      assert.equal(await page.locator("select#country").count(), 1);
      assert.equal(await page.locator("input#district").count(), 1);
      // Against the screen's width, not only innerWidth: a phone zooms out to fit content that overflows, and
      // innerWidth then grows with it (so scrollWidth <= innerWidth alone would pass a page that scrolls sideways).
      const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth, client: document.documentElement.clientWidth }));
      assert.ok(m.scroll <= m.inner && m.scroll <= width && m.client <= width, `${lang} at ${width}px: the page is wider than the screen (${JSON.stringify(m)})`);
      if (width !== 390) await page.screenshot({ path: join(shots, `customer-${width}-${lang}.png`), fullPage: true });
      await context.close();
    }
  }

  // Fixing it in Chinese: the postcode, and the district chosen again; the order goes through.
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.base}${path}`);
  assert.equal(await page.locator("#country").inputValue(), "CN");
  assert.match(await page.locator("address").innerText(), /^中国\n广东省深圳市南山区\n/);
  await page.fill("#postal_code", "518057");
  await page.fill("#district", "福田区");
  await Promise.all([page.waitForURL(/done=address/), page.click("form[action$='/address'] button")]);
  assert.equal(await page.locator("[data-status]").getAttribute("data-status"), "approved");
  assert.match(await page.locator("address").innerText(), /广东省深圳市福田区/);
  await page.screenshot({ path: join(shots, "customer-360-zh-CN-fixed.png"), fullPage: true });
  const order = await server.api(`/v1/orders/${id}`);
  assert.equal(order.body.shipping_address.district, "福田区");
  await context.close();
});
