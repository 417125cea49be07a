// The warehouse lead's stock work on a phone: receiving by typed scans, seeing the stock go up, counting a bin
// with a difference and finding the count in the movements; then every stock page at 360 and 1280 px in both languages.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";

const WH = "wh_main";
const suffix = Date.now().toString(36).toUpperCase();
const RECEIVE_BIN = `RCV-${suffix}`;
const COUNT_BIN = `CNT-${suffix}`;
/**
 * This run's own product: other journeys' orders for the demo's TEA-1 reserve from any bin that holds it, so a count
 * of TEA-1 in this run's bin could be refused ("Not enough stock") when an order holds it.
 */
const SKU = `JRN-S-${suffix}`;

async function onHand(bin, sku = SKU) {
  const r = await ctx.server.api(`/v1/warehouses/${WH}/stock?bin=${bin}&sku=${sku}`);
  assert.equal(r.status, 200);
  return r.body.data[0]?.on_hand ?? 0;
}

/** A product and bins of this run's own (journeys share one server), and 4 of it in the bin to be counted. */
async function prepare() {
  const p = await ctx.server.api("/v1/products", { body: { store_id: "st_demo", sku: SKU, name: `Journey ${SKU}`, price: "6.00" } });
  assert.equal(p.status, 201, p.text);
  for (const code of [RECEIVE_BIN, COUNT_BIN]) {
    const r = await ctx.server.api(`/v1/warehouses/${WH}/bins`, { body: { code, pick_sequence: 900 } });
    assert.equal(r.status, 201, r.text);
  }
  const r = await ctx.server.api(`/v1/warehouses/${WH}/receipts`, { body: { lines: [{ sku: SKU, bin: COUNT_BIN, quantity: 4, unit_cost: "3.00" }] } });
  assert.equal(r.status, 201, r.text);
}

/** A demo order's shipment stopped on the floor, so the interceptions page has one to show (best effort). */
async function stoppedShipment() {
  const order = await ctx.server.api("/v1/orders", {
    body: {
      store_id: "st_demo",
      channel: "web",
      customer: { name: "Journey Stock", email: "stock-journey@example.com", phone: "+44 20 7946 0958" },
      shipping_address: { name: "Journey Stock", line1: "1 Dock Road", city: "London", postal_code: "E1 1AA", country: "GB" },
      lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
      currency: "USD",
      shipping_amount: "4.50",
    },
  });
  if (order.status !== 201) return null;
  await ctx.server.api(`/v1/orders/${order.body.id}/transitions`, { body: { event: "approve" } });
  await ctx.server.api(`/v1/orders/${order.body.id}/allocation`, { body: {} });
  // Allocation may also run from the queue after the approval: wait for the shipment either way.
  let shipment = null;
  for (let i = 0; i < 40 && !shipment; i++) {
    const list = await ctx.server.api(`/v1/shipments?order_id=${order.body.id}`);
    shipment = list.body?.data?.[0]?.id ?? null;
    if (!shipment) await new Promise((r) => setTimeout(r, 250));
  }
  if (!shipment) return null;
  const r = await ctx.server.api(`/v1/shipments/${shipment}/intercept`, { body: { reason: "customer called: hold it" } });
  return r.status === 200 ? shipment : null;
}

