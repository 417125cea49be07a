/**
 * A purchase order as the supplier receives it: one A4 document (more pages
 * when the lines do not fit) with who orders, the supplier, where to deliver
 * and by when, the lines with the supplier's codes, quantities, prices and
 * totals, the payment terms and the note. pdf-lib with Helvetica, and Noto
 * Sans SC embedded when a name or note is in Chinese (src/lib/pdf-fonts.ts);
 * a character neither font has prints as "?", never a failure.
 */
import { A4, Sheet } from "../lib/pdf-sheet";

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

const day = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString().slice(0, 10));

export async function purchaseOrderPdf(doc: PurchaseOrderDocument): Promise<Uint8Array> {
  const sh = await Sheet.create(`Purchase order ${doc.id}`, doc);
  const { M, W } = A4;
  sh.text("PURCHASE ORDER", M, 18, true);
  sh.right(doc.id, W - M, 11, true);
  sh.y -= 22;
  sh.text(doc.storeName, M, 11);
  sh.right(`Submitted ${day(doc.submittedAt)}   Due ${day(doc.expectedAt)}`, W - M, 10);
  sh.y -= 30;

  const s = doc.supplier;
  const a = sh.block("SUPPLIER", [s.name, ...[s.contactName, s.email, s.phone].filter((v): v is string => Boolean(v))], M);
  const b = sh.block("DELIVER TO", [doc.deliverTo.name, [doc.deliverTo.region, doc.deliverTo.country].filter(Boolean).join(", ")], W / 2);
  sh.y = Math.min(a, b) - 28;

  sh.table(
    [
      { title: "#", x: M },
      { title: "SKU", x: M + 28, width: 22 },
      { title: "SUPPLIER CODE", x: M + 150, width: 22 },
      { title: "QTY", x: W - M - 190, align: "right" },
      { title: `UNIT (${doc.currency})`, x: W - M - 95, align: "right" },
      { title: `TOTAL (${doc.currency})`, x: W - M, align: "right" },
    ],
    doc.lines.map((l) => [String(l.lineNo), l.sku, l.supplierSku ?? "", String(l.quantity), l.unitCost, l.total]),
  );
  sh.y -= 6;
  sh.right(`Total ${doc.currency} ${doc.total}`, W - M, 12, true);
  sh.y -= 28;
  if (s.paymentTerms) {
    sh.text(sh.fonts.clip(`Payment terms: ${s.paymentTerms}`, 10, W - 2 * M), M);
    sh.y -= 16;
  }
  if (doc.note) sh.text(sh.fonts.clip(`Note: ${doc.note.slice(0, 120)}`, 10, W - 2 * M), M);
  return sh.save();
}
