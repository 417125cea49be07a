/**
 * The queue's side of "something may be owed to the platform" (see
 * ./push-stage.ts): which pushes an order's change calls for, each written
 * once (unique per connection, kind and our reference: the shipment, the
 * order, the after-sales request) with a message to send it. A message
 * delivered twice, or a change seen again, finds the push already there
 * and adds nothing. What the connection does not push (`pushes`) is not
 * written at all. The minute cron also looks for parcels handed over
 * without their push (`planHandedOverPushes`): the first parcels of a
 * split order go out before its last one leaves.
 */
import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, database, nonEmpty, notMoving } from "../db/client";
import { afterSalesRequests, channelConnections, channelOrders, channelPushes, outbox, type PushKind, shipmentItems, shipmentTracking } from "../db/schema";
import type { OutboxMessage, ShardEnv } from "../env";
import { newId, tagOf } from "../lib/ids";
import { fromMinor } from "../lib/money";
import { handedOver, liveShipmentsOfOrder } from "../logistics/order-shipments";
import { type Handler, insertRow, outboxWrite, type Write } from "../outbox/consume";
import { sendOutboxSoon } from "../outbox/send";
import type { OutboxRow } from "../outbox/topics";
import { loadConnection } from "./connections";
import type { FulfillmentPush, RefundPush } from "./platforms/platform";
import { fromPlatform, PUSH_MESSAGES } from "./push-stage";

export const SEND_PUSH_MESSAGE = "channel.push";

export type PushRow = typeof channelPushes.$inferSelect;
type NewPush = { kind: PushKind; ref: string; payload: Record<string, unknown> };

/** A fulfillment as we keep it before the send resolves our SKUs to the platform's lines (when the parcel is not the whole order). */
export type FulfillmentPayload = Omit<FulfillmentPush, "lines"> & { lines: FulfillmentPush["lines"]; ourLines: { sku: string; quantity: number }[]; wholeOrder: boolean };

/** One push per handed-over parcel, with its carrier, tracking number and URL, and what it holds of this order. */
async function fulfillments(env: ShardEnv, orderId: string): Promise<NewPush[]> {
  const all = await liveShipmentsOfOrder(env, orderId);
  const live = all.filter((s) => handedOver(s.shipment.status) && s.tracking);
  if (!live.length) return [];
  const items = await database(env)
    .select({ shipmentId: shipmentItems.shipmentId, sku: shipmentItems.sku, quantity: shipmentItems.quantity })
    .from(shipmentItems)
    .where(
      and(
        eq(shipmentItems.orderId, orderId),
        isNull(shipmentItems.cancelledAt),
        inArray(
          shipmentItems.shipmentId,
          live.map((s) => s.shipment.id),
        ),
      ),
    )
    .all();
  return live.map(({ shipment, tracking }) => {
    const lines = new Map<string, number>();
    for (const i of items.filter((x) => x.shipmentId === shipment.id)) lines.set(i.sku, (lines.get(i.sku) ?? 0) + i.quantity);
    const payload: FulfillmentPayload = {
      carrier: tracking!.carrier,
      trackingNumber: tracking!.trackingNumber,
      trackingUrl: tracking!.trackingUrl,
      lines: [],
      ourLines: [...lines].map(([sku, quantity]) => ({ sku, quantity })),
      // One parcel carries the whole order: the platform fulfills all of it, whatever its lines are called there.
      wholeOrder: all.length === 1,
      key: shipment.id,
    };
    return { kind: "fulfillment" as const, ref: shipment.id, payload };
  });
}

/** One push per resolved refund we decided (not one the platform told us of). */
async function refunds(env: ShardEnv, orderId: string): Promise<NewPush[]> {
  const rows = await database(env)
    .select()
    .from(afterSalesRequests)
    .where(
      and(eq(afterSalesRequests.orderId, orderId), eq(afterSalesRequests.status, "resolved"), eq(afterSalesRequests.resolution, "refund"), gt(afterSalesRequests.refundAmount, 0)),
    )
    .all();
  return rows
    .filter((r) => !fromPlatform(r.decidedBy ?? ""))
    .map((r) => {
      const payload: RefundPush = { amount: fromMinor(r.refundAmount!, r.currency), currency: r.currency, reason: r.note, lines: [], key: r.id };
      return { kind: "refund" as const, ref: r.id, payload };
    });
}

type Planned = { pushes: (typeof channelPushes.$inferInsert)[]; messages: OutboxRow[] };

