import { describe, expect, it } from "vitest";
import { addressLines, invoiceDocument, isInvoiceable, numberText } from "./invoice-rules";

const source = {
  store: { name: "Demo Store", invoicing: null },
  order: {
    id: "ord_1",
    externalId: "#1001",
    channel: "web",
    createdAt: 0,
    customerName: "Ada Lovelace",
    customerEmail: "ada@example.com",
    shippingAddress: { name: "Ada Lovelace", line1: "1 Main St", line2: null, city: "Springfield", region: "IL", postal_code: "62701", country: "US" },
    currency: "JPY",
    subtotalAmount: 3000,
    shippingAmount: 500,
    discountAmount: 200,
    taxAmount: 330,
    totalAmount: 3630,
    paymentStatus: "paid",
  },
  lines: [{ lineNo: 1, sku: "TEA-1", name: "Tea", quantity: 3, unitPrice: 1000, totalAmount: 3000 }],
};

describe("invoice rules", () => {
  it("invoice orders once accepted, and never a cancelled or undecided one", () => {
    expect(["approved", "processing", "shipped", "delivered", "completed"].every(isInvoiceable)).toBe(true);
    expect(["received", "on_hold", "cancelled"].some(isInvoiceable)).toBe(false);
  });

  it("print numbers with the prefix and six digits at least", () => {
    expect(numberText("INV-", 42)).toBe("INV-000042");
    expect(numberText("", 1234567)).toBe("1234567");
  });

  it("take the amounts in the order's currency's minor units, exactly", () => {
    const doc = invoiceDocument(source);
    expect(doc).toMatchObject({ currency: "JPY", subtotal: "3000", shipping: "500", discount: "200", tax: "330", total: "3630" });
    expect(doc.lines).toEqual([{ line_no: 1, sku: "TEA-1", name: "Tea", quantity: 3, unit_price: "1000", total: "3000" }]);
    const kwd = invoiceDocument({ ...source, order: { ...source.order, currency: "KWD", totalAmount: 12345 }, lines: [] });
    expect(kwd.total).toBe("12.345");
  });

  it("name the seller by its legal details when the store has them, else by its name", () => {
    expect(invoiceDocument(source).seller).toEqual({ name: "Demo Store", address: null, tax_id: null });
    const withDetails = invoiceDocument({
      ...source,
      store: { name: "Demo Store", invoicing: { legal_name: "Demo Trading Ltd", address: "2 Dock Rd", tax_id: "GB123", prefix: "D-" } },
    });
    expect(withDetails.seller).toEqual({ name: "Demo Trading Ltd", address: "2 Dock Rd", tax_id: "GB123" });
  });

  it("print the buyer's address line by line, leaving out what is empty", () => {
    expect(addressLines(source.order.shippingAddress)).toEqual(["Ada Lovelace", "1 Main St", "Springfield", "IL 62701", "US"]);
    expect(addressLines({ name: "王芳", line1: "科技园1号", district: "南山区", city: "深圳市", region: "广东省", postal_code: "518057", country: "CN" })).toEqual([
      "王芳",
      "科技园1号",
      "南山区, 深圳市",
      "广东省 518057",
      "CN",
    ]);
  });
});
