import { describe, expect, it } from "vitest";
import { resolvePackages, weightTolerance } from "./pack-shipment";

const BOX = { tareGrams: 180, lengthMm: 300, widthMm: 200, heightMm: 150 };
const types = new Map([["BOX-M", BOX]]);

describe("packages as packed", () => {
  it("a typed package takes its type's tare and dimensions, unless the packer measured others", () => {
    const r = resolvePackages(
      [
        { package_type: "BOX-M", weight_grams: 1185 },
        { package_type: "BOX-M", height_mm: 90, weight_grams: 400 },
        { length_mm: 100, width_mm: 100, height_mm: 100, weight_grams: 50 },
      ],
      types,
    );
    expect(r).toEqual({
      ok: true,
      tare: 360,
      packages: [
        { package_type: "BOX-M", tare_grams: 180, length_mm: 300, width_mm: 200, height_mm: 150, weight_grams: 1185 },
        { package_type: "BOX-M", tare_grams: 180, length_mm: 300, width_mm: 200, height_mm: 90, weight_grams: 400 },
        { length_mm: 100, width_mm: 100, height_mm: 100, weight_grams: 50 },
      ],
    });
  });

  it("names every package whose type the warehouse does not have", () => {
    expect(
      resolvePackages(
        [
          { package_type: "BOX-M", weight_grams: 1 },
          { package_type: "CRATE", weight_grams: 1 },
        ],
        types,
      ),
    ).toEqual({
      ok: false,
      errors: [{ field: "packages.1.package_type", message: "no active package type CRATE in this warehouse" }],
    });
  });

  it("the tolerance grows with the expected weight, tare included", () => {
    expect(weightTolerance(1180, 5, 20)).toBe(59);
    expect(weightTolerance(100, 5, 20)).toBe(20);
  });
});
