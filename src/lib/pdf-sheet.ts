/**
 * An A4 business document written top to bottom: the purchase order and the
 * invoice. It keeps the pen's height (`y`), writes left- and right-aligned
 * text through `printable` (./pdf-text.ts), labelled blocks (a grey title
 * over lines), rules, and a table whose header repeats on each new page.
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { printable } from "./pdf-text";

export const A4 = { W: 595, H: 842, M: 48 } as const;
const BLACK = rgb(0, 0, 0);
export const GREY = rgb(0.4, 0.4, 0.4);

export type Column = { title: string; x: number; align?: "right"; width?: number };

export class Sheet {
  page: PDFPage;
  y: number = A4.H - A4.M;

  private constructor(
    private readonly pdf: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.page = pdf.addPage([A4.W, A4.H]);
  }

  static async create(title: string): Promise<Sheet> {
    const pdf = await PDFDocument.create();
    pdf.setTitle(title);
    pdf.setCreator("edge-oms");
    return new Sheet(pdf, await pdf.embedFont(StandardFonts.Helvetica), await pdf.embedFont(StandardFonts.HelveticaBold));
  }

  text(s: string, x: number, size = 10, f: PDFFont = this.font, color = BLACK): void {
    this.page.drawText(printable(f, s), { x, y: this.y, size, font: f, color });
  }

  right(s: string, xRight: number, size = 10, f: PDFFont = this.font, color = BLACK): void {
    const t = printable(f, s);
    this.page.drawText(t, { x: xRight - f.widthOfTextAtSize(t, size), y: this.y, size, font: f, color });
  }

  /** A grey title with lines under it, from `top` down; returns where it ended. */
  block(title: string, lines: string[], x: number, top: number = this.y): number {
    let yy = top;
    this.page.drawText(title, { x, y: yy, size: 9, font: this.bold, color: GREY });
    for (const l of lines) {
      yy -= 14;
      this.page.drawText(printable(this.font, l.slice(0, 60)), { x, y: yy, size: 10, font: this.font, color: BLACK });
    }
    return yy;
  }

  rule(at: number = this.y): void {
    this.page.drawLine({ start: { x: A4.M, y: at }, end: { x: A4.W - A4.M, y: at }, thickness: 0.5, color: GREY });
  }

  /** Rows under a header; a row that would run into the bottom margin (`reserve` above it) starts a new page and header. */
  table(columns: Column[], rows: string[][], reserve = 80): void {
    const header = () => {
      for (const c of columns) c.align === "right" ? this.right(c.title, c.x, 9, this.bold, GREY) : this.text(c.title, c.x, 9, this.bold, GREY);
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
        const s = c.width ? cell.slice(0, c.width) : cell;
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
