/**
 * A printable 4x6 inch shipping label (288 x 432 pt), one page per package:
 * carrier and service, from and to, weight, references, and the tracking
 * number as a Code 128 barcode with a quiet zone of ten modules each side.
 * pdf-lib writes the PDF (pure JS, runs in Workers); text uses Helvetica,
 * and Noto Sans SC is embedded (subset to the glyphs used) when an address or
 * name is in Chinese (src/lib/pdf-fonts.ts); a character neither font has is
 * transliterated or replaced, never a failure, and the barcode is unaffected.
 */
import { PDFDocument, rgb, type PDFPage } from "pdf-lib";
import { DocumentFonts } from "../lib/pdf-fonts";
import { code128Bars } from "./barcode";

export type LabelAddress = { name: string | null; lines: string[]; country: string };

export type LabelInput = {
  carrierName: string;
  serviceName: string;
  trackingNumber: string;
  from: LabelAddress;
  to: LabelAddress;
  packages: { weight_grams: number }[];
  reference: string;
  sandbox: boolean;
  createdAt: number;
};

const W = 288;
const H = 432;
const M = 14;
const BLACK = rgb(0, 0, 0);

/** Text cut to `maxWidth` (in the font it prints in) and drawn; `bold` in Helvetica Bold or outlined Noto Sans SC. */
function fitText(page: PDFPage, fonts: DocumentFonts, bold: boolean, text: string, x: number, y: number, size: number, maxWidth: number) {
  let t = [...text.replace(/[\r\n\t]+/g, " ")];
  while (t.length > 1 && fonts.width(t.join(""), size, bold) > maxWidth) t = t.slice(0, -1);
  fonts.draw(page, t.join(""), { x, y, size, bold, color: BLACK });
}

/** S10 numbers print as "RR 473 124 829 GB"; others in groups of four. */
export function humanReadable(n: string): string {
  const s10 = /^([A-Z]{2})(\d{3})(\d{3})(\d{3})([A-Z]{2})$/.exec(n);
  return s10 ? s10.slice(1).join(" ") : n.replace(/(.{4})(?=.)/g, "$1 ");
}

export async function labelPdf(input: LabelInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Label ${input.trackingNumber}`);
  doc.setProducer("edge-oms");
  doc.setCreationDate(new Date(input.createdAt));
  const fonts = await DocumentFonts.embed(doc, input);
  const bold = fonts.bold;
  const { bars, modules } = code128Bars(input.trackingNumber);
  const quiet = 10;
  const X = Math.min(1.2, (W - 2 * M) / (modules + 2 * quiet));
  const barsWidth = modules * X;
  const n = input.packages.length;

  input.packages.forEach((p, i) => {
    const page = doc.addPage([W, H]);
    const inner = W - 2 * M;
    page.drawRectangle({ x: 4, y: 4, width: W - 8, height: H - 8, borderColor: BLACK, borderWidth: 1.5 });
    let y = H - M - 16;
    fitText(page, fonts, true, input.carrierName.toUpperCase(), M, y, 16, inner * 0.65);
    fitText(page, fonts, true, input.serviceName, M, y - 16, 11, inner * 0.65);
    fitText(page, fonts, true, `${i + 1} of ${n}`, W - M - 44, y, 14, 44);
    if (input.sandbox) {
      page.drawRectangle({ x: M, y: y - 36, width: inner, height: 14, color: BLACK });
      page.drawText("SANDBOX - NOT FOR MAILING", { x: M + 4, y: y - 32, size: 9, font: bold, color: rgb(1, 1, 1) });
    }
    y -= 54;
    page.drawLine({ start: { x: M, y: y + 8 }, end: { x: W - M, y: y + 8 }, thickness: 1, color: BLACK });
    fitText(page, fonts, true, "FROM", M, y - 4, 7, 40);
    [input.from.name, ...input.from.lines, input.from.country]
      .filter((l): l is string => !!l)
      .slice(0, 4)
      .forEach((l, k) => {
        fitText(page, fonts, false, l, M + 34, y - 4 - k * 9, 8, inner - 34);
      });
    y -= 48;
    page.drawLine({ start: { x: M, y: y + 8 }, end: { x: W - M, y: y + 8 }, thickness: 1, color: BLACK });
    fitText(page, fonts, true, "SHIP TO", M, y - 6, 8, 60);
    [input.to.name, ...input.to.lines, input.to.country]
      .filter((l): l is string => !!l)
      .slice(0, 6)
      .forEach((l, k) => {
        fitText(page, fonts, k === 0, l, M + 8, y - 24 - k * 15, k === 0 ? 13 : 12, inner - 8);
      });
    y -= 110;
    page.drawLine({ start: { x: M, y: y + 8 }, end: { x: W - M, y: y + 8 }, thickness: 1, color: BLACK });
    fitText(page, fonts, false, `Weight ${(p.weight_grams / 1000).toFixed(2)} kg`, M, y - 6, 9, inner / 2);
    fitText(page, fonts, false, new Date(input.createdAt).toISOString().slice(0, 10), W - M - 60, y - 6, 9, 60);
    fitText(page, fonts, false, `Ref ${input.reference}`, M, y - 18, 8, inner);
    fitText(page, fonts, true, "TRACKING #", M, y - 34, 7, 80);

    // The barcode: vector bars, centred, with its human-readable line below.
    const barTop = 148;
    const barHeight = 80;
    const left = (W - barsWidth) / 2;
    for (const b of bars) page.drawRectangle({ x: left + b.x * X, y: barTop - barHeight, width: b.width * X, height: barHeight, color: BLACK });
    const human = humanReadable(input.trackingNumber);
    const size = 12;
    fonts.draw(page, human, { x: (W - fonts.width(human, size, true)) / 2, y: barTop - barHeight - 18, size, bold: true });
  });
  return doc.save();
}
