// Finance works the books: orders of the demo store are paid (with fees) through the API and rolled up; finance
// reads the daily summary and downloads its CSV, reads gross profit by SKU and its CSV, reads an order's Ledger card and corrects a fee on it, imports a Stripe payout file (one
// amount differs, one charge is nobody's), works the worklist with a note, and has a bad file refused row by row.
// Support and the owner are refused what is not theirs (the owner reads gross profit by SKU). Then every finance page at 360 and 1280 px in both languages.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { stripeFile } from "../../settlement-file.mjs";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, switchLanguage, WIDTHS } from "./harness.mjs";

const STORE = "st_demo";
const ZONE = "America/New_York";
const tag = Date.now().toString(36).toUpperCase();
const dayIn = (t) => new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(t);
const BAD_FILE =
  "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC)\ntxn_1,charge,ch_bad_1,12.50,0.66,11.84,usd,2026-11-20 09:14\ntxn_2,charge,ch_bad_2,12.505,0.66,11.845,usd,2026-11-20 09:15\n";

/** Made by the first journey, shown by the last. */
const made = { orderId: null, settlementId: null, correctPath: null };

async function revenueToday() {
  const day = dayIn(Date.now());
  const r = await ctx.server.api(`/v1/reports/finance-daily?from=${day}&to=${day}&store_id=${STORE}`);
  assert.equal(r.status, 200, r.text);
  return r.body.data.reduce((s, row) => s + Number(row.revenue), 0);
}

