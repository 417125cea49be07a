/**
 * The fonts a business document prints with. Helvetica (pdf-lib's standard font: nothing embedded) draws what it
 * can; Noto Sans SC (a Simplified Chinese, kana and Latin subset committed beside this file, made by
 * scripts/subset-cjk-font.py) is embedded only when the document's text holds a character Helvetica cannot draw and
 * the subset can, and then subset again by pdf-lib so the PDF carries only the glyphs it prints. A Latin-only
 * document is byte for byte what it was before.
 *
 * A string with such a character is drawn whole in Noto Sans SC (its Latin letters and digits sit well beside the
 * hanzi); characters neither font has still print as "?" (./pdf-text.ts), never a failure. Noto Sans SC has one
 * weight here: bold Chinese is drawn with a thin outline over the fill.
 *
 * Invariant: the parsed font is cached per isolate as a finished value (fontkit parses synchronously), never a
 * pending promise.
 */
import fontkit from "@pdf-lib/fontkit";
import {
  type Color,
  type PDFDocument,
  type PDFFont,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  StandardFonts,
  setLineWidth,
  setStrokingColor,
  setTextRenderingMode,
  TextRenderingMode,
} from "pdf-lib";
import notoSansSc from "./fonts/noto-sans-sc-subset.ttf.bin";
import { canPrint, charset, printable } from "./pdf-text";

type Fontkit = Parameters<PDFDocument["registerFontkit"]>[0];
type ParsedFont = ReturnType<Fontkit["create"]>;

const CJK_BYTES = new Uint8Array(notoSansSc);
let parsed: { font: ParsedFont; chars: Set<number> } | undefined;

function cjkFont() {
  if (!parsed) {
    const font = fontkit.create(CJK_BYTES);
    parsed = { font, chars: new Set(font.characterSet) };
  }
  return parsed;
}

/** fontkit for pdf-lib, answering for our font with the parsed one this isolate already holds. */
const cachingFontkit: Fontkit = {
  create: (bytes, postscriptName) => (bytes === CJK_BYTES ? cjkFont().font : fontkit.create(bytes, postscriptName)),
};

/** Whether `text` holds a character `latin` cannot print (even with its accent stripped) that Noto Sans SC can. */
export function needsCjk(latin: PDFFont, text: string): boolean {
  let chars: Set<number> | undefined;
  for (const ch of text) {
    if (ch < "\u0080" || canPrint(latin, ch)) continue;
    chars ??= cjkFont().chars;
    if (chars.has(ch.codePointAt(0)!)) return true;
  }
  return false;
}

const BLACK = rgb(0, 0, 0);

export type DrawOptions = { x: number; y: number; size: number; bold?: boolean; color?: Color };

export class DocumentFonts {
  private constructor(
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    /** Embedded only when the document needs it. */
    readonly cjk: PDFFont | null,
  ) {}

  /** Helvetica and Helvetica Bold, and Noto Sans SC when any string in `content` (any JSON value) needs it. */
  static async embed(pdf: PDFDocument, content: unknown): Promise<DocumentFonts> {
    const regular = await pdf.embedFont(StandardFonts.Helvetica);
    const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
    if (!needsCjk(regular, JSON.stringify(content) ?? "")) return new DocumentFonts(regular, bold, null);
    pdf.registerFontkit(cachingFontkit);
    return new DocumentFonts(regular, bold, await pdf.embedFont(CJK_BYTES, { subset: true }));
  }

  /** The font `s` is drawn with, the text as that font prints it, and whether bold must be drawn by outlining. */
  fit(s: string, bold = false): { font: PDFFont; text: string; outline: boolean } {
    const latin = bold ? this.bold : this.regular;
    const cjk = this.cjk !== null && [...s].some((ch) => ch >= "\u0080" && !canPrint(latin, ch) && charset(this.cjk!).has(ch.codePointAt(0)!));
    const font = cjk ? this.cjk! : latin;
    return { font, text: printable(font, s), outline: Boolean(cjk && bold) };
  }

  width(s: string, size: number, bold = false): number {
    const { font, text } = this.fit(s, bold);
    return font.widthOfTextAtSize(text, size);
  }

  /**
   * `s` cut (from the end) until it is at most `maxWidth` wide, when it prints in the Chinese font (a hanzi is as
   * wide as two Latin letters, so a cut by character count overflows). Latin text is left as it always printed.
   */
  clip(s: string, size: number, maxWidth: number, bold = false): string {
    if (this.fit(s, bold).font !== this.cjk) return s;
    let chars = [...s];
    while (chars.length > 1 && this.width(chars.join(""), size, bold) > maxWidth) chars = chars.slice(0, -1);
    return chars.join("");
  }

  draw(page: PDFPage, s: string, { x, y, size, bold = false, color = BLACK }: DrawOptions): void {
    const { font, text, outline } = this.fit(s, bold);
    if (!outline) {
      page.drawText(text, { x, y, size, font, color });
      return;
    }
    // Synthetic bold: fill and stroke the glyphs (text rendering mode 2) with a line a thirtieth of the size.
    page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.FillAndOutline), setLineWidth(size / 30), setStrokingColor(color));
    page.drawText(text, { x, y, size, font, color });
    page.pushOperators(popGraphicsState());
  }
}
