/**
 * An invoice as the customer receives it: one A4 document (more pages when
 * the lines do not fit) with the number and date, seller and buyer, the
 * lines, shipping, discount, tax and total, in the order's currency. pdf-lib
 * with Helvetica like the purchase order and the label, and Noto Sans SC
 * embedded (subset to the glyphs used) when a name, address or item is in
 * Chinese or Japanese kana (src/lib/pdf-fonts.ts).
 */
import { A4, GREY, Sheet } from "../lib/pdf-sheet";
import type { InvoiceDocument } from "./invoice-rules";

export async function invoicePdf(invoice: { numberText: string; issuedAt: number }, doc: InvoiceDocument): Promise<Uint8Array> {
  const sh = await Sheet.create(`Invoice ${invoice.numberText}`, doc);
  const { M, W } = A4;
  sh.text("INVOICE", M, 18, true);
  sh.right(invoice.numberText, W - M, 12, true);
  sh.y -= 20;
  sh.right(`Issued ${new Date(invoice.issuedAt).toISOString().slice(0, 10)}`, W - M);
  sh.y -= 14;
  sh.right(`Order ${doc.order.external_id ?? doc.order.id} of ${new Date(doc.order.created_at).toISOString().slice(0, 10)}`, W - M);
  sh.y -= 26;

  const seller = [doc.seller.name, ...(doc.seller.address ?? "").split(/\r?\n/).filter(Boolean), ...(doc.seller.tax_id ? [`Tax ID ${doc.seller.tax_id}`] : [])];
  const a = sh.block("FROM", seller, M);
  const b = sh.block("BILL TO", [...(doc.buyer.address.length ? doc.buyer.address : [doc.buyer.name]), ...(doc.buyer.email ? [doc.buyer.email] : [])], W / 2);
  sh.y = Math.min(a, b) - 28;

  const amountX = W - M;
  const priceX = W - M - 85;
  sh.table(
    [
      { title: "#", x: M },
      { title: "SKU", x: M + 24, width: 16 },
      { title: "ITEM", x: M + 120, width: 34 },
      { title: "QTY", x: W - M - 170, align: "right" },
      { title: `PRICE (${doc.currency})`, x: priceX, align: "right" },
      { title: `AMOUNT (${doc.currency})`, x: amountX, align: "right" },
    ],
    doc.lines.map((l) => [String(l.line_no), l.sku, l.name, String(l.quantity), l.unit_price, l.total]),
    120,
  );
  sh.y -= 6;
  const sum = (label: string, amount: string, bold = false, size = 10) => {
    sh.right(label, priceX, size, bold);
    sh.right(amount, amountX, size, bold);
    sh.y -= 16;
  };
  sum("Subtotal", doc.subtotal);
  if (Number(doc.discount) !== 0) sum("Discount", `-${doc.discount}`);
  sum("Shipping", doc.shipping);
  sum("Tax", doc.tax);
  sh.y -= 4;
  sum(`Total ${doc.currency}`, doc.total, true, 12);
  sh.y -= 12;
  sh.text(`Payment: ${doc.payment_status.replace("_", " ")}`, M, 10, false, GREY);
  return sh.save();
}
