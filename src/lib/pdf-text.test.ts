import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { canPrint, charset, printable } from "./pdf-text";

describe("text as Helvetica prints it", async () => {
  const helvetica = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);

  it("keeps WinAnsi, strips accents it lacks, and prints the rest as ?", () => {
    expect(printable(helvetica, "Zoë Ångström")).toBe("Zoë Ångström");
    expect(printable(helvetica, "Łódź Wrocław")).toBe("?ódz Wroc?aw"); // ó is WinAnsi; ź loses its accent; Ł and ł have no decomposition;
    expect(printable(helvetica, "张三 Maya")).toBe("?? Maya");
    expect(printable(helvetica, "line\none\ttwo")).toBe("line one two");
  });

  it("says which characters it prints, counting stripped accents, and computes the set once per font", () => {
    expect(canPrint(helvetica, "é")).toBe(true);
    expect(canPrint(helvetica, "ő")).toBe(true);
    expect(canPrint(helvetica, "?")).toBe(true);
    expect(canPrint(helvetica, "张")).toBe(false);
    expect(charset(helvetica)).toBe(charset(helvetica));
  });
});
