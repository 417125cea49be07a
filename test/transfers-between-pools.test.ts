/**
 * Transfers between warehouses of two stock pools on two databases (docs/SHARDING.md, build step 10): sent on the
 * source's database, written at the destination by the outbox, received there, and the source told; read and listed
 * as one transfer; a message delivered twice, or late, changes nothing more.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { shardOf } from "../src/db/homes";
import { QUEUE_HANDLERS } from "../src/index";
import { consumeMessage } from "../src/outbox/consume";
import { api, createKey, createProduct, createStore, unique } from "./helpers";
import { createBin, createWarehouse, ledgerOk, level, receive } from "./processing-helpers";
import { dbOf, envOf } from "./shard-helpers";
import { env } from "./shard-env";

let a: { store: string; wh: string };
let b: { store: string; wh: string };
const sku = unique("XFER");

beforeAll(async () => {
  const make = async (bin: string) => {
    const store = (await createStore()).id;
    const wh = (await createWarehouse({ store_ids: [store] })).id;
    await createBin(wh, bin, { pick_sequence: 10 });
    await createProduct(store, sku);
    return { store, wh };
  };
  a = await make("A-01");
  b = await make("B-01");
  // The suite places each store of its own pool on the shard with the fewest stores: these two are on two.
  expect((await shardOf(env, { warehouse: a.wh })).id).not.toBe((await shardOf(env, { warehouse: b.wh })).id);
  await receive(a.wh, [{ sku, bin: "A-01", quantity: 20, unit_cost: "3.00" }]);
});

const rowsOf = async (db: D1Database, id: string) =>
  (await db.prepare("SELECT side, status FROM stock_transfers WHERE id = ?").bind(id).all<{ side: string; status: string }>()).results;
const receivedOn = async (db: D1Database, id: string) =>
  (await db.prepare("SELECT line_no, received_qty FROM stock_transfer_lines WHERE transfer_id = ? ORDER BY line_no").bind(id).all()).results;

async function send(quantity: number) {
  const r = await api("/v1/transfers", { body: { from_warehouse_id: a.wh, to_warehouse_id: b.wh, lines: [{ sku, from_bin: "A-01", quantity }] } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

/** Waits until the destination's row of `id` is written (its message consumed). */
const arrived = (id: string) =>
  vi.waitFor(async () => expect(await rowsOf(await dbOf({ warehouse: b.wh }), id)).toEqual([{ side: "destination", status: "in_transit" }]), { timeout: 10_000, interval: 50 });

