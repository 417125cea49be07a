/**
 * Logistics' queue handlers: a stored tracking event is applied to its
 * shipment (see applyTrackingEvent; idempotent, and the consumer dedupes
 * receipts on the outbox id). The batch's events are read first all at once.
 */
import type { Handler } from "../outbox/consume";
import type { OutboxMessage } from "../env";
import { applyTrackingEvent, readFirstOfEvents } from "./apply-tracking-event";
import { TRACKING_RECEIVED } from "./ingest-tracking-event";

const eventIdOf = (message: OutboxMessage): string | null => {
  const id = (message.payload as { tracking_event_id?: unknown }).tracking_event_id;
  return typeof id === "string" ? id : null;
};

const applyReceivedTrackingEvent: Handler = async function applyReceivedTrackingEvent(env, message, batch) {
  const id = eventIdOf(message);
  if (id === null) return [];
  // Every event of the queue batch is read in one round trip, by the first handler to ask.
  const first = await batch.once("logistics:first-reads", () =>
    readFirstOfEvents(
      env,
      batch.messages.filter((m) => m.type === TRACKING_RECEIVED).flatMap((m) => eventIdOf(m) ?? []),
    ),
  );
  await applyTrackingEvent(env, id, { first: first.get(id) });
  return [];
};

export const logisticsHandlers = { [`logistics:${TRACKING_RECEIVED}`]: applyReceivedTrackingEvent } as const;
