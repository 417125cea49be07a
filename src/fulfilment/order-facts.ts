/**
 * What the lifecycle's guards know of an order from the warehouse: its live shipments and its service tasks
 * (src/orders/stage.ts `FactLoader`). Read by the order object, and by the logistics stage in its own batch when it
 * settles an order after a shipment moved (src/logistics/settle-order.ts).
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { serviceTasks, shipmentItems, shipments } from "../db/schema";
import type { ShipmentFact, TaskFact } from "../orders/lifecycle";
import type { FactLoader } from "../orders/stage";
import { phaseOf, type ShipmentStatus } from "./shipment-lifecycle";

/** The shipments holding the order's live items (after a merge, another order's shipment may hold some). */
type ShipmentFactRow = { id: string; status: ShipmentStatus; interceptedFrom: string | null };

/** The order's live shipments, as the lifecycle's guards see them. */
const shipmentFacts: FactLoader<"shipments"> = {
  query: (db, orderId) =>
    db
      .selectDistinct({ id: shipments.id, status: shipments.status, interceptedFrom: shipments.interceptedFrom })
      .from(shipments)
      .innerJoin(shipmentItems, eq(shipmentItems.shipmentId, shipments.id))
      .where(and(eq(shipmentItems.orderId, orderId), isNull(shipmentItems.cancelledAt)))
      .orderBy(asc(shipments.id)),
  from: (rows: ShipmentFactRow[]): ShipmentFact[] =>
    rows.map((r) => ({
      id: r.id,
      status: r.status,
      phase: phaseOf(r.status),
      labelled: r.status === "labelled" || (r.status === "intercepted" && r.interceptedFrom === "labelled"),
    })),
  identity: { sql: sql`json_array(f.id, f.status, f.intercepted_from)`, of: (r: ShipmentFactRow) => [r.id, r.status, r.interceptedFrom] },
};

type TaskFactRow = { id: string; status: string };

/** The order's service tasks but the cancelled ones. */
const taskFacts: FactLoader<"tasks"> = {
  query: (db, orderId) => db.select({ id: serviceTasks.id, status: serviceTasks.status }).from(serviceTasks).where(eq(serviceTasks.orderId, orderId)).orderBy(asc(serviceTasks.id)),
  from: (rows: TaskFactRow[]): TaskFact[] => rows.filter((t) => t.status !== "cancelled").map((t) => ({ ...t, done: t.status === "done" })),
  identity: { sql: sql`json_array(f.id, f.status)`, of: (r: TaskFactRow) => [r.id, r.status] },
};

export const ORDER_FACTS = { shipments: shipmentFacts, tasks: taskFacts };
