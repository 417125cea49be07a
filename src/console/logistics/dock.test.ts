import { describe, expect, it } from "vitest";
import { byCarrier, pickParcels, splitCodes, zonedToRfc3339 } from "./dock";

const waiting = [
  { id: "shp_A", carrier: "sandbox", tracking_number: "SB473124829ZZ" },
  { id: "shp_B", carrier: "acme", tracking_number: "1Z999" },
  { id: "shp_C", carrier: null, tracking_number: null },
];

describe("the dock", () => {
  it("finds parcels by tracking number or id, once each, and reports codes it does not know", () => {
    const r = pickParcels(waiting, { ticked: ["shp_B"], scanned: ["sb473124829zz", "1Z999", "NOPE-1", "NOPE-1"] });
    expect(r.parcels.map((p) => p.id)).toEqual(["shp_B", "shp_A"]);
    expect(r.unknown).toEqual(["NOPE-1"]);
    expect(pickParcels(waiting, { ticked: [], scanned: [] })).toEqual({ parcels: [], unknown: [] });
  });

  it("splits what a scanner typed into codes", () => {
    expect(splitCodes(" SB1ZZ\r\nSB2ZZ, SB3ZZ \n\n")).toEqual(["SB1ZZ", "SB2ZZ", "SB3ZZ"]);
  });

  it("groups by carrier, a parcel without a carrier last", () => {
    expect(byCarrier(waiting).map(([c, ps]) => [c, ps.length])).toEqual([
      ["acme", 1],
      ["sandbox", 1],
      ["", 1],
    ]);
  });

  it("reads a time typed in the store's zone, summer and winter", () => {
    expect(zonedToRfc3339("2026-12-03T14:05", "America/New_York")).toBe("2026-12-03T14:05:00-05:00");
    expect(zonedToRfc3339("2026-07-03T14:05", "America/New_York")).toBe("2026-07-03T14:05:00-04:00");
    expect(zonedToRfc3339("2026-07-03T08:00", "Asia/Shanghai")).toBe("2026-07-03T08:00:00+08:00");
    expect(zonedToRfc3339("2026-07-03T08:00", "UTC")).toBe("2026-07-03T08:00:00+00:00");
    expect(zonedToRfc3339("2026-02-30T08:00", "UTC")).toBeNull();
    expect(zonedToRfc3339("yesterday", "UTC")).toBeNull();
  });
});
