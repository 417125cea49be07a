import { describe, expect, it } from "vitest";
import { idFloor, newId } from "./ids";

describe("idFloor", () => {
  it("splits ids by the instant they were made: at or after sorts at or above, before sorts below", () => {
    const t = Date.UTC(2026, 5, 1, 12, 0, 0, 123);
    const floor = idFloor("ord", t);
    for (let i = 0; i < 50; i++) {
      expect(newId("ord", t) >= floor).toBe(true);
      expect(newId("ord", t + 1 + i * 997) >= floor).toBe(true);
      expect(newId("ord", t - 1 - i * 997) < floor).toBe(true);
    }
    expect(newId("ord", t).startsWith(floor)).toBe(true);
  });

  it("orders floors as it orders instants, across a carry in every digit", () => {
    const instants = [0, 1, 31, 32, 1023, 1024, 32 ** 5, Date.UTC(1999, 0, 1), Date.UTC(2026, 0, 1), Date.UTC(2100, 0, 1)];
    const floors = instants.map((t) => idFloor("ord", t));
    expect([...floors].sort()).toEqual(floors);
  });

  it("clamps instants outside what an id can hold", () => {
    expect(idFloor("ord", -5)).toBe(idFloor("ord", 0));
    expect(idFloor("ord", 32 ** 11)).toBe(idFloor("ord", 32 ** 10 - 1));
  });
});
