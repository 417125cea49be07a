import { describe, expect, it } from "vitest";
import { Groups } from "./groups";

describe("Groups", () => {
  it("gives one group per distinct key, in first-seen order, whatever string objects carry the parts", () => {
    const groups = new Groups((key) => ({ key: [...key], n: 0 }));
    groups.get("st_a", "2026-03-01", "web").n++;
    groups.get("st_a", "2026-03-01", "pos").n++;
    groups.get(["st", "a"].join("_"), "2026-03-01", "web").n++;
    groups.get("st_b", "2026-03-01", "web").n++;
    // Parts that would join to the same string are still different keys.
    groups.get("st_a", "2026-03-01\0web", "").n++;
    expect(groups.all).toEqual([
      { key: ["st_a", "2026-03-01", "web"], n: 2 },
      { key: ["st_a", "2026-03-01", "pos"], n: 1 },
      { key: ["st_b", "2026-03-01", "web"], n: 1 },
      { key: ["st_a", "2026-03-01\0web", ""], n: 1 },
    ]);
  });
});
