// Customers from both ends: two people order in the demo store, the customers' cron links them (fired here rather than
// waited for: it links orders a minute old); support finds one by email, tags them, adds a note, finds the other by
// phone and merges them after confirming, unmerges again and downloads the privacy export; admin erases one with a
// reason and sees the erased page. Then the list, a profile, the merge and erase confirmations at 360 and 1280 px
// in both languages, with no horizontal overflow.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";

const tag = Date.now().toString(36);
const digits = () => String(Math.floor(Math.random() * 9_000_000) + 1_000_000);
const person = (first) => {
  const d = digits();
  return { name: `${first} ${tag}`, email: `${first.toLowerCase()}.${tag}@example.com`, phone: `+1 415 ${d.slice(0, 3)} ${d.slice(3, 7)}` };
};
const ADA = person("Ada");
const GRACE = person("Grace");
const LINUS = person("Linus");

async function order(who, sku, price) {
  const r = await ctx.server.api("/v1/orders", {
    body: {
      store_id: "st_demo",
      channel: "web",
      currency: "USD",
      customer: { name: who.name, email: who.email, phone: who.phone },
      shipping_address: { name: who.name, line1: "1 Main St", city: "Newark", region: "NJ", postal_code: "07102", country: "US" },
      lines: [{ sku, quantity: 1, unit_price: price }],
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

const customerOf = async (q) => (await ctx.server.api(`/v1/customers?q=${encodeURIComponent(q)}`)).body.data?.[0];

/** Fires the customers' cron (src/customers/sync-customers.ts) until both people are customers: it links orders a minute old. */
async function linked(...people) {
  for (let i = 0; i < 40; i++) {
    await fetch(`${ctx.server.base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("2-59/5 * * * *")}&time=${Date.now()}`).then((r) => r.text());
    const found = await Promise.all(people.map((p) => customerOf(p.email)));
    if (found.every(Boolean)) return found;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  throw new Error("the customers' cron did not link the new orders");
}

let ada;
let grace;

test("support finds a customer, tags them, notes, merges another after confirming and unmerges; downloads the export", { timeout: 300_000 }, async () => {
  await order(ADA, "TEA-1", "12.50");
  await order(ADA, "MUG-1", "18.00");
  await order(GRACE, "KETTLE-1", "69.00");
  await order(LINUS, "FILTER-1", "4.50");
  [ada, grace] = await linked(ADA, GRACE, LINUS);

  const page = await newPage({ width: WIDTHS.desktop });
  page.on("dialog", (d) => d.accept());
  try {
    await signIn(page, "support");
    await page.getByRole("link", { name: "Customers", exact: true }).first().click();
    await page.waitForURL((u) => u.pathname === "/console/customers");
    await page.getByLabel("Search", { exact: true }).fill(ADA.email.toUpperCase());
    await Promise.all([page.waitForURL(/q=/), page.getByRole("button", { name: "Search" }).click()]);
    const row = page.locator(`[data-customer="${ada.id}"]`);
    assert.match(await row.textContent(), /\$30\.50/);
    assert.ok(await page.getByRole("link", { name: "Download CSV" }).isVisible());
    await shot(page, "customers-list-search-en-1280");
    await Promise.all([page.waitForURL(/\/console\/customers\/cst_/), row.getByRole("link", { name: ADA.name }).click()]);

    // Tags and a note.
    await page.getByLabel("Tags", { exact: true }).fill("VIP, Wholesale");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Save tags" }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /Tags saved/);
    assert.equal((await page.locator("[data-tags]").textContent()).trim(), "vip, wholesale");
    await page.getByLabel("New note").fill("Prefers deliveries after 6 pm");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Add note" }).click()]);
    assert.match(await page.locator(".customer-history").textContent(), /Prefers deliveries after 6 pm/);

    // Merge: find Grace by phone, confirm with both named.
    await page.getByLabel("Find the other customer").fill(GRACE.phone);
    await Promise.all([page.waitForURL(/merge_q=/), page.getByRole("button", { name: "Find" }).click()]);
    await Promise.all([page.waitForURL(/\/merge\?source=/), page.getByRole("link", { name: `Merge ${GRACE.name} into this customer` }).click()]);
    assert.match(await page.locator("h1").textContent(), new RegExp(`Merge ${GRACE.name} into ${ADA.name}\\?`));
    await shot(page, "customers-merge-confirm-en-1280");
    await Promise.all([page.waitForURL((u) => u.pathname === `/console/customers/${ada.id}`), page.getByRole("button", { name: "Merge", exact: true }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), new RegExp(`Merged ${GRACE.name} into this customer`));
    assert.equal(await page.locator('a[href^="/console/orders/ord_"]').count(), 3);
    await shot(page, "customers-merged-en-1280");

    // Unmerge from Grace's page (a confirm dialog, accepted).
    await Promise.all([page.waitForURL((u) => u.pathname === `/console/customers/${grace.id}`), page.getByRole("link", { name: grace.id }).first().click()]);
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Unmerge" }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /Unmerged/);
    assert.equal((await ctx.server.api(`/v1/customers/${grace.id}`)).body.status, "active");

    // The privacy export, as a download; support has no erase button.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download JSON" }).click()]);
    assert.equal(download.suggestedFilename(), `${grace.id}.json`);
    assert.equal(await page.getByRole("link", { name: /Erase this customer/ }).count(), 0);
  } finally {
    await page.context().close();
  }
});

test("admin erases a customer after giving a reason; the page shows the erased state", { timeout: 120_000 }, async () => {
  const page = await newPage({ width: WIDTHS.phone });
  try {
    await signIn(page, "admin");
    await page.goto(`${ctx.server.base}/console/customers/${grace.id}`);
    await Promise.all([page.waitForURL(/\/erase$/), page.getByRole("link", { name: /Erase this customer/ }).click()]);
    assert.match(await page.locator("h1").textContent(), new RegExp(`Erase ${GRACE.name}\\?`));
    await shot(page, "customers-erase-confirm-en-360");
    await page.getByLabel("Reason").fill("Customer's email of today, ticket 4711");
    await Promise.all([page.waitForURL((u) => u.pathname === `/console/customers/${grace.id}`), page.getByRole("button", { name: "Erase for good" }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /Erased: personal data removed from their orders \(1\)/);
    assert.ok(await page.locator("[data-erased]").isVisible());
    assert.equal((await page.locator("h1").textContent()).trim(), "[erased]");
    assert.doesNotMatch(await page.locator("main").textContent(), new RegExp(GRACE.email));
    await shot(page, "customers-erased-en-360");
  } finally {
    await page.context().close();
  }
});

test("the customer screens at 360 and 1280 px in both languages, without overflow", { timeout: 300_000 }, async () => {
  const screens = [
    ["/console/customers", "customers-list", "admin"],
    [`/console/customers/${ada.id}`, "customers-profile", "admin"],
    [`/console/customers/${ada.id}?merge_q=${encodeURIComponent(LINUS.email)}`, "customers-profile-merge-search", "support"],
    [`/console/customers/${ada.id}/erase`, "customers-erase", "admin"],
    [`/console/customers/${grace.id}`, "customers-erased", "analyst"],
  ];
  for (const [path, name, position] of screens) {
    for (const r of await shotsEverywhere(path, { position, name })) {
      assert.equal(r.status, 200, `${name} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${name} overflows by ${r.overflow}px at ${r.width} (${r.lang})`);
    }
  }
});
