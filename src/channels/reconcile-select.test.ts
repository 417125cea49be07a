import { describe, expect, it } from "vitest";
import { checkBackfillRange, OVERLAP_MS, scheduledWindow, selectForTakeIn } from "./reconcile-select";

describe("which platform orders reconciliation takes in", () => {
  it("takes the missing and the stale, and leaves the ones we already have as they are", () => {
    const seen = [
      { externalId: "1", updatedAt: 100 },
      { externalId: "2", updatedAt: 200 },
      { externalId: "3", updatedAt: 300 },
      { externalId: "4", updatedAt: 400 },
    ];
    const known = new Map([
      ["2", 200], // same state
      ["3", 250], // we have an older one
      ["4", 500], // we have a newer one (a webhook came after the page was read)
    ]);
    const r = selectForTakeIn(seen, known);
    expect(r.take.map((o) => o.externalId)).toEqual(["1", "3"]);
    expect(r.unchanged.map((o) => o.externalId)).toEqual(["2", "4"]);
  });

  it("takes an order listed twice on a page once, in its newest state", () => {
    const r = selectForTakeIn(
      [
        { externalId: "9", updatedAt: 10 },
        { externalId: "9", updatedAt: 30 },
        { externalId: "9", updatedAt: 20 },
      ],
      new Map(),
    );
    expect(r.take).toEqual([{ externalId: "9", updatedAt: 30 }]);
  });
});

describe("the windows it pulls", () => {
  it("starts a little before the watermark and ends now", () => {
    expect(scheduledWindow({ watermark: 1_000_000, connectedAt: 5, now: 2_000_000 })).toEqual({ from: 1_000_000 - OVERLAP_MS, until: 2_000_000 });
  });
  it("starts a connection never pulled from when it was connected", () => {
    expect(scheduledWindow({ watermark: null, connectedAt: 700_000, now: 2_000_000 }).from).toBe(700_000 - OVERLAP_MS);
  });
  it("refuses a backfill range that is empty, in the future or longer than a year", () => {
    const now = Date.UTC(2026, 11, 1);
    expect(checkBackfillRange({ from: now - 1000, to: now - 1000, now })?.field).toBe("to");
    expect(checkBackfillRange({ from: now + 1000, to: now + 2000, now })?.field).toBe("from");
    expect(checkBackfillRange({ from: now - 400 * 86400_000, to: now, now })?.field).toBe("to");
    expect(checkBackfillRange({ from: now - 30 * 86400_000, to: now, now })).toBeNull();
  });
});
