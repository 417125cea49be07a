import { describe, expect, it } from "vitest";
import { findingDetail } from "./finding-words";

const zh = (code: string, params: Record<string, string | number> | undefined, message = "the English") => findingDetail({ code, message, params }, "zh-CN");

describe("a finding's detail for staff in Chinese", () => {
  it("says it from the code and its params", () => {
    expect(zh("postal_code_invalid", { postal_code: "1234", country: "US", example: "94105" })).toEqual({ text: "“1234”不是美国的邮政编码（例如 94105）", lang: "zh-CN" });
    // The rule's example names two forms with an English "or".
    expect(zh("postal_code_invalid", { postal_code: "1011", country: "US", example: "94105 or 94105-1234" }).text).toBe("“1011”不是美国的邮政编码（例如 94105 或 94105-1234）");
    expect(zh("possible_duplicate", { order_id: "ord_1" }).text).toBe("与 ord_1 的顾客和商品相同");
    expect(zh("stock_insufficient", { sku: "TEA-1", wanted: 3, available: 0 }).text).toBe("TEA-1 需要 3 件，所有仓库共有 0 件可用");
    expect(zh("sku_unknown", { sku: "TEA-9" }).text).toBe("商品目录中没有 SKU TEA-9");
    expect(zh("awaiting_payment", { payment_status: "unpaid" }).text).toBe("付款状态：未付款");
    expect(zh("amount_over_threshold", { total: "44.30", currency: "USD", threshold: "10.00" }).text).toBe("合计 44.30 USD 超过 10.00");
    expect(zh("customer_blocked", { kind: "email" }).text).toBe("顾客的邮箱在黑名单中");
    expect(zh("buyer_note", { note: "ring twice" }).text).toBe("买家留言：“ring twice”");
    expect(zh("contact_missing", {}).text).toBe("没有可以联系顾客的邮箱或电话");
  });

  it("keeps the English, marked as English, for a code it does not know or a finding without its params", () => {
    expect(zh("a_new_rule", { x: 1 }, "Something new")).toEqual({ text: "Something new", lang: "en" });
    expect(zh("sku_unknown", undefined, "SKU TEA-9 is not in the catalogue")).toEqual({ text: "SKU TEA-9 is not in the catalogue", lang: "en" });
    expect(zh("sku_unknown", {}, "SKU TEA-9 is not in the catalogue").lang).toBe("en");
  });

  it("leaves English readers the API's message", () => {
    expect(findingDetail({ code: "sku_unknown", message: "SKU TEA-9 is not in the catalogue", params: { sku: "TEA-9" } }, "en")).toEqual({
      text: "SKU TEA-9 is not in the catalogue",
      lang: "en",
    });
  });
});
