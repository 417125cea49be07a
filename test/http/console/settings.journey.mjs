// The admin's settings: the store's time zone, a threshold of the audit rules tried with the dry run
// beside the form and then saved, and an SLA target; then every settings page at 360 and 1280 px in
// both languages.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";

let store;
let order;

async function setUp() {
  if (store) return;
  const s = await ctx.server.api("/v1/stores", { body: { name: `Settings journey ${Date.now().toString(36)}`, currency: "USD", timezone: "UTC", auto_audit: false } });
  assert.equal(s.status, 201, s.text);
  store = s.body;
  const o = await ctx.server.api("/v1/orders", {
    body: {
      store_id: store.id,
      channel: "web",
      external_id: `SJ-${Date.now().toString(36)}`,
      customer: { name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0958" },
      shipping_address: { name: "Ada Lovelace", line1: "12 St James's Square", city: "London", postal_code: "SW1Y 4JH", country: "GB" },
      lines: [{ sku: "TEA-1", quantity: 2, unit_price: "19.90" }],
      currency: "USD",
      shipping_amount: "4.50",
    },
  });
  assert.equal(o.status, 201, o.text);
  order = o.body;
}

test("the admin sets the store's time zone, tries a threshold with the dry run, saves it and sets an SLA", { timeout: 300_000 }, async () => {
  await setUp();
  const page = await newPage({ width: WIDTHS.desktop });
  try {
    await signIn(page, "admin");
    await page.goto(`${ctx.server.base}/console/settings`);
    await page.getByRole("link", { name: /^Stores/ }).click();
    await page.getByRole("link", { name: store.name }).first().click();
    await page.waitForURL((u) => u.pathname === `/console/settings/stores/${store.id}`);
    await page.getByLabel("Time zone").selectOption("Asia/Shanghai");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Save", exact: true }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /Saved/);
    assert.equal((await ctx.server.api(`/v1/stores/${store.id}`)).body.timezone, "Asia/Shanghai");

    // Audit rules: lower the large-order threshold, see what it would do to the order, then save.
    await page.getByRole("link", { name: "Audit rules" }).click();
    await page.waitForURL((u) => u.pathname.endsWith("/audit-rules"));
    await page.locator("#amount-thresholds-amt-0").fill("10.00");
    await page.getByLabel("Recent order").selectOption(order.id);
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Try these rules" }).click()]);
    const result = await page.locator("#dry-run-result").textContent();
    assert.match(result, /Hold for review/);
    assert.match(result, /Large orders/);
    await shot(page, "settings-audit-dry-run-en-1280");
    assert.equal((await ctx.server.api(`/v1/stores/${store.id}/audit-rules`)).body.version, 0, "a dry run saves nothing");
    // The edited threshold is still in the form: save it.
    assert.equal(await page.locator("#amount-thresholds-amt-0").inputValue(), "10.00");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Save rules" }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /Audit rules saved/);
    const rules = (await ctx.server.api(`/v1/stores/${store.id}/audit-rules`)).body;
    assert.equal(rules.rules.find((r) => r.kind === "amount").params.thresholds.USD, "10.00");

    // SLA: approve within 45 minutes.
    await page.getByRole("link", { name: "SLA targets" }).click();
    await page.getByLabel(/^Received to approved/).fill("45");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Save", exact: true }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /SLA targets saved/);
    assert.equal((await ctx.server.api(`/v1/stores/${store.id}/sla`)).body.received_to_approved_minutes, 45);
  } finally {
    await page.context().close();
  }
});

test("the dry run reads on a phone in Chinese", { timeout: 180_000 }, async () => {
  await setUp();
  const page = await newPage({ width: WIDTHS.phone, lang: "zh-CN" });
  try {
    await page.context().addCookies([{ name: "oms_console_lang", value: "zh-CN", url: ctx.server.base }]);
    await signIn(page, "admin");
    await page.goto(`${ctx.server.base}/console/settings/stores/${store.id}/audit-rules`);
    await page.getByLabel("最近订单").selectOption(order.id);
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "用这些规则试运行" }).click()]);
    assert.match(await page.locator("#dry-run-result").textContent(), /决定/);
    await shot(page, "settings-audit-dry-run-zh-CN-360");
  } finally {
    await page.context().close();
  }
});

test("every settings page reads well at 360 and 1280 px in both languages", { timeout: 900_000 }, async () => {
  await setUp();
  const pages = [
    ["/console/settings", "settings-index"],
    ["/console/settings/stores", "settings-stores"],
    [`/console/settings/stores/${store.id}`, "settings-store"],
    [`/console/settings/stores/${store.id}/audit-rules`, "settings-audit-rules"],
    [`/console/settings/stores/${store.id}/routing`, "settings-routing"],
    [`/console/settings/stores/${store.id}/logistics`, "settings-logistics"],
    [`/console/settings/stores/${store.id}/sla`, "settings-sla"],
    ["/console/settings/warehouses", "settings-warehouses"],
    ["/console/settings/channels", "settings-channels"],
    ["/console/settings/webhooks", "settings-webhooks"],
  ];
  for (const [path, name] of pages) {
    const results = await shotsEverywhere(path, { position: "admin", name });
    for (const r of results) {
      assert.equal(r.status, 200, `${path} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `no sideways scrolling on ${path} at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
});
