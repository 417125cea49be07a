import { describe, expect, it } from "vitest";
import { FINANCE_REVIEW, reviewStep, type ReviewFacts } from "./review";

const facts = (over: Partial<ReviewFacts> = {}): ReviewFacts => ({
  thresholds: { USD: "500.00" },
  totalAmount: 60000,
  currency: "USD",
  holdCodes: ["amount_over_threshold"],
  serviceCheckedBy: null,
  actor: "key_cs",
  mayDoFinanceCheck: false,
  ...over,
});

describe("two-level review", () => {
  it("approves at once when the store does not use it, or the order is under the threshold, or in another currency", () => {
    expect(reviewStep(facts({ thresholds: null }))).toEqual({ step: "approve" });
    expect(reviewStep(facts({ totalAmount: 50000 }))).toEqual({ step: "approve" });
    expect(reviewStep(facts({ currency: "EUR" }))).toEqual({ step: "approve" });
  });
  it("makes the first approval above the threshold the customer-service check", () => {
    expect(reviewStep(facts())).toEqual({ step: "service_check" });
  });
  it("the finance check needs its permission and a second person", () => {
    const waiting = facts({ holdCodes: [FINANCE_REVIEW], serviceCheckedBy: "key_cs" });
    expect(reviewStep(waiting)).toMatchObject({ step: "refused", code: "finance_check_required" });
    expect(reviewStep({ ...waiting, mayDoFinanceCheck: true })).toMatchObject({ step: "refused", code: "second_reviewer_required" });
    expect(reviewStep({ ...waiting, mayDoFinanceCheck: true, actor: "key_fin" })).toEqual({ step: "approve" });
  });
});