describe("a transfer to another database's warehouse", () => {
  it("leaves the source at once, arrives at the destination, is received there, and the source learns it", async () => {
    const id = await send(8);
    const [src, dst] = [await dbOf({ warehouse: a.wh }), await dbOf({ warehouse: b.wh })];
    expect(await rowsOf(src, id)).toEqual([{ side: "source", status: "in_transit" }]);
    expect(await level(a.wh, sku)).toMatchObject({ on_hand: 12 });
    await arrived(id);
    expect((await api(`/v1/transfers/${id}`)).body).toMatchObject({ id, status: "in_transit", from_warehouse_id: a.wh, to_warehouse_id: b.wh, lines: [{ sku, quantity: 8 }] });

    // The destination's people receive it, in two parts; a key of the source only reads it.
    const dock = await createKey("warehouse", [b.store]);
    const sourceKey = await createKey("warehouse", [a.store]);
    expect((await api(`/v1/transfers/${id}/receipts`, { key: sourceKey, body: { lines: [{ line_no: 1, bin: "B-01", quantity: 1 }] } })).status).toBe(403);
    const part = await api(`/v1/transfers/${id}/receipts`, { key: dock, body: { lines: [{ line_no: 1, bin: "B-01", quantity: 5 }] } });
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    expect(part.body.status).toBe("partially_received");
    expect(await level(b.wh, sku)).toMatchObject({ on_hand: 5 });
    await vi.waitFor(async () => expect(await receivedOn(src, id)).toEqual([{ line_no: 1, received_qty: 5 }]), { timeout: 10_000, interval: 50 });
    expect((await rowsOf(src, id))[0]!.status).toBe("partially_received");
    const over = await api(`/v1/transfers/${id}/receipts`, { key: dock, body: { lines: [{ line_no: 1, bin: "B-01", quantity: 4 }] } });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: "over_receipt" });
    const rest = await api(`/v1/transfers/${id}/receipts`, { key: dock, body: { lines: [{ line_no: 1, bin: "B-01", quantity: 3 }] } });
    expect(rest.body.status).toBe("received");
    await vi.waitFor(async () => expect(await rowsOf(src, id)).toEqual([{ side: "source", status: "received" }]), { timeout: 10_000, interval: 50 });
    expect(await receivedOn(src, id)).toEqual([{ line_no: 1, received_qty: 8 }]);
    expect(await rowsOf(dst, id)).toEqual([{ side: "destination", status: "received" }]);
    // Each side's stock check balances: out on one database, in on the other.
    expect(await ledgerOk(a.wh)).toMatchObject({ ok: true });
    expect(await ledgerOk(b.wh)).toMatchObject({ ok: true });
    expect(await level(b.wh, sku)).toMatchObject({ on_hand: 8 });
    // The source's key reads the transfer; every list shows it once.
    expect((await api(`/v1/transfers/${id}`, { key: sourceKey })).body).toMatchObject({ status: "received" });
    const all = ((await api("/v1/transfers?limit=200")).body.data as { id: string; status: string }[]).filter((t) => t.id === id);
    expect(all).toEqual([expect.objectContaining({ id, status: "received" })]);
    for (const [key, wh] of [
      [dock, b.wh],
      [sourceKey, a.wh],
    ] as const) {
      expect(((await api(`/v1/transfers?warehouse_id=${wh}&limit=200`, { key })).body.data as { id: string }[]).filter((t) => t.id === id)).toHaveLength(1);
    }
  });

  it("writes the destination's row once however often its message comes, and a late receipt message lowers nothing", async () => {
    const id = await send(2);
    await arrived(id);
    const sent = { id: `obx_again_${id}`, type: "transfer.sent", order_id: null, payload: { stock_transfer_id: id }, created_at: Date.now() };
    expect(await consumeMessage(await envOf({ warehouse: a.wh }), "fulfilment", sent, QUEUE_HANDLERS)).toBe("done");
    const dst = await dbOf({ warehouse: b.wh });
    expect(await dst.prepare("SELECT COUNT(*) AS n FROM stock_transfer_lines WHERE transfer_id = ?").bind(id).first("n")).toBe(1);
    const dock = await createKey("warehouse", [b.store]);
    expect((await api(`/v1/transfers/${id}/receipts`, { key: dock, body: { lines: [{ line_no: 1, bin: "B-01", quantity: 2 }] } })).body.status).toBe("received");
    const src = await dbOf({ warehouse: a.wh });
    await vi.waitFor(async () => expect((await rowsOf(src, id))[0]!.status).toBe("received"), { timeout: 10_000, interval: 50 });
    // The destination's row set back to partial (as when an older message is delivered late): the source stays received.
    await dst.prepare("UPDATE stock_transfers SET status = 'partially_received' WHERE id = ?").bind(id).run();
    await dst.prepare("UPDATE stock_transfer_lines SET received_qty = 1 WHERE transfer_id = ?").bind(id).run();
    const late = { id: `obx_late_${id}`, type: "transfer.received", order_id: null, payload: { stock_transfer_id: id }, created_at: Date.now() };
    expect(await consumeMessage(await envOf({ warehouse: b.wh }), "fulfilment", late, QUEUE_HANDLERS)).toBe("done");
    expect(await rowsOf(src, id)).toEqual([{ side: "source", status: "received" }]);
    expect(await receivedOn(src, id)).toEqual([{ line_no: 1, received_qty: 2 }]);
  });

  it("is not received before it has arrived: 409 not_arrived, nothing written; it is once its message is handled", async () => {
    const id = await send(1);
    await arrived(id);
    // As if its message were still on the way: the destination's row not written yet.
    const dst = await dbOf({ warehouse: b.wh });
    await dst.batch([dst.prepare("DELETE FROM stock_transfer_lines WHERE transfer_id = ?").bind(id), dst.prepare("DELETE FROM stock_transfers WHERE id = ?").bind(id)]);
    const before = await level(b.wh, sku);
    const early = await api(`/v1/transfers/${id}/receipts`, { body: { lines: [{ line_no: 1, bin: "B-01", quantity: 1 }] } });
    expect(early.status).toBe(409);
    expect(early.headers.get("content-type")).toContain("application/problem+json");
    expect(early.body).toMatchObject({ code: "not_arrived" });
    expect(early.headers.get("retry-after")).toBe("5");
    expect(await level(b.wh, sku)).toEqual(before);
    // Read meanwhile from the source's row.
    expect((await api(`/v1/transfers/${id}`)).body).toMatchObject({ id, status: "in_transit" });
    const sent = { id: `obx_retry_${id}`, type: "transfer.sent", order_id: null, payload: { stock_transfer_id: id }, created_at: Date.now() };
    expect(await consumeMessage(await envOf({ warehouse: a.wh }), "fulfilment", sent, QUEUE_HANDLERS)).toBe("done");
    const now = await api(`/v1/transfers/${id}/receipts`, { body: { lines: [{ line_no: 1, bin: "B-01", quantity: 1 }] } });
    expect(now.status, JSON.stringify(now.body)).toBe(201);
  });
});
