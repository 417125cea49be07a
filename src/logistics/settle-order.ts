/**
 * Moves an order along with its shipments, through its Durable Object:
 * `ship` once every live shipment is handed over, `deliver` once every one
 * is delivered. Recomputed from all the shipments every time it runs, and a
 * transition the order no longer allows is simply not taken, so it is
 * idempotent: run it after any shipment change, and again on a redelivery.
 */
import { database } from "../db/client";
import { orders } from "../db/schema";
import type { Env } from "../env";
import { eq } from "drizzle-orm";
import { handedOver, liveShipmentsOfOrder } from "./order-shipments";

export type SettleResult = { shipped: boolean; delivered: boolean };

export async function settleOrder(env: Env, orderId: string, actor: string): Promise<SettleResult> {
  const out = { shipped: false, delivered: false };
  const order = await database(env).select({ status: orders.status, requiresShipping: orders.requiresShipping }).from(orders).where(eq(orders.id, orderId)).get();
  if (!order || !order.requiresShipping) return out;
  const live = await liveShipmentsOfOrder(env, orderId);
  if (live.length === 0) return out;
  const stub = env.ORDER.get(env.ORDER.idFromName(orderId));
  let status = order.status;

  if (status === "processing" && live.every((s) => handedOver(s.shipment.status))) {
    // The customer's message names the last parcel handed over; every parcel is listed too.
    const latest = [...live].sort((a, b) => (a.tracking?.handedOverAt ?? 0) - (b.tracking?.handedOverAt ?? 0)).at(-1)!;
    const tracking = (s: (typeof live)[number]) =>
      s.tracking ? { number: s.tracking.trackingNumber, url: s.tracking.trackingUrl, carrier: s.tracking.carrier } : null;
    const r = await stub.transition({
      orderId,
      event: "ship",
      reason: null,
      actor,
      stores: "*",
      expectedVersion: null,
      data: {
        tracking: tracking(latest),
        shipment_ids: live.map((s) => s.shipment.id),
        shipments: live.map((s) => ({ id: s.shipment.id, tracking: tracking(s) })),
      },
    });
    if (r.ok) {
      out.shipped = true;
      status = "shipped";
    } else if (r.code === "refused") {
      console.warn(`order ${orderId} not shipped: ${r.reason} (${r.message})`);
    }
  }
  if (status === "shipped" && live.every((s) => s.shipment.status === "delivered")) {
    const r = await stub.transition({
      orderId,
      event: "deliver",
      reason: null,
      actor,
      stores: "*",
      expectedVersion: null,
      data: { shipment_ids: live.map((s) => s.shipment.id) },
    });
    if (r.ok) out.delivered = true;
    else if (r.code === "refused") console.warn(`order ${orderId} not delivered: ${r.reason} (${r.message})`);
  }
  return out;
}
