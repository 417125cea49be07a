/**
 * The rollup cron against thousands of generated orders in four time zones
 * and several currencies: its rows equal a computation from raw data; running
 * it again, late or concurrently changes nothing; a full rebuild gives the
 * same rows; a store's time zone or SLA change rebuilds that store.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { asOf, generateOrders, type GeneratedOrder } from "../bench/lib/generate-orders.mjs";
import { applyStoreConfigs } from "../src/analytics/apply-store-config";
import { acquireLease, leaseGuard, releaseLease } from "../src/analytics/lease";
import { markEverything } from "../src/analytics/mark-changes";
import { ROLLUP_TABLES } from "../src/analytics/folds";
import { orderHoursSql } from "../src/analytics/folds/order-counts";
import { d1Databases } from "./databases";
import { refoldDirty, refoldUnit } from "../src/analytics/refold-dirty";
import { rebuildRollups, ROLLUP_LAG_MS, runRollups } from "../src/analytics/run-rollups";
import { DEFAULT_SLA, type Span } from "../src/analytics/sla";
import { daysBetween, dayStart, localDay, offsetSegments } from "../src/analytics/time-zones";
import { PLACEMENT, type Placement } from "../src/db/placement";
import {
  comparable,
  expectedAudits,
  expectedCarriers,
  expectedDurations,
  expectedFloor,
  expectedOrderDays,
  expectedOrderHours,
  expectedReasons,
  expectedSkus,
  expectedStaff,
  rawData,
} from "./rollup-reference";
import { rollUntilCaughtUp, rollupRows, rollupState, writeActorKeys, writeOrders, writeStores, writeWarehouses, type TestStore } from "./rollup-fixtures";

const STORES: TestStore[] = [
  { id: "st_roll_utc", name: "UTC shop", currency: "USD", timezone: "UTC" },
  { id: "st_roll_nyc", name: "New York shop", currency: "USD", timezone: "America/New_York" },
  { id: "st_roll_kol", name: "Kolkata shop", currency: "INR", timezone: "Asia/Kolkata" },
  { id: "st_roll_ber", name: "Berlin shop", currency: "EUR", timezone: "Europe/Berlin" },
];
const STORE_IDS = STORES.map((s) => s.id);
const KEYS = [
  { id: "key_roll_aud_1", role: "auditor" },
  { id: "key_roll_aud_2", role: "auditor" },
  { id: "key_roll_wh_1", role: "warehouse" },
  { id: "key_roll_log_1", role: "logistics" },
  { id: "key_roll_chan_1", role: "channel" },
  { id: "key_roll_floor_1", role: "warehouse" },
  { id: "key_roll_floor_2", role: "warehouse" },
];
// Costs are kept in USD and EUR: orders in other currencies have no known cost.
const WAREHOUSES = [
  { id: "wh_roll_east", currency: "USD" },
  { id: "wh_roll_west", currency: "USD" },
  { id: "wh_roll_eu", currency: "EUR" },
];
// Six weeks across both autumn DST changes (Berlin 2025-10-26, New York 2025-11-02).
const START = Date.parse("2025-10-15T00:00:00Z");
const MIDWAY = Date.parse("2025-11-05T12:00:00Z");
const END = Date.parse("2025-11-25T00:00:00Z");

let generated: GeneratedOrder[];
/** SLA targets the reference judges breaches by; tests that change a store's SLA change this too. */
const slaTargets = new Map<string, Partial<Record<Span, number | null>>>();
const target = (storeId: string, span: string) => ({ ...DEFAULT_SLA, ...slaTargets.get(storeId) })[span as Span] ?? null;

async function snapshot() {
  return {
    hours: await rollupRows(orderHoursSql, STORE_IDS, "store_id, hour_start, channel, warehouse_id, currency"),
    days: await rollupRows("rollup_order_days", STORE_IDS, "store_id, day, channel, warehouse_id, currency"),
    durations: await rollupRows("rollup_durations", STORE_IDS, "store_id, day, span, channel"),
    breaches: await rollupRows("rollup_sla_breaches", STORE_IDS, "order_id, span"),
    staff: await rollupRows("rollup_staff_days", STORE_IDS, "store_id, day, actor, metric"),
    reasons: await rollupRows("rollup_reason_days", STORE_IDS, "store_id, day, event, reason"),
    skus: await rollupRows("rollup_sku_days", STORE_IDS, "store_id, day, warehouse_id, sku, currency"),
    floor: await rollupRows("rollup_floor_days", STORE_IDS, "store_id, day, warehouse_id, worker, metric"),
    audits: await rollupRows("rollup_audit_days", STORE_IDS, "store_id, day, outcome, code, severity"),
    carriers: await rollupRows("rollup_carrier_days", STORE_IDS, "store_id, day, carrier, service"),
  };
}

/** An order's event written by hand, as the order object writes it (without the history columns: the staging looks them up). */
const orderEvent = (orderId: string, e: { seq: number; type: string; from: string | null; to: string; at: number; actor?: string }) =>
  env.DB.prepare("INSERT INTO order_events (id, order_id, seq, type, from_status, to_status, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").bind(
    `evt_${orderId}_${e.seq}`,
    orderId,
    e.seq,
    e.type,
    e.from,
    e.to,
    e.actor ?? "bootstrap",
    e.at,
  );

