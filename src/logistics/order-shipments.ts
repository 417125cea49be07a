/**
 * Which shipments carry an order's goods. After a merge, a shipment carries
 * items of several orders, and an order's items may sit in another order's
 * shipment, so the answer comes from the items, not from `shipments.order_id`.
 * Cancelled items, and shipments that no longer count (cancelled, merged
 * away, closed outside the system), do not; one a 3PL refused does, until
 * its goods are re-routed.
 */
import { and, eq, inArray, isNull, notInArray } from "drizzle-orm";
import { database } from "../db/client";
import { shipmentItems, shipments, shipmentTracking } from "../db/schema";

type Env = { DB: D1Database };

export async function liveShipmentsOfOrder(env: Env, orderId: string) {
  return database(env)
    .select({ shipment: shipments, tracking: shipmentTracking })
    .from(shipments)
    .leftJoin(shipmentTracking, eq(shipmentTracking.shipmentId, shipments.id))
    .where(
      and(
        notInArray(shipments.status, ["cancelled", "merged", "closed"]),
        inArray(
          shipments.id,
          database(env)
            .selectDistinct({ id: shipmentItems.shipmentId })
            .from(shipmentItems)
            .where(and(eq(shipmentItems.orderId, orderId), isNull(shipmentItems.cancelledAt))),
        ),
      ),
    )
    .orderBy(shipments.id)
    .all();
}

/** The orders with live items in a shipment (one, or several after a merge). */
export async function ordersOfShipment(env: Env, shipmentId: string): Promise<string[]> {
  const rows = await database(env)
    .selectDistinct({ orderId: shipmentItems.orderId })
    .from(shipmentItems)
    .where(and(eq(shipmentItems.shipmentId, shipmentId), isNull(shipmentItems.cancelledAt)))
    .all();
  const own = await database(env).select({ orderId: shipments.orderId }).from(shipments).where(eq(shipments.id, shipmentId)).get();
  return [...new Set([...rows.map((r) => r.orderId), ...(own && rows.length === 0 ? [own.orderId] : [])])].sort();
}

export { handedOver } from "../fulfilment/shipment-lifecycle";
