/**
 * Logistics as a stage of the order object: when an order is cancelled
 * while one of its parcels is already with the carrier (the others were
 * still on the floor), the cancel's batch raises a `recall` exception for
 * that parcel, so the logistics team gets it back. The condition is
 * checked inside the batch: a handover that commits just before the cancel
 * is seen, one refused by the cancel's interception is not.
 */
import { sql } from "drizzle-orm";
import { HANDED_OVER, sqlIn } from "../fulfilment/shipment-lifecycle";
import type { EffectContext, Effects, OrderStage } from "../orders/stage";
import { raiseException } from "./logistics-exceptions";

function recallOnCancel(ctx: EffectContext): Effects {
  if (ctx.from !== "processing") return {};
  const carrier = HANDED_OVER.filter((s) => s !== "delivered" && s !== "returned");
  return {
    writes: (ctx.facts.shipments ?? [])
      .filter((s) => s.phase === "floor" || s.phase === "carrier")
      .map((s) =>
        raiseException(
          ctx.db,
          {
            shipmentId: s.id,
            orderId: ctx.order.id,
            storeId: ctx.order.storeId,
            kind: "recall",
            detail: `the order was cancelled${ctx.reason ? ` (${ctx.reason})` : ""} after this parcel left: recall it`,
            trackingEventId: null,
            now: ctx.now,
          },
          sql`EXISTS (SELECT 1 FROM shipments WHERE id = ${s.id} AND status IN ${sqlIn(carrier)})`,
        ),
      ),
  };
}

export const logisticsStage: OrderStage = {
  effects: { cancel: recallOnCancel },
};
