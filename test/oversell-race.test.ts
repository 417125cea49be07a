/**
 * The race for the last units. Many orders are approved at once against a
 * small stock, and every one of them is allocated several times at once (by
 * the real queue consumer and by direct calls racing it). The stock CHECKs
 * fail any batch that would reserve more than is on hand, so: exactly the
 * available units are reserved, every winning order got all of its units,
 * the losers are backordered and still approved, and the ledger agrees.
 */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { allocateOrder } from "../src/fulfilment/allocate-order";
import { api, createOrder, createStore, transition, unique } from "./helpers";
import { ledgerOk, level, line, stockedWarehouse, waitFor } from "./processing-helpers";

describe("concurrent orders for the last units", () => {
  it("60 orders racing for 7 units across two warehouses never oversell", async () => {
    const sku = unique("LAST");
    const a = await stockedWarehouse({
      bins: ["A-01", "A-02"],
      stock: [
        ["A-01", sku, 3],
        ["A-02", sku, 2],
      ],
    });
    const b = await stockedWarehouse({ bins: ["B-01"], stock: [["B-01", sku, 2]] });
    const store = await createStore();
    await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [a.id, b.id] } });

    // Orders of 1 or 2 units; a 2-unit order may be split across the warehouses.
    const orders = [];
    for (let i = 0; i < 60; i++) orders.push(await createOrder(store.id, { lines: [line(sku, 1 + (i % 2))] }));
    // Approve all at once: each approval sends `order.approved` to the real fulfilment queue.
    const approvals = await Promise.all(orders.map((o) => transition(o.id, "approve")));
    expect(approvals.every((r) => r.status === 200)).toBe(true);
    // ...and race the consumer with two direct allocations of every order.
    const direct = await Promise.all(orders.flatMap((o) => [allocateOrder(env as any, o.id), allocateOrder(env as any, o.id)]));
    expect(direct.every((r) => ["allocated", "backordered", "skipped"].includes(r.status))).toBe(true);

    // Let the queue's deliveries finish: every order has an allocation record or is processing.
    await waitFor(async () => {
      const pending = await env.DB.prepare(`SELECT COUNT(*) AS n FROM orders o WHERE o.store_id = ? AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.order_id = o.id)`)
        .bind(store.id)
        .first<{ n: number }>();
      expect(pending!.n).toBe(0);
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1500));

    const total = { on_hand: 0, reserved: 0 };
    for (const wh of [a, b]) {
      const l = await level(wh.id, sku);
      total.on_hand += l.on_hand;
      total.reserved += l.reserved;
      expect(l.reserved).toBeLessThanOrEqual(l.on_hand);
      expect((await ledgerOk(wh.id)).ok).toBe(true);
    }
    expect(total.on_hand).toBe(7);

    const rows = await env.DB.prepare(
      `SELECT o.id, o.status, (SELECT quantity FROM order_lines WHERE order_id = o.id) AS wanted,
              (SELECT COALESCE(SUM(reserved_qty), 0) FROM shipment_items WHERE order_id = o.id) AS reserved,
              (SELECT COUNT(*) FROM order_events WHERE order_id = o.id AND type = 'process') AS processed,
              (SELECT status FROM allocations WHERE order_id = o.id) AS allocation
         FROM orders o WHERE o.store_id = ?`,
    )
      .bind(store.id)
      .all<{ id: string; status: string; wanted: number; reserved: number; processed: number; allocation: string }>();
    const won = rows.results.filter((r) => r.status === "processing");
    const lost = rows.results.filter((r) => r.status !== "processing");
    // Winners got exactly what they ordered, once; losers hold nothing and wait as backorders.
    for (const r of won) expect(r, r.id).toMatchObject({ reserved: r.wanted, processed: 1, allocation: "allocated" });
    for (const r of lost) expect(r, r.id).toMatchObject({ status: "approved", reserved: 0, processed: 0, allocation: "backordered" });
    const reservedForOrders = won.reduce((s, r) => s + r.reserved, 0);
    expect(reservedForOrders).toBe(total.reserved);
    expect(total.reserved).toBeLessThanOrEqual(7);
    // Stock runs out: at most one unit can be left over (when only 2-unit orders were still waiting).
    expect(total.reserved).toBeGreaterThanOrEqual(6);
    expect(won.length).toBeGreaterThanOrEqual(3);
    expect(lost.length).toBeGreaterThanOrEqual(50);
    const reserves = await env.DB.prepare("SELECT COALESCE(SUM(reserved_delta), 0) AS n FROM stock_movements WHERE sku = ? AND kind = 'reserve'").bind(sku).first<{ n: number }>();
    expect(reserves!.n).toBe(total.reserved);
  }, 60_000);

  it("a batch that would over-reserve fails whole: D1 rolls back the other statements too", async () => {
    const sku = unique("CHK");
    const wh = await stockedWarehouse({
      bins: ["A-01", "A-02"],
      stock: [
        ["A-01", sku, 1],
        ["A-02", sku, 1],
      ],
    });
    const bins = await env.DB.prepare("SELECT bin_id FROM stock_levels WHERE warehouse_id = ? AND sku = ? ORDER BY bin_id").bind(wh.id, sku).all<{ bin_id: string }>();
    const [b1, b2] = bins.results.map((r) => r.bin_id);
    const attempt = env.DB.batch([
      env.DB.prepare("UPDATE stock_levels SET reserved = reserved + 1 WHERE bin_id = ? AND sku = ?").bind(b1, sku),
      env.DB.prepare("UPDATE stock_levels SET reserved = reserved + 2 WHERE bin_id = ? AND sku = ?").bind(b2, sku),
    ]);
    await expect(attempt).rejects.toThrow(/CHECK constraint failed: stock_levels_reserved_within_on_hand/);
    expect(await level(wh.id, sku)).toEqual({ on_hand: 2, reserved: 0 });
  });
});
