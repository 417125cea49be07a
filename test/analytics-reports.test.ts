/**
 * GET /v1/reports/*, the order export and store SLAs, end to end: orders
 * made through the API and generated history, rolled up, then read back as
 * JSON pages and CSV, with bad input, refused roles and store isolation.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { generateOrders } from "../bench/lib/generate-orders.mjs";
import { localDay } from "../src/analytics/time-zones";
import { fromMinor } from "../src/lib/money";
import { api, createKey, createOrder, createProduct, createStore, expectInvalidQuery, transition } from "./helpers";
import { csvObjects, parseCsv } from "./csv-parse";
import { caughtUp, writeOrders } from "./rollup-fixtures";
import { dbOf } from "./shard-helpers";

const WINDOW = { from: "2026-03-01", to: "2026-03-20" };
const START = Date.parse("2026-03-01T06:00:00Z");
const END = Date.parse("2026-03-20T00:00:00Z");

let ny: { id: string };
let utc: { id: string };
let analyst: string;
let analystNy: string;
let auditor: string;
let auditorId: string;
let today: string;
const apiOrders: { id: string }[] = [];

beforeAll(async () => {
  ny = await createStore();
  // A pool of its own, on the other shard from ny's: the reports over both stores read and merge both databases.
  utc = await createStore();
  expect((await api(`/v1/stores/${ny.id}`, { method: "PATCH", body: { timezone: "America/New_York" } })).status).toBe(200);
  await createProduct(ny.id, "TEA-1", { name: "Sencha" });
  analyst = await createKey("analyst", ["*"]);
  analystNy = await createKey("analyst", [ny.id]);
  auditor = await createKey("auditor", ["*"]);
  auditorId = (await api("/v1/api-keys?limit=200")).body.data.find((k: any) => k.role === "auditor" && k.name === "auditor key").id;

  // Orders through the API, today: amounts, a hold with a reason, a rejection, a customer name that needs escaping.
  const names = ['Smith, "Jo"', '=HYPERLINK("http://evil")', "Ada Lovelace"];
  for (const [i, name] of names.entries()) {
    apiOrders.push(
      await createOrder(ny.id, {
        customer: { name, email: `c${i}@example.com` },
        lines: [{ sku: "TEA-1", quantity: i + 1, unit_price: "10.00" }],
        shipping_amount: "5.00",
        channel: i === 0 ? "pos" : "web",
      }),
    );
  }
  expect((await transition(apiOrders[0]!.id, "approve", { key: auditor })).status).toBe(200);
  expect((await transition(apiOrders[1]!.id, "hold", { key: auditor, reason: "address check" })).status).toBe(200);
  expect((await transition(apiOrders[1]!.id, "reject", { key: auditor, reason: "fraud suspected" })).status).toBe(200);
  today = localDay("America/New_York", Date.parse((apiOrders[0] as any).created_at));

  // Generated history for both stores, across New York's spring-forward (2026-03-08).
  await writeOrders([
    ...generateOrders({
      seed: 11,
      count: 800,
      start: START,
      end: END,
      stores: [
        { id: ny.id, currency: "USD" },
        { id: utc.id, currency: "USD" },
      ],
      actors: { audit: [auditorId, "bootstrap"], warehouse: ["bootstrap"], logistics: ["carrier:webhook"], system: ["system:timer"] },
    }),
  ]);
  await caughtUp();
});

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe("orders report", () => {
  it("totals per store and currency equal the raw orders, money as decimal strings, with freshness", async () => {
    const r = await api(`/v1/reports/orders?${q({ ...WINDOW, group_by: "store", store_id: utc.id })}`, { key: analyst });
    expect(r.status).toBe(200);
    const raw = await (await dbOf({ store: utc.id }))
      .prepare("SELECT currency, COUNT(*) AS n, SUM(subtotal_amount) AS gross, SUM(total_amount) AS net FROM orders WHERE store_id = ? GROUP BY currency ORDER BY currency")
      .bind(utc.id)
      .all<{ currency: string; n: number; gross: number; net: number }>();
    expect(r.body.data.map((d: any) => [d.store_id, d.currency, d.received, d.gross_amount, d.net_amount])).toEqual(
      raw.results.map((x) => [utc.id, x.currency, x.n, fromMinor(x.gross, x.currency), fromMinor(x.net, x.currency)]),
    );
    const usd = r.body.data.find((d: any) => d.currency === "USD");
    const rawUsd = raw.results.find((x) => x.currency === "USD")!;
    expect(usd.average_order_value).toBe(fromMinor(Math.round(rawUsd.net / rawUsd.n), "USD"));
    expect(r.body.next_cursor).toBeNull();
    expect(r.body.freshness.pending_buckets).toBe(0);
    expect(Date.parse(r.body.freshness.as_of)).toBeGreaterThan(Date.now() - 120_000);
  });

  it("counts today's API orders by stage, channel and currency in the store's local day", async () => {
    const r = await api(`/v1/reports/orders?${q({ from: today, to: today, store_id: ny.id, group_by: "day,channel" })}`, { key: analyst });
    expect(r.status).toBe(200);
    const web = r.body.data.find((d: any) => d.channel === "web");
    const pos = r.body.data.find((d: any) => d.channel === "pos");
    expect(pos).toMatchObject({ day: today, currency: "USD", received: 1, approved: 1, gross_amount: "10.00", net_amount: "15.00" });
    expect(web).toMatchObject({ received: 2, held: 1, cancelled: 1, rejected: 1, gross_amount: "50.00", net_amount: "60.00", cancelled_amount: "25.00" });
    expect(web.average_order_value).toBe("30.00");
  });

  it("hours are local, labelled with their offset, and skip the hour that spring-forward removes", async () => {
    const r = await api(`/v1/reports/orders?${q({ from: "2026-03-08", to: "2026-03-08", store_id: ny.id, group_by: "hour", limit: "1000" })}`, {
      key: analyst,
    });
    expect(r.status).toBe(200);
    const hours: string[] = r.body.data.map((d: any) => d.hour);
    expect(hours.length).toBeGreaterThan(10);
    expect(hours.some((h) => h.startsWith("2026-03-08T02:"))).toBe(false);
    for (const d of r.body.data) {
      const local = Number(d.hour.slice(11, 13));
      expect(d.hour.endsWith(local < 2 ? "-05:00" : "-04:00"), d.hour).toBe(true);
      expect(Date.parse(d.hour_start)).toBe(Date.parse(d.hour.replace(":00-", ":00:00-")));
    }
    const day = await api(`/v1/reports/orders?${q({ from: "2026-03-08", to: "2026-03-08", store_id: ny.id })}`, { key: analyst });
    const sum = (rows: any[], k: string) => rows.reduce((s, x) => s + x[k], 0);
    expect(sum(r.body.data, "received")).toBe(sum(day.body.data, "received"));
  });

  it("pages by cursor through exactly the rows of one big page", async () => {
    const params = { ...WINDOW, group_by: "day,store,channel" };
    const all = await api(`/v1/reports/orders?${q({ ...params, limit: "1000" })}`, { key: analyst });
    expect(all.body.data.length).toBeGreaterThan(50);
    const walked: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api(`/v1/reports/orders?${q({ ...params, limit: "7", ...(cursor ? { cursor } : {}) })}`, { key: analyst });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(7);
      walked.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(walked).toEqual(all.body.data);
  });

  it("format=csv streams the same rows with a header", async () => {
    const params = { ...WINDOW, group_by: "day,store" };
    const json = await api(`/v1/reports/orders?${q({ ...params, limit: "1000" })}`, { key: analyst });
    const csv = await api(`/v1/reports/orders?${q({ ...params, format: "csv", limit: "3" })}`, { key: analyst });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="orders-2026-03-01-2026-03-20.csv"');
    const rows = csvObjects(csv.body);
    expect(parseCsv(csv.body)[0]!.slice(0, 4)).toEqual(["day", "store_id", "currency", "received"]);
    expect(rows.length).toBe(json.body.data.length);
    expect(rows.map((r) => [r.day, r.store_id, r.currency, Number(r.received), r.net_amount])).toEqual(
      json.body.data.map((d: any) => [d.day, d.store_id, d.currency, d.received, d.net_amount]),
    );
  });
});

describe("processing times and SLA breaches", () => {
  it("are exact for one store's day and within the histogram error over a range", async () => {
    const days = await api(`/v1/reports/processing-times?${q({ ...WINDOW, store_id: utc.id, group_by: "day,store", span: "approved_to_shipped" })}`, {
      key: analyst,
    });
    expect(days.status).toBe(200);
    expect(days.body.data.length).toBeGreaterThan(5);
    expect(days.body.data.every((d: any) => d.exact === true)).toBe(true);

    const durations = await (await dbOf({ store: utc.id }))
      .prepare(`
      SELECT s.created_at - (SELECT MAX(a.created_at) FROM order_events a WHERE a.order_id = s.order_id AND a.type = 'approve' AND a.seq < s.seq) AS ms
      FROM order_events s JOIN orders o ON o.id = s.order_id WHERE o.store_id = ? AND s.type = 'ship' ORDER BY ms`)
      .bind(utc.id)
      .all<{ ms: number }>();
    const sorted = durations.results.map((x) => x.ms);
    const rank = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
    const total = await api(`/v1/reports/processing-times?${q({ ...WINDOW, store_id: utc.id, span: "approved_to_shipped" })}`, { key: analyst });
    const [row] = total.body.data;
    expect(row).toMatchObject({ span: "approved_to_shipped", count: sorted.length, max_ms: sorted.at(-1), exact: false });
    expect(Math.abs(row.p50_ms - rank(50)) / rank(50)).toBeLessThan(0.045);
    expect(Math.abs(row.p90_ms - rank(90)) / rank(90)).toBeLessThan(0.045);
    expect(row.avg_ms).toBe(Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length));
  });

  it("lists each breach in local time, consistent with the breach counts, and a new SLA re-judges them", async () => {
    const list = async () => {
      const out: any[] = [];
      let cursor: string | null = null;
      do {
        const r: any = await api(`/v1/reports/sla-breaches?${q({ ...WINDOW, store_id: utc.id, limit: "50", ...(cursor ? { cursor } : {}) })}`, {
          key: analyst,
        });
        expect(r.status).toBe(200);
        out.push(...r.body.data);
        cursor = r.body.next_cursor;
      } while (cursor);
      return out;
    };
    const counted = async () => {
      const r = await api(`/v1/reports/processing-times?${q({ ...WINDOW, store_id: utc.id })}`, { key: analyst });
      return r.body.data.reduce((s: number, d: any) => s + d.sla_breaches, 0);
    };
    const before = await list();
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBe(await counted());
    for (const b of before) {
      expect(b.duration_ms).toBeGreaterThan(b.target_ms);
      expect(b.started_at.endsWith("+00:00")).toBe(true);
      expect(Date.parse(b.ended_at) - Date.parse(b.started_at)).toBe(b.duration_ms);
    }

    const put = await api(`/v1/stores/${utc.id}/sla`, {
      method: "PUT",
      body: { received_to_approved_minutes: 30, approved_to_shipped_minutes: null, shipped_to_delivered_minutes: 1440, received_to_completed_minutes: null },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ store_id: utc.id, received_to_approved_minutes: 30, approved_to_shipped_minutes: null, is_default: false });
    expect((await api(`/v1/stores/${utc.id}/sla`, { key: analyst })).body).toEqual(put.body);
    await caughtUp();
    const after = await list();
    expect(new Set(after.map((b) => b.span))).toEqual(new Set(["received_to_approved", "shipped_to_delivered"]));
    expect(after.every((b) => (b.span === "received_to_approved" ? b.target_ms === 1_800_000 : b.target_ms === 86_400_000))).toBe(true);
    expect(after.length).toBe(await counted());

    const csv = await api(`/v1/reports/sla-breaches?${q({ ...WINDOW, store_id: utc.id, format: "csv" })}`, { key: analyst });
    expect(csvObjects(csv.body).map((r) => r.order_id)).toEqual(after.map((b) => b.order_id));
  });

  it("lists the open orders past their SLA right now, against each store's targets", async () => {
    const targets: Record<string, Record<string, number | null>> = {
      // Set by the previous test.
      [utc.id]: { received_to_approved: 1_800_000, approved_to_shipped: null, shipped_to_delivered: 86_400_000, received_to_completed: null },
      [ny.id]: { received_to_approved: 86_400_000, approved_to_shipped: 172_800_000, shipped_to_delivered: null, received_to_completed: null },
    };
    const now = Date.now();
    const raw: any[] = [];
    for (const store of [utc.id, ny.id]) raw.push(...(await (await dbOf({ store })).prepare("SELECT * FROM orders WHERE store_id = ?").bind(store).all<any>()).results);
    const expected: string[] = [];
    for (const o of raw) {
      const t = targets[o.store_id]!;
      const late = (span: string, since: number | null) => since !== null && t[span] !== null && since + t[span]! < now;
      if (["received", "on_hold"].includes(o.status) && late("received_to_approved", o.created_at)) expected.push(`${o.id} received_to_approved`);
      if (["approved", "processing"].includes(o.status) && o.requires_shipping && late("approved_to_shipped", o.approved_at)) {
        expected.push(`${o.id} approved_to_shipped`);
      }
      if (o.status === "shipped" && late("shipped_to_delivered", o.shipped_at)) expected.push(`${o.id} shipped_to_delivered`);
    }
    expect(expected.length).toBeGreaterThan(20);
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await api(`/v1/reports/overdue-orders?${q({ store_id: `${utc.id},${ny.id}`, limit: "40", ...(cursor ? { cursor } : {}) })}`, {
        key: analyst,
      });
      expect(r.status).toBe(200);
      seen.push(...r.body.data);
      cursor = r.body.next_cursor;
    } while (cursor);
    expect(seen.map((o) => `${o.order_id} ${o.span}`).sort()).toEqual(expected.sort());
    expect(seen.map((o) => Date.parse(o.since))).toEqual([...seen.map((o) => Date.parse(o.since))].sort((a, b) => a - b));
    expect(seen.every((o) => o.overdue_ms > 0)).toBe(true);
    expect(seen.filter((o) => o.store_id === ny.id).every((o) => /-0[45]:00$/.test(o.since))).toBe(true);
    // Today's API orders are far inside their targets.
    expect(seen.some((o) => apiOrders.some((a) => a.id === o.order_id))).toBe(false);

    const shipping = await api(`/v1/reports/overdue-orders?${q({ store_id: ny.id, span: "approved_to_shipped", format: "csv" })}`, { key: analyst });
    expect(
      csvObjects(shipping.body)
        .map((o) => o.order_id)
        .sort(),
    ).toEqual(
      expected
        .filter((e) => e.endsWith("approved_to_shipped") && raw.find((o) => o.id === e.split(" ")[0])!.store_id === ny.id)
        .map((e) => e.split(" ")[0])
        .sort(),
    );
    const scoped = await api(`/v1/reports/overdue-orders?${q({ store_id: utc.id })}`, { key: analystNy });
    expect(scoped.body.data).toEqual([]);
  });

  it("a store without its own SLA reports the defaults", async () => {
    const r = await api(`/v1/stores/${ny.id}/sla`, { key: analyst });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ is_default: true, received_to_approved_minutes: 1440, approved_to_shipped_minutes: 2880, updated_at: null });
  });
});

describe("staff, reasons and SKUs", () => {
  it("staff rows name the person, role and action with latencies", async () => {
    const r = await api(`/v1/reports/staff?${q({ from: today, to: today, store_id: ny.id, actor: auditorId })}`, { key: analyst });
    expect(r.status).toBe(200);
    expect(r.body.data.map((d: any) => [d.actor, d.role, d.metric, d.count])).toEqual([
      [auditorId, "auditor", "approve", 1],
      [auditorId, "auditor", "hold", 1],
      [auditorId, "auditor", "reject", 1],
    ]);
    for (const d of r.body.data) {
      expect(d.avg_latency_ms).toBeGreaterThanOrEqual(0);
      expect(d.max_latency_ms).toBeGreaterThanOrEqual(d.avg_latency_ms);
    }
    const generated = await api(`/v1/reports/staff?${q({ ...WINDOW, role: "system" })}`, { key: analyst });
    expect(generated.body.data.some((d: any) => d.actor === "system:timer" && d.metric === "complete")).toBe(true);
  });

  it("reasons count holds and rejections per reason given", async () => {
    const r = await api(`/v1/reports/reasons?${q({ from: today, to: today, store_id: ny.id })}`, { key: analyst });
    expect(r.body.data).toEqual([
      { event: "hold", reason: "address check", count: 1 },
      { event: "reject", reason: "fraud suspected", count: 1 },
    ]);
  });

  it("SKUs show units and revenue, with cost and margin unknown", async () => {
    const r = await api(`/v1/reports/skus?${q({ from: today, to: today, store_id: ny.id, sku: "TEA-1", group_by: "warehouse" })}`, {
      key: analyst,
    });
    expect(r.body.data).toEqual([
      {
        warehouse_id: null,
        sku: "TEA-1",
        currency: "USD",
        units_ordered: 6,
        revenue_ordered: "60.00",
        units_cancelled: 2,
        revenue_cancelled: "20.00",
        units_shipped: 0,
        revenue_shipped: "0.00",
        cost_shipped: null,
        margin_shipped: null,
      },
    ]);
  });
});

describe("order export", () => {
  it("streams every matching order as CSV, escaped, with local times", async () => {
    // The admin's export: it has the customer's name (an analyst's has a pseudonymous key instead, test/contact-by-role.test.ts).
    const r = await api(`/v1/reports/order-export?store_id=${ny.id}&created_from=${new Date(Date.now() - 3_600_000).toISOString()}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const rows = csvObjects(r.body);
    expect(rows.map((x) => x.id)).toEqual(apiOrders.map((o) => o.id).reverse());
    const byId = Object.fromEntries(rows.map((x) => [x.id, x]));
    expect(byId[apiOrders[0]!.id]).toMatchObject({ customer_name: 'Smith, "Jo"', status: "approved", total_amount: "15.00", line_count: "1", units: "1" });
    expect(byId[apiOrders[1]!.id]).toMatchObject({ customer_name: '\'=HYPERLINK("http://evil")', status: "cancelled", status_reason: "fraud suspected" });
    expect(byId[apiOrders[0]!.id]!.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-05:00$/);
  });

  it("pages through thousands of orders with the list's filters", async () => {
    const r = await api(`/v1/reports/order-export?store_id=${utc.id}&status=completed,delivered`, { key: analyst });
    const raw = await (await dbOf({ store: utc.id }))
      .prepare("SELECT id FROM orders WHERE store_id = ? AND status IN ('completed', 'delivered') ORDER BY id DESC")
      .bind(utc.id)
      .all<{ id: string }>();
    expect(raw.results.length).toBeGreaterThan(200);
    expect(csvObjects(r.body).map((x) => x.id)).toEqual(raw.results.map((x) => x.id));
    const empty = await api(`/v1/reports/order-export?store_id=st_none`, { key: analyst });
    expect(empty.body).toBe(`${parseCsv(r.body)[0]!.join(",")}\r\n`);
  });
});

describe("the freshness report", () => {
  it("says how far the rollups have come", async () => {
    const r = await api("/v1/reports/freshness", { key: analyst });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pending_buckets: 0 });
    expect(typeof r.body.as_of).toBe("string");
    expect(typeof r.body.last_run_at).toBe("string");
  });
});

describe("bad input is a 400 (query) or 422 (body) problem naming the field", () => {
  const cases: [string, string][] = [
    ["/v1/reports/orders?to=2026-01-01", "from"],
    ["/v1/reports/orders?from=2026-01-01", "to"],
    ["/v1/reports/orders?from=2026-02-30&to=2026-03-01", "from"],
    ["/v1/reports/orders?from=yesterday&to=2026-03-01", "from"],
    ["/v1/reports/orders?from=2026-03-02&to=2026-03-01", "to"],
    ["/v1/reports/orders?from=2025-01-01&to=2026-03-01", "to"],
    ["/v1/reports/orders?from=2026-03-01&to=2026-03-02&group_by=sku", "group_by.0"],
    ["/v1/reports/orders?from=2026-03-01&to=2026-03-02&group_by=day,hour", "group_by"],
    ["/v1/reports/orders?from=2026-03-01&to=2026-03-02&limit=0", "limit"],
    ["/v1/reports/orders?from=2026-03-01&to=2026-03-02&limit=5000", "limit"],
    ["/v1/reports/orders?from=2026-03-01&to=2026-03-02&format=xml", "format"],
    ["/v1/reports/orders?from=2026-03-01&to=2026-03-02&currency=usd", "currency.0"],
    ["/v1/reports/orders?from=2026-03-01&to=2026-03-02&cursor=bm9wZQ", "cursor"],
    ["/v1/reports/orders?from=2026-03-01&to=2026-03-02&cursor=WyJhIl0&group_by=day", "cursor"],
    ["/v1/reports/processing-times?from=2026-03-01&to=2026-03-02&span=forever", "span.0"],
    ["/v1/reports/sla-breaches?from=2026-03-01&to=2026-03-02&cursor=%25%25", "cursor"],
    ["/v1/reports/reasons?from=2026-03-01&to=2026-03-02&event=approve", "event.0"],
    ["/v1/reports/overdue-orders?span=soon", "span.0"],
    ["/v1/reports/overdue-orders?cursor=WyJhIl0", "cursor"],
    ["/v1/reports/order-export?status=lost", "status.0"],
    ["/v1/reports/order-export?created_from=tuesday", "created_from"],
  ];
  for (const [path, field] of cases) {
    it(`${path} -> 400 naming ${field}`, async () => {
      expectInvalidQuery(await api(path, { key: analyst }), field);
    });
  }

  const sla = { received_to_approved_minutes: 60, approved_to_shipped_minutes: null, shipped_to_delivered_minutes: null, received_to_completed_minutes: null };
  const bodies: [string, unknown, string][] = [
    ["a missing target", { ...sla, received_to_completed_minutes: undefined }, "received_to_completed_minutes"],
    ["zero minutes", { ...sla, received_to_approved_minutes: 0 }, "received_to_approved_minutes"],
    ["fractional minutes", { ...sla, received_to_approved_minutes: 1.5 }, "received_to_approved_minutes"],
    ["minutes as a string", { ...sla, received_to_approved_minutes: "60" }, "received_to_approved_minutes"],
    ["an unknown field", { ...sla, weekends: true }, "(body)"],
  ];
  for (const [name, body, field] of bodies) {
    it(`PUT /v1/stores/{id}/sla with ${name} -> 422 naming ${field}`, async () => {
      const r = await api(`/v1/stores/${ny.id}/sla`, { method: "PUT", body });
      expect(r.status).toBe(422);
      expect(r.body.code).toBe("validation_failed");
      expect(r.body.errors.map((e: any) => e.field)).toContain(field);
    });
  }

  it("PUT /v1/stores/{id}/sla: not JSON is a 415, malformed JSON a 400, an unknown store a 404", async () => {
    expect((await api(`/v1/stores/${ny.id}/sla`, { method: "PUT", body: "x=1", headers: { "content-type": "text/plain" } })).status).toBe(415);
    expect((await api(`/v1/stores/${ny.id}/sla`, { method: "PUT", body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await api("/v1/stores/st_nope/sla", { method: "PUT", body: sla })).status).toBe(404);
    expect((await api("/v1/stores/st_nope/sla")).status).toBe(404);
  });
});

describe("rebuild", () => {
  it("needs confirm, an admin key for every store, and a free lease; then the next runs restore every row", async () => {
    const before = await api(`/v1/reports/orders?${q({ ...WINDOW, group_by: "day,store,channel", limit: "1000" })}`, { key: analyst });
    expect((await api("/v1/reports/rebuild", { body: {} })).status).toBe(422);
    expect((await api("/v1/reports/rebuild", { body: { confirm: "yes" } })).status).toBe(422);
    expect((await api("/v1/reports/rebuild", { body: { confirm: true }, key: analyst })).status).toBe(403);
    const scopedAdmin = await createKey("admin", [ny.id]);
    expect((await api("/v1/reports/rebuild", { body: { confirm: true }, key: scopedAdmin })).status).toBe(403);

    // A run holding shard 0's lease: the rebuild empties what it can and asks for a retry.
    await env.DB.prepare("UPDATE rollup_state SET lease_owner = 'busy', lease_until = ? WHERE id = 1")
      .bind(Date.now() + 60_000)
      .run();
    const busy = await api("/v1/reports/rebuild", { body: { confirm: true } });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe("rollup_running");
    await env.DB.prepare("UPDATE rollup_state SET lease_owner = NULL, lease_until = 0 WHERE id = 1").run();

    const r = await api("/v1/reports/rebuild", { body: { confirm: true } });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ status: "rebuild_requested" });
    const emptied = await api(`/v1/reports/orders?${q({ ...WINDOW, group_by: "day,store,channel", limit: "1000" })}`, { key: analyst });
    expect(emptied.body.data).toEqual([]);
    expect(emptied.body.freshness.as_of).toBeNull();
    await caughtUp();
    const after = await api(`/v1/reports/orders?${q({ ...WINDOW, group_by: "day,store,channel", limit: "1000" })}`, { key: analyst });
    expect(after.body.data).toEqual(before.body.data);
  });
});

describe("roles and store isolation", () => {
  it("roles without reports:read are refused every report; only admins set SLAs", async () => {
    for (const role of ["auditor", "warehouse", "logistics", "support", "channel"]) {
      const key = await createKey(role, role === "channel" ? [ny.id] : ["*"]);
      for (const path of ["/v1/reports/orders?from=2026-03-01&to=2026-03-02", "/v1/reports/freshness", "/v1/reports/order-export"]) {
        const r = await api(path, { key });
        expect(r.status, `${role} ${path}`).toBe(403);
        expect(r.body.code).toBe("forbidden");
      }
    }
    const put = await api(`/v1/stores/${ny.id}/sla`, {
      method: "PUT",
      key: analyst,
      body: { received_to_approved_minutes: 1, approved_to_shipped_minutes: null, shipped_to_delivered_minutes: null, received_to_completed_minutes: null },
    });
    expect(put.status).toBe(403);
  });

  it("a key scoped to one store sees only that store, whatever it asks for", async () => {
    const mine = await api(`/v1/reports/orders?${q({ ...WINDOW, group_by: "store" })}`, { key: analystNy });
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.data.map((d: any) => d.store_id))).toEqual(new Set([ny.id]));
    const theirs = await api(`/v1/reports/orders?${q({ ...WINDOW, store_id: utc.id })}`, { key: analystNy });
    expect(theirs.body.data).toEqual([]);
    for (const report of ["processing-times", "staff", "reasons", "skus", "sla-breaches"]) {
      const r = await api(`/v1/reports/${report}?${q({ ...WINDOW, store_id: utc.id })}`, { key: analystNy });
      expect(r.status, report).toBe(200);
      expect(r.body.data, report).toEqual([]);
    }
    const breaches = await api(`/v1/reports/sla-breaches?${q(WINDOW)}`, { key: analystNy });
    expect(breaches.body.data.every((b: any) => b.store_id === ny.id)).toBe(true);
    const csv = await api(`/v1/reports/order-export?store_id=${utc.id}`, { key: analystNy });
    expect(csvObjects(csv.body)).toEqual([]);
    const own = csvObjects((await api("/v1/reports/order-export", { key: analystNy })).body);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((x) => x.store_id === ny.id)).toBe(true);
    expect((await api(`/v1/stores/${utc.id}/sla`, { key: analystNy })).status).toBe(404);
  });
});
