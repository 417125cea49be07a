/**
 * What a cancelled order undoes in processing, written in the cancel's own
 * batch: stock still reserved for its items is released (a `release`
 * movement each), its items are marked cancelled, shipments left with
 * nothing are cancelled, shipments already on the floor (picking, packed,
 * labelled) are intercepted so nobody packs, labels or hands them over,
 * third-party dispatches are told to stop, and open service tasks are
 * cancelled. Every statement works from the rows as they are when the batch
 * runs, so a pick racing the cancel cannot double-release.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { database } from "../db/client";
import { allocations, serviceTasks, shipmentItems, shipments, stockLevels } from "../db/schema";
import type { ShardEnv } from "../env";
import { insertMovementsSelect } from "../inventory/stock";
import { newId } from "../lib/ids";
import type { OutboxRow } from "../outbox/topics";
import { interceptOrderWrites } from "./intercept-shipment";
import { moveShipments } from "./shipment-lifecycle";

/** Releases what `items` (a WHERE on shipment_items) still hold in their bins, with a movement each. */
export function releaseItemsWrites(
  db: ReturnType<typeof database>,
  itemFilter: ReturnType<typeof sql>,
  { actor, reason, refType, now }: { actor: string; reason: string; refType: "order" | "shipment"; now: number },
): BatchItem<"sqlite">[] {
  const refId = refType === "order" ? sql`order_id` : sql`shipment_id`;
  return [
    insertMovementsSelect(
      db,
      sql`SELECT warehouse_id, bin_id, sku, 'release', 0, -reserved_qty, NULL, ${actor}, ${reason}, ${refType}, ${refId}, ${now}
        FROM shipment_items WHERE (${itemFilter}) AND reserved_qty > 0`,
    ),
    db
      .update(stockLevels)
      .set({
        reserved: sql`reserved - (SELECT SUM(si.reserved_qty) FROM shipment_items si
          WHERE (${itemFilter}) AND si.reserved_qty > 0 AND si.bin_id = stock_levels.bin_id AND si.sku = stock_levels.sku)`,
        updatedAt: now,
      })
      .where(sql`(stock_levels.bin_id, stock_levels.sku) IN (SELECT bin_id, sku FROM shipment_items WHERE (${itemFilter}) AND reserved_qty > 0)`),
    db.update(shipmentItems).set({ reservedQty: 0 }).where(sql`(${itemFilter}) AND reserved_qty > 0`),
  ];
}

/**
 * What a cancellation writes, in the cancel's own batch (see ./fulfilment-stage.ts).
 * Shipments left with nothing alive are cancelled: pending ones (nothing was
 * picked) and third-party ones (the 3PL is told to stop, by a message that
 * leaves with the cancel's commit); our own shipments already on the floor
 * are intercepted, so the next floor request is refused.
 */
export async function releaseOrderWrites(
  env: ShardEnv,
  orderId: string,
  { actor = "system:cancellation" }: { actor?: string } = {},
): Promise<{ writes: BatchItem<"sqlite">[]; outbox: OutboxRow[] }> {
  const db = database(env);
  const now = Date.now();
  const mine = sql`order_id = ${orderId} AND cancelled_at IS NULL`;
  const touched = sql`(SELECT shipment_id FROM shipment_items WHERE order_id = ${orderId})`;
  // 3PL shipments already dispatched are told to stop.
  const dispatched = await db
    .select({ id: shipments.id, warehouseId: shipments.warehouseId })
    .from(shipments)
    .where(and(eq(shipments.orderId, orderId), inArray(shipments.dispatchStatus, ["sent", "accepted"]), inArray(shipments.status, ["pending", "picking"])))
    .all();
  return {
    writes: [
      ...releaseItemsWrites(db, mine, { actor, reason: "order cancelled", refType: "order", now }),
      db
        .update(shipmentItems)
        .set({ cancelledAt: now })
        .where(and(eq(shipmentItems.orderId, orderId), isNull(shipmentItems.cancelledAt))),
      moveShipments(db, {
        event: "cancel",
        where: sql`(status = 'pending' OR dispatch_status IS NOT NULL) AND id IN ${touched} AND NOT EXISTS (SELECT 1 FROM shipment_items x WHERE x.shipment_id = shipments.id AND x.cancelled_at IS NULL)`,
        now,
      }),
      ...interceptOrderWrites(db, orderId, { reason: "order cancelled", now }),
      db.update(allocations).set({ status: "released", updatedAt: now }).where(eq(allocations.orderId, orderId)),
      db
        .update(serviceTasks)
        .set({ status: "cancelled", updatedAt: now, version: sql`${serviceTasks.version} + 1` })
        .where(and(eq(serviceTasks.orderId, orderId), inArray(serviceTasks.status, ["open", "assigned", "in_progress"]))),
    ],
    outbox: dispatched.map((s) => ({
      id: newId("obx", now),
      orderId,
      topic: "webhooks" as const,
      type: "shipment.cancel",
      payload: { shipment_id: s.id, warehouse_id: s.warehouseId, reason: "order cancelled" },
      createdAt: now,
    })),
  };
}
