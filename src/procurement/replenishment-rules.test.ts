import { describe, expect, it } from "vitest";
import { roundToTerms, type SkuFacts, suggest } from "./replenishment-rules";

const supplier = { supplierId: "sup_1", supplierName: "Leaf & Co", leadTimeDays: 10, minOrderQty: 12, packSize: 12 };
const facts = (over: Partial<SkuFacts> = {}): SkuFacts => ({ sku: "TEA-1", unitsSold: 84, onHand: 40, reserved: 5, onOrder: 10, backordered: 0, supplier, elsewhere: [], ...over });

describe("replenishment suggestions (hand-computed)", () => {
  it("order up to the reorder point plus cover once the position falls to the reorder point", () => {
    // 84 in 28 days = 3/day; safety 7 days = 21; reorder point 3 x 10 + 21 = 51;
    // position 35 + 10 - 0 = 45 <= 51; target 51 + 3 x 14 = 93; need 48 = 4 packs of 12.
    const s = suggest(facts());
    expect(s).toMatchObject({ action: "order", quantity: 48, velocity: 3, safetyStock: 21, reorderPoint: 51, position: 45, target: 93, available: 35 });
    expect(s.explanation).toBe(
      "sells 3/day (84 in 28 days); position 45 = available 35 + on order 10 - backordered 0, at or below the reorder point 51 = 10 days' lead time + 7 days' safety stock; order 48 from Leaf & Co to reach 93 (14 days' cover past the reorder point)",
    );
    expect(suggest(facts({ supplier: { ...supplier, packSize: 10 } }))).toMatchObject({ quantity: 50 });
    expect(suggest(facts({ supplier: { ...supplier, packSize: 10 } })).explanation).toContain("48 rounded up to the minimum 12 and packs of 10");
  });

  it("says one day in the singular", () => {
    // 84 in 28 days = 3/day; safety 1 day = 3; reorder point 3 x 1 + 3 = 6; position 5 - 0 + 0 = 5 <= 6;
    // target 6 + 3 x 1 = 9; need 4, rounded up to the minimum 1 and packs of 1: 4.
    const s = suggest(facts({ onHand: 5, reserved: 0, onOrder: 0, supplier: { ...supplier, leadTimeDays: 1, minOrderQty: 1, packSize: 1 } }), {
      windowDays: 28,
      safetyDays: 1,
      coverDays: 1,
    });
    expect(s.explanation).toBe(
      "sells 3/day (84 in 28 days); position 5 = available 5 + on order 0 - backordered 0, at or below the reorder point 6 = 1 day's lead time + 1 day's safety stock; order 4 from Leaf & Co to reach 9 (1 day's cover past the reorder point)",
    );
    expect(suggest(facts({ unitsSold: 0, onHand: 5 }), { windowDays: 1, safetyDays: 7, coverDays: 14 }).explanation).toBe(
      "no sales in 1 day and nothing backordered: nothing to order",
    );
  });

  it("wait while the position is above the reorder point", () => {
    const s = suggest(facts({ onHand: 100 }));
    expect(s).toMatchObject({ action: "none", quantity: 0, position: 105 });
    expect(s.explanation).toContain("above the reorder point 51");
  });

  it("count backorders against the position", () => {
    // available 95 + 10 on order - 70 backordered = 35: need 93 - 35 = 58 -> 60 (5 packs of 12).
    expect(suggest(facts({ onHand: 100, backordered: 70 }))).toMatchObject({ action: "order", position: 35, quantity: 60 });
    // available 35 + 10 on order - 20 backordered = 25: need 93 - 25 = 68 -> 72 (6 packs).
    expect(suggest(facts({ backordered: 20 }))).toMatchObject({ position: 25, quantity: 72 });
  });

  it("move stock from a warehouse with more than it needs instead of buying", () => {
    // The other warehouse sells 1/day: it keeps 1 x (10 + 7 + 14) = 31 of its 200: 169 spare >= 48.
    const s = suggest(
      facts({
        elsewhere: [
          { warehouseId: "wh_b", available: 200, unitsSold: 28 },
          { warehouseId: "wh_c", available: 60, unitsSold: 0 },
        ],
      }),
    );
    expect(s).toMatchObject({ action: "transfer", quantity: 48, transferFrom: "wh_b" });
    expect(s.explanation).toContain("wh_b has 169 more than it needs: move 48");
    // Not enough spare anywhere: buy.
    expect(suggest(facts({ elsewhere: [{ warehouseId: "wh_b", available: 70, unitsSold: 28 }] }))).toMatchObject({ action: "order", quantity: 48 });
  });

  it("say so when no supplier lists the SKU", () => {
    // No lead time known: the reorder point is the safety stock, 21; position 10; target 21 + 42 = 63; need 53.
    const s = suggest(facts({ supplier: null, onHand: 5, reserved: 5 }));
    expect(s).toMatchObject({ action: "no_supplier", quantity: 53, reorderPoint: 21, leadTimeDays: null });
    expect(s.explanation).toContain("no active supplier lists it");
  });

  it("order what is backordered of a SKU that has not sold, and nothing for one nobody wants", () => {
    expect(suggest(facts({ unitsSold: 0, onHand: 0, reserved: 0, onOrder: 0, backordered: 5 }))).toMatchObject({ action: "order", quantity: 12 });
    expect(suggest(facts({ unitsSold: 0, onHand: 0, reserved: 0, onOrder: 0 }))).toMatchObject({
      action: "none",
      explanation: "no sales in 28 days and nothing backordered: nothing to order",
    });
  });

  it("round to the supplier's minimum and whole packs", () => {
    expect(roundToTerms(5, { minOrderQty: 12, packSize: 6 })).toBe(12);
    expect(roundToTerms(13, { minOrderQty: 12, packSize: 6 })).toBe(18);
    expect(roundToTerms(7, null)).toBe(7);
    expect(roundToTerms(0, { minOrderQty: 12, packSize: 6 })).toBe(0);
  });
});
