/**
 * Third-party warehouses: an allocation to a 3PL goes out as a signed
 * webhook through the outbox and the `webhooks` queue (retried on failure);
 * the 3PL accepts or rejects it and confirms shipment with packages and
 * tracking numbers through its signed inbound endpoint.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OutboxMessage } from "../src/env";
import { transport } from "../src/fulfilment/dispatch-3pl";
import { signedHeaders, verify } from "../src/lib/standard-webhooks";
import { consumeMessage } from "../src/outbox/consume";
import { QUEUE_HANDLERS } from "../src/index";
import { api, createStore, transition, unique } from "./helpers";
import { allocatedOrder, count, createBin, createWarehouse, ledgerOk, level, line, receive, waitFor } from "./processing-helpers";

type Captured = { url: string; headers: Record<string, string>; body: string };
const sent: Captured[] = [];
let answer = 200;
const realFetch = transport.fetch;
transport.fetch = async (req: Request) => {
  sent.push({ url: req.url, headers: Object.fromEntries(req.headers), body: await req.text() });
  return new Response(answer < 300 ? "ok" : "down", { status: answer });
};
afterEach(() => {
  answer = 200;
});

let tpl: { id: string; webhook_secret: string | null };
let store: { id: string };
let sku: string;
beforeAll(async () => {
  sku = unique("3PL");
  tpl = await createWarehouse({ kind: "third_party", webhook_url: "https://3pl.example/oms", country: "DE", region: null });
  await createBin(tpl.id, "STOCK");
  await receive(tpl.id, [{ sku, bin: "STOCK", quantity: 10 }]);
  store = await createStore();
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [tpl.id] } });
});

const secret = () => tpl.webhook_secret!;

async function inbound(event: unknown, opts: { id?: string; secret?: string; now?: number; headers?: Record<string, string>; warehouse?: string } = {}) {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  const id = opts.id ?? unique("evt");
  const headers = { "content-type": "application/json", ...(await signedHeaders(opts.secret ?? secret(), id, body, opts.now)), ...opts.headers };
  const res = await exports.default.fetch(`http://oms.test/webhooks/3pl/${opts.warehouse ?? tpl.id}`, { method: "POST", headers, body });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

const dispatchesFor = (shipmentId: string) => sent.filter((c) => JSON.parse(c.body).data.shipment_id === shipmentId).map((c) => ({ ...c, json: JSON.parse(c.body) }));

async function dispatched() {
  const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 2)] });
  const shipment = allocation.shipments[0];
  await waitFor(async () => expect((await api(`/v1/shipments/${shipment.id}`)).body.dispatch_status).toBe("sent"));
  return { order, shipment };
}

describe("dispatch", () => {
  it("goes out through the outbox as a Standard Webhooks request the 3PL can verify", async () => {
    const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 2)] });
    const shipment = allocation.shipments[0];
    expect(shipment).toMatchObject({ warehouse_id: tpl.id, dispatch_status: "queued", status: "pending" });
    const row = await env.DB.prepare("SELECT topic, type FROM outbox WHERE order_id = ? AND topic = 'webhooks'").bind(order.id).first();
    expect(row).toEqual({ topic: "webhooks", type: "shipment.dispatch" });
    await waitFor(async () => expect(dispatchesFor(shipment.id)).toHaveLength(1));
    const [req] = dispatchesFor(shipment.id);
    expect(req!.url).toBe("https://3pl.example/oms");
    expect(req!.json).toMatchObject({
      type: "shipment.dispatch",
      data: { shipment_id: shipment.id, order_id: order.id, warehouse_id: tpl.id, items: [{ sku, quantity: 2 }], ship_to: { country: "GB", city: "London" } },
    });
    // A warehouse's view of the customer: the ship-to with the phone for the carrier, never the email.
    expect(req!.json.data.ship_to.phone).toEqual(expect.any(String));
    expect(req!.json.data.ship_to).not.toHaveProperty("email");
    expect(req!.headers["webhook-id"]).toBe(req!.json.id);
    const v = await verify(secret(), { id: req!.headers["webhook-id"], timestamp: req!.headers["webhook-timestamp"], signature: req!.headers["webhook-signature"] }, req!.body);
    expect(v).toEqual({ ok: true });
    await waitFor(async () => expect((await api(`/v1/shipments/${shipment.id}`)).body.dispatch_status).toBe("sent"));
  });

  it("a 3PL that answers 500 is retried: no receipt, the shipment stays queued until a send succeeds", async () => {
    answer = 500;
    const { order, allocation } = await allocatedOrder(store.id, { lines: [line(sku, 1)] });
    const shipmentId = allocation.shipments[0].id;
    const row = await env.DB.prepare("SELECT id, order_id, type, payload, created_at FROM outbox WHERE order_id = ? AND topic = 'webhooks'").bind(order.id).first<any>();
    const message: OutboxMessage = { id: row.id, type: row.type, order_id: row.order_id, payload: JSON.parse(row.payload), created_at: row.created_at };
    await expect(consumeMessage(env as any, "webhooks", message, QUEUE_HANDLERS)).rejects.toThrow(/answered 500/);
    expect(await count("consumed_messages", "message_id = ?", message.id)).toBe(0);
    expect((await api(`/v1/shipments/${shipmentId}`)).body.dispatch_status).toBe("queued");
    answer = 200;
    // The real queue is retrying the same message too; whichever delivers first, it is delivered once.
    expect(["done", "duplicate"]).toContain(await consumeMessage(env as any, "webhooks", message, QUEUE_HANDLERS));
    expect((await api(`/v1/shipments/${shipmentId}`)).body.dispatch_status).toBe("sent");
    // Every attempt carried the same webhook-id, so the 3PL can dedupe our retries.
    expect(new Set(dispatchesFor(shipmentId).map((d) => d.headers["webhook-id"]))).toEqual(new Set([message.id]));
  });
});

const costOfGoods = (orderId: string) =>
  env.DB.prepare("SELECT kind, amount, currency, sku, quantity, source, source_key FROM ledger_entries WHERE order_id = ? AND kind = 'cost_of_goods'")
    .bind(orderId)
    .all()
    .then((r) => r.results);

describe("the 3PL's answers", () => {
  it("accepted, then shipped with tracking: stock leaves the ledger, its cost enters the books once, and the order ships", async () => {
    const { order, shipment } = await dispatched();
    const before = await level(tpl.id, sku);
    const ok = await inbound({ type: "dispatch.accepted", data: { shipment_id: shipment.id } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "processed", shipment_id: shipment.id });
    expect((await api(`/v1/shipments/${shipment.id}`)).body).toMatchObject({ status: "picking", dispatch_status: "accepted" });
    const packages = [{ tracking_number: "1Z999AA10123456784", carrier: "ups", weight_grams: 820 }];
    const shippedId = unique("evt");
    const shipped = await inbound({ type: "shipment.shipped", data: { shipment_id: shipment.id, packages } }, { id: shippedId });
    expect(shipped.body).toMatchObject({ status: "processed", order_shipped: true });
    expect((await api(`/v1/shipments/${shipment.id}`)).body).toMatchObject({ status: "shipped", packages, items: [{ reserved: 0, picked: 2, packed: 2 }] });
    expect(await level(tpl.id, sku)).toEqual({ on_hand: before.on_hand - 2, reserved: before.reserved - 2 });
    const moves = await api(`/v1/warehouses/${tpl.id}/movements?ref_id=${shipment.id}&kind=ship`);
    expect(moves.body.data).toMatchObject([{ on_hand_delta: -2, reserved_delta: -2, unit_cost: "1.00", actor: `3pl:${tpl.id}` }]);
    expect((await ledgerOk(tpl.id)).ok).toBe(true);
    const o = (await api(`/v1/orders/${order.id}`)).body;
    expect(o.status).toBe("shipped");
    // The goods' cost went into the order's money ledger with them: two units at the 3PL's moving average of 1.00.
    expect(await costOfGoods(order.id)).toEqual([
      { kind: "cost_of_goods", amount: -200, currency: expect.any(String), sku, quantity: 2, source: "3pl_shipped", source_key: `cogs:${shipment.id}:${order.id}:${sku}` },
    ]);
    expect((await api(`/v1/orders/${order.id}/ledger`)).body.totals[0].cost_of_goods).toMatch(/^-2(\.00)?$/);
    // The same event again is a duplicate and changes nothing.
    const again = await inbound({ type: "shipment.shipped", data: { shipment_id: shipment.id, packages } }, { id: shippedId });
    expect(again.body.status).toBe("duplicate");
    expect(await level(tpl.id, sku)).toEqual({ on_hand: before.on_hand - 2, reserved: before.reserved - 2 });
    // A new event that does not follow (shipped twice) is a 409.
    expect((await inbound({ type: "shipment.shipped", data: { shipment_id: shipment.id, packages } })).status).toBe(409);
    expect(await costOfGoods(order.id)).toHaveLength(1);
  });

  it("the same shipped event delivered twice at once books the cost once", async () => {
    const { order, shipment } = await dispatched();
    const packages = [{ tracking_number: "1Z999AA10123456785", carrier: "ups" }];
    const id = unique("evt");
    const answers = await Promise.all([
      inbound({ type: "shipment.shipped", data: { shipment_id: shipment.id, packages } }, { id }),
      inbound({ type: "shipment.shipped", data: { shipment_id: shipment.id, packages } }, { id }),
    ]);
    expect(answers.map((a) => a.body.status).sort()).toEqual(["duplicate", "processed"]);
    expect(await costOfGoods(order.id)).toMatchObject([{ amount: -200, quantity: 2, source: "3pl_shipped" }]);
  });

  it("rejected: the reservation is released and an exception opened", async () => {
    const { shipment } = await dispatched();
    const before = await level(tpl.id, sku);
    const r = await inbound({ type: "dispatch.rejected", data: { shipment_id: shipment.id, reason: "SKU blocked for quality check" } });
    expect(r.status).toBe(200);
    const s = (await api(`/v1/shipments/${shipment.id}`)).body;
    expect(s).toMatchObject({ status: "rejected", dispatch_status: "rejected", dispatch_note: "SKU blocked for quality check", open_exceptions: 1 });
    expect(await level(tpl.id, sku)).toEqual({ on_hand: before.on_hand, reserved: before.reserved - 2 });
    expect((await ledgerOk(tpl.id)).ok).toBe(true);
  });

  it("a cancellation after dispatch tells the 3PL to stop", async () => {
    const { order, shipment } = await dispatched();
    await transition(order.id, "cancel", { reason: "customer cancelled" });
    await waitFor(async () => expect((await api(`/v1/shipments/${shipment.id}`)).body.status).toBe("cancelled"));
    const row = await env.DB.prepare("SELECT id, order_id, type, payload, created_at FROM outbox WHERE order_id = ? AND type = 'shipment.cancel'").bind(order.id).first<any>();
    expect(row).not.toBeNull();
    // Written with the cancellation's receipt, it leaves with the next sweep; deliver it now.
    const message: OutboxMessage = { id: row.id, type: row.type, order_id: row.order_id, payload: JSON.parse(row.payload), created_at: row.created_at };
    expect(await consumeMessage(env as any, "webhooks", message, QUEUE_HANDLERS)).toBe("done");
    const cancel = sent.map((c) => JSON.parse(c.body)).find((b) => b.type === "shipment.cancel" && b.data.shipment_id === shipment.id);
    expect(cancel.data).toMatchObject({ order_id: order.id, reason: "order cancelled" });
  });

  it("refuses bad signatures, stale timestamps, unknown warehouses and shipments, and bad bodies, changing nothing", async () => {
    const { shipment } = await dispatched();
    const event = { type: "dispatch.accepted", data: { shipment_id: shipment.id } };
    const before = await count("inbound_webhooks");
    const forged = await inbound(event, { secret: `whsec_${btoa("not the 3pl's secret at all")}` });
    expect(forged.status).toBe(401);
    expect(forged.headers.get("content-type")).toBe("application/problem+json");
    expect(forged.body.code).toBe("invalid_signature");
    expect((await inbound(event, { now: Date.now() - 10 * 60_000 })).status).toBe(401);
    expect((await inbound(event, { headers: { "webhook-signature": "" } })).status).toBe(401);
    const valid = await inbound(event);
    expect(valid.status).toBe(200);
    expect((await inbound(event, { warehouse: "wh_00000000000000000000000000" })).status).toBe(404);
    const own = await createWarehouse();
    expect((await inbound(event, { warehouse: own.id })).status).toBe(404);
    expect((await inbound("{not json")).status).toBe(400);
    for (const bad of [
      { type: "dispatch.lost", data: { shipment_id: shipment.id } },
      { type: "dispatch.rejected", data: { shipment_id: shipment.id } },
      { type: "shipment.shipped", data: { shipment_id: shipment.id, packages: [] } },
      {},
    ]) {
      const r = await inbound(bad);
      expect(r.status, JSON.stringify(bad)).toBe(422);
    }
    expect((await inbound({ type: "dispatch.accepted", data: { shipment_id: "shp_00000000000000000000000000" } })).status).toBe(404);
    // Only the one valid event was recorded.
    expect(await count("inbound_webhooks")).toBe(before + 1);
    const res = await exports.default.fetch(`http://oms.test/webhooks/3pl/${tpl.id}`, { method: "POST", body: JSON.stringify(event) });
    expect(res.status).toBe(401);
  });
});

it("restores the real transport", () => {
  expect(typeof realFetch).toBe("function");
});
