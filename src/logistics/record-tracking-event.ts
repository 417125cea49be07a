/**
 * A person records what happened to a parcel: a carrier without webhooks, a
 * delivery confirmed by phone. The event is stored like a partner's (partner
 * `manual`, on this shipment) and applied at once through the partners' own
 * path (`applyTrackingEvent`: the forward-only rule, exceptions, customer
 * messages, the orders settled), so the answer says what it did.
 *
 * A retried request must not add a second event, so the event id comes from
 * the request: from the Idempotency-Key (with the caller and the shipment)
 * when there is one, else from the content when `occurred_at` is given. A
 * request with neither is a new event each time.
 *
 * The event's outbox row is written with it, as for a partner's: if applying
 * fails after the commit, the sweep hands the event to the logistics queue,
 * which finishes the job. When applying succeeds here, the row is marked
 * delivered (the work it owed is done).
 */
import type { z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import { database } from "../db/client";
import { orders, outbox, shipments, shipmentTracking, trackingEvents, type ShipmentStatus } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { newId, sha256Hex } from "../lib/ids";
import { shipmentScope } from "../fulfilment/shipment-queries";
import { applyTrackingEvent } from "./apply-tracking-event";
import { ingestTrackingEvent } from "./ingest-tracking-event";
import { ordersOfShipment } from "./order-shipments";
import type { RecordTrackingEventBody } from "./schemas";
import { MANUAL_PARTNER, type TrackingStatus } from "./tracking-status";

export type RecordInput = z.infer<typeof RecordTrackingEventBody>;

export type RecordSpec = {
  principal: Principal;
  shipmentId: string;
  input: RecordInput;
  idempotencyKey: string | null;
  now?: number;
};

export type RecordResult =
  | {
      ok: true;
      duplicate: boolean;
      event: typeof trackingEvents.$inferSelect;
      outcome: "applied" | "kept";
      /** Why a kept event did not move the parcel (advanceTracking's reason), or `already_recorded` for a repeat. */
      reason: string | null;
      shipmentStatus: ShipmentStatus;
      trackingStatus: TrackingStatus | null;
      orders: { id: string; status: string }[];
    }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "not_labelled"; message: string };

const notLabelled = (status: string) => ({
  ok: false as const,
  code: "not_labelled" as const,
  message: `the shipment is ${status} and has no label or tracking number: label it (POST /v1/shipments/{id}/label) or hand it over before recording its tracking`,
});

async function eventIdOf(spec: RecordSpec, occurredAt: number, now: number): Promise<string> {
  const { principal, shipmentId, input, idempotencyKey } = spec;
  if (idempotencyKey !== null) return `key:${await sha256Hex(JSON.stringify([principal.id, idempotencyKey, shipmentId]))}`;
  if (input.occurred_at !== undefined) return `req:${await sha256Hex(JSON.stringify([shipmentId, input.status, occurredAt, input.message ?? null, input.location ?? null]))}`;
  return newId("tev", now);
}

export async function recordTrackingEvent(env: ShardEnv, spec: RecordSpec): Promise<RecordResult> {
  const now = spec.now ?? Date.now();
  const db = database(env);
  const found = await db
    .select({ status: shipments.status, tracking: shipmentTracking })
    .from(shipments)
    .leftJoin(shipmentTracking, eq(shipmentTracking.shipmentId, shipments.id))
    .where(and(eq(shipments.id, spec.shipmentId), shipmentScope(spec.principal)))
    .get();
  if (!found) return { ok: false, code: "not_found" };
  const tr = found.tracking;
  if (!tr) return notLabelled(found.status);

  const { input } = spec;
  const occurredAt = input.occurred_at === undefined ? now : Date.parse(input.occurred_at);
  const eventId = await eventIdOf(spec, occurredAt, now);
  const stored = await ingestTrackingEvent(env, {
    partner: MANUAL_PARTNER,
    update: {
      eventId,
      trackingNumber: tr.trackingNumber,
      carrier: tr.carrier,
      partnerStatus: input.status,
      status: input.status,
      message: input.message ?? null,
      location: input.location ?? null,
      occurredAt,
    },
    rawBody: JSON.stringify({ ...input, occurred_at: new Date(occurredAt).toISOString(), recorded_by: spec.principal.id }),
    shipmentId: spec.shipmentId,
    now,
  });
  const eventRowId = stored.duplicate
    ? (await db
        .select({ id: trackingEvents.id })
        .from(trackingEvents)
        .where(and(eq(trackingEvents.partner, MANUAL_PARTNER), eq(trackingEvents.eventId, eventId)))
        .get())!.id
    : stored.id;

  const applied = await applyTrackingEvent(env, eventRowId, { actor: spec.principal.id });
  // The label was voided between our read and the apply: nothing carries the number now.
  if (applied.outcome === "unmatched" || applied.outcome === "missing") return notLabelled("no longer labelled");
  if (!stored.duplicate) await db.update(outbox).set({ deliveredAt: Date.now() }).where(eq(outbox.id, stored.outbox.id));

  const orderIds = await ordersOfShipment(env, spec.shipmentId);
  // Two reads, not a join: both columns are named `status`, and D1's batch results are keyed by column name.
  const [events, shipmentNow, trackingNow, orderRows] = await db.batch([
    db.select().from(trackingEvents).where(eq(trackingEvents.id, eventRowId)),
    db.select({ status: shipments.status }).from(shipments).where(eq(shipments.id, spec.shipmentId)),
    db.select({ status: shipmentTracking.status }).from(shipmentTracking).where(eq(shipmentTracking.shipmentId, spec.shipmentId)),
    db
      .select({ id: orders.id, status: orders.status })
      .from(orders)
      .where(inArray(orders.id, orderIds.length ? orderIds : [""])),
  ]);
  return {
    ok: true,
    duplicate: stored.duplicate,
    event: events[0]!,
    outcome: applied.outcome,
    reason: applied.reason === "already processed" ? "already_recorded" : (applied.reason ?? null),
    shipmentStatus: shipmentNow[0]!.status,
    trackingStatus: trackingNow[0]?.status ?? null,
    orders: orderRows,
  };
}
