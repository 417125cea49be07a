/**
 * The queue's side of "something may be owed to the platform" (see
 * ./push-stage.ts): which pushes an order's change calls for, each written
 * once (unique per connection, kind and our reference: the shipment, the
 * order, the after-sales request) with a message to send it. A message
 * delivered twice, or a change seen again, finds the push already there
 * and adds nothing. What the connection does not push (`pushes`) is not
 * written at all.
 */
import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import { database } from "../db/client";
import { afterSalesRequests, channelOrders, channelPushes, type PushKind, shipmentItems } from "../db/schema";
import type { Env, OutboxMessage } from "../env";
import { newId } from "../lib/ids";
import { fromMinor } from "../lib/money";
import { handedOver, liveShipmentsOfOrder } from "../logistics/order-shipments";
import { type Handler, insertRow, outboxWrite, type Write } from "../outbox/consume";
import { loadConnection } from "./connections";
import type { FulfillmentPush, RefundPush } from "./platforms/platform";
import { fromPlatform, PUSH_MESSAGES } from "./push-stage";

export const SEND_PUSH_MESSAGE = "channel.push";

export type PushRow = typeof channelPushes.$inferSelect;
type NewPush = { kind: PushKind; ref: string; payload: Record<string, unknown> };

/** A fulfillment as we keep it before the send resolves our SKUs to the platform's lines (when the parcel is not the whole order). */
export type FulfillmentPayload = Omit<FulfillmentPush, "lines"> & { lines: FulfillmentPush["lines"]; ourLines: { sku: string; quantity: number }[]; wholeOrder: boolean };

/** One push per handed-over parcel, with its carrier, tracking number and URL, and what it holds of this order. */
async function fulfillments(env: Env, orderId: string): Promise<NewPush[]> {
  const live = (await liveShipmentsOfOrder(env, orderId)).filter((s) => handedOver(s.shipment.status) && s.tracking);
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
      wholeOrder: live.length === 1,
      key: shipment.id,
    };
    return { kind: "fulfillment" as const, ref: shipment.id, payload };
  });
}

/** One push per resolved refund we decided (not one the platform told us of). */
async function refunds(env: Env, orderId: string): Promise<NewPush[]> {
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

/** The pushes an order's change calls for, as writes to commit with the message's receipt. */
export async function planPushes(env: Env, message: OutboxMessage): Promise<Write[]> {
  const orderId = typeof message.payload.order_id === "string" ? message.payload.order_id : message.order_id;
  if (!orderId || fromPlatform(String(message.payload.actor ?? ""))) return [];
  const link = await database(env).select().from(channelOrders).where(eq(channelOrders.orderId, orderId)).get();
  const loaded = link ? await loadConnection(env, link.connectionId) : null;
  if (!link || !loaded) return [];
  const { pushes } = loaded.row;
  let wanted: NewPush[] = [];
  if (message.type === PUSH_MESSAGES.shipped && pushes.fulfillments) wanted = await fulfillments(env, orderId);
  if (message.type === PUSH_MESSAGES.cancelled && pushes.cancellations) wanted = [{ kind: "cancellation", ref: orderId, payload: { reason: null, key: orderId } }];
  if (message.type === PUSH_MESSAGES.afterSales && pushes.refunds) wanted = await refunds(env, orderId);
  const now = Date.now();
  return wanted.flatMap((w) => [
    insertRow(
      channelPushes,
      {
        id: newId("psh", now),
        connectionId: link.connectionId,
        storeId: link.storeId,
        orderId,
        externalId: link.externalId,
        kind: w.kind,
        ref: w.ref,
        payload: w.payload,
        status: "pending",
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      },
      { onConflictDoNothing: true },
    ),
    // Named by (connection, kind, ref), not the id above: when the push was already there, that one is sent (or found sent).
    outboxWrite({
      id: newId("obx", now),
      orderId,
      topic: "channels",
      type: SEND_PUSH_MESSAGE,
      payload: { connection_id: link.connectionId, kind: w.kind, ref: w.ref },
      createdAt: now,
    }),
  ]);
}

export const planPushesHandler: Handler = (env, message) => planPushes(env, message);
