/**
 * Interception: a shipment already released to the floor is stopped (the
 * order was cancelled, its address changed, or someone asked) and cannot be
 * packed until resolved. `restock` puts the picked goods of cancelled
 * orders back in their bins (a `restock` movement out of OUTBOUND and one
 * into the bin) and cancels the shipment if nothing live is left; `release`
 * lets work continue where it stopped. A shipment that was packed goes back
 * to picking, so its contents are scanned and weighed again.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { constraintFailed, database } from "../db/client";
import { shipmentItems, shipments, warehouseEvents } from "../db/schema";
import { addOnHand, changeLevel, insertMovements, isStockShortage, NO_OUTBOUND_BIN, outboundBin, type MovementInput } from "../inventory/stock";
import { canMove, moveShipments } from "./shipment-lifecycle";
import type { ShipmentRow } from "./shipment-queries";
import type { ShardScope } from "../db/shard";

type Env = ShardScope;
type Result = { ok: true } | { ok: false; code: string; message: string };

export async function interceptShipment(env: Env, s: ShipmentRow, { reason, actor }: { reason: string; actor: string }): Promise<Result> {
  if (s.dispatchStatus !== null) return { ok: false, code: "third_party", message: "a third-party warehouse holds these goods: its dispatch is stopped by cancelling the order" };
  if (s.status === "intercepted") return { ok: false, code: "already_intercepted", message: `already intercepted: ${s.interceptReason}` };
  if (!canMove("intercept", s.status)) return { ok: false, code: "not_interceptable", message: `a ${s.status} shipment can no longer be intercepted here` };
  const db = database(env);
  const now = Date.now();
  const [updated] = await db.batch([
    moveShipments(db, { event: "intercept", where: eq(shipments.id, s.id), set: stopped(reason, now), now }).returning({ id: shipments.id }),
    db.insert(warehouseEvents).select(
      sql`SELECT NULL, ${s.warehouseId}, ${s.id}, ${s.waveId}, 'intercept', ${actor}, NULL, ${JSON.stringify({ reason })}, ${now}, ${s.storeId}
        WHERE EXISTS (SELECT 1 FROM shipments WHERE id = ${s.id} AND status = 'intercepted' AND intercepted_at = ${now})`,
    ),
  ]);
  return updated.length ? { ok: true } : { ok: false, code: "conflict", message: "the shipment changed meanwhile; reload it" };
}

/** The columns an interception sets: when, why, and where work stopped (the status before, as the update reads it). */
const stopped = (reason: string, now: number) => ({ interceptedAt: now, interceptReason: reason, interceptedFrom: sql`${sql.identifier("status")}` as never });

/**
 * Writes that intercept an order's shipments on our own floor (for
 * cancellations and address changes), up to a labelled parcel waiting at
 * the dock: the handover refuses it, its label can still be voided, and the
 * goods go back through the interception's restock. Pending shipments are
 * left to the caller: nothing was picked for them.
 */
export function interceptOrderWrites(db: ReturnType<typeof database>, orderId: string, { reason, now }: { reason: string; now: number }): BatchItem<"sqlite">[] {
  return [
    moveShipments(db, {
      event: "intercept",
      where: sql`status IN ('picking', 'packed', 'labelled') AND dispatch_status IS NULL AND id IN (SELECT shipment_id FROM shipment_items WHERE order_id = ${orderId})`,
      set: stopped(reason, now),
      now,
    }),
  ];
}

