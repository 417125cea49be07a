/**
 * Gross profit per SKU (GET /v1/reports/gross-profit): orders of several
 * SKUs in JPY, USD and KWD, with discounts, shipping and tax, paid, labelled,
 * handed over and partly refunded, folded per SKU; the SKU rows and the
 * order-level row add up exactly to the daily finance summary; a refold
 * counts nothing twice; finance reads it, the other positions do not.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createOrder, createStore, expectInvalidQuery, unique } from "./helpers";
import { freshTrackingNumber, labelDirectly, packShipment } from "./logistics-helpers";
import { allocatedOrder, createBin, createWarehouse, receive } from "./processing-helpers";
import { runRollups } from "../src/analytics/run-rollups";
import { caughtUp, rollupRows } from "./rollup-fixtures";
import { dbOf, envOf } from "./shard-helpers";

type Line = { sku: string; quantity: number; unit_price: string; unit_cost: string };

const US_ADDRESS = { name: "Maya Chen", line1: "350 5th Ave", city: "New York", region: "NY", postal_code: "10118", country: "US" };

/**
 * An order of `lines` from a fresh warehouse of the store's (in its stock pool) that keeps costs in the store's currency:
 * paid (with a fee), labelled and handed over.
 */
async function shippedOrder(
  storeId: string,
  currency: string,
  o: { lines: Line[]; discount: string; shipping: string; tax: string; fee: string; channel?: string; buyLabel?: boolean },
) {
  const wh = await createWarehouse({ currency, store_ids: [storeId] });
  await createBin(wh.id, "A-01");
  await receive(
    wh.id,
    o.lines.map((l) => ({ bin: "A-01", sku: l.sku, quantity: 50, unit_cost: l.unit_cost })),
  );
  await api(`/v1/stores/${storeId}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  const { order, allocation } = await allocatedOrder(storeId, {
    currency,
    channel: o.channel ?? "web",
    lines: o.lines.map(({ sku, quantity, unit_price }) => ({ sku, quantity, unit_price })),
    discount_amount: o.discount,
    shipping_amount: o.shipping,
    tax_amount: o.tax,
    payment_status: "unpaid",
    shipping_address: US_ADDRESS,
  });
  expect(allocation.shipments).toHaveLength(1);
  const shipmentId = allocation.shipments[0].id as string;
  await packShipment(shipmentId);
  const paid = await api(`/v1/orders/${order.id}/payment`, { body: { payment_status: "paid", fee: o.fee, reference: `ch_${order.id}` } });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  if (o.buyLabel) {
    const label = await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    expect(label.status, JSON.stringify(label.body)).toBe(201);
  } else {
    await labelDirectly(shipmentId, freshTrackingNumber());
  }
  const handed = await api(`/v1/shipments/${shipmentId}/handover`, { body: {} });
  expect(handed.status, JSON.stringify(handed.body)).toBe(200);
  return order as { id: string; total_amount: string };
}

async function refund(orderId: string, amount: string, lines: { sku: string; quantity: number }[]) {
  const opened = await api(`/v1/orders/${orderId}/after-sales`, { body: { kind: lines.length ? "return" : "refund", reason: "not as described", lines } });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const r = await api(`/v1/after-sales/${opened.body.id}/transitions`, { body: { event: "resolve", resolution: "refund", refund_amount: amount, note: "Refunded" } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** A decimal string of the report in minor units: "-0.030" -> -30, "2901" -> 2901. */
const minor = (s: string) => Number(s.replace(".", ""));
const MONEY = ["revenue", "refunds", "fees", "shipping", "cost_of_goods", "gross_profit"] as const;

const today = new Date().toISOString().slice(0, 10);
const shift = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
// The stores keep UTC; a day either side covers a run across midnight.
const range = `from=${shift(-1)}&to=${shift(1)}`;

const stores: Record<"JPY" | "USD" | "KWD", { id: string }> = {} as never;
const sku: Record<string, string> = {};

beforeAll(async () => {
  // A pool each: JPY and KWD on one shard, USD on the other, so the refold and the rebuild run on both.
  for (const c of ["JPY", "USD", "KWD"] as const) stores[c] = await createStore(unique(`gp-${c}`), c);
  for (const name of ["J1", "J2", "U1", "U2", "U3", "K1", "K2"]) sku[name] = unique(`GP-${name}`);

  // JPY: 3 × 1000 + 1 × 500, discount 350, shipping 800, tax 315 = 4265. One J1 returned: 900 back.
  const jpy = await shippedOrder(stores.JPY.id, "JPY", {
    lines: [
      { sku: sku.J1!, quantity: 3, unit_price: "1000", unit_cost: "400" },
      { sku: sku.J2!, quantity: 1, unit_price: "500", unit_cost: "120" },
    ],
    discount: "350",
    shipping: "800",
    tax: "315",
    fee: "99",
  });
  await refund(jpy.id, "900", [{ sku: sku.J1!, quantity: 1 }]);

  // USD: 2 × 19.99 + 1 × 10.00, discount 5.00, shipping 4.95, tax 2.00 = 51.93, a label bought.
  // One U1 returned for 15.00, then 3.00 back for the delay (no lines).
  const usd = await shippedOrder(stores.USD.id, "USD", {
    lines: [
      { sku: sku.U1!, quantity: 2, unit_price: "19.99", unit_cost: "5.00" },
      { sku: sku.U2!, quantity: 1, unit_price: "10.00", unit_cost: "2.50" },
    ],
    discount: "5.00",
    shipping: "4.95",
    tax: "2.00",
    fee: "1.80",
    buyLabel: true,
  });
  await refund(usd.id, "15.00", [{ sku: sku.U1!, quantity: 1 }]);
  await refund(usd.id, "3.00", []);
  // A second channel and a SKU the first order does not hold.
  await shippedOrder(stores.USD.id, "USD", {
    lines: [
      { sku: sku.U3!, quantity: 1, unit_price: "7.77", unit_cost: "3.33" },
      { sku: sku.U2!, quantity: 2, unit_price: "10.00", unit_cost: "2.50" },
    ],
    discount: "0",
    shipping: "0",
    tax: "0",
    fee: "0.51",
    channel: "pos",
  });

  // KWD (3 decimals): 3 × 1.000 + 1 × 2.500, discount 0.100, shipping 1.000 = 6.400; 0.500 back, no lines.
  const kwd = await shippedOrder(stores.KWD.id, "KWD", {
    lines: [
      { sku: sku.K1!, quantity: 3, unit_price: "1.000", unit_cost: "0.250" },
      { sku: sku.K2!, quantity: 1, unit_price: "2.500", unit_cost: "1.125" },
    ],
    discount: "0.100",
    shipping: "1.000",
    tax: "0",
    fee: "0.075",
  });
  await refund(kwd.id, "0.500", []);
  await caughtUp();
});

const report = (query: string, key?: string) => api(`/v1/reports/gross-profit?${query}`, key ? { key } : {});

describe("gross profit per SKU", () => {
  it("splits the capture over the SKUs by net line revenue, puts a return's refund on the SKU returned, and keeps shipping, tax, fees and labels at the order level (USD)", async () => {
    const r = await report(`${range}&store_id=${stores.USD.id}&channel=web`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const label = await (await dbOf({ store: stores.USD.id }))
      .prepare("SELECT -SUM(amount) AS cost FROM ledger_entries WHERE store_id = ? AND kind = 'shipping_cost'")
      .bind(stores.USD.id)
      .first<{ cost: number }>();
    expect(label!.cost).toBeGreaterThan(0);
    const shipping = `-${(label!.cost / 100).toFixed(2)}`;
    // Discount 5.00 over 39.98 : 10.00 -> 4.00 and 1.00; net 35.98 and 9.00; order level 4.95 + 2.00.
    // The 3.00 without lines over 35.98 : 9.00 : 6.95 -> 2.08, 0.52, 0.40 (largest remainders).
    expect(r.body.data).toEqual([
      {
        sku: null,
        currency: "USD",
        units_shipped: 0,
        revenue: "6.95",
        refunds: "-0.40",
        fees: "-1.80",
        shipping,
        cost_of_goods: "0.00",
        gross_profit: ((695 - 40 - 180 + minor(shipping)) / 100).toFixed(2),
        gross_margin: expect.any(Number),
      },
      ...[
        {
          sku: sku.U1!,
          units_shipped: 2,
          revenue: "35.98",
          refunds: "-17.08",
          fees: "0.00",
          shipping: "0.00",
          cost_of_goods: "-10.00",
          gross_profit: "8.90",
          gross_margin: 0.4709,
        },
        { sku: sku.U2!, units_shipped: 1, revenue: "9.00", refunds: "-0.52", fees: "0.00", shipping: "0.00", cost_of_goods: "-2.50", gross_profit: "5.98", gross_margin: 0.7052 },
      ]
        .sort((a, b) => a.sku.localeCompare(b.sku))
        .map((row) => ({ ...row, currency: "USD" })),
    ]);
  });

  it("is exact in JPY and in KWD's three decimals", async () => {
    const jpy = await report(`${range}&store_id=${stores.JPY.id}`);
    const bySku = (rows: any[]) => Object.fromEntries(rows.map((x) => [x.sku ?? "(order)", [x.revenue, x.refunds, x.fees, x.cost_of_goods, x.gross_profit]]));
    // 350 off 3000 : 500 -> 300 and 50.
    expect(bySku(jpy.body.data)).toEqual({
      "(order)": ["1115", "0", "-99", "0", "1016"],
      [sku.J1!]: ["2700", "-900", "0", "-1200", "600"],
      [sku.J2!]: ["450", "0", "0", "-120", "330"],
    });
    const kwd = await report(`${range}&store_id=${stores.KWD.id}`);
    // 0.100 off 3.000 : 2.500 -> 0.055 and 0.045; the 0.500 over 2.945 : 2.455 : 1.000 -> 0.230, 0.192, 0.078.
    expect(bySku(kwd.body.data)).toEqual({
      "(order)": ["1.000", "-0.078", "-0.075", "0.000", "0.847"],
      [sku.K1!]: ["2.945", "-0.230", "0.000", "-0.750", "1.965"],
      [sku.K2!]: ["2.455", "-0.192", "0.000", "-1.125", "1.138"],
    });
  });

  it("adds up, per day, channel and currency, exactly to the daily finance summary", async () => {
    for (const store of Object.values(stores)) {
      const q = `${range}&store_id=${store.id}&group_by=day,channel`;
      const [gp, daily] = await Promise.all([report(`${q}&limit=1000`), api(`/v1/reports/finance-daily?${q}`)]);
      expect(gp.status).toBe(200);
      expect(daily.status).toBe(200);
      expect(daily.body.data.length).toBeGreaterThan(0);
      for (const d of daily.body.data) {
        const rows = gp.body.data.filter((g: any) => g.day === d.day && g.channel === d.channel && g.currency === d.currency);
        expect(rows.length).toBeGreaterThan(1);
        for (const m of MONEY) {
          expect(
            rows.reduce((s: number, g: any) => s + minor(g[m]), 0),
            `${d.currency} ${d.channel} ${m}`,
          ).toBe(minor(d[m]));
        }
      }
      // And no SKU row on a day or channel the summary does not have.
      expect(new Set(gp.body.data.map((g: any) => `${g.day} ${g.channel} ${g.currency}`))).toEqual(new Set(daily.body.data.map((d: any) => `${d.day} ${d.channel} ${d.currency}`)));
    }
  });

  it("counts nothing twice when its days are refolded, by two runs at once, or rebuilt from nothing", async () => {
    const ids = Object.values(stores).map((s) => s.id);
    const before = await rollupRows("rollup_gross_profit_days", ids, "store_id, day, channel, currency, sku");
    expect(before.length).toBe(3 + 6 + 3);
    const now = Date.now();
    for (const id of ids) {
      const db = await dbOf({ store: id });
      await db.batch([-1, 0, 1].map((d) => db.prepare("INSERT OR IGNORE INTO rollup_dirty (store_id, day, marked_at) VALUES (?, ?, ?)").bind(id, shift(d), now)));
    }
    // Two runs at once on one store's shard: one holds the lease, the other does nothing; then once more everywhere.
    const onIt = await envOf({ store: stores.JPY.id });
    const runs = await Promise.all([runRollups(onIt, { lagMs: 0 }), runRollups(onIt, { lagMs: 0 })]);
    expect(runs.map((r) => r.status)).toContain("busy");
    await caughtUp();
    await caughtUp();
    expect(await rollupRows("rollup_gross_profit_days", ids, "store_id, day, channel, currency, sku")).toEqual(before);
    const rebuild = await api("/v1/reports/rebuild", { body: { confirm: true } });
    expect(rebuild.status).toBe(202);
    expect(await rollupRows("rollup_gross_profit_days", ids, "store_id, day, channel, currency, sku")).toEqual([]);
    await caughtUp();
    expect(await rollupRows("rollup_gross_profit_days", ids, "store_id, day, channel, currency, sku")).toEqual(before);
  });

  it("follows an edit of the order's lines made on a later day than its payment", async () => {
    const s = await createStore(unique("gp-edit"), "USD");
    const [a, b] = [unique("GP-EA"), unique("GP-EB")];
    const o = await createOrder(s.id, {
      lines: [
        { sku: a, quantity: 1, unit_price: "30.00" },
        { sku: b, quantity: 1, unit_price: "10.00" },
      ],
      shipping_amount: "0",
      payment_status: "unpaid",
    });
    expect((await api(`/v1/orders/${o.id}/payment`, { body: { payment_status: "paid", amount: "40.00", reference: `ch_${o.id}` } })).status).toBe(200);
    // The capture was recorded yesterday (noon UTC): its day is not the day of the order's events.
    const yesterday = shift(-1);
    const db = await dbOf({ store: s.id });
    await db
      .prepare("UPDATE ledger_entries SET created_at = ? WHERE order_id = ?")
      .bind(Date.parse(`${yesterday}T12:00:00Z`), o.id)
      .run();
    await db.prepare("INSERT OR IGNORE INTO rollup_dirty (store_id, day, marked_at) VALUES (?, ?, ?)").bind(s.id, yesterday, Date.now()).run();
    await caughtUp();
    const split = async () =>
      Object.fromEntries(((await report(`from=${yesterday}&to=${yesterday}&store_id=${s.id}`)).body.data as any[]).map((x) => [x.sku ?? "(order)", x.revenue]));
    expect(await split()).toEqual({ [a]: "30.00", [b]: "10.00" });
    // Today the customer asks for one of each at the same price: the payment, yesterday's, is split anew.
    const edited = await api(`/v1/orders/${o.id}`, {
      method: "PATCH",
      body: {
        lines: [
          { sku: a, quantity: 1, unit_price: "20.00" },
          { sku: b, quantity: 1, unit_price: "20.00" },
        ],
        reason: "customer asked",
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    await caughtUp();
    expect(await split()).toEqual({ [a]: "20.00", [b]: "20.00" });
  });

  it("groups by channel and filters by SKU", async () => {
    const r = await report(`${range}&store_id=${stores.USD.id}&group_by=channel&sku=${sku.U2}`);
    expect(r.body.data.map((x: any) => [x.channel, x.sku, x.units_shipped, x.revenue])).toEqual([
      ["pos", sku.U2, 2, "20.00"],
      ["web", sku.U2, 1, "9.00"],
    ]);
    // Without grouping, one row per SKU and currency over the range.
    const all = await report(`${range}&store_id=${stores.USD.id}&sku=${sku.U2}`);
    expect(all.body.data).toMatchObject([{ sku: sku.U2, units_shipped: 3, revenue: "29.00", cost_of_goods: "-7.50" }]);
    expect(all.body.freshness).toMatchObject({ pending_buckets: expect.any(Number) });
  });

  it("streams every row as CSV", async () => {
    const r = await report(`${range}&store_id=${stores.KWD.id}&group_by=day&format=csv`);
    expect(r.status).toBe(200);
    const lines = String(r.body).trim().split("\r\n");
    expect(lines[0]).toBe("day,sku,currency,units_shipped,revenue,refunds,fees,shipping,cost_of_goods,gross_profit,gross_margin");
    expect(lines).toHaveLength(4);
    expect(lines).toContain(`${today},${sku.K1},KWD,3,2.945,-0.230,0.000,0.000,-0.750,1.965,0.7238`);
    expect(lines[1]).toMatch(new RegExp(`^${today},,KWD,0,1.000,-0.078,-0.075,0.000,0.000,0.847,`));
  });

  it("answers bad input with a problem naming the field, and writes nothing", async () => {
    const ids = Object.values(stores).map((s) => s.id);
    const before = await rollupRows("rollup_gross_profit_days", ids, "store_id, day, channel, currency, sku");
    expectInvalidQuery(await report(`from=${today}&to=nope`), "to");
    expectInvalidQuery(await report(`from=${shift(1)}&to=${today}`), "to");
    expectInvalidQuery(await report(`${range}&group_by=sku`), "group_by.0");
    expectInvalidQuery(await report(`${range}&group_by=day,warehouse`), "group_by.1");
    expectInvalidQuery(await report(`${range}&currency=usd`), "currency.0");
    expectInvalidQuery(await report(`${range}&format=xlsx`), "format");
    expectInvalidQuery(await report(`${range}&limit=0`), "limit");
    expectInvalidQuery(await report(`${range}&cursor=not-a-cursor`), "cursor");
    expectInvalidQuery(await report("to=2026-01-01"), "from");
    expect(await rollupRows("rollup_gross_profit_days", ids, "store_id, day, channel, currency, sku")).toEqual(before);
  });

  it("pages by cursor without losing or repeating a row", async () => {
    const q = `${range}&store_id=${stores.USD.id}&group_by=channel`;
    const whole = (await report(q)).body.data;
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await report(`${q}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(whole);
    expect(whole.length).toBe(6);
  });

  it("is read by finance, the owner and admin; every other position is refused, and a key of another store sees nothing", async () => {
    const q = `${range}&store_id=${stores.USD.id}`;
    for (const role of ["finance", "owner"]) {
      const r = await report(q, await createKey(role, [stores.USD.id]));
      expect(r.status, role).toBe(200);
      expect(r.body.data.length).toBe(4);
    }
    for (const role of ["analyst", "support", "warehouse", "auditor", "logistics", "channel"]) {
      const r = await report(q, await createKey(role, [stores.USD.id]));
      expect(r.status, role).toBe(403);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(JSON.stringify(r.body)).not.toContain(sku.U1!);
    }
    const elsewhere = await report(q, await createKey("finance", [stores.JPY.id]));
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.data).toEqual([]);
  });
});
