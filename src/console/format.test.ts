import { describe, expect, it } from "vitest";
import { dateTime, dayIn, duration, money } from "./format";

describe("console formats", () => {
  it("formats money in the reader's language and the currency's minor unit", () => {
    expect(money("12.5", "USD", "en")).toBe("$12.50");
    expect(money("1200", "JPY", "en")).toBe("¥1,200");
    expect(money("88", "CNY", "zh-CN")).toBe("¥88.00");
    expect(money("1.234", "KWD", "en").replace(/\s/g, " ")).toBe("KWD 1.234");
    expect(money(null, "USD", "en")).toBe("");
  });

  it("shows a moment in the store's time zone", () => {
    const at = Date.UTC(2026, 11, 3, 23, 30);
    expect(dateTime(at, "Asia/Shanghai", "en")).toContain("Dec 4, 2026");
    expect(dateTime(at, "America/New_York", "en")).toContain("18:30");
    expect(dateTime(at, "Asia/Shanghai", "zh-CN")).toContain("2026年12月4日");
    expect(dayIn(at, "Asia/Shanghai")).toBe("2026-12-04");
    expect(dayIn(at, "UTC")).toBe("2026-12-03");
  });

  it("says durations in words", () => {
    expect(duration(95_000, "en")).toBe("1 min 35 s");
    expect(duration(3 * 3600_000 + 60_000, "zh-CN")).toBe("3小时1分");
    expect(duration(2 * 86400_000 + 3600_000, "en")).toBe("2 d 1 h");
    expect(duration(0, "en")).toBe("0 s");
  });
});