test("a warehouse lead receives by scan on a phone, sees the stock go up, counts a bin and finds the difference in the movements", { timeout: 300_000 }, async () => {
  await prepare();
  const page = await newPage({ width: WIDTHS.phone });
  try {
    await signIn(page, "warehouse_lead");
    await page.goto(`${ctx.server.base}/console/stock`);
    await page.getByRole("link", { name: "Receive", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/console/stock/receive");
    // The SKU field has the focus; a scanner types and ends with Enter, which moves on to the next field.
    assert.equal(await page.evaluate(() => document.activeElement?.id), "sku");
    await page.keyboard.type(SKU);
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "bin");
    await page.keyboard.type(RECEIVE_BIN.toLowerCase());
    await page.keyboard.press("Enter");
    await page.getByLabel("Quantity").fill("10");
    await page.getByLabel(/^Unit cost/).fill("4.20");
    await page.getByLabel("Reference").fill("PO-J-1");
    await shot(page, "stock-receive-filled-en-360");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("bin") === RECEIVE_BIN), page.getByRole("button", { name: "Receive" }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), new RegExp(`Received 10 × ${SKU} into ${RECEIVE_BIN}: 10 on hand now`));
    assert.equal(await onHand(RECEIVE_BIN), 10);
    await shot(page, "stock-received-en-360");

    // The stock page shows the new row.
    await page.getByRole("link", { name: "Stock", exact: true }).last().click();
    await page.getByLabel("Bin").fill(RECEIVE_BIN);
    await Promise.all([page.waitForURL((u) => u.searchParams.get("bin") === RECEIVE_BIN), page.getByRole("button", { name: "Filter" }).click()]);
    assert.equal((await page.locator("td[data-on-hand]").first().textContent()).trim(), "10");
    await shot(page, "stock-levels-filtered-en-360");

    // Count the other bin: 4 expected, 3 found.
    await page.getByRole("link", { name: "Count", exact: true }).click();
    await page.getByLabel("Bin").fill(COUNT_BIN);
    await page.getByRole("button", { name: "Show the bin" }).click();
    await page.waitForURL((u) => u.searchParams.get("bin") === COUNT_BIN);
    await page.getByLabel(`Counted: ${SKU}`).fill("3");
    await page.getByLabel("Reason").fill("weekly count");
    await shot(page, "stock-count-filled-en-360");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Record the count" }).click()]);
    assert.match(await page.locator(".flash").textContent(), new RegExp(`Count recorded for ${COUNT_BIN}: 1 SKUs, difference -1`));
    assert.equal(await onHand(COUNT_BIN), 3);

    await page.getByRole("link", { name: "Movements", exact: true }).click();
    await page.getByLabel("Kind").selectOption("count");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("kind") === "count"), page.getByRole("button", { name: "Filter" }).click()]);
    const first = page.locator("tbody tr").first();
    assert.match(await first.textContent(), /Counted/);
    assert.match(await first.textContent(), new RegExp(COUNT_BIN));
    assert.match(await first.textContent(), /-1/);
    assert.match(await first.textContent(), /weekly count/);
    await shot(page, "stock-movements-count-en-360");
  } finally {
    await page.context().close();
  }
});

