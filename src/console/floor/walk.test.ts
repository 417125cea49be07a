import { describe, expect, it } from "vitest";
import { codeKind, currentPick, gramsOf, type Line, stopOf, type ShipmentBody, waveUnits } from "./walk";

const line = (o: Partial<Line>): Line => ({
  item_id: "si_1",
  shipment_id: "shp_1",
  order_id: "ord_1",
  store_id: "st_1",
  sku: "TEA-1",
  bin_id: "bin_1",
  bin: "A-01",
  zone: null,
  pick_sequence: 10,
  quantity: 2,
  to_pick: 2,
  picked: 0,
  short: 0,
  cancelled: false,
  intercepted: false,
  ...o,
});

describe("the walk along a wave", () => {
  it("takes the first line with something left, skipping cancelled and stopped ones", () => {
    const lines = [line({ item_id: "a", to_pick: 0, picked: 2 }), line({ item_id: "b", cancelled: true }), line({ item_id: "c", intercepted: true }), line({ item_id: "d" })];
    expect(currentPick(lines)?.item_id).toBe("d");
    expect(currentPick([line({ to_pick: 0, picked: 2 })])).toBeUndefined();
  });
  it("counts picked units against what is still coming, leaving out cancelled lines and short units", () => {
    expect(waveUnits([line({ to_pick: 1, picked: 1 }), line({ to_pick: 0, picked: 1, short: 1 }), line({ cancelled: true })])).toEqual({ done: 2, total: 3 });
  });
});

describe("weights typed at the pack station", () => {
  it("reads grams and kilograms, with a decimal comma too", () => {
    expect(gramsOf("640", "g")).toBe(640);
    expect(gramsOf("0.64", "kg")).toBe(640);
    expect(gramsOf("1,25", "kg")).toBe(1250);
  });
  it("refuses what is not a weight above zero", () => {
    for (const v of ["", "abc", "0", "-5", "0.0001", "1e3", "2000000"]) expect(gramsOf(v, v === "0.0001" ? "kg" : "g"), v).toBeNull();
  });
});

describe("stopping a shipment at the bench", () => {
  const shipment = (o: Partial<ShipmentBody>, cancelled: boolean[] = [false]) =>
    ({ status: "picking", intercepted: false, intercept_reason: null, items: cancelled.map((c) => ({ cancelled: c, picked: 1, packed: 0 })), ...o }) as ShipmentBody;
  it("says an order was cancelled when its goods are, and names another reason otherwise", () => {
    expect(stopOf(shipment({}))).toBeNull();
    expect(stopOf(shipment({ status: "intercepted", intercepted: true, intercept_reason: "order cancelled" }, [true]))).toEqual({ kind: "cancelled" });
    expect(stopOf(shipment({ status: "intercepted", intercepted: true, intercept_reason: "address change" }))).toEqual({ kind: "intercepted", reason: "address change" });
    expect(stopOf(shipment({ status: "cancelled" }))).toEqual({ kind: "cancelled" });
  });
  it("opens a shipment by its id and anything else as an order", () => {
    expect(codeKind("shp_01KB2R8W3D4C9QJ6H7ZNEXAMPL")).toBe("shipment");
    expect(codeKind("ord_123")).toBe("order");
  });
});