/** Fires the rollup cron until today's revenue of the demo store includes what was just paid (the rollups lag a minute). */
async function rolledUp(atLeast) {
  for (let i = 0; i < 40; i++) {
    await fetch(`${ctx.server.base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("*/5 * * * *")}&time=${Date.now()}`).then((r) => r.text());
    if ((await revenueToday()) >= atLeast - 0.001) return;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  throw new Error("the rollups did not take in the new payments");
}

/** A paid order of the demo store: its capture as the ledger holds it (reference, minor amount, time). */
async function paidOrder(i) {
  const r = await ctx.server.api("/v1/orders", {
    body: {
      store_id: STORE,
      channel: i % 2 ? "pos" : "web",
      currency: "USD",
      customer: { name: `Finance buyer ${i}`, email: `finance${i}@example.com` },
      shipping_address: { name: `Finance buyer ${i}`, line1: "1 Main St", city: "Newark", region: "NJ", postal_code: "07102", country: "US" },
      lines: [{ sku: "TEA-1", quantity: i + 1, unit_price: "12.50" }],
      payment_status: "unpaid",
    },
  });
  assert.equal(r.status, 201, r.text);
  const reference = `ch_journey_${tag}_${i}`;
  const paid = await ctx.server.api(`/v1/orders/${r.body.id}/payment`, { body: { payment_status: "paid", reference, fee: "0.66" } });
  assert.equal(paid.status, 200, paid.text);
  const ledger = await ctx.server.api(`/v1/orders/${r.body.id}/ledger`);
  const capture = ledger.body.entries.find((e) => e.kind === "captured");
  return { orderId: r.body.id, reference, amount: Math.round(Number(capture.amount) * 100), at: Date.parse(capture.created_at) };
}

test("finance reads the summary and a ledger, imports a payout file and works its worklist; a bad file is refused row by row", { timeout: 420_000 }, async () => {
  const before = await revenueToday();
  const captures = [];
  for (let i = 0; i < 3; i++) captures.push(await paidOrder(i));
  made.orderId = captures[0].orderId;
  await rolledUp(before + captures.reduce((s, c) => s + c.amount / 100, 0));

  const page = await newPage({ width: WIDTHS.desktop });
  try {
    await signIn(page, "finance");
    await page.getByRole("navigation", { name: "Menu" }).first().getByRole("link", { name: "Finance" }).click();
    await page.waitForURL((u) => u.pathname === "/console/finance");
    assert.ok(await page.getByRole("heading", { name: "Daily finance summary", level: 1 }).isVisible());
    await page.getByLabel("Store", { exact: true }).selectOption(STORE);
    await Promise.all([page.waitForURL(/store=st_demo/), page.getByRole("button", { name: "Apply" }).click()]);
    const table = await page.locator("table").first().textContent();
    assert.match(table, /Gross profit/);
    assert.match(table, /Demo Store/);
    await shot(page, "finance-summary-en-1280");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    const csv = readFileSync(await download.path(), "utf8");
    assert.match(csv.split(/\r?\n/)[0], /^day,store_id,channel,currency,orders,revenue,refunds,fees,shipping,cost_of_goods,gross_profit/);

    // Gross profit by SKU: the same money per SKU, the fees on the order-level row, and its CSV.
    await page.locator("nav.finance-tabs").getByRole("link", { name: "Gross profit by SKU" }).click();
    await page.waitForURL((u) => u.pathname === "/console/finance/gross-profit");
    assert.ok(await page.getByRole("heading", { name: "Gross profit by SKU", level: 1 }).isVisible());
    await page.getByLabel("Store", { exact: true }).selectOption(STORE);
    await page.getByLabel("SKU", { exact: true }).fill("");
    await Promise.all([page.waitForURL(/store=st_demo/), page.getByRole("button", { name: "Apply" }).click()]);
    const skus = await page.locator("table").first().textContent();
    assert.match(skus, /TEA-1/);
    assert.match(skus, /Order level \(shipping, tax, fees\)/);
    await shot(page, "finance-gross-profit-en-1280");
    const [skuDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    const skuCsv = readFileSync(await skuDownload.path(), "utf8");
    assert.match(skuCsv.split(/\r?\n/)[0], /^sku,currency,units_shipped,revenue,refunds,fees,shipping,cost_of_goods,gross_profit,gross_margin/);
    assert.match(skuCsv, /\nTEA-1,USD,/);

    // The order's Ledger card: the capture, its fee, gross profit 12.50 - 0.66.
    await page.goto(`${ctx.server.base}/console/orders/${captures[0].orderId}`);
    const ledger = page.locator("#ledger");
    assert.match(await ledger.textContent(), /Captured[\s\S]*Payment report[\s\S]*\$12\.50/);
    assert.equal(await ledger.locator('[data-gross-profit="USD"]').textContent(), "$11.84");
    await ledger.scrollIntoViewIfNeeded();
    await shot(page, "finance-order-ledger-en-1280");

    // The fee was 0.59, not 0.66: corrected from the card, with a reason; the entry is reversed and the right one recorded.
    const feeRow = ledger.locator("tr", { has: page.locator('[data-kind="payment_fee"]') });
    await Promise.all([page.waitForURL(/\/ledger\/led_[^/]+\/correct$/), feeRow.getByRole("link", { name: "Correct" }).click()]);
    assert.ok(await page.getByRole("heading", { name: "Correct a ledger entry", level: 1 }).isVisible());
    await page.getByLabel("Reason").fill("Stripe's balance shows a fee of 0.59");
    await page.getByLabel("Right amount (optional)").fill("0.59");
    await shot(page, "finance-correct-entry-en-1280");
    await Promise.all([page.waitForURL((u) => u.pathname === `/console/orders/${captures[0].orderId}`), page.getByRole("button", { name: "Reverse and record" }).click()]);
    assert.equal(await page.locator(".flash.ok").textContent(), "Corrected: the entry is reversed and -$0.59 recorded.");
    assert.equal(await page.locator('#ledger [data-gross-profit="USD"]').textContent(), "$11.91");
    assert.match(await page.locator("#ledger").textContent(), /Reversed[\s\S]*Stripe's balance shows a fee of 0\.59/);
    // The capture and the new fee can be corrected; the reversed fee and its reversal cannot.
    assert.equal(await page.locator("#ledger").getByRole("link", { name: "Correct" }).count(), 2);
    await page.locator("#ledger").scrollIntoViewIfNeeded();
    await shot(page, "finance-order-ledger-corrected-en-1280");
    {
      const other = await ctx.server.api(`/v1/orders/${captures[2].orderId}/ledger`);
      made.correctPath = `/console/orders/${captures[2].orderId}/ledger/${other.body.entries.find((e) => e.kind === "payment_fee").id}/correct`;
    }

    // A Stripe file: the second capture paid out a cent more, one charge nobody recorded.
    const file = stripeFile({ captures, notOurs: 1, differsEvery: 2 });
    await page.goto(`${ctx.server.base}/console/finance`);
    await page.locator("nav.finance-tabs").getByRole("link", { name: "Settlements" }).click();
    await page.waitForURL((u) => u.pathname === "/console/finance/settlements");
    await page.getByLabel("Store", { exact: true }).selectOption(STORE);
    await page.getByLabel("Format").selectOption("stripe_balance");
    await page.getByLabel("File (CSV)").setInputFiles({ name: `payout-${tag}.csv`, mimeType: "text/csv", buffer: Buffer.from(file.csv) });
    await Promise.all([page.waitForURL(/\/console\/finance\/settlements\/stl_/), page.getByRole("button", { name: "Import and reconcile" }).click()]);
    made.settlementId = new URL(page.url()).pathname.split("/").pop();
    assert.match(await page.locator(".flash.ok").textContent(), /^Imported and matched: \d+ rows?, \d+ to work\.$/);
    assert.equal(await page.locator('[data-count="amount_differs"] .badge').textContent(), "1");
    assert.equal(await page.locator('[data-count="not_ours"] .badge').textContent(), "1");
    const differs = page.locator('[data-status="amount_differs"]');
    assert.match(await differs.textContent(), new RegExp(captures[1].reference));
    await shot(page, "finance-settlement-worklist-en-1280");

    // Resolved with a note: the row says who and when.
    await differs.getByLabel("Note").fill("Stripe rounded the charge up a cent; booked by hand");
    await Promise.all([page.waitForEvent("load"), differs.getByRole("button", { name: "Resolve" }).click()]);
    assert.match(await page.locator(".flash.ok").textContent(), /^Row \d+ resolved\.$/);
    assert.equal(await page.locator('[data-status="amount_differs"]').count(), 0);
    await page.getByLabel("Show").selectOption("resolved");
    await page.waitForURL(/status=resolved/);
    assert.match(
      await page.locator('[data-status="amount_differs"] .resolution').textContent(),
      /^Resolved by Fang Finance, .+: Stripe rounded the charge up a cent; booked by hand$/,
    );
    await shot(page, "finance-settlement-resolved-en-1280");

    // A bad file is refused whole, naming its row; in Chinese too.
    await page.goto(`${ctx.server.base}/console/finance/settlements`);
    await page.getByLabel("Store", { exact: true }).selectOption(STORE);
    await page.getByLabel("Format").selectOption("stripe_balance");
    await page.getByLabel("File (CSV)").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(BAD_FILE) });
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Import and reconcile" }).click()]);
    assert.match(await page.locator("#file-problems").textContent(), /Row 2: amount: USD has 2 decimal places; got 3/);
    await shot(page, "finance-import-refused-en-1280");
    await switchLanguage(page, "zh-CN");
    await page.goto(`${ctx.server.base}/console/finance/settlements/${made.settlementId}`);
    assert.ok(await page.getByRole("heading", { name: `结算单 ${made.settlementId}`, level: 1 }).isVisible());
    await page.goto(`${ctx.server.base}/console/finance/settlements`);
    await page.getByLabel("店铺", { exact: true }).selectOption(STORE);
    await page.getByLabel("格式").selectOption("stripe_balance");
    await page.getByLabel("文件（CSV）").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(BAD_FILE) });
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "导入并对账" }).click()]);
    assert.match(await page.locator("#file-problems").textContent(), /第 2 行：金额：USD 只有 2 位小数，此处为 3 位/);
    await shot(page, "finance-import-refused-zh-CN-1280");
  } finally {
    await page.context().close();
  }
});

