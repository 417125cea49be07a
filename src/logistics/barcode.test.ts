import bwip from "bwip-js/generic";
import { describe, expect, it } from "vitest";
import { code128Bars } from "./barcode";

describe("code128Bars", () => {
  it("matches bwip-js's own bar/space widths for the symbol (sbs), bar for bar", () => {
    for (const text of ["SB473124829ZZ", "9400136208303389427536", "A", "abcXYZ-01", "1Z999AA10123456784"]) {
      const raw = (bwip as unknown as { raw(bcid: string, text: string, opts: string): { sbs: number[] }[] }).raw("code128", text, "");
      const expected: { x: number; width: number }[] = [];
      let x = 0;
      raw[0]!.sbs.forEach((w, i) => {
        if (i % 2 === 0) expected.push({ x, width: w });
        x += w;
      });
      const { bars, modules } = code128Bars(text);
      expect(bars, text).toEqual(expected);
      expect(modules).toBe(x);
    }
  });
});
