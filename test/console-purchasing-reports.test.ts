/**
 * Purchasing's reports in the console's Insights: the Suppliers report
 * (on-time rate, fill rate, open orders and the value still to come) and the
 * Stock report (valuation per warehouse at moving-average cost, days of
 * cover, ageing), each as a page and a CSV. Suppliers, orders and receipts
 * are made through the API, so every figure below is worked out by hand.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { openPage, signedIn, textOf } from "./console-helpers";
import { parseCsv } from "./csv-parse";
import { api, createProduct, createStore, unique } from "./helpers";
import { stockedWarehouse } from "./processing-helpers";

const ZH = { cookie: "oms_console_lang=zh-CN" };
const today = new Date().toISOString().slice(0, 10);
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

let store: { id: string };
let wh: { id: string };
let whName: string;
let reliable: { id: string; name: string };
let idle: { id: string; name: string };
let tea: string;
let mug: string;

async function ok(path: string, body: unknown, method = "POST") {
  const r = await api(path, { method, body });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A submitted order of one line; `received` units arrive into A-01 (then it is closed short when `closeShort`). */
async function order(o: { sku: string; quantity: number; cost: string; received: number; expected_at?: string; closeShort?: boolean }) {
  const po = await ok("/v1/purchase-orders", {
    supplier_id: reliable.id,
    warehouse_id: wh.id,
    ...(o.expected_at ? { expected_at: o.expected_at } : {}),
    lines: [{ sku: o.sku, quantity: o.quantity, unit_cost: o.cost }],
  });
  await ok(`/v1/purchase-orders/${po.id}/transitions`, { event: "submit" });
  if (o.received) await ok(`/v1/purchase-orders/${po.id}/receipts`, { lines: [{ line_no: 1, bin: "A-01", quantity: o.received }] });
  if (o.closeShort) await ok(`/v1/purchase-orders/${po.id}/transitions`, { event: "close", reason: "the rest is discontinued" });
  return po.id as string;
}

beforeAll(async () => {
  store = await createStore();
  tea = unique("TEA");
  mug = unique("MUG");
  await createProduct(store.id, tea);
  await createProduct(store.id, mug);
  whName = unique("Leaf DC");
  wh = await stockedWarehouse({ fields: { store_ids: [store.id], name: whName }, bins: ["A-01"], stock: [] });
  reliable = await ok("/v1/suppliers", { store_id: store.id, name: unique("Reliable Leaf"), currency: "USD" });
  idle = await ok("/v1/suppliers", { store_id: store.id, name: unique("Idle Clay"), currency: "USD" });
  // Completed: all 10 in well before the due date (lead time 7 days from now): on time.
  await order({ sku: tea, quantity: 10, cost: "2.00", received: 10 });
  // Completed: all 5 in, but due on 1 January: late.
  await order({ sku: tea, quantity: 5, cost: "2.00", received: 5, expected_at: "2026-01-01T12:00:00Z" });
  // Completed: 6 of 10 in, closed short: never on time; 4 units unfilled.
  await order({ sku: mug, quantity: 10, cost: "5.00", received: 6, closeShort: true });
  // Open: 5 of 10 in; 5 × 2.00 = 10.00 still to come.
  await order({ sku: tea, quantity: 10, cost: "2.00", received: 5 });
  // Open: 6 of 10 in; 4 × 7.00 = 28.00 still to come.
  await order({ sku: mug, quantity: 10, cost: "7.00", received: 6 });
  // Sales the daily roll-up leaves (rolled up from orders in the analytics tests): 56 tea in 28 days, 2 a day.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await env.DB.prepare(
    "INSERT INTO rollup_sku_days (store_id, day, warehouse_id, sku, currency, units_ordered, revenue_ordered, units_cancelled, revenue_cancelled, units_shipped, revenue_shipped, cost_shipped) VALUES (?, ?, ?, ?, 'USD', 56, 0, 0, 0, 0, 0, NULL)",
  )
    .bind(store.id, yesterday, wh.id, tea)
    .run();
});