test("support sees no Finance and is refused it; the owner reads the summary but not the settlements", { timeout: 120_000 }, async () => {
  const page = await newPage({ width: WIDTHS.phone });
  try {
    await signIn(page, "support");
    await page.locator("details.menu summary").click();
    assert.equal(await page.getByRole("link", { name: "Finance" }).count(), 0);
    const res = await page.goto(`${ctx.server.base}/console/finance`);
    assert.equal(res.status(), 403);
    assert.ok(await page.getByRole("heading", { name: "Not for your position" }).isVisible());
    await shot(page, "finance-refused-support-en-360");
    if (made.orderId) {
      await page.goto(`${ctx.server.base}/console/orders/${made.orderId}`);
      assert.equal(await page.locator("#ledger").count(), 0);
    }
  } finally {
    await page.context().close();
  }
  const owner = await newPage({ width: WIDTHS.desktop });
  try {
    await signIn(owner, "owner");
    await owner.goto(`${ctx.server.base}/console/finance`);
    assert.ok(await owner.getByRole("heading", { name: "Daily finance summary", level: 1 }).isVisible());
    assert.equal(await owner.locator("nav.finance-tabs").getByRole("link", { name: "Settlements" }).count(), 0);
    assert.equal(await owner.locator("nav.finance-tabs").getByRole("link", { name: "Gross profit by SKU" }).count(), 1);
    assert.equal((await owner.goto(`${ctx.server.base}/console/finance/settlements`)).status(), 403);
  } finally {
    await owner.context().close();
  }
});

