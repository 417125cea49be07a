/**
 * The reports over what processing and logistics record, end to end:
 * generated orders with allocations, floor work, ship costs, audits and
 * carrier tracking, rolled up, then read through GET /v1/reports/{floor,
 * audit-findings, carriers, skus, orders} as JSON and CSV and compared with
 * plain SQL over the raw tables; bad input, refused roles, store isolation.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { generateOrders } from "../bench/lib/generate-orders.mjs";
import { fromMinor, toMinor } from "../src/lib/money";
import { csvObjects, parseCsv } from "./csv-parse";
import { api, createKey, createStore, expectInvalidQuery } from "./helpers";
import { caughtUp, writeActorKeys, writeOrders, writeWarehouses } from "./rollup-fixtures";
import { dbOf } from "./shard-helpers";

const START = Date.parse("2026-04-01T00:00:00Z");
const END = Date.parse("2026-04-21T00:00:00Z");
// Every day the data touches, in any zone: totals over it equal the raw tables'.
const ALL = { from: "2026-03-30", to: "2026-05-10" };
const WAREHOUSES = [
  { id: "wh_dim_us", currency: "USD" },
  { id: "wh_dim_eu", currency: "EUR" },
];
const WORKERS = [
  { id: "key_dim_floor_1", role: "warehouse" },
  { id: "key_dim_floor_2", role: "warehouse" },
];

let a: { id: string };
let b: { id: string };
let analyst: string;
let analystA: string;
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const stores = () => JSON.stringify([a.id, b.id]);

async function rawAll<T = Record<string, any>>(sql: string): Promise<T[]> {
  // Both stores are in one pool (below), so on one database.
  return (await (await dbOf({ store: a.id })).prepare(sql).bind(stores()).all<T>()).results;
}

beforeAll(async () => {
  a = await createStore();
  // The generated orders of both stores ship from both warehouses, so the two stores share a stock pool (a warehouse
  // serves the stores of one pool: docs/SHARDING.md); test/analytics-reports.test.ts reads reports across two shards.
  b = await createStore(undefined, undefined, { stock: { with_store: a.id } });
  expect((await api(`/v1/stores/${b.id}`, { method: "PATCH", body: { timezone: "Europe/Berlin" } })).status).toBe(200);
  analyst = await createKey("analyst", ["*"]);
  analystA = await createKey("analyst", [a.id]);
  await writeActorKeys(WORKERS);
  await writeWarehouses(WAREHOUSES, await dbOf({ store: a.id }));
  await writeOrders([
    ...generateOrders({
      seed: 66,
      count: 700,
      start: START,
      end: END,
      stores: [
        { id: a.id, currency: "USD" },
        { id: b.id, currency: "EUR" },
      ],
      actors: { audit: ["bootstrap"], warehouse: ["bootstrap"], logistics: ["carrier:webhook"], system: ["system:timer"] },
      fulfilment: { warehouses: WAREHOUSES, workers: WORKERS.map((w) => w.id) },
    }),
  ]);
  await caughtUp();
});

describe("floor report", () => {
  it("counts each person's picks, scans, packs and overrides, with error rates, per warehouse", async () => {
    const r = await api(`/v1/reports/floor?${q({ ...ALL, group_by: "warehouse", limit: "1000" })}`, { key: analyst });
    expect(r.status).toBe(200);
    const raw = await rawAll<{ warehouse_id: string; worker: string; kind: string; n: number; units: number; overrides: number }>(`
      SELECT w.warehouse_id, w.worker, w.kind, COUNT(*) AS n,
        SUM(CASE WHEN w.kind IN ('pick', 'short_pick') THEN json_extract(w.data, '$.quantity') ELSE 0 END) AS units,
        SUM(w.kind = 'pack' AND json_extract(w.data, '$.override') IS NOT NULL) AS overrides
      FROM warehouse_events w JOIN shipments s ON s.id = w.shipment_id
      WHERE s.store_id IN (SELECT value FROM json_each(?)) GROUP BY 1, 2, 3`);
    const of = (wh: string, worker: string, kinds: string[], field: "n" | "units" | "overrides" = "n") =>
      raw.filter((x) => x.warehouse_id === wh && x.worker === worker && kinds.includes(x.kind)).reduce((s, x) => s + x[field], 0);
    expect(r.body.data.length).toBe(WAREHOUSES.length * WORKERS.length);
    for (const row of r.body.data) {
      expect(row.role).toBe("warehouse");
      expect(row.picks).toBe(of(row.warehouse_id, row.worker, ["pick", "short_pick"]));
      expect(row.units_picked).toBe(of(row.warehouse_id, row.worker, ["pick", "short_pick"], "units"));
      expect(row.short_picks).toBe(of(row.warehouse_id, row.worker, ["short_pick"]));
      expect(row.pack_scans).toBe(of(row.warehouse_id, row.worker, ["pack_scan"]));
      expect(row.scan_mismatches).toBe(of(row.warehouse_id, row.worker, ["scan_mismatch"]));
      expect(row.packs).toBe(of(row.warehouse_id, row.worker, ["pack"]));
      expect(row.weight_overrides).toBe(of(row.warehouse_id, row.worker, ["pack"], "overrides"));
      expect(row.short_pick_rate).toBeCloseTo(row.short_picks / row.picks, 4);
      expect(row.scan_mismatch_rate).toBeCloseTo(row.scan_mismatches / (row.picks + row.pack_scans + row.scan_mismatches), 4);
      expect(row.weight_override_rate).toBeCloseTo(row.weight_overrides / row.packs, 4);
      expect(row.avg_pick_ms).toBeGreaterThan(0);
    }
    expect(r.body.data.some((d: any) => d.scan_mismatches > 0 && d.short_picks > 0 && d.weight_overrides > 0)).toBe(true);
  });

  it("filters by worker, groups by day, and exports the same rows as CSV", async () => {
    const params = { ...ALL, group_by: "day,store", worker: "key_dim_floor_1", limit: "1000" };
    const json = await api(`/v1/reports/floor?${q(params)}`, { key: analyst });
    expect(json.body.data.length).toBeGreaterThan(10);
    expect(json.body.data.every((d: any) => d.worker === "key_dim_floor_1" && d.day && d.store_id && !("warehouse_id" in d))).toBe(true);
    const csv = await api(`/v1/reports/floor?${q({ ...params, format: "csv" })}`, { key: analyst });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(parseCsv(csv.body)[0]!.slice(0, 7)).toEqual(["day", "store_id", "worker", "worker_kind", "worker_name", "role", "picks"]);
    const rows = csvObjects(csv.body);
    expect(rows.length).toBe(json.body.data.length);
    expect(rows.map((r) => Number(r.picks))).toEqual(json.body.data.map((d: any) => d.picks));
  });
});

describe("audit findings report", () => {
  it("counts audits and findings per outcome and reason code, equal to the raw audit results", async () => {
    const r = await api(`/v1/reports/audit-findings?${q({ ...ALL, limit: "1000" })}`, { key: analyst });
    expect(r.status).toBe(200);
    const raw = await rawAll<{ outcome: string; code: string | null; severity: string | null; audits: number; findings: number }>(`
      SELECT a.outcome, json_extract(f.value, '$.code') AS code, json_extract(f.value, '$.severity') AS severity,
        COUNT(DISTINCT a.id) AS audits, COUNT(f.key) AS findings
      FROM audit_results a JOIN orders o ON o.id = a.order_id LEFT JOIN json_each(a.findings) f
      WHERE o.store_id IN (SELECT value FROM json_each(?)) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    expect(r.body.data).toEqual(raw);
    expect(r.body.data.some((d: any) => d.code === null && d.outcome === "approve")).toBe(true);
    expect(new Set(r.body.data.map((d: any) => d.outcome))).toEqual(new Set(["approve", "hold", "reject", "wait"]));
  });

  it("filters by outcome, code and severity, per day and store", async () => {
    const r = await api(`/v1/reports/audit-findings?${q({ ...ALL, group_by: "day,store", outcome: "hold", severity: "hold", code: "high_value,payment_review" })}`, {
      key: analyst,
    });
    expect(r.body.data.length).toBeGreaterThan(0);
    for (const d of r.body.data) {
      expect(d).toMatchObject({ outcome: "hold", severity: "hold" });
      expect(["high_value", "payment_review"]).toContain(d.code);
      expect(d.findings).toBeGreaterThanOrEqual(d.audits);
    }
  });
});

describe("carriers report", () => {
  it("counts parcels shipped and delivered, judges on time against the promise, and counts exceptions by kind", async () => {
    const r = await api(`/v1/reports/carriers?${q(ALL)}`, { key: analyst });
    expect(r.status).toBe(200);
    const raw = await rawAll<{ carrier: string; service: string; shipped: number; delivered: number; judged: number; transit_max: number }>(`
      SELECT carrier, service, COUNT(handed_over_at) AS shipped, COUNT(delivered_at) AS delivered,
        SUM(delivered_at IS NOT NULL AND handed_over_at IS NOT NULL AND explanation LIKE '%"chosen":true%') AS judged,
        MAX(delivered_at - handed_over_at) AS transit_max
      FROM shipment_tracking WHERE store_id IN (SELECT value FROM json_each(?)) GROUP BY 1, 2 ORDER BY 1, 2`);
    const exceptions = await rawAll<{ carrier: string; service: string; kind: string; n: number }>(`
      SELECT t.carrier, t.service, x.kind, COUNT(*) AS n FROM logistics_exceptions x JOIN shipment_tracking t ON t.shipment_id = x.shipment_id
      WHERE x.store_id IN (SELECT value FROM json_each(?)) GROUP BY 1, 2, 3`);
    expect(r.body.data.map((d: any) => [d.carrier, d.service, d.shipped, d.delivered, d.on_time + d.late, d.max_transit_ms])).toEqual(
      raw.map((x) => [x.carrier, x.service, x.shipped, x.delivered, x.judged, x.transit_max]),
    );
    for (const d of r.body.data) {
      const mine = exceptions.filter((x) => x.carrier === d.carrier && x.service === d.service);
      expect(d.exceptions).toBe(mine.reduce((s, x) => s + x.n, 0));
      for (const x of mine) expect(d[`exceptions_${x.kind}`]).toBe(x.n);
      expect(d.on_time_rate).toBeCloseTo(d.on_time / (d.on_time + d.late), 4);
    }
    // Two-day express is late more often than five-day ground.
    const rate = (service: string) => r.body.data.find((d: any) => d.service === service).on_time_rate;
    expect(rate("express")).toBeLessThan(rate("ground"));
  });

  it("a key for one store sees only that store; CSV has a column per exception kind", async () => {
    const mine = await api(`/v1/reports/carriers?${q({ ...ALL, group_by: "store" })}`, { key: analystA });
    expect(new Set(mine.body.data.map((d: any) => d.store_id))).toEqual(new Set([a.id]));
    expect((await api(`/v1/reports/carriers?${q({ ...ALL, store_id: b.id })}`, { key: analystA })).body.data).toEqual([]);
    expect((await api(`/v1/reports/floor?${q({ ...ALL, store_id: b.id })}`, { key: analystA })).body.data).toEqual([]);
    expect((await api(`/v1/reports/audit-findings?${q({ ...ALL, store_id: b.id })}`, { key: analystA })).body.data).toEqual([]);
    const csv = await api(`/v1/reports/carriers?${q({ ...ALL, carrier: "ups", format: "csv" })}`, { key: analyst });
    const [header] = parseCsv(csv.body);
    expect(header).toEqual([
      "carrier",
      "service",
      "shipped",
      "delivered",
      "on_time",
      "late",
      "on_time_rate",
      "avg_transit_ms",
      "max_transit_ms",
      "exceptions",
      "exceptions_failed_attempt",
      "exceptions_exception",
      "exceptions_returned_to_sender",
      "exceptions_stale_tracking",
      "exceptions_conflicting_status",
    ]);
    expect(new Set(csvObjects(csv.body).map((r) => r.carrier))).toEqual(new Set(["ups"]));
  });
});

describe("warehouse, cost and margin in the order and SKU reports", () => {
  it("orders count under the warehouse of their allocation, the others under null", async () => {
    const r = await api(`/v1/reports/orders?${q({ ...ALL, group_by: "warehouse" })}`, { key: analyst });
    const byWarehouse = new Map<string | null, number>();
    for (const d of r.body.data) byWarehouse.set(d.warehouse_id, (byWarehouse.get(d.warehouse_id) ?? 0) + d.received);
    const raw = await rawAll<{ warehouse_id: string | null; n: number }>(`
      SELECT (SELECT i.warehouse_id FROM shipment_items i WHERE i.order_id = o.id GROUP BY i.warehouse_id ORDER BY SUM(i.quantity) DESC, i.warehouse_id LIMIT 1) AS warehouse_id,
        COUNT(*) AS n
      FROM orders o WHERE o.store_id IN (SELECT value FROM json_each(?)) GROUP BY 1`);
    expect(byWarehouse).toEqual(new Map(raw.map((x) => [x.warehouse_id, x.n])));
    expect(byWarehouse.size).toBe(3);
  });

  it("SKU margins are revenue minus the cost recorded when the goods left; unknown costs stay null", async () => {
    const r = await api(`/v1/reports/skus?${q({ ...ALL, group_by: "warehouse", limit: "1000" })}`, { key: analyst });
    const shipped = r.body.data.filter((d: any) => d.units_shipped > 0);
    const known = shipped.filter((d: any) => d.cost_shipped !== null);
    expect(known.length).toBeGreaterThan(10);
    expect(shipped.length).toBeGreaterThan(known.length);
    for (const d of known) {
      const cents = (v: string) => {
        const parsed = toMinor(v, d.currency);
        if (!parsed.ok) throw new Error(parsed.message);
        return parsed.minor;
      };
      expect(d.margin_shipped).toBe(fromMinor(cents(d.revenue_shipped) - cents(d.cost_shipped), d.currency));
      expect(d.warehouse_id).not.toBeNull();
    }
    // Nothing shipped or never allocated (services): no cost to show.
    expect(r.body.data.filter((d: any) => d.units_shipped === 0).every((d: any) => d.cost_shipped === null && d.margin_shipped === null)).toBe(true);
    expect(r.body.data.filter((d: any) => d.warehouse_id === null && d.units_shipped > 0).every((d: any) => d.cost_shipped === null)).toBe(true);
    // Known costs add up to the ship movements' units x unit cost, for the orders in the warehouse's currency.
    const total = await rawAll<{ cost: number }>(`
      SELECT SUM(-m.on_hand_delta * m.unit_cost) AS cost FROM stock_movements m JOIN shipments s ON s.id = m.ref_id
        JOIN orders o ON o.id = s.order_id JOIN warehouses w ON w.id = s.warehouse_id
      WHERE m.kind = 'ship' AND m.unit_cost IS NOT NULL AND w.currency = o.currency AND o.store_id IN (SELECT value FROM json_each(?))`);
    const rolled = await rawAll<{ cost: number }>(`SELECT SUM(cost_shipped) AS cost FROM rollup_sku_days WHERE store_id IN (SELECT value FROM json_each(?))`);
    expect(rolled[0]!.cost).toBeLessThanOrEqual(total[0]!.cost);
    expect(rolled[0]!.cost).toBeGreaterThan(total[0]!.cost * 0.5);
  });
});

describe("bad input and roles", () => {
  const cases: [string, string][] = [
    ["/v1/reports/floor?from=2026-04-01&to=2026-04-02&group_by=sku", "group_by.0"],
    ["/v1/reports/floor?from=2026-04-02&to=2026-04-01", "to"],
    ["/v1/reports/floor?to=2026-04-01", "from"],
    ["/v1/reports/audit-findings?from=2026-04-01&to=2026-04-02&outcome=maybe", "outcome.0"],
    ["/v1/reports/audit-findings?from=2026-04-01&to=2026-04-02&severity=fatal", "severity.0"],
    ["/v1/reports/audit-findings?from=2026-04-01&to=2026-04-02&group_by=warehouse", "group_by.0"],
    ["/v1/reports/carriers?from=2025-01-01&to=2026-04-02", "to"],
    ["/v1/reports/carriers?from=2026-04-01&to=2026-04-02&limit=0", "limit"],
    ["/v1/reports/carriers?from=2026-04-01&to=2026-04-02&format=pdf", "format"],
    ["/v1/reports/carriers?from=2026-04-01&to=2026-04-02&cursor=WyJhIl0", "cursor"],
  ];
  for (const [path, field] of cases) {
    it(`${path} -> 400 naming ${field}`, async () => {
      expectInvalidQuery(await api(path, { key: analyst }), field);
    });
  }

  it("only analysts and admins read them", async () => {
    const paths = ["floor", "audit-findings", "carriers"].map((r) => `/v1/reports/${r}?from=2026-04-01&to=2026-04-02`);
    for (const role of ["auditor", "warehouse", "logistics", "support", "channel"]) {
      const key = await createKey(role, role === "channel" ? [a.id] : ["*"]);
      for (const path of paths) {
        const r = await api(path, { key });
        expect(r.status, `${role} ${path}`).toBe(403);
        expect(r.body.code).toBe("forbidden");
      }
    }
    for (const path of paths) {
      expect((await api(path, { key: analyst })).status).toBe(200);
      expect((await api(path)).status).toBe(200);
    }
  });
});
