import { describe, expect, it } from "vitest";
import { valuationByWarehouse } from "./valuation";

describe("inventory valuation per warehouse", () => {
  it("adds each warehouse's values exactly, in its currency, and counts units without a cost apart", () => {
    expect(
      valuationByWarehouse([
        { warehouse_id: "wh_a", currency: "USD", on_hand: 10, value: "62.50" },
        { warehouse_id: "wh_a", currency: "USD", on_hand: 3, value: "0.30" },
        { warehouse_id: "wh_a", currency: "USD", on_hand: 7, value: null },
        { warehouse_id: "wh_b", currency: "JPY", on_hand: 4, value: "1200" },
        { warehouse_id: "wh_c", currency: "KWD", on_hand: 1, value: "0.125" },
      ]),
    ).toEqual([
      { warehouse_id: "wh_a", currency: "USD", skus: 3, units: 20, value: "62.8000", unvalued_units: 7 },
      { warehouse_id: "wh_b", currency: "JPY", skus: 1, units: 4, value: "1200.0000", unvalued_units: 0 },
      { warehouse_id: "wh_c", currency: "KWD", skus: 1, units: 1, value: "0.1250", unvalued_units: 0 },
    ]);
  });

  it("0.1 + 0.2 is 0.30, not 0.30000000000000004; a negative value (stock owed) lowers the total", () => {
    const rows = [
      { warehouse_id: "wh_a", currency: "EUR", on_hand: 1, value: "0.1" },
      { warehouse_id: "wh_a", currency: "EUR", on_hand: 1, value: "0.2" },
    ];
    expect(valuationByWarehouse(rows)[0]!.value).toBe("0.3000");
    expect(valuationByWarehouse([...rows, { warehouse_id: "wh_a", currency: "EUR", on_hand: -2, value: "-1.00" }])[0]).toMatchObject({ value: "-0.7000", units: 0 });
  });

  it("nothing in stock is no warehouse", () => {
    expect(valuationByWarehouse([])).toEqual([]);
  });
});