test("every finance page reads well at 360 and 1280 px in both languages", { timeout: 600_000 }, async () => {
  const pages = [
    [`/console/finance?store=${STORE}`, "finance-summary"],
    [`/console/finance/gross-profit?store=${STORE}`, "finance-gross-profit"],
    ["/console/finance/settlements", "finance-settlements"],
  ];
  if (made.settlementId) {
    pages.push([`/console/finance/settlements/${made.settlementId}`, "finance-settlement"]);
    pages.push([`/console/finance/settlements/${made.settlementId}?status=resolved`, "finance-settlement-resolved"]);
  }
  if (made.orderId) pages.push([`/console/orders/${made.orderId}#ledger`, "finance-order-ledger"]);
  if (made.correctPath) pages.push([made.correctPath, "finance-correct-entry"]);
  for (const [path, name] of pages) {
    const results = await shotsEverywhere(path, { position: "finance", name });
    for (const r of results) {
      assert.equal(r.status, 200, `${name} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${name}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
  const refused = await shotsEverywhere("/console/finance/settlements", {
    position: "finance",
    name: "finance-import-refused",
    prepare: async (page) => {
      await page.locator("#import-store").selectOption(STORE);
      await page.locator("#import-format").selectOption("stripe_balance");
      await page.locator("#import-file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(BAD_FILE) });
      await Promise.all([page.waitForEvent("load"), page.locator("form.finance-form button[type=submit]").click()]);
      assert.match(await page.locator("#file-problems").textContent(), /(Row 2|第 2 行)/);
    },
  });
  for (const r of refused) assert.ok(r.overflow <= 0, `the refusal: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
  if (made.correctPath) {
    // The correction form refusing an amount with too many decimals, at the field.
    const wrong = await shotsEverywhere(made.correctPath, {
      position: "finance",
      name: "finance-correct-entry-refused",
      prepare: async (page) => {
        await page.locator("#correct-reason").fill("wrong fee");
        await page.locator("#correct-amount").evaluate((el) => el.removeAttribute("pattern"));
        await page.locator("#correct-amount").fill("0.599");
        await Promise.all([page.waitForEvent("load"), page.locator("form.correct-form button[type=submit]").click()]);
        assert.equal(await page.locator("#correct-amount").getAttribute("aria-invalid"), "true");
      },
    });
    for (const r of wrong) assert.ok(r.overflow <= 0, `the correction's refusal: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
  }
});
