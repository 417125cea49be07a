import { describe, expect, it } from "vitest";
import { customerStats, customerStatsOfGroups, nameTerms, normaliseTags, searchKind } from "./customer-rules";

const at = (d: number) => Date.UTC(2026, 10, d);

describe("a customer's figures", () => {
  it("counts every order but cancelled ones, and spends per currency in minor units", () => {
    const s = customerStats([
      { status: "completed", paymentStatus: "paid", currency: "USD", totalAmount: 1999, createdAt: at(1) },
      { status: "approved", paymentStatus: "paid", currency: "USD", totalAmount: 1000, createdAt: at(5) },
      { status: "cancelled", paymentStatus: "voided", currency: "USD", totalAmount: 5000, createdAt: at(9) },
      { status: "delivered", paymentStatus: "paid", currency: "JPY", totalAmount: 3000, createdAt: at(3) },
      { status: "completed", paymentStatus: "refunded", currency: "KWD", totalAmount: 12345, createdAt: at(4) },
    ]);
    expect(s.ordersCount).toBe(4);
    expect(s.spent).toEqual({ USD: 2999, JPY: 3000 });
    expect(s.averageOrder).toEqual({ USD: 1500, JPY: 3000 });
    expect(s.firstOrderAt).toBe(at(1));
    // The cancelled order is not the last order.
    expect(s.lastOrderAt).toBe(at(5));
    expect(s.mainCurrency).toBe("JPY");
    expect(s.mainSpent).toBe(3000);
  });

  it("has nothing to say of a customer whose orders were all cancelled", () => {
    const s = customerStats([{ status: "cancelled", paymentStatus: "unpaid", currency: "EUR", totalAmount: 100, createdAt: at(1) }]);
    expect(s).toMatchObject({ ordersCount: 0, spent: {}, firstOrderAt: null, lastOrderAt: null, mainCurrency: null, mainSpent: 0 });
  });

  it("comes out the same from grouped orders as from the orders one by one", () => {
    const orders = [
      { status: "completed", paymentStatus: "paid", currency: "USD", totalAmount: 1999, createdAt: at(1) },
      { status: "completed", paymentStatus: "paid", currency: "USD", totalAmount: 1000, createdAt: at(7) },
      { status: "cancelled", paymentStatus: "voided", currency: "USD", totalAmount: 5000, createdAt: at(9) },
      { status: "completed", paymentStatus: "refunded", currency: "USD", totalAmount: 700, createdAt: at(2) },
    ];
    const grouped = customerStatsOfGroups([
      { status: "completed", paymentStatus: "paid", currency: "USD", count: 2, totalAmount: 2999, firstAt: at(1), lastAt: at(7) },
      { status: "cancelled", paymentStatus: "voided", currency: "USD", count: 1, totalAmount: 5000, firstAt: at(9), lastAt: at(9) },
      { status: "completed", paymentStatus: "refunded", currency: "USD", count: 1, totalAmount: 700, firstAt: at(2), lastAt: at(2) },
    ]);
    expect(grouped).toEqual(customerStats(orders));
    expect(grouped).toMatchObject({ ordersCount: 3, spent: { USD: 2999 }, averageOrder: { USD: 1500 }, lastOrderAt: at(7) });
  });
});

describe("names, tags and the search box", () => {
  it("searches a name by its words and as a whole, whatever the case or width", () => {
    expect(nameTerms("  Ada   LOVELACE ")).toEqual(["ada lovelace", "ada", "lovelace"]);
    expect(nameTerms("王小明")).toEqual(["王小明"]);
    expect(nameTerms("Ｊｏｈｎ O'Neil-Smith")).toContain("john");
    expect(nameTerms(null)).toEqual([]);
  });

  it("keeps each tag once, in lower case", () => {
    expect(normaliseTags([" VIP ", "vip", "wholesale  buyer", ""])).toEqual(["vip", "wholesale buyer"]);
  });

  it("tells an email from a phone from a name", () => {
    expect(searchKind("Ada@Example.com")).toBe("email");
    expect(searchKind("+1 (415) 555-0100")).toBe("phone");
    expect(searchKind("13800138000")).toBe("phone");
    expect(searchKind("(415) 555-0100")).toBe("phone");
    expect(searchKind("Ada 2")).toBe("name");
    expect(searchKind("王小明")).toBe("name");
  });
});
