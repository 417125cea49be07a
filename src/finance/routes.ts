/**
 * Invoices over HTTP: issue one for an order, read it as JSON or PDF, list a
 * store's series. Thin: the work is in ./invoices.ts, ./invoice-rules.ts and
 * ./invoice-pdf.ts.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { idempotent } from "../http/idempotency";
import { cursorKey, pageOf } from "../http/pagination";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { fromMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import { OrderIdParam } from "../orders/schemas";
import { correctLedgerEntry } from "./correct-ledger-entry";
import { type InvoiceRow, invoiceOfOrder, issueInvoice, listInvoices } from "./invoices";
import { ledgerBody, ledgerEntryBody, ledgerOfOrder } from "./ledger";
import { CorrectLedgerEntry, Invoice, InvoiceList, InvoicePdf, LedgerCorrection, ListInvoicesQuery, OrderLedger } from "./schemas";

const TAG = ["Finance"];

const summary = (i: Omit<InvoiceRow, "document">) => ({
  id: i.id,
  store_id: i.storeId,
  order_id: i.orderId,
  number: i.number,
  number_text: i.numberText,
  currency: i.currency,
  total: fromMinor(i.totalAmount, i.currency),
  issued_by: i.issuedBy,
  issued_at: iso(i.issuedAt),
});
const invoiceBody = (i: InvoiceRow) => ({ ...summary(i), document: { ...i.document, order: { ...i.document.order, created_at: iso(i.document.order.created_at) } } });

export const financeRoutes = new OpenAPIHono<AppEnv>();

financeRoutes.post("/v1/orders/:id/invoice", idempotent());
financeRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/invoice",
    permission: "invoices:issue",
    tags: TAG,
    summary: "Issue the order's invoice (once: asking again returns the same one)",
    description:
      "For an order that is approved or further along, and not cancelled (409 `not_invoiceable`). The next number of the store's series is taken, without gaps even when many are issued at once; the invoice keeps the order as it stands now. 201 when issued by this call, 200 when it already was.",
    request: { params: OrderIdParam },
    responses: { 201: jsonResponse(Invoice, "Issued now"), 200: jsonResponse(Invoice, "Issued before"), ...problems(404, 409) },
  }),
  async (c) => {
    const p = c.get("principal");
    const r = await issueInvoice(c.env, p, c.req.valid("param").id, p.id);
    if (!r.ok && r.code === "not_found") throw notFound("order");
    if (!r.ok) throw new ApiError(409, r.code, "Refused", r.message);
    return c.json(invoiceBody(r.invoice), r.created ? 201 : 200, { location: `/v1/orders/${r.invoice.orderId}/invoice` });
  },
);

financeRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/invoice",
    permission: "invoices:read",
    tags: TAG,
    summary: "The order's invoice, as issued",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(Invoice, "The invoice"), ...problems(404) },
  }),
  async (c) => {
    const i = await invoiceOfOrder(c.env, c.get("principal"), c.req.valid("param").id);
    if (!i) throw notFound("invoice");
    return c.json(invoiceBody(i), 200);
  },
);

financeRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/invoice.pdf",
    permission: "invoices:read",
    tags: TAG,
    summary: "The order's invoice as a printable A4 PDF",
    request: { params: OrderIdParam },
    responses: { 200: { description: "The invoice", content: { "application/pdf": { schema: InvoicePdf } } }, ...problems(404) },
  }),
  async (c) => {
    const i = await invoiceOfOrder(c.env, c.get("principal"), c.req.valid("param").id);
    if (!i) throw notFound("invoice");
    return c.body((await (await import("./invoice-pdf")).invoicePdf(i, i.document)) as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="${i.numberText.replace(/[^\w.-]/g, "_")}.pdf"`,
      "cache-control": "private, max-age=3600",
    });
  },
);

financeRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/invoices",
    permission: "invoices:read",
    tags: TAG,
    summary: "The invoices issued, newest first (a store's series with `store_id`)",
    request: { query: ListInvoicesQuery },
    responses: { 200: jsonResponse(InvoiceList, "A page of invoices"), ...problems(400) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const before = cursorKey(q.cursor, (k) => k.startsWith("inv_"));
    const rows = await listInvoices(c.env, c.get("principal"), {
      ...(q.store_id === undefined ? {} : { storeId: q.store_id }),
      ...(before === undefined ? {} : { before }),
      limit: q.limit,
    });
    const page = pageOf(rows, q.limit, (i) => i.id);
    return c.json({ data: page.data.map(summary), next_cursor: page.next_cursor }, 200);
  },
);

financeRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/ledger",
    permission: "finance:read",
    tags: TAG,
    summary: "The order's money ledger and gross profit",
    description:
      "Every money fact about the order, oldest first: authorised, captured, refunded, payment and platform fees, shipping cost, cost of goods, each with its source, never changed (a correction is a new entry). Totals per currency; gross profit excludes authorisations.",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(OrderLedger, "The ledger"), ...problems(404) },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const entries = await ledgerOfOrder(c.env, c.get("principal"), id);
    if (!entries) throw notFound("order");
    return c.json(ledgerBody(id, entries), 200);
  },
);

financeRoutes.post("/v1/orders/:id/ledger/corrections", idempotent());
financeRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/ledger/corrections",
    permission: "finance:reconcile",
    tags: TAG,
    summary: "Correct a ledger entry: reverse it and, if given, record the right amount",
    description:
      "Entries never change: a correction writes the entry's exact opposite (`reverses` naming it) and, with `amount`, a replacement of the same kind, currency and reference, both with source `correction`, the actor and the reason. An entry is reversed once: a second correction of it (even at the same moment) is a 409 `already_reversed` and writes nothing; a reversal is not corrected (409 `reverses_an_entry`: correct its replacement instead). Send an `Idempotency-Key` to retry safely: the same key and body replay the first answer.",
    request: { params: OrderIdParam, body: jsonBody(CorrectLedgerEntry) },
    responses: { 201: jsonResponse(LedgerCorrection, "Corrected: the new entries and the order's ledger after them"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const body = c.req.valid("json");
    const r = await correctLedgerEntry(c.env, c.get("principal"), { orderId: id, entryId: body.entry_id, amount: body.amount, reason: body.reason });
    if (!r.ok) {
      switch (r.code) {
        case "order_not_found":
          throw notFound("order");
        case "entry_not_found":
          throw notFound("ledger entry");
        case "invalid":
          throw validationFailed(r.errors);
        case "already_reversed":
          throw new ApiError(409, "already_reversed", "Already reversed", `entry ${body.entry_id} has been reversed already`);
        case "reverses_an_entry":
          throw new ApiError(
            409,
            "reverses_an_entry",
            "A reversal is not corrected",
            `entry ${body.entry_id} reverses ${r.entry.reverses}; correct the entry that replaced it instead`,
          );
      }
    }
    return c.json({ ...ledgerBody(id, r.entries), reversal: ledgerEntryBody(r.reversal), replacement: r.replacement ? ledgerEntryBody(r.replacement) : null }, 201);
  },
);
