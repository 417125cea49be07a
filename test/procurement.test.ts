/**
 * Purchasing end to end in workerd: suppliers and their items, purchase
 * orders through their lifecycle, receipts against them (tolerance, reasons,
 * currencies, landed costs, moving-average cost), concurrent receipts, and
 * backorders allocated as soon as their stock is received.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutboxMessage } from "../src/env";
import { QUEUE_HANDLERS } from "../src/index";
import { transport } from "../src/lib/outbound-transport";
import { consumeBatch } from "../src/outbox/consume";
import { verify } from "../src/lib/standard-webhooks";
import { ADMIN, api, createKey, createOrder, createProduct, createStore, transition, unique } from "./helpers";
import { pdfFonts, pdfText } from "./pdf-helpers";
import { dbOf } from "./shard-helpers";
import { count, createBin, createWarehouse, level, waitFor } from "./processing-helpers";

let store: { id: string };
let other: { id: string };
let wh: { id: string; currency: string };
let skuA: string;
let skuB: string;

beforeAll(async () => {
  store = await createStore();
  // Served by the warehouse of every store below, so in the first store's pool (docs/SHARDING.md section 2).
  other = await createStore(undefined, undefined, { stock: { with_store: store.id } });
  skuA = unique("PA");
  skuB = unique("PB");
  await createProduct(store.id, skuA, { weight_grams: 200 });
  await createProduct(store.id, skuB, { weight_grams: 1000 });
  wh = await createWarehouse({ currency: "USD" });
  await createBin(wh.id, "R-01");
  await createBin(wh.id, "R-02");
});

async function supplier(fields: Record<string, unknown> = {}) {
  const r = await api("/v1/suppliers", { body: { store_id: store.id, name: unique("supplier"), currency: "USD", ...fields } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; currency: string };
}

async function purchaseOrder(supplierId: string, lines: { sku: string; quantity: number; unit_cost?: string }[], opts: { submit?: boolean; warehouseId?: string } = {}) {
  const r = await api("/v1/purchase-orders", { body: { supplier_id: supplierId, warehouse_id: opts.warehouseId ?? wh.id, lines } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  if (opts.submit ?? true) {
    const s = await api(`/v1/purchase-orders/${r.body.id}/transitions`, { body: { event: "submit" } });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    return s.body;
  }
  return r.body;
}

const receipt = (poId: string, body: Record<string, unknown>, key?: string) => api(`/v1/purchase-orders/${poId}/receipts`, { body, ...(key ? { key } : {}) });

async function costOf(sku: string) {
  const r = await api(`/v1/warehouses/${wh.id}/costs`);
  return (r.body.data as { sku: string; avg_unit_cost: string }[]).find((c) => c.sku === sku)?.avg_unit_cost;
}

/** What a refused request must leave alone. */
const written = async () => ({
  movements: await count("stock_movements", "warehouse_id = ?", wh.id),
  receipts: await count("purchase_order_receipts"),
  events: await count("purchase_order_events"),
  suppliers: await count("suppliers"),
  orders: await count("purchase_orders"),
});

