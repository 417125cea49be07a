/**
 * Re-routing the goods of a dispatch a 3PL rejected: plan outside the
 * order's object, as allocation does (the store's routing policy, for
 * exactly the rejected shipment's units, leaving out every warehouse that
 * has rejected this order's goods), then commit through the object
 * (./reroute-stage.ts). A plan that loses a race for stock is made again
 * on a fresh read; when no plan is possible the exception stays open and
 * the answer says why, with the policy's explanation.
 *
 * Automatic re-routing (the routing policy's `reroute_on_reject`) runs from
 * the `shipment.rejected` message the rejection writes in its own batch:
 * the 3PL's webhook is answered at once, and a redelivery finds the
 * exception resolved and does nothing.
 */
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import { database } from "../db/client";
import { fulfilmentExceptions, orders, shipmentItems, shipments } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId, tagOf } from "../lib/ids";
import type { Handler } from "../outbox/consume";
import type { Refused, Scope } from "../orders/stage";
import { loadPlanningFacts, loadPolicy, planAllocation } from "./plan-allocation";
import { type RerouteInput, rerouteWithPlan } from "./reroute-stage";
import type { Explanation, Shortage } from "./routing-policy";

/** Plans made again after losing a race for stock, before giving up. */
const MAX_ROUNDS = 4;

export type RerouteResult =
  | { ok: true; shipmentIds: string[] }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "already_resolved" | "not_reroutable" | "order_not_processing"; message: string }
  | { ok: false; code: "cannot_reroute"; reason: string; message: string; shortages: Shortage[]; explanation: Explanation }
  | Refused;

export type RerouteCommand = { exceptionId: string; actor: string; stores: Scope; note: string | null };

const EXCLUDED_REASON = "left out: it rejected this order's goods";

/** The warehouse verdicts of a plan made without the excluded warehouses say so. */
function withExclusions(e: Explanation, excluded: readonly string[]): Explanation {
  const seen = new Set(e.warehouses.map((w) => w.warehouse_id));
  return {
    ...e,
    warehouses: [
      ...e.warehouses.map((w) => (excluded.includes(w.warehouse_id) ? { ...w, reasons: [EXCLUDED_REASON] } : w)),
      ...excluded.filter((id) => !seen.has(id)).map((id) => ({ warehouse_id: id, name: null, rank: null, chosen: false, can_fill: "none" as const, reasons: [EXCLUDED_REASON] })),
    ],
  };
}

