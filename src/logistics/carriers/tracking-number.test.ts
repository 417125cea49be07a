import { describe, expect, it } from "vitest";
import { isValidS10, newS10, s10CheckDigit } from "./tracking-number";

describe("S10 tracking numbers", () => {
  it("computes the UPU check digit (the standard's own examples)", () => {
    expect(s10CheckDigit("47312482")).toBe(9); // RR473124829GB
    expect(isValidS10("RR473124829GB")).toBe(true);
    expect(isValidS10("RR473124828GB")).toBe(false);
    // The two special cases: 11 - r = 10 gives 0, 11 - r = 11 gives 5.
    const serials = Array.from({ length: 2000 }, (_, i) =>
      String(i * 49_999)
        .padStart(8, "0")
        .slice(-8),
    );
    for (const s of serials) expect(s10CheckDigit(s)).toBeGreaterThanOrEqual(0);
    expect(serials.some((s) => s10CheckDigit(s) === 0) && serials.some((s) => s10CheckDigit(s) === 5)).toBe(true);
  });

  it("issues valid, distinct sandbox numbers", () => {
    const many = new Set(Array.from({ length: 200 }, () => newS10()));
    expect(many.size).toBe(200);
    for (const n of many) {
      expect(n).toMatch(/^SB\d{9}ZZ$/);
      expect(isValidS10(n)).toBe(true);
    }
  });
});
