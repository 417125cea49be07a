/** Invoices over HTTP: what goes in and comes out (src/finance/routes.ts). */
import { z } from "@hono/zod-openapi";
import { ListQuery, listOf, Rfc3339 } from "../http/route";
import { Amount } from "../orders/schemas";
import { LEDGER_KINDS, SETTLEMENT_FORMATS, SETTLEMENT_LINE_KINDS, SETTLEMENT_LINE_STATUSES, SETTLEMENT_STATUSES } from "../db/schema/finance";
import { idPattern } from "../lib/ids";

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
    source: z.string().openapi({ description: "payment_report, after_sales, label, label_void, handover, threepl, settlement or correction" }),
    source_key: z.string(),
    reverses: z.string().nullable(),
    actor: z.string(),
    reason: z.string().nullable().openapi({ description: "A correction's reason (on its reversal and its replacement)" }),
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

export const CorrectLedgerEntry = z
  .object({
    entry_id: z
      .string()
      .regex(/^led_[0-9A-Za-z]{20,40}$/, "must be a ledger entry id")
      .openapi({ description: "The entry to reverse: one of this order's, not itself a reversal, not reversed before" }),
    amount: Amount.optional().openapi({
      description:
        'The right amount, if there is one: a decimal string in the entry\'s currency ("1.90"), at most its decimals, unsigned; the replacement takes the direction of the entry it replaces (a fee stays money out). Leave it out to reverse only.',
    }),
    reason: z.string().trim().min(1).max(500).openapi({ description: "Why: kept on both entries" }),
  })
  .openapi("CorrectLedgerEntry");

export const LedgerCorrection = OrderLedger.extend({
  reversal: LedgerEntry,
  replacement: LedgerEntry.nullable(),
}).openapi("LedgerCorrection");

// ---- settlements (./import-settlement.ts, ./settlements.ts) --------------------------------------

export const ImportSettlementQuery = z.object({
  store_id: z.string().min(1).max(100).openapi({ description: "The store whose payouts these are" }),
  format: z
    .enum(SETTLEMENT_FORMATS)
    .openapi({ description: "`shopify_payouts` (Shopify Payments payout transactions export) or `stripe_balance` (Stripe balance transactions export)" }),
});

const SettlementCounts = z.object({
  matched: z.number().int(),
  amount_differs: z.number().int(),
  missing_from_settlement: z.number().int(),
  not_ours: z.number().int(),
  skipped: z.number().int(),
  unresolved: z.number().int().openapi({ description: "Unmatched lines (amount differs, missing, not ours) nobody has resolved yet" }),
});

export const Settlement = z
  .object({
    id: z.string(),
    store_id: z.string(),
    format: z.enum(SETTLEMENT_FORMATS),
    status: z.enum(SETTLEMENT_STATUSES),
    file_sha256: z.string().nullable(),
    line_count: z.number().int().openapi({ description: "Rows of the file" }),
    period_start: Rfc3339.nullable().openapi({ description: "The earliest charge of the file: captures of the ledger from here…" }),
    period_end: Rfc3339.nullable().openapi({ description: "…to the latest one are expected in it" }),
    imported_by: z.string(),
    created_at: Rfc3339,
    reconciled_at: Rfc3339.nullable(),
    counts: SettlementCounts.optional(),
  })
  .openapi("Settlement");

export const SettlementList = listOf(Settlement, "SettlementList");
export const ListSettlementsQuery = z.object({ store_id: z.string().min(1).max(100).optional(), ...ListQuery });
export const SettlementIdParam = z.object({ id: z.string().regex(idPattern("stl"), "is not a settlement id") });
export const SettlementLineParam = SettlementIdParam.extend({ line_no: z.coerce.number().int().min(1).max(10_000_000) });

export const SettlementLine = z
  .object({
    line_no: z.number().int().openapi({ description: "The file's data row (1 = first after the header); missing captures are numbered after the last row" }),
    kind: z.enum(SETTLEMENT_LINE_KINDS),
    type: z.string().openapi({ description: "The file's own type (charge, refund, payout…); `ledger` for a missing capture" }),
    transaction_id: z.string().nullable(),
    reference: z.string().nullable(),
    amount: Amount,
    fee: Amount,
    currency: z.string(),
    occurred_at: Rfc3339.nullable(),
    order_id: z.string().nullable(),
    expected_amount: Amount.nullable().openapi({ description: "What the ledger holds for the reference" }),
    status: z.enum(SETTLEMENT_LINE_STATUSES),
    resolution_note: z.string().nullable(),
    resolved_by: z.string().nullable(),
    resolved_at: Rfc3339.nullable(),
  })
  .openapi("SettlementLine");

export const SettlementLineList = listOf(SettlementLine, "SettlementLineList");
export const SettlementLinesQuery = z.object({
  status: z
    .enum(["unmatched", "resolved", ...SETTLEMENT_LINE_STATUSES])
    .optional()
    .openapi({ description: "`unmatched`: the worklist (amount differs, missing, not ours) not resolved yet; `resolved`: those resolved" }),
  ...ListQuery,
});
export const ResolveSettlementLine = z.object({ note: z.string().trim().min(1).max(2000).openapi({ description: "What finance found and did" }) }).openapi("ResolveSettlementLine");
