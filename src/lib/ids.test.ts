import { describe, expect, it } from "vitest";
import { idFloor, idPattern, newId, newTag, tagOf, TAG } from "./ids";

describe("store tags in ids", () => {
  const t = Date.UTC(2026, 11, 5, 12, 0, 0, 7);

  it("an untagged id is the prefix, 10 characters of time and 16 random; a tagged one puts `-` and the tag after the time", () => {
    expect(newId("ord", t)).toMatch(/^ord_[0-9A-Z]{26}$/);
    const tagged = newId("ord", t, "K7QZ");
    expect(tagged).toMatch(/^ord_[0-9A-Z]{10}-K7QZ[0-9A-Z]{12}$/);
    expect(tagged.slice(0, 14)).toBe(idFloor("ord", t));
  });

  it("tagOf reads the tag back, and gives null for an untagged id or anything else", () => {
    expect(tagOf(newId("shp", t, "0ABC"))).toBe("0ABC");
    expect(tagOf(newId("shp", t))).toBeNull();
    expect(tagOf("shp_01M9419NW8-ABC")).toBeNull();
    expect(tagOf("not an id")).toBeNull();
  });

  it("tagged and untagged ids sort by the time they were made, together", () => {
    const made = [0, 1, 2, 3, 4, 5].map((i) => newId("ord", t + i * 1000, i % 2 ? "ZZZZ" : null));
    expect([...made].sort()).toEqual(made);
    for (const id of made) expect(id >= idFloor("ord", t)).toBe(true);
  });

  it("idPattern takes both forms of its own prefix only", () => {
    const ord = idPattern("ord");
    expect(ord.test(newId("ord", t))).toBe(true);
    expect(ord.test(newId("ord", t, "AB12"))).toBe(true);
    expect(ord.test(newId("shp", t, "AB12"))).toBe(false);
    expect(ord.test(`${newId("ord", t)}X`)).toBe(false);
    expect(ord.test(newId("ord", t).toLowerCase())).toBe(false);
  });

  it("refuses a tag that is not 4 Crockford characters, and draws only such tags", () => {
    for (const bad of ["abc1", "ABC", "ABCDE", "ABCI", "AB-1"]) expect(() => newId("ord", t, bad)).toThrow(/not a store tag/);
    for (let i = 0; i < 200; i++) expect(newTag()).toMatch(TAG);
  });
});
