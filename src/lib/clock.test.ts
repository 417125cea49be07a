import { afterEach, describe, expect, it, vi } from "vitest";
import { uniqueNow } from "./clock";

afterEach(() => vi.restoreAllMocks());

describe("uniqueNow", () => {
  it("follows the clock, and is strictly increasing when the clock stands still or steps back", () => {
    const t = 1_800_000_000_000;
    const clock = vi.spyOn(Date, "now").mockReturnValue(t);
    const a = uniqueNow();
    const b = uniqueNow();
    expect(a).toBeGreaterThanOrEqual(t);
    expect(b).toBe(a + 1);
    clock.mockReturnValue(t - 5_000);
    expect(uniqueNow()).toBe(b + 1);
    clock.mockReturnValue(t + 60_000);
    expect(uniqueNow()).toBe(t + 60_000);
  });
});
