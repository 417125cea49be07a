/**
 * The audit runs from the outbox, not in the storefront's request: intake's
 * `order.received` message asks the order's object to audit the version it
 * was created at. A redelivered message finds the order moved on and does
 * nothing.
 */
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { stores } from "../db/schema";
import { registerHandler } from "../outbox/consume";

registerHandler("fulfilment", "order.received", async (env, message) => {
  const orderId = message.order_id;
  if (!orderId) return [];
  // A store that decides new orders by hand has nothing to audit at intake: one read here spares
  // waking the order's object (the object checks again, for messages without a store).
  const storeId = (message.payload as { store_id?: unknown } | null)?.store_id;
  if (typeof storeId === "string") {
    const store = await database(env).select({ autoAudit: stores.autoAudit }).from(stores).where(eq(stores.id, storeId)).get();
    if (store && !store.autoAudit) return [];
  }
  const result = await env.ORDER.get(env.ORDER.idFromName(orderId)).audit({
    orderId,
    trigger: "intake",
    actor: "system:audit",
    stores: "*",
    atVersion: 1,
  });
  if (!result.ok && result.code === "not_found") console.warn(`audit: order ${orderId} not found`);
  return [];
});