/** Every rollup table equals the reference computed from the raw rows now in D1. */
async function expectRollupsMatchRawData() {
  const raw = await rawData(STORE_IDS);
  const got = await snapshot();
  const hours = expectedOrderHours(raw);
  expect(comparable(got.hours, ["offset_ms"])).toEqual(hours);
  expect(comparable(got.days)).toEqual(expectedOrderDays(hours));
  const durations = expectedDurations(raw, target);
  expect(comparable(got.durations, ["histogram"])).toEqual(durations.rows);
  expect(comparable(got.breaches)).toEqual(durations.breaches);
  expect(comparable(got.staff)).toEqual(expectedStaff(raw));
  expect(comparable(got.reasons)).toEqual(expectedReasons(raw));
  expect(comparable(got.skus)).toEqual(expectedSkus(raw));
  expect(comparable(got.floor)).toEqual(expectedFloor(raw));
  expect(comparable(got.audits)).toEqual(expectedAudits(raw));
  expect(comparable(got.carriers)).toEqual(expectedCarriers(raw));
  return got;
}

beforeAll(async () => {
  await writeStores(STORES);
  await writeActorKeys(KEYS);
  await writeWarehouses(WAREHOUSES);
  generated = [
    ...generateOrders({
      seed: 6,
      count: 3000,
      start: START,
      end: END,
      stores: STORES,
      currencies: ["EUR", "JPY", "KWD"],
      actors: {
        audit: ["key_roll_aud_1", "key_roll_aud_2", "bootstrap"],
        warehouse: ["key_roll_wh_1"],
        logistics: ["key_roll_log_1", "carrier:webhook"],
        system: ["key_roll_chan_1", "system:timer"],
      },
      fulfilment: { warehouses: WAREHOUSES, workers: ["key_roll_floor_1", "key_roll_floor_2", "bootstrap"] },
    }),
  ];
});

