/**
 * The logistics queue's work on a stored tracking event: find its shipment
 * by tracking number, put the event in the shipment's timeline, and move the
 * shipment's tracking state by `advanceTracking` (forward only). A change is
 * one batch guarded by the tracking row's version: the guarded update names
 * this event in `last_event_id`, and every other statement of the batch
 * (the event's outcome, the shipment status, an exception, the customer's
 * message) commits only if that update won. A lost race re-reads and
 * decides again. Then the shipment's orders are settled (delivered when all
 * their parcels are).
 *
 * Partners' events (from the logistics queue) and events a person records
 * (synchronously, POST /v1/shipments/{id}/tracking-events) take this same
 * path; a recorded event names its shipment instead of being matched by
 * number, and its recorder is the actor of what it causes.
 *
 * Idempotent: an event is processed once (`processed_at`); a redelivery only
 * settles the orders again, which is itself idempotent.
 */
import { and, desc, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Database, database, nonEmpty } from "../db/client";
import { inBatch, perDatabase } from "../db/prepared";
import { logisticsExceptions, outbox, shipmentItems, shipments, shipmentTracking, trackingEvents, type TrackingStatus } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { sendOutbox } from "../outbox/send";
import type { OutboxRow } from "../outbox/topics";
import { moveShipments } from "../fulfilment/shipment-lifecycle";
import { handOver } from "./hand-over";
import { raiseException, type ExceptionKind } from "./logistics-exceptions";
import { ordersFrom, ordersOfShipment, ordersOfShipmentQueries } from "./order-shipments";
import { SETTLE_READS, settleOrder, settleReads, settleRowsAt } from "./settle-order";
import { advanceTracking, normaliseCarrier, RAISES_EXCEPTION, SHIPMENT_STATUS_FOR } from "./tracking-status";

export const TRACKING_ACTOR = "system:tracking";

export type ApplyOutcome = { outcome: "applied" | "kept" | "unmatched" | "missing"; shipmentId: string | null; reason?: string };

type EventRow = typeof trackingEvents.$inferSelect;
/**
 * What applying an event reads of a label's tracking: its state and what the customer's message names. Not the
 * whole row (the carrier choice's explanation, the rate, who labelled it): read twice an order, for every event.
 */
const TRACKING_STATE = {
  shipmentId: shipmentTracking.shipmentId,
  storeId: shipmentTracking.storeId,
  carrier: shipmentTracking.carrier,
  trackingNumber: shipmentTracking.trackingNumber,
  trackingUrl: shipmentTracking.trackingUrl,
  status: shipmentTracking.status,
  statusAt: shipmentTracking.statusAt,
  peakRank: shipmentTracking.peakRank,
  version: shipmentTracking.version,
};
type TrackingRow = Pick<typeof shipmentTracking.$inferSelect, keyof typeof TRACKING_STATE>;

/**
 * The shipment an event is about. Carriers recycle tracking numbers, so among
 * labels with this number: those of the event's carrier if any match (partners
 * name carriers differently, so a mismatch alone does not exclude), then the
 * most recently labelled (`candidates` come newest first). Pure.
 */
export function shipmentFor(candidates: TrackingRow[], carrier: string | null): TrackingRow | null {
  const same = candidates.filter((c) => normaliseCarrier(c.carrier) === normaliseCarrier(carrier));
  return (same.length ? same : candidates)[0] ?? null;
}

/** The stored event as the queue's work needs it: every column but the partner's body, which can be kilobytes. */
const { body: _body, ...eventColumns } = getTableColumns(trackingEvents);

/**
 * The event and the labels it can be about, in one round trip: the labels carrying its number, and the one of
 * the shipment it names (an event recorded on a shipment is about that one, whichever other label recycled its
 * number). With them, the state of each candidate shipment and the orders it carries: what the first round of
 * `applyTrackingEvent` needs, so an event usually costs this read and its change. Built once per binding
 * (src/db/prepared.ts): twice an order, five statements each, two of them whole tracking rows.
 */
