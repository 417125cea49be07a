// Support resolves a return end to end: an order is delivered through the
// API (picked, packed, labelled, handed over, delivery recorded), support
// opens a return for it in the browser, accepts it, resolves it with a
// refund and reads what the customer was told. Every after-sales page at
// 360 and 1280 px, en and zh-CN.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";
import { deliver, labelledParcel } from "./parcels.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("support opens a return, accepts it, resolves it with a refund and reads the customer's messages", { timeout: 180_000 }, async () => {
  const server = ctx.server;
  const parcel = await labelledParcel(server, { tag: "return" });
  await deliver(server, parcel);
  const page = await newPage({ width: WIDTHS.desktop });
  page.on("dialog", (d) => d.accept());
  try {
    await signIn(page, "support");
    assert.equal(new URL(page.url()).pathname, "/console/after-sales");
    await page.getByLabel("Order id").fill(parcel.order.id);
    await Promise.all([page.waitForURL(/\/console\/after-sales\/new/), page.getByRole("button", { name: "Continue" }).click()]);
    await page.getByLabel("Return", { exact: true }).check();
    await page.getByLabel(/Stoneware mug|MUG-1/).fill("1");
    await page.getByLabel("What is wrong, in the customer's words").fill("The mug arrived with a chipped handle");
    await shot(page, "after-sales-open-filled-en-1280");
    await Promise.all([page.waitForURL(/\/console\/after-sales\/as_/), page.getByRole("button", { name: "Open the request" }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /Request opened/);
    const requestId = new URL(page.url()).pathname.split("/").pop();

    await page.locator("#accept-note").fill("Please post it back with the label we emailed you.");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Accept", exact: true }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /Accepted/);
    assert.equal((await server.api(`/v1/after-sales/${requestId}`)).body.status, "accepted");

    await page.locator("#resolve-resolution").selectOption("refund");
    await page.locator("#resolve-amount").fill("18.00");
    await page.locator("#resolve-note").fill("Refunded the mug in full.");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Resolve", exact: true }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /Resolved/);
    const request = (await server.api(`/v1/after-sales/${requestId}`)).body;
    assert.equal(request.status, "resolved");
    assert.equal(request.refund_amount, "18.00");
    assert.equal((await server.api(`/v1/orders/${parcel.order.id}`)).body.payment_status, "partially_refunded");

    // What the customer was told goes out from a queue: read the request page until the refund message is there.
    let rows = 0;
    for (let i = 0; i < 60 && rows < 6; i++) {
      await page.reload();
      rows = await page.locator("section[aria-labelledby=messages-h] tbody tr").count();
      if (rows < 6) await sleep(1000);
    }
    assert.ok(rows >= 6, `confirmed, shipped, delivered, received, accepted and resolved messages: saw ${rows}`);
    assert.match(await page.locator("section[aria-labelledby=messages-h]").textContent(), /zh-CN/);
    await page.locator("section[aria-labelledby=messages-h] summary").first().click();
    await shot(page, "after-sales-resolved-en-1280");

    await page.getByRole("button", { name: "Make a link" }).click();
    assert.match(await page.locator("#customer-link").inputValue(), /\/o\//);
  } finally {
    await page.context().close();
  }
});

test("every after-sales page reads well at 360 and 1280 px in both languages", { timeout: 300_000 }, async () => {
  const server = ctx.server;
  const parcel = await labelledParcel(server, { tag: "desk-shots" });
  await deliver(server, parcel);
  const opened = await server.api(`/v1/orders/${parcel.order.id}/after-sales`, {
    body: { kind: "claim", reason: "箱子被压坏了，杯子有裂缝。", lines: [{ sku: "MUG-1", quantity: 1 }] },
  });
  assert.equal(opened.status, 201, opened.text);
  const pages = [
    [`/console/after-sales?store=${parcel.store.id}`, "after-sales-queue"],
    [`/console/after-sales/${opened.body.id}`, "after-sales-request"],
    [`/console/after-sales/new?order_id=${parcel.order.id}`, "after-sales-open"],
  ];
  for (const [path, name] of pages) {
    const results = await shotsEverywhere(path, { position: "support", name });
    for (const r of results) {
      assert.equal(r.status, 200, `${path} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${path}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
});
