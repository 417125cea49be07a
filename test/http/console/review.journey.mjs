// The auditor's main journey: open the review queue, claim the next held
// order, correct its address, leave a note, approve it, and see it leave
// the queue. Screenshots of the queue and the order screen at 360 and
// 1280 px in English and Chinese.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { DEMO_KEYS } from "../server.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn } from "./harness.mjs";

const CHANNEL_KEY = DEMO_KEYS.find((k) => k.role === "channel").key;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A demo-store order the audit holds: a US address with a four-digit postal code. Waits (bounded) for the hold. */
async function heldOrder() {
  const ref = `review-${Date.now().toString(36)}`;
  const created = await ctx.server.api("/v1/orders", {
    key: CHANNEL_KEY,
    body: {
      store_id: "st_demo",
      channel: "web",
      external_id: ref,
      payment_status: "paid",
      customer: { name: "Grace Hopper", email: "grace.hopper@example.com", phone: "+1 212 555 0100" },
      shipping_address: { name: "Grace Hopper", line1: "350 Fifth Avenue", city: "New York", region: "NY", postal_code: "1011", country: "US" },
      lines: [{ sku: "TEA-1", quantity: 2, unit_price: "12.50" }],
      currency: "USD",
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  for (let i = 0; i < 100; i++) {
    const o = await ctx.server.api(`/v1/orders/${created.body.id}`);
    if (o.body.status === "on_hold") return { id: created.body.id, ref };
    await sleep(200);
  }
  throw new Error("the audit did not hold the order within 20 s");
}

test("an auditor claims the next held order, corrects it, notes it, approves it, and it leaves the queue", { timeout: 300_000 }, async () => {
  const order = await heldOrder();
  const page = await newPage();
  try {
    await signIn(page, "auditor");
    assert.equal(new URL(page.url()).pathname, "/console/review");
    // Only this journey's kind of order: the demo store, held for its postal code, claimed by nobody.
    await page.getByLabel("Store").selectOption("st_demo");
    await page.getByLabel("Reason").selectOption("postal_code_invalid");
    await page.getByLabel("Claimed").selectOption("none");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((u) => u.searchParams.get("claimed") === "none");
    assert.ok(await page.getByRole("link", { name: order.ref }).isVisible());
    assert.ok(await page.locator("ul.reasons li", { hasText: "The postal code does not fit the country" }).first().isVisible());

    await Promise.all([page.waitForURL((u) => /^\/console\/review\/ord_/.test(u.pathname)), page.getByRole("button", { name: "Claim the next order" }).click()]);
    if (!page.url().includes(order.id)) {
      // Another held order was older: leave it to whoever it belongs to and take ours.
      await page.getByRole("button", { name: "Release" }).click();
      await page.goto(`${ctx.server.base}/console/review/${order.id}`);
      await page.getByRole("button", { name: "Claim it" }).click();
    }
    await page.getByText("Claimed by you until").waitFor();
    assert.ok(await page.getByText("What the current rules would decide").isVisible());

    // Correct the postal code: saving audits the order again.
    await page.getByLabel("Postal code").fill("10118");
    await page.getByLabel("Why (for the timeline)").fill("Customer confirmed the ZIP code");
    await page.getByRole("button", { name: "Save and audit again" }).click();
    await page.getByText(/^Saved\. The new audit says:/).waitFor();
    const after = await ctx.server.api(`/v1/orders/${order.id}`);
    assert.equal(after.body.shipping_address.postal_code, "10118");

    // The re-audit may already have approved it; if it is still held, the auditor approves it.
    await page.getByLabel("New note").fill("Checked with the customer by phone.");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.getByText("Note added.").waitFor();
    assert.ok(await page.getByText("Checked with the customer by phone.").isVisible());
    await shot(page, "review-order-journey-en-1280");
    if ((await ctx.server.api(`/v1/orders/${order.id}`)).body.status === "on_hold") {
      await page.getByRole("button", { name: "Approve", exact: true }).click();
      await page.getByText(/^Done: the order is now/).waitFor();
    }
    assert.equal((await ctx.server.api(`/v1/orders/${order.id}`)).body.status, "approved");

    await page.getByRole("link", { name: "Back to the review queue" }).click();
    await page.waitForURL((u) => u.pathname === "/console/review");
    assert.equal(await page.getByRole("link", { name: order.ref }).count(), 0);
    await shot(page, "review-queue-journey-en-1280");
  } finally {
    await page.context().close();
  }
});

test("the queue and the order screen read well at 360 and 1280 px in both languages", { timeout: 240_000 }, async () => {
  const order = await heldOrder();
  const pages = [
    ["/console/review?store_id=st_demo", "review-queue"],
    [`/console/review/${order.id}`, "review-order"],
  ];
  for (const [path, name] of pages) {
    const results = await shotsEverywhere(path, { position: "auditor", name });
    for (const r of results) {
      assert.equal(r.status, 200, `${name} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `no sideways scrolling on ${name} at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
});
