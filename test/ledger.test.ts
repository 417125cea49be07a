/**
 * The money ledger: every money fact of an order written in the batch of the
 * step that made it (payment report, label, handover, after-sales refund),
 * once however often it is reported, exact in each currency's minor unit.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { api, createKey, createOrder, createProduct, createStore, unique } from "./helpers";
import { packedOrder } from "./logistics-helpers";
import { caughtUp } from "./rollup-fixtures";
import { linkOrder } from "./channel-sync-helpers";
import { dbOf } from "./shard-helpers";

let store: { id: string };

beforeAll(async () => {
  store = await createStore(unique("ledger"));
});

const pay = (orderId: string, body: Record<string, unknown>, key?: string) => api(`/v1/orders/${orderId}/payment`, { body, ...(key ? { key } : {}) });
// Read on the order's shard: the file's stores live on both.
const entries = async (orderId: string) =>
  (await dbOf({ id: orderId }))
    .prepare("SELECT kind, amount, currency, reference, sku, quantity, source FROM ledger_entries WHERE order_id = ? ORDER BY created_at, kind")
    .bind(orderId)
    .all<{ kind: string; amount: number; currency: string; reference: string | null; sku: string | null; quantity: number | null; source: string }>()
    .then((r) => r.results);

async function orderIn(currency: string, unitPrice: string) {
  const s = await createStore(unique(`ledger-${currency}`), currency);
  const sku = unique("SKU");
  await createProduct(s.id, sku, { price: unitPrice });
  return createOrder(s.id, { currency, lines: [{ sku, quantity: 2, unit_price: unitPrice }], shipping_amount: "0", payment_status: "unpaid" });
}

describe("the money ledger", () => {
  it("records a capture with its reference and fee, exact in JPY, USD, CNY and KWD (three decimals)", async () => {
    for (const [currency, price, amount, fee, minorAmount, minorFee] of [
      ["JPY", "1500", "3000", "99", 3000, 99],
      ["USD", "19.90", "39.80", "1.45", 3980, 145],
      ["CNY", "88.88", "177.76", "1.07", 17776, 107],
      ["KWD", "1.234", "2.468", "0.075", 2468, 75],
    ] as const) {
      const o = await orderIn(currency, price);
      const r = await pay(o.id, { payment_status: "paid", amount, fee, reference: `ch_${currency}_${o.id}` });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(await entries(o.id)).toEqual([
        { kind: "captured", amount: minorAmount, currency, reference: `ch_${currency}_${o.id}`, sku: null, quantity: null, source: "payment_report" },
        { kind: "payment_fee", amount: -minorFee, currency, reference: `ch_${currency}_${o.id}`, sku: null, quantity: null, source: "payment_report" },
      ]);
      const ledger = await api(`/v1/orders/${o.id}/ledger`);
      expect(ledger.status).toBe(200);
      expect(ledger.body.totals).toEqual([
        {
          currency,
          authorised: expect.any(String),
          captured: amount,
          refunded: expect.any(String),
          fees: `-${fee}`,
          shipping: expect.any(String),
          cost_of_goods: expect.any(String),
          gross_profit: expect.any(String),
        },
      ]);
      expect(ledger.body.totals[0].gross_profit).toBe(currency === "KWD" ? "2.393" : currency === "JPY" ? "2901" : currency === "USD" ? "38.35" : "176.69");
    }
  });

  it("books an order that arrives paid as captured at intake, once: the payment's later report adds its fee, not a second capture", async () => {
    const s = await createStore(unique("ledger-intake"), "KWD");
    const sku = unique("SKU");
    await createProduct(s.id, sku, { price: "1.234" });
    const o = await createOrder(s.id, { currency: "KWD", lines: [{ sku, quantity: 2, unit_price: "1.234" }], shipping_amount: "0", payment_status: "paid" });
    expect(await entries(o.id)).toEqual([{ kind: "captured", amount: 2468, currency: "KWD", reference: null, sku: null, quantity: null, source: "intake" }]);
    const [a, b] = await Promise.all([
      pay(o.id, { payment_status: "paid", fee: "0.075", reference: `ch_${o.id}` }),
      pay(o.id, { payment_status: "paid", fee: "0.075", reference: `ch_${o.id}` }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await entries(o.id)).toEqual([
      { kind: "captured", amount: 2468, currency: "KWD", reference: null, sku: null, quantity: null, source: "intake" },
      { kind: "payment_fee", amount: -75, currency: "KWD", reference: `ch_${o.id}`, sku: null, quantity: null, source: "payment_report" },
    ]);
    expect((await api(`/v1/orders/${o.id}/ledger`)).body.totals[0]).toMatchObject({ captured: "2.468", fees: "-0.075", gross_profit: "2.393" });
    // Unpaid at intake: nothing booked until the payment is reported.
    const unpaid = await createOrder(s.id, { currency: "KWD", lines: [{ sku, quantity: 1, unit_price: "1.234" }], shipping_amount: "0", payment_status: "unpaid" });
    expect(await entries(unpaid.id)).toEqual([]);
  });

  it("refuses an amount with more decimals than the currency has, and writes nothing", async () => {
    const o = await orderIn("JPY", "1000");
    const r = await pay(o.id, { payment_status: "paid", amount: "2000.5" });
    expect(r.status).toBe(422);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(JSON.stringify(r.body)).toContain("amount");
    expect(await entries(o.id)).toEqual([]);
    expect((await api(`/v1/orders/${o.id}`)).body.payment_status).toBe("unpaid");
  });

  it("records a payment webhook delivered twice, or twice at once, once", async () => {
    const o = await orderIn("USD", "10.00");
    const body = { payment_status: "paid", amount: "20.00", reference: "pi_twice" };
    const answers = await Promise.all([pay(o.id, body), pay(o.id, body), pay(o.id, body)]);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await pay(o.id, body);
    expect((await entries(o.id)).filter((e) => e.kind === "captured")).toHaveLength(1);
    // Without a reference the order's total, once per order.
    const p = await orderIn("USD", "5.00");
    await pay(p.id, { payment_status: "paid" });
    await pay(p.id, { payment_status: "paid" });
    expect(await entries(p.id)).toMatchObject([{ kind: "captured", amount: 1000, reference: null }]);
  });

  it("records an authorisation and its release, which count for no profit", async () => {
    const o = await orderIn("USD", "10.00");
    await pay(o.id, { payment_status: "authorized", reference: "pi_auth" });
    await pay(o.id, { payment_status: "voided", reference: "pi_auth" });
    expect((await entries(o.id)).map((e) => [e.kind, e.amount])).toEqual([
      ["authorised", 2000],
      ["authorised", -2000],
    ]);
    expect((await api(`/v1/orders/${o.id}/ledger`)).body.totals[0]).toMatchObject({ authorised: "0.00", gross_profit: "0.00" });
  });

  it("records the label's rate as shipping cost and the goods' moving-average cost at handover", async () => {
    const { order, shipmentId, sku } = await packedOrder(store.id, { quantity: 2, warehouse: { store_ids: [store.id] } });
    const label = await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    expect(label.status, JSON.stringify(label.body)).toBe(201);
    const handed = await api(`/v1/shipments/${shipmentId}/handover`, { body: {} });
    expect(handed.status, JSON.stringify(handed.body)).toBe(200);
    const rows = await entries(order.id);
    expect(rows.find((e) => e.kind === "shipping_cost")).toMatchObject({ source: "label", currency: "USD", reference: label.body.tracking_number });
    expect((await api(`/v1/orders/${order.id}/ledger`)).body.totals[0].shipping).toBe(`-${label.body.rate}`);
    // stockedWarehouse receives at 1.00 a unit: two units cost 2.00.
    expect(rows.find((e) => e.kind === "cost_of_goods")).toEqual({ kind: "cost_of_goods", amount: -200, currency: "USD", reference: null, sku, quantity: 2, source: "handover" });
    // A second handover is refused and books nothing more.
    await api(`/v1/shipments/${shipmentId}/handover`, { body: {} });
    expect((await entries(order.id)).filter((e) => e.kind === "cost_of_goods")).toHaveLength(1);
  });

  it("is read by finance, the owner and admin, and by no one else", async () => {
    const o = await orderIn("USD", "10.00");
    for (const role of ["finance", "owner"]) expect((await api(`/v1/orders/${o.id}/ledger`, { key: await createKey(role, [o.store_id]) })).status).toBe(200);
    for (const role of ["analyst", "support", "warehouse", "auditor", "logistics", "channel"]) {
      expect((await api(`/v1/orders/${o.id}/ledger`, { key: await createKey(role, [o.store_id]) })).status, role).toBe(403);
    }
    const other = await createStore(unique("other"));
    expect((await api(`/v1/orders/${o.id}/ledger`, { key: await createKey("finance", [other.id]) })).status).toBe(404);
  });

  it("records an after-sales refund with its reference, once", async () => {
    const { order, shipmentId } = await packedOrder(store.id, { warehouse: { store_ids: [store.id] } });
    await pay(order.id, { payment_status: "paid", reference: "ch_refund_me" });
    await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    await api(`/v1/shipments/${shipmentId}/handover`, { body: {} });
    const opened = await api(`/v1/orders/${order.id}/after-sales`, { body: { kind: "refund", reason: "late" } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const r = await api(`/v1/after-sales/${opened.body.id}/transitions`, {
      body: { event: "resolve", resolution: "refund", refund_amount: "4.00", refund_reference: "re_123", note: "Sorry" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await entries(order.id)).filter((e) => e.kind === "refunded")).toEqual([
      { kind: "refunded", amount: -400, currency: "USD", reference: "re_123", sku: null, quantity: null, source: "after_sales" },
    ]);
  });

  it("rolls up into the daily finance summary, per channel and currency, with its CSV; read by finance only among the staff", async () => {
    const s = await createStore(unique("daily"), "KWD");
    const sku = unique("SKU");
    await createProduct(s.id, sku, { price: "1.234" });
    for (const [channel, fee] of [
      ["web", "0.010"],
      ["web", "0.020"],
      ["pos", "0.005"],
    ] as const) {
      const o = await createOrder(s.id, { channel, currency: "KWD", lines: [{ sku, quantity: 1, unit_price: "1.234" }], shipping_amount: "0", payment_status: "unpaid" });
      expect((await pay(o.id, { payment_status: "paid", fee, reference: `ch_${o.id}` })).status).toBe(200);
    }
    await caughtUp();
    const day = new Date().toISOString().slice(0, 10);
    const q = `from=${day}&to=${day}&store_id=${s.id}&group_by=channel`;
    const r = await api(`/v1/reports/finance-daily?${q}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.data).toEqual([
      { channel: "pos", currency: "KWD", orders: 1, revenue: "1.234", refunds: "0.000", fees: "-0.005", shipping: "0.000", cost_of_goods: "0.000", gross_profit: "1.229" },
      { channel: "web", currency: "KWD", orders: 2, revenue: "2.468", refunds: "0.000", fees: "-0.030", shipping: "0.000", cost_of_goods: "0.000", gross_profit: "2.438" },
    ]);
    const csv = await api(`/v1/reports/finance-daily?${q}&format=csv`);
    expect(csv.status).toBe(200);
    expect(String(csv.body).split("\r\n")[0] ?? String(csv.body).split("\n")[0]).toContain("channel,currency,orders,revenue,refunds,fees,shipping,cost_of_goods,gross_profit");
    expect(String(csv.body)).toContain("web,KWD,2,2.468,0.000,-0.030,0.000,0.000,2.438");
    expect((await api(`/v1/reports/finance-daily?${q}`, { key: await createKey("finance", [s.id]) })).status).toBe(200);
    expect((await api(`/v1/reports/finance-daily?${q}`, { key: await createKey("owner", [s.id]) })).status).toBe(200);
    expect((await api(`/v1/reports/finance-daily?${q}`, { key: await createKey("analyst", [s.id]) })).status).toBe(403);
    expect((await api(`/v1/reports/finance-daily?from=${day}&to=nope`)).status).toBe(400);
  });
});

describe("correcting the ledger", () => {
  const correct = (orderId: string, body: Record<string, unknown>, init: { key?: string; headers?: Record<string, string> } = {}) =>
    api(`/v1/orders/${orderId}/ledger/corrections`, { body, ...init });
  const all = async (orderId: string) =>
    (await dbOf({ id: orderId }))
      .prepare("SELECT id, kind, amount, reference, source, source_key, reverses, actor, reason FROM ledger_entries WHERE order_id = ? ORDER BY created_at, source_key")
      .bind(orderId)
      .all<{
        id: string;
        kind: string;
        amount: number;
        reference: string | null;
        source: string;
        source_key: string;
        reverses: string | null;
        actor: string;
        reason: string | null;
      }>()
      .then((r) => r.results);
  async function paidWithFee(currency = "USD", price = "10.00", fee = "2.16") {
    const o = await orderIn(currency, price);
    expect((await pay(o.id, { payment_status: "paid", fee, reference: `ch_fix_${o.id}` })).status).toBe(200);
    const feeEntry = (await all(o.id)).find((e) => e.kind === "payment_fee")!;
    return { order: o, fee: feeEntry };
  }

  it("reverses an entry and records the right amount, with the actor and the reason; the totals follow", async () => {
    const { order, fee } = await paidWithFee();
    const r = await correct(order.id, { entry_id: fee.id, amount: "1.90", reason: "Stripe charged 1.90, not 2.16" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.reversal).toMatchObject({ kind: "payment_fee", amount: "2.16", reverses: fee.id, source: "correction", reason: "Stripe charged 1.90, not 2.16" });
    expect(r.body.replacement).toMatchObject({ kind: "payment_fee", amount: "-1.90", reverses: null, source: "correction", reference: fee.reference });
    expect(r.body.totals[0]).toMatchObject({ captured: "20.00", fees: "-1.90", gross_profit: "18.10" });
    const rows = await all(order.id);
    const fixes = rows.filter((e) => e.source === "correction");
    expect(fixes.map((e) => [e.amount, e.source_key, e.reason]).sort()).toEqual([
      [-190, `replace:${fee.id}`, "Stripe charged 1.90, not 2.16"],
      [216, `reverse:${fee.id}`, "Stripe charged 1.90, not 2.16"],
    ]);
    // The actor is who asked (here the test's admin key), not the payment integration.
    expect(fixes.map((e) => e.actor)).toEqual([r.body.reversal.actor, r.body.reversal.actor]);
    expect(r.body.reversal.actor).toMatch(/\S/);
    expect((await api(`/v1/orders/${order.id}/ledger`)).body.totals[0]).toMatchObject({ fees: "-1.90", gross_profit: "18.10" });
    // The staff write is in the activity log like the others (written just after the response).
    await vi.waitFor(
      async () => {
        const logged = await env.DIRECTORY.prepare("SELECT action, target, status FROM activity_log WHERE target = ? AND action LIKE '%ledger/corrections'").bind(order.id).all();
        expect(logged.results).toEqual([{ action: "POST /v1/orders/{id}/ledger/corrections", target: order.id, status: 201 }]);
      },
      { timeout: 5000, interval: 50 },
    );
  });

  it("reverses only, without an amount; the replacement can be corrected in its turn", async () => {
    const { order, fee } = await paidWithFee("JPY", "1500", "99");
    const first = await correct(order.id, { entry_id: fee.id, amount: "80", reason: "fee was 80" });
    expect(first.status).toBe(201);
    const again = await correct(order.id, { entry_id: first.body.replacement.id, reason: "no fee at all" });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.replacement).toBeNull();
    expect(again.body.totals[0]).toMatchObject({ fees: "0", gross_profit: "3000" });
  });

  it("refuses a reversal, an entry reversed before, another order's entry and bad input, writing nothing", async () => {
    const { order, fee } = await paidWithFee("KWD", "1.234", "0.075");
    const done = await correct(order.id, { entry_id: fee.id, reason: "wrong" });
    expect(done.status).toBe(201);
    const before = await all(order.id);
    const refusals: [Record<string, unknown>, number, string][] = [
      [{ entry_id: fee.id, reason: "again" }, 409, "already_reversed"],
      [{ entry_id: done.body.reversal.id, reason: "undo the undo" }, 409, "reverses_an_entry"],
      [{ entry_id: "led_00000000000000000000000000", reason: "x" }, 404, "not_found"],
      [{ entry_id: fee.id }, 422, "reason"],
      [{ entry_id: fee.id, reason: "   " }, 422, "reason"],
      [{ entry_id: "nope", reason: "x" }, 422, "entry_id"],
    ];
    for (const [body, status, word] of refusals) {
      const r = await correct(order.id, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(JSON.stringify(r.body)).toContain(word);
    }
    // Amounts: more decimals than KWD has, signed, zero, not a number.
    const capture = before.find((e) => e.kind === "captured")!;
    for (const amount of ["1.2345", "-1.000", "0", "0.000", "abc", "1e3"]) {
      const r = await correct(order.id, { entry_id: capture.id, amount, reason: "x" });
      expect(r.status, amount).toBe(422);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(r.body.errors?.[0]?.field ?? JSON.stringify(r.body), amount).toContain("amount");
    }
    // Another order's entry, named through this order, or this order's entry through another order.
    const other = await paidWithFee("KWD", "1.234", "0.001");
    expect((await correct(order.id, { entry_id: other.fee.id, reason: "x" })).status).toBe(404);
    expect(await all(order.id)).toEqual(before);
    expect((await all(other.order.id)).length).toBe(2);
  });

  it("is for finance and admin: the owner, support, analysts and keys of other stores are refused", async () => {
    const { order, fee } = await paidWithFee();
    for (const role of ["owner", "support", "analyst", "warehouse", "auditor", "logistics", "channel"]) {
      const r = await correct(order.id, { entry_id: fee.id, reason: "x" }, { key: await createKey(role, [order.store_id]) });
      expect(r.status, role).toBe(403);
    }
    const elsewhere = await createStore(unique("elsewhere"));
    expect((await correct(order.id, { entry_id: fee.id, reason: "x" }, { key: await createKey("finance", [elsewhere.id]) })).status).toBe(404);
    expect((await all(order.id)).filter((e) => e.source === "correction")).toEqual([]);
    expect((await correct(order.id, { entry_id: fee.id, reason: "x" }, { key: await createKey("finance", [order.store_id]) })).status).toBe(201);
  });

  it("two people correcting one entry at the same moment: exactly one wins, the other writes nothing", async () => {
    const { order, fee } = await paidWithFee();
    const answers = await Promise.all([
      correct(order.id, { entry_id: fee.id, amount: "1.00", reason: "one" }),
      correct(order.id, { entry_id: fee.id, amount: "2.00", reason: "two" }),
      correct(order.id, { entry_id: fee.id, amount: "3.00", reason: "three" }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    const won = answers.find((a) => a.status === 201)!;
    const rows = (await all(order.id)).filter((e) => e.source === "correction");
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((e) => e.reason))).toEqual(new Set([won.body.reversal.reason]));
  });

  it("a retry with the same Idempotency-Key replays the first answer and writes nothing more", async () => {
    const { order, fee } = await paidWithFee();
    const body = { entry_id: fee.id, amount: "1.50", reason: "retry me" };
    const headers = { "idempotency-key": `fix-${fee.id}` };
    const [a, b] = await Promise.all([correct(order.id, body, { headers }), correct(order.id, body, { headers })]);
    const c = await correct(order.id, body, { headers });
    expect([a.status, b.status, c.status].filter((s) => s === 201).length).toBeGreaterThanOrEqual(2);
    expect(c.status).toBe(201);
    expect(c.body.reversal.id).toBe((a.status === 201 ? a : b).body.reversal.id);
    expect((await all(order.id)).filter((e) => e.source === "correction")).toHaveLength(2);
    expect((await correct(order.id, { ...body, amount: "1.60" }, { headers })).status).toBe(422);
  });

  it("the daily finance summary picks corrections up", async () => {
    const s = await createStore(unique("fixdaily"), "USD");
    const sku = unique("SKU");
    await createProduct(s.id, sku, { price: "10.00" });
    const o = await createOrder(s.id, { currency: "USD", lines: [{ sku, quantity: 1, unit_price: "10.00" }], shipping_amount: "0", payment_status: "unpaid" });
    await pay(o.id, { payment_status: "paid", fee: "0.59", reference: `ch_${o.id}` });
    await caughtUp();
    const day = new Date().toISOString().slice(0, 10);
    const q = `from=${day}&to=${day}&store_id=${s.id}&group_by=day`;
    expect((await api(`/v1/reports/finance-daily?${q}`)).body.data[0]).toMatchObject({ revenue: "10.00", fees: "-0.59", gross_profit: "9.41" });
    const capture = (await all(o.id)).find((e) => e.kind === "captured")!;
    expect((await correct(o.id, { entry_id: capture.id, amount: "9.00", reason: "one unit was free" })).status).toBe(201);
    await caughtUp();
    expect((await api(`/v1/reports/finance-daily?${q}`)).body.data[0]).toMatchObject({ orders: 1, revenue: "9.00", fees: "-0.59", gross_profit: "8.41" });
  });
});

describe("platform fees from a connection's schedule", () => {
  const connection = (storeId: string, platform_fee?: unknown) =>
    api("/v1/channel-connections", {
      body: {
        store_id: storeId,
        platform: "shopify",
        name: "Marketplace",
        shop_domain: `${unique("m").toLowerCase()}.myshopify.com`,
        api_base_url: "https://m.myshopify.com/admin/api/2025-07",
        credentials: { access_token: "shpat_x" },
        ...(platform_fee === undefined ? {} : { platform_fee }),
      },
    });
  async function channelOrder(storeId: string, connectionId: string, currency = "USD", price = "10.00") {
    const sku = unique("SKU");
    await createProduct(storeId, sku, { price });
    const o = await createOrder(storeId, { channel: "shopify", currency, lines: [{ sku, quantity: 2, unit_price: price }], shipping_amount: "0", payment_status: "unpaid" });
    await linkOrder({ connectionId, storeId, orderId: o.id, externalId: unique("ext"), platformUpdatedAt: Date.now() });
    return o;
  }
  const fees = async (orderId: string) =>
    (await dbOf({ id: orderId }))
      .prepare("SELECT amount, currency, reference, source, source_key FROM ledger_entries WHERE order_id = ? AND kind = 'platform_fee'")
      .bind(orderId)
      .all()
      .then((r) => r.results);

  it("books the schedule's fee at each capture of the connection's orders, once however often it is reported; the totals count it as a fee", async () => {
    const s = await createStore(unique("market"));
    const c = await connection(s.id, { percent_bps: 150, fixed: "0.30", currency: "USD" });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect(c.body.platform_fee).toEqual({ percent_bps: 150, fixed: "0.30", currency: "USD" });
    const o = await channelOrder(s.id, c.body.id);
    const body = { payment_status: "paid", reference: `ch_pf_${o.id}` };
    await Promise.all([pay(o.id, body), pay(o.id, body)]);
    await pay(o.id, body);
    // 1.5% of 20.00 is 0.30, plus 0.30.
    expect(await fees(o.id)).toEqual([{ amount: -60, currency: "USD", reference: `ch_pf_${o.id}`, source: "fee_schedule", source_key: `platform_fee:${o.id}:ch_pf_${o.id}` }]);
    expect((await api(`/v1/orders/${o.id}/ledger`)).body.totals[0]).toMatchObject({ captured: "20.00", fees: "-0.60", gross_profit: "19.40" });
    // An order of the store that came some other way, or in another currency, pays no platform fee.
    const direct = await createOrder(s.id, { currency: "USD", lines: [{ sku: unique("SKU"), quantity: 1, unit_price: "5.00" }], shipping_amount: "0", payment_status: "unpaid" });
    await pay(direct.id, { payment_status: "paid" });
    expect(await fees(direct.id)).toEqual([]);
    const cad = await channelOrder(s.id, c.body.id, "CAD");
    await pay(cad.id, { payment_status: "paid" });
    expect(await fees(cad.id)).toEqual([]);
  });

  it("is set, changed and removed through the connection; a change applies to later captures", async () => {
    const s = await createStore(unique("market2"), "JPY");
    const c = await connection(s.id);
    expect(c.body.platform_fee).toBeNull();
    const first = await channelOrder(s.id, c.body.id, "JPY", "1500");
    await pay(first.id, { payment_status: "paid" });
    expect(await fees(first.id)).toEqual([]);
    const set = await api(`/v1/channel-connections/${c.body.id}`, { method: "PATCH", body: { platform_fee: { percent_bps: 1000, fixed: "45", currency: "JPY" } } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.platform_fee).toEqual({ percent_bps: 1000, fixed: "45", currency: "JPY" });
    const second = await channelOrder(s.id, c.body.id, "JPY", "1500");
    await pay(second.id, { payment_status: "paid" });
    expect(await fees(second.id)).toMatchObject([{ amount: -345, currency: "JPY", reference: null }]);
    expect(await fees(first.id)).toEqual([]);
    const off = await api(`/v1/channel-connections/${c.body.id}`, { method: "PATCH", body: { platform_fee: null } });
    expect(off.body.platform_fee).toBeNull();
    const third = await channelOrder(s.id, c.body.id, "JPY", "1500");
    await pay(third.id, { payment_status: "paid" });
    expect(await fees(third.id)).toEqual([]);
  });

  it("refuses a bad schedule, naming the field, and writes nothing", async () => {
    const s = await createStore(unique("market3"));
    const c = await connection(s.id);
    for (const [fee, field] of [
      [{ percent_bps: 20_000, currency: "USD" }, "percent_bps"],
      [{ percent_bps: 1.5, currency: "USD" }, "percent_bps"],
      [{ percent_bps: 100, fixed: "0.305", currency: "USD" }, "fixed"],
      [{ percent_bps: 100, fixed: "-1", currency: "USD" }, "fixed"],
      [{ percent_bps: 100, currency: "XYZ" }, "currency"],
      [{ percent_bps: 100, currency: "USD", extra: 1 }, "platform_fee"],
    ] as const) {
      const r = await api(`/v1/channel-connections/${c.body.id}`, { method: "PATCH", body: { platform_fee: fee } });
      expect(r.status, JSON.stringify(fee)).toBe(422);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(JSON.stringify(r.body.errors), JSON.stringify(fee)).toContain(field);
      const created = await connection(s.id, fee);
      expect(created.status, JSON.stringify(fee)).toBe(422);
    }
    const db = await dbOf({ store: s.id });
    const row = await db.prepare("SELECT platform_fee, version FROM channel_connections WHERE id = ?").bind(c.body.id).first();
    expect(row).toEqual({ platform_fee: null, version: 1 });
    expect((await db.prepare("SELECT COUNT(*) AS n FROM channel_connections WHERE store_id = ?").bind(s.id).first<{ n: number }>())!.n).toBe(1);
  });
});
