import { describe, expect, it } from "vitest";
import { fieldOf, parseAdjust, parseCount, parseReceive } from "./forms";

describe("stock forms", () => {
  it("a receipt: scanned codes are cleaned, an empty cost is zero", () => {
    expect(parseReceive({ sku: " TEA-1 ", bin: "a-01\n", quantity: "10", unit_cost: "", reference: "" })).toEqual({
      ok: true,
      body: { lines: [{ sku: "TEA-1", bin: "A-01", quantity: 10, unit_cost: "0" }] },
    });
  });

  it("a receipt: each bad field has its word", () => {
    expect(parseReceive({ sku: "", bin: "", quantity: "-1", unit_cost: "1,5", reference: "" })).toEqual({
      ok: false,
      errors: { sku: "required", bin: "required", quantity: "whole_positive", unit_cost: "decimal" },
    });
    expect(parseReceive({ sku: "A", bin: "B", quantity: "2.5", unit_cost: "1", reference: "" })).toMatchObject({ errors: { quantity: "whole_positive" } });
  });

  it("an adjustment takes a signed change, never 0", () => {
    expect(parseAdjust({ sku: "A", bin: "b", delta: "+3", reason: "found" })).toEqual({ ok: true, body: { sku: "A", bin: "B", delta: 3, reason: "found" } });
    expect(parseAdjust({ sku: "A", bin: "B", delta: "0", reason: "" })).toEqual({ ok: false, errors: { delta: "whole_not_zero", reason: "required" } });
  });

  it("a count keeps the rows with a quantity, and needs at least one", () => {
    expect(parseCount({ bin: "a-1", skus: ["X", "Y", ""], counted: ["0", "", ""], reason: "" })).toEqual({
      ok: true,
      body: { lines: [{ bin: "A-1", sku: "X", counted: 0 }] },
    });
    expect(parseCount({ bin: "A-1", skus: ["X"], counted: [""], reason: "" })).toEqual({ ok: false, errors: { lines: "count_empty" } });
    expect(parseCount({ bin: "A-1", skus: ["", "X"], counted: ["2", "-1"], reason: "" })).toEqual({ ok: false, errors: { "sku.0": "required", "counted.1": "whole_zero_up" } });
  });

  it("an API field of a one-line receipt is the form's field", () => {
    expect(fieldOf("lines.0.bin")).toBe("bin");
    expect(fieldOf("reason")).toBe("reason");
    expect(fieldOf("lines.2")).toBe("lines.2");
  });
});