/** The pushes an order's change (a message type of ./push-stage.ts) calls for, and a message to send each. */
async function pushesFor(env: ShardEnv, orderId: string, type: string): Promise<Planned> {
  const link = await database(env).select().from(channelOrders).where(eq(channelOrders.orderId, orderId)).get();
  const loaded = link ? await loadConnection(env, link.connectionId) : null;
  if (!link || !loaded) return { pushes: [], messages: [] };
  const { pushes } = loaded.row;
  let wanted: NewPush[] = [];
  if (type === PUSH_MESSAGES.shipped && pushes.fulfillments) wanted = await fulfillments(env, orderId);
  if (type === PUSH_MESSAGES.cancelled && pushes.cancellations) wanted = [{ kind: "cancellation", ref: orderId, payload: { reason: null, key: orderId } }];
  if (type === PUSH_MESSAGES.afterSales && pushes.refunds) wanted = await refunds(env, orderId);
  const now = Date.now();
  return {
    pushes: wanted.map((w) => ({
      id: newId("psh", now, tagOf(orderId)),
      connectionId: link.connectionId,
      storeId: link.storeId,
      orderId,
      externalId: link.externalId,
      kind: w.kind,
      ref: w.ref,
      payload: w.payload,
      status: "pending" as const,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    })),
    // Named by (connection, kind, ref), not the push's id: when the push was already there, that one is sent (or found sent).
    messages: wanted.map((w) => ({
      id: newId("obx", now),
      orderId,
      topic: "channels" as const,
      type: SEND_PUSH_MESSAGE,
      payload: { connection_id: link.connectionId, kind: w.kind, ref: w.ref },
      createdAt: now,
    })),
  };
}

/** The queue's side: the pushes, written with the message's receipt (a push already there is left as it is), and their messages. */
export async function planPushes(env: ShardEnv, message: OutboxMessage): Promise<Write[]> {
  const orderId = typeof message.payload.order_id === "string" ? message.payload.order_id : message.order_id;
  if (!orderId || fromPlatform(String(message.payload.actor ?? ""))) return [];
  const planned = await pushesFor(env, orderId, message.type);
  return [...planned.pushes.map((p) => insertRow(channelPushes, p, { onConflictDoNothing: true })), ...planned.messages.map(outboxWrite)];
}

/** Parcels handed over in the last day: how far back the sweep looks for ones without their fulfillment push. */
const PARCEL_LOOKBACK_MS = 24 * 3600_000;

/**
 * The minute cron: parcels of platform orders handed over without their
 * fulfillment push yet. An order's own `ship` sets pushes off when its
 * last parcel leaves; this sends the earlier parcels of a split order
 * within a minute of their handover, and catches any parcel whose order
 * was linked to the platform only after it shipped.
 */
export async function planHandedOverPushes(env: ShardEnv, options: { now?: number } = {}): Promise<number> {
  const now = options.now ?? Date.now();
  const db = database(env);
  const rows = await db
    .selectDistinct({ orderId: shipmentTracking.orderId })
    .from(shipmentTracking)
    .innerJoin(channelOrders, eq(channelOrders.orderId, shipmentTracking.orderId))
    .innerJoin(channelConnections, eq(channelConnections.id, channelOrders.connectionId))
    .where(
      and(
        gt(shipmentTracking.handedOverAt, now - PARCEL_LOOKBACK_MS),
        notMoving(channelConnections.storeId),
        sql`json_extract(${channelConnections.pushes}, '$.fulfillments') = 1`,
        sql`NOT EXISTS (SELECT 1 FROM ${channelPushes} p WHERE p.connection_id = ${channelOrders.connectionId} AND p.kind = 'fulfillment' AND p.ref = ${shipmentTracking.shipmentId})`,
      ),
    )
    .limit(25)
    .all();
  let planned = 0;
  for (const { orderId } of rows) {
    const p = await pushesFor(env, orderId, PUSH_MESSAGES.shipped);
    if (!p.pushes.length) continue;
    // 17 columns a push: 5 rows keep a statement under D1's 100 bound parameters.
    await db.batch(
      nonEmpty<BatchItem<"sqlite">>([
        ...chunk(p.pushes, 5).map((part) => db.insert(channelPushes).values(part).onConflictDoNothing()),
        ...chunk(p.messages, 10).map((part) => db.insert(outbox).values(part)),
      ]),
    );
    await sendOutboxSoon(env, p.messages).catch((err) => console.warn("push messages not sent; the sweep resends them", err));
    planned += p.pushes.length;
  }
  return planned;
}

export const planPushesHandler: Handler = (env, message) => planPushes(env, message);