export async function rerouteShipment(env: ShardEnv, cmd: RerouteCommand): Promise<RerouteResult> {
  const db = database(env);
  const found = await db
    .select({ exception: fulfilmentExceptions, shipment: shipments })
    .from(fulfilmentExceptions)
    .innerJoin(shipments, eq(shipments.id, fulfilmentExceptions.shipmentId))
    .where(eq(fulfilmentExceptions.id, cmd.exceptionId))
    .get();
  if (!found) return { ok: false, code: "not_found" };
  const { exception: e, shipment: s } = found;
  if (e.status !== "open") return { ok: false, code: "already_resolved", message: `resolved by ${e.resolvedBy} (${e.resolution})` };
  if (e.kind !== "dispatch_rejected" || s.status !== "rejected") {
    return {
      ok: false,
      code: "not_reroutable",
      message: `only a dispatch a 3PL rejected can be re-routed; this is a ${e.kind} exception on a ${s.status} shipment (dismiss it instead)`,
    };
  }
  const [[order], items, rejected] = await db.batch([
    db.select({ status: orders.status, storeId: orders.storeId, address: orders.shippingAddress }).from(orders).where(eq(orders.id, s.orderId)),
    db
      .select()
      .from(shipmentItems)
      .where(and(eq(shipmentItems.shipmentId, s.id), isNull(shipmentItems.cancelledAt))),
    // Every warehouse that has rejected this order's goods, this one included.
    db
      .selectDistinct({ warehouseId: shipments.warehouseId })
      .from(shipments)
      .where(
        and(
          eq(shipments.status, "rejected"),
          or(eq(shipments.orderId, s.orderId), inArray(shipments.id, db.select({ id: shipmentItems.shipmentId }).from(shipmentItems).where(eq(shipmentItems.orderId, s.orderId)))),
        ),
      ),
  ]);
  if (!order) return { ok: false, code: "not_found" };
  if (order.status !== "processing") return { ok: false, code: "order_not_processing", message: `the order is ${order.status}: only a processing order's goods are re-routed` };
  const excluded = [...new Set([s.warehouseId, ...rejected.map((r) => r.warehouseId)])].sort();
  // The rejected units, per order line (a line may have come from several bins).
  const demand = new Map<number, { lineNo: number; sku: string; quantity: number }>();
  for (const i of items) {
    const units = i.quantity - i.shortQty;
    if (units <= 0) continue;
    const d = demand.get(i.lineNo) ?? { lineNo: i.lineNo, sku: i.sku, quantity: 0 };
    d.quantity += units;
    demand.set(i.lineNo, d);
  }
  const lines = [...demand.values()].sort((a, b) => a.lineNo - b.lineNo);
  if (lines.length === 0) return { ok: false, code: "not_reroutable", message: "the rejected shipment holds no units of this order: dismiss the exception" };
  const destination = { country: order.address.country ?? "", region: order.address.region ?? null };

  let lost = "";
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const facts = await loadPlanningFacts(
      env,
      [order.storeId],
      lines.map((l) => l.sku),
    );
    // The excluded warehouses take no part: the policy sees them as unavailable.
    const candidates = facts.candidates.map((w) => (excluded.includes(w.id) ? { ...w, active: false } : w));
    const stock = facts.stock.filter((b) => !excluded.includes(b.warehouseId));
    const { plan } = await planAllocation(env, { storeId: order.storeId, destination, lines }, { facts: { ...facts, candidates, stock } });
    const explanation = withExclusions(plan.explanation, excluded);
    if (!plan.ok) return { ok: false, code: "cannot_reroute", reason: plan.reason, message: plan.message, shortages: plan.shortages, explanation };
    const now = Date.now();
    const kinds = new Map(candidates.map((w) => [w.id, w.kind]));
    const input: RerouteInput = {
      exceptionId: e.id,
      fromShipmentId: s.id,
      fromWarehouseId: s.warehouseId,
      excluded,
      explanation,
      note: cmd.note,
      mergeKey: s.mergeKey,
      // The goods have waited already: no merge window before picking.
      holdUntil: now,
      shipments: plan.shipments.map((p) => ({
        id: newId("shp", now, tagOf(s.id)),
        warehouseId: p.warehouseId,
        thirdParty: kinds.get(p.warehouseId) === "third_party",
        carrier: p.carrier,
        items: p.items.map((i) => ({ id: newId("si", now), lineNo: i.lineNo, sku: i.sku, binId: i.binId, quantity: i.quantity })),
      })),
    };
    const r = await rerouteWithPlan(env, { orderId: s.orderId, input, actor: cmd.actor, stores: cmd.stores });
    if (r.ok) return { ok: true, shipmentIds: r.result };
    if (r.code === "refused" && r.reason === "insufficient_stock") {
      lost = r.message;
      continue;
    }
    if (r.code === "refused" && r.reason === "already_resolved") return { ok: false, code: "already_resolved", message: r.message };
    if (r.code === "refused") return r;
    if (r.code === "not_found") return r;
    throw new Error(`re-route of ${e.id} failed: ${r.code}`);
  }
  return {
    ok: false,
    code: "cannot_reroute",
    reason: "contention",
    message: lost,
    shortages: [],
    explanation: { rule: null, priority: [], warehouses: [], summary: "other orders kept taking the stock: try again" },
  };
}

/** Whether the store's routing policy re-routes rejections by itself. */
async function reroutesOnReject(env: ShardEnv, storeId: string): Promise<boolean> {
  return (await loadPolicy(database(env), storeId)).policy.reroute_on_reject;
}

/**
 * `shipment.rejected`: re-route at once where the store's policy says so.
 * Whatever stops it (no warehouse can take the goods, the order moved on,
 * someone resolved it first) leaves the exception as it is, for a person.
 */
export const rerouteRejected: Handler = async function rerouteRejected(env, message) {
  const exceptionId = message.payload.exception_id;
  const storeId = message.payload.store_id;
  if (typeof exceptionId !== "string" || typeof storeId !== "string") return [];
  if (!(await reroutesOnReject(env, storeId))) return [];
  const r = await rerouteShipment(env, { exceptionId, actor: "system:reroute", stores: "*", note: "re-routed automatically (reroute_on_reject)" });
  if (!r.ok && r.code !== "already_resolved") console.warn(`automatic re-route of ${exceptionId} not possible: ${"message" in r ? r.message : r.code}`);
  return [];
};
