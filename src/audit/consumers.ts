/**
 * The audit runs from the outbox, not in the storefront's request: intake's
 * `order.received` message asks the order's object to audit the version it
 * was created at. A redelivered message finds the order moved on and does
 * nothing.
 */
import { registerHandler } from "../outbox/consume";

registerHandler("fulfilment", "order.received", async (env, message) => {
  const orderId = message.order_id;
  if (!orderId) return [];
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
