/**
 * A purchase order as the supplier receives it: one A4 document (more pages
 * when the lines do not fit) with who orders, the supplier, where to deliver
 * and by when, the lines with the supplier's codes, quantities, prices and
 * totals, the payment terms and the note. pdf-lib with Helvetica, as the
 * shipping label (src/logistics/label-pdf.ts): characters outside its
 * WinAnsi set print as "?", never a failure.
 */
import { PDFDocument, rgb, StandardFonts, type PDFPage } from "pdf-lib";
import { printable } from "../lib/pdf-text";

export type PurchaseOrderDocument = {
  id: string;
  storeName: string;
  supplier: { name: string; contactName: string | null; email: string | null; phone: string | null; paymentTerms: string | null };
  deliverTo: { name: string; country: string; region: string | null };
  currency: string;
  submittedAt: number | null;
  expectedAt: number | null;
  note: string | null;
  lines: { lineNo: number; sku: string; supplierSku: string | null; quantity: number; unitCost: string; total: string }[];
  total: string;
};

const W = 595;
const H = 842;
const M = 48;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.4, 0.4, 0.4);

const day = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString().slice(0, 10));

export async function purchaseOrderPdf(doc: PurchaseOrderDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Purchase order ${doc.id}`);
  pdf.setCreator("edge-oms");
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let page: PDFPage = pdf.addPage([W, H]);
  let y = H - M;
  const text = (s: string, x: number, size = 10, f = font, color = BLACK) => page.drawText(printable(f, s), { x, y, size, font: f, color });
  const right = (s: string, xRight: number, size = 10, f = font) => {
    const t = printable(f, s);
    page.drawText(t, { x: xRight - f.widthOfTextAtSize(t, size), y, size, font: f, color: BLACK });
  };

  text("PURCHASE ORDER", M, 18, bold);
  right(doc.id, W - M, 11, bold);
  y -= 22;
  text(doc.storeName, M, 11);
  right(`Submitted ${day(doc.submittedAt)}   Due ${day(doc.expectedAt)}`, W - M, 10);
  y -= 30;

  const block = (title: string, lines: string[], x: number, top: number) => {
    let yy = top;
    page.drawText(title, { x, y: yy, size: 9, font: bold, color: GREY });
    for (const l of lines) {
      yy -= 14;
      page.drawText(printable(font, l), { x, y: yy, size: 10, font, color: BLACK });
    }
    return yy;
  };
  const s = doc.supplier;
  const a = block("SUPPLIER", [s.name, ...[s.contactName, s.email, s.phone].filter((v): v is string => Boolean(v))], M, y);
  const b = block("DELIVER TO", [doc.deliverTo.name, [doc.deliverTo.region, doc.deliverTo.country].filter(Boolean).join(", ")], W / 2, y);
  y = Math.min(a, b) - 28;

  const cols = { line: M, sku: M + 28, code: M + 150, qty: W - M - 190, unit: W - M - 95, total: W - M };
  const header = () => {
    text("#", cols.line, 9, bold, GREY);
    text("SKU", cols.sku, 9, bold, GREY);
    text("SUPPLIER CODE", cols.code, 9, bold, GREY);
    right("QTY", cols.qty, 9, bold);
    right(`UNIT (${doc.currency})`, cols.unit, 9, bold);
    right(`TOTAL (${doc.currency})`, cols.total, 9, bold);
    y -= 6;
    page.drawLine({ start: { x: M, y }, end: { x: W - M, y }, thickness: 0.5, color: GREY });
    y -= 14;
  };
  header();
  for (const l of doc.lines) {
    if (y < M + 80) {
      page = pdf.addPage([W, H]);
      y = H - M;
      header();
    }
    text(String(l.lineNo), cols.line);
    text(l.sku.slice(0, 22), cols.sku);
    text((l.supplierSku ?? "").slice(0, 22), cols.code);
    right(String(l.quantity), cols.qty);
    right(l.unitCost, cols.unit);
    right(l.total, cols.total);
    y -= 16;
  }
  page.drawLine({ start: { x: M, y: y + 8 }, end: { x: W - M, y: y + 8 }, thickness: 0.5, color: GREY });
  y -= 6;
  right(`Total ${doc.currency} ${doc.total}`, W - M, 12, bold);
  y -= 28;
  if (s.paymentTerms) {
    text(`Payment terms: ${s.paymentTerms}`, M);
    y -= 16;
  }
  if (doc.note) text(`Note: ${doc.note.slice(0, 120)}`, M);
  return pdf.save();
}
