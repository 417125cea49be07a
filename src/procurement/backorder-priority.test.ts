import { describe, expect, it } from "vitest";
import { servingOrder, type Waiting } from "./backorder-priority";

const w = (orderId: string, backorderedAt: number, total: number, units: number): Waiting => ({ orderId, storeId: "st_1", backorderedAt, total, units });
const waiting = [w("ord_b", 2, 5_000, 1), w("ord_a", 1, 1_000, 4), w("ord_c", 3, 5_000, 2), w("ord_d", 1, 200, 1)];

describe("which backorders get arriving stock first", () => {
  it("oldest first, ties by id", () => {
    expect(servingOrder(waiting, "oldest").map((x) => x.orderId)).toEqual(["ord_a", "ord_d", "ord_b", "ord_c"]);
  });
  it("largest order value first, ties to the older", () => {
    expect(servingOrder(waiting, "largest_value").map((x) => x.orderId)).toEqual(["ord_b", "ord_c", "ord_a", "ord_d"]);
  });
  it("fewest units first, ties to the older", () => {
    expect(servingOrder(waiting, "fewest_units").map((x) => x.orderId)).toEqual(["ord_d", "ord_b", "ord_c", "ord_a"]);
  });
});
