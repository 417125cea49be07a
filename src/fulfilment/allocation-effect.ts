/**
 * Allocation as a stage of the order object: the writes that make an
 * order's `process` transition mean "stock allocated". In the order's one
 * batch: each item's reservation (a guarded increment of `reserved`), its
 * `reserve` movement, the shipments and their items, the allocation record,
 * and an outbox dispatch per third-party shipment. If another order took
 * the stock this plan counted on, a stock CHECK fails the whole batch and
 * the transition is refused with `insufficient_stock`: nothing is written,
 * and the caller re-plans.
 */
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, type Database } from "../db/client";
import { allocations, shipmentItems, shipments } from "../db/schema";
import { changeLevel, insertMovements, isStockShortage } from "../inventory/stock";
import { newId } from "../lib/ids";
import type { ShardEnv } from "../env";
import { orderStub } from "../orders/order-object";
import type { ChangeResult, OrderStage } from "../orders/stage";
import type { OutboxRow } from "../outbox/topics";
import type { Explanation } from "./routing-policy";
import { primaryWarehouse } from "./primary-warehouse";
import { newShipment } from "./shipment-lifecycle";

export const ALLOCATION_STAGE = "allocation";

/** Shipments to create for an order, each with its items at their bins. */
export type PlacedShipments = {
  mergeKey: string;
  holdUntil: number;
  shipments: {
    id: string;
    warehouseId: string;
    thirdParty: boolean;
    carrier: string | null;
    items: { id: string; lineNo: number; sku: string; binId: string; quantity: number }[];
  }[];
};

export type AllocateEffectData = PlacedShipments & { explanation: Explanation };

type Context = { orderId: string; storeId: string; actor: string; now: number };

/**
 * New shipments for an order's goods, as one batch's statements: each
 * item's reservation (a guarded increment, refused by the stock CHECKs if
 * the stock is gone) and its `reserve` movement, the shipments (born
 * pending) and their items, and a `shipment.dispatch` outbox row per
 * third-party shipment. Shared by allocation and by re-routing a rejection.
 */
export function placementWrites(db: Database, ctx: Context, data: PlacedShipments) {
  const { orderId, storeId, now, actor } = ctx;
  const statements: BatchItem<"sqlite">[] = [];
  const items = data.shipments.flatMap((s) => s.items.map((i) => ({ ...i, shipmentId: s.id, warehouseId: s.warehouseId })));
  for (const i of items) statements.push(changeLevel(db, { binId: i.binId, sku: i.sku }, { delta: { reserved: i.quantity }, now }));
  statements.push(
    ...insertMovements(
      db,
      items.map((i) => ({
        warehouseId: i.warehouseId,
        binId: i.binId,
        sku: i.sku,
        kind: "reserve" as const,
        onHandDelta: 0,
        reservedDelta: i.quantity,
        actor,
        reason: null,
        refType: "order",
        refId: orderId,
        createdAt: now,
      })),
    ),
  );
  const shipmentRows = data.shipments.map((s) =>
    newShipment({
      id: s.id,
      storeId,
      orderId,
      warehouseId: s.warehouseId,
      carrier: s.carrier,
      mergeKey: data.mergeKey,
      holdUntil: data.holdUntil,
      dispatchStatus: s.thirdParty ? ("queued" as const) : null,
      createdAt: now,
      updatedAt: now,
    }),
  );
  statements.push(...chunk(shipmentRows, 8).map((part) => db.insert(shipments).values(part)));
  const itemRows = items.map((i) => ({
    id: i.id,
    shipmentId: i.shipmentId,
    originShipmentId: i.shipmentId,
    orderId,
    lineNo: i.lineNo,
    sku: i.sku,
    warehouseId: i.warehouseId,
    binId: i.binId,
    quantity: i.quantity,
    reservedQty: i.quantity,
    createdAt: now,
  }));
  statements.push(...chunk(itemRows, 8).map((part) => db.insert(shipmentItems).values(part)));
  const outbox: OutboxRow[] = data.shipments
    .filter((s) => s.thirdParty)
    .map((s) => ({
      id: newId("obx", now),
      orderId,
      topic: "webhooks" as const,
      type: "shipment.dispatch",
      payload: { shipment_id: s.id, warehouse_id: s.warehouseId },
      createdAt: now,
    }));
  return {
    statements,
    outbox,
    eventData: { shipments: data.shipments.map((s) => ({ id: s.id, warehouse_id: s.warehouseId, units: s.items.reduce((n, i) => n + i.quantity, 0) })) },
  };
}

/** Allocation's writes: the shipments and their reservations, and the allocation record. */
export function allocationWrites(db: Database, ctx: Context, data: AllocateEffectData) {
  const { orderId, storeId, now } = ctx;
  const placed = placementWrites(db, ctx, data);
  placed.statements.push(
    db
      .insert(allocations)
      .values({ orderId, storeId, status: "allocated", reason: null, explanation: data.explanation, attempts: 1, lastAttemptAt: now, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: allocations.orderId,
        set: { status: "allocated", reason: null, explanation: data.explanation, attempts: sql`${allocations.attempts} + 1`, lastAttemptAt: now, updatedAt: now },
      }),
  );
  return placed;
}

export const insufficientStock = (err: unknown) => (isStockShortage(err) ? { reason: "insufficient_stock", message: "another order took stock this allocation counted on" } : null);

/** Proposes `process` with the plan's reservation; the stock CHECKs refuse it whole if another order took the stock first. */
export const allocationStage: OrderStage<AllocateEffectData, string[]> = {
  async plan(ctx, data) {
    const w = allocationWrites(ctx.db, { orderId: ctx.order.id, storeId: ctx.order.storeId, actor: ctx.actor, now: ctx.now }, data);
    return {
      ok: true,
      result: data.shipments.map((s) => s.id),
      proposal: {
        event: "process",
        reason: null,
        data: w.eventData,
        // Set with the order's own update: these are all its items (an order is allocated once, from approved).
        patch: { primaryWarehouseId: primaryWarehouse(data.shipments.flatMap((s) => s.items.map((i) => ({ warehouseId: s.warehouseId, quantity: i.quantity })))) },
        after: w.statements,
        extraOutbox: w.outbox,
        refusal: insufficientStock,
      },
    };
  },
};

/** Allocates the order with this plan, through its object: `process` and the reservation commit together or not at all. */
export function processWithAllocation(
  env: ShardEnv,
  orderId: string,
  { data, actor, expectedVersion = null }: { data: AllocateEffectData; actor: string /** The order's version the plan was made from. */; expectedVersion?: number | null },
): Promise<ChangeResult<string[]>> {
  return orderStub(env, orderId).change({ orderId, stage: ALLOCATION_STAGE, input: data, actor, stores: "*", expectedVersion }) as unknown as Promise<ChangeResult<string[]>>;
}