describe("rollups from generated orders", { timeout: 120_000 }, () => {
  it("the data covers every stage, store, currency and both DST changes", () => {
    const statuses = new Set(generated.map((g) => g.order.status));
    expect([...statuses].sort()).toEqual(["approved", "cancelled", "completed", "delivered", "on_hold", "processing", "received", "shipped"]);
    expect(new Set(generated.map((g) => g.order.store_id)).size).toBe(4);
    expect(new Set(generated.map((g) => g.order.currency)).size).toBeGreaterThanOrEqual(5);
    expect(generated.flatMap((g) => g.events).length).toBeGreaterThan(12_000);
    // And what processing and logistics recorded: split allocations, lines split across warehouses, unknown costs, every floor
    // action and exception kind, audits of every outcome, parcels without a promise.
    const facts = (table: keyof NonNullable<GeneratedOrder["facts"]>) => generated.flatMap((g) => g.facts?.[table] ?? []);
    const shipmentsPerOrder = new Map<unknown, number>();
    for (const s of facts("shipments")) shipmentsPerOrder.set(s.order_id, (shipmentsPerOrder.get(s.order_id) ?? 0) + 1);
    expect([...shipmentsPerOrder.values()].filter((n) => n > 1).length).toBeGreaterThan(50);
    const lineWarehouses = new Map<string, Set<unknown>>();
    for (const i of facts("shipment_items")) {
      const key = `${i.order_id}#${i.line_no}`;
      lineWarehouses.set(key, (lineWarehouses.get(key) ?? new Set()).add(i.warehouse_id));
    }
    expect([...lineWarehouses.values()].filter((w) => w.size > 1).length).toBeGreaterThan(20);
    expect(facts("stock_movements").some((m) => m.unit_cost === null)).toBe(true);
    expect(new Set(facts("warehouse_events").map((w) => w.kind))).toEqual(new Set(["pick", "short_pick", "scan_mismatch", "pack_scan", "weigh", "pack"]));
    expect(facts("warehouse_events").some((w) => w.kind === "pack" && JSON.parse(String(w.data)).override !== null)).toBe(true);
    expect(new Set(facts("logistics_exceptions").map((x) => x.kind)).size).toBe(5);
    expect(new Set(facts("audit_results").map((a) => a.outcome))).toEqual(new Set(["approve", "hold", "reject", "wait"]));
    expect(facts("shipment_tracking").some((t) => !String(t.explanation).includes('"chosen"'))).toBe(true);
  });

  it("fold in two waves, the second changing old orders, and equal the raw-data computation each time", async () => {
    await writeOrders(generated.map((g) => asOf(g, MIDWAY)).filter((g) => g !== null));
    await rollUntilCaughtUp(MIDWAY + ROLLUP_LAG_MS);
    expect((await rollupState()).watermark).toBe(MIDWAY);
    const first = await expectRollupsMatchRawData();
    expect(first.days.length).toBeGreaterThan(100);
    expect(first.breaches.length).toBeGreaterThan(10);
    expect(new Set(first.days.map((d) => d.warehouse_id))).toEqual(new Set(["", ...WAREHOUSES.map((w) => w.id)]));
    expect(first.skus.some((r) => r.cost_shipped !== null && (r.cost_shipped as number) > 0)).toBe(true);
    expect(first.carriers.some((r) => (r.on_time as number) > 0) && first.carriers.some((r) => (r.late as number) > 0)).toBe(true);

    // Orders received before MIDWAY move on after it: their old buckets and the new ones must both be right.
    await writeOrders(generated);
    const runs = await rollUntilCaughtUp(END + ROLLUP_LAG_MS);
    expect(runs).toBeGreaterThanOrEqual(1);
    await expectRollupsMatchRawData();
  });

  it("keep New York's repeated 01:00 of 2025-11-02 as two hours, and that day 25 hours long", async () => {
    const hours = (await rollupRows(orderHoursSql, ["st_roll_nyc"], "hour_start")).filter((h) => h.day === "2025-11-02");
    const labels = [...new Set(hours.map((h) => h.hour_label))];
    expect(labels).toContain("2025-11-02T01:00-04:00");
    expect(labels).toContain("2025-11-02T01:00-05:00");
    expect(labels.length).toBeLessThanOrEqual(25);
    const starts = [...new Set(hours.map((h) => h.hour_start as number))];
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(Date.parse("2025-11-02T04:00:00Z"));
    expect(Math.max(...starts)).toBeLessThan(Date.parse("2025-11-03T05:00:00Z"));
  });

  it("equal a direct SQL computation for the UTC store", async () => {
    const direct = await env.DB.prepare(`
      SELECT o.store_id, date(e.created_at / 1000, 'unixepoch') AS day, o.channel,
        COALESCE((SELECT i.warehouse_id FROM shipment_items i WHERE i.order_id = o.id GROUP BY i.warehouse_id
          ORDER BY SUM(i.quantity) DESC, i.warehouse_id LIMIT 1), '') AS warehouse_id, o.currency,
        SUM(e.type = 'received') AS received, SUM(e.to_status = 'approved') AS approved, SUM(e.to_status = 'on_hold') AS held,
        SUM(e.to_status = 'processing') AS processing, SUM(e.to_status = 'shipped') AS shipped,
        SUM(e.to_status = 'delivered') AS delivered, SUM(e.to_status = 'completed') AS completed,
        SUM(e.to_status = 'cancelled') AS cancelled, SUM(e.type = 'reject') AS rejected,
        SUM(IIF(e.type = 'received', o.subtotal_amount, 0)) AS gross_amount, SUM(IIF(e.type = 'received', o.discount_amount, 0)) AS discount_amount,
        SUM(IIF(e.type = 'received', o.shipping_amount, 0)) AS shipping_amount, SUM(IIF(e.type = 'received', o.tax_amount, 0)) AS tax_amount,
        SUM(IIF(e.type = 'received', o.total_amount, 0)) AS net_amount, SUM(IIF(e.to_status = 'cancelled', o.total_amount, 0)) AS cancelled_amount
      FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.store_id = 'st_roll_utc'
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`).all();
    const rolled = await rollupRows("rollup_order_days", ["st_roll_utc"], "store_id, day, channel, warehouse_id, currency");
    expect(rolled).toEqual(direct.results);
    const totals = await env.DB.prepare("SELECT COUNT(*) AS n, SUM(total_amount) AS net FROM orders WHERE store_id = 'st_roll_utc' AND currency = 'USD'").first();
    const summed = await env.DB.prepare("SELECT SUM(received) AS n, SUM(net_amount) AS net FROM rollup_order_days WHERE store_id = 'st_roll_utc' AND currency = 'USD'").first();
    expect(summed).toEqual(totals);
  });

  it("running again, twice, or with a late scheduled time changes nothing", async () => {
    const before = await snapshot();
    const state = await rollupState();
    await rollUntilCaughtUp(END + ROLLUP_LAG_MS);
    await rollUntilCaughtUp(END + ROLLUP_LAG_MS);
    // A cron delivered late carries an old scheduled time: the watermark never moves back.
    expect(await rollUntilCaughtUp(MIDWAY)).toBe(1);
    expect((await rollupState()).watermark).toBe(state.watermark);
    expect(await snapshot()).toEqual(before);
  });

  it("a full rebuild from raw data gives identical rows", async () => {
    const before = await snapshot();
    expect(await rebuildRollups(env)).toBe(true);
    expect((await snapshot()).days).toEqual([]);
    await rollUntilCaughtUp(END + ROLLUP_LAG_MS);
    expect(await snapshot()).toEqual(before);
  });

  it("hour rows kept one per hour, as before migration 0057, convert to the same hours, in hour order, beside the day sums", async () => {
    const order = "store_id, hour_start, channel, warehouse_id, currency";
    const before = await rollupRows(orderHoursSql, STORE_IDS, order);
    expect(new Set(before.map((h) => String(h.hour_label).slice(-6)))).toEqual(new Set(["+00:00", "-04:00", "-05:00", "+05:30", "+01:00", "+02:00"]));
    // The table as migration 0053 left it, holding the same hours one row each; then 0057's statements as written.
    const migration = (prefix: string) => env.TEST_MIGRATIONS.find((m) => m.name.startsWith(prefix))!.queries;
    const oldTable = migration("0053_")[0]!.replace("__new_rollup_order_hours", "rollup_order_hours");
    for (const [, db] of d1Databases()) {
      const { results: hours } = await db.prepare(`SELECT * FROM ${orderHoursSql}`).all<Record<string, unknown>>();
      await db.batch([db.prepare("DROP TABLE rollup_order_hours"), db.prepare(oldTable)]);
      for (let i = 0; i < hours.length; i += 500) {
        const part = hours.slice(i, i + 500);
        // The old rows had the label and not the offset.
        const columns = Object.keys(part[0]!).filter((c) => c !== "offset_ms");
        await db
          .prepare(`INSERT INTO rollup_order_hours (${columns.join(", ")}) SELECT ${columns.map((c) => `value ->> '${c}'`).join(", ")} FROM json_each(?)`)
          .bind(JSON.stringify(part))
          .run();
      }
      await db.batch(migration("0057_").map((q) => db.prepare(q)));
    }
    expect(await rollupRows(orderHoursSql, STORE_IDS, order)).toEqual(before);
    // The day's sums are the day rows', and its entries come in hour order.
    const converted = await rollupRows("rollup_order_hours", STORE_IDS, "store_id, day, channel, warehouse_id, currency");
    expect(comparable(converted, ["hours"])).toEqual(comparable(await rollupRows("rollup_order_days", STORE_IDS, "store_id, day, channel, warehouse_id, currency")));
    const starts = converted.map((r) => (JSON.parse(String(r.hours)) as number[][]).map((h) => h[0]!));
    expect(starts.every((s) => s.every((t, i) => i === 0 || t > s[i - 1]!))).toBe(true);
    expect(starts.some((s) => s.length > 1)).toBe(true);
  });

  it("bounded runs (tiny budget, small scan steps, few buckets planned at a time) reach the same rows over more runs", async () => {
    const before = await snapshot();
    expect(await rebuildRollups(env)).toBe(true);
    let runs = 0;
    for (;;) {
      // From scratch too, these runs scan (in steps) rather than mark every day: the scan's rows equal the marking's.
      // Ten buckets of four stores span about three days: each pick leaves its last run, cut short, for the next.
      const r = await runRollups(env, { now: END + ROLLUP_LAG_MS, budgetMs: 1, scanLimit: 400, maxDaysPerUnit: 2, pick: 10, scanFromScratch: true });
      runs++;
      if (r.status === "caught_up") break;
      expect(r.status).toBe("partial");
      expect(runs).toBeLessThan(500);
    }
    expect(runs).toBeGreaterThan(5);
    expect(await snapshot()).toEqual(before);
  });

  it("from scratch a run marks every day of every store from the earliest fact; past the cap it leaves the marking to the scan", async () => {
    const before = await snapshot();
    expect(await rebuildRollups(env)).toBe(true);
    const owner = "test-mark-everything";
    expect(await acquireLease(env.DB, owner, Date.now())).toEqual({ watermark: 0 });
    const guard = leaseGuard(owner);
    const { configs } = await applyStoreConfigs(env.DB, guard, Date.now());
    const dirty = () => env.DB.prepare("SELECT store_id, MIN(day) AS first, MAX(day) AS last, COUNT(*) AS n FROM rollup_dirty GROUP BY store_id ORDER BY store_id").all();
    // Over the cap: nothing marked, the watermark left for the scan.
    expect(await markEverything(env.DB, configs, { to: END, guard, now: 1, max: 10 })).toBeNull();
    expect((await dirty()).results).toEqual([]);
    expect((await rollupState()).watermark).toBe(0);

    const r = await markEverything(env.DB, configs, { to: END, guard, now: 1 });
    const earliest = (await env.DB.prepare("SELECT MIN(created_at) AS t FROM order_events").first<{ t: number }>())!.t;
    const rows = (await dirty()).results as { store_id: string; first: string; last: string; n: number }[];
    expect(rows.map((d) => d.store_id)).toEqual([...configs.keys()].sort());
    for (const d of rows) {
      const tz = configs.get(d.store_id)!.timezone;
      expect([d.first, d.last, d.n]).toEqual([localDay(tz, earliest), localDay(tz, END), daysBetween(localDay(tz, earliest), localDay(tz, END)) + 1]);
    }
    expect(r).toEqual({ watermark: END, orders: expect.any(Number), buckets: rows.reduce((n, d) => n + d.n, 0), unknownStores: [] });
    expect((await rollupState()).watermark).toBe(END);
    await releaseLease(env.DB, owner, { now: Date.now(), lastRun: { status: "test" } });
    await rollUntilCaughtUp(END + ROLLUP_LAG_MS);
    expect(await snapshot()).toEqual(before);
  });

  it("a run finds the lease taken and does nothing; once it expires the next run works", async () => {
    await env.DB.prepare("UPDATE rollup_state SET lease_owner = 'someone-else', lease_until = ? WHERE id = 1")
      .bind(Date.now() + 60_000)
      .run();
    expect(await runRollups(env, { now: END + ROLLUP_LAG_MS })).toEqual({ status: "busy" });
    expect(await rebuildRollups(env)).toBe(false);
    await env.DB.prepare("UPDATE rollup_state SET lease_until = ? WHERE id = 1")
      .bind(Date.now() - 1)
      .run();
    expect((await runRollups(env, { now: END + ROLLUP_LAG_MS })).status).toBe("caught_up");
  });

  it("a run that lost its lease writes nothing", async () => {
    const before = await snapshot();
    const tz = "America/New_York";
    const start = dayStart(tz, "2025-11-02");
    const end = dayStart(tz, "2025-11-03");
    await env.DB.prepare("INSERT INTO rollup_dirty (store_id, day, marked_at) VALUES ('st_roll_nyc', '2025-11-02', 0)").run();
    const staged = await env.DB.prepare("SELECT COUNT(*) AS n FROM rollup_unit_events").first<{ n: number }>();
    expect(staged!.n).toBeGreaterThan(0);
    // Refused at its first statement (the working table is emptied without a WHERE, after the lease is asserted).
    const wrote = await refoldUnit(
      env.DB,
      {
        storeIds: ["st_roll_nyc"],
        firstDay: "2025-11-02",
        lastDay: "2025-11-02",
        // Deliberately wrong offsets: if anything were written, the rows would change.
        zones: [{ timezone: tz, storeIds: ["st_roll_nyc"], start, end, segments: offsetSegments("UTC", start, end) }],
        start,
        end,
        slas: new Map([["st_roll_nyc", DEFAULT_SLA]]),
        roles: "{}",
        guard: leaseGuard("not-the-holder"),
      },
      [{ store_id: "st_roll_nyc", day: "2025-11-02" }],
    );
    expect(wrote).toBe(false);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM rollup_unit_events").first<{ n: number }>()).toEqual(staged);
    expect(await snapshot()).toEqual(before);
    expect((await rollupState()).dirty).toBe(1);
    await rollUntilCaughtUp(END + ROLLUP_LAG_MS);
    expect(await snapshot()).toEqual(before);
  });

  it("a store's new time zone rebuilds that store in it", async () => {
    await env.DB.prepare("UPDATE stores SET timezone = 'Pacific/Chatham' WHERE id = 'st_roll_kol'").run();
    await rollUntilCaughtUp(END + ROLLUP_LAG_MS);
    const got = await expectRollupsMatchRawData();
    // Chatham is UTC+13:45 in November: its local hours start at :15 past a UTC hour.
    const chatham = got.hours.filter((h) => h.store_id === "st_roll_kol");
    expect(chatham.length).toBeGreaterThan(0);
    expect(chatham.every((h) => (h.hour_start as number) % 3_600_000 === 15 * 60_000)).toBe(true);
    expect(chatham.every((h) => String(h.hour_label).endsWith("+13:45"))).toBe(true);
    await env.DB.prepare("UPDATE stores SET timezone = 'Asia/Kolkata' WHERE id = 'st_roll_kol'").run();
    await rollUntilCaughtUp(END + ROLLUP_LAG_MS);
    await expectRollupsMatchRawData();
  });

  it("an allocation days after an order's other events moves all of them to its warehouse, including days nobody else touched", async () => {
    await writeStores([{ id: "st_roll_alloc", name: "Allocation shop", currency: "USD", timezone: "UTC" }]);
    const day = (d: number, h = 12) => Date.parse(`2025-12-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00Z`);
    const event = (seq: number, type: string, to: string, at: number) => orderEvent("ord_roll_alloc", { seq, type, from: null, to, at });
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO orders (id, store_id, channel, status, version, payment_status, requires_shipping, customer_name, shipping_address, currency,
          subtotal_amount, shipping_amount, discount_amount, tax_amount, total_amount, created_at, updated_at)
        VALUES ('ord_roll_alloc', 'st_roll_alloc', 'web', 'approved', 2, 'paid', 1, 'A', '{}', 'USD', 1000, 0, 0, 0, 1000, ?, ?)`).bind(day(1), day(2)),
      env.DB.prepare(
        "INSERT INTO order_lines (order_id, line_no, sku, name, type, quantity, unit_price, total_amount) VALUES ('ord_roll_alloc', 1, 'SKU-A', 'A', 'goods', 2, 500, 1000)",
      ),
      event(1, "received", "received", day(1)),
      event(2, "approve", "approved", day(2)),
    ]);
    // Scanned up to the 3rd, then allocated on the 5th, then scanned again: the way a live system sees it.
    await rollUntilCaughtUp(day(3));
    const approvedOn2 = async () =>
      (await rollupRows("rollup_order_days", ["st_roll_alloc"], "day")).filter((r) => r.day === "2025-12-02").map((r) => [r.warehouse_id, r.approved]);
    expect(await approvedOn2()).toEqual([["", 1]]);
    // Allocated on the 5th: the approval of the 2nd (a day no other change marks) now counts under the warehouse.
    await env.DB.batch([
      // The process keeps the order's primary warehouse on it, as src/fulfilment/allocation-effect.ts does.
      env.DB.prepare("UPDATE orders SET status = 'processing', version = 3, updated_at = ?, primary_warehouse_id = 'wh_roll_east' WHERE id = 'ord_roll_alloc'").bind(day(5)),
      event(3, "process", "processing", day(5)),
      env.DB.prepare(`INSERT INTO shipment_items (id, shipment_id, origin_shipment_id, order_id, line_no, sku, warehouse_id, bin_id, quantity, reserved_qty, created_at)
        VALUES ('si_roll_alloc', 'shp_roll_alloc', 'shp_roll_alloc', 'ord_roll_alloc', 1, 'SKU-A', 'wh_roll_east', 'bin_x', 2, 2, ?)`).bind(day(5)),
    ]);
    await rollUntilCaughtUp(day(20));
    expect(await approvedOn2()).toEqual([["wh_roll_east", 1]]);
    const skus = await rollupRows("rollup_sku_days", ["st_roll_alloc"], "day");
    expect(skus.map((r) => [r.day, r.warehouse_id, r.units_ordered, r.revenue_ordered])).toEqual([["2025-12-01", "wh_roll_east", 2, 1000]]);
  });

  it("events that keep the order's status (edits, after-sales requests) are no milestone: nothing counts twice", async () => {
    await writeStores([{ id: "st_roll_same", name: "Same-status shop", currency: "USD", timezone: "UTC" }]);
    const at = (h: number) => Date.parse(`2025-12-24T${String(h).padStart(2, "0")}:00:00Z`);
    const event = (seq: number, type: string, from: string | null, to: string) => orderEvent("ord_roll_same", { seq, type, from, to, at: at(seq) });
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO orders (id, store_id, channel, status, version, payment_status, requires_shipping, customer_name, shipping_address, currency,
          subtotal_amount, shipping_amount, discount_amount, tax_amount, total_amount, created_at, updated_at)
        VALUES ('ord_roll_same', 'st_roll_same', 'web', 'shipped', 7, 'paid', 1, 'A', '{}', 'USD', 1000, 0, 0, 0, 1000, ?, ?)`).bind(at(1), at(7)),
      env.DB.prepare(
        "INSERT INTO order_lines (order_id, line_no, sku, name, type, quantity, unit_price, total_amount) VALUES ('ord_roll_same', 1, 'SKU-S', 'S', 'goods', 2, 500, 1000)",
      ),
      event(1, "received", null, "received"),
      event(2, "approve", "received", "approved"),
      event(3, "edited", "approved", "approved"),
      event(4, "process", "approved", "processing"),
      event(5, "ship", "processing", "shipped"),
      event(6, "after_sales_opened", "shipped", "shipped"),
      event(7, "after_sales_resolved", "shipped", "shipped"),
    ]);
    await rollUntilCaughtUp(Date.parse("2025-12-30T00:00:00Z"));
    const [day] = await rollupRows("rollup_order_days", ["st_roll_same"], "day");
    expect(day).toMatchObject({ received: 1, approved: 1, processing: 1, shipped: 1 });
    const skus = await rollupRows("rollup_sku_days", ["st_roll_same"], "day");
    expect(skus.map((r) => [r.units_ordered, r.units_shipped])).toEqual([[2, 2]]);
  });

  it("an event committed late, stamped inside the lag of a run that already folded its day, lands in the next run as a rebuild has it", async () => {
    await writeStores([{ id: "st_roll_late", name: "Late shop", currency: "USD", timezone: "UTC" }]);
    const at = (h: number, m = 0, s = 0) => Date.parse(`2026-01-10T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}Z`);
    const event = (seq: number, type: string, from: string | null, to: string, when: number) =>
      orderEvent("ord_roll_late", { seq, type, from, to, at: when, actor: "key_roll_aud_1" });
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO orders (id, store_id, channel, status, version, payment_status, requires_shipping, customer_name, shipping_address, currency,
          subtotal_amount, shipping_amount, discount_amount, tax_amount, total_amount, created_at, updated_at)
        VALUES ('ord_roll_late', 'st_roll_late', 'web', 'approved', 2, 'paid', 1, 'A', '{}', 'USD', 1000, 0, 0, 0, 1000, ?, ?)`).bind(at(10), at(11)),
      env.DB.prepare(
        "INSERT INTO order_lines (order_id, line_no, sku, name, type, quantity, unit_price, total_amount) VALUES ('ord_roll_late', 1, 'SKU-L', 'L', 'goods', 1, 1000, 1000)",
      ),
      event(1, "received", null, "received", at(10)),
      event(2, "approve", "received", "approved", at(11)),
    ]);
    // The run at 12:00 scans up to 11:59 and folds the day as it stands.
    await rollUntilCaughtUp(at(12));
    const day = async () => (await rollupRows("rollup_order_days", ["st_roll_late"], "day")).map((r) => [r.day, r.received, r.approved, r.held]);
    expect(await day()).toEqual([["2026-01-10", 1, 1, 0]]);
    // A hold stamped 11:59:30 whose batch committed after that run: inside the lag, so past the watermark.
    await env.DB.batch([
      env.DB.prepare("UPDATE orders SET status = 'on_hold', version = 3, updated_at = ? WHERE id = 'ord_roll_late'").bind(at(11, 59, 30)),
      event(3, "hold", "approved", "on_hold", at(11, 59, 30)),
    ]);
    await rollUntilCaughtUp(at(13));
    expect(await day()).toEqual([["2026-01-10", 1, 1, 1]]);
    const staff = await rollupRows("rollup_staff_days", ["st_roll_late"], "metric");
    expect(staff.map((r) => [r.metric, r.count, r.latency_sum_ms])).toEqual([
      ["approve", 1, 3_600_000],
      ["hold", 1, at(11, 59, 30) - at(11)],
    ]);
    // Folded incrementally (three runs' worth of changes) or rebuilt from scratch: the same rows, for every store.
    const incremental = await snapshot();
    const tables: [string, string][] = [
      [orderHoursSql, "hour_start, channel, warehouse_id, currency"],
      ["rollup_staff_days", "day, actor, metric"],
      ["rollup_durations", "day, span, channel"],
      ["rollup_sku_days", "day, warehouse_id, sku, currency"],
    ];
    const late = async () => Promise.all(tables.map(([t, order]) => rollupRows(t, ["st_roll_late"], order)));
    const lateIncremental = await late();
    expect(await rebuildRollups(env)).toBe(true);
    await rollUntilCaughtUp(at(13));
    expect(await snapshot()).toEqual(incremental);
    expect(await late()).toEqual(lateIncremental);
    expect(lateIncremental[2]!.map((r) => r.span)).toEqual(["received_to_approved", "received_to_approved"]);
  });

  it("a store's new SLA re-judges its breaches", async () => {
    const before = (await snapshot()).breaches.filter((b) => b.store_id === "st_roll_ber").length;
    await env.DB.prepare(
      "INSERT INTO store_slas (store_id, received_to_approved_ms, approved_to_shipped_ms, shipped_to_delivered_ms, received_to_completed_ms, updated_at) VALUES ('st_roll_ber', 3600000, NULL, 86400000, NULL, 0)",
    ).run();
    slaTargets.set("st_roll_ber", { received_to_approved: 3_600_000, approved_to_shipped: null, shipped_to_delivered: 86_400_000, received_to_completed: null });
    await rollUntilCaughtUp(END + ROLLUP_LAG_MS);
    const got = await expectRollupsMatchRawData();
    const berlin = got.breaches.filter((b) => b.store_id === "st_roll_ber");
    expect(berlin.length).not.toBe(before);
    expect(new Set(berlin.map((b) => b.span))).toEqual(new Set(["received_to_approved", "shipped_to_delivered"]));
  });

  it("a store's new time zone keeps what was recorded after its last order change: the floor's work, days later", async () => {
    await writeStores([{ id: "st_roll_tzfloor", name: "Floor shop", currency: "USD", timezone: "UTC" }]);
    const day = (d: number, h = 12) => Date.parse(`2026-01-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00Z`);
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO orders (id, store_id, channel, status, version, payment_status, requires_shipping, customer_name, shipping_address, currency,
          subtotal_amount, shipping_amount, discount_amount, tax_amount, total_amount, created_at, updated_at)
        VALUES ('ord_roll_tzfloor', 'st_roll_tzfloor', 'web', 'received', 1, 'paid', 1, 'A', '{}', 'USD', 1000, 0, 0, 0, 1000, ?1, ?1)`).bind(day(20, 10)),
      env.DB.prepare(
        "INSERT INTO order_lines (order_id, line_no, sku, name, type, quantity, unit_price, total_amount) VALUES ('ord_roll_tzfloor', 1, 'SKU-F', 'F', 'goods', 1, 1000, 1000)",
      ),
      env.DB.prepare(
        "INSERT INTO order_events (id, order_id, seq, type, from_status, to_status, actor, created_at) VALUES ('evt_roll_tzfloor_1', 'ord_roll_tzfloor', 1, 'received', NULL, 'received', 'bootstrap', ?)",
      ).bind(day(20, 10)),
    ]);
    await rollUntilCaughtUp(day(21));
    // Packed three days later, at 23:00 UTC: the floor's log does not change the order.
    await env.DB.prepare(
      `INSERT INTO warehouse_events (warehouse_id, shipment_id, kind, worker, duration_ms, data, created_at, store_id)
        VALUES ('wh_roll_east', 'shp_roll_tzfloor', 'pack', 'key_roll_floor_1', 5000, '{"packages":1}', ?, 'st_roll_tzfloor')`,
    )
      .bind(day(23, 23))
      .run();
    await rollUntilCaughtUp(day(25));
    const floor = async () => (await rollupRows("rollup_floor_days", ["st_roll_tzfloor"], "day, metric")).map((r) => [r.day, r.metric, r.count]);
    expect(await floor()).toEqual([["2026-01-23", "pack", 1]]);
    // The store's rows are rebuilt in Tokyo's days, where 23:00 UTC on the 23rd is the 24th: the pack is not lost.
    await env.DB.prepare("UPDATE stores SET timezone = 'Asia/Tokyo' WHERE id = 'st_roll_tzfloor'").run();
    await rollUntilCaughtUp(day(25));
    expect(await floor()).toEqual([["2026-01-24", "pack", 1]]);
  });

  it("a store being copied to another database is marked but not refolded, and no run writes its rollup rows, even one that read its stores before", async () => {
    // The rollup rows are the tables placement calls derived: they have no move guards, so these runs keep them still.
    const derived = Object.entries(PLACEMENT as Record<string, Placement>).filter(([, p]) => p.derived);
    expect(derived.map(([t]) => t).sort()).toEqual([...ROLLUP_TABLES].sort());

    const berlinRows = async () => Object.fromEntries(Object.entries(await snapshot()).map(([k, rows]) => [k, rows.filter((r) => r.store_id === "st_roll_ber")]));
    const before = await berlinRows();
    expect(before.days!.length).toBeGreaterThan(10);
    const at = (h: number) => Date.parse(`2026-02-02T${String(h).padStart(2, "0")}:00:00Z`);
    const received = (id: string, store: string, currency: string) => [
      env.DB.prepare(`INSERT INTO orders (id, store_id, channel, status, version, payment_status, requires_shipping, customer_name, shipping_address, currency,
          subtotal_amount, shipping_amount, discount_amount, tax_amount, total_amount, created_at, updated_at)
        VALUES (?1, ?2, 'web', 'received', 1, 'paid', 1, 'A', '{}', ?3, 1000, 0, 0, 0, 1000, ?4, ?4)`).bind(id, store, currency, at(10)),
      env.DB.prepare("INSERT INTO order_lines (order_id, line_no, sku, name, type, quantity, unit_price, total_amount) VALUES (?, 1, 'SKU-M', 'M', 'goods', 1, 1000, 1000)").bind(
        id,
      ),
      env.DB.prepare(
        "INSERT INTO order_events (id, order_id, seq, type, from_status, to_status, actor, created_at) VALUES (?1, ?2, 1, 'received', NULL, 'received', 'bootstrap', ?3)",
      ).bind(`evt_${id}`, id, at(10)),
    ];
    const day = async (store: string) => (await rollupRows("rollup_order_days", [store], "day")).filter((r) => r.day === "2026-02-02").map((r) => r.received);
    const marks = async () => (await env.DB.prepare("SELECT day FROM rollup_dirty WHERE store_id = 'st_roll_ber' ORDER BY day").all<{ day: string }>()).results.map((r) => r.day);

    // Runs until caught up: a moving store's marks wait for its target and do not count.
    const caughtUpWhileMoving = async () => {
      for (let i = 0; i < 20; i++) if ((await runRollups(env, { now: at(12) })).status === "caught_up") return;
      throw new Error("the rollups did not catch up");
    };

    // A move's start (src/pools/move-pool.ts): Berlin is being copied from here, and still served here.
    await env.DB.prepare("INSERT INTO moving_owners (owner_id, pool_id, side, created_at) VALUES ('st_roll_ber', 'pool_roll_test', 'copying', 0)").run();
    await env.DB.batch([...received("ord_roll_mv_ber", "st_roll_ber", "EUR"), ...received("ord_roll_mv_utc", "st_roll_utc", "USD")]);
    // Caught up: Berlin's new day is marked (the copy carries the mark), not refolded; the UTC store rolls up as usual.
    await caughtUpWhileMoving();
    expect(await marks()).toEqual(["2026-02-02"]);
    expect(await day("st_roll_utc")).toEqual([1]);
    expect(await berlinRows()).toEqual(before);

    // A run that read its stores before the move began plans Berlin's unit: the unit's writes check the move as they
    // happen, so nothing of it is written, its mark stays, and the run stops instead of planning it again.
    const owner = "test-read-before-the-move";
    expect(await acquireLease(env.DB, owner, Date.now())).not.toBeNull();
    const { configs, copying } = await applyStoreConfigs(env.DB, leaseGuard(owner), Date.now());
    expect([...copying]).toEqual(["st_roll_ber"]);
    const stale = await refoldDirty(env.DB, configs, { guard: leaseGuard(owner), roles: "{}", deadline: Date.now() + 60_000, maxDays: 7 });
    await releaseLease(env.DB, owner, { now: Date.now(), lastRun: { status: "test" } });
    expect(stale).toEqual({ units: 0, buckets: 0 });
    expect(await marks()).toEqual(["2026-02-02"]);
    expect(await berlinRows()).toEqual(before);

    // A new time zone waits for the target, which finds the old one applied; a rebuild leaves Berlin's rows and marks.
    await env.DB.prepare("UPDATE stores SET timezone = 'Pacific/Chatham' WHERE id = 'st_roll_ber'").run();
    const run = await runRollups(env, { now: at(12) });
    expect(run).toMatchObject({ status: "caught_up", rebuilt_stores: [] });
    await env.DB.prepare("UPDATE stores SET timezone = 'Europe/Berlin' WHERE id = 'st_roll_ber'").run();
    expect(await rebuildRollups(env)).toBe(true);
    await caughtUpWhileMoving();
    expect(await day("st_roll_utc")).toEqual([1]);
    expect(await berlinRows()).toEqual(before);
    // Marked again, every day from its first to today, by the rebuild's run: for its target to refold.
    const again = await marks();
    expect(again[0]! <= "2025-10-15" && again.at(-1) === "2026-02-02").toBe(true);
    expect(again.length).toBe(daysBetween(again[0]!, "2026-02-02") + 1);

    // The move over (here: its rows lifted), the marks are refolded and Berlin's rows are those of its raw data again.
    await env.DB.batch([env.DB.prepare("DELETE FROM moving_owners WHERE pool_id = 'pool_roll_test'"), env.DB.prepare("DELETE FROM move_changes WHERE pool_id = 'pool_roll_test'")]);
    await rollUntilCaughtUp(at(12) + ROLLUP_LAG_MS);
    expect(await day("st_roll_ber")).toEqual([1]);
    await expectRollupsMatchRawData();
  });

  it("a re-route days later moves the order and its lines to the warehouse that took the goods, on every day they count in", async () => {
    const store = "st_roll_reroute";
    await writeStores([{ id: store, name: "Re-route shop", currency: "USD", timezone: "UTC" }]);
    const day = (d: number, h = 12) => Date.parse(`2026-03-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00Z`);
    const event = (seq: number, type: string, from: string | null, to: string, at: number) => orderEvent("ord_roll_rr", { seq, type, from, to, at });
    const item = (id: string, shipment: string, warehouse: string, at: number) =>
      env.DB.prepare(`INSERT INTO shipment_items (id, shipment_id, origin_shipment_id, order_id, line_no, sku, warehouse_id, bin_id, quantity, reserved_qty, created_at)
        VALUES (?, ?, ?, 'ord_roll_rr', 1, 'SKU-RR', ?, 'bin_x', 2, 2, ?)`).bind(id, shipment, shipment, warehouse, at);
    // Received on the 1st, approved on the 2nd, allocated on the 3rd to east (the smaller id: a tie between the
    // refused items and the new ones would keep it).
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO orders (id, store_id, channel, status, version, payment_status, requires_shipping, customer_name, shipping_address, currency,
          subtotal_amount, shipping_amount, discount_amount, tax_amount, total_amount, created_at, updated_at, primary_warehouse_id)
        VALUES ('ord_roll_rr', ?, 'web', 'processing', 3, 'paid', 1, 'A', '{}', 'USD', 1000, 0, 0, 0, 1000, ?, ?, 'wh_roll_east')`).bind(store, day(1), day(3)),
      env.DB.prepare(
        "INSERT INTO order_lines (order_id, line_no, sku, name, type, quantity, unit_price, total_amount) VALUES ('ord_roll_rr', 1, 'SKU-RR', 'R', 'goods', 2, 500, 1000)",
      ),
      event(1, "received", null, "received", day(1)),
      event(2, "approve", "received", "approved", day(2)),
      event(3, "process", "approved", "processing", day(3)),
      item("si_roll_rr_1", "shp_roll_rr_1", "wh_roll_east", day(3)),
    ]);
    await rollUntilCaughtUp(day(4));
    const approvedOn2 = async () => (await rollupRows("rollup_order_days", [store], "day")).filter((r) => r.day === "2026-03-02").map((r) => [r.warehouse_id, r.approved]);
    expect(await approvedOn2()).toEqual([["wh_roll_east", 1]]);
    // On the 5th east refuses the goods and a re-route sends them to west, as src/fulfilment/reroute-stage.ts writes it.
    await env.DB.batch([
      env.DB.prepare("UPDATE orders SET version = 4, updated_at = ?, primary_warehouse_id = 'wh_roll_west' WHERE id = 'ord_roll_rr'").bind(day(5)),
      event(4, "reroute", "processing", "processing", day(5)),
      env.DB.prepare("UPDATE shipment_items SET cancelled_at = ?, rerouted_at = ? WHERE shipment_id = 'shp_roll_rr_1'").bind(day(5), day(5)),
      item("si_roll_rr_2", "shp_roll_rr_2", "wh_roll_west", day(5)),
      env.DB.prepare(`INSERT INTO fulfilment_exceptions (id, shipment_id, kind, status, resolution, rerouted_to, created_by, resolved_by, created_at, resolved_at)
        VALUES ('fx_roll_rr', 'shp_roll_rr_1', 'dispatch_rejected', 'resolved', 'rerouted', '["shp_roll_rr_2"]', 'system', 'bootstrap', ?, ?)`).bind(day(5), day(5)),
    ]);
    await rollUntilCaughtUp(day(20));
    // The approval of the 2nd (a day nothing else marks) follows the goods, and the line's 2 units count once.
    expect(await approvedOn2()).toEqual([["wh_roll_west", 1]]);
    const skus = await rollupRows("rollup_sku_days", [store], "day, warehouse_id");
    expect(skus.map((r) => [r.day, r.warehouse_id, r.units_ordered, r.revenue_ordered])).toEqual([["2026-03-01", "wh_roll_west", 2, 1000]]);
    const raw = await rawData([store]);
    expect(comparable(skus)).toEqual(expectedSkus(raw));
    expect(comparable(await rollupRows(orderHoursSql, [store], "hour_start"), ["offset_ms"])).toEqual(expectedOrderHours(raw));
  });
});
