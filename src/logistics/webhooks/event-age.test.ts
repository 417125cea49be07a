import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_AGE_DAYS, maxEventAgeDays, staleEvent } from "./event-age";

const DAY = 86_400_000;
const now = Date.parse("2026-12-03T12:00:00Z");

describe("how old a tracking event may be", () => {
  it("takes events up to the limit and refuses older ones, saying when they happened", () => {
    expect(staleEvent({ occurredAt: now, now, maxAgeDays: 30 })).toBeNull();
    expect(staleEvent({ occurredAt: now - 30 * DAY, now, maxAgeDays: 30 })).toBeNull();
    expect(staleEvent({ occurredAt: now + DAY, now, maxAgeDays: 30 })).toBeNull();
    expect(staleEvent({ occurredAt: now - 30 * DAY - 1, now, maxAgeDays: 30 })).toMatch(/^event_too_old: .*2026-11-03T11:59:59.999Z.*30 days/);
    expect(staleEvent({ occurredAt: Date.parse("2019-01-01T00:00:00Z"), now, maxAgeDays: 30 })).toMatch(/2019-01-01/);
  });

  it("reads the limit from its var, falling back to the default on anything but whole days", () => {
    expect(maxEventAgeDays(undefined)).toBe(DEFAULT_MAX_AGE_DAYS);
    expect(maxEventAgeDays("")).toBe(DEFAULT_MAX_AGE_DAYS);
    expect(maxEventAgeDays("7")).toBe(7);
    for (const bad of ["0", "-3", "1.5", "soon"]) expect(maxEventAgeDays(bad)).toBe(DEFAULT_MAX_AGE_DAYS);
  });
});
