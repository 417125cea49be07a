import { describe, expect, it } from "vitest";
import { advanceTracking, TRACKING_STATUSES, type TrackingState, type TrackingStatus } from "./tracking-status";

const fresh: TrackingState = { status: null, statusAt: null, peak: 0 };
const t = (h: number) => Date.UTC(2025, 5, 15, h);

/** Applies events in the given order and returns the final state. */
function run(events: [TrackingStatus, number][], from = fresh): TrackingState {
  let s = from;
  for (const [status, occurredAt] of events) {
    const a = advanceTracking(s, { status, occurredAt });
    if (a.apply) s = a.next;
  }
  return s;
}

describe("advanceTracking", () => {
  it("follows a normal journey", () => {
    expect(
      run([
        ["pre_transit", t(1)],
        ["in_transit", t(2)],
        ["out_for_delivery", t(3)],
        ["delivered", t(4)],
      ]),
    ).toEqual({ status: "delivered", statusAt: t(4), peak: 9 });
  });

  it("keeps late events without moving backwards", () => {
    const s = run([["out_for_delivery", t(3)]]);
    expect(advanceTracking(s, { status: "in_transit", occurredAt: t(2) })).toEqual({ apply: false, reason: "late" });
    // Newer in time but a lower progress rank: a carrier's echo, not a step back.
    expect(advanceTracking(s, { status: "pre_transit", occurredAt: t(5) })).toEqual({ apply: false, reason: "regression" });
  });

  it("lets a terminal state win over anything, early or late, and never changes it", () => {
    const delivered = run([
      ["in_transit", t(5)],
      ["delivered", t(4)],
    ]);
    expect(delivered.status).toBe("delivered");
    expect(delivered.statusAt).toBe(t(5));
    expect(advanceTracking(delivered, { status: "exception", occurredAt: t(9) })).toEqual({ apply: false, reason: "after_terminal" });
    expect(advanceTracking(delivered, { status: "returned_to_sender", occurredAt: t(9) })).toEqual({ apply: false, reason: "conflicting_terminal" });
    expect(advanceTracking(delivered, { status: "delivered", occurredAt: t(9) })).toEqual({ apply: false, reason: "after_terminal" });
  });

  it("applies trouble as news, and lets the parcel move on after it", () => {
    const s = run([
      ["out_for_delivery", t(3)],
      ["failed_attempt", t(4)],
    ]);
    expect(s).toEqual({ status: "failed_attempt", statusAt: t(4), peak: 3 });
    expect(run([["out_for_delivery", t(5)]], s).status).toBe("out_for_delivery");
    // ...but not back below the peak reached before the trouble.
    expect(advanceTracking(s, { status: "in_transit", occurredAt: t(6) })).toEqual({ apply: false, reason: "regression" });
    // An old exception that arrives late does not overwrite newer progress.
    expect(advanceTracking(run([["in_transit", t(8)]]), { status: "exception", occurredAt: t(7) })).toEqual({ apply: false, reason: "late" });
  });

  it("ends in the same state whatever order the events arrive in (every permutation of a journey)", () => {
    const journey: [TrackingStatus, number][] = [
      ["pre_transit", t(1)],
      ["in_transit", t(2)],
      ["in_transit", t(3)],
      ["out_for_delivery", t(4)],
      ["delivered", t(5)],
    ];
    const permutations = (xs: typeof journey): (typeof journey)[] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const p of permutations(journey)) expect(run(p)).toEqual({ status: "delivered", statusAt: t(5), peak: 9 });
    const undelivered = journey.slice(0, 4);
    for (const p of permutations(undelivered)) expect(run(p)).toEqual({ status: "out_for_delivery", statusAt: t(4), peak: 3 });
  });

  it("is monotone: an event refused once is refused by every later state", () => {
    const states: TrackingState[] = [fresh];
    for (const status of TRACKING_STATUSES)
      for (const h of [1, 3, 5])
        states.push(
          run([[status, t(h)]]),
          run([
            ["in_transit", t(2)],
            [status, t(h)],
          ]),
        );
    for (const s of states) {
      for (const status of TRACKING_STATUSES) {
        for (const h of [0, 2, 4, 6]) {
          const e = { status, occurredAt: t(h) };
          if (advanceTracking(s, e).apply) continue;
          for (const later of TRACKING_STATUSES) {
            const step = advanceTracking(s, { status: later, occurredAt: t(h + 1) });
            if (step.apply) expect(advanceTracking(step.next, e).apply, `${JSON.stringify(s)} then ${later}: ${status}@${h}`).toBe(false);
          }
        }
      }
    }
  });
});

describe("repeated news", () => {
  it("keeps the same status at the same time as unchanged, and takes a newer scan of the same status", () => {
    const s = run([["in_transit", t(2)]]);
    expect(advanceTracking(s, { status: "in_transit", occurredAt: t(2) })).toEqual({ apply: false, reason: "unchanged" });
    expect(advanceTracking(s, { status: "in_transit", occurredAt: t(3) })).toEqual({ apply: true, next: { status: "in_transit", statusAt: t(3), peak: 2 } });
  });
});
