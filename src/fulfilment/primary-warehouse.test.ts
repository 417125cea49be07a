import { describe, expect, it } from "vitest";
import { primaryWarehouse } from "./primary-warehouse";

const item = (warehouseId: string, quantity: number) => ({ warehouseId, quantity });

describe("primaryWarehouse", () => {
  it("is none before anything is allocated", () => {
    expect(primaryWarehouse([])).toBeNull();
  });

  it("is the warehouse holding most of the units, summed over its items", () => {
    expect(primaryWarehouse([item("wh_b", 2), item("wh_a", 3), item("wh_b", 2)])).toBe("wh_b");
    expect(primaryWarehouse([item("wh_b", 1), item("wh_a", 3)])).toBe("wh_a");
  });

  it("breaks a tie by the smallest id, whichever comes first", () => {
    expect(primaryWarehouse([item("wh_b", 2), item("wh_a", 2)])).toBe("wh_a");
    expect(primaryWarehouse([item("wh_a", 2), item("wh_b", 2)])).toBe("wh_a");
    // As SQLite compares text: by code unit, so capitals sort first.
    expect(primaryWarehouse([item("wh_a", 1), item("wh_B", 1)])).toBe("wh_B");
  });
});
