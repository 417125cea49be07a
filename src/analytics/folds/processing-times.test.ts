import { describe, expect, it } from "vitest";
import { DEFAULT_SLA } from "../sla";
import { durationRows, type SpanDurations } from "./processing-times";

const H = 3_600_000;
const group = (over: Partial<SpanDurations>): SpanDurations => ({
  store_id: "st_a",
  day: "2026-03-01",
  span: "received_to_approved",
  channel: "web",
  durations: [H],
  ...over,
});

describe("durationRows", () => {
  it("summarizes per channel and across channels, counting what broke the SLA", () => {
    const slas = new Map([["st_a", { ...DEFAULT_SLA, received_to_approved: 2 * H }]]);
    const rows = durationRows([group({ durations: [3 * H, 1 * H] }), group({ channel: "pos", durations: [5 * H] })], slas);
    const byChannel = Object.fromEntries(rows.map((r) => [r[3], r]));
    expect(byChannel.web).toEqual(["st_a", "2026-03-01", "received_to_approved", "web", 2, 4 * H, 3 * H, 1 * H, 3 * H, 1, expect.any(String)]);
    expect(byChannel.pos!.slice(4, 10)).toEqual([1, 5 * H, 5 * H, 5 * H, 5 * H, 1]);
    expect(byChannel["*"]!.slice(4, 10)).toEqual([3, 9 * H, 5 * H, 3 * H, 5 * H, 2]);
    expect(rows).toHaveLength(3);
  });

  it("keeps days, spans and stores apart, and never breaches a null target", () => {
    const slas = new Map([["st_a", { ...DEFAULT_SLA, shipped_to_delivered: null, received_to_completed: 100 * H }]]);
    const rows = durationRows(
      [
        group({ span: "shipped_to_delivered", durations: [1000 * H] }),
        group({ span: "received_to_completed", durations: [1000 * H] }),
        group({ day: "2026-03-02", durations: [H] }),
        group({ store_id: "st_b", durations: [H] }),
      ],
      slas,
    );
    const across = rows.filter((r) => r[3] === "*").map((r) => [r[0], r[1], r[2], r[9]]);
    expect(across).toEqual([
      ["st_a", "2026-03-01", "shipped_to_delivered", 0],
      ["st_a", "2026-03-01", "received_to_completed", 1],
      ["st_a", "2026-03-02", "received_to_approved", 0],
      ["st_b", "2026-03-01", "received_to_approved", 0],
    ]);
  });
});
