import { describe, expect, it } from "vitest";
import {
  apiFieldWord,
  dayToMoment,
  formFieldOf,
  parseNewOrder,
  parseNewSupplier,
  parseOrderChange,
  parseReceipt,
  parseSupplierChange,
  parseSupplierItem,
  parseWebhookChange,
  type ReceiveForm,
  type SupplierForm,
} from "./forms";

const supplier: SupplierForm = {
  store_id: "st_1",
  name: "West Lake Tea",
  currency: "cny",
  contact_name: "",
  email: "",
  phone: "",
  payment_terms: "",
  payment_days: "",
  lead_time_days: "",
  over_receipt_pct: "",
};

describe("supplier forms", () => {
  it("a new supplier: the currency in capitals, only the fields typed, numbers as numbers", () => {
    expect(parseNewSupplier(supplier)).toEqual({ ok: true, body: { store_id: "st_1", name: "West Lake Tea", currency: "CNY" } });
    expect(parseNewSupplier({ ...supplier, email: "chen@tea.example", payment_days: "45", lead_time_days: "0", over_receipt_pct: "5" })).toEqual({
      ok: true,
      body: { store_id: "st_1", name: "West Lake Tea", currency: "CNY", email: "chen@tea.example", payment_days: 45, lead_time_days: 0, over_receipt_pct: 5 },
    });
  });

  it("a new supplier: each bad field has its word", () => {
    expect(
      parseNewSupplier({ ...supplier, store_id: "", name: "", currency: "yuan", email: "chen at tea", payment_days: "-1", lead_time_days: "400", over_receipt_pct: "101" }),
    ).toEqual({
      ok: false,
      errors: {
        store_id: "required",
        name: "required",
        currency: "currency_code",
        email: "email_invalid",
        payment_days: "days",
        lead_time_days: "days",
        over_receipt_pct: "percent",
      },
    });
    expect(parseNewSupplier({ ...supplier, currency: "" })).toMatchObject({ errors: { currency: "required" } });
    expect(parseNewSupplier({ ...supplier, lead_time_days: "2.5" })).toMatchObject({ errors: { lead_time_days: "days" } });
  });

  it("a change: emptied text clears it, an emptied number keeps what it was", () => {
    expect(parseSupplierChange({ ...supplier, contact_name: "Chen Li", lead_time_days: "21" })).toEqual({
      ok: true,
      body: { name: "West Lake Tea", contact_name: "Chen Li", email: null, phone: null, payment_terms: null, lead_time_days: 21 },
    });
    expect(parseSupplierChange({ ...supplier, name: "" })).toEqual({ ok: false, errors: { name: "required" } });
  });

  it("an item: a price is required; minimum, pack and lead time are whole numbers; an empty lead time is the supplier's", () => {
    expect(parseSupplierItem({ sku: " TEA-1 ", supplier_sku: "", unit_cost: "18.00", min_order_qty: "", pack_size: "25", lead_time_days: "", preferred: false })).toEqual({
      ok: true,
      body: { sku: "TEA-1", item: { supplier_sku: null, unit_cost: "18.00", pack_size: 25, lead_time_days: null, preferred: false } },
    });
    expect(parseSupplierItem({ sku: "", supplier_sku: "", unit_cost: "cheap", min_order_qty: "0", pack_size: "x", lead_time_days: "366", preferred: false })).toEqual({
      ok: false,
      errors: { sku: "required", unit_cost: "decimal", min_order_qty: "whole_positive", pack_size: "whole_positive", lead_time_days: "days" },
    });
    expect(parseSupplierItem({ sku: "A", supplier_sku: "", unit_cost: "", min_order_qty: "", pack_size: "", lead_time_days: "", preferred: true })).toMatchObject({
      errors: { unit_cost: "required" },
    });
  });

  it("an item's preferred box is always sent, ticked or not, so unticking it un-prefers the item", () => {
    const item = { sku: "TEA-1", supplier_sku: "", unit_cost: "18.00", min_order_qty: "", pack_size: "", lead_time_days: "" };
    expect(parseSupplierItem({ ...item, preferred: true })).toMatchObject({ ok: true, body: { item: { preferred: true } } });
    expect(parseSupplierItem({ ...item, preferred: false })).toMatchObject({ ok: true, body: { item: { preferred: false } } });
  });

  it("a webhook address is sent only when it differs from the supplier's, so an unchanged one keeps its signing secret", () => {
    expect(parseWebhookChange("https://leaf.example/po", "https://leaf.example/po")).toEqual({ ok: true, body: null });
    expect(parseWebhookChange("  https://leaf.example/po ", "https://leaf.example/po")).toEqual({ ok: true, body: null });
    expect(parseWebhookChange("", null)).toEqual({ ok: true, body: null });
    expect(parseWebhookChange("https://leaf.example/po2", "https://leaf.example/po")).toEqual({ ok: true, body: { webhook_url: "https://leaf.example/po2" } });
    expect(parseWebhookChange("https://leaf.example/po", null)).toEqual({ ok: true, body: { webhook_url: "https://leaf.example/po" } });
  });

  it("an emptied webhook address clears it; an address we may not call is refused before anything is sent", () => {
    expect(parseWebhookChange("", "https://leaf.example/po")).toEqual({ ok: true, body: { webhook_url: null } });
    for (const bad of ["http://leaf.example/po", "ftp://leaf.example", "https://user:pw@leaf.example/po", "leaf.example/po", `https://leaf.example/${"x".repeat(500)}`]) {
      expect(parseWebhookChange(bad, null)).toEqual({ ok: false, errors: { webhook_url: "webhook_url_invalid" } });
    }
    expect(parseWebhookChange("http://localhost:8788/po", null)).toEqual({ ok: true, body: { webhook_url: "http://localhost:8788/po" } });
  });
});

