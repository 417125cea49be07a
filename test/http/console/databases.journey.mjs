// The admin moves a brand's stock pool to the other database from the console (docs/SHARDING.md section 8): finds
// it on Settings › Databases, moves it with one press, sees it on the other database with how long writes waited,
// removes the old copy after the routes' cache has expired; the brand's order still reads and changes. A picker may
// not see the page. Then the page at 360 and 1280 px in both languages.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, switchLanguage, WIDTHS } from "./harness.mjs";

let store;
let order;

async function setUp() {
  if (store) return;
  const s = await ctx.server.api("/v1/stores", { body: { name: `Kettle Nordic ${Date.now().toString(36)}`, currency: "EUR", timezone: "UTC", auto_audit: false, stock: "own" } });
  assert.equal(s.status, 201, s.text);
  store = s.body;
  const o = await ctx.server.api("/v1/orders", {
    body: {
      store_id: store.id,
      channel: "web",
      customer: { name: "Grete Kessel", email: "grete@example.de" },
      shipping_address: { name: "Grete Kessel", line1: "Hauptstr. 1", city: "Berlin", postal_code: "10115", country: "DE" },
      lines: [{ sku: "KETTLE-N", quantity: 1, unit_price: "39.00" }],
      currency: "EUR",
      shipping_amount: "4.90",
    },
  });
  assert.equal(o.status, 201, o.text);
  order = o.body;
}

const poolOf = async (storeId) => (await ctx.server.api("/v1/pools")).body.data.find((p) => p.stores.includes(storeId));

test("the admin moves a brand's pool to the other database from the console; its orders follow", { timeout: 300_000 }, async () => {
  await setUp();
  const before = await poolOf(store.id);
  const to = before.shard_id === "s0" ? "s1" : "s0";
  const page = await newPage({ width: WIDTHS.desktop });
  try {
    await signIn(page, "admin");
    await page.goto(`${ctx.server.base}/console/settings`);
    await page.getByRole("link", { name: /^Databases/ }).click();
    await page.waitForURL((u) => u.pathname === "/console/settings/databases");
    const row = page.locator(`tr[data-pool="${before.id}"]`);
    assert.match(await row.textContent(), new RegExp(store.name));
    // The demo's first brand is in the main pool, which moves like any other (not here: other journeys use it).
    const main = page.locator('tr[data-pool="pool_s0"]');
    assert.match(await main.textContent(), /Demo Store/);
    assert.doesNotMatch(await main.textContent(), /from before pools/);
    assert.equal(await main.getByRole("button", { name: "Move" }).count(), 1);
    await row.getByLabel("Move to").selectOption(to);
    await Promise.all([page.waitForURL((u) => u.pathname === "/console/settings/databases"), row.getByRole("button", { name: "Move" }).click()]);
    const flash = await page.locator(".flash").textContent();
    assert.match(flash, new RegExp(`${before.id} is on ${to}\\. Writes waited \\d+ ms\\.`));
    await shot(page, "databases-moved-en-1280");
    // The pool is on the other database, in service; the old copy waits for every cached route to expire.
    const after = await poolOf(store.id);
    assert.equal(after.shard_id, to);
    assert.equal(after.state, "live");
    assert.equal(after.move?.phase, "switched");
    assert.equal(await row.locator("td").nth(1).textContent(), to);
    // The brand's order reads and changes where it now is.
    assert.equal((await ctx.server.api(`/v1/orders/${order.id}`)).status, 200);
    const held = await ctx.server.api(`/v1/orders/${order.id}/transitions`, { body: { event: "hold", reason: "address check" } });
    assert.equal(held.status, 200, held.text);
    // After the routes' cache (30 s), the old copy goes.
    await new Promise((done) => setTimeout(done, 31_000));
    await Promise.all([page.waitForURL((u) => u.pathname === "/console/settings/databases"), row.getByRole("button", { name: "Remove the old copy" }).click()]);
    assert.match(await page.locator(".flash").textContent(), new RegExp(`${before.id} is on ${to}, and the old copy is removed\\.`));
    assert.equal((await poolOf(store.id)).move, null);
    // In zh-CN the page says the same.
    await switchLanguage(page, "zh-CN");
    assert.match(await page.locator("h1").textContent(), /数据库/);
    assert.equal(await page.locator(`tr[data-pool="${before.id}"] td`).nth(1).textContent(), to);
  } finally {
    await page.context().close();
  }
  // A picker has no business with databases: the page refuses, and the settings index does not offer it.
  const picker = await newPage({ width: WIDTHS.desktop });
  try {
    await signIn(picker, "picker");
    const res = await picker.goto(`${ctx.server.base}/console/settings/databases`);
    assert.equal(res?.status(), 403);
  } finally {
    await picker.context().close();
  }
});

test("the databases page reads well at 360 and 1280 px in both languages", { timeout: 300_000 }, async () => {
  await setUp();
  const results = await shotsEverywhere("/console/settings/databases", { position: "admin", name: "settings-databases" });
  for (const r of results) {
    assert.equal(r.status, 200, `${r.lang} ${r.width}`);
    assert.equal(r.htmlLang, r.lang);
    assert.ok(r.overflow <= 0, `no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
  }
});
