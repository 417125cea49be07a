/**
 * A partner can report a parcel before we have recorded its label (the
 * carrier registers the tracker while our label request is still on its
 * way back), so such events were stored as `unmatched`. Once a label with
 * that number is recorded, recent unmatched events for it are queued again,
 * in one batch: each is reset and owes a new outbox row. (Two calls at once
 * may both queue an event; applying it twice changes nothing, see
 * applyTrackingEvent.)
 * Only recent ones: carriers recycle numbers, and a months-old event is
 * about another parcel.
 */
import { and, eq, gt } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Database, database, nonEmpty } from "../db/client";
import { outbox, trackingEvents } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { sendOutbox } from "../outbox/send";
import type { OutboxRow } from "../outbox/topics";
import { TRACKING_RECEIVED } from "./ingest-tracking-event";

export const REMATCH_WINDOW_MS = 2 * 86_400_000;

/** The recent unmatched events of a tracking number: a label's write batch ends with it, so a label with none costs no round trip more. */
export const waitingForLabelQuery = (db: Database, trackingNumber: string, now: number) =>
  db
    .select({ id: trackingEvents.id })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.trackingNumber, trackingNumber), eq(trackingEvents.outcome, "unmatched"), gt(trackingEvents.receivedAt, now - REMATCH_WINDOW_MS)))
    .limit(50);

/** `waiting`: what `waitingForLabelQuery` found, when the caller read it already. */
export async function rematchTrackingEvents(
  env: ShardEnv,
  trackingNumber: string,
  { now = Date.now(), waiting: known }: { now?: number; waiting?: readonly { id: string }[] } = {},
): Promise<number> {
  const db = database(env);
  const waiting = known ?? (await waitingForLabelQuery(db, trackingNumber, now).all());
  if (waiting.length === 0) return 0;
  const rows: OutboxRow[] = waiting.map((e) => ({
    id: newId("obx", now),
    orderId: null,
    topic: "logistics",
    type: TRACKING_RECEIVED,
    payload: { tracking_event_id: e.id },
    createdAt: now,
  }));
  const statements: BatchItem<"sqlite">[] = waiting.flatMap((e, i) => [
    db
      .update(trackingEvents)
      .set({ outcome: null, processedAt: null })
      .where(and(eq(trackingEvents.id, e.id), eq(trackingEvents.outcome, "unmatched"))),
    db.insert(outbox).values(rows[i]!),
  ]);
  await db.batch(nonEmpty(statements));
  await sendOutbox(env, rows).catch((err) => console.warn("re-queued tracking events not sent; the sweep sends them", err));
  return waiting.length;
}
