import { describe, expect, it } from "vitest";
import { defaultWavePolicy, pickPath, type WaveCandidate } from "./wave-policy";

const item = (sku: string, zone: string | null, quantity = 1, pickSequence = 0, binCode = "B") => ({ itemId: `i-${sku}`, sku, binCode, zone, pickSequence, quantity });
const ship = (id: string, createdAt: number, carrier: string | null, items: WaveCandidate["items"]): WaveCandidate => ({ shipmentId: id, carrier, createdAt, items });

const candidates = [
  ship("s3", 3, "dhl", [item("A", "Z1")]),
  ship("s1", 1, "ups", [item("A", "Z1", 2)]),
  ship("s2", 2, null, [item("A", "Z1"), item("B", "Z2")]),
  ship("s4", 4, "ups", [item("C", null)]),
  ship("s5", 5, "ups", []),
];

describe("wave grouping", () => {
  it("by carrier, oldest first, unassigned carriers together", () => {
    expect(defaultWavePolicy.group(candidates, "carrier", 10)).toEqual([
      { key: "dhl", shipmentIds: ["s3"] },
      { key: "unassigned", shipmentIds: ["s2"] },
      { key: "ups", shipmentIds: ["s1", "s4"] },
    ]);
  });

  it("by zone: single-zone shipments per zone, the rest in multi-zone", () => {
    expect(defaultWavePolicy.group(candidates, "zone", 10)).toEqual([
      { key: "Z1", shipmentIds: ["s1", "s3"] },
      { key: "multi-zone", shipmentIds: ["s2"] },
      { key: "no-zone", shipmentIds: ["s4"] },
    ]);
  });

  it("single-item shipments only", () => {
    expect(defaultWavePolicy.group(candidates, "single_item", 10)).toEqual([{ key: "single-item", shipmentIds: ["s3", "s4"] }]);
  });

  it("caps waves at maxPerWave", () => {
    expect(defaultWavePolicy.group(candidates, "carrier", 1).filter((g) => g.key === "ups")).toEqual([
      { key: "ups", shipmentIds: ["s1"] },
      { key: "ups", shipmentIds: ["s4"] },
    ]);
  });
});

describe("pick path", () => {
  it("walks bins by sequence, then code, then SKU", () => {
    const lines = [
      { pickSequence: 20, binCode: "A-02", sku: "X" },
      { pickSequence: 10, binCode: "B-01", sku: "Y" },
      { pickSequence: 10, binCode: "A-09", sku: "Z" },
      { pickSequence: 10, binCode: "A-09", sku: "A" },
    ];
    expect(pickPath(lines).map((l) => `${l.binCode}/${l.sku}`)).toEqual(["A-09/A", "A-09/Z", "B-01/Y", "A-02/X"]);
  });
});
