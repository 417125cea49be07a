/** Changes to an order's content through its object: staff edits and payment reports. Each is audited again. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { EditInput } from "./plan-edit";
import type { AppEnv } from "../env";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { auditSummary } from "../audit/schemas";
import { ifMatchVersion, problemFor } from "../orders/refusals";
import { EditOrderBody, IfMatchHeader, OrderIdParam } from "../orders/schemas";
import { etag, orderSummary } from "../orders/serialize";
import { editedOrder, editOrder } from "./edit-stage";
import { ChangedOrder, PaymentUpdate } from "./schemas";

export const orderChangeRoutes = new OpenAPIHono<AppEnv>();

/** Sends the change to the order's object (with If-Match) and answers with the order and its new audit. */
async function editThroughObject(c: Context<AppEnv>, id: string, changes: EditInput) {
  const p = c.get("principal");
  const expectedVersion = ifMatchVersion(c.req.header("if-match"));
  const result = await editOrder(c.env, { orderId: id, actor: p.id, stores: p.stores, expectedVersion, source: "staff", changes, wholeOrder: true });
  if (!result.ok) throw problemFor(result);
  const { order, audit } = editedOrder(result);
  return c.json({ order: orderSummary(order, p.contactScope), audit: audit && auditSummary(audit) }, 200, { etag: etag(order.version) });
}

orderChangeRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/orders/{id}",
    permission: "orders:edit",
    tags: ["Orders"],
    summary: "Edit an order's address, contact, lines or amounts",
    description:
      "Lines and amounts can change while the order is received or on hold (an approved order is held first); the address and contact until it is allocated, and after that only while every parcel of the order is intercepted (409 `intercept_first` names the others). Totals are recomputed and an order not yet allocated is audited again at once (an approved order that now fails a rule goes on hold); the answer carries that audit.",
    request: { params: OrderIdParam, headers: IfMatchHeader, body: jsonBody(EditOrderBody) },
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
    description:
      "An order waiting for payment is audited again when it is paid. With `paid`, `authorized` or `voided` the money ledger records the capture (and the `fee`), the authorisation or its release, once per order and `reference`: a report repeated with the same reference records nothing new.",
    request: {
      params: OrderIdParam,
      headers: IfMatchHeader,
      body: jsonBody(PaymentUpdate),
    },
    responses: { 200: jsonResponse(ChangedOrder, "The order after the update"), ...problems(404, 409, 412, 413, 415, 422) },
  }),
  (c) => {
    const { amount, fee, reference, ...changes } = c.req.valid("json");
    return editThroughObject(c, c.req.valid("param").id, { ...changes, payment: { amount, fee, reference } });
  },
);
