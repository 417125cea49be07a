/**
 * The spans between milestones that processing time is measured over, and
 * each store's service-level targets for them. A store that has not set its
 * own targets is held to DEFAULT_SLA.
 */
import type { storeSlas } from "../db/schema";

export const SPANS = ["received_to_approved", "approved_to_shipped", "shipped_to_delivered", "received_to_completed"] as const;
export type Span = (typeof SPANS)[number];

/** The order event that ends each span: its time is the span's end and picks the span's day. */
export const SPAN_END_EVENT: Record<Span, string> = {
  received_to_approved: "approve",
  approved_to_shipped: "ship",
  shipped_to_delivered: "deliver",
  received_to_completed: "complete",
};

export const SPAN_OF_EVENT: Record<string, Span> = Object.fromEntries(SPANS.map((s) => [SPAN_END_EVENT[s], s])) as Record<string, Span>;

/** Target duration per span in milliseconds; null means no target. */
export type Sla = Record<Span, number | null>;

const HOUR_MS = 3_600_000;

export const DEFAULT_SLA: Sla = {
  received_to_approved: 24 * HOUR_MS,
  approved_to_shipped: 48 * HOUR_MS,
  shipped_to_delivered: null,
  received_to_completed: null,
};

type SlaRow = Pick<typeof storeSlas.$inferSelect, "receivedToApprovedMs" | "approvedToShippedMs" | "shippedToDeliveredMs" | "receivedToCompletedMs">;

export function slaOf(row: SlaRow | null | undefined): Sla {
  if (!row) return DEFAULT_SLA;
  return {
    received_to_approved: row.receivedToApprovedMs,
    approved_to_shipped: row.approvedToShippedMs,
    shipped_to_delivered: row.shippedToDeliveredMs,
    received_to_completed: row.receivedToCompletedMs,
  };
}
