/**
 * Text as a font can print it: what the font can draw stays, accents it cannot draw are stripped (é -> e), and
 * anything else prints as "?". A document never fails to print over a customer's or supplier's name. Helvetica
 * draws WinAnsi; the Chinese font embedded when a document needs it (./pdf-fonts.ts) draws its subset.
 */
import type { PDFFont } from "pdf-lib";

const charsets = new WeakMap<PDFFont, Set<number>>();

/** The code points `font` draws, computed once per font (a CJK font has thousands). */
export function charset(font: PDFFont): Set<number> {
  let set = charsets.get(font);
  if (!set) charsets.set(font, (set = new Set(font.getCharacterSet())));
  return set;
}

/** Whether `font` prints `ch` as itself or as its letter with the accent stripped. */
export function canPrint(font: PDFFont, ch: string): boolean {
  return printed(charset(font), ch) !== "?" || ch === "?";
}

function printed(ok: Set<number>, ch: string): string {
  if (ok.has(ch.codePointAt(0)!)) return ch;
  const base = ch.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  return base && [...base].every((c) => ok.has(c.codePointAt(0)!)) ? base : "?";
}

export function printable(font: PDFFont, s: string): string {
  const ok = charset(font);
  return [...s.replace(/[\r\n\t]+/g, " ")].map((ch) => printed(ok, ch)).join("");
}
