/**
 * Outbound 3PL webhooks, delivered by the `webhooks` queue consumer from
 * outbox rows: `shipment.dispatch` (written with the allocation) and
 * `shipment.cancel` (written when the order is cancelled). Each is signed
 * per Standard Webhooks with the warehouse's secret; `webhook-id` is the
 * outbox id, so the 3PL dedupes our retries. A non-2xx answer or a network
 * failure throws, and the queue retries with backoff, then dead-letters.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { database } from "../db/client";
import { orderLines, orders, shipmentItems, shipments, warehouses } from "../db/schema";
import type { OutboxMessage, ShardEnv } from "../env";
import { transport } from "../lib/outbound-transport";
import { signedHeaders } from "../lib/standard-webhooks";
import type { Handler } from "../outbox/consume";

/** How webhooks leave (src/lib/outbound-transport.ts); the tests' fake 3PL replaces it. */
export { transport };

const TIMEOUT_MS = 10_000;

async function post(url: string, secret: string, message: OutboxMessage, data: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify({ type: message.type, id: message.id, created_at: new Date(message.created_at).toISOString(), data });
  const headers = { "content-type": "application/json", "user-agent": "edge-oms/1", ...(await signedHeaders(secret, message.id, body)) };
  const res = await transport.fetch(new Request(url, { method: "POST", headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) }));
  // The body is not needed; drain it so the connection is released.
  await res.body?.cancel();
  if (!res.ok) throw new Error(`${url} answered ${res.status} to ${message.type} ${message.id}`);
}

async function target(env: ShardEnv, warehouseId: string) {
  const wh = await database(env).select().from(warehouses).where(eq(warehouses.id, warehouseId)).get();
  if (!wh?.webhookUrl || !wh.webhookSecret) throw new Error(`warehouse ${warehouseId} has no webhook to dispatch to`);
  return { url: wh.webhookUrl, secret: wh.webhookSecret };
}

/** The dispatch document: what to send where. */
export async function dispatchDocument(env: ShardEnv, shipmentId: string) {
  const db = database(env);
  const s = await db.select().from(shipments).where(eq(shipments.id, shipmentId)).get();
  if (!s) return null;
  const [order, items, lines] = await db.batch([
    db.select().from(orders).where(eq(orders.id, s.orderId)),
    db
      .select()
      .from(shipmentItems)
      .where(and(eq(shipmentItems.shipmentId, s.id), isNull(shipmentItems.cancelledAt)))
      .orderBy(asc(shipmentItems.lineNo)),
    db.select({ orderId: orderLines.orderId, lineNo: orderLines.lineNo, name: orderLines.name }).from(orderLines).where(eq(orderLines.orderId, s.orderId)),
  ]);
  const o = order[0]!;
  const nameOf = new Map(lines.map((l) => [l.lineNo, l.name]));
  return {
    shipment: s,
    data: {
      shipment_id: s.id,
      order_id: s.orderId,
      store_id: s.storeId,
      warehouse_id: s.warehouseId,
      carrier: s.carrier,
      // A 3PL is a warehouse: it gets the ship-to (the phone for the carrier), never the customer's email (src/orders/project-order.ts).
      ship_to: { ...o.shippingAddress, phone: o.customerPhone },
      items: items.map((i) => ({ sku: i.sku, name: nameOf.get(i.lineNo) ?? i.sku, quantity: i.reservedQty + i.pickedQty })),
    },
  };
}

export const dispatchTo3pl: Handler = async function dispatchTo3pl(env, message) {
  const shipmentId = String(message.payload.shipment_id ?? "");
  const doc = await dispatchDocument(env, shipmentId);
  // Cancelled (or never written) before it could go out: nothing to dispatch.
  if (!doc || doc.shipment.status === "cancelled" || doc.shipment.dispatchStatus === null) return [];
  const { url, secret } = await target(env, doc.shipment.warehouseId);
  await post(url, secret, message, doc.data);
  const db = database(env);
  return [
    db
      .update(shipments)
      .set({ dispatchStatus: "sent", updatedAt: Date.now() })
      .where(and(eq(shipments.id, shipmentId), eq(shipments.dispatchStatus, "queued"))),
  ];
};

export const cancelAt3pl: Handler = async function cancelAt3pl(env, message) {
  const { url, secret } = await target(env, String(message.payload.warehouse_id ?? ""));
  await post(url, secret, message, { shipment_id: message.payload.shipment_id, order_id: message.order_id, reason: message.payload.reason ?? null });
  return [];
};
