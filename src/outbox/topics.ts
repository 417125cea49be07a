/**
 * Which side effects each order state change owes, as data. A new order owes
 * the pipeline its audit; an approval owes the warehouse an allocation and the
 * customer a message. Rows are built here and written by whoever writes the
 * state change, in the same D1 batch.
 */
import type { outbox } from "../db/schema";
import { newId } from "../lib/ids";
import type { OrderStatus } from "../orders/lifecycle";

export type Topic = "fulfilment" | "notifications" | "webhooks" | "logistics" | "channels";
export type OutboxRow = Pick<typeof outbox.$inferSelect, "id" | "orderId" | "topic" | "type" | "payload" | "createdAt">;

const TOPICS: Record<OrderStatus, readonly Topic[]> = {
  received: ["fulfilment"], // starts the audit
  on_hold: ["notifications"], // ask the customer to fix or confirm
  approved: ["fulfilment", "notifications"], // allocate stock or assign a service task
  // Allocation itself moves the order here: nothing is owed (a message nobody handles would still be sent, consumed and receipted).
  processing: [],
  shipped: ["notifications"],
  delivered: ["notifications"],
  completed: ["notifications"],
  // The warehouse's part (release stock, intercept, tell 3PLs) is in the cancel's own batch; the customer is told.
  cancelled: ["notifications"],
};

export function outboxRowsFor(orderId: string, status: OrderStatus, now: number, payload: Record<string, unknown>): OutboxRow[] {
  return TOPICS[status].map((topic) => ({
    id: newId("obx", now),
    orderId,
    topic,
    type: `order.${status}`,
    payload,
    createdAt: now,
  }));
}