const firstReads = perDatabase((db: Database) => {
  const eventRowId = sql.placeholder("eventRowId");
  const ofEvent = <T extends "trackingNumber" | "shipmentId">(column: T) =>
    db.select({ value: trackingEvents[column] }).from(trackingEvents).where(eq(trackingEvents.id, eventRowId));
  const candidates = sql`(SELECT ${shipmentTracking.shipmentId} FROM ${shipmentTracking} WHERE ${shipmentTracking.trackingNumber} IN ${ofEvent("trackingNumber")} OR ${shipmentTracking.shipmentId} IN ${ofEvent("shipmentId")})`;
  return {
    event: db.select(eventColumns).from(trackingEvents).where(eq(trackingEvents.id, eventRowId)).prepare(),
    byNumber: db
      .select(TRACKING_STATE)
      .from(shipmentTracking)
      .where(inArray(shipmentTracking.trackingNumber, ofEvent("trackingNumber")))
      .orderBy(desc(shipmentTracking.labelledAt))
      .limit(20)
      .prepare(),
    named: db
      .select(TRACKING_STATE)
      .from(shipmentTracking)
      .where(inArray(shipmentTracking.shipmentId, ofEvent("shipmentId")))
      .prepare(),
    candidateStates: db
      .select({ id: shipments.id, status: shipments.status, interceptedFrom: shipments.interceptedFrom, orderId: shipments.orderId })
      .from(shipments)
      .where(sql`${shipments.id} IN ${candidates}`)
      .prepare(),
    candidateItems: db
      .selectDistinct({ shipmentId: shipmentItems.shipmentId, orderId: shipmentItems.orderId })
      .from(shipmentItems)
      .where(and(sql`${shipmentItems.shipmentId} IN ${candidates}`, isNull(shipmentItems.cancelledAt)))
      .prepare(),
  };
});

/** The customer's message owed when a shipment reaches this status without the order's status changing. */
const SHIPMENT_MESSAGE: Partial<Record<TrackingStatus, string>> = {
  out_for_delivery: "shipment.out_for_delivery",
  failed_attempt: "shipment.exception",
  exception: "shipment.exception",
  returned_to_sender: "shipment.exception",
};

/** The five reads of `firstReads` for one event, in their order. */
const firstReadsOf = (q: ReturnType<typeof firstReads>, eventRowId: string) =>
  [
    inBatch(q.event, { eventRowId }),
    inBatch(q.byNumber, { eventRowId }),
    inBatch(q.named, { eventRowId }),
    inBatch(q.candidateStates, { eventRowId }),
    inBatch(q.candidateItems, { eventRowId }),
  ] as const;

/** What `applyTrackingEvent` reads first about an event. */
export type FirstReads = Awaited<ReturnType<typeof readFirstOne>>;

function readFirstOne(db: Database, eventRowId: string) {
  return db.batch(firstReadsOf(firstReads(db), eventRowId));
}

/**
 * The first reads of several events in one round trip: what the logistics queue's batch asks once for all its
 * events (a busy queue delivers about ten at a time), so that each then costs only its change. What one event's
 * change does to another's shipment in the same batch is caught as any race is: the change is guarded by the
 * tracking row's version, and a lost guard reads again.
 */
export async function readFirstOfEvents(env: ShardEnv, eventRowIds: readonly string[]): Promise<Map<string, FirstReads>> {
  const ids = [...new Set(eventRowIds)];
  if (!ids.length) return new Map();
  const db = database(env);
  const q = firstReads(db);
  const reads = ids.map((id) => firstReadsOf(q, id));
  const rows = (await db.batch(nonEmpty(reads.flat()))) as unknown[];
  const n = reads[0]!.length;
  return new Map(ids.map((id, i) => [id, rows.slice(i * n, i * n + n) as unknown as FirstReads]));
}

export type ApplyOptions = {
  /** Who the handover, the order's changes and cleared exceptions are booked to: the partners' system actor unless a person recorded the event. */
  actor?: string;
  /** The event's first reads, made already for its whole queue batch (`readFirstOfEvents`). */
  first?: FirstReads;
};

