/** Transfers between warehouses as stock in transit: sent, on order for the destination, received with their cost. */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createOrder, createProduct, createStore, transition, unique } from "./helpers";
import { createBin, createWarehouse, ledgerOk, level, receive, waitFor } from "./processing-helpers";

let store: { id: string };
let a: { id: string };
let b: { id: string };
let sku: string;

beforeAll(async () => {
  store = await createStore();
  sku = unique("TRN");
  await createProduct(store.id, sku);
  a = await createWarehouse();
  b = await createWarehouse();
  await createBin(a.id, "A-1");
  await createBin(b.id, "B-1");
  await receive(a.id, [{ sku, bin: "A-1", quantity: 50, unit_cost: "3.20" }]);
});

const send = (body: Record<string, unknown>, key?: string) => api("/v1/transfers", { body: { from_warehouse_id: a.id, to_warehouse_id: b.id, ...body }, ...(key ? { key } : {}) });
const receiveAt = (id: string, lines: { line_no: number; bin: string; quantity: number }[]) => api(`/v1/transfers/${id}/receipts`, { body: { lines } });

describe("transfers", () => {
  it("take stock off the source's shelf at once, count it on order for the destination, and land it with its cost", async () => {
    const r = await send({ lines: [{ sku, from_bin: "A-1", quantity: 20 }], note: "rebalance" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: "in_transit", units: 20, received_units: 0, lines: [{ line_no: 1, sku, quantity: 20, unit_cost: "3.20", currency: "USD" }] });
    expect(await level(a.id, sku)).toEqual({ on_hand: 30, reserved: 0 });
    expect(await level(b.id, sku)).toEqual({ on_hand: 0, reserved: 0 });
    // In transit counts as on order for the destination.
    const rep = await api(`/v1/replenishment?store_id=${store.id}&warehouse_id=${b.id}&include_none=true`);
    expect(rep.body.data.find((s: { sku: string }) => s.sku === sku)).toMatchObject({ on_order: 20, in_transit: 20, on_hand: 0 });

    const part = await receiveAt(r.body.id, [{ line_no: 1, bin: "B-1", quantity: 15 }]);
    expect(part.body).toMatchObject({ status: "partially_received", received_units: 15 });
    expect(await level(b.id, sku)).toEqual({ on_hand: 15, reserved: 0 });
    const costs = await api(`/v1/warehouses/${b.id}/costs`);
    expect(costs.body.data.find((c: { sku: string }) => c.sku === sku).avg_unit_cost).toBe("3.20");
    const over = await receiveAt(r.body.id, [{ line_no: 1, bin: "B-1", quantity: 6 }]);
    expect(over.body).toMatchObject({ status: 409, code: "over_receipt" });
    const rest = await receiveAt(r.body.id, [{ line_no: 1, bin: "B-1", quantity: 5 }]);
    expect(rest.body).toMatchObject({ status: "received", received_units: 20 });
    expect(rest.body.received_at).not.toBeNull();
    expect((await receiveAt(r.body.id, [{ line_no: 1, bin: "B-1", quantity: 1 }])).body.code).toBe("not_receivable");
    expect(await ledgerOk(a.id)).toMatchObject({ ok: true, mismatches: [] });
    expect(await ledgerOk(b.id)).toMatchObject({ ok: true, mismatches: [] });
    const listed = await api(`/v1/transfers?warehouse_id=${b.id}&status=received`);
    expect(listed.body.data.map((t: { id: string }) => t.id)).toContain(r.body.id);
  });

  it("list each transfer of a page with its own lines, as one transfer reads", async () => {
    const other = unique("TRL");
    await createProduct(store.id, other);
    await receive(a.id, [{ sku: other, bin: "A-1", quantity: 5, unit_cost: "1.00" }]);
    const two = await send({
      lines: [
        { sku, from_bin: "A-1", quantity: 2 },
        { sku: other, from_bin: "A-1", quantity: 1 },
      ],
    });
    const one = await send({ lines: [{ sku, from_bin: "A-1", quantity: 3 }] });
    expect([two.status, one.status]).toEqual([201, 201]);
    const page = await api(`/v1/transfers?warehouse_id=${b.id}&limit=2`);
    expect(page.body.data.map((t: { id: string }) => t.id)).toEqual([one.body.id, two.body.id]);
    for (const t of page.body.data) expect(t).toEqual((await api(`/v1/transfers/${t.id}`)).body);
    expect(page.body.data[1].lines.map((l: { line_no: number; sku: string; quantity: number }) => [l.line_no, l.sku, l.quantity])).toEqual([
      [1, sku, 2],
      [2, other, 1],
    ]);
  });

  it("received twice at once count the units once", async () => {
    const r = await send({ lines: [{ sku, from_bin: "A-1", quantity: 4 }] });
    const both = await Promise.all([receiveAt(r.body.id, [{ line_no: 1, bin: "B-1", quantity: 4 }]), receiveAt(r.body.id, [{ line_no: 1, bin: "B-1", quantity: 4 }])]);
    expect(both.map((x) => x.status).sort()).toEqual([201, 409]);
    expect((await api(`/v1/transfers/${r.body.id}`)).body).toMatchObject({ status: "received", received_units: 4 });
    const moved = await env.DB.prepare("SELECT COALESCE(SUM(on_hand_delta), 0) AS n FROM stock_movements WHERE ref_id = ? AND kind = 'transfer_in'")
      .bind(r.body.id)
      .first<{ n: number }>();
    expect(moved!.n).toBe(4);
  });

  it("refuse more than the bin holds, bad bins and warehouses, writing nothing", async () => {
    const before = await level(a.id, sku);
    const moves = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM stock_movements WHERE warehouse_id = ?").bind(a.id).first<{ n: number }>())!.n;
    const m0 = await moves();
    expect((await send({ lines: [{ sku, from_bin: "A-1", quantity: 1000 }] })).body).toMatchObject({ status: 409, code: "insufficient_stock" });
    expect((await send({ lines: [{ sku: "NOPE", from_bin: "A-1", quantity: 1 }] })).body.code).toBe("insufficient_stock");
    for (const [body, field] of [
      [{ lines: [{ sku, from_bin: "ZZ-9", quantity: 1 }] }, "lines.0.from_bin"],
      [{ lines: [{ sku, from_bin: "OUTBOUND", quantity: 1 }] }, "lines.0.from_bin"],
      [{ to_warehouse_id: a.id, lines: [{ sku, from_bin: "A-1", quantity: 1 }] }, "to_warehouse_id"],
      [{ to_warehouse_id: "wh_nope", lines: [{ sku, from_bin: "A-1", quantity: 1 }] }, "to_warehouse_id"],
      [
        {
          lines: [
            { sku, from_bin: "A-1", quantity: 1 },
            { sku, from_bin: "A-1", quantity: 2 },
          ],
        },
        "lines.1.sku",
      ],
      [{ lines: [] }, "lines"],
    ] as const) {
      const r = await send(body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(
        r.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect(await level(a.id, sku)).toEqual(before);
    expect(await moves()).toBe(m0);
  });

  it("are sent by keys of the source, received by keys of the destination, and read by both", async () => {
    const c = await createWarehouse();
    const onlyA = (await api("/v1/api-keys", { body: { name: "dock a", role: "warehouse", store_ids: ["*"], warehouse_ids: [a.id] } })).body.key;
    const onlyB = (await api("/v1/api-keys", { body: { name: "dock b", role: "warehouse", store_ids: ["*"], warehouse_ids: [b.id] } })).body.key;
    const onlyC = (await api("/v1/api-keys", { body: { name: "dock c", role: "warehouse", store_ids: ["*"], warehouse_ids: [c.id] } })).body.key;
    const r = await send({ lines: [{ sku, from_bin: "A-1", quantity: 2 }] }, onlyA);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    for (const key of [onlyA, onlyB]) expect((await api(`/v1/transfers/${r.body.id}`, { key })).status).toBe(200);
    expect((await api(`/v1/transfers/${r.body.id}`, { key: onlyC })).status).toBe(404);

    const atDestination = { body: { lines: [{ line_no: 1, bin: "B-1", quantity: 2 }] } };
    const bySource = await api(`/v1/transfers/${r.body.id}/receipts`, { ...atDestination, key: onlyA });
    expect(bySource.status).toBe(403);
    expect(bySource.body.type).toContain("forbidden");
    expect((await api(`/v1/transfers/${r.body.id}/receipts`, { ...atDestination, key: onlyC })).status).toBe(404);
    expect((await api(`/v1/transfers/${r.body.id}`)).body.received_units).toBe(0);
    expect((await api(`/v1/transfers/${r.body.id}/receipts`, { ...atDestination, key: onlyB })).status).toBe(201);

    // Sending is from the warehouse the key works in: the destination's key cannot empty the source.
    expect((await send({ lines: [{ sku, from_bin: "A-1", quantity: 1 }] }, onlyB)).body.errors).toEqual([{ field: "from_warehouse_id", message: "no such warehouse" }]);
  });

  it("list a scoped key's transfers however many of other warehouses are newer", async () => {
    const c = await createWarehouse();
    const d = await createWarehouse();
    await createBin(c.id, "C-1");
    const k = unique("TLS");
    await createProduct(store.id, k);
    await receive(c.id, [{ sku: k, bin: "C-1", quantity: 40 }]);
    const mine = await send({ lines: [{ sku, from_bin: "A-1", quantity: 1 }] });
    // Newer than it: more transfers between two warehouses the key does not see than a page and its window held.
    for (let i = 0; i < 12; i++)
      expect((await api("/v1/transfers", { body: { from_warehouse_id: c.id, to_warehouse_id: d.id, lines: [{ sku: k, from_bin: "C-1", quantity: 1 }] } })).status).toBe(201);
    const onlyB = (await api("/v1/api-keys", { body: { name: "dock b2", role: "warehouse", store_ids: ["*"], warehouse_ids: [b.id] } })).body.key;
    const page = await api("/v1/transfers?limit=2", { key: onlyB });
    expect(page.status).toBe(200);
    expect(page.body.data.length).toBe(2);
    expect(page.body.data.every((t: { to_warehouse_id: string }) => t.to_warehouse_id === b.id)).toBe(true);
    const seen: string[] = [];
    for (let cursor: string | null = null, n = 0; n < 20; n++) {
      const p = await api(`/v1/transfers?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key: onlyB });
      seen.push(...p.body.data.map((t: { id: string }) => t.id));
      cursor = p.body.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toContain(mine.body.id);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("wake the backorders waiting for what arrives", async () => {
    const k = unique("TBO");
    await createProduct(store.id, k);
    await receive(a.id, [{ sku: k, bin: "A-1", quantity: 3 }]);
    const t = await send({ lines: [{ sku: k, from_bin: "A-1", quantity: 3 }] });
    const o = await createOrder(store.id, { lines: [{ sku: k, quantity: 2, unit_price: "5.00" }] });
    await transition(o.id, "approve");
    await waitFor(async () => expect((await api(`/v1/orders/${o.id}/allocation`)).body.status).toBe("backordered"));
    await receiveAt(t.body.id, [{ line_no: 1, bin: "B-1", quantity: 3 }]);
    await waitFor(async () => expect((await api(`/v1/orders/${o.id}/allocation`)).body.status).toBe("allocated"));
  });
});
