import { describe, expect, it } from "vitest";
import { DEFAULT_SLA } from "../sla";
import { durationRows, type Sample } from "./processing-times";

const H = 3_600_000;
const sample = (over: Partial<Sample>): Sample => ({
  store_id: "st_a",
  order_id: "ord_1",
  channel: "web",
  day: "2026-03-01",
  type: "approve",
  started_at: 0,
  ended_at: H,
  ...over,
});

describe("durationRows", () => {
  it("summarizes per channel and across channels, and lists what broke the SLA", () => {
    const slas = new Map([["st_a", { ...DEFAULT_SLA, received_to_approved: 2 * H }]]);
    const { rows, breaches } = durationRows(
      [sample({ order_id: "ord_1", ended_at: 1 * H }), sample({ order_id: "ord_2", ended_at: 3 * H }), sample({ order_id: "ord_3", ended_at: 5 * H, channel: "pos" })],
      slas,
    );
    const byChannel = Object.fromEntries(rows.map((r) => [r[3], r]));
    expect(byChannel.web).toEqual(["st_a", "2026-03-01", "received_to_approved", "web", 2, 4 * H, 3 * H, 1 * H, 3 * H, 1, expect.any(String)]);
    expect(byChannel.pos!.slice(4, 10)).toEqual([1, 5 * H, 5 * H, 5 * H, 5 * H, 1]);
    expect(byChannel["*"]!.slice(4, 10)).toEqual([3, 9 * H, 5 * H, 3 * H, 5 * H, 2]);
    expect(breaches.map((b) => b[0])).toEqual(["ord_2", "ord_3"]);
    expect(breaches[0]).toEqual(["ord_2", "received_to_approved", "st_a", "2026-03-01", "web", 0, 3 * H, 3 * H, 2 * H]);
  });

  it("maps each end event to its span, skips samples without a start, and never breaches a null target", () => {
    const { rows, breaches } = durationRows(
      [sample({ type: "ship", ended_at: 100 * H }), sample({ type: "deliver", started_at: null }), sample({ type: "complete", ended_at: 1000 * H }), sample({ type: "hold" })],
      new Map([["st_a", DEFAULT_SLA]]),
    );
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set(["approved_to_shipped", "received_to_completed"]));
    expect(breaches.map((b) => b[1])).toEqual(["approved_to_shipped"]);
  });
});
