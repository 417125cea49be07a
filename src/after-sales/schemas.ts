/** The after-sales API's shapes. */
import { z } from "@hono/zod-openapi";
import { AFTER_SALES_KINDS, AFTER_SALES_RESOLUTIONS, AFTER_SALES_STATUSES } from "../db/schema";
import { csv, ListQuery, listOf } from "../http/route";
import { Amount } from "../orders/schemas";
import { AFTER_SALES_EVENTS } from "./after-sales-rules";
import { idPattern } from "../lib/ids";

const RequestLine = z.object({
  sku: z.string().trim().min(1).max(64),
  quantity: z.number().int().min(1).max(100_000),
});

export const OpenAfterSalesBody = z
  .object({
    kind: z
      .enum(AFTER_SALES_KINDS)
      .openapi({ description: "return: send items back; exchange: for another size or colour; refund: money back without a return; claim: lost, damaged or missing" }),
    reason: z.string().trim().min(1).max(2000).openapi({ description: "What is wrong, in the customer's words" }),
    lines: z.array(RequestLine).max(250).default([]).openapi({ description: "The items and quantities it is about; required for returns and exchanges, optional otherwise" }),
  })
  .openapi("OpenAfterSalesRequest");

export const AfterSalesTransitionBody = z
  .object({
    event: z.enum(AFTER_SALES_EVENTS),
    note: z.string().trim().min(1).max(2000).optional().openapi({ description: "What to tell the customer, word for word (their message and order page); required to reject" }),
    internal_note: z.string().trim().min(1).max(2000).optional().openapi({
      description: "Staff's internal note on the decision, kept on the order's timeline (`internal_note` of its event). Never shown to the customer.",
    }),
    resolution: z.enum(AFTER_SALES_RESOLUTIONS).optional().openapi({ description: "How it was resolved; required to resolve" }),
    refund_amount: Amount.optional().openapi({ description: "With a refund resolution: how much, in the order's currency" }),
    refund_reference: z.string().trim().min(1).max(200).optional().openapi({
      description: "With a refund resolution: the payment provider's refund id (Stripe re_…), kept on the ledger's refund entry for reconciliation",
    }),
  })
  .openapi("AfterSalesTransition");

export const AfterSalesRequest = z
  .object({
    id: z.string(),
    order_id: z.string(),
    store_id: z.string(),
    kind: z.enum(AFTER_SALES_KINDS),
    status: z.enum(AFTER_SALES_STATUSES),
    reason: z.string(),
    lines: z.array(RequestLine),
    opened_by: z.string(),
    opened_by_name: z.string().nullable().openapi({ description: "The person's display name or the key's name" }),
    resolution: z.enum(AFTER_SALES_RESOLUTIONS).nullable(),
    refund_amount: Amount.nullable(),
    currency: z.string(),
    note: z.string().nullable(),
    decided_by: z.string().nullable(),
    decided_by_name: z.string().nullable().openapi({ description: "The person's display name or the key's name" }),
    version: z.number().int(),
    allowed_events: z.array(z.enum(AFTER_SALES_EVENTS)),
    created_at: z.string(),
    updated_at: z.string(),
    accepted_at: z.string().nullable(),
    closed_at: z.string().nullable(),
  })
  .openapi("AfterSalesRequest");

export const OrderAfterSales = z.object({ data: z.array(AfterSalesRequest) }).openapi("OrderAfterSales");

export const AfterSalesList = listOf(AfterSalesRequest, "AfterSalesList");

/** The request's version from its ETag; a request has its own version, apart from its order's. */
export const AfterSalesIfMatch = z.object({ "if-match": z.string().optional() });

export const AfterSalesIdParam = z.object({
  id: z
    .string()
    .regex(idPattern("as"), "must be an after-sales request id")
    .openapi({ param: { name: "id", in: "path" } }),
});

export const ListAfterSalesQuery = z.object({
  ...ListQuery,
  status: csv(AFTER_SALES_STATUSES).optional().openapi({ description: "One status, or several comma-separated; `open,accepted` is the work queue" }),
  kind: csv(AFTER_SALES_KINDS).optional(),
  store_id: z.string().max(64).optional(),
  order_id: z.string().max(64).optional(),
  sort: z
    .enum(["newest", "oldest"])
    .default("newest")
    .openapi({ description: "oldest: the request waiting longest first, as a work queue is worked (the cursor follows the order asked)" }),
  updated_since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Only those changed at or after this time (RFC 3339): with the list's cursor, a poller's way to catch up" }),
});
export type ListAfterSalesFilter = z.infer<typeof ListAfterSalesQuery>;
export type AfterSalesTransitionInput = z.infer<typeof AfterSalesTransitionBody>;
