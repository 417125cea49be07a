/** The shapes of changes to an order's content: the payment report and the answer every change gives. */
import { z } from "@hono/zod-openapi";
import { AuditSummarySchema } from "../audit/schemas";
import { OrderSummary, PAYMENT_STATUSES } from "../orders/schemas";

export const PaymentUpdate = z.object({ payment_status: z.enum(PAYMENT_STATUSES), reason: z.string().trim().min(1).max(500).optional() }).openapi("PaymentUpdate");

export const ChangedOrder = z.object({ order: OrderSummary, audit: AuditSummarySchema.nullable() }).openapi("ChangedOrder");
