/**
 * After-sales: customers' returns, exchanges, refunds and claims, opened by
 * support or a storefront for the customer (the customer opens their own on
 * the order page), and worked by support through a small lifecycle. Writes
 * go through the order's object; reads come straight from D1.
 */
import { type ActorName, actorNames, nameIn } from "../activity/actor-names";
import { OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { allows } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { fromMinor } from "../lib/money";
import { problemFor } from "../orders/refusals";
import { OrderIdParam } from "../orders/schemas";
import { etag, iso, parseIfMatch } from "../orders/serialize";
import { allowedRequestEvents } from "./after-sales-rules";
import type { AfterSalesRow } from "./plan-after-sales";
import { decideAfterSales } from "./decide-after-sales";
import { getAfterSales, listAfterSales, listOrderAfterSales } from "./list-after-sales";
import { type AfterSalesResult, runAfterSales } from "./run-after-sales";
import {
  AfterSalesIdParam,
  AfterSalesIfMatch,
  AfterSalesList,
  AfterSalesRequest,
  AfterSalesTransitionBody,
  ListAfterSalesQuery,
  OpenAfterSalesBody,
  OrderAfterSales,
} from "./schemas";
import { directoryD1 } from "../db/client";

const namesOf = (c: Context<AppEnv>, rows: readonly AfterSalesRow[]) =>
  actorNames(
    directoryD1(c.env),
    rows.flatMap((r) => [r.openedBy, r.decidedBy]),
  );

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** `names`: from `actorNames` over the rows' openers and deciders (one lookup per response). */
export const afterSalesBody = (r: AfterSalesRow, names: ReadonlyMap<string, ActorName>): z.infer<typeof AfterSalesRequest> => ({
  id: r.id,
  order_id: r.orderId,
  store_id: r.storeId,
  kind: r.kind,
  status: r.status,
  reason: r.reason,
  lines: r.lines,
  opened_by: r.openedBy,
  opened_by_name: nameIn(names, r.openedBy).name,
  resolution: r.resolution,
  refund_amount: r.refundAmount === null ? null : fromMinor(r.refundAmount, r.currency),
  currency: r.currency,
  note: r.note,
  decided_by: r.decidedBy,
  decided_by_name: r.decidedBy === null ? null : nameIn(names, r.decidedBy).name,
  version: r.version,
  allowed_events: allowedRequestEvents(r.status),
  created_at: iso(r.createdAt),
  updated_at: iso(r.updatedAt),
  accepted_at: isoOrNull(r.acceptedAt),
  closed_at: isoOrNull(r.closedAt),
});

function problemOf(r: Exclude<AfterSalesResult, { ok: true }>): ApiError {
  switch (r.code) {
    case "not_found":
      return notFound("order");
    case "request_not_found":
      return notFound("after-sales request");
    case "version_mismatch":
      return new ApiError(412, "version_mismatch", "Precondition failed", `The request is at version ${r.version}`, { current_version: r.version }, { etag: etag(r.version) });
    case "invalid":
      return validationFailed(r.errors);
    case "skipped":
      return new ApiError(409, "skipped", "Not allowed now", r.message);
    case "refused":
      // The order's own lifecycle refused it (an archived order): the order's problem.
      if ("status" in r) return problemFor(r);
      if (r.reason === "invalid") return validationFailed([{ field: r.field ?? "body", message: r.message }]);
      return new ApiError(409, r.reason, "Not allowed now", r.message, {
        ...(r.requestStatus ? { request_status: r.requestStatus } : {}),
        ...(r.allowed ? { allowed_events: r.allowed } : {}),
      });
  }
}

export const afterSalesRoutes = new OpenAPIHono<AppEnv>();

afterSalesRoutes.post("/v1/orders/:id/after-sales", idempotent());
afterSalesRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/after-sales",
    permission: "after_sales:open",
    tags: ["After-sales"],
    summary: "Open a return, exchange, refund or claim for the customer",
    description:
      "The order must have shipped. While a request is open or accepted, the order does not complete: a delivered order's completion clock pauses and resumes (with at least a day left) when the last request closes. The customer is told it was received. `Idempotency-Key` is honoured.",
    request: { params: OrderIdParam, body: jsonBody(OpenAfterSalesBody) },
    responses: { 201: jsonResponse(AfterSalesRequest, "The request, open"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const body = c.req.valid("json");
    const r = await runAfterSales(c.env, c.req.valid("param").id, {
      actor: p.id,
      stores: p.stores,
      action: {
        type: "open",
        kind: body.kind,
        reason: body.reason,
        lines: body.lines,
        // Support may take a return after the store's window, as a goodwill gesture; a storefront may not.
        lateAllowed: allows(p, "after_sales:decide"),
      },
    });
    if (!r.ok) throw problemOf(r);
    return c.json(afterSalesBody(r.result, await namesOf(c, [r.result])), 201, { etag: etag(r.result.version), location: `/v1/after-sales/${r.result.id}` });
  },
);

afterSalesRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/after-sales",
    permission: "after_sales:read",
    tags: ["After-sales"],
    summary: "An order's after-sales requests, oldest first",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(OrderAfterSales, "Its requests"), ...problems(404) },
  }),
  async (c) => {
    const rows = await listOrderAfterSales(c.env, c.req.valid("param").id, { principal: c.get("principal") });
    if (!rows) throw notFound("order");
    const names = await namesOf(c, rows);
    return c.json({ data: rows.map((r) => afterSalesBody(r, names)) }, 200);
  },
);

afterSalesRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/after-sales",
    permission: "after_sales:read",
    tags: ["After-sales"],
    summary: "List after-sales requests, newest first (or oldest first)",
    description: "`?status=open,accepted&sort=oldest` is support's work queue, the request waiting longest first.",
    request: { query: ListAfterSalesQuery },
    responses: { 200: jsonResponse(AfterSalesList, "A page of requests"), ...problems() },
  }),
  async (c) => {
    const page = await listAfterSales(c.env, c.get("principal"), c.req.valid("query"));
    const names = await namesOf(c, page.data);
    return c.json({ data: page.data.map((r) => afterSalesBody(r, names)), next_cursor: page.next_cursor }, 200);
  },
);

afterSalesRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/after-sales/{id}",
    permission: "after_sales:read",
    tags: ["After-sales"],
    summary: "Get an after-sales request",
    request: { params: AfterSalesIdParam },
    responses: { 200: jsonResponse(AfterSalesRequest, "The request"), ...problems(404) },
  }),
  async (c) => {
    const r = await getAfterSales(c.env, c.get("principal"), c.req.valid("param").id);
    if (!r) throw notFound("after-sales request");
    return c.json(afterSalesBody(r, await namesOf(c, [r])), 200, { etag: etag(r.version) });
  },
);

afterSalesRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/after-sales/{id}/transitions",
    permission: "after_sales:decide",
    tags: ["After-sales"],
    summary: "Accept, reject, resolve or withdraw a request",
    description:
      "`reject` needs a `note` for the customer; `resolve` needs a `resolution`, and a `refund` resolution a `refund_amount` no larger than what is left to refund (the order's payment status becomes `partially_refunded` or `refunded`). A stale `If-Match` is a 412.",
    request: { params: AfterSalesIdParam, headers: AfterSalesIfMatch, body: jsonBody(AfterSalesTransitionBody) },
    responses: { 200: jsonResponse(AfterSalesRequest, "The request after the change"), ...problems(404, 409, 412, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const expectedVersion = parseIfMatch(c.req.header("if-match"));
    if (expectedVersion === "invalid") throw validationFailed([{ field: "If-Match", message: 'must be the ETag of the request, e.g. "2"' }], 400);
    const r = await decideAfterSales(c.env, c.req.valid("param").id, { principal: p, expectedVersion, body: c.req.valid("json") });
    if (!r.ok) throw problemOf(r);
    return c.json(afterSalesBody(r.result, await namesOf(c, [r.result])), 200, { etag: etag(r.result.version) });
  },
);
