import { describe, expect, it } from "vitest";
import { platformFeeOf } from "./platform-fee";

describe("a platform's fee per capture", () => {
  it("is the percent of the capture, half up, plus the fixed part, as money out", () => {
    expect(platformFeeOf(2000, { percent_bps: 150, fixed_minor: 30 })).toBe(-60); // 1.5% of 20.00 = 0.30, + 0.30
    expect(platformFeeOf(1234, { percent_bps: 250, fixed_minor: 0 })).toBe(-31); // 30.85 rounds up
    expect(platformFeeOf(1218, { percent_bps: 250, fixed_minor: 0 })).toBe(-30); // 30.45 rounds down
    expect(platformFeeOf(3000, { percent_bps: 0, fixed_minor: 45 })).toBe(-45); // JPY: a fixed ¥45
  });
});
