import { describe, expect, it } from "vitest";
import { actorLabel, COMMON, orderHappenedLabel } from "./text";

describe("who did it, in the reader's language", () => {
  it("gives people and keys the API's name, in either language", () => {
    expect(actorLabel("en", "usr_1", "Sam Support")).toBe("Sam Support");
    expect(actorLabel("zh-CN", "usr_1", "Sam Support")).toBe("Sam Support");
    expect(actorLabel("zh-CN", "key_1", "Storefront key")).toBe("Storefront key");
    expect(actorLabel("en", "usr_gone", null)).toBe("usr_gone");
  });

  it("names the actors that are not people in Chinese, and leaves the English to the API", () => {
    expect(actorLabel("en", "bootstrap", "bootstrap admin key")).toBe("bootstrap admin key");
    expect(actorLabel("zh-CN", "bootstrap", "bootstrap admin key")).toBe("初始管理员密钥");
    expect(actorLabel("zh-CN", "system:audit", "system (audit)")).toBe("系统（自动审核）");
    expect(actorLabel("zh-CN", "system:backorder-retry", "system (backorder retry)")).toBe("系统（缺货重试）");
    expect(actorLabel("zh-CN", "system:something-new", "system (something new)")).toBe("系统（something-new）");
    expect(actorLabel("zh-CN", "customer", "the customer")).toBe("顾客");
    expect(actorLabel("zh-CN", "system", "system")).toBe("系统");
    expect(actorLabel("zh-CN", "channel:chn_1", "channel connection chn_1")).toBe("渠道连接 chn_1");
  });
});

describe("the order's timeline", () => {
  it("tells what happened, not the button, and falls back to the button's words or the code", () => {
    expect(orderHappenedLabel(COMMON.en, "approve")).toBe("Approved");
    expect(orderHappenedLabel(COMMON["zh-CN"], "hold")).toBe("已挂起");
    expect(orderHappenedLabel(COMMON.en, "payment_updated")).toBe("Payment updated");
    expect(orderHappenedLabel(COMMON.en, "received")).toBe("received");
  });
});