describe("purchase order forms", () => {
  it("a day is noon UTC of that day; a day that does not exist is refused", () => {
    expect(dayToMoment("2026-12-24")).toBe("2026-12-24T12:00:00Z");
    expect(dayToMoment("2026-02-30")).toBeNull();
    expect(dayToMoment("24/12/2026")).toBeNull();
  });

  const order = { supplier_id: "sup_1", warehouse_id: "wh_1", expected_date: "", note: "", skus: ["", "", ""], quantities: ["", "", ""], unit_costs: ["", "", ""] };

  it("a new order keeps the rows with something typed, and says which row each line came from", () => {
    const r = parseNewOrder({ ...order, expected_date: "2026-12-24", note: "rush", skus: ["", " TEA-1", "MUG-1"], quantities: ["", "50", "10"], unit_costs: ["", "", "3.5"] });
    expect(r).toEqual({
      ok: true,
      body: {
        supplier_id: "sup_1",
        warehouse_id: "wh_1",
        expected_at: "2026-12-24T12:00:00Z",
        note: "rush",
        lines: [
          { sku: "TEA-1", quantity: 50 },
          { sku: "MUG-1", quantity: 10, unit_cost: "3.5" },
        ],
      },
      rows: [1, 2],
    });
  });

  it("a new order: each bad field has its word, and an order needs a line", () => {
    expect(parseNewOrder({ ...order, supplier_id: "", warehouse_id: "" })).toEqual({
      ok: false,
      errors: { supplier_id: "required", warehouse_id: "required", lines: "lines_empty" },
    });
    expect(parseNewOrder({ ...order, expected_date: "soon", skus: ["TEA-1", "", "MUG-1"], quantities: ["0", "3", ""], unit_costs: ["1,50", "", ""] })).toEqual({
      ok: false,
      errors: { expected_date: "date_invalid", "quantity.0": "whole_positive", "unit_cost.0": "decimal", "sku.1": "required", "quantity.2": "required" },
    });
  });

  const lines = [
    { line_no: 1, sku: "TEA-1", quantity: 50, unit_cost: "18.00" },
    { line_no: 2, sku: "MUG-1", quantity: 10, unit_cost: "3.50" },
  ];

  it("a submitted order's change sends only what differs: new quantities by line, the date, the note", () => {
    const now = { status: "submitted", version: 3, lines, expected_day: "2026-12-20", note: "" };
    expect(parseOrderChange(now, { quantities: ["50", "10"], expected_date: "2026-12-20", note: "" })).toEqual({ ok: true, body: null, rows: [] });
    expect(parseOrderChange(now, { quantities: ["50", "12"], expected_date: "2026-12-27", note: "call first" })).toEqual({
      ok: true,
      body: { expected_version: 3, expected_at: "2026-12-27T12:00:00Z", note: "call first", quantities: [{ line_no: 2, quantity: 12 }] },
      rows: [1],
    });
    expect(parseOrderChange(now, { quantities: ["50", "10"], expected_date: "", note: "" })).toMatchObject({ body: { expected_at: null } });
    expect(parseOrderChange(now, { quantities: ["-1", "10"], expected_date: "2026-13-01", note: "" })).toEqual({
      ok: false,
      errors: { "quantity.0": "whole_zero_up", expected_date: "date_invalid" },
    });
  });

  it("a draft's change replaces its lines, keeping their prices; 0 takes a line off, and one must stay", () => {
    const now = { status: "draft", version: 1, lines, expected_day: "", note: "" };
    expect(parseOrderChange(now, { quantities: ["0", "20"], expected_date: "", note: "" })).toEqual({
      ok: true,
      body: { expected_version: 1, lines: [{ sku: "MUG-1", quantity: 20, unit_cost: "3.50" }] },
      rows: [1],
    });
    expect(parseOrderChange(now, { quantities: ["0", "0"], expected_date: "", note: "" })).toEqual({ ok: false, errors: { lines: "lines_empty" } });
  });
});

