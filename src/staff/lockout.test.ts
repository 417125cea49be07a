import { describe, expect, it } from "vitest";
import { FIRST_LOCK_MS, FREE_FAILURES, lockAfter, lockedFor, MAX_LOCK_MS, minutesOf, normaliseEmail, throttleSubject } from "./lockout";

const MIN = 60_000;
const KEYS = { PII_KEYS: "", PII_INDEX_KEY: "1D8Es5BB1UPkjcbL5jSlgDaRhM0TCs+k5AzUeSthmVU=" };

describe("the lockout's rules", () => {
  it("lets the first five failures go, then locks for 1, 2, 4 ... minutes, never more than an hour", () => {
    expect(FREE_FAILURES).toBe(5);
    expect([1, 2, 3, 4, 5].map(lockAfter)).toEqual([0, 0, 0, 0, 0]);
    expect([6, 7, 8, 9, 10, 11].map(lockAfter)).toEqual([1, 2, 4, 8, 16, 32].map((m) => m * MIN));
    expect(lockAfter(12)).toBe(MAX_LOCK_MS);
    expect(lockAfter(13)).toBe(60 * MIN);
    expect(lockAfter(10_000)).toBe(60 * MIN);
    expect(FIRST_LOCK_MS).toBe(MIN);
  });

  it("says a name is locked only until the lock's end", () => {
    expect(lockedFor(null, 1000)).toBe(0);
    expect(lockedFor({ lockedUntil: null }, 1000)).toBe(0);
    expect(lockedFor({ lockedUntil: 1000 }, 1000)).toBe(0);
    expect(lockedFor({ lockedUntil: 5000 }, 1000)).toBe(4000);
  });

  it("tells the wait in whole minutes, at least one", () => {
    expect(minutesOf(1)).toBe(1);
    expect(minutesOf(MIN)).toBe(1);
    expect(minutesOf(MIN + 1)).toBe(2);
    expect(minutesOf(60 * MIN)).toBe(60);
  });

  it("counts an address however it is typed, under a keyed hash that names no one", () => {
    expect(normaliseEmail("  Ana@Merchant.Example ")).toBe("ana@merchant.example");
    const a = throttleSubject(KEYS, "ana@merchant.example");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(throttleSubject(KEYS, " ANA@merchant.example")).toBe(a);
    expect(throttleSubject(KEYS, "bob@merchant.example")).not.toBe(a);
    expect(throttleSubject({ ...KEYS, PII_INDEX_KEY: "WX49WWECEzWj5RnB8OmAkSkgWDdxfymBreT0jVOfqTI=" }, "ana@merchant.example")).not.toBe(a);
  });
});
