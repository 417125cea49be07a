/**
 * An invoice as the customer receives it: one A4 document (more pages when
 * the lines do not fit) with the number and date, seller and buyer, the
 * lines, shipping, discount, tax and total, in the order's currency. pdf-lib
 * with Helvetica like the purchase order and the label: text it cannot draw
 * prints as "?" (a CJK font is not embedded yet).
 */
import { PDFDocument, rgb, StandardFonts, type PDFPage } from "pdf-lib";
import { printable } from "../lib/pdf-text";
import type { InvoiceDocument } from "./invoice-rules";

const W = 595;
const H = 842;
const M = 48;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.4, 0.4, 0.4);

export async function invoicePdf(invoice: { numberText: string; issuedAt: number }, doc: InvoiceDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Invoice ${invoice.numberText}`);
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
  const block = (title: string, lines: string[], x: number, top: number) => {
    let yy = top;
    page.drawText(title, { x, y: yy, size: 9, font: bold, color: GREY });
    for (const l of lines) {
      yy -= 14;
      page.drawText(printable(font, l.slice(0, 60)), { x, y: yy, size: 10, font, color: BLACK });
    }
    return yy;
  };

  text("INVOICE", M, 18, bold);
  right(invoice.numberText, W - M, 12, bold);
  y -= 20;
  right(`Issued ${new Date(invoice.issuedAt).toISOString().slice(0, 10)}`, W - M);
  y -= 14;
  right(`Order ${doc.order.external_id ?? doc.order.id} of ${new Date(doc.order.created_at).toISOString().slice(0, 10)}`, W - M);
  y -= 26;

  const seller = [doc.seller.name, ...(doc.seller.address ?? "").split(/\r?\n/).filter(Boolean), ...(doc.seller.tax_id ? [`Tax ID ${doc.seller.tax_id}`] : [])];
  const a = block("FROM", seller, M, y);
  const b = block("BILL TO", [...(doc.buyer.address.length ? doc.buyer.address : [doc.buyer.name]), ...(doc.buyer.email ? [doc.buyer.email] : [])], W / 2, y);
  y = Math.min(a, b) - 28;

  const cols = { line: M, sku: M + 24, name: M + 120, qty: W - M - 170, unit: W - M - 85, total: W - M };
  const header = () => {
    text("#", cols.line, 9, bold, GREY);
    text("SKU", cols.sku, 9, bold, GREY);
    text("ITEM", cols.name, 9, bold, GREY);
    right("QTY", cols.qty, 9, bold);
    right(`PRICE (${doc.currency})`, cols.unit, 9, bold);
    right(`AMOUNT (${doc.currency})`, cols.total, 9, bold);
    y -= 6;
    page.drawLine({ start: { x: M, y }, end: { x: W - M, y }, thickness: 0.5, color: GREY });
    y -= 14;
  };
  header();
  for (const l of doc.lines) {
    if (y < M + 120) {
      page = pdf.addPage([W, H]);
      y = H - M;
      header();
    }
    text(String(l.line_no), cols.line);
    text(l.sku.slice(0, 16), cols.sku);
    text(l.name.slice(0, 34), cols.name);
    right(String(l.quantity), cols.qty);
    right(l.unit_price, cols.unit);
    right(l.total, cols.total);
    y -= 16;
  }
  page.drawLine({ start: { x: M, y: y + 8 }, end: { x: W - M, y: y + 8 }, thickness: 0.5, color: GREY });
  y -= 6;
  const sum = (label: string, amount: string, f = font, size = 10) => {
    right(label, cols.unit, size, f);
    right(amount, cols.total, size, f);
    y -= 16;
  };
  sum("Subtotal", doc.subtotal);
  if (Number(doc.discount) !== 0) sum("Discount", `-${doc.discount}`);
  sum("Shipping", doc.shipping);
  sum("Tax", doc.tax);
  y -= 4;
  sum(`Total ${doc.currency}`, doc.total, bold, 12);
  y -= 12;
  text(`Payment: ${doc.payment_status.replace("_", " ")}`, M, 10, font, GREY);
  return pdf.save();
}