describe("the receiving form", () => {
  const form: ReceiveForm = { line_nos: ["1", "2"], bins: ["", ""], quantities: ["", ""], fx_rate: "", freight: "", duty: "", allocate_by: "", reason: "", reference: "" };

  it("each line with a quantity goes to its scanned bin; freight and duty are landed costs", () => {
    expect(parseReceipt({ ...form, bins: [" a-01\n", ""], quantities: ["6", ""], freight: "12.00", duty: "0", reference: "ASN-7" }, { needsRate: false })).toEqual({
      ok: true,
      body: { lines: [{ line_no: 1, bin: "A-01", quantity: 6 }], landed_costs: [{ kind: "freight", amount: "12.00" }], allocate_by: "value", reference: "ASN-7" },
      rows: [0],
    });
    expect(parseReceipt({ ...form, bins: ["", "b-2"], quantities: ["", "4"], fx_rate: "0.1385", allocate_by: "weight", reason: "kept the spare" }, { needsRate: true })).toEqual({
      ok: true,
      body: { lines: [{ line_no: 2, bin: "B-2", quantity: 4 }], fx_rate: "0.1385", allocate_by: "weight", reason: "kept the spare" },
      rows: [1],
    });
  });

  it("refuses an empty receipt, a line without its bin or quantity, and a missing or bad rate when one is needed", () => {
    expect(parseReceipt(form, { needsRate: false })).toEqual({ ok: false, errors: { lines: "receive_empty" } });
    expect(parseReceipt({ ...form, bins: ["A-01", ""], quantities: ["", "x"] }, { needsRate: true })).toEqual({
      ok: false,
      errors: { "quantity.0": "required", "quantity.1": "whole_positive", "bin.1": "required", fx_rate: "required" },
    });
    expect(parseReceipt({ ...form, bins: ["A-01", ""], quantities: ["1", ""], fx_rate: "0", freight: "lots" }, { needsRate: true })).toEqual({
      ok: false,
      errors: { fx_rate: "rate_invalid", freight: "decimal" },
    });
    // A rate typed where none is asked for is not sent.
    expect(parseReceipt({ ...form, bins: ["A-01", ""], quantities: ["1", ""], fx_rate: "7" }, { needsRate: false })).toMatchObject({ ok: true, body: { lines: [{ line_no: 1 }] } });
  });
});

describe("the API's answers on the forms", () => {
  it("puts a line's problem on the row it came from", () => {
    expect(formFieldOf("lines.1.sku", [0, 3])).toBe("sku.3");
    expect(formFieldOf("quantities.0.quantity", [1])).toBe("quantity.1");
    expect(formFieldOf("landed_costs.0.amount", [], ["duty"])).toBe("duty");
    expect(formFieldOf("fx_rate")).toBe("fx_rate");
  });

  it("has its own words for the API's messages, with their specifics", () => {
    expect(apiFieldWord("no product TEA-9 in the supplier's store")).toEqual({ key: "unknown_sku", values: { sku: "TEA-9" } });
    expect(apiFieldWord("the supplier's minimum is 50")).toEqual({ key: "below_minimum", values: { n: "50" } });
    expect(apiFieldWord("order whole packs of 25")).toEqual({ key: "whole_packs", values: { n: "25" } });
    expect(apiFieldWord('USD per CNY as on the day, like "7.1234": the order is in CNY, the warehouse keeps costs in USD')).toEqual({
      key: "fx_required",
      values: { to: "USD", from: "CNY" },
    });
    expect(apiFieldWord("no active bin Z-9 in this warehouse")).toEqual({ key: "unknown_bin" });
    expect(apiFieldWord("4 already arrived")).toEqual({ key: "below_received", values: { n: "4" } });
    expect(apiFieldWord("JPY has 0 decimal places; got 2")).toEqual({ key: "bad_amount" });
    expect(apiFieldWord("something new")).toBeNull();
  });
});
