/**
 * Re-routing a rejected dispatch, as a stage of the order object: the
 * in-place `reroute` event of the lifecycle (the order stays processing)
 * with, in the order's one batch, the new shipments for the rejected goods
 * (born pending, with their reservations, `reserve` movements and, for a
 * 3PL, the dispatch message) and the exception resolved.
 *
 * Invariants:
 * - an exception is re-routed at most once: the batch asserts it is still
 *   open before anything else, so two people (or a person and the
 *   automatic re-route) racing each other leave one set of new shipments;
 * - a plan made on stock another order has taken meanwhile fails a stock
 *   CHECK and the whole change is refused (`insufficient_stock`): nothing
 *   is written, and the caller plans again.
 */
import { primaryWarehouseSql } from "./primary-warehouse";
import { and, eq, isNull, sql } from "drizzle-orm";
import { assertInBatch, assertionFailed } from "../db/assert";
import { fulfilmentExceptions, shipmentItems } from "../db/schema";
import type { ShardEnv } from "../env";
import { isStockShortage } from "../inventory/stock";
import { orderStub } from "../orders/order-object";
import type { ChangeResult, OrderStage } from "../orders/stage";
import { type PlacedShipments, placementWrites } from "./allocation-effect";
import type { Explanation } from "./routing-policy";

export const REROUTE_STAGE = "reroute";

export type RerouteInput = PlacedShipments & {
  exceptionId: string;
  /** The rejected shipment and the warehouse that rejected it. */
  fromShipmentId: string;
  fromWarehouseId: string;
  /** Warehouses left out of the plan because they rejected this order's goods. */
  excluded: string[];
  explanation: Explanation;
  note: string | null;
};

const refusalOf = (err: unknown) => {
  // The assertion is a CHECK failure too: ask about it first.
  if (assertionFailed(err)) return { reason: "already_resolved", message: "the exception was resolved meanwhile" };
  if (isStockShortage(err)) return { reason: "insufficient_stock", message: "another order took stock this re-route counted on" };
  return null;
};

export const rerouteStage: OrderStage<RerouteInput, string[]> = {
  async plan(ctx, input) {
    const { db, now, actor } = ctx;
    const placed = placementWrites(db, { orderId: ctx.order.id, storeId: ctx.order.storeId, actor, now }, input);
    const ids = input.shipments.map((s) => s.id);
    return {
      ok: true,
      result: ids,
      proposal: {
        event: "reroute",
        reason: input.note,
        data: {
          exception_id: input.exceptionId,
          from_shipment: { id: input.fromShipmentId, warehouse_id: input.fromWarehouseId },
          excluded_warehouses: input.excluded,
          shipments: placed.eventData.shipments,
          summary: input.explanation.summary,
        },
        // Where most of the order's units are once the goods have moved: worked out in the order's own update, from its
        // items as they are and the ones this batch writes after it.
        patch: {
          primaryWarehouseId: primaryWarehouseSql(sql`${ctx.order.id}`, {
            refused: input.fromShipmentId,
            added: input.shipments.flatMap((s) => s.items.map((i) => ({ warehouseId: s.warehouseId, quantity: i.quantity }))),
          }),
        },
        writes: [assertInBatch(db, "fulfilment exception open", sql`NOT EXISTS (SELECT 1 FROM fulfilment_exceptions WHERE id = ${input.exceptionId} AND status = 'open')`)],
        // After the order's update: a stock CHECK failure then refuses the change whole.
        after: [
          ...placed.statements,
          db
            .update(fulfilmentExceptions)
            .set({ status: "resolved", resolution: "rerouted", resolutionNote: input.note, reroutedTo: ids, resolvedBy: actor, resolvedAt: now })
            .where(and(eq(fulfilmentExceptions.id, input.exceptionId), eq(fulfilmentExceptions.status, "open"))),
          // The goods now travel in the new shipments: the refused one owes nothing more, and the order ships without it.
          // Its items stay as its record, marked re-routed: they are no longer the order's allocation (the rollups).
          db
            .update(shipmentItems)
            .set({ cancelledAt: now, reroutedAt: now })
            .where(and(eq(shipmentItems.shipmentId, input.fromShipmentId), isNull(shipmentItems.cancelledAt))),
        ],
        extraOutbox: placed.outbox,
        refusal: refusalOf,
      },
    };
  },
};

export type RerouteCommand = { orderId: string; input: RerouteInput; actor: string; stores: "*" | readonly string[] };

/** Re-routes through the order's object with this plan: the new shipments and the resolved exception commit with the `reroute` event, or nothing does. */
export function rerouteWithPlan(env: ShardEnv, cmd: RerouteCommand): Promise<ChangeResult<string[]>> {
  const { orderId, input, actor, stores } = cmd;
  return orderStub(env, orderId).change({ orderId, stage: REROUTE_STAGE, input, actor, stores, expectedVersion: null }) as unknown as Promise<ChangeResult<string[]>>;
}
