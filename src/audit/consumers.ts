/**
 * The audit runs from the outbox, not in the storefront's request: intake's
 * `order.received` message asks the order's object to audit the version it
 * was created at. A redelivered message finds the order moved on and does
 * nothing.
 */
import { inArray } from "drizzle-orm";
import { chunk, database } from "../db/client";
import { stores } from "../db/schema";
import type { OutboxMessage, ShardEnv } from "../env";
import type { Handler } from "../outbox/consume";
import { auditOrder } from "./audit-stage";
import { OrderKeys } from "../db/order-keys";

/** Which of these stores audit new orders: one read for a queue batch's intake messages. */
async function autoAuditOf(env: ShardEnv, storeIds: readonly string[]): Promise<Map<string, boolean>> {
  const ids = [...new Set(storeIds)];
  if (ids.length === 0) return new Map();
  const rows = (
    await Promise.all(chunk(ids, 90).map((part) => database(env).select({ id: stores.id, autoAudit: stores.autoAudit }).from(stores).where(inArray(stores.id, part)).all()))
  ).flat();
  return new Map(rows.map((r) => [r.id, r.autoAudit]));
}

const storeOf = (message: OutboxMessage) => {
  const id = (message.payload as { store_id?: unknown } | null)?.store_id;
  return typeof id === "string" ? id : null;
};

const auditNewOrder: Handler = async function auditNewOrder(env, message, batch) {
  const orderId = message.order_id;
  if (!orderId) return [];
  // A store that decides new orders by hand has nothing to audit at intake: one read per queue batch here spares
  // waking each order's object (the object checks again, for messages that do not name their store).
  const storeId = storeOf(message);
  if (storeId) {
    const auto = await batch.once("audit:auto-audit", () =>
      autoAuditOf(
        env,
        batch.messages
          .filter((m) => m.type === "order.received")
          .map(storeOf)
          .filter((id): id is string => id !== null),
      ),
    );
    if (auto.get(storeId) === false) return [];
  }
  // Intake's keys let the object read the facts with the order; a message without them (or older) is audited all the same.
  const keys = OrderKeys.safeParse((message.payload as { audit_keys?: unknown } | null)?.audit_keys).data;
  const result = await auditOrder(env, { orderId, trigger: "intake", actor: "system:audit", stores: "*", atVersion: 1, ...(keys ? { keys } : {}) });
  if (!result.ok && result.code === "not_found") console.warn(`audit: order ${orderId} not found`);
  return [];
};

export const auditHandlers = { "fulfilment:order.received": auditNewOrder } as const;
