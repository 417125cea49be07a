import { describe, expect, it } from "vitest";
import { addDays, dayOfNumber, dayStart, daysBetween, hourStart, intlOffsetMs, isDay, localDay, localIso, offsetMs, offsetSegments } from "./time-zones";

const H = 3_600_000;
const utc = (iso: string) => Date.parse(iso);

describe("offsets and local days", () => {
  it("reads offsets from the tz database, including half and quarter hours", () => {
    expect(offsetMs("UTC", utc("2026-01-15T12:00:00Z"))).toBe(0);
    expect(offsetMs("America/New_York", utc("2026-01-15T12:00:00Z"))).toBe(-5 * H);
    expect(offsetMs("America/New_York", utc("2026-07-15T12:00:00Z"))).toBe(-4 * H);
    expect(offsetMs("Asia/Kolkata", utc("2026-07-15T12:00:00Z"))).toBe(5.5 * H);
    expect(offsetMs("Asia/Kathmandu", utc("2026-07-15T12:00:00Z"))).toBe(5.75 * H);
    expect(offsetMs("Pacific/Chatham", utc("2025-11-15T12:00:00Z"))).toBe(13.75 * H);
  });

  it("the per-day cache answers as Intl does, minute by minute, through DST changes at odd hours", () => {
    // New York (whole hours), St John's (UTC-3:30, changes at :30 UTC), Lord Howe (a 30-minute DST), Chatham (+12:45/+13:45).
    const days = [
      ["America/New_York", "2026-03-08"],
      ["America/New_York", "2025-11-02"],
      ["America/St_Johns", "2026-03-08"],
      ["America/St_Johns", "2025-11-02"],
      ["Australia/Lord_Howe", "2026-04-05"],
      ["Australia/Lord_Howe", "2025-10-05"],
      ["Pacific/Chatham", "2026-04-05"],
      ["Europe/Berlin", "2026-03-29"],
    ] as const;
    for (const [tz, day] of days) {
      const from = utc(`${day}T00:00:00Z`) - 12 * H;
      for (let t = from; t < from + 48 * H; t += 60_000 + 7) expect(offsetMs(tz, t), `${tz} ${new Date(t).toISOString()}`).toBe(intlOffsetMs(tz, t));
    }
  });

  it("puts an instant in the store's calendar day", () => {
    expect(localDay("America/New_York", utc("2026-03-09T03:30:00Z"))).toBe("2026-03-08");
    expect(localDay("America/New_York", utc("2026-03-09T04:30:00Z"))).toBe("2026-03-09");
    expect(localDay("Asia/Kolkata", utc("2026-03-08T18:29:59Z"))).toBe("2026-03-08");
    expect(localDay("Asia/Kolkata", utc("2026-03-08T18:30:00Z"))).toBe("2026-03-09");
  });

  it("names a day number's date, before 1970 too, and the same way twice (it is cached)", () => {
    expect(dayOfNumber(0)).toBe("1970-01-01");
    expect(dayOfNumber(-1)).toBe("1969-12-31");
    expect(dayOfNumber(Math.floor(utc("2026-03-08T00:00:00Z") / 86_400_000))).toBe("2026-03-08");
    expect(dayOfNumber(20520)).toBe(dayOfNumber(20520));
    expect(localDay("UTC", utc("2026-03-08T23:59:59Z"))).toBe("2026-03-08");
  });

  it("days in DST changes are 23 and 25 hours long", () => {
    const ny = "America/New_York";
    expect(dayStart(ny, "2026-03-08")).toBe(utc("2026-03-08T05:00:00Z"));
    expect(dayStart(ny, "2026-03-09") - dayStart(ny, "2026-03-08")).toBe(23 * H);
    expect(dayStart(ny, "2025-11-03") - dayStart(ny, "2025-11-02")).toBe(25 * H);
    expect(dayStart("Europe/Berlin", "2025-10-27") - dayStart("Europe/Berlin", "2025-10-26")).toBe(25 * H);
  });

  it("the repeated hour of a fall-back is two hour buckets, told apart by their offsets", () => {
    const ny = "America/New_York";
    const first = utc("2025-11-02T05:30:00Z");
    const second = utc("2025-11-02T06:30:00Z");
    expect(hourStart(ny, first)).toBe(utc("2025-11-02T05:00:00Z"));
    expect(hourStart(ny, second)).toBe(utc("2025-11-02T06:00:00Z"));
    expect(localIso(ny, first)).toBe("2025-11-02T01:30:00.000-04:00");
    expect(localIso(ny, second)).toBe("2025-11-02T01:30:00.000-05:00");
    expect(hourStart("Asia/Kolkata", utc("2026-03-08T18:45:00Z"))).toBe(utc("2026-03-08T18:30:00Z"));
  });

  it("splits a range at each offset change, to the millisecond", () => {
    const ny = "America/New_York";
    const start = dayStart(ny, "2025-11-02");
    const segments = offsetSegments(ny, start, dayStart(ny, "2025-11-03"));
    expect(segments).toEqual([
      { from: start, to: utc("2025-11-02T06:00:00Z"), offsetMs: -4 * H },
      { from: utc("2025-11-02T06:00:00Z"), to: dayStart(ny, "2025-11-03"), offsetMs: -5 * H },
    ]);
    // Lord Howe moves by half an hour.
    const lh = "Australia/Lord_Howe";
    const s = offsetSegments(lh, dayStart(lh, "2026-04-05"), dayStart(lh, "2026-04-06"));
    expect(s.map((x) => x.offsetMs)).toEqual([11 * H, 10.5 * H]);
  });

  it("for every day of a year in odd zones: the day's bounds and segments agree with localDay and offsetMs", () => {
    const zones = [
      "UTC",
      "America/New_York",
      "Europe/Berlin",
      "Asia/Kolkata",
      "Asia/Kathmandu",
      "Australia/Lord_Howe",
      "America/Santiago",
      "Asia/Beirut",
      "Pacific/Chatham",
      "America/St_Johns",
      "America/Havana",
    ];
    for (const tz of zones) {
      for (let day = "2026-01-01"; day <= "2026-12-31"; day = addDays(day, 1)) {
        const start = dayStart(tz, day);
        const end = dayStart(tz, addDays(day, 1));
        expect(localDay(tz, start), `${tz} ${day}`).toBe(day);
        expect(localDay(tz, start - 1) < day, `${tz} ${day}`).toBe(true);
        expect(localDay(tz, end - 1), `${tz} ${day}`).toBe(day);
        expect(end - start, `${tz} ${day}`).toBeGreaterThanOrEqual(22 * H);
        expect(end - start, `${tz} ${day}`).toBeLessThanOrEqual(26 * H);
        const segments = offsetSegments(tz, start, end);
        expect(segments[0]!.from).toBe(start);
        expect(segments.at(-1)!.to).toBe(end);
        for (const [i, seg] of segments.entries()) {
          if (i > 0) expect(seg.from).toBe(segments[i - 1]!.to);
          expect(offsetMs(tz, seg.from), `${tz} ${day}`).toBe(seg.offsetMs);
          expect(offsetMs(tz, seg.to - 1), `${tz} ${day}`).toBe(seg.offsetMs);
        }
      }
    }
  });
});

describe("calendar days", () => {
  it("validates, adds and counts days", () => {
    expect(isDay("2026-02-28")).toBe(true);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2026-2-1")).toBe(false);
    expect(isDay("x")).toBe(false);
    expect(isDay("2024-02-29")).toBe(true);
    expect(isDay("2000-02-29")).toBe(true);
    expect(isDay("2100-02-29")).toBe(false);
    for (const impossible of ["2026-02-30", "2026-02-32", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01", "9999-99-99"]) {
      expect(isDay(impossible), impossible).toBe(false);
    }
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-01-01", "2026-12-31")).toBe(364);
  });
});
