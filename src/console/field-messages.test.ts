import { z } from "zod";
import { describe, expect, it } from "vitest";
import { zhFieldMessage, zhValidationDetail } from "./field-messages";

/** zod's own English message for `value` against `schema`, so the patterns are checked against the library we run. */
const messageOf = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error("expected a refusal");
  return r.error.issues[0]!.message;
};

describe("zhFieldMessage", () => {
  it("says zod's messages in Chinese, with their numbers and choices", () => {
    const cases: [z.ZodType, unknown, string][] = [
      [z.object({ name: z.string() }), {}, "必填"],
      [z.string(), 7, "应为文本"],
      [z.number(), "7", "应为数字"],
      [z.string().min(1), "", "不能为空"],
      [z.string().min(12), "short", "至少 12 个字符"],
      [z.string().max(100), "x".repeat(101), "最多 100 个字符"],
      [z.array(z.string()).min(1), [], "至少 1 项"],
      [z.array(z.string()).max(2), ["a", "b", "c"], "最多 2 项"],
      [z.number().int().min(0), -1, "不能小于 0"],
      [z.number().positive(), 0, "必须大于 0"],
      [z.number().max(500), 501, "不能大于 500"],
      [z.enum(["en", "zh-CN"]), "fr", "请从以下选择：en、zh-CN"],
      [z.string().email(), "not-an-email", "邮箱地址格式不正确"],
      [z.string().regex(/^\d+$/), "abc", "格式不正确"],
      [z.object({ a: z.string() }).strict(), { a: "x", positions: [] }, "不能在此修改：positions"],
    ];
    for (const [schema, value, zh] of cases) expect(zhFieldMessage(messageOf(schema, value)), messageOf(schema, value)).toBe(zh);
  });

  it("says our shared messages in Chinese and leaves the rest in the API's English", () => {
    expect(zhFieldMessage("no such store")).toBe("没有这个店铺");
    expect(zhFieldMessage("must be a currency code")).toBe("必须是货币代码（如 CNY、USD）");
    expect(zhFieldMessage("the shipment has no weighed packages yet")).toBe("the shipment has no weighed packages yet");
  });
});

describe("zhValidationDetail", () => {
  it("keeps each field name and says each message in Chinese", () => {
    expect(zhValidationDetail('display_name: Too small: expected string to have >=1 characters; locale: Invalid option: expected one of "en"|"zh-CN"')).toBe(
      "display_name：不能为空；locale：请从以下选择：en、zh-CN",
    );
    expect(zhValidationDetail("the body is not JSON")).toBe("the body is not JSON");
  });
});