describe("the Suppliers report", () => {
  // Of 5 orders submitted today: 3 completed, 1 on time (1/3); 21 of 25 units arrived over them (84%);
  // 2 open, 10.00 + 28.00 = 38.00 to come.
  it("gives each supplier's on-time rate, fill rate, open orders and the value still to come", async () => {
    const { session } = await signedIn(["analyst"]);
    const page = await openPage(`/console/reports/suppliers?${q({ from: today, to: today, store: store.id })}`, session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(`${reliable.name} USD 5 3 1 33.3% 25 21 84% 2 $38.00`);
    expect(text).toContain(`${idle.name} USD 0 0 0 – 0 0 – 0 $0.00`);
    expect(text).toContain("The days are UTC days");
    // Units are counted over the complete orders (the fill rate's), and the headings say so: 5 submitted, 25 units.
    expect(text).toContain("Units ordered, complete orders Units received, complete orders Fill rate");
    // An analyst reads purchasing: the supplier's name opens its page.
    expect(page.html).toContain(`href="/console/purchasing/suppliers/${reliable.id}"`);
  });

  it("counts orders by the days they were submitted; open orders are those open now, whenever submitted", async () => {
    const { session } = await signedIn(["owner"]);
    const text = textOf((await openPage(`/console/reports/suppliers?${q({ from: "2026-01-01", to: "2026-01-31", store: store.id })}`, session)).html);
    expect(text).toContain(`${reliable.name} USD 0 0 0 – 0 0 – 2 $38.00`);
  });

  it("downloads the same rows as CSV, with the API's columns", async () => {
    const { session } = await signedIn(["finance"]);
    const csv = await openPage(`/console/reports/suppliers/csv?${q({ from: today, to: today, store: store.id })}`, session);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="suppliers-${today}-${today}.csv"`);
    const [head, ...rows] = parseCsv(csv.html).filter((r) => r.length > 1);
    expect(head).toEqual([
      "supplier_id",
      "supplier_name",
      "store_id",
      "currency",
      "orders_submitted",
      "orders_completed",
      "orders_on_time",
      "on_time_rate",
      "units_ordered",
      "units_received",
      "fill_rate",
      "open_orders",
      "open_value",
    ]);
    expect(rows.find((r) => r[0] === reliable.id)).toEqual([reliable.id, reliable.name, store.id, "USD", "5", "3", "1", "0.3333", "25", "21", "0.84", "2", "38.00"]);
    expect(rows.find((r) => r[0] === idle.id)).toEqual([idle.id, idle.name, store.id, "USD", "0", "0", "0", "", "0", "0", "", "0", "0.00"]);
  });

  it("refuses dates backwards, a period over a year and a store not the reader's, in words, on the page and the CSV", async () => {
    const { session } = await signedIn(["analyst"]);
    for (const path of ["/console/reports/suppliers", "/console/reports/suppliers/csv"]) {
      const backwards = await openPage(`${path}?${q({ from: today, to: "2026-01-01" })}`, session);
      expect(backwards.status, path).toBe(400);
      expect(backwards.headers.get("content-type")).toMatch(/^text\/html/);
      expect(textOf(backwards.html)).toContain("The start date is after the end date");
      expect((await openPage(`${path}?${q({ from: "2024-01-01", to: "2026-01-01" })}`, session)).status, path).toBe(400);
      const foreign = await openPage(`${path}?${q({ from: today, to: today, store: "st_nope" })}`, session);
      expect(foreign.status, path).toBe(400);
      expect(textOf(foreign.html)).toContain("That store is not one of yours.");
    }
  });

  it("shows a reader of other stores none of these suppliers", async () => {
    const elsewhere = await createStore();
    const { session } = await signedIn(["analyst"], { storeIds: [elsewhere.id] });
    const text = textOf((await openPage(`/console/reports/suppliers?${q({ from: today, to: today })}`, session)).html);
    expect(text).not.toContain(reliable.name);
  });
});

describe("the Stock report", () => {
  // Tea: 10 + 5 + 5 arrived at 2.00: 20 on hand, 40.00. Mugs: 6 at 5.00 and 6 at 7.00: 12 at 6.00, 72.00.
  // The warehouse: 32 units worth 112.00. Tea sells 2 a day: 20 available cover 10 days.
  it("values each warehouse at moving-average cost, with each SKU's cover and age", async () => {
    const { session } = await signedIn(["owner"]);
    const page = await openPage(`/console/reports/stock?${q({ warehouse_id: wh.id })}`, session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(`Inventory value per warehouse`);
    expect(text).toContain(`${whName} 2 32 $112.00 0`);
    expect(page.html).toContain(`data-valuation="${wh.id}"`);
    expect(text).toContain(`${whName} ${tea} 20 0 20 $2.00 $40.00 2 10 20 0 0 0`);
    expect(text).toContain(`${whName} ${mug} 12 0 12 $6.00 $72.00 0 – 12 0 0 0`);
    // The stock report reads warehouses, not stores: a warehouse filter, no store filter.
    expect(page.html).toContain(`<option value="${wh.id}" selected="">${whName}</option>`);
    expect(page.html).not.toContain('id="store"');
  });

  it("downloads its rows as CSV with the API's columns", async () => {
    const { session } = await signedIn(["analyst"]);
    const csv = await openPage(`/console/reports/stock/csv?${q({ warehouse_id: wh.id })}`, session);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="stock-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [head, ...rows] = parseCsv(csv.html).filter((r) => r.length > 1);
    expect(head).toEqual([
      "warehouse_id",
      "sku",
      "on_hand",
      "reserved",
      "available",
      "currency",
      "avg_unit_cost",
      "value",
      "units_per_day",
      "days_of_cover",
      "age_0_30",
      "age_31_60",
      "age_61_90",
      "age_over_90",
    ]);
    expect(rows).toEqual(
      [
        [wh.id, mug, "12", "0", "12", "USD", "6.00", "72.00", "0", "", "12", "0", "0", "0"],
        [wh.id, tea, "20", "0", "20", "USD", "2.00", "40.00", "2", "10", "20", "0", "0", "0"],
      ].sort((a, b) => a[1]!.localeCompare(b[1]!)),
    );
  });

  it("shows a warehouse lead only their warehouses, and finance the warehouse's id (they may not list warehouses)", async () => {
    const theirs = await stockedWarehouse({ fields: { store_ids: [store.id] }, bins: ["Z-01"], stock: [] });
    const lead = await signedIn(["warehouse_lead"], { warehouseIds: [theirs.id] });
    const leads = textOf((await openPage(`/console/reports/stock?${q({ warehouse_id: wh.id })}`, lead.session)).html);
    expect(leads).not.toContain(tea);
    expect(leads).not.toContain("Inventory value per warehouse");
    const finance = await signedIn(["finance"]);
    const page = await openPage(`/console/reports/stock?${q({ warehouse_id: wh.id })}`, finance.session);
    const text = textOf(page.html);
    expect(text).toContain(`${wh.id} 2 32 $112.00 0`);
    expect(text).not.toContain(whName);
    // Without the warehouse list the filter is typed.
    expect(page.html).toContain(`id="f-warehouse_id" name="warehouse_id" value="${wh.id}"`);
  });

  it("speaks Chinese", async () => {
    const { session } = await signedIn(["owner"]);
    const stock = textOf((await openPage(`/console/reports/stock?${q({ warehouse_id: wh.id })}`, session, ZH)).html);
    for (const word of ["库存", "各仓库存货价值", "在库", "平均单位成本", "可售天数", "0–30 天", "90 天以上", "下载 CSV", "我的全部仓库"]) expect(stock).toContain(word);
    expect(stock).not.toMatch(/Inventory value|Days of cover|On hand/);
    const suppliers = textOf((await openPage(`/console/reports/suppliers?${q({ from: today, to: today, store: store.id })}`, session, ZH)).html);
    for (const word of ["供应商", "满足率", "准时率", "待到货金额", "33.3%", "84%", "US$38.00", "日期按 UTC 计算"]) expect(suppliers).toContain(word);
  });
});

describe("who sees purchasing's reports", () => {
  it("is listed with its CSV for everyone who reads reports", async () => {
    for (const position of ["admin", "analyst", "owner", "finance", "warehouse_lead"]) {
      const { session } = await signedIn([position]);
      const index = await openPage("/console/reports", session);
      expect(index.status, position).toBe(200);
      for (const id of ["suppliers", "stock"]) {
        expect(index.html, position).toContain(`href="/console/reports/${id}"`);
        expect(index.html, position).toContain(`href="/console/reports/${id}/csv"`);
        expect((await openPage(`/console/reports/${id}`, session)).status, `${position} ${id}`).toBe(200);
      }
    }
  });

  it("is refused, page and CSV, to positions without reports:read, and to nobody signed in", async () => {
    for (const position of ["warehouse", "picker", "packer", "support", "auditor", "logistics"]) {
      const { session } = await signedIn([position]);
      for (const path of [
        `/console/reports/suppliers?${q({ from: today, to: today })}`,
        "/console/reports/suppliers/csv",
        "/console/reports/stock",
        "/console/reports/stock/csv",
      ]) {
        const r = await openPage(path, session);
        expect(r.status, `${position} ${path}`).toBe(403);
        expect(r.headers.get("content-type")).toMatch(/^text\/html/);
      }
    }
    expect((await openPage("/console/reports/stock/csv", null)).status).toBe(303);
  });
});
