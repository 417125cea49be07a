/**
 * Logistics' queue handlers: a stored tracking event is applied to its
 * shipment (see applyTrackingEvent; idempotent, and the consumer dedupes
 * receipts on the outbox id).
 */
import type { Handler } from "../outbox/consume";
import { applyTrackingEvent } from "./apply-tracking-event";
import { TRACKING_RECEIVED } from "./ingest-tracking-event";

const applyReceivedTrackingEvent: Handler = async function applyReceivedTrackingEvent(env, message) {
  const id = (message.payload as { tracking_event_id?: unknown }).tracking_event_id;
  if (typeof id === "string") await applyTrackingEvent(env, id);
  return [];
};

export const logisticsHandlers = { [`logistics:${TRACKING_RECEIVED}`]: applyReceivedTrackingEvent } as const;
