/**
 * Moves an order along with its shipments and service tasks, through its
 * Durable Object: `ship` once every live shipment is handed over (to our
 * carrier or by a 3PL), `deliver` once every one is delivered and every
 * service task is done. The lifecycle's guards decide (they read the same
 * facts); this only spares waking the object when nothing can move. A
 * transition the order no longer allows is simply not taken, so it is
 * idempotent: run it after any shipment or task change, and again on a
 * redelivery.
 */
import { and, eq, ne, sql } from "drizzle-orm";
import { type Database, database } from "../db/client";
import { inBatch, perDatabase } from "../db/prepared";
import { orders, serviceTasks } from "../db/schema";
import type { ShardEnv } from "../env";
import { handedOver } from "../fulfilment/shipment-lifecycle";
import { ORDER_FACTS } from "../fulfilment/order-facts";
import { factRead } from "../orders/facts";
import { orderStub } from "../orders/order-object";
import { liveParcelsQuery } from "./order-shipments";

export type SettleResult = { shipped: boolean; delivered: boolean };

/**
 * What settling reads of an order: its status, whether a service task is open, and its live parcels. A caller
 * that writes a shipment's change puts these at the end of its own batch (they see its writes) and hands the rows
 * over, saving the round trip.
 */
export function settleReads(db: Database, orderId: string) {
  const q = settleQueries(db);
  return [
    inBatch(q.order, { orderId }),
    inBatch(q.openTask, { orderId }),
    inBatch(q.parcels, { orderId }),
    // What the order object's guards read, given to it: it ships or delivers on them in one round trip (src/orders/facts.ts).
    factRead(db, ORDER_FACTS.shipments, orderId),
    factRead(db, ORDER_FACTS.tasks, orderId),
  ] as const;
}

/** How many statements `settleReads` puts in a batch. */
export const SETTLE_READS = 5;

/** Built once per binding (src/db/prepared.ts): read after every handover and every tracking event, for each order. */
const settleQueries = perDatabase((db: Database) => {
  const orderId = sql.placeholder("orderId");
  return {
    order: db.select({ status: orders.status, requiresShipping: orders.requiresShipping }).from(orders).where(eq(orders.id, orderId)).prepare(),
    openTask: db
      .select({ id: serviceTasks.id })
      .from(serviceTasks)
      .where(and(eq(serviceTasks.orderId, orderId), ne(serviceTasks.status, "done"), ne(serviceTasks.status, "cancelled")))
      .limit(1)
      .prepare(),
    parcels: liveParcelsQuery(db, orderId).prepare(),
  };
});

type Reads = ReturnType<typeof settleReads>;
export type SettleRows = [Reads[0]["_"]["result"], Reads[1]["_"]["result"], Reads[2]["_"]["result"], unknown[], unknown[]];

/** The rows of `settleReads` from a batch's results, `at` the index of the first of them. */
export const settleRowsAt = (results: readonly unknown[], at: number): SettleRows => results.slice(at, at + SETTLE_READS) as SettleRows;

export async function settleOrder(env: ShardEnv, orderId: string, actor: string, read?: SettleRows): Promise<SettleResult> {
  const out = { shipped: false, delivered: false };
  const db = database(env);
  // The order, whether a service task is open, its live parcels and the guards' facts, in one round trip (or the caller's).
  const [orderRows, openTasks, parcels, shipmentFacts, taskFacts] = read ?? (await db.batch(settleReads(db, orderId)));
  const facts = { shipments: shipmentFacts, tasks: taskFacts };
  const order = orderRows[0];
  if (!order) return out;
  const live = order.requiresShipping ? parcels : [];
  if (order.requiresShipping && live.length === 0) return out;
  const stub = orderStub(env, orderId);
  let status = order.status;

  if (status === "processing" && order.requiresShipping && live.every((s) => handedOver(s.shipment.status))) {
    // The customer's message names the last parcel handed over; every parcel is listed too.
    const latest = [...live].sort((a, b) => (a.tracking?.handedOverAt ?? 0) - (b.tracking?.handedOverAt ?? 0)).at(-1)!;
    const tracking = (s: (typeof live)[number]) => (s.tracking ? { number: s.tracking.trackingNumber, url: s.tracking.trackingUrl, carrier: s.tracking.carrier } : null);
    const r = await stub.transition({
      orderId,
      event: "ship",
      reason: null,
      actor,
      stores: "*",
      expectedVersion: null,
      facts,
      data: {
        tracking: tracking(latest),
        shipment_ids: live.map((s) => s.shipment.id),
        shipments: live.map((s) => ({ id: s.shipment.id, tracking: tracking(s) })),
      },
    });
    if (r.ok) {
      out.shipped = true;
      status = "shipped";
    } else if (r.code === "refused" && r.reason !== "illegal_transition") {
      // Another settle (a second parcel's scan) moving it first is no news; a guard's veto is.
      console.warn(`order ${orderId} not shipped: ${r.reason} (${r.message})`);
    }
  }
  const deliverable = order.requiresShipping ? status === "shipped" && live.every((s) => s.shipment.status === "delivered") : status === "processing";
  if (deliverable && openTasks.length === 0) {
    const r = await stub.transition({
      orderId,
      event: "deliver",
      reason: order.requiresShipping ? null : "service performed",
      actor,
      stores: "*",
      expectedVersion: null,
      facts,
      data: order.requiresShipping ? { shipment_ids: live.map((s) => s.shipment.id) } : {},
    });
    if (r.ok) out.delivered = true;
    else if (r.code === "refused" && r.reason !== "illegal_transition") console.warn(`order ${orderId} not delivered: ${r.reason} (${r.message})`);
  }
  return out;
}
