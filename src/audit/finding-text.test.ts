import { describe, expect, it } from "vitest";
import { LANGUAGES } from "../notifications/templates";
import { CONFIRMABLE, CUSTOMER_FACING, CUSTOMER_FIXABLE } from "./customer-actions";
import { CUSTOMER_TEXT, customerReasons, customerTextOf } from "./finding-text";

const HAN = /\p{Script=Han}/u;

describe("customer-facing finding text", () => {
  it("every code the customer can fix or confirm has its text in every language, with and without params", () => {
    expect([...CUSTOMER_FACING].sort()).toEqual([...new Set([...Object.keys(CUSTOMER_FIXABLE), ...CONFIRMABLE])].sort());
    for (const code of CUSTOMER_FACING) {
      for (const lang of LANGUAGES) {
        const text = CUSTOMER_TEXT[code]?.[lang];
        expect(text, `${code} ${lang}`).toBeTypeOf("function");
        for (const params of [{}, { field: "city", country: "CN", postal_code: "2000", example: "200001", phone: "12345" }]) {
          const line = text!(params);
          expect(line.length, `${code} ${lang}`).toBeGreaterThan(5);
          expect(HAN.test(line), `${code} ${lang}: ${line}`).toBe(lang === "zh-CN");
        }
      }
    }
  });

  it("renders a postal code finding in the customer's language from its params", () => {
    const reason = { code: "postal_code_invalid", params: [{ postal_code: "2000", country: "CN", example: "200001" }] };
    expect(customerTextOf(reason, "zh-CN")).toEqual(["“2000”不是中国的邮政编码（例如 200001）。"]);
    expect(customerTextOf(reason, "en")).toEqual(['"2000" is not a postal code in China (for example 200001).']);
  });

  it("still renders reasons recorded before params were kept", () => {
    expect(customerTextOf({ code: "postal_code_invalid" }, "zh-CN")).toEqual(["邮政编码与收货地的格式不符。"]);
    expect(customerTextOf({ code: "address_incomplete", params: null }, "en")).toEqual(["The delivery address is incomplete."]);
    expect(customerTextOf({ code: "address_incomplete", params: [{}] }, "en")).toEqual(["The delivery address is incomplete."]);
  });

  it("one line per finding behind a reason, without repeats", () => {
    const reason = { code: "address_incomplete", params: [{ field: "name" }, { field: "city" }, { field: "city" }] };
    expect(customerTextOf(reason, "zh-CN")).toEqual(["收货地址缺少收货人姓名。", "收货地址缺少城市。"]);
  });

  it("tells the customer nothing of reasons that are staff's business", () => {
    const internal = [
      { code: "amount_over_threshold", params: [{ total: "5000.00", currency: "USD", threshold: "1000.00" }] },
      { code: "possible_duplicate", params: [{ order_id: "ord_01KB2R8W3D4C9QJ6H7ZNEXAMPLE" }] },
      { code: "manual", params: null },
      { code: "finance_review" },
      { code: "customer_blocked", params: [{ kind: "email" }] },
    ];
    for (const lang of LANGUAGES) expect(customerReasons(internal, lang)).toEqual([]);
    expect(customerReasons([...internal, { code: "contact_missing" }], "en")).toEqual(["We have no email address or phone number to reach you."]);
  });
});
