/**
 * The dashboard and the reports in the console: orders made through the API
 * and generated history, rolled up, then read as an owner, analyst or
 * finance person would: the figures and chart series are the API's, the
 * previous period is compared, each report renders and downloads its CSV,
 * bad filters are refused in words, and positions without reports:read are
 * turned away.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { generateOrders } from "../bench/lib/generate-orders.mjs";
import { localDay } from "../src/analytics/time-zones";
import { REPORTS } from "../src/console/insights/catalog";
import { openPage, signedIn, textOf } from "./console-helpers";
import { parseCsv } from "./csv-parse";
import { api, createOrder, createProduct, createStore, transition } from "./helpers";
import { caughtUp, writeOrders, writeWarehouses } from "./rollup-fixtures";
import { dbOf } from "./shard-helpers";

const NOW = { from: "2026-03-11", to: "2026-03-20" };
const BEFORE = { from: "2026-03-01", to: "2026-03-10" };
const ZH = { cookie: "oms_console_lang=zh-CN" };
const WAREHOUSE = { id: "wh_console_insights", currency: "EUR", name: "Rotterdam DC" };

let store: { id: string };
let other: { id: string };
let today: string;
let owner: Awaited<ReturnType<typeof signedIn>>;
let analyst: Awaited<ReturnType<typeof signedIn>>;

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const htmlDecode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

function chartOf(html: string, id: string) {
  const m = new RegExp(`id="${id}"[\\s\\S]*?data-chart="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no chart ${id}`);
  return JSON.parse(htmlDecode(m[1]!)) as { type: string; data: { labels: string[]; datasets: { label: string; data: number[] }[] } };
}

function kpiOf(html: string, id: string) {
  const m = new RegExp(`data-kpi="${id}" data-value="([^"]*)"(?: data-previous="([^"]*)")?`).exec(html);
  if (!m) throw new Error(`no kpi ${id}`);
  return { value: Number(m[1]), previous: Number(m[2]) };
}

const sum = (rows: any[], k: string) => rows.reduce((s, r) => s + Number(r[k]), 0);

beforeAll(async () => {
  store = await createStore();
  other = await createStore(undefined, "EUR");
  expect((await api(`/v1/stores/${store.id}`, { method: "PATCH", body: { timezone: "America/New_York" } })).status).toBe(200);
  await createProduct(store.id, "TEA-1", { name: "Sencha" });
  const made = [];
  for (const [i, channel] of ["web", "web", "pos"].entries()) {
    made.push(await createOrder(store.id, { lines: [{ sku: "TEA-1", quantity: i + 1, unit_price: "10.00" }], shipping_amount: "5.00", channel }));
  }
  expect((await transition(made[0].id, "approve")).status).toBe(200);
  expect((await transition(made[1].id, "hold", { reason: "address check" })).status).toBe(200);
  today = localDay("America/New_York", Date.parse(made[0].created_at));
  await writeOrders([
    ...generateOrders({
      seed: 16,
      count: 300,
      start: Date.parse("2026-03-01T06:00:00Z"),
      end: Date.parse("2026-03-21T00:00:00Z"),
      stores: [{ id: store.id, currency: "USD" }],
      actors: { audit: ["bootstrap"], warehouse: ["bootstrap"], logistics: ["carrier:webhook"], system: ["system:timer"] },
    }),
    // The other store ships from a named warehouse, for the reports grouped by warehouse.
    ...generateOrders({
      seed: 17,
      count: 60,
      start: Date.parse("2026-03-01T06:00:00Z"),
      end: Date.parse("2026-03-21T00:00:00Z"),
      stores: [{ id: other.id, currency: "EUR" }],
      actors: { audit: ["bootstrap"], warehouse: ["bootstrap"], logistics: ["carrier:webhook"], system: ["system:timer"] },
      fulfilment: { warehouses: [WAREHOUSE], workers: ["bootstrap"] },
    }),
  ]);
  // On the other store's database, with the orders that ship from it.
  await writeWarehouses([WAREHOUSE], await dbOf({ store: other.id }));
  await caughtUp();
  owner = await signedIn(["owner"]);
  analyst = await signedIn(["analyst"]);
});

describe("the dashboard", () => {
  it("shows the API's totals for the period and compares them with the period before", async () => {
    const page = await openPage(`/console/dashboard?${q({ period: "custom", ...NOW, store: store.id })}`, owner.session);
    expect(page.status).toBe(200);
    const [now, before] = await Promise.all([api(`/v1/reports/orders?${q({ ...NOW, store_id: store.id })}`), api(`/v1/reports/orders?${q({ ...BEFORE, store_id: store.id })}`)]);
    expect(sum(now.body.data, "received")).toBeGreaterThan(0);
    expect(kpiOf(page.html, "received")).toEqual({ value: sum(now.body.data, "received"), previous: sum(before.body.data, "received") });
    expect(kpiOf(page.html, "cancelled")).toEqual({ value: sum(now.body.data, "cancelled"), previous: sum(before.body.data, "cancelled") });
    const usd = now.body.data.find((r: any) => r.currency === "USD");
    const usdBefore = before.body.data.find((r: any) => r.currency === "USD");
    expect(kpiOf(page.html, "net-USD")).toEqual({ value: Number(usd.net_amount), previous: Number(usdBefore.net_amount) });
    // The change in words, with its direction and percentage.
    const received = kpiOf(page.html, "received");
    const delta = received.value - received.previous;
    const text = textOf(page.html);
    if (delta !== 0) expect(text).toContain(`${delta > 0 ? "up" : "down"} ${Math.abs(delta)} (`);
    expect(text).toContain(`previous period: ${received.previous}`);
    expect(page.html).toContain('data-from="2026-03-11" data-to="2026-03-20" data-prev-from="2026-03-01" data-prev-to="2026-03-10"');
    expect(page.html).toContain('src="/console/assets/chart.js"');
  });

  it("draws the API's series: orders per day, per channel, processing times", async () => {
    const page = await openPage(`/console/dashboard?${q({ ...NOW, store: store.id })}`, owner.session);
    const [byDay, byChannel, times] = await Promise.all([
      api(`/v1/reports/orders?${q({ ...NOW, store_id: store.id, group_by: "day", limit: "1000" })}`),
      api(`/v1/reports/orders?${q({ ...NOW, store_id: store.id, group_by: "channel", limit: "1000" })}`),
      api(`/v1/reports/processing-times?${q({ ...NOW, store_id: store.id })}`),
    ]);
    const perDay = chartOf(page.html, "chart-orders-day");
    expect(perDay.data.labels).toHaveLength(10);
    const days = Array.from({ length: 10 }, (_, i) => `2026-03-${String(11 + i).padStart(2, "0")}`);
    expect(perDay.data.datasets.map((d) => d.label)).toEqual(["Received", "Shipped", "Cancelled"]);
    expect(perDay.data.datasets[0]!.data).toEqual(
      days.map((d) =>
        sum(
          byDay.body.data.filter((r: any) => r.day === d),
          "received",
        ),
      ),
    );
    const amount = chartOf(page.html, "chart-amount-day-USD");
    expect(amount.data.datasets[0]!.data).toEqual(days.map((d) => Number(byDay.body.data.find((r: any) => r.day === d && r.currency === "USD")?.net_amount ?? 0)));
    const channels = chartOf(page.html, "chart-channels");
    const names = [...new Set(byChannel.body.data.map((r: any) => r.channel))].sort() as string[];
    expect(channels.data.datasets[0]!.data).toEqual(
      names.map((n) =>
        sum(
          byChannel.body.data.filter((r: any) => r.channel === n),
          "received",
        ),
      ),
    );
    const chartTimes = chartOf(page.html, "chart-times");
    const p90 = ["received_to_approved", "approved_to_shipped", "shipped_to_delivered", "received_to_completed"].map((s) => {
      const row = times.body.data.find((r: any) => r.span === s);
      return row ? Math.round((row.p90_ms / 3_600_000) * 100) / 100 : null;
    });
    expect(chartTimes.data.datasets[1]!.data).toEqual(p90);
    // The store's SLA (the defaults: 24 h to approve, 48 h to ship) is the target line.
    expect(chartTimes.data.datasets[2]).toMatchObject({ label: "SLA target", data: [24, 48, null, null] });
    // Each chart has its numbers as a table for screen readers.
    expect(page.html).toMatch(/<div class="visually-hidden"><table><caption>The numbers of this chart: Orders per day/);
  });

  it("reads today in Chinese: labels, figures and the comparison in words", async () => {
    const page = await openPage(`/console/dashboard?${q({ period: "today", store: store.id })}`, owner.session, ZH);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="zh-CN">');
    const text = textOf(page.html);
    for (const word of ["经营看板", "收到订单", "净销售额（USD）", "每日订单与金额", "处理时长与时效目标", "热销 SKU", "员工绩效", "数据更新情况", "上期："])
      expect(text).toContain(word);
    expect(kpiOf(page.html, "received").value).toBe(3);
    expect(kpiOf(page.html, "held").value).toBe(1);
    expect(page.html).toContain(`data-from="${today}" data-to="${today}"`);
    expect(text).toMatch(/上升 3（上期为零）|上升 3（/);
    expect(text).toContain("网店");
  });

  it("opens for analysts, finance and admins, and is refused to pickers, packers and support", async () => {
    for (const position of ["analyst", "finance", "admin"]) {
      const who = await signedIn([position]);
      expect((await openPage(`/console/dashboard?store=${store.id}`, who.session)).status, position).toBe(200);
    }
    for (const position of ["picker", "packer", "support"]) {
      const who = await signedIn([position]);
      for (const path of ["/console/dashboard", "/console/reports", "/console/reports/orders", "/console/reports/orders/csv"]) {
        const page = await openPage(path, who.session);
        expect(page.status, `${position} ${path}`).toBe(403);
        expect(textOf(page.html)).toContain("Not for your position");
      }
    }
  });

  it("refuses a start after the end, bad dates and a store that is not the reader's, in words", async () => {
    const backwards = await openPage(`/console/dashboard?${q({ period: "custom", from: "2026-03-20", to: "2026-03-11" })}`, owner.session);
    expect(backwards.status).toBe(400);
    expect(textOf(backwards.html)).toContain("The start date is after the end date");
    // What was typed stays in the form.
    expect(backwards.html).toContain('value="2026-03-20"');
    const bad = await openPage(`/console/dashboard?${q({ period: "custom", from: "2026-02-30", to: "2026-03-11" })}`, owner.session, ZH);
    expect(bad.status).toBe(400);
    expect(textOf(bad.html)).toContain("请按 YYYY-MM-DD 填写起止日期");
    const narrow = await signedIn(["owner"], { storeIds: [store.id] });
    const foreign = await openPage(`/console/dashboard?store=${other.id}`, narrow.session);
    expect(foreign.status).toBe(400);
    expect(textOf(foreign.html)).toContain("That store is not one of yours.");
    expect((await openPage("/console/dashboard?store=st_nope", owner.session)).status).toBe(400);
  });
});

describe("the reports", () => {
  it("lists every report with its CSV download", async () => {
    const page = await openPage("/console/reports", analyst.session);
    expect(page.status).toBe(200);
    for (const id of [...REPORTS.map((r) => r.id), "order-export"]) {
      expect(page.html).toContain(`href="/console/reports/${id}"`);
      expect(page.html).toContain(`href="/console/reports/${id}/csv"`);
    }
  });

  it("renders each report as a table, and its CSV link downloads the API's CSV with its header row", async () => {
    for (const def of REPORTS) {
      const params = def.ranged ? { ...NOW, store: store.id } : { store: store.id };
      const page = await openPage(`/console/reports/${def.id}?${q(params)}`, analyst.session);
      expect(page.status, def.id).toBe(200);
      const link = /href="(\/console\/reports\/[a-z-]+\/csv\?[^"]*)" data-download/.exec(page.html)?.[1];
      expect(link, def.id).toBeDefined();
      const csv = await openPage(htmlDecode(link!), analyst.session);
      expect(csv.status, def.id).toBe(200);
      expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.csv"$/);
      const apiParams = def.ranged ? { ...NOW, store_id: store.id, format: "csv" } : { store_id: store.id, format: "csv" };
      const direct = await api(`${def.api}?${q(apiParams)}`);
      expect(parseCsv(csv.html)[0], def.id).toEqual(parseCsv(direct.body)[0]);
      if (def.id !== "overdue-orders") expect(parseCsv(csv.html).length, def.id).toBe(parseCsv(direct.body).length);
    }
  });

  it("groups a report as asked, with the API's rows, in Chinese", async () => {
    const page = await openPage(`/console/reports/orders?${q({ ...NOW, store: store.id, group_by: "channel" })}`, analyst.session, ZH);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    for (const word of ["订单", "渠道", "收到", "净额", "客单价", "下载 CSV", "分组"]) expect(text).toContain(word);
    const api_ = await api(`/v1/reports/orders?${q({ ...NOW, store_id: store.id, group_by: "channel" })}`);
    expect((page.html.match(/<tr>/g) ?? []).length - 1).toBe(api_.body.data.length);
    const times = await openPage(`/console/reports/processing-times?${q({ ...NOW, store: store.id })}`, analyst.session, ZH);
    expect(textOf(times.html)).toContain("收到 → 审核通过");
    // The comma hint belongs to each field that takes several values, not to whichever field the grid put last.
    expect(times.html).toMatch(/<p class="hint" id="f-channel-hint">多个值用逗号分隔<\/p>\s*<input id="f-channel" name="channel" value="" aria-describedby="f-channel-hint"\/?>/);
    expect(times.html).not.toContain('id="f-span-hint"');
  });

  it("names the warehouse in a report grouped by warehouse, for readers who may list warehouses", async () => {
    const path = `/console/reports/skus?${q({ ...NOW, store: other.id, group_by: "warehouse" })}`;
    const rows = (await api(`/v1/reports/skus?${q({ ...NOW, store_id: other.id, group_by: "warehouse" })}`)).body.data;
    expect(rows.some((r: any) => r.warehouse_id === WAREHOUSE.id)).toBe(true);
    const named = textOf((await openPage(path, owner.session)).html);
    expect(named).toContain(WAREHOUSE.name);
    expect(named).not.toContain(WAREHOUSE.id);
    // Finance reads reports but not warehouses: the id stays.
    const finance = await signedIn(["finance"]);
    const plain = textOf((await openPage(path, finance.session)).html);
    expect(plain).toContain(WAREHOUSE.id);
    expect(plain).not.toContain(WAREHOUSE.name);
  });

  it("the order export previews the list and downloads it with the list's filters", async () => {
    const page = await openPage(`/console/reports/order-export?${q({ store: store.id, status: "on_hold" })}`, owner.session);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("On hold");
    const csv = await openPage(`/console/reports/order-export/csv?${q({ store: store.id, status: "on_hold" })}`, owner.session);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const direct = await api(`/v1/reports/order-export?${q({ store_id: store.id, status: "on_hold" })}`);
    const rows = parseCsv(csv.html).filter((r) => r.length > 1);
    expect(rows[0]).toEqual(parseCsv(direct.body)[0]);
    expect(rows.length).toBe(parseCsv(direct.body).filter((r) => r.length > 1).length);
  });

  it("refuses bad filters with the problem in words, and a CSV of them too", async () => {
    const backwards = await openPage(`/console/reports/skus?${q({ from: "2026-03-20", to: "2026-03-11" })}`, analyst.session);
    expect(backwards.status).toBe(400);
    expect(textOf(backwards.html)).toContain("The start date is after the end date");
    const currency = await openPage(`/console/reports/orders?${q({ ...NOW, currency: "usd" })}`, analyst.session);
    expect(currency.status).toBe(400);
    expect(textOf(currency.html)).toContain("Some filters need another look. Currency (currency): must be a currency code");
    expect(currency.html).toContain('value="usd"');
    const both = await openPage(`/console/reports/orders?${q({ ...NOW })}&group_by=day&group_by=hour`, analyst.session);
    expect(both.status).toBe(400);
    expect(textOf(both.html)).toContain("group by day or by hour, not both");
    const csv = await openPage(`/console/reports/orders/csv?${q({ from: "2026-03-20", to: "2026-03-11" })}`, analyst.session);
    expect(csv.status).toBe(400);
    expect(csv.headers.get("content-type")).toMatch(/^text\/html/);
    expect(textOf(csv.html)).toContain("The start date is after the end date");
    const store_ = await openPage(`/console/reports/orders/csv?store=st_nope`, analyst.session);
    expect(store_.status).toBe(400);
    expect(textOf(store_.html)).toContain("That store is not one of yours.");
    expect((await openPage("/console/reports/nope", analyst.session)).status).toBe(404);
  });
});
