/**
 * Text for pdf-lib's standard fonts (WinAnsi): what the font can draw stays,
 * accents it cannot draw are stripped (é -> e), and anything else prints as
 * "?". A document never fails to print over a customer's or supplier's name.
 */
import type { PDFFont } from "pdf-lib";

export function printable(font: PDFFont, s: string): string {
  const ok = new Set(font.getCharacterSet());
  return [...s.replace(/[\r\n\t]+/g, " ")]
    .map((ch) => {
      if (ok.has(ch.codePointAt(0)!)) return ch;
      const base = ch.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
      return base && [...base].every((c) => ok.has(c.codePointAt(0)!)) ? base : "?";
    })
    .join("");
}
