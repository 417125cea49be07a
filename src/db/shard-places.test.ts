import { describe, expect, it } from "vitest";
import { mergeNewest, PLACES, placesKey, placesOf } from "./shard-places";

describe("a cursor of places on shards", () => {
  it("reads and writes shard 0's place bare, so one database's cursor is the plain id", () => {
    expect(placesKey(placesOf("123"))).toBe("123");
    expect([...placesOf("123,s1:45")]).toEqual([
      ["s0", 123],
      ["s1", 45],
    ]);
    expect(
      placesKey(
        new Map([
          ["s10", 1],
          ["s1", 2],
          ["s0", 3],
        ]),
      ),
    ).toBe("3,s1:2,s10:1");
    expect(placesKey(new Map([["s1", 0]]))).toBe("s1:0");
    for (const bad of ["", "abc", "1,2", "s1", "-1", "1,s1:", `1${",s1:2".repeat(70)}`]) expect(PLACES.test(bad), bad).toBe(false);
  });
});

describe("mergeNewest", () => {
  const row = (id: number, at: number) => ({ id, at });
  it("takes the newest across shards, keeps each shard's order, and moves each place past what it took", () => {
    const parts = [
      { shard: "s0", rows: [row(9, 90), row(8, 50), row(7, 10)] },
      { shard: "s1", rows: [row(4, 70), row(3, 60)] },
    ];
    const { rows, places, more } = mergeNewest(parts, new Map(), (r) => r.at, 2);
    expect(rows).toEqual([row(9, 90), row(4, 70)]);
    expect([...places]).toEqual([
      ["s0", 9],
      ["s1", 4],
    ]);
    expect(more).toBe(true);
  });

  it("marks a shard with nothing left 0, leaves one with nothing taken where it was, and ends when all are done", () => {
    const first = mergeNewest(
      [
        { shard: "s0", rows: [row(5, 100), row(4, 99), row(3, 98)] },
        { shard: "s1", rows: [row(2, 10)] },
      ],
      new Map([["s1", 3]]),
      (r) => r.at,
      2,
    );
    expect(first.rows.map((r) => r.id)).toEqual([5, 4]);
    expect(first.places.get("s1")).toBe(3);
    expect(first.more).toBe(true);
    const last = mergeNewest(
      [
        { shard: "s0", rows: [row(3, 98)] },
        { shard: "s1", rows: [row(2, 10)] },
      ],
      first.places,
      (r) => r.at,
      5,
    );
    expect(last.rows.map((r) => r.id)).toEqual([3, 2]);
    expect([...last.places.values()]).toEqual([0, 0]);
    expect(last.more).toBe(false);
  });
});
