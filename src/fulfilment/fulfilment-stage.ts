/**
 * The warehouse as a stage of the order object. It tells the lifecycle's
 * guards what the order's shipments and service tasks are doing (so a goods
 * order ships and is delivered only from its parcels, and an order with a
 * service only once the work is done), and it adds its writes to the
 * order's own batch when the order changes for another reason:
 *
 * - a cancellation (or a rejection) releases the stock, cancels what is
 *   still pending, intercepts what is on the floor and tells 3PLs to stop,
 *   in the same batch as the cancel: the very next floor request is refused;
 * - `fulfil_externally` (the merchant shipped it another way) closes the
 *   shipments still on the floor and either consumes their stock (it left
 *   from here: `ship` movements) or releases it (`stock: "release"`).
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { constraintFailed } from "../db/client";
import { bins, shipmentItems, shipments } from "../db/schema";
import { addOnHand, changeLevel, insertMovements, isStockShortage, type MovementInput } from "../inventory/stock";
import { newId } from "../lib/ids";
import type { EffectContext, Effects, OrderStage } from "../orders/stage";
import { ORDER_FACTS } from "./order-facts";
import type { OutboxRow } from "../outbox/topics";
import { releaseOrderWrites } from "./release-order";
import { moveShipments, type ShipmentStatus } from "./shipment-lifecycle";

async function cancelEffects(ctx: EffectContext): Promise<Effects> {
  // A received order has nothing in the warehouse yet; from approved on it may have tasks, a backorder or shipments.
  if (ctx.from === "received") return {};
  const { writes, outbox } = await releaseOrderWrites(ctx.env, ctx.order.id, { actor: ctx.actor });
  return { writes, outbox };
}

const floorChanged = (err: unknown) =>
  constraintFailed(err, "shipment_items_") || isStockShortage(err)
    ? { reason: "floor_changed", message: "the floor moved these goods meanwhile (picked, packed or restocked): try again" }
    : null;

/**
 * The merchant fulfilled the order another way. Every live item of the order
 * still on the floor leaves the floor's work: `consume` (the default) books
 * its units out of the warehouse (`ship` movements from the bin, or from
 * OUTBOUND once picked); `release` gives reserved units back and puts picked
 * ones back in their bins. Third-party shipments are always released and
 * their 3PL told to stop. Shipments left with nothing are closed.
 * Quantities come from a read; each item's update subtracts what was read,
 * so a pick racing this fails a CHECK and the whole change is refused.
 */
async function fulfilExternally(ctx: EffectContext): Promise<Effects> {
  const { db, now, actor } = ctx;
  const orderId = ctx.order.id;
  const consume = ctx.input.stock !== "release";
  // A shipment a 3PL refused still owes its goods: they were fulfilled elsewhere too (its stock was released with the refusal).
  const onFloor: ShipmentStatus[] = ["pending", "picking", "packed", "intercepted", "rejected"];
  const items = await db
    .select({ item: shipmentItems, status: shipments.status, dispatchStatus: shipments.dispatchStatus })
    .from(shipmentItems)
    .innerJoin(shipments, eq(shipments.id, shipmentItems.shipmentId))
    .where(and(eq(shipmentItems.orderId, orderId), isNull(shipmentItems.cancelledAt), inArray(shipments.status, onFloor)))
    .all();
  if (items.length === 0) return { eventData: { stock: consume ? "consume" : "release", shipments_closed: [] } };
  const warehouses = [...new Set(items.map((i) => i.item.warehouseId))];
  const outbound = new Map(
    (
      await db
        .select({ id: bins.id, warehouseId: bins.warehouseId })
        .from(bins)
        .where(and(inArray(bins.warehouseId, warehouses), eq(bins.kind, "outbound")))
        .all()
    ).map((b) => [b.warehouseId, b.id]),
  );
  const writes: BatchItem<"sqlite">[] = [];
  const moves: MovementInput[] = [];
  const ref = { actor, refType: "order", refId: orderId, createdAt: now };
  const reason = consume ? "fulfilled outside the system" : "fulfilled outside the system; stock not used";
  for (const { item: i, dispatchStatus } of items) {
    const r = i.reservedQty;
    const p = i.pickedQty;
    const take = consume && dispatchStatus === null;
    const out = outbound.get(i.warehouseId);
    if (r > 0) {
      writes.push(changeLevel(db, { binId: i.binId, sku: i.sku }, { delta: take ? { onHand: -r, reserved: -r } : { reserved: -r }, now }));
      moves.push({ warehouseId: i.warehouseId, binId: i.binId, sku: i.sku, kind: take ? "ship" : "release", onHandDelta: take ? -r : 0, reservedDelta: -r, reason, ...ref });
    }
    if (p > 0 && out) {
      writes.push(changeLevel(db, { binId: out, sku: i.sku }, { delta: { onHand: -p, reserved: -p }, now }));
      if (take) moves.push({ warehouseId: i.warehouseId, binId: out, sku: i.sku, kind: "ship", onHandDelta: -p, reservedDelta: -p, reason, ...ref });
      else {
        writes.push(addOnHand(db, { warehouseId: i.warehouseId, binId: i.binId, sku: i.sku }, { qty: p, now }));
        moves.push(
          { warehouseId: i.warehouseId, binId: out, sku: i.sku, kind: "restock", onHandDelta: -p, reservedDelta: -p, reason, ...ref },
          { warehouseId: i.warehouseId, binId: i.binId, sku: i.sku, kind: "restock", onHandDelta: p, reservedDelta: 0, reason, ...ref },
        );
      }
    }
    writes.push(
      db
        .update(shipmentItems)
        .set({ reservedQty: sql`${shipmentItems.reservedQty} - ${r}`, pickedQty: sql`${shipmentItems.pickedQty} - ${out ? p : 0}`, packedQty: 0, cancelledAt: now })
        .where(eq(shipmentItems.id, i.id)),
    );
  }
  const ledger = insertMovements(db, moves);
  const ids = [...new Set(items.map((i) => i.item.shipmentId))];
  const outbox: OutboxRow[] = items
    .filter((i) => i.dispatchStatus === "sent" || i.dispatchStatus === "accepted")
    .filter((i, n, all) => all.findIndex((x) => x.item.shipmentId === i.item.shipmentId) === n)
    .map((i) => ({
      id: newId("obx", now),
      orderId,
      topic: "webhooks" as const,
      type: "shipment.cancel",
      payload: { shipment_id: i.item.shipmentId, warehouse_id: i.item.warehouseId, reason: "order fulfilled outside the system" },
      createdAt: now,
    }));
  return {
    // Item and stock changes come after the order's update: their CHECKs then refuse the change whole.
    after: [
      ...ledger,
      ...writes,
      moveShipments(db, {
        event: "close",
        where: sql`${shipments.id} IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )}) AND NOT EXISTS (SELECT 1 FROM shipment_items x WHERE x.shipment_id = shipments.id AND x.cancelled_at IS NULL)`,
        set: { interceptedAt: null, interceptReason: null, interceptedFrom: null },
        now,
      }),
    ],
    outbox,
    refusal: floorChanged,
    eventData: { stock: consume ? "consume" : "release", shipments_closed: ids },
  };
}

export const fulfilmentStage: OrderStage = {
  facts: ORDER_FACTS,
  effects: { cancel: cancelEffects, reject: cancelEffects, fulfil_externally: fulfilExternally },
};
