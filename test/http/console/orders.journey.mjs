// The order desk: an admin narrows the list to held orders, saves that view, opens an order, holds and approves
// it with the buttons, ticks two orders and exports them as CSV. Then every orders page at 360 and 1280 px, en and zh-CN.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";

const tag = `J${Date.now().toString(36).toUpperCase()}`;

async function makeOrder(suffix, fields = {}) {
  const r = await ctx.server.api("/v1/orders", {
    body: {
      store_id: "st_demo",
      channel: "web",
      external_id: `${tag}-${suffix}`,
      payment_status: "paid",
      customer: { name: "Journey Customer", email: `journey-${tag.toLowerCase()}@example.com` },
      shipping_address: { name: "Journey Customer", line1: "1 Main St", city: "New York", region: "NY", postal_code: "10001", country: "US" },
      lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
      currency: "USD",
      shipping_amount: "4.50",
      ...fields,
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test("an admin filters to held orders, saves the view, acts on an order and exports two as CSV", { timeout: 300_000 }, async () => {
  const a = await makeOrder("A");
  const b = await makeOrder("B");
  // The demo store audits new orders: B is the same customer's second order, which the audit may hold itself.
  assert.notEqual((await ctx.server.audited(a.id)).status, "on_hold");
  if ((await ctx.server.audited(b.id)).status !== "on_hold") {
    const held = await ctx.server.api(`/v1/orders/${b.id}/transitions`, { body: { event: "hold", reason: "journey check" } });
    assert.equal(held.status, 200, held.text);
  }
  const page = await newPage({ width: WIDTHS.desktop });
  page.on("dialog", (d) => d.accept());
  try {
    await signIn(page, "admin");
    await page.goto(`${ctx.server.base}/console/orders`);
    await page.getByLabel("Status", { exact: true }).selectOption("on_hold");
    await page.getByLabel("Order id, external id, customer email or phone").fill(tag);
    await Promise.all([page.waitForURL(/status=on_hold/), page.getByRole("button", { name: "Apply" }).click()]);
    assert.ok(await page.getByRole("link", { name: `#${tag}-B` }).isVisible());
    assert.equal(await page.getByRole("link", { name: `#${tag}-A` }).count(), 0);
    // Save the view; it comes back as a link above the list.
    await page.getByLabel("Name for this view").fill(`Held ${tag}`);
    // The page it redirects to has the URL this one has, so waitForURL alone does not wait for it: wait for the load.
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Save view" }).click()]);
    await page.getByText(`View “Held ${tag}” saved.`).waitFor();
    assert.ok(await page.getByRole("link", { name: `Held ${tag}` }).isVisible());
    await shot(page, "orders-list-saved-view-en-1280");
    // Open the held order and approve it.
    await Promise.all([page.waitForURL(new RegExp(`/console/orders/${b.id}$`)), page.getByRole("link", { name: `#${tag}-B` }).click()]);
    assert.ok(await page.getByRole("heading", { name: new RegExp(`Order #${tag}-B`) }).isVisible());
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Approve", exact: true }).click()]);
    await page.getByText("Done: Approve.").waitFor();
    assert.equal((await ctx.server.api(`/v1/orders/${b.id}`)).body.status, "approved");
    // The browser keeps the action's D1 bookmark (HttpOnly, the console's path), so the page it lands on, and the
    // next, read from a replica at least that new (docs/api.md, "Read replicas").
    const bookmark = (await page.context().cookies()).find((c) => c.name === "oms_d1_bookmark");
    assert.ok(bookmark, "the bookmark cookie is set");
    assert.match(bookmark.value, /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
    assert.equal(bookmark.path, "/console");
    assert.equal(bookmark.httpOnly, true);
    // Hold it again with a reason, through its form.
    await page.getByLabel("Reason for holding").fill("customer called back");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Hold", exact: true }).click()]);
    await page.getByText("Done: Hold.").waitFor();
    assert.equal((await ctx.server.api(`/v1/orders/${b.id}`)).body.status, "on_hold");
    await shot(page, "orders-order-after-hold-en-1280");
    // Tick both orders of this journey and export them.
    await page.goto(`${ctx.server.base}/console/orders?q=${tag}`);
    await page.getByLabel(`Select #${tag}-A`).check();
    await page.getByLabel(`Select #${tag}-B`).check();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export ticked as CSV" }).click()]);
    const csv = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"));
    assert.ok(csv.includes(a.id) && csv.includes(b.id), csv.slice(0, 500));
    assert.equal(csv.trim().split("\n").length, 3);
  } finally {
    await page.context().close();
  }
});

test("the order list and an order's page read well at 360 and 1280 px in both languages", { timeout: 300_000 }, async () => {
  const o = await makeOrder("SHOT", { note: "ring twice" });
  for (const [path, name] of [
    ["/console/orders?store_id=st_demo", "orders-list"],
    [`/console/orders/${o.id}`, "orders-order"],
  ]) {
    const results = await shotsEverywhere(path, { position: "admin", name });
    for (const r of results) {
      assert.equal(r.status, 200);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${name}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
});

test("finance issues an approved order's invoice from its page and gets the PDF; the page reads well everywhere", { timeout: 300_000 }, async () => {
  const o = await makeOrder("INV");
  if ((await ctx.server.audited(o.id)).status !== "approved") {
    const approved = await ctx.server.api(`/v1/orders/${o.id}/transitions`, { body: { event: "approve" } });
    assert.equal(approved.status, 200, approved.text);
  }
  const page = await newPage({ width: WIDTHS.phone });
  page.on("dialog", (d) => d.accept());
  try {
    await signIn(page, "finance");
    await page.goto(`${ctx.server.base}/console/orders/${o.id}`);
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Issue the invoice" }).click()]);
    const invoice = (await ctx.server.api(`/v1/orders/${o.id}/invoice`)).body;
    assert.match(invoice.number_text, /^INV-\d{6}$/);
    await page.getByText(`Invoice ${invoice.number_text} issued.`).waitFor();
    const href = await page.getByRole("link", { name: "Download the invoice (PDF)" }).getAttribute("href");
    const pdf = await page.request.get(`${ctx.server.base}${href}`);
    assert.equal(pdf.headers()["content-type"], "application/pdf");
    assert.equal((await pdf.body()).subarray(0, 5).toString(), "%PDF-");
    await shot(page, "orders-invoice-issued-en-360");
  } finally {
    await page.context().close();
  }
  for (const r of await shotsEverywhere(`/console/orders/${o.id}`, { position: "finance", name: "orders-order-invoiced" })) {
    assert.equal(r.status, 200);
    assert.ok(r.overflow <= 0, `the invoiced order: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
  }
});
