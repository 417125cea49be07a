/**
 * Which shipments carry an order's goods. After a merge, a shipment carries
 * items of several orders, and an order's items may sit in another order's
 * shipment, so the answer comes from the items, not from `shipments.order_id`.
 * Cancelled items, and shipments that no longer count (cancelled, merged
 * away, closed outside the system), do not; one a 3PL refused does, until
 * its goods are re-routed.
 */
import { and, eq, inArray, isNull, notInArray, type Placeholder, sql } from "drizzle-orm";
import { database, type Database } from "../db/client";
import { perDatabase } from "../db/prepared";
import { shipmentItems, shipments, shipmentTracking } from "../db/schema";
import type { ShardScope } from "../db/shard";

type Env = ShardScope;

/**
 * The order's live shipments with their tracking. Run on its own, never in a `db.batch`: D1 answers a batch with
 * rows keyed by column name, so the columns both tables have (store_id, order_id, carrier, status) would collapse
 * and drizzle would map the rest to the wrong fields.
 */
export async function liveShipmentsOfOrder(env: Env, orderId: string) {
  return liveShipmentsStatement(database(env)).all({ orderId });
}

/** Built once per binding (src/db/prepared.ts): two whole rows a shipment, read by every label and every handover answer. */
const liveShipmentsStatement = perDatabase((db: Database) =>
  db
    .select({ shipment: shipments, tracking: shipmentTracking })
    .from(shipments)
    .leftJoin(shipmentTracking, eq(shipmentTracking.shipmentId, shipments.id))
    .where(isLiveShipmentOf(db, sql.placeholder("orderId")))
    .orderBy(shipments.id)
    .prepare(),
);

/** `orderId`: a value, or a placeholder in a prepared statement (src/db/prepared.ts). */
function isLiveShipmentOf(db: Database, orderId: string | Placeholder) {
  return and(
    notInArray(shipments.status, ["cancelled", "merged", "closed"]),
    inArray(
      shipments.id,
      db
        .selectDistinct({ id: shipmentItems.shipmentId })
        .from(shipmentItems)
        .where(and(eq(shipmentItems.orderId, orderId), isNull(shipmentItems.cancelledAt))),
    ),
  );
}

/**
 * The order's live parcels as settling an order needs them: each shipment's id and status, and its label's
 * number, link, carrier and handover time. Safe in a `db.batch`: no two selected columns share a name.
 */
export function liveParcelsQuery(db: Database, orderId: string | Placeholder) {
  return db
    .select({
      shipment: { id: shipments.id, status: shipments.status },
      tracking: {
        trackingNumber: shipmentTracking.trackingNumber,
        trackingUrl: shipmentTracking.trackingUrl,
        carrier: shipmentTracking.carrier,
        handedOverAt: shipmentTracking.handedOverAt,
      },
    })
    .from(shipments)
    .leftJoin(shipmentTracking, eq(shipmentTracking.shipmentId, shipments.id))
    .where(isLiveShipmentOf(db, orderId))
    .orderBy(shipments.id);
}

/**
 * The two reads behind `ordersOfShipment`, for a caller's batch: the orders with live items in the shipment, and
 * the shipment's own order (the answer when every item was cancelled). `ordersFrom` turns their rows into the answer.
 */
export function ordersOfShipmentQueries(db: Database, shipmentId: string | Placeholder) {
  return [
    db
      .selectDistinct({ orderId: shipmentItems.orderId })
      .from(shipmentItems)
      .where(and(eq(shipmentItems.shipmentId, shipmentId), isNull(shipmentItems.cancelledAt))),
    db.select({ orderId: shipments.orderId }).from(shipments).where(eq(shipments.id, shipmentId)),
  ] as const;
}

export function ordersFrom(items: readonly { orderId: string }[], own: readonly { orderId: string }[]): string[] {
  return [...new Set([...items.map((r) => r.orderId), ...(own[0] && items.length === 0 ? [own[0].orderId] : [])])].sort();
}

/** The orders with live items in a shipment (one, or several after a merge), in one round trip. */
export async function ordersOfShipment(env: Env, shipmentId: string): Promise<string[]> {
  const db = database(env);
  const [items, own] = await db.batch(ordersOfShipmentQueries(db, shipmentId));
  return ordersFrom(items, own);
}

export { handedOver } from "../fulfilment/shipment-lifecycle";
