import { describe, expect, it } from "vitest";
import { explain, needOf, type SuggestionView } from "./replenishment-words";
import { STOCK } from "./text";

const params = { window_days: 28, safety_days: 7, cover_days: 14 };
const base: SuggestionView = {
  sku: "TEA-1",
  name: "Tea",
  action: "order",
  quantity: 60,
  velocity: 3,
  safety_stock: 21,
  reorder_point: 51,
  on_hand: 40,
  reserved: 0,
  available: 40,
  on_order: 0,
  in_transit: 0,
  backordered: 0,
  position: 40,
  target: 93,
  lead_time_days: 10,
  supplier_id: "sup_1",
  supplier_name: "West Lake",
  transfer_from: null,
  explanation: "",
};
const names = { warehouse: (id: string) => (id === "wh_b" ? "Beta" : id) };

describe("a replenishment suggestion's reason in the reader's language", () => {
  it("an order, rounded to the supplier's packs, in Chinese with the numbers", () => {
    expect(needOf(base)).toBe(53);
    expect(explain(STOCK["zh-CN"], "zh-CN", base, params, names)).toBe(
      "日均销量 3（近 28 天）。库存位置 40 = 可用 40 + 已订购及在途 0 − 缺货 0。不高于再订货点 51（10 天采购周期 + 7 天安全库存）。向 West Lake 订购 60，补至 93（覆盖 14 天）。53 按供应商起订量和整包向上取整。",
    );
  });

  it("a transfer names the warehouse, not its id; without a supplier the safety stock is the line", () => {
    const t = { ...base, action: "transfer" as const, quantity: 32, lead_time_days: null, reorder_point: 14, safety_stock: 14, target: 42, position: 10, transfer_from: "wh_b" };
    expect(explain(STOCK.en, "en", t, params, names)).toBe(
      "Sells 3 a day (last 28 days). Stock position 10 = available 40 + on order and in transit 0 − backordered 0. At or below the safety stock 14 (7 days). Beta has more than it needs: move 32 to reach 42 (14 days' cover).",
    );
  });

  it("nothing to do, with and without sales; backorders count as need", () => {
    expect(explain(STOCK["zh-CN"], "zh-CN", { ...base, action: "none", quantity: 0, velocity: 0 }, params, names)).toBe("近 28 天无销售，也无缺货订单。");
    expect(explain(STOCK.en, "en", { ...base, action: "none", quantity: 0, position: 60 }, params, names)).toContain("Above the reorder point 51");
    expect(needOf({ target: 0, position: -5, backordered: 5 })).toBe(5);
  });
});
