import { describe, expect, it } from "vitest";
import { afterAttempt, backoffMs, MAX_ATTEMPTS } from "./push-rules";

describe("what happens after an attempt to push to a platform", () => {
  const now = 1_000_000;
  it("is done when the platform took it", () => {
    expect(afterAttempt({ ok: true, value: null }, { attempt: 1, now }).status).toBe("sent");
  });
  it("stops on a refusal and keeps the platform's words", () => {
    const r = afterAttempt({ ok: false, kind: "refused", status: 422, message: "Order has already been cancelled" }, { attempt: 1, now });
    expect(r).toMatchObject({ status: "refused", httpStatus: 422, message: "Order has already been cancelled" });
  });
  it("waits as long as a rate limit asks, and backs off on outages", () => {
    expect(afterAttempt({ ok: false, kind: "rate_limited", retryAfterMs: 4000 }, { attempt: 1, now })).toMatchObject({
      status: "retrying",
      httpStatus: 429,
      nextAttemptAt: now + 4000,
    });
    expect(afterAttempt({ ok: false, kind: "unavailable", status: 503, message: "down" }, { attempt: 3, now })).toMatchObject({
      status: "retrying",
      nextAttemptAt: now + backoffMs(3),
    });
    expect(backoffMs(1)).toBe(60_000);
    expect(backoffMs(30)).toBe(2 * 3600_000);
  });
  it("keeps trying for more than a day, then gives up and says so", () => {
    let total = 0;
    for (let a = 1; a < MAX_ATTEMPTS; a++) total += backoffMs(a);
    expect(total).toBeGreaterThan(24 * 3600_000);
    expect(afterAttempt({ ok: false, kind: "unavailable", status: null, message: "network" }, { attempt: MAX_ATTEMPTS, now }).status).toBe("failed");
  });
});
