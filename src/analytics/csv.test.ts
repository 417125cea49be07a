import { describe, expect, it } from "vitest";
import { csvCell, csvLine, csvResponse } from "./csv";

describe("csvCell", () => {
  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\r")).toBe('"cr\r"');
    expect(csvCell("")).toBe("");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(true)).toBe("true");
    expect(csvCell("ünïcødé ✓")).toBe("ünïcødé ✓");
  });

  it("defuses formulas but leaves numbers alone", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("-12.50")).toBe("-12.50");
    expect(csvCell("-5")).toBe("-5");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("joins a line with CRLF", () => {
    expect(csvLine(["a", 1, null, "x,y"])).toBe('a,1,,"x,y"\r\n');
  });
});

describe("csvResponse", () => {
  it("streams the header, then each page as it is pulled", async () => {
    let pulled = 0;
    async function* pages() {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield [[`row${i}`, i]];
      }
    }
    const res = await csvResponse("report 1.csv", ["name", "n"], pages());
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="report_1.csv"');
    expect(pulled).toBe(1);
    expect(await res.text()).toBe("name,n\r\nrow0,0\r\nrow1,1\r\nrow2,2\r\n");
    expect(pulled).toBe(3);
  });

  it("a failure on the first page rejects before any response exists", async () => {
    // biome-ignore lint/correctness/useYield: the first page fails, so it never yields
    async function* failing(): AsyncGenerator<unknown[][]> {
      throw new Error("D1 down");
    }
    await expect(csvResponse("x.csv", ["a"], failing())).rejects.toThrow("D1 down");
  });
});
