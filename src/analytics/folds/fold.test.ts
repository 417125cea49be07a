import { describe, expect, it } from "vitest";
import { FOLDS } from "./index";

describe("the folds", () => {
  it("each with a change source also says where its facts begin, so a run from scratch marks them without a scan", () => {
    const sources = FOLDS.filter((f) => f.changedSlots);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((f) => !f.earliestAt).map((f) => f.name)).toEqual([]);
    expect(FOLDS.filter((f) => f.earliestAt && !f.changedSlots).map((f) => f.name)).toEqual([]);
  });
});
