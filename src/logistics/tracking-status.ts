/**
 * One tracking vocabulary for every partner, and the rule that moves a
 * shipment's tracking state. Partners deliver at least once and in any order,
 * so the rule must make the final state independent of arrival order.
 *
 * The rule (`advanceTracking`), in order:
 * 1. A terminal state (delivered, returned_to_sender) is final: later events
 *    are kept in the timeline only. A *different* terminal state arriving
 *    after one is reported as a conflict for a person to look at.
 * 2. A terminal event applies whatever its time: a late "in transit" never
 *    undoes a delivery, and a delivery always wins over older news.
 * 3. An event older than the current status (`occurred_at < status_at`) is
 *    late: kept, not applied. The same status at the same time (another
 *    partner's news of the same scan) is kept as unchanged.
 * 4. A progress event (pre_transit 1 < in_transit 2 < out_for_delivery =
 *    available_for_pickup 3) applies only at or above the highest progress
 *    reached (`peak`): a newer "label created" after "in transit" is a
 *    carrier's echo, not a step back.
 * 5. A trouble event (failed_attempt, exception) applies when it is the
 *    newest news; it does not change the peak, so the parcel may go back to
 *    in transit or out for delivery after it (a second attempt).
 *
 * Invariant: `status_at` and `peak` never decrease and a terminal state never
 * changes, so an event refused once is refused against every later state (the
 * rule is monotone): a consumer may decide "keep" without a version guard.
 */
import { TRACKING_STATUSES, type TrackingStatus } from "../db/schema";

export { TRACKING_STATUSES, type TrackingStatus };

/** The partner name of events a person records (POST /v1/shipments/{id}/tracking-events): no webhook answers to it. */
export const MANUAL_PARTNER = "manual";

export const TERMINAL: ReadonlySet<TrackingStatus> = new Set(["delivered", "returned_to_sender"]);
export const TROUBLE: ReadonlySet<TrackingStatus> = new Set(["failed_attempt", "exception"]);

/** Progress ranks; trouble statuses have none. Terminal states are above every progress rank. */
const RANK: Partial<Record<TrackingStatus, number>> = {
  pre_transit: 1,
  in_transit: 2,
  out_for_delivery: 3,
  available_for_pickup: 3,
  delivered: 9,
  returned_to_sender: 9,
};

export type TrackingState = { status: TrackingStatus | null; statusAt: number | null; peak: number };
export type TrackingEventFacts = { status: TrackingStatus; occurredAt: number };

export type Advance = { apply: true; next: TrackingState } | { apply: false; reason: "after_terminal" | "conflicting_terminal" | "late" | "unchanged" | "regression" };

export function advanceTracking(current: TrackingState, event: TrackingEventFacts): Advance {
  if (current.status && TERMINAL.has(current.status)) {
    const conflicting = TERMINAL.has(event.status) && event.status !== current.status;
    return { apply: false, reason: conflicting ? "conflicting_terminal" : "after_terminal" };
  }
  const at = Math.max(current.statusAt ?? 0, event.occurredAt);
  if (TERMINAL.has(event.status)) return { apply: true, next: { status: event.status, statusAt: at, peak: RANK[event.status]! } };
  if (current.statusAt !== null && event.occurredAt < current.statusAt) return { apply: false, reason: "late" };
  if (event.status === current.status && event.occurredAt === current.statusAt) return { apply: false, reason: "unchanged" };
  const rank = RANK[event.status];
  if (rank === undefined) return { apply: true, next: { status: event.status, statusAt: at, peak: current.peak } };
  if (rank < current.peak) return { apply: false, reason: "regression" };
  return { apply: true, next: { status: event.status, statusAt: at, peak: rank } };
}

/** A carrier's name as compared across partners and our carrier codes ("USPS", "usps", "U.S.P.S."). */
export const normaliseCarrier = (c: string | null | undefined) => (c ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");

export function isTrackingStatus(value: string): value is TrackingStatus {
  return (TRACKING_STATUSES as readonly string[]).includes(value);
}

/** The shipment status (processing's coarser lifecycle) that a tracking status puts a shipped parcel in. */
export const SHIPMENT_STATUS_FOR: Record<TrackingStatus, "shipped" | "in_transit" | "out_for_delivery" | "delivered" | "exception" | "returned"> = {
  pre_transit: "shipped",
  in_transit: "in_transit",
  out_for_delivery: "out_for_delivery",
  // Waiting at a pickup point is the last mile, like a van out for delivery.
  available_for_pickup: "out_for_delivery",
  delivered: "delivered",
  failed_attempt: "exception",
  exception: "exception",
  returned_to_sender: "returned",
};

/** Tracking statuses that raise a logistics exception when they apply. */
export const RAISES_EXCEPTION: ReadonlySet<TrackingStatus> = new Set(["failed_attempt", "exception", "returned_to_sender"]);