export async function applyTrackingEvent(env: ShardEnv, eventRowId: string, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const actor = options.actor ?? TRACKING_ACTOR;
  const db = database(env);
  const [evRows, byNumber, named, candidateStates, candidateItems] = options.first ?? (await readFirstOne(db, eventRowId));
  const ev = evRows[0];
  if (!ev) return { outcome: "missing", shipmentId: null };
  if (ev.processedAt !== null) {
    if (ev.shipmentId) await settleShipment(env, ev.shipmentId, actor);
    return { outcome: ev.outcome ?? "kept", shipmentId: ev.shipmentId, reason: "already processed" };
  }
  const target = ev.shipmentId ? (named[0] ?? null) : shipmentFor(byNumber, ev.carrier);
  if (!target) {
    // Reported (GET /v1/tracking-events?outcome=unmatched), not an error: labels bought elsewhere, or a partner's test event.
    await db
      .update(trackingEvents)
      .set({ outcome: "unmatched", processedAt: Date.now() })
      .where(and(eq(trackingEvents.id, ev.id), isNull(trackingEvents.processedAt)));
    return { outcome: "unmatched", shipmentId: null };
  }
  const shipmentId = target.shipmentId;

  let triedHandover = false;
  for (let round = 0; round < 5; round++) {
    // The tracking, the shipment's state and the orders it carries: read above for the first round, then (after
    // a handover, or another event moving the shipment first) read again in one round trip.
    const [trRows, sRows, orderItems, own] =
      round === 0
        ? [
            [target],
            candidateStates.filter((c) => c.id === shipmentId),
            candidateItems.filter((i) => i.shipmentId === shipmentId),
            candidateStates.filter((c) => c.id === shipmentId),
          ]
        : await db.batch([
            db.select(TRACKING_STATE).from(shipmentTracking).where(eq(shipmentTracking.shipmentId, shipmentId)),
            db.select({ status: shipments.status, interceptedFrom: shipments.interceptedFrom }).from(shipments).where(eq(shipments.id, shipmentId)),
            ...ordersOfShipmentQueries(db, shipmentId),
          ]);
    const orderIds = ordersFrom(orderItems, own);
    const tr = trRows[0];
    if (!tr) {
      // The label was voided meanwhile: nothing carries this number now.
      await db
        .update(trackingEvents)
        .set({ outcome: "unmatched", processedAt: Date.now() })
        .where(and(eq(trackingEvents.id, ev.id), isNull(trackingEvents.processedAt)));
      return { outcome: "unmatched", shipmentId: null };
    }
    // The carrier has the parcel although nobody pressed "hand over": it left with the carrier (even one stopped at the dock).
    const atDock = sRows[0]?.status === "labelled" || (sRows[0]?.status === "intercepted" && sRows[0].interceptedFrom === "labelled");
    if (atDock && ev.status !== "pre_transit" && !triedHandover) {
      triedHandover = true;
      const h = await handOver(env, shipmentId, { actor, late: true });
      // Refused (e.g. OUTBOUND does not hold what was packed): the event still joins the tracking; a person hands over.
      if (!h.ok && h.code !== "conflict") console.warn(`tracking ${ev.id}: implicit handover of ${shipmentId} refused: ${h.code}`);
      continue;
    }
    const now = Date.now();
    const advance = advanceTracking({ status: tr.status, statusAt: tr.statusAt, peak: tr.peakRank }, { status: ev.status, occurredAt: ev.occurredAt });
    if (!advance.apply) {
      // The event's outcome, then (in the same round trip) what settling the orders reads.
      const keptWrites: BatchItem<"sqlite">[] = [
        db
          .update(trackingEvents)
          .set({ shipmentId, outcome: "kept", processedAt: now })
          .where(and(eq(trackingEvents.id, ev.id), isNull(trackingEvents.processedAt))),
        // Hearing anything about the parcel resets the staleness clock.
        db
          .update(shipmentTracking)
          .set({ lastUpdateAt: sql`max(${shipmentTracking.lastUpdateAt}, ${now})` })
          .where(eq(shipmentTracking.shipmentId, shipmentId)),
        ...(advance.reason === "conflicting_terminal"
          ? orderIds.map((orderId) =>
              raiseException(db, {
                shipmentId,
                orderId,
                storeId: tr.storeId,
                kind: "conflicting_status",
                detail: `${ev.partner} reports ${ev.status} (${ev.partnerStatus}) after ${tr.status}`,
                trackingEventId: ev.id,
                now,
              }),
            )
          : []),
      ];
      const results = await db.batch(nonEmpty([...keptWrites, ...orderIds.flatMap((orderId) => settleReads(db, orderId))]));
      await settleOrders(env, actor, orderIds, results, keptWrites.length);
      return { outcome: "kept", shipmentId, reason: advance.reason };
    }

    const next = advance.next;
    const won = sql`EXISTS (SELECT 1 FROM ${shipmentTracking} WHERE ${shipmentTracking.shipmentId} = ${shipmentId} AND ${shipmentTracking.lastEventId} = ${ev.id})`;
    const tracking = { number: tr.trackingNumber, url: tr.trackingUrl, carrier: tr.carrier };
    // The customer hears of a status once, however many scans or partners repeat it.
    const changed = next.status !== tr.status;
    const messageType = changed ? SHIPMENT_MESSAGE[next.status!] : undefined;
    const messages: OutboxRow[] = messageType
      ? orderIds.map((orderId) => ({
          id: newId("obx", now),
          orderId,
          topic: "notifications" as const,
          type: messageType,
          payload: { reason: ev.message ?? ev.partnerStatus, data: { tracking, shipment_id: shipmentId, status: next.status } },
          createdAt: now,
        }))
      : [];
    const statements: BatchItem<"sqlite">[] = [
      db
        .update(shipmentTracking)
        .set({
          status: next.status,
          statusAt: next.statusAt,
          peakRank: next.peak,
          lastUpdateAt: now,
          version: tr.version + 1,
          lastEventId: ev.id,
          ...(next.status === "delivered" ? { deliveredAt: ev.occurredAt } : {}),
        })
        .where(and(eq(shipmentTracking.shipmentId, shipmentId), eq(shipmentTracking.version, tr.version)))
        .returning({ version: shipmentTracking.version }),
      db
        .update(trackingEvents)
        .set({ shipmentId, outcome: "applied", processedAt: now })
        .where(and(eq(trackingEvents.id, ev.id), isNull(trackingEvents.processedAt), won)),
      moveShipments(db, { event: "track", where: and(eq(shipments.id, shipmentId), won)!, to: SHIPMENT_STATUS_FOR[next.status!], now }),
      ...messages.map((m) => db.insert(outbox).select(sql`SELECT ${m.id}, ${m.orderId}, ${m.topic}, ${m.type}, ${JSON.stringify(m.payload)}, ${now}, 0, NULL, NULL WHERE ${won}`)),
      // News clears staleness; a delivery also settles the trouble before it (a return stays for a person).
      db
        .update(logisticsExceptions)
        .set({ status: "resolved", openKey: null, resolvedBy: actor, resolvedAt: now, resolution: `tracking: ${next.status}` })
        .where(
          and(
            eq(logisticsExceptions.shipmentId, shipmentId),
            eq(logisticsExceptions.status, "open"),
            inArray(logisticsExceptions.kind, next.status === "delivered" ? ["stale_tracking", "failed_attempt", "exception"] : ["stale_tracking"]),
            won,
          ),
        ),
      ...(changed && RAISES_EXCEPTION.has(next.status!)
        ? orderIds.map((orderId) =>
            raiseException(
              db,
              {
                shipmentId,
                orderId,
                storeId: tr.storeId,
                kind: next.status as ExceptionKind,
                detail: [ev.partnerStatus, ev.message, ev.location].filter(Boolean).join(" · "),
                trackingEventId: ev.id,
                now,
              },
              won,
            ),
          )
        : []),
    ];
    // What settling the orders reads, after the change and in its round trip (wasted only on a lost race).
    const results = await db.batch(nonEmpty([...statements, ...orderIds.flatMap((orderId) => settleReads(db, orderId))]));
    const updated = results[0] as { version: number }[];
    if (updated.length === 0) continue; // another event moved the shipment first: decide again on its state
    if (messages.length) await sendOutbox(env, messages).catch((err) => console.warn("shipment message send failed; the sweep resends it", err));
    await settleOrders(env, actor, orderIds, results, statements.length);
    return { outcome: "applied", shipmentId };
  }
  throw new Error(`tracking event ${ev.id}: shipment ${shipmentId} kept changing; retry later`);
}

/** Settles the orders a shipment carries (a redelivered event: read afresh). */
async function settleShipment(env: ShardEnv, shipmentId: string, actor: string): Promise<void> {
  for (const orderId of await ordersOfShipment(env, shipmentId)) await settleOrder(env, orderId, actor);
}

/** Settles `orderIds` from their `settleReads` rows, which start at `at` in this event's batch `results`. */
async function settleOrders(env: ShardEnv, actor: string, orderIds: string[], results: readonly unknown[], at: number): Promise<void> {
  for (const [i, orderId] of orderIds.entries()) await settleOrder(env, orderId, actor, settleRowsAt(results, at + i * SETTLE_READS));
}
