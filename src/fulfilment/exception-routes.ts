/** The floor's exceptions: list, read, resolve (re-route a rejected dispatch, or dismiss). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { cursorKey, pageOf } from "../http/pagination";
import { ApiError, notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, listOf, problems } from "../http/route";
import { problemFor } from "../orders/refusals";
import { exceptionBody, getFulfilmentException, listFulfilmentExceptions, resolveFulfilmentException, type ResolveResult } from "./fulfilment-exceptions";
import { FulfilmentException, FulfilmentExceptionIdParam, ListFulfilmentExceptionsQuery, ResolveFulfilmentExceptionBody } from "./schemas";

export const exceptionRoutes = new OpenAPIHono<AppEnv>();

exceptionRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/fulfilment-exceptions",
    permission: "fulfilment_exceptions:read",
    tags: ["Shipments"],
    summary: "The floor's exceptions (short picks, dispatches a 3PL rejected), newest first",
    request: { query: ListFulfilmentExceptionsQuery },
    responses: { 200: jsonResponse(listOf(FulfilmentException, "FulfilmentExceptionList"), "A page of exceptions"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = cursorKey(q.cursor, (k) => k.startsWith("exc_"));
    const page = pageOf(await listFulfilmentExceptions(c.env, q, { principal: c.get("principal"), after }), q.limit, (r) => r.e.id);
    return c.json({ data: page.data.map(exceptionBody), next_cursor: page.next_cursor }, 200);
  },
);

exceptionRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/fulfilment-exceptions/{id}",
    permission: "fulfilment_exceptions:read",
    tags: ["Shipments"],
    summary: "Get a fulfilment exception",
    request: { params: FulfilmentExceptionIdParam },
    responses: { 200: jsonResponse(FulfilmentException, "The exception"), ...problems(404) },
  }),
  async (c) => {
    const row = await getFulfilmentException(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("fulfilment exception");
    return c.json(exceptionBody(row), 200);
  },
);

function problemOf(r: Exclude<ResolveResult, { ok: true }>): ApiError {
  switch (r.code) {
    case "not_found":
      return notFound("fulfilment exception");
    case "already_resolved":
      return new ApiError(409, r.code, "Already resolved", r.message);
    case "not_reroutable":
    case "order_not_processing":
      return new ApiError(409, r.code, "Cannot re-route", r.message);
    case "cannot_reroute":
      return new ApiError(409, r.code, "No warehouse can take the goods", r.message, { reason: r.reason, shortages: r.shortages, explanation: r.explanation });
    case "refused":
      return problemFor(r);
  }
}

exceptionRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/fulfilment-exceptions/{id}/resolve",
    permission: "fulfilment_exceptions:resolve",
    tags: ["Shipments"],
    summary: "Resolve a fulfilment exception: re-route a rejected dispatch, or dismiss",
    description:
      "`reroute` (dispatch_rejected only) plans the rejected units again with the store's routing policy, leaving out every warehouse that rejected this order's goods, and commits through the order's object: new pending shipments with their stock reserved (a 3PL is sent the dispatch), the exception resolved and a `reroute` event on the order's timeline, or nothing. When no warehouse can take the goods the answer is a 409 `cannot_reroute` with the policy's explanation, and the exception stays open. `dismiss` closes it and needs a `note`. An exception already resolved is a 409 `already_resolved`.",
    request: { params: FulfilmentExceptionIdParam, body: jsonBody(ResolveFulfilmentExceptionBody) },
    responses: { 200: jsonResponse(FulfilmentException, "Resolved"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const r = await resolveFulfilmentException(c.env, c.req.valid("param").id, { principal: c.get("principal"), body: c.req.valid("json") });
    if (!r.ok) throw problemOf(r);
    return c.json(exceptionBody(r.exception), 200);
  },
);
