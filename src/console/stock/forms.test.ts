import { describe, expect, it } from "vitest";
import { fieldOf, parseAdjust, parseCount, parseDays, parseReceive, parseTransfer, parseTransferReceipt, transferFieldOf } from "./forms";

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

  it("replenishment days: blank is the API's default, each out of range has its word", () => {
    expect(parseDays({ window_days: "", safety_days: " 14 " })).toEqual({ values: { window_days: 28, safety_days: 14, cover_days: 14 }, errors: {} });
    expect(parseDays({ window_days: "0", safety_days: "x", cover_days: "366" }).errors).toEqual({ window_days: "days_range", safety_days: "days_range", cover_days: "days_range" });
    expect(parseDays({ safety_days: "0" }).values.safety_days).toBe(0);
  });

  it("a transfer: blank rows are no lines, scans are cleaned, and each API line knows its form row", () => {
    const rows = [
      { sku: "", from_bin: "", quantity: "" },
      { sku: " TEA-1 ", from_bin: "a-01\n", quantity: "3" },
      { sku: "MUG-1", from_bin: "B-02", quantity: "1" },
    ];
    expect(parseTransfer({ from: "wh_a", to: "wh_b", rows, note: "" })).toEqual({
      ok: true,
      body: {
        from_warehouse_id: "wh_a",
        to_warehouse_id: "wh_b",
        lines: [
          { sku: "TEA-1", from_bin: "A-01", quantity: 3 },
          { sku: "MUG-1", from_bin: "B-02", quantity: 1 },
        ],
      },
      rowOfLine: [1, 2],
    });
    expect(transferFieldOf("lines.1.from_bin", [1, 2])).toBe("from_bin.2");
    expect(transferFieldOf("lines.0", [1, 2])).toBe("sku.1");
    expect(transferFieldOf("to_warehouse_id", [])).toBe("to");
  });

  it("a transfer: each bad field has its word; nothing filled in, or to itself, is refused", () => {
    expect(parseTransfer({ from: "wh_a", to: "", rows: [{ sku: "A", from_bin: "", quantity: "0" }], note: "" })).toEqual({
      ok: false,
      errors: { to: "required", "from_bin.0": "required", "quantity.0": "whole_positive" },
    });
    expect(parseTransfer({ from: "wh_a", to: "wh_b", rows: [{ sku: "", from_bin: "", quantity: "" }], note: "" })).toEqual({
      ok: false,
      errors: { lines: "transfer_lines_empty" },
    });
    expect(parseTransfer({ from: "wh_a", to: "wh_a", rows: [{ sku: "A", from_bin: "B", quantity: "1" }], note: "" })).toMatchObject({ errors: { to: "same_warehouse" } });
  });

  it("a transfer's receipt: one bin for every line that arrived; blank and 0 are nothing", () => {
    expect(
      parseTransferReceipt({
        bin: " b-01 ",
        lines: [
          { line_no: 1, quantity: "4" },
          { line_no: 2, quantity: "" },
          { line_no: 3, quantity: "0" },
        ],
      }),
    ).toEqual({ ok: true, body: { lines: [{ line_no: 1, bin: "B-01", quantity: 4 }] } });
    expect(parseTransferReceipt({ bin: "", lines: [{ line_no: 2, quantity: "-1" }] })).toEqual({ ok: false, errors: { bin: "required", "quantity.2": "whole_zero_up" } });
    expect(parseTransferReceipt({ bin: "B", lines: [{ line_no: 1, quantity: "" }] })).toEqual({ ok: false, errors: { lines: "receive_nothing" } });
  });
});