export async function resolveInterception(
  env: Env,
  s: ShipmentRow,
  { input, actor }: { input: { action: "release" | "restock"; note?: string | undefined }; actor: string },
): Promise<Result & { status?: string }> {
  if (s.status !== "intercepted") return { ok: false, code: "not_intercepted", message: "the shipment is not intercepted" };
  if (s.interceptedFrom === "labelled") return { ok: false, code: "label_active", message: "the parcel still has a label: void it first (DELETE /v1/shipments/{id}/label)" };
  const db = database(env);
  const items = await db.select().from(shipmentItems).where(eq(shipmentItems.shipmentId, s.id)).all();
  const toRestock = items.filter((i) => i.cancelledAt !== null && i.pickedQty > 0);
  const live = items.filter((i) => i.cancelledAt === null);
  if (input.action === "release" && toRestock.length) {
    return { ok: false, code: "must_restock", message: "picked goods of a cancelled order are in this shipment: restock them first" };
  }
  if (input.action === "release" && live.length === 0) {
    return { ok: false, code: "must_restock", message: "every order in this shipment was cancelled: restock it" };
  }
  const now = Date.now();
  const statements: BatchItem<"sqlite">[] = [];
  const moves: MovementInput[] = [];
  if (toRestock.length) {
    const outbound = await outboundBin(db, s.warehouseId);
    if (!outbound) return NO_OUTBOUND_BIN;
    const ref = { actor, reason: "restocked after interception", refType: "shipment", refId: s.id, createdAt: now };
    for (const i of toRestock) {
      const p = i.pickedQty;
      statements.push(
        // picked_qty - p below zero fails a CHECK: a second restock racing this one cannot put goods back twice.
        db
          .update(shipmentItems)
          .set({ pickedQty: sql`${shipmentItems.pickedQty} - ${p}`, packedQty: 0 })
          .where(eq(shipmentItems.id, i.id)),
        changeLevel(db, { binId: outbound.id, sku: i.sku }, { delta: { onHand: -p, reserved: -p }, now }),
        addOnHand(db, { warehouseId: s.warehouseId, binId: i.binId, sku: i.sku }, { qty: p, now }),
      );
      moves.push(
        { warehouseId: s.warehouseId, binId: outbound.id, sku: i.sku, kind: "restock", onHandDelta: -p, reservedDelta: -p, ...ref },
        { warehouseId: s.warehouseId, binId: i.binId, sku: i.sku, kind: "restock", onHandDelta: p, reservedDelta: 0, ...ref },
      );
    }
  }
  const from = s.interceptedFrom ?? "pending";
  // A parcel that was packed is scanned and weighed again; nothing left alive: the shipment is done.
  const status = live.length === 0 ? "cancelled" : from === "pending" ? "pending" : "picking";
  if (status === "picking" && from === "packed") {
    statements.push(
      db
        .update(shipmentItems)
        .set({ packedQty: 0 })
        .where(and(eq(shipmentItems.shipmentId, s.id), isNull(shipmentItems.cancelledAt))),
    );
  }
  const cleared = {
    interceptedAt: null,
    interceptReason: null,
    interceptedFrom: null,
    ...(from === "packed" ? { packedAt: null, packToken: null, readyForLabelAt: null, packages: null, expectedWeightGrams: null, weightOverrideReason: null } : {}),
  };
  statements.push(
    ...insertMovements(db, moves),
    status === "cancelled"
      ? moveShipments(db, { event: "cancel", where: eq(shipments.id, s.id), set: cleared, now })
      : moveShipments(db, { event: "resume", where: eq(shipments.id, s.id), to: status, set: cleared, now }),
    db.insert(warehouseEvents).values({
      warehouseId: s.warehouseId,
      shipmentId: s.id,
      storeId: s.storeId,
      waveId: s.waveId,
      kind: toRestock.length ? "restock" : "resolve",
      worker: actor,
      durationMs: null,
      data: { action: input.action, note: input.note ?? null, restocked: toRestock.map((i) => ({ sku: i.sku, bin_id: i.binId, units: i.pickedQty })), status },
      createdAt: now,
    }),
  );
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    if (constraintFailed(err, "shipment_items_") || isStockShortage(err)) return { ok: false, code: "conflict", message: "the shipment changed meanwhile; reload it" };
    throw err;
  }
  return { ok: true, status };
}
