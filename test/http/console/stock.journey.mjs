// The warehouse lead's stock work on a phone: receiving by typed scans, seeing the stock go up, counting a bin
// with a difference and finding the count in the movements; then every stock page at 360 and 1280 px in both languages.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";

const WH = "wh_main";
const suffix = Date.now().toString(36).toUpperCase();
const RECEIVE_BIN = `RCV-${suffix}`;
const COUNT_BIN = `CNT-${suffix}`;

async function onHand(bin, sku = "TEA-1") {
  const r = await ctx.server.api(`/v1/warehouses/${WH}/stock?bin=${bin}&sku=${sku}`);
  assert.equal(r.status, 200);
  return r.body.data[0]?.on_hand ?? 0;
}

/** Bins of this run's own (journeys share one server), and 4 TEA-1 in the bin to be counted. */
async function prepare() {
  for (const code of [RECEIVE_BIN, COUNT_BIN]) {
    const r = await ctx.server.api(`/v1/warehouses/${WH}/bins`, { body: { code, pick_sequence: 900 } });
    assert.equal(r.status, 201, r.text);
  }
  const r = await ctx.server.api(`/v1/warehouses/${WH}/receipts`, { body: { lines: [{ sku: "TEA-1", bin: COUNT_BIN, quantity: 4, unit_cost: "3.00" }] } });
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
    await page.keyboard.type("TEA-1");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "bin");
    await page.keyboard.type(RECEIVE_BIN.toLowerCase());
    await page.keyboard.press("Enter");
    await page.getByLabel("Quantity").fill("10");
    await page.getByLabel(/^Unit cost/).fill("4.20");
    await page.getByLabel("Reference").fill("PO-J-1");
    await shot(page, "stock-receive-filled-en-360");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("bin") === RECEIVE_BIN), page.getByRole("button", { name: "Receive" }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), new RegExp(`Received 10 × TEA-1 into ${RECEIVE_BIN}: 10 on hand now`));
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
    await page.getByLabel("Counted: TEA-1").fill("3");
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
