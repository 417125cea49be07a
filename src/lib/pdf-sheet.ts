/**
 * An A4 business document written top to bottom: the purchase order and the
 * invoice. It keeps the pen's height (`y`), writes left- and right-aligned
 * text in the document's fonts (./pdf-fonts.ts: Helvetica, and Noto Sans SC
 * when the document's content has Chinese), labelled blocks (a grey title
 * over lines), rules, and a table whose header repeats on each new page.
 * Widths are measured, so a line of hanzi (twice as wide as Latin) is cut to
 * its column rather than running into the next.
 */
import { PDFDocument, type PDFPage, rgb } from "pdf-lib";
import { DocumentFonts } from "./pdf-fonts";

export const A4 = { W: 595, H: 842, M: 48 } as const;
const BLACK = rgb(0, 0, 0);
export const GREY = rgb(0.4, 0.4, 0.4);

/** `width`: at most that many characters; in Chinese, no wider than that many average Latin characters at 10 pt. */
export type Column = { title: string; x: number; align?: "right"; width?: number };

/** Helvetica's average character at 10 pt, in points: what a column's `width` in characters means in space. */
const CHAR_PT = 5.2;

export class Sheet {
  page: PDFPage;
  y: number = A4.H - A4.M;

  private constructor(
    private readonly pdf: PDFDocument,
    readonly fonts: DocumentFonts,
  ) {
    this.page = pdf.addPage([A4.W, A4.H]);
  }

  /** A new document; `content` (any JSON value: the document's data) decides whether the Chinese font is embedded. */
  static async create(title: string, content: unknown): Promise<Sheet> {
    const pdf = await PDFDocument.create();
    pdf.setTitle(title);
    pdf.setCreator("edge-oms");
    return new Sheet(pdf, await DocumentFonts.embed(pdf, content));
  }

  text(s: string, x: number, size = 10, bold = false, color = BLACK): void {
    this.fonts.draw(this.page, s, { x, y: this.y, size, bold, color });
  }

  right(s: string, xRight: number, size = 10, bold = false, color = BLACK): void {
    this.fonts.draw(this.page, s, { x: xRight - this.fonts.width(s, size, bold), y: this.y, size, bold, color });
  }

  /** A grey title with lines under it (each at most 60 characters; in Chinese, `maxWidth` wide), from `top` down; returns where it ended. */
  block(title: string, lines: string[], x: number, top: number = this.y, maxWidth = A4.W / 2 - A4.M - 12): number {
    let yy = top;
    this.fonts.draw(this.page, title, { x, y: yy, size: 9, bold: true, color: GREY });
    for (const l of lines) {
      yy -= 14;
      this.fonts.draw(this.page, this.fonts.clip(l.slice(0, 60), 10, maxWidth), { x, y: yy, size: 10 });
    }
    return yy;
  }

  rule(at: number = this.y): void {
    this.page.drawLine({ start: { x: A4.M, y: at }, end: { x: A4.W - A4.M, y: at }, thickness: 0.5, color: GREY });
  }

  /** Rows under a header; a row that would run into the bottom margin (`reserve` above it) starts a new page and header. */
  table(columns: Column[], rows: string[][], reserve = 80): void {
    const header = () => {
      for (const c of columns) c.align === "right" ? this.right(c.title, c.x, 9, true, GREY) : this.text(c.title, c.x, 9, true, GREY);
      this.y -= 6;
      this.rule();
      this.y -= 14;
    };
    header();
    for (const row of rows) {
      if (this.y < A4.M + reserve) {
        this.page = this.pdf.addPage([A4.W, A4.H]);
        this.y = A4.H - A4.M;
        header();
      }
      row.forEach((cell, i) => {
        const c = columns[i]!;
        const s = c.width ? this.fonts.clip(cell.slice(0, c.width), 10, c.width * CHAR_PT) : cell;
        c.align === "right" ? this.right(s, c.x) : this.text(s, c.x);
      });
      this.y -= 16;
    }
    this.rule(this.y + 8);
  }

  save(): Promise<Uint8Array> {
    return this.pdf.save();
  }
}
