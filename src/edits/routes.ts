/** Changes to an order's content through its object: staff edits and payment reports. Each is audited again. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { EditInput } from "./plan-edit";
import type { AppEnv } from "../env";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { AuditSummarySchema, auditSummary } from "../audit/schemas";
import { ifMatchVersion, problemFor } from "../orders/refusals";
import { EditOrderBody, OrderIdParam, OrderSummary, PAYMENT_STATUSES } from "../orders/schemas";
import { etag, orderSummary } from "../orders/serialize";
import { editedOrder, editOrder } from "./edit-stage";

export const orderChangeRoutes = new OpenAPIHono<AppEnv>();

const IfMatch = z.object({ "if-match": z.string().optional().openapi({ description: 'The version from the ETag, e.g. "3"' }) });
const ChangedOrder = z.object({ order: OrderSummary, audit: AuditSummarySchema.nullable() }).openapi("ChangedOrder");

/** Sends the change to the order's object (with If-Match) and answers with the order and its new audit. */
async function editThroughObject(c: Context<AppEnv>, id: string, changes: EditInput) {
  const p = c.get("principal");
  const expectedVersion = ifMatchVersion(c.req.header("if-match"));
  const result = await editOrder(c.env, { orderId: id, actor: p.id, stores: p.stores, expectedVersion, source: "staff", changes });
  if (!result.ok) throw problemFor(result);
  const { order, audit } = editedOrder(result);
  return c.json({ order: orderSummary(order), audit: audit && auditSummary(audit) }, 200, { etag: etag(order.version) });
}

orderChangeRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/orders/{id}",
    permission: "orders:edit",
    tags: ["Orders"],
    summary: "Edit an order's address, contact, lines or amounts",
    description:
      "Lines and amounts can change while the order is received or on hold; the address and contact until it is processing. Totals are recomputed and the order is audited again at once; the answer carries that audit.",
    request: { params: OrderIdParam, headers: IfMatch, body: jsonBody(EditOrderBody) },
    responses: { 200: jsonResponse(ChangedOrder, "The order after the edit and its new audit"), ...problems(404, 409, 412, 413, 415, 422) },
  }),
  (c) => editThroughObject(c, c.req.valid("param").id, c.req.valid("json")),
);

orderChangeRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/payment",
    permission: "orders:payment",
    tags: ["Orders"],
    summary: "Report the order's payment status",
    description: "An order waiting for payment is audited again when it is paid.",
    request: {
      params: OrderIdParam,
      headers: IfMatch,
      body: jsonBody(z.object({ payment_status: z.enum(PAYMENT_STATUSES), reason: z.string().trim().min(1).max(500).optional() }).openapi("PaymentUpdate")),
    },
    responses: { 200: jsonResponse(ChangedOrder, "The order after the update"), ...problems(404, 409, 412, 413, 415, 422) },
  }),
  (c) => editThroughObject(c, c.req.valid("param").id, c.req.valid("json")),
);
