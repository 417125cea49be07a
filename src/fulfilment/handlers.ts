/**
 * Processing's queue handlers. `order.approved` starts processing: service
 * lines become tasks (a service-only order processes when one is assigned),
 * goods are allocated (which fires `process`).
 * `shipment.rejected` (a 3PL refused a dispatch) re-routes its goods where
 * the store's routing policy says so (see ./reroute-shipment.ts).
 * (A cancellation releases stock and stops the floor in its own batch: see ./fulfilment-stage.ts.)
 * Both are idempotent (see allocateOrder and releaseOrderWrites): the
 * consumer dedupes receipts, and a re-run after a failure changes nothing twice.
 */
import type { BatchItem } from "drizzle-orm/batch";
import { database } from "../db/client";
import type { Handler } from "../outbox/consume";
import { cancelAt3pl, dispatchTo3pl } from "./dispatch-3pl";
import { allocateOrder, loadOrders } from "./allocate-order";
import { loadPlanningFacts } from "./plan-allocation";
import { interceptOrderWrites } from "./intercept-shipment";
import { rerouteRejected } from "./reroute-shipment";
import { createServiceTasks } from "./service-tasks";

const allocateApproved: Handler = async function allocateApproved(env, message, batch) {
  if (!message.order_id) return [];
  // One read of the batch's approved orders for service tasks and allocation; new tasks and a backorder commit with the receipt.
  const approved = await batch.once("fulfilment:approved-orders", () =>
    loadOrders(
      env,
      batch.messages.filter((m) => m.type === "order.approved" && m.order_id).map((m) => m.order_id!),
    ),
  );
  const loaded = approved.get(message.order_id)!;
  // The policies, warehouses and stock for all of them, once: each plan is checked again when its reservation commits.
  const facts = await batch.once("fulfilment:planning", () => {
    const all = [...approved.values()].filter((o) => o.order?.status === "approved");
    return loadPlanningFacts(
      env,
      all.map((o) => o.order!.storeId),
      all.flatMap((o) => o.lines.filter((l) => l.type === "goods").map((l) => l.sku)),
    );
  });
  const writes: BatchItem<"sqlite">[] = [];
  await createServiceTasks(env, message.order_id, { loaded, deferred: writes });
  await allocateOrder(env, message.order_id, { deferred: writes, loaded, facts });
  return writes;
};

// Nothing emits this today: an allocated order's address changes only with its parcels intercepted first (the
// lifecycle's `readdress` guard), so no parcel is caught moving. Kept for a channel that re-addresses on its own.
const interceptReaddressed: Handler = async function interceptReaddressed(env, message) {
  if (!message.order_id) return [];
  return interceptOrderWrites(database(env), message.order_id, { reason: "address changed", now: Date.now() });
};

export const fulfilmentHandlers = {
  "fulfilment:order.approved": allocateApproved,
  "fulfilment:order.address_changed": interceptReaddressed,
  "fulfilment:shipment.rejected": rerouteRejected,
  "webhooks:shipment.dispatch": dispatchTo3pl,
  "webhooks:shipment.cancel": cancelAt3pl,
} as const;
