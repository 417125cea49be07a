/**
 * Two-level review, as Chinese e-commerce ERPs run it (客审 then 财审): in a
 * store that turns it on, approving a held order over the store's finance
 * threshold takes two people. The first approval is the customer-service
 * check: the order stays on hold, now waiting for the finance check. The
 * second must come from someone allowed to do finance checks, and not from
 * the person who did the first.
 */
import { toMinor } from "../lib/money";

export const FINANCE_REVIEW = "finance_review";

export type ReviewFacts = {
  /** The store's thresholds per currency, or null when it does not use two-level review. */
  thresholds: Record<string, string> | null;
  totalAmount: number;
  currency: string;
  holdCodes: readonly string[];
  /** Who passed the customer-service check, if it has been passed. */
  serviceCheckedBy: string | null;
  actor: string;
  mayDoFinanceCheck: boolean;
};

export type ReviewStep = { step: "approve" } | { step: "service_check" } | { step: "refused"; code: string; message: string };

export function reviewStep(f: ReviewFacts): ReviewStep {
  if (f.holdCodes.includes(FINANCE_REVIEW)) {
    if (!f.mayDoFinanceCheck) return { step: "refused", code: "finance_check_required", message: "this order waits for the finance check, which your role may not do" };
    if (f.actor === f.serviceCheckedBy)
      return { step: "refused", code: "second_reviewer_required", message: "the finance check must be done by someone other than the customer-service check" };
    return { step: "approve" };
  }
  const limit = f.thresholds?.[f.currency];
  const threshold = limit === undefined ? null : toMinor(limit, f.currency);
  if (threshold?.ok && f.totalAmount > threshold.minor) return { step: "service_check" };
  return { step: "approve" };
}
