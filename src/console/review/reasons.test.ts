import { describe, expect, it } from "vitest";
import { HOLD_REASON_CODES } from "../../audit/reason-codes";
import { REASON_TEXT, reasonText } from "./reasons";

describe("hold reasons in staff's words", () => {
  it("has English and Chinese text for every code an order can be held for, and nothing else", () => {
    for (const lang of ["en", "zh-CN"] as const) {
      expect(Object.keys(REASON_TEXT[lang]).sort()).toEqual([...HOLD_REASON_CODES].sort());
      for (const code of HOLD_REASON_CODES) expect(reasonText(code, lang), `${lang} ${code}`).not.toBe(code);
    }
  });

  it("shows a code it does not know as the code itself", () => {
    expect(reasonText("brand_new_rule", "zh-CN")).toBe("brand_new_rule");
  });
});