describe("suppliers", () => {
  it("are added, read, listed per store, changed and deactivated", async () => {
    const r = await api("/v1/suppliers", {
      body: {
        store_id: store.id,
        name: "Leaf & Co",
        currency: "EUR",
        contact_name: "Anna",
        email: "anna@leaf.example",
        payment_terms: "NET 30",
        lead_time_days: 12,
        over_receipt_pct: 5,
      },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get("location")).toBe(`/v1/suppliers/${r.body.id}`);
    expect(r.body).toMatchObject({ store_id: store.id, name: "Leaf & Co", currency: "EUR", payment_days: 30, lead_time_days: 12, over_receipt_pct: 5, active: true });
    expect((await api(`/v1/suppliers/${r.body.id}`)).body.name).toBe("Leaf & Co");
    const listed = await api(`/v1/suppliers?store_id=${store.id}&limit=200`);
    expect(listed.body.data.map((s: { id: string }) => s.id)).toContain(r.body.id);
    expect((await api(`/v1/suppliers?store_id=${other.id}`)).body.data).toEqual([]);
    const changed = await api(`/v1/suppliers/${r.body.id}`, { method: "PATCH", body: { lead_time_days: 9, active: false } });
    expect(changed.body).toMatchObject({ lead_time_days: 9, active: false });
    expect((await api(`/v1/suppliers?store_id=${store.id}&active=true&limit=200`)).body.data.map((s: { id: string }) => s.id)).not.toContain(r.body.id);
    // An inactive supplier gets no new orders.
    const po = await api("/v1/purchase-orders", { body: { supplier_id: r.body.id, warehouse_id: wh.id, lines: [{ sku: skuA, quantity: 1, unit_cost: "1.00" }] } });
    expect(po.status).toBe(422);
    expect(po.body.errors).toEqual([{ field: "supplier_id", message: "the supplier is inactive" }]);
  });

  it("refuse bad input with the field named, writing nothing", async () => {
    const before = await written();
    for (const [body, field] of [
      [{ store_id: store.id, name: "X", currency: "XXX" }, "currency"],
      [{ store_id: "st_nope", name: "X", currency: "USD" }, "store_id"],
      [{ store_id: store.id, name: "X", currency: "USD", email: "not-an-email" }, "email"],
      [{ store_id: store.id, name: "", currency: "USD" }, "name"],
      [{ store_id: store.id, name: "X", currency: "USD", lead_time_days: -1 }, "lead_time_days"],
      [{ store_id: store.id, name: "X", currency: "USD", surprise: 1 }, ""],
    ] as const) {
      const r = await api("/v1/suppliers", { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      if (field) expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await api("/v1/suppliers/sup_nope", { method: "PATCH", body: {} })).status).toBe(422);
    expect(await written()).toEqual(before);
  });

  it("are another store's business: a key of another store neither sees nor adds them", async () => {
    const s = await supplier();
    const key = await createKey("admin", [other.id]);
    expect((await api(`/v1/suppliers/${s.id}`, { key })).status).toBe(404);
    expect((await api(`/v1/suppliers/${s.id}`, { method: "PATCH", body: { note: "x" }, key })).status).toBe(404);
    expect((await api(`/v1/suppliers/${s.id}/items`, { key })).status).toBe(404);
    expect((await api("/v1/suppliers", { key })).body.data.map((x: { id: string }) => x.id)).not.toContain(s.id);
    const add = await api("/v1/suppliers", { body: { store_id: store.id, name: "X", currency: "USD" }, key });
    expect(add.status).toBe(403);
    expect(add.body.code).toBe("forbidden");
  });

  it("list what they supply, at what price and on what terms", async () => {
    const s = await supplier({ currency: "EUR" });
    const put = await api(`/v1/suppliers/${s.id}/items/${skuA}`, {
      method: "PUT",
      body: { supplier_sku: "LEAF-9", unit_cost: "4.50", min_order_qty: 12, pack_size: 6, lead_time_days: 3 },
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ sku: skuA, supplier_sku: "LEAF-9", unit_cost: "4.50", currency: "EUR", min_order_qty: 12, pack_size: 6, lead_time_days: 3 });
    const again = await api(`/v1/suppliers/${s.id}/items/${skuA}`, { method: "PUT", body: { unit_cost: "4.40", min_order_qty: 12, pack_size: 6 } });
    expect(again.status).toBe(200);
    expect((await api(`/v1/suppliers/${s.id}/items`)).body.data).toMatchObject([{ sku: skuA, unit_cost: "4.40", supplier_sku: null }]);
    // Not a product of the supplier's store; a price with too many decimals.
    const bad = await api(`/v1/suppliers/${s.id}/items/NOPE-1`, { method: "PUT", body: { unit_cost: "1.234" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["sku", "unit_cost"]);
    expect((await api(`/v1/suppliers/${s.id}/items/${skuA}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(`/v1/suppliers/${s.id}/items/${skuA}`, { method: "DELETE" })).status).toBe(404);
    expect((await api(`/v1/suppliers/${s.id}/items`)).body.data).toEqual([]);
  });
});

describe("purchase orders", () => {
  it("price lines from the supplier's list and hold them to its minimum and packs", async () => {
    const s = await supplier();
    await api(`/v1/suppliers/${s.id}/items/${skuA}`, { method: "PUT", body: { unit_cost: "2.50", min_order_qty: 12, pack_size: 6 } });
    const before = await written();
    const bad = await api("/v1/purchase-orders", {
      body: {
        supplier_id: s.id,
        warehouse_id: wh.id,
        lines: [
          { sku: skuA, quantity: 6 },
          { sku: skuA, quantity: 18 },
          { sku: "NOPE-2", quantity: 1, unit_cost: "1.00" },
          { sku: skuB, quantity: 1 },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { field: "lines.0.quantity", message: "the supplier's minimum is 12" },
      { field: "lines.1.sku", message: `${skuA} is on the order twice; one line per SKU` },
      { field: "lines.2.sku", message: "no product NOPE-2 in the supplier's store" },
      { field: "lines.3.unit_cost", message: "no price: give unit_cost, or add the item to the supplier's list" },
    ]);
    for (const body of [
      { supplier_id: "sup_nope", warehouse_id: wh.id, lines: [{ sku: skuA, quantity: 12 }] },
      { supplier_id: s.id, warehouse_id: "wh_nope", lines: [{ sku: skuA, quantity: 12 }] },
      { supplier_id: s.id, warehouse_id: wh.id, lines: [] },
      { supplier_id: s.id, warehouse_id: wh.id, lines: [{ sku: skuA, quantity: 0 }] },
    ]) {
      expect((await api("/v1/purchase-orders", { body })).status, JSON.stringify(body)).toBe(422);
    }
    expect(await written()).toEqual(before);

    const po = await purchaseOrder(
      s.id,
      [
        { sku: skuA, quantity: 24 },
        { sku: skuB, quantity: 3, unit_cost: "9.99" },
      ],
      { submit: false },
    );
    expect(po).toMatchObject({ status: "draft", currency: "USD", total: "89.97", units: 27, received_units: 0, version: 1, allowed_events: ["submit", "cancel"] });
    expect(po.lines).toMatchObject([
      { line_no: 1, sku: skuA, quantity: 24, unit_cost: "2.50", line_total: "60.00" },
      { line_no: 2, sku: skuB, quantity: 3, unit_cost: "9.99", line_total: "29.97" },
    ]);
    expect(po.events).toMatchObject([{ seq: 1, type: "created", to_status: "draft" }]);
  });

  it("go draft -> submitted -> partially received -> closed, refusing the wrong moment and missing reasons", async () => {
    const s = await supplier({ lead_time_days: 10 });
    const draft = await purchaseOrder(s.id, [{ sku: skuA, quantity: 10, unit_cost: "1.00" }], { submit: false });
    const move = (event: string, reason?: string) => api(`/v1/purchase-orders/${draft.id}/transitions`, { body: { event, ...(reason ? { reason } : {}) } });
    // Goods do not arrive against a draft; a draft is not closed.
    expect((await receipt(draft.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 1 }] })).body).toMatchObject({ status: 409, code: "not_receivable" });
    expect((await move("close", "x")).body).toMatchObject({ status: 409, code: "illegal_transition", allowed: ["submit", "cancel"] });
    const submitted = await move("submit");
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: "submitted", version: 2 });
    // No due date given: submit sets one from the supplier's lead time.
    const due = Date.parse(submitted.body.expected_at) - Date.parse(submitted.body.submitted_at);
    expect(due).toBe(10 * 86_400_000);
    expect((await move("submit")).body.code).toBe("illegal_transition");

    const part = await receipt(draft.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 4 }], reference: "DN-1" });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ status: "partially_received", received_units: 4, allowed_events: ["close"] });
    expect((await move("cancel", "too late")).body.code).toBe("illegal_transition");
    const short = await move("close");
    expect(short.status).toBe(409);
    expect(short.body).toMatchObject({ code: "reason_required", short: [{ line_no: 1, units: 6 }] });
    const closed = await move("close", "supplier discontinued the rest");
    expect(closed.body).toMatchObject({ status: "closed", close_reason: "supplier discontinued the rest", allowed_events: [] });
    expect((await receipt(draft.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 1 }] })).body.code).toBe("not_receivable");
    expect(closed.body.events.map((e: { type: string }) => e.type)).toEqual(["created", "submitted", "received", "closed"]);
  });

  it("are cancelled with a reason while nothing arrived", async () => {
    const s = await supplier();
    const po = await purchaseOrder(s.id, [{ sku: skuA, quantity: 5, unit_cost: "1.00" }]);
    const bare = await api(`/v1/purchase-orders/${po.id}/transitions`, { body: { event: "cancel" } });
    expect(bare.body).toMatchObject({ status: 409, code: "reason_required" });
    const stale = await api(`/v1/purchase-orders/${po.id}/transitions`, { body: { event: "cancel", reason: "x", expected_version: 1 } });
    expect(stale.body).toMatchObject({ status: 409, code: "version_mismatch", version: 2 });
    const cancelled = await api(`/v1/purchase-orders/${po.id}/transitions`, { body: { event: "cancel", reason: "ordered twice" } });
    expect(cancelled.body).toMatchObject({ status: "cancelled", close_reason: "ordered twice" });
    expect((await api(`/v1/purchase-orders/${po.id}/transitions`, { body: { event: "bogus" } })).status).toBe(422);
    expect((await api(`/v1/purchase-orders/${po.id}`, { method: "PATCH", body: { note: "x" } })).body.code).toBe("not_editable");
  });

  it("record every change after submission with what it was", async () => {
    const s = await supplier();
    const draft = await purchaseOrder(s.id, [{ sku: skuA, quantity: 5, unit_cost: "1.00" }], { submit: false });
    // A draft's lines are replaced whole.
    const replaced = await api(`/v1/purchase-orders/${draft.id}`, { method: "PATCH", body: { lines: [{ sku: skuB, quantity: 2, unit_cost: "3.00" }] } });
    expect(replaced.body.lines).toMatchObject([{ line_no: 1, sku: skuB, quantity: 2 }]);
    expect((await api(`/v1/purchase-orders/${draft.id}`, { method: "PATCH", body: { quantities: [{ line_no: 1, quantity: 3 }] } })).status).toBe(422);
    await api(`/v1/purchase-orders/${draft.id}/transitions`, { body: { event: "submit" } });
    await receipt(draft.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 1 }] });
    const before = await written();
    for (const body of [{ quantities: [{ line_no: 1, quantity: 0 }] }, { quantities: [{ line_no: 9, quantity: 3 }] }, { lines: [{ sku: skuA, quantity: 1, unit_cost: "1.00" }] }]) {
      expect((await api(`/v1/purchase-orders/${draft.id}`, { method: "PATCH", body })).status, JSON.stringify(body)).toBe(422);
    }
    expect(await written()).toEqual(before);
    const changed = await api(`/v1/purchase-orders/${draft.id}`, { method: "PATCH", body: { quantities: [{ line_no: 1, quantity: 6 }], expected_at: "2027-01-15T00:00:00Z" } });
    expect(changed.status).toBe(200);
    expect(changed.body.lines[0]).toMatchObject({ quantity: 6, received_qty: 1 });
    expect(changed.body.events.at(-1)).toMatchObject({
      type: "changed",
      from_status: "partially_received",
      to_status: "partially_received",
      data: { quantities: [{ line_no: 1, sku: skuB, from: 2, to: 6 }], expected_at: { to: "2027-01-15T00:00:00Z" } },
    });
  });
});

describe("purchase orders at the edges", () => {
  it("take and receive more lines than D1 binds parameters in one statement", async () => {
    const s = await supplier();
    const skus = Array.from({ length: 95 }, () => unique("MANY"));
    for (const k of skus) await createProduct(store.id, k);
    const po = await purchaseOrder(
      s.id,
      skus.map((sku) => ({ sku, quantity: 1, unit_cost: "0.10" })),
    );
    expect(po.lines).toHaveLength(95);
    const r = await receipt(po.id, { lines: skus.map((_, i) => ({ line_no: i + 1, bin: "R-01", quantity: 1 })) });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(201);
    expect(r.body).toMatchObject({ status: "received", received_units: 95 });
  });

  it("are received once every line is lowered to what arrived, and raised only on the supplier's terms", async () => {
    const s = await supplier();
    await api(`/v1/suppliers/${s.id}/items/${skuB}`, { method: "PUT", body: { unit_cost: "1.00", min_order_qty: 10, pack_size: 10 } });
    const po = await purchaseOrder(s.id, [{ sku: skuB, quantity: 20 }]);
    await receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 4 }] });
    for (const quantity of [7, 25]) {
      const r = await api(`/v1/purchase-orders/${po.id}`, { method: "PATCH", body: { quantities: [{ line_no: 1, quantity }] } });
      expect(r.status, String(quantity)).toBe(422);
    }
    expect((await api(`/v1/purchase-orders/${po.id}`, { method: "PATCH", body: { quantities: [{ line_no: 1, quantity: 30 }] } })).body.lines[0].quantity).toBe(30);
    const done = await api(`/v1/purchase-orders/${po.id}`, { method: "PATCH", body: { quantities: [{ line_no: 1, quantity: 4 }] } });
    expect(done.body).toMatchObject({ status: "received", received_units: 4, units: 4 });
    expect(done.body.received_at).not.toBeNull();
  });

  it("do not go to an inactive warehouse", async () => {
    const s = await supplier();
    const closed = await createWarehouse();
    await api(`/v1/warehouses/${closed.id}`, { method: "PATCH", body: { active: false } });
    const r = await api("/v1/purchase-orders", { body: { supplier_id: s.id, warehouse_id: closed.id, lines: [{ sku: skuA, quantity: 1, unit_cost: "1.00" }] } });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ field: "warehouse_id", message: "the warehouse is inactive" }]);
  });
});

describe("receipts", () => {
  it("convert the order's currency at the day's rate and spread landed costs by value into the moving average (hand-computed)", async () => {
    const s = await supplier({ currency: "EUR" });
    const a = unique("FX");
    const b = unique("FX");
    await createProduct(store.id, a, { weight_grams: 200 });
    await createProduct(store.id, b, { weight_grams: 1000 });
    const po = await purchaseOrder(s.id, [
      { sku: a, quantity: 10, unit_cost: "5.00" },
      { sku: b, quantity: 5, unit_cost: "10.00" },
    ]);
    const body = {
      lines: [
        { line_no: 1, bin: "R-01", quantity: 10 },
        { line_no: 2, bin: "R-02", quantity: 5 },
      ],
      landed_costs: [{ kind: "freight", amount: "15.00" }],
    };
    // EUR to a USD warehouse needs the rate.
    const noRate = await receipt(po.id, body);
    expect(noRate.status).toBe(422);
    expect(noRate.body.errors[0].field).toBe("fx_rate");
    const r = await receipt(po.id, { ...body, fx_rate: "1.1" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // 5.00 EUR x 1.1 = 5.50 USD, 10.00 EUR = 11.00 USD. Values 55.00 and 55.00 share the 15.00 freight evenly:
    // 7.50 over 10 units = 0.75, 7.50 over 5 units = 1.50. Landed: 6.25 and 12.50.
    expect(r.body.receipts[0]).toMatchObject({
      fx_rate: "1.1",
      allocate_by: "value",
      currency: "USD",
      landed_costs: [{ kind: "freight", amount: "15.00" }],
      lines: [
        { line_no: 1, sku: a, quantity: 10, unit_cost: "5.50", landed_unit_cost: "6.25" },
        { line_no: 2, sku: b, quantity: 5, unit_cost: "11.00", landed_unit_cost: "12.50" },
      ],
    });
    expect(r.body).toMatchObject({ status: "received", received_units: 15 });
    expect(r.body.received_at).not.toBeNull();
    expect(await costOf(a)).toBe("6.25");
    expect(await costOf(b)).toBe("12.50");
    expect(await level(wh.id, a)).toEqual({ on_hand: 10, reserved: 0 });
    // Then 10 more of `a` from a USD supplier at 7.00: (6.25 x 10 + 7.00 x 10) / 20 = 6.625, rounded to 6.63.
    const usd = await supplier();
    const po2 = await purchaseOrder(usd.id, [{ sku: a, quantity: 10, unit_cost: "7.00" }]);
    expect((await receipt(po2.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 10 }], fx_rate: "1" })).status).toBe(201);
    expect(await costOf(a)).toBe("6.63");
    // Each line is a receive movement of the ledger, naming the order.
    const moves = await (await dbOf({ warehouse: wh.id }))
      .prepare("SELECT sku, on_hand_delta, unit_cost, ref_type, ref_id FROM stock_movements WHERE warehouse_id = ? AND sku = ? ORDER BY id")
      .bind(wh.id, a)
      .all();
    expect(moves.results).toEqual([
      { sku: a, on_hand_delta: 10, unit_cost: 625, ref_type: "purchase_order", ref_id: po.id },
      { sku: a, on_hand_delta: 10, unit_cost: 700, ref_type: "purchase_order", ref_id: po2.id },
    ]);
  });

  it("spread landed costs by weight when asked (hand-computed)", async () => {
    const s = await supplier();
    const a = unique("WT");
    const b = unique("WT");
    await createProduct(store.id, a, { weight_grams: 200 });
    await createProduct(store.id, b, { weight_grams: 1000 });
    const po = await purchaseOrder(s.id, [
      { sku: a, quantity: 10, unit_cost: "5.00" },
      { sku: b, quantity: 5, unit_cost: "10.00" },
    ]);
    const r = await receipt(po.id, {
      lines: [
        { line_no: 1, bin: "R-01", quantity: 10 },
        { line_no: 2, bin: "R-01", quantity: 5 },
      ],
      landed_costs: [
        { kind: "freight", amount: "10.00" },
        { kind: "duty", amount: "5.00" },
      ],
      allocate_by: "weight",
    });
    // 2 kg and 5 kg share 15.00 as 4.29 and 10.71 (largest remainder); per unit 0.429 -> 0.43, 2.142 -> 2.14.
    expect(r.body.receipts[0].lines.map((l: { landed_unit_cost: string }) => l.landed_unit_cost)).toEqual(["5.43", "12.14"]);
  });

  it("take the supplier's tolerance over what was ordered, and more only with a reason", async () => {
    const s = await supplier({ over_receipt_pct: 10 });
    const po = await purchaseOrder(s.id, [{ sku: skuA, quantity: 10, unit_cost: "1.00" }]);
    const before = await written();
    const over = await receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 12 }] });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: "over_receipt", over: [{ line_no: 1, ordered: 10, received: 12, allowed: 11 }] });
    expect(await written()).toEqual(before);
    const within = await receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 11 }] });
    expect(within.body).toMatchObject({ status: "received", received_units: 11 });
    const extra = await receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 1 }] });
    expect(extra.body.code).toBe("not_receivable");
  });

  it("keep more than the tolerance with a reason on the record", async () => {
    const s = await supplier();
    const po = await purchaseOrder(s.id, [{ sku: skuA, quantity: 10, unit_cost: "1.00" }]);
    const r = await receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 12 }], reason: "supplier sent a full case" });
    expect(r.status).toBe(201);
    expect(r.body.events.at(-1)).toMatchObject({ type: "received", reason: "supplier sent a full case", data: { over: [{ ordered: 10, received: 12 }] } });
  });

  it("refuse bad lines, bins, rates and amounts, writing nothing", async () => {
    const s = await supplier();
    const po = await purchaseOrder(s.id, [{ sku: skuA, quantity: 10, unit_cost: "1.00" }]);
    const before = await written();
    for (const [body, field] of [
      [{ lines: [{ line_no: 7, bin: "R-01", quantity: 1 }] }, "lines.0.line_no"],
      [{ lines: [{ line_no: 1, bin: "NOPE", quantity: 1 }] }, "lines.0.bin"],
      [{ lines: [{ line_no: 1, bin: "OUTBOUND", quantity: 1 }] }, "lines.0.bin"],
      [{ lines: [{ line_no: 1, bin: "R-01", quantity: 1 }], fx_rate: "2" }, "fx_rate"],
      [{ lines: [{ line_no: 1, bin: "R-01", quantity: 1 }], landed_costs: [{ kind: "freight", amount: "1.234" }] }, "landed_costs.0.amount"],
      [{ lines: [{ line_no: 1, bin: "R-01", quantity: 0 }] }, "lines.0.quantity"],
      [{ lines: [] }, "lines"],
    ] as const) {
      const r = await receipt(po.id, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(
        r.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect((await receipt("po_nope", { lines: [{ line_no: 1, bin: "R-01", quantity: 1 }] })).status).toBe(404);
    expect(await written()).toEqual(before);
  });

  it("are for the warehouse's and store's people only", async () => {
    const s = await supplier();
    const po = await purchaseOrder(s.id, [{ sku: skuA, quantity: 10, unit_cost: "1.00" }]);
    const elsewhere = await createKey("warehouse", [other.id]);
    expect((await receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 1 }] }, elsewhere)).status).toBe(404);
    const analyst = await createKey("analyst", [store.id]);
    expect((await receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 1 }] }, analyst)).status).toBe(403);
    const dock = await createKey("warehouse", [store.id]);
    const r = await receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 1 }] }, dock);
    expect(r.status).toBe(201);
    // Who received it, by name, in the receipt and the history.
    expect(r.body.receipts[0]).toMatchObject({ actor_kind: "key", actor_name: "warehouse key" });
    expect(r.body.events.at(-1)).toMatchObject({ type: "received", actor_kind: "key", actor_name: "warehouse key" });
  });

  it("at the same moment are each booked once: the later ones decided again on the order as it is, nothing twice or lost", async () => {
    const s = await supplier();
    const sku = unique("RACE");
    await createProduct(store.id, sku);
    const po = await purchaseOrder(s.id, [{ sku, quantity: 20, unit_cost: "1.00" }]);
    const results = await Promise.all(Array.from({ length: 4 }, () => receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 5 }] })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const after = (await api(`/v1/purchase-orders/${po.id}`)).body;
    expect(after).toMatchObject({ status: "received", received_units: 20, version: 6 });
    expect(after.receipts).toHaveLength(4);
    expect(after.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await level(wh.id, sku)).toEqual({ on_hand: 20, reserved: 0 });
    const ledger = await (await dbOf({ warehouse: wh.id }))
      .prepare("SELECT COALESCE(SUM(on_hand_delta), 0) AS n FROM stock_movements WHERE sku = ?")
      .bind(sku)
      .first<{ n: number }>();
    expect(ledger!.n).toBe(20);
    // One more at the same time as two others would pass the tolerance: the ones decided after are refused.
    const po2 = await purchaseOrder(s.id, [{ sku, quantity: 10, unit_cost: "1.00" }]);
    const two = await Promise.all([6, 6].map((q) => receipt(po2.id, { lines: [{ line_no: 1, bin: "R-01", quantity: q }] })));
    expect(two.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(two.find((r) => r.status === 409)!.body.code).toBe("over_receipt");
    expect((await api(`/v1/purchase-orders/${po2.id}`)).body.received_units).toBe(6);
  });

  it("retried with the same idempotency key are booked once", async () => {
    const s = await supplier();
    const po = await purchaseOrder(s.id, [{ sku: skuA, quantity: 10, unit_cost: "1.00" }]);
    const key = unique("idem");
    const send = () => api(`/v1/purchase-orders/${po.id}/receipts`, { body: { lines: [{ line_no: 1, bin: "R-02", quantity: 3 }] }, headers: { "idempotency-key": key } });
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect((await api(`/v1/purchase-orders/${po.id}`)).body.received_units).toBe(3);
  });
});

describe("backorders", () => {
  it("are allocated as soon as their stock is received, oldest first, and never over what arrived", async () => {
    const sku = unique("BO");
    await createProduct(store.id, sku);
    const allocation = (id: string) => api(`/v1/orders/${id}/allocation`).then((r) => r.body);
    const waiting: { id: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const o = await createOrder(store.id, { lines: [{ sku, quantity: 2, unit_price: "5.00" }] });
      expect((await transition(o.id, "approve")).status).toBe(200);
      await waitFor(async () => expect(await allocation(o.id)).toMatchObject({ status: "backordered" }));
      waiting.push(o);
    }
    const s = await supplier();
    const po = await purchaseOrder(s.id, [{ sku, quantity: 5, unit_cost: "1.00" }]);
    // A new order for the same SKU races the receipt: between them they never take more than arrived.
    const racer = await createOrder(store.id, { lines: [{ sku, quantity: 2, unit_price: "5.00" }] });
    const [received] = await Promise.all([receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 5 }] }), transition(racer.id, "approve")]);
    expect(received.status).toBe(201);
    // No cron runs in these tests: the receipt's own message allocates.
    await waitFor(async () => expect((await allocation(waiting[0]!.id)).status).toBe("allocated"));
    await waitFor(async () => {
      const states = await Promise.all([...waiting, racer].map(async (o) => (await allocation(o.id)).status as string));
      expect(states.filter((x) => x === "allocated")).toHaveLength(2);
      expect(states.every((x) => x === "allocated" || x === "backordered")).toBe(true);
    });
    const stock = await level(wh.id, sku);
    expect(stock).toEqual({ on_hand: 5, reserved: 4 });
    // Oldest first: the youngest backorder is never served while an older one waits.
    const [, second, youngest] = await Promise.all(waiting.map(async (o) => (await allocation(o.id)).status as string));
    expect(youngest === "allocated" && second !== "allocated").toBe(false);
  });
});

describe("backorder priority", () => {
  it("gives arriving stock to the largest orders first when the store says so", async () => {
    const shop = await createStore();
    expect((await api(`/v1/stores/${shop.id}`, { method: "PATCH", body: { backorder_priority: "biggest" } })).status).toBe(422);
    const set = await api(`/v1/stores/${shop.id}`, { method: "PATCH", body: { backorder_priority: "largest_value" } });
    expect(set.body.backorder_priority).toBe("largest_value");
    const sku = unique("PRI");
    await createProduct(shop.id, sku);
    const allocation = (id: string) => api(`/v1/orders/${id}/allocation`).then((r) => r.body.status as string);
    const waiting: { id: string }[] = [];
    for (const price of ["5.00", "50.00", "20.00"]) {
      const o = await createOrder(shop.id, { lines: [{ sku, quantity: 2, unit_price: price }] });
      await transition(o.id, "approve");
      await waitFor(async () => expect(await allocation(o.id)).toBe("backordered"));
      waiting.push(o);
    }
    const s = (await api("/v1/suppliers", { body: { store_id: shop.id, name: "p", currency: "USD" } })).body;
    const po = (await api("/v1/purchase-orders", { body: { supplier_id: s.id, warehouse_id: wh.id, lines: [{ sku, quantity: 2, unit_cost: "1.00" }] } })).body;
    await api(`/v1/purchase-orders/${po.id}/transitions`, { body: { event: "submit" } });
    expect((await receipt(po.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 2 }] })).status).toBe(201);
    // The 50.00 order (the second, not the oldest) is served; the others wait.
    await waitFor(async () => expect(await allocation(waiting[1]!.id)).toBe("allocated"));
    expect([await allocation(waiting[0]!.id), await allocation(waiting[2]!.id)]).toEqual(["backordered", "backordered"]);
  });
});

describe("sending a submitted order to its supplier", () => {
  const sent: { url: string; headers: Record<string, string>; body: string }[] = [];
  const realFetch = transport.fetch;
  beforeAll(() => {
    transport.fetch = async (req: Request) => {
      if (!req.url.startsWith("https://supplier.example/")) return realFetch(req);
      if (req.url.endsWith("/down")) return new Response("unavailable", { status: 503 });
      sent.push({ url: req.url, headers: Object.fromEntries(req.headers), body: await req.text() });
      return new Response("ok");
    };
  });
  afterAll(() => {
    transport.fetch = realFetch;
  });
  const sentVia = async (id: string) => (await api(`/v1/purchase-orders/${id}`)).body as { sent_via: string | null; sent_to: string | null; sent_at: string | null };

  it("POSTs it as a signed Standard Webhook when the supplier has a webhook", async () => {
    const s = await api("/v1/suppliers", { body: { store_id: store.id, name: unique("edi"), currency: "USD", webhook_url: "https://supplier.example/po" } });
    expect(s.body.webhook_secret).toMatch(/^whsec_/);
    expect((await api(`/v1/suppliers/${s.body.id}`)).body.webhook_secret).toBeUndefined();
    const po = await purchaseOrder(s.body.id, [{ sku: skuA, quantity: 4, unit_cost: "2.25" }]);
    await waitFor(async () => expect(await sentVia(po.id)).toMatchObject({ sent_via: "webhook", sent_to: "https://supplier.example/po" }));
    const call = sent.find((c) => JSON.parse(c.body).data.purchase_order_id === po.id)!;
    const signed = { id: call.headers["webhook-id"], timestamp: call.headers["webhook-timestamp"], signature: call.headers["webhook-signature"] };
    expect(await verify(s.body.webhook_secret, signed, call.body)).toEqual({ ok: true });
    expect(JSON.parse(call.body)).toMatchObject({
      type: "purchase_order.submitted",
      data: { purchase_order_id: po.id, currency: "USD", total: "9.00", lines: [{ line_no: 1, sku: skuA, quantity: 4, unit_cost: "2.25", total: "9.00" }] },
    });
  });

  it("keeps the signing secret when the same address is saved again, and draws a new one for a new address or a rotation", async () => {
    const s = await api("/v1/suppliers", { body: { store_id: store.id, name: unique("edi"), currency: "USD", webhook_url: "https://supplier.example/a" } });
    const secretOf = async () =>
      (await (await dbOf({ store: store.id })).prepare("SELECT webhook_secret FROM suppliers WHERE id = ?").bind(s.body.id).first<{ webhook_secret: string }>())!.webhook_secret;
    const sealed = await secretOf();
    const same = await api(`/v1/suppliers/${s.body.id}`, { method: "PATCH", body: { webhook_url: "https://supplier.example/a", name: "renamed" } });
    expect(same.status).toBe(200);
    expect(same.body.webhook_secret).toBeUndefined();
    expect(await secretOf()).toBe(sealed);

    const moved = await api(`/v1/suppliers/${s.body.id}`, { method: "PATCH", body: { webhook_url: "https://supplier.example/b" } });
    expect(moved.body.webhook_secret).toMatch(/^whsec_/);
    expect(moved.body.webhook_secret).not.toBe(s.body.webhook_secret);
    const rotated = await api(`/v1/suppliers/${s.body.id}`, { method: "PATCH", body: { rotate_webhook_secret: true } });
    expect(rotated.body.webhook_secret).toMatch(/^whsec_/);
    expect(rotated.body.webhook_secret).not.toBe(moved.body.webhook_secret);
    // The order is signed with the secret of the last answer.
    const po = await purchaseOrder(s.body.id, [{ sku: skuA, quantity: 1, unit_cost: "1.00" }]);
    await waitFor(async () => expect(sent.some((c) => c.url === "https://supplier.example/b" && JSON.parse(c.body).data.purchase_order_id === po.id)).toBe(true));
    const call = sent.find((c) => JSON.parse(c.body).data.purchase_order_id === po.id)!;
    const signed = { id: call.headers["webhook-id"], timestamp: call.headers["webhook-timestamp"], signature: call.headers["webhook-signature"] };
    expect(await verify(rotated.body.webhook_secret, signed, call.body)).toEqual({ ok: true });

    const cleared = await api(`/v1/suppliers/${s.body.id}`, { method: "PATCH", body: { webhook_url: null } });
    expect(same.body.webhook_secret_set).toBe(true);
    expect(cleared.body).toMatchObject({ webhook_url: null, webhook_secret_set: false });
    expect(cleared.body.webhook_secret).toBeUndefined();
    expect(await secretOf()).toBeNull();
    const nothingToRotate = await api(`/v1/suppliers/${s.body.id}`, { method: "PATCH", body: { rotate_webhook_secret: true } });
    expect(nothingToRotate.status).toBe(422);
    expect(nothingToRotate.body.errors).toEqual([{ field: "rotate_webhook_secret", message: "the supplier has no webhook_url to sign for" }]);
  });

  it("marks an order to send by hand once its supplier's webhook has refused every retry", async () => {
    const s = await api("/v1/suppliers", { body: { store_id: store.id, name: unique("down"), currency: "USD", webhook_url: "https://supplier.example/down" } });
    const po = await purchaseOrder(s.body.id, [{ sku: skuA, quantity: 1, unit_cost: "1.00" }]);
    const db = await dbOf({ store: store.id });
    const row = await db
      .prepare("SELECT id, type, order_id, payload, created_at FROM outbox WHERE type = 'purchase_order.send' AND payload LIKE ?")
      .bind(`%${po.id}%`)
      .first<{ id: string; type: string; order_id: string | null; payload: string; created_at: number }>();
    const message: OutboxMessage = { id: row!.id, type: row!.type, order_id: row!.order_id, payload: JSON.parse(row!.payload), created_at: row!.created_at };
    // The queue retries while the webhook answers 503: still not sent.
    expect((await sentVia(po.id)).sent_via).toBeNull();
    // Its retries used up, the message reaches the dead-letter queue (twice, as at-least-once delivery may).
    for (const attempt of [1, 2]) {
      const batch = createMessageBatch<OutboxMessage>("oms-dead-letters", [{ id: `dl${attempt}`, timestamp: new Date(), attempts: 1, body: message }]);
      await consumeBatch(batch, env, QUEUE_HANDLERS);
      expect((await getQueueResult(batch, createExecutionContext())).ackAll).toBe(true);
    }
    const sent = await sentVia(po.id);
    expect(sent).toMatchObject({ sent_via: "manual" });
    expect(sent.sent_at).not.toBeNull();
    expect(await db.prepare("SELECT delivered_at FROM outbox WHERE id = ?").bind(message.id).first("delivered_at")).not.toBeNull();
    expect(await env.DIRECTORY.prepare("SELECT COUNT(*) AS n FROM dead_letters WHERE message_id = ?").bind(message.id).first("n")).toBeGreaterThanOrEqual(1);
  });

  it("emails it with its PDF to a supplier with an email, and marks one with neither to send by hand", async () => {
    const mail = await supplier({ email: "orders@supplier.example" });
    const bare = await supplier();
    const byMail = await purchaseOrder(mail.id, [{ sku: skuA, quantity: 1, unit_cost: "1.00" }]);
    const byHand = await purchaseOrder(bare.id, [{ sku: skuA, quantity: 1, unit_cost: "1.00" }]);
    await waitFor(async () => expect(await sentVia(byMail.id)).toMatchObject({ sent_via: "email", sent_to: "orders@supplier.example" }));
    await waitFor(async () => expect(await sentVia(byHand.id)).toMatchObject({ sent_via: "manual", sent_to: null }));
    expect((await sentVia(byHand.id)).sent_at).not.toBeNull();
  });

  it("is a PDF any reader of the order can download, and nobody else", async () => {
    const s = await supplier({ payment_terms: "NET 30" });
    const po = await purchaseOrder(s.id, [{ sku: skuA, quantity: 3, unit_cost: "1.50" }], { submit: false });
    const r = await exports.default.fetch(`http://oms.test/v1/purchase-orders/${po.id}/pdf`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/pdf");
    expect(new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))).toBe("%PDF-");
    const key = await createKey("analyst", [other.id]);
    expect((await api(`/v1/purchase-orders/${po.id}/pdf`, { key })).status).toBe(404);
  });

  it("prints a Chinese supplier and terms in the embedded Chinese font, and a Latin one in Helvetica only", async () => {
    const pdfOf = async (id: string) =>
      new Uint8Array(await (await exports.default.fetch(`http://oms.test/v1/purchase-orders/${id}/pdf`, { headers: { authorization: `Bearer ${ADMIN}` } })).arrayBuffer());
    const cn = await supplier({ name: unique("绍兴纺织品有限公司"), contact_name: "王经理", payment_terms: "月结30天" });
    const cnPdf = await pdfOf((await purchaseOrder(cn.id, [{ sku: skuA, quantity: 3, unit_cost: "1.50" }], { submit: false })).id);
    expect(await pdfFonts(cnPdf)).toEqual(["Helvetica", "Helvetica-Bold", expect.stringMatching(/^NotoSansCJKsc-Regular/)]);
    const text = (await pdfText(cnPdf)).map((t) => t.text);
    expect(text).toEqual(expect.arrayContaining(["王经理", "Payment terms: 月结30天"]));
    expect(text.join("\n")).not.toContain("?");
    const latin = await supplier({ name: unique("Leaf & Co") });
    expect(await pdfFonts(await pdfOf((await purchaseOrder(latin.id, [{ sku: skuA, quantity: 1, unit_cost: "1.00" }], { submit: false })).id))).toEqual([
      "Helvetica",
      "Helvetica-Bold",
    ]);
  });
});

describe("reports", () => {
  it("value stock at its moving-average cost, with cover and age, as JSON and CSV", async () => {
    const s = await supplier();
    const k = unique("VAL");
    await createProduct(store.id, k);
    const po = await purchaseOrder(s.id, [{ sku: k, quantity: 8, unit_cost: "2.50" }]);
    await receipt(po.id, { lines: [{ line_no: 1, bin: "R-02", quantity: 8 }] });
    const r = await api(`/v1/reports/stock?warehouse_id=${wh.id}`);
    expect(r.status).toBe(200);
    // 8 units at 2.50: 20.00; no sales yet: no cover figure; all received today.
    expect(r.body.data.find((row: { sku: string }) => row.sku === k)).toEqual({
      warehouse_id: wh.id,
      sku: k,
      on_hand: 8,
      reserved: 0,
      available: 8,
      currency: "USD",
      avg_unit_cost: "2.50",
      value: "20.00",
      units_per_day: 0,
      days_of_cover: null,
      age_0_30: 8,
      age_31_60: 0,
      age_61_90: 0,
      age_over_90: 0,
    });
    const csv = await exports.default.fetch(`http://oms.test/v1/reports/stock?warehouse_id=${wh.id}&format=csv`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toBe(
      "warehouse_id,sku,on_hand,reserved,available,currency,avg_unit_cost,value,units_per_day,days_of_cover,age_0_30,age_31_60,age_61_90,age_over_90",
    );
    expect(text).toContain(`${wh.id},${k},8,0,8,USD,2.50,20.00,0,,8,0,0,0`);
    // A key of another warehouse sees none of this one's stock.
    const elsewhere = await createWarehouse();
    const key = await api("/v1/api-keys", { body: { name: "other dock", role: "analyst", store_ids: ["*"], warehouse_ids: [elsewhere.id] } });
    const theirs = await api(`/v1/reports/stock?warehouse_id=${wh.id}`, { key: key.body.key });
    expect(theirs.body.data).toEqual([]);
  });

  it("covers any number of warehouses: more than D1 binds in one statement", async () => {
    // 101 warehouses in one batch of rows: the report names them in one bound parameter, not one each.
    // Written without homes, so pool 0's: shard 0 (`DB`) is where the Worker looks for them.
    const now = Date.now();
    const ids = Array.from({ length: 101 }, (_, i) => `wh_many_${unique("x")}_${i}`);
    await env.DB.batch(
      ids.map((id) =>
        env.DB.prepare("INSERT INTO warehouses (id, name, kind, country, currency, active, created_at, updated_at) VALUES (?, ?, 'own', 'US', 'USD', 1, ?, ?)").bind(
          id,
          id,
          now,
          now,
        ),
      ),
    );
    const r = await api("/v1/reports/stock");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });

  it("rate suppliers on time and fill over a period, with what is still open", async () => {
    const s = await supplier();
    const full = await purchaseOrder(s.id, [{ sku: skuA, quantity: 10, unit_cost: "1.00" }]);
    await receipt(full.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 10 }] });
    const short = await purchaseOrder(s.id, [{ sku: skuA, quantity: 10, unit_cost: "1.00" }]);
    await receipt(short.id, { lines: [{ line_no: 1, bin: "R-01", quantity: 6 }] });
    await api(`/v1/purchase-orders/${short.id}/transitions`, { body: { event: "close", reason: "rest cancelled" } });
    await purchaseOrder(s.id, [{ sku: skuA, quantity: 4, unit_cost: "2.50" }]);
    const today = new Date().toISOString().slice(0, 10);
    const r = await api(`/v1/reports/suppliers?from=${today}&to=${today}&store_id=${store.id}`);
    expect(r.status).toBe(200);
    // Received the same day, due in 7 days: on time. Closed short: not. Fill 16 of 20. Open: 4 x 2.50.
    expect(r.body.data.find((row: { supplier_id: string }) => row.supplier_id === s.id)).toEqual({
      supplier_id: s.id,
      supplier_name: expect.any(String),
      store_id: store.id,
      currency: "USD",
      orders_submitted: 3,
      orders_completed: 2,
      orders_on_time: 1,
      on_time_rate: 0.5,
      units_ordered: 20,
      units_received: 16,
      fill_rate: 0.8,
      open_orders: 1,
      open_value: "10.00",
    });
    const csv = await exports.default.fetch(`http://oms.test/v1/reports/suppliers?from=${today}&to=${today}&store_id=${store.id}&format=csv`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect((await csv.text()).split("\r\n")[0]).toBe(
      "supplier_id,supplier_name,store_id,currency,orders_submitted,orders_completed,orders_on_time,on_time_rate,units_ordered,units_received,fill_rate,open_orders,open_value",
    );
    for (const q of ["from=2026-13-01&to=2026-12-01", "from=2026-12-02&to=2026-12-01", "to=2026-12-01"]) {
      expect((await api(`/v1/reports/suppliers?${q}`)).status, q).toBe(400);
    }
    const otherKey = await createKey("analyst", [other.id]);
    expect((await api(`/v1/reports/suppliers?from=${today}&to=${today}`, { key: otherKey })).body.data.map((x: { supplier_id: string }) => x.supplier_id)).not.toContain(s.id);
  });
});