test("every stock page reads well at 360 and 1280 px in both languages", { timeout: 600_000 }, async () => {
  await stoppedShipment();
  const pages = [
    ["/console/stock", "stock-levels"],
    ["/console/stock/receive", "stock-receive"],
    ["/console/stock/adjust", "stock-adjust"],
    [`/console/stock/count?bin=${COUNT_BIN}`, "stock-count"],
    ["/console/stock/movements", "stock-movements"],
    ["/console/stock/interceptions", "stock-interceptions"],
  ];
  for (const [path, name] of pages) {
    const results = await shotsEverywhere(path, { position: "warehouse_lead", name });
    for (const r of results) {
      assert.equal(r.status, 200, `${name} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${name}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
});

// ---------------------------------------------------------------- replenishment and transfers

const EAST = { name: `Journey East ${suffix}` };
const MOVE_SKU = `JRN-T-${suffix}`;
const BUY_SKU = `JRN-B-${suffix}`;
const MOVE_BIN = `TRF-${suffix}`;
const EAST_BIN = `E-${suffix}`;

/**
 * This run's own products (never TEA-1: shelf stock of it would change the demo's holds): one with 12 in a bin of
 * the main warehouse to send east, and one that sold 2 a day for 28 days (rollup rows, as the API reads sales) from a
 * supplier of its own, so the main warehouse's replenishment suggests ordering it. A second warehouse to send to.
 */
async function prepareMoves() {
  for (const sku of [MOVE_SKU, BUY_SKU]) {
    const p = await ctx.server.api("/v1/products", { body: { store_id: "st_demo", sku, name: `Journey ${sku}`, price: "9.00" } });
    assert.equal(p.status, 201, p.text);
  }
  const wh = await ctx.server.api("/v1/warehouses", { body: { name: EAST.name, country: "US", region: "NY", store_ids: ["st_demo"] } });
  assert.equal(wh.status, 201, wh.text);
  EAST.id = wh.body.id;
  for (const [w, code] of [
    [WH, MOVE_BIN],
    [EAST.id, EAST_BIN],
  ]) {
    const b = await ctx.server.api(`/v1/warehouses/${w}/bins`, { body: { code, pick_sequence: 900 } });
    assert.equal(b.status, 201, b.text);
  }
  const r = await ctx.server.api(`/v1/warehouses/${WH}/receipts`, { body: { lines: [{ sku: MOVE_SKU, bin: MOVE_BIN, quantity: 12, unit_cost: "2.00" }] } });
  assert.equal(r.status, 201, r.text);
  const sup = await ctx.server.api("/v1/suppliers", { body: { store_id: "st_demo", name: `Journey Farm ${suffix}`, currency: "USD", lead_time_days: 5 } });
  assert.equal(sup.status, 201, sup.text);
  const item = await ctx.server.api(`/v1/suppliers/${sup.body.id}/items/${BUY_SKU}`, { method: "PUT", body: { unit_cost: "1.50", pack_size: 6 } });
  assert.ok([200, 201].includes(item.status), item.text);
  const days = Array.from({ length: 28 }, (_, i) => new Date(Date.now() - (i + 1) * 86_400_000).toISOString().slice(0, 10));
  await ctx.server.d1(
    `INSERT INTO rollup_sku_days (store_id, day, warehouse_id, sku, currency, units_ordered, revenue_ordered, units_cancelled, revenue_cancelled, units_shipped, revenue_shipped, cost_shipped) VALUES ${days
      .map((d) => `('st_demo', '${d}', '${WH}', '${BUY_SKU}', 'USD', 2, 0, 0, 0, 2, 0, NULL)`)
      .join(", ")}`,
  );
  return sup.body.id;
}

let sentTransfer = null;

test("an admin turns a replenishment suggestion into a draft purchase order; a lead on a phone sends a transfer by scan and receives it at the other warehouse", {
  timeout: 300_000,
}, async () => {
  await prepareMoves();
  const admin = await newPage({ width: WIDTHS.desktop });
  try {
    await signIn(admin, "admin");
    await admin.goto(`${ctx.server.base}/console/stock?warehouse=${WH}`);
    await admin.getByRole("link", { name: "Replenishment", exact: true }).click();
    await admin.waitForURL((u) => u.pathname === "/console/stock/replenishment");
    // 2 a day, 5 days' lead time, 7 days' safety: reorder point 24, target 24 + 28 = 52; nothing on hand: order 52 -> 54 (packs of 6).
    const row = admin.locator("tr", { has: admin.locator(`input[value="${BUY_SKU}"]`) });
    assert.match(await row.textContent(), /Order\s*54/);
    assert.match(await row.textContent(), /sells 2\/day/);
    await admin.getByLabel(`Choose ${BUY_SKU}`).check();
    await shot(admin, "stock-replenishment-chosen-en-1280");
    await Promise.all([admin.waitForURL((u) => u.searchParams.has("made")), admin.getByRole("button", { name: "Create draft purchase orders" }).click()]);
    assert.match(await admin.locator(".flash").first().textContent(), /Draft purchase orders made: po_/);
    const draft = admin.locator('a[href^="/console/purchasing/orders/po_"]').first();
    assert.match(await admin.locator("[role=status]").last().textContent(), new RegExp(`${BUY_SKU} × 54`));
    await shot(admin, "stock-replenishment-drafts-en-1280");
    await Promise.all([admin.waitForURL(/\/console\/purchasing\/orders\/po_/), draft.click()]);
    assert.match(await admin.locator("main").textContent(), new RegExp(BUY_SKU));
  } finally {
    await admin.context().close();
  }

  const page = await newPage({ width: WIDTHS.phone });
  try {
    await signIn(page, "warehouse_lead");
    await page.goto(`${ctx.server.base}/console/stock/transfers?warehouse=${WH}`);
    await page.getByRole("link", { name: "New transfer", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/console/stock/transfers/new");
    await page.getByLabel("To", { exact: true }).selectOption(EAST.id);
    // The first SKU field has the focus; each scan's Enter moves on to the next field.
    await page.locator('[id="sku.0"]').focus();
    await page.keyboard.type(MOVE_SKU);
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "from_bin.0");
    await page.keyboard.type(MOVE_BIN.toLowerCase());
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "quantity.0");
    await page.keyboard.type("20");
    await shot(page, "stock-transfer-new-filled-en-360");
    // 20 is more than the bin holds: refused whole, nothing moved.
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Send" }).click()]);
    assert.match(await page.locator(".flash.bad").textContent(), /Not enough stock/);
    assert.equal(await page.locator('[id="sku.0"]').inputValue(), MOVE_SKU);
    await shot(page, "stock-transfer-refused-en-360");
    await page.locator('[id="quantity.0"]').fill("5");
    await Promise.all([page.waitForURL(/\/console\/stock\/transfers\/stt_/), page.getByRole("button", { name: "Send" }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), new RegExp(`5 units in transit to ${EAST.name}`));
    sentTransfer = /\/transfers\/(stt_[^?]+)/.exec(page.url())[1];
    assert.equal(await onHand(MOVE_BIN, MOVE_SKU), 7);
    await shot(page, "stock-transfer-sent-en-360");

    // At the other warehouse: scan the bin, the quantity is the one sent.
    await page.getByLabel("Bin", { exact: true }).fill(EAST_BIN.toLowerCase());
    assert.equal(await page.locator('[id="quantity.1"]').inputValue(), "5");
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/receive") && r.request().method() === "POST"),
      page.locator('form[action$="/receive"] button[type="submit"]').click(),
    ]);
    assert.equal(answer.status(), 303);
    await page.locator(".flash.ok").waitFor();
    assert.match(await page.locator(".flash.ok").textContent(), new RegExp(`5 units received into ${EAST_BIN}`));
    assert.match(await page.locator("main").textContent(), /Every unit of this transfer is received/);
    const there = await ctx.server.api(`/v1/warehouses/${EAST.id}/stock?sku=${MOVE_SKU}`);
    assert.equal(there.body.data[0]?.on_hand, 5);
    await shot(page, "stock-transfer-received-en-360");
  } finally {
    await page.context().close();
  }
});

test("the replenishment and transfer pages read well at 360 and 1280 px in both languages", { timeout: 600_000 }, async () => {
  assert.ok(sentTransfer, "the transfer journey ran first");
  const pages = [
    ["admin", `/console/stock/replenishment?warehouse=${WH}&include_none=true`, "stock-replenishment"],
    ["warehouse_lead", `/console/stock/transfers?warehouse=${WH}`, "stock-transfers"],
    ["warehouse_lead", `/console/stock/transfers/new?warehouse=${WH}&to=${EAST.id}&sku=${MOVE_SKU}&quantity=2`, "stock-transfer-new"],
    ["warehouse_lead", `/console/stock/transfers/${sentTransfer}?warehouse=${EAST.id}`, "stock-transfer-page"],
  ];
  for (const [position, path, name] of pages) {
    const results = await shotsEverywhere(path, { position, name });
    for (const r of results) {
      assert.equal(r.status, 200, `${name} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${name}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
});
