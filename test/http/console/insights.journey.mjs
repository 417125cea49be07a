// The owner reads the dashboard in zh-CN: signs in, switches to 简体中文,
// reads the figures (the charts drawn by Chart.js, the KPI numbers the API's),
// changes the period, and downloads a CSV from the reports page.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, switchLanguage, WIDTHS } from "./harness.mjs";

const STORE = "st_demo";
const ZONE = "America/New_York";
const dayIn = (t) => new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(t);
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const sum = (rows, k) => rows.reduce((s, r) => s + Number(r[k]), 0);

async function received(from, to) {
  const r = await ctx.server.api(`/v1/reports/orders?from=${from}&to=${to}&store_id=${STORE}`);
  assert.equal(r.status, 200, r.text);
  return sum(r.body.data, "received");
}

/** Every chart on the page drawn by Chart.js: a Chart instance per canvas, with a size. */
async function chartsDrawn(page) {
  await page.waitForFunction(() => {
    const canvases = [...document.querySelectorAll("canvas[data-chart]")];
    return window.Chart && canvases.length > 0 && canvases.every((c) => window.Chart.getChart(c));
  });
  return page.evaluate(() =>
    [...document.querySelectorAll("canvas[data-chart]")].map((c) => ({
      id: c.closest("figure")?.id,
      width: c.width,
      height: c.height,
      points: window.Chart.getChart(c).data.datasets[0]?.data.length ?? 0,
    })),
  );
}

const kpi = (page, id) => page.locator(`[data-kpi="${id}"]`).getAttribute("data-value").then(Number);

/** Fires the rollup cron until today's orders of the demo store include the ones just made (the rollups lag a minute). */
async function rolledUp(atLeast) {
  const today = dayIn(Date.now());
  for (let i = 0; i < 40; i++) {
    await fetch(`${ctx.server.base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("*/5 * * * *")}&time=${Date.now()}`).then((r) => r.text());
    if ((await received(today, today)) >= atLeast) return;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  throw new Error("the rollups did not take in the new orders");
}

test("the owner reads the dashboard in zh-CN, changes the period and downloads a CSV", { timeout: 420_000 }, async () => {
  // Orders of today through the API: one approved, one held with a reason, in two channels.
  const before = await received(dayIn(Date.now()), dayIn(Date.now()));
  const made = [];
  for (const [i, channel] of ["web", "web", "pos", "web"].entries()) {
    const r = await ctx.server.api("/v1/orders", {
      body: {
        store_id: STORE,
        channel,
        currency: "USD",
        customer: { name: `Insights buyer ${i}`, email: `insights${i}@example.com` },
        shipping_address: { name: `Insights buyer ${i}`, line1: "1 Main St", city: "Newark", region: "NJ", postal_code: "07102", country: "US" },
        lines: [{ sku: i % 2 ? "MUG-1" : "TEA-1", quantity: i + 1, unit_price: i % 2 ? "18.00" : "12.50" }],
      },
    });
    assert.equal(r.status, 201, r.text);
    made.push(r.body);
  }
  // The store may audit them itself meanwhile: whichever comes first, the figures are the API's.
  await ctx.server.api(`/v1/orders/${made[0].id}/transitions`, { body: { event: "approve" } });
  await ctx.server.api(`/v1/orders/${made[1].id}/transitions`, { body: { event: "hold", reason: "address check" } });
  await rolledUp(before + made.length);

  const page = await newPage({ width: WIDTHS.desktop });
  try {
    await signIn(page, "owner");
    assert.equal(new URL(page.url()).pathname, "/console/dashboard");
    await switchLanguage(page, "zh-CN");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
    assert.ok(await page.getByRole("heading", { name: "经营看板", level: 1 }).isVisible());

    // Today, the demo store: as a person picks it.
    await page.getByLabel("时间段").selectOption("today");
    await page.getByLabel("店铺").selectOption(STORE);
    await Promise.all([page.waitForURL(/period=today/), page.getByRole("button", { name: "查看" }).click()]);
    const charts = await chartsDrawn(page);
    assert.ok(charts.length >= 4, `charts: ${JSON.stringify(charts)}`);
    for (const c of charts) assert.ok(c.width > 0 && c.height > 0, `${c.id} has a size`);
    const today = dayIn(Date.now());
    let [shown, apiNow] = [await kpi(page, "received"), await received(today, today)];
    if (shown !== apiNow) {
      // A rollup run landed between the two reads: read both again.
      await page.reload();
      [shown, apiNow] = [await kpi(page, "received"), await received(today, today)];
    }
    assert.equal(shown, apiNow);
    assert.ok(shown >= made.length);
    const card = page.locator('[data-kpi="received"]');
    assert.match(await card.innerText(), /收到订单/);
    assert.match(await card.innerText(), new RegExp(`${shown}`));
    assert.match(await card.innerText(), /上期：/);
    assert.match(await page.locator("#freshness").innerText(), /数据已包含截至/);
    await shot(page, "insights-dashboard-today-zh-CN-1280");

    // The period changes to 30 days: the figures follow, compared with the 30 days before.
    await page.getByLabel("时间段").selectOption("30d");
    await Promise.all([page.waitForURL(/period=30d/), page.getByRole("button", { name: "查看" }).click()]);
    await chartsDrawn(page);
    const from = addDays(today, -29);
    assert.equal(await page.locator("#period-line").getAttribute("data-from"), from);
    assert.equal(await kpi(page, "received"), await received(from, today));
    assert.equal(Number(await page.locator('[data-kpi="received"]').getAttribute("data-previous")), await received(addDays(from, -30), addDays(from, -1)));
    const perDay = await page.evaluate(() => window.Chart.getChart(document.querySelector("#chart-orders-day canvas")).data.labels.length);
    assert.equal(perDay, 30);

    // Reports: the orders report, then its CSV, as a download.
    await page.getByRole("navigation", { name: "菜单" }).first().getByRole("link", { name: "报表" }).click();
    await page.waitForURL(/\/console\/reports$/);
    await page.locator("ul.report-list").getByRole("link", { name: "订单", exact: true }).click();
    await page.waitForURL(/\/console\/reports\/orders/);
    await page.getByLabel("日期").check();
    await Promise.all([page.waitForURL(/group_by=day/), page.getByRole("button", { name: "查看" }).click()]);
    await shot(page, "insights-report-orders-zh-CN-1280");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载 CSV" }).click()]);
    assert.match(download.suggestedFilename(), /^orders-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), "utf8");
    assert.match(csv.split("\r\n")[0], /^day,currency,received,approved,held/);
  } finally {
    await page.context().close();
  }
});

test("the dashboard and reports read well at 360 and 1280 px in both languages", { timeout: 300_000 }, async () => {
  const prepare = async (page) => {
    await chartsDrawn(page);
  };
  const pages = [
    ["/console/dashboard?period=30d&store=st_demo", "insights-dashboard", prepare],
    ["/console/reports", "insights-reports", undefined],
    ["/console/reports/processing-times?group_by=day", "insights-report-times", undefined],
    ["/console/reports/suppliers", "insights-report-suppliers", undefined],
    ["/console/reports/stock", "insights-report-stock", undefined],
  ];
  for (const [path, name, prep] of pages) {
    const results = await shotsEverywhere(path, { position: "owner", name, prepare: prep });
    for (const r of results) {
      assert.equal(r.status, 200, `${name} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `no sideways scrolling on ${name} at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
});
