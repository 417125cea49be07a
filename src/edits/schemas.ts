/** The shapes of changes to an order's content: the payment report and the answer every change gives. */
import { z } from "@hono/zod-openapi";
import { AuditSummarySchema } from "../audit/schemas";
import { Amount, OrderSummary, PAYMENT_STATUSES } from "../orders/schemas";

export const PaymentUpdate = z
  .object({
    payment_status: z.enum(PAYMENT_STATUSES),
    reason: z.string().trim().min(1).max(500).optional(),
    // For the ledger and reconciliation (docs/finance.md); optional, so older integrations go on as they were.
    amount: Amount.optional().openapi({ description: "What was captured or authorised, in the order's currency; the order's total when absent" }),
    fee: Amount.optional().openapi({ description: "The payment provider's fee for it, when known" }),
    reference: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "The payment provider's charge or payment id (Stripe ch_… or pi_…, a Shopify order name): what a settlement file names" }),
  })
  .openapi("PaymentUpdate");

export const ChangedOrder = z.object({ order: OrderSummary, audit: AuditSummarySchema.nullable() }).openapi("ChangedOrder");
