/**
 * Stores an accepted tracking event and owes its processing, in one D1
 * batch: the outbox row first, written only if the (partner, event id) is
 * new, then the event itself with ON CONFLICT DO NOTHING. D1 runs batches
 * one at a time, so of two deliveries of the same event exactly one stores
 * it and owes its processing; the other is a replay and changes nothing.
 *
 * A partner's event finds its shipment by tracking number when it is
 * applied; an event a person records names its shipment (`shipmentId`).
 */
import { sql } from "drizzle-orm";
import { database } from "../db/client";
import { outbox, trackingEvents } from "../db/schema";
import { newId } from "../lib/ids";
import type { OutboxRow } from "../outbox/topics";
import type { TrackingUpdate } from "./webhooks/partner";
import type { ShardScope } from "../db/shard";

export const TRACKING_RECEIVED = "tracking.received";

export type Ingested = { duplicate: false; id: string; outbox: OutboxRow } | { duplicate: true };

export type IngestSpec = {
  partner: string;
  update: TrackingUpdate;
  /** Kept as received (a partner's raw body; what a person entered). */
  rawBody: string;
  /** The shipment the event is about, when the sender knows it (a person recording it); otherwise matched by tracking number. */
  shipmentId?: string;
  now?: number;
};

export async function ingestTrackingEvent(env: ShardScope, spec: IngestSpec): Promise<Ingested> {
  const { partner, update: u, rawBody, now = Date.now() } = spec;
  const db = database(env);
  const id = newId("tev", now);
  const row: OutboxRow = { id: newId("obx", now), orderId: null, topic: "logistics", type: TRACKING_RECEIVED, payload: { tracking_event_id: id }, createdAt: now };
  const [, inserted] = await db.batch([
    db.insert(outbox).select(
      sql`SELECT ${row.id}, NULL, ${row.topic}, ${row.type}, ${JSON.stringify(row.payload)}, ${now}, 0, NULL, NULL
          WHERE NOT EXISTS (SELECT 1 FROM ${trackingEvents} WHERE ${trackingEvents.partner} = ${partner} AND ${trackingEvents.eventId} = ${u.eventId})`,
    ),
    db
      .insert(trackingEvents)
      .values({
        id,
        partner,
        eventId: u.eventId,
        trackingNumber: u.trackingNumber,
        carrier: u.carrier,
        partnerStatus: u.partnerStatus,
        status: u.status,
        message: u.message,
        location: u.location,
        occurredAt: u.occurredAt,
        receivedAt: now,
        body: rawBody,
        shipmentId: spec.shipmentId ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: trackingEvents.id }),
  ]);
  return inserted.length ? { duplicate: false, id, outbox: row } : { duplicate: true };
}
