import { describe, expect, it } from "vitest";
import { problemText } from "./problems";

describe("refusals in the reader's language", () => {
  it("says a wrong sign-in in Chinese alone: the API's English detail only repeats it", () => {
    const problem = { code: "sign_in_failed", detail: "The email or password is not right" };
    expect(problemText(problem, "zh-CN")).toBe("邮箱或密码不正确。");
    expect(problemText(problem, "en")).toBe("The email or password is not right.");
  });

  it("keeps the detail after the line where it names what was refused", () => {
    const problem = { code: "insufficient_stock", detail: "TEA-1: 3 wanted, 1 available" };
    expect(problemText(problem, "zh-CN")).toBe("库存不足。（TEA-1: 3 wanted, 1 available）");
    expect(problemText(problem, "en")).toBe("Not enough stock.");
  });

  it("falls back to the API's detail for a code it has no words for, and to its own line for nothing at all", () => {
    expect(problemText({ code: "something_new", detail: "A new refusal" }, "zh-CN")).toBe("A new refusal");
    expect(problemText({}, "zh-CN")).toBe("服务端出错，请重试。");
  });
});
