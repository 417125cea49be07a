// Purchasing from both ends: an admin adds a supplier (priced in CNY) and an item on its list, makes a purchase
// order of two lines and submits it; a warehouse lead on a phone receives part of it into a bin by scan, is
// refused an over-receipt in words, and receives it with a reason. Then every purchasing page, and the
// over-receipt refusal, at 360 and 1280 px in both languages.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";
import { DEMO_PURCHASE_ORDERS, DEMO_SUPPLIER as SEEDED_SUPPLIER } from "../../../scripts/seed.mjs";

const tag = Date.now().toString(36).toUpperCase();
const SUPPLIER = `Journey Teaware ${tag}`;
const DEMO_SUPPLIER = SEEDED_SUPPLIER.id;
const [DEMO_PARTLY, DEMO_SUBMITTED] = DEMO_PURCHASE_ORDERS.map((po) => po.id);

const byId = (page, id) => page.locator(`[id="${id}"]`);

test("an admin adds a supplier and an item, makes a purchase order and submits it; the dock receives part of it, over-receipt refused until a reason is given", {
  timeout: 300_000,
}, async () => {
  const admin = await newPage({ width: WIDTHS.desktop });
  admin.on("dialog", (d) => d.accept());
  let poId;
  try {
    await signIn(admin, "admin");
    await admin.goto(`${ctx.server.base}/console/purchasing`);
    await admin.getByRole("link", { name: "Suppliers", exact: true }).click();
    await admin.waitForURL((u) => u.pathname === "/console/purchasing/suppliers");
    await admin.getByLabel("Store", { exact: true }).selectOption("st_demo");
    await admin.getByLabel("Currency", { exact: true }).fill("CNY");
    await admin.getByLabel("Name", { exact: true }).fill(SUPPLIER);
    await admin.getByLabel("Contact", { exact: true }).fill("Lin Wei");
    await admin.getByLabel("Payment terms", { exact: true }).fill("NET 30");
    await admin.getByLabel("Lead time (days)").fill("14");
    await admin.getByLabel("Over-receipt tolerance (%)").fill("0");
    await shot(admin, "purchasing-supplier-new-filled-en-1280");
    await Promise.all([admin.waitForURL(/\/console\/purchasing\/suppliers\/sup_/), admin.getByRole("button", { name: "Add supplier" }).click()]);
    assert.match(await admin.locator(".flash.ok").textContent(), new RegExp(`Supplier ${SUPPLIER} added`));

    // Its price list: kettles at ¥210.00, at least 10, in pairs.
    await admin.getByLabel("SKU", { exact: true }).fill("KETTLE-1");
    await admin.getByLabel("Supplier SKU").fill("JT-KETTLE");
    await admin.getByLabel(/^Unit cost \(CNY\)/).fill("210.00");
    await admin.getByLabel("Minimum order").fill("10");
    await admin.getByLabel("Pack size").fill("2");
    await Promise.all([admin.waitForEvent("load"), admin.getByRole("button", { name: "Save item" }).click()]);
    assert.match(await admin.locator(".flash.ok").textContent(), /KETTLE-1 saved: CN¥210\.00 per unit/);
    await shot(admin, "purchasing-supplier-with-item-en-1280");

    // Preferred for replenishment: Change fills the form, the box is ticked and saved, the list says so.
    await admin.getByRole("link", { name: "Change", exact: true }).click();
    await admin.getByLabel("Preferred supplier of this SKU").check();
    await Promise.all([admin.waitForEvent("load"), admin.getByRole("button", { name: "Save item" }).click()]);
    assert.equal(await admin.locator('[data-preferred="true"]').count(), 1);
    const supplierId = new URL(admin.url()).pathname.split("/").pop();
    assert.equal((await ctx.server.api(`/v1/suppliers/${supplierId}/items`)).body.data[0].preferred, true);

    // A webhook address: its signing secret is shown once, with how to verify it; the page afterwards shows none.
    await admin.getByLabel("Webhook address").fill("https://orders.journey-teaware.example/po");
    await Promise.all([admin.waitForEvent("load"), admin.getByRole("button", { name: "Save webhook address" }).click()]);
    const secret = await admin.locator("#signing-secret").textContent();
    assert.match(secret.trim(), /^whsec_[A-Za-z0-9+/=]{40,}$/);
    assert.match(await admin.locator(".secret-once").textContent(), /Standard Webhooks/);
    await shot(admin, "purchasing-supplier-secret-en-1280");
    // Its address opened again is the supplier's page, without the secret.
    await admin.goto(admin.url());
    assert.equal(new URL(admin.url()).pathname, `/console/purchasing/suppliers/${supplierId}`);
    assert.equal(await admin.locator("#signing-secret").count(), 0);
    assert.match(await admin.locator("#sending").textContent(), /Set\. It was shown once/);
    // Cleared again: this journey's order goes to be sent by hand (no webhook reaches a made-up address).
    await admin.getByLabel("Webhook address").fill("");
    await Promise.all([admin.waitForEvent("load"), admin.getByRole("button", { name: "Save webhook address" }).click()]);
    assert.match(await admin.locator(".flash.warn").textContent(), /has no webhook address any more/);

    // A purchase order from its page: the supplier is chosen and its prices are beside the form.
    await admin.getByRole("link", { name: `New purchase order from ${SUPPLIER}` }).click();
    await admin.waitForURL((u) => u.pathname === "/console/purchasing/new");
    assert.match(await admin.locator("aside").textContent(), /KETTLE-1: CN¥210\.00, minimum 10, packs of 2/);
    await admin.getByLabel("Warehouse", { exact: true }).selectOption("wh_main");
    await admin.getByLabel("Expected date").fill("2027-01-20");
    await byId(admin, "sku.0").fill("KETTLE-1");
    await byId(admin, "quantity.0").fill("10");
    await byId(admin, "sku.1").fill("FILTER-1");
    await byId(admin, "quantity.1").fill("100");
    await byId(admin, "unit_cost.1").fill("0.45");
    await shot(admin, "purchasing-order-new-filled-en-1280");
    await Promise.all([admin.waitForURL(/\/console\/purchasing\/orders\/po_/), admin.getByRole("button", { name: "Save as draft" }).click()]);
    poId = new URL(admin.url()).pathname.split("/").pop();
    assert.match(await admin.locator(".flash.ok").textContent(), /Draft saved/);
    await Promise.all([admin.waitForEvent("load"), admin.getByRole("button", { name: "Submit to the supplier" }).click()]);
    assert.match(await admin.locator(".flash.ok").textContent(), new RegExp(`Submitted to ${SUPPLIER}; expected Jan 20, 2027`));
    const po = (await ctx.server.api(`/v1/purchase-orders/${poId}`)).body;
    assert.equal(po.status, "submitted");
    assert.equal(po.total, "2145.00");
    // Sent by hand (no webhook, no email), once the queue has been at it; the PDF opens from the page.
    for (let i = 0; i < 40 && !(await ctx.server.api(`/v1/purchase-orders/${poId}`)).body.sent_via; i++) await new Promise((r) => setTimeout(r, 250));
    await admin.reload();
    assert.match(await admin.locator('[data-sent-via="manual"]').textContent(), /To send by hand \(the supplier has no webhook or email\), /);
    const pdf = await admin.request.get(`${ctx.server.base}${await admin.getByRole("link", { name: `Purchase order ${poId} as a PDF` }).getAttribute("href")}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()["content-type"], "application/pdf");
    assert.equal(pdf.headers()["content-disposition"], `inline; filename="${poId}.pdf"`);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), "%PDF-");
    await shot(admin, "purchasing-order-submitted-en-1280");
  } finally {
    await admin.context().close();
  }

  const dock = await newPage({ width: WIDTHS.phone });
  try {
    await signIn(dock, "warehouse_lead");
    await dock.goto(`${ctx.server.base}/console/purchasing`);
    await dock.getByRole("link", { name: poId }).click();
    await dock.getByRole("link", { name: "Receive goods" }).click();
    await dock.waitForURL((u) => u.pathname.endsWith("/receive"));
    // The first line's bin has the focus; a scan's Enter moves on to its quantity, and the quantity's to the next line.
    assert.equal(await dock.evaluate(() => document.activeElement?.id), "bin-0");
    await dock.keyboard.type("a-01");
    await dock.keyboard.press("Enter");
    assert.equal(await dock.evaluate(() => document.activeElement?.id), "quantity-0");
    await dock.keyboard.type("12");
    await dock.keyboard.press("Enter");
    assert.equal(await dock.evaluate(() => document.activeElement?.id), "bin-1");
    await dock.getByLabel(/^Exchange rate \(USD per 1 CNY\)/).fill("0.1392");
    await dock.getByLabel(/^Freight/).fill("8.00");
    await dock.getByLabel("Reference").fill(`ASN-${tag}`);
    await shot(dock, "purchasing-receive-filled-en-360");
    await Promise.all([dock.waitForEvent("load"), dock.getByRole("button", { name: "Receive", exact: true }).click()]);
    // Two more than ordered, with no tolerance: refused, in words, with the quantity and the reason marked.
    const refusal = await dock.locator(".flash.bad").textContent();
    assert.match(refusal, /More than ordered: KETTLE-1 12 of 10 \(up to 10 without a reason\)/);
    assert.match(refusal, /say why under Reason and press Receive again/);
    assert.equal(await byId(dock, "quantity-0").inputValue(), "12");
    assert.equal(await dock.getByLabel("Reason").getAttribute("aria-invalid"), "true");
    assert.deepEqual(
      (await ctx.server.api(`/v1/purchase-orders/${poId}`)).body.lines.map((l) => l.received_qty),
      [0, 0],
    );
    await shot(dock, "purchasing-receive-over-receipt-en-360");
    await dock.getByLabel("Reason").fill("two spare kettles in the carton; we keep them");
    await Promise.all([dock.waitForURL((u) => u.pathname === `/console/purchasing/orders/${poId}`), dock.getByRole("button", { name: "Receive", exact: true }).click()]);
    assert.equal(await dock.locator(".flash.ok").textContent(), "Received 12 units (12 × KETTLE-1 → A-01); the order is now Partially received.");
    const after = (await ctx.server.api(`/v1/purchase-orders/${poId}`)).body;
    assert.equal(after.status, "partially_received");
    assert.deepEqual(
      after.lines.map((l) => l.received_qty),
      [12, 0],
    );
    assert.equal(after.receipts[0].fx_rate, "0.1392");
    await shot(dock, "purchasing-order-received-en-360");
  } finally {
    await dock.context().close();
  }
});

test("every purchasing page reads well at 360 and 1280 px in both languages", { timeout: 600_000 }, async () => {
  const pages = [
    ["/console/purchasing", "purchasing-orders", "admin"],
    ["/console/purchasing/suppliers", "purchasing-suppliers", "admin"],
    [`/console/purchasing/suppliers/${DEMO_SUPPLIER}`, "purchasing-supplier", "admin"],
    [`/console/purchasing/new?supplier=${DEMO_SUPPLIER}`, "purchasing-new-order", "admin"],
    [`/console/purchasing/orders/${DEMO_PARTLY}`, "purchasing-order", "admin"],
    [`/console/purchasing/orders/${DEMO_SUBMITTED}`, "purchasing-order-dock", "warehouse_lead"],
    [`/console/purchasing/orders/${DEMO_SUBMITTED}/receive`, "purchasing-receive", "warehouse_lead"],
  ];
  for (const [path, name, position] of pages) {
    const results = await shotsEverywhere(path, { position, name });
    for (const r of results) {
      assert.equal(r.status, 200, `${name} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${name}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
  // The over-receipt refusal as the dock sees it (nothing is received: the demo order stays as it is).
  const refused = await shotsEverywhere(`/console/purchasing/orders/${DEMO_SUBMITTED}/receive`, {
    position: "warehouse_lead",
    name: "purchasing-receive-refused",
    prepare: async (page) => {
      await byId(page, "bin-0").fill("A-01");
      await byId(page, "quantity-0").fill("30");
      await byId(page, "fx_rate").fill("0.1385");
      await Promise.all([page.waitForEvent("load"), page.locator("form.purchasing-form button[type=submit]").first().click()]);
      assert.equal(await page.locator(".flash.bad").count(), 1);
    },
  });
  for (const r of refused) assert.ok(r.overflow <= 0, `the refusal: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
  // A new webhook address's secret, shown once (a new address each time, so each gets its secret); cleared after.
  let n = 0;
  const secret = await shotsEverywhere(`/console/purchasing/suppliers/${DEMO_SUPPLIER}`, {
    position: "admin",
    name: "purchasing-supplier-secret",
    prepare: async (page) => {
      await byId(page, "w-webhook_url").fill(`https://orders.westlake.example/po/${tag}-${++n}`);
      await Promise.all([page.waitForEvent("load"), page.locator('form[action$="/webhook"] button[type=submit]').click()]);
      assert.equal(await page.locator("#signing-secret").count(), 1);
    },
  });
  for (const r of secret) assert.ok(r.overflow <= 0, `the secret: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
  await ctx.server.api(`/v1/suppliers/${DEMO_SUPPLIER}`, { method: "PATCH", body: { webhook_url: null } });
  assert.deepEqual(
    (await ctx.server.api(`/v1/purchase-orders/${DEMO_SUBMITTED}`)).body.lines.map((l) => l.received_qty),
    [0, 0],
  );
});
