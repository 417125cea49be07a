/** Invoices over HTTP: what goes in and comes out (src/finance/routes.ts). */
import { z } from "@hono/zod-openapi";
import { ListQuery, listOf, Rfc3339 } from "../http/route";
import { Amount } from "../orders/schemas";
import { LEDGER_KINDS } from "../db/schema/finance";

const InvoiceLine = z.object({ line_no: z.number().int(), sku: z.string(), name: z.string(), quantity: z.number().int(), unit_price: Amount, total: Amount });

export const InvoiceDocumentSchema = z
  .object({
    seller: z.object({ name: z.string(), address: z.string().nullable(), tax_id: z.string().nullable() }),
    buyer: z.object({ name: z.string(), email: z.string().nullable(), address: z.array(z.string()) }),
    order: z.object({ id: z.string(), external_id: z.string().nullable(), channel: z.string(), created_at: Rfc3339 }),
    currency: z.string(),
    lines: z.array(InvoiceLine),
    subtotal: Amount,
    shipping: Amount,
    discount: Amount,
    tax: Amount,
    total: Amount,
    payment_status: z.string().openapi({ description: "As it was when the invoice was issued" }),
  })
  .openapi("InvoiceDocument");

const invoiceFields = {
  id: z.string(),
  store_id: z.string(),
  order_id: z.string(),
  number: z.number().int().openapi({ description: "1, 2, 3… per store, without gaps" }),
  number_text: z.string().openapi({ description: "As printed: the store's prefix and the number", example: "INV-000042" }),
  currency: z.string(),
  total: Amount,
  issued_by: z.string(),
  issued_at: Rfc3339,
};

export const Invoice = z
  .object({ ...invoiceFields, document: InvoiceDocumentSchema.openapi({ description: "What was invoiced, as it stood at issue; later changes to the order do not alter it" }) })
  .openapi("Invoice");
export const InvoiceSummary = z.object(invoiceFields).openapi("InvoiceSummary");
export const InvoiceList = listOf(InvoiceSummary, "InvoiceList");

export const ListInvoicesQuery = z.object({ ...ListQuery, store_id: z.string().max(64).optional() });
export const InvoicePdf = z.string().openapi({ format: "binary" });

// ---- the money ledger (./ledger-rules.ts) -------------------------------------------------------

export const LedgerEntry = z
  .object({
    id: z.string(),
    kind: z.enum(LEDGER_KINDS),
    amount: Amount.openapi({ description: "Signed, in the entry's currency: money in positive, money out negative" }),
    currency: z.string(),
    reference: z.string().nullable(),
    sku: z.string().nullable(),
    quantity: z.number().int().nullable(),
    source: z.string().openapi({ description: "payment_report, after_sales, label, label_void, handover, settlement or correction" }),
    source_key: z.string(),
    reverses: z.string().nullable(),
    actor: z.string(),
    created_at: Rfc3339,
  })
  .openapi("LedgerEntry");

export const LedgerTotals = z
  .object({
    currency: z.string(),
    authorised: Amount,
    captured: Amount,
    refunded: Amount,
    fees: Amount,
    shipping: Amount,
    cost_of_goods: Amount,
    gross_profit: Amount.openapi({ description: "captured + refunded + fees + shipping + cost of goods (the last four negative)" }),
  })
  .openapi("LedgerTotals");

export const OrderLedger = z.object({ order_id: z.string(), entries: z.array(LedgerEntry), totals: z.array(LedgerTotals) }).openapi("OrderLedger");
