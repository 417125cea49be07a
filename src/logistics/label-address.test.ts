import { describe, expect, it } from "vitest";
import { toAddress } from "./create-label";

describe("a label's ship-to", () => {
  it("keeps a Chinese address's district (区/县), which the courier needs", () => {
    const to = toAddress({ name: "张伟", line1: "科技园路1号", line2: null, district: "南山区", city: "深圳市", region: "广东省", postal_code: "518057", country: "CN" });
    expect(to.lines).toEqual(["科技园路1号", "南山区", "深圳市 广东省 518057"]);
  });
});
