/** The order API: intake, reads and transitions. Thin: validation is in schemas, rules in the domain files. */
import { actorNames, nameIn } from "../activity/actor-names";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { allows, assertStoreInScope, describe } from "../http/auth";
import { idempotencyKeyOf, replay, requestHash } from "../http/idempotency";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { ifMatchVersion, problemFor } from "./refusals";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { database, directoryD1 } from "../db/client";
import { sendOutboxSoon } from "../outbox/send";
import { createOrder } from "./create-order";
import { orderStub } from "./order-object";
import { wholeOrder } from "./stage";
import { isOrderEvent, REASON_REQUIRED } from "./lifecycle";
import { getOrder, listOrderEvents, listOrders } from "./queries";
import {
  CreateOrderBody,
  IdempotencyHeader,
  IfMatchHeader,
  ListOrdersQuery,
  Order,
  OrderEventList,
  OrderEventsQuery,
  OrderIdParam,
  OrderList,
  OrderSummary,
  TransitionBody,
} from "./schemas";
import { etag, orderEvent, orderSummary, orderWithLines } from "./serialize";

export const orderRoutes = new OpenAPIHono<AppEnv>();

orderRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders",
    permission: "orders:create",
    tags: ["Orders"],
    summary: "Create an order",
    description: "Amounts are decimal strings in the currency's major unit. The same `(store_id, external_id)` never makes a second order (409 with the existing `order_id`).",
    request: { headers: IdempotencyHeader, body: jsonBody(CreateOrderBody) },
    responses: {
      201: jsonResponse(Order, "The order, received"),
      ...problems(404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const principal = c.get("principal");
    assertStoreInScope(principal, input.store_id);
    const key = idempotencyKeyOf(c);
    const idem = key ? { principalId: principal.id, key, requestHash: await requestHash(c), method: "POST", path: "/v1/orders" } : null;
    const result = await createOrder(c.env, input, { actor: principal.id, idempotency: idem, scope: principal.contactScope });
    if (!result.ok) {
      switch (result.code) {
        case "invalid":
          throw validationFailed(result.errors);
        case "unknown_store":
          throw validationFailed([{ field: "store_id", message: "no such store" }]);
        case "duplicate_external_id":
          throw new ApiError(
            409,
            "duplicate_external_id",
            "Order already exists",
            `Store ${input.store_id} already has an order with external_id ${input.external_id}`,
            { order_id: result.orderId },
            result.orderId ? { location: `/v1/orders/${result.orderId}` } : {},
          );
        case "idempotency_conflict":
          // The stored first response, byte for byte; its type is the 201's by construction.
          return (await replay(database(c.env), idem!.principalId, idem!.key, idem!.requestHash)) as never;
      }
    }
    c.executionCtx.waitUntil(sendOutboxSoon(c.env, result.outbox).catch((err) => console.warn("intake outbox send failed; the sweep resends", err)));
    return c.json(result.body, 201, result.headers);
  },
);

orderRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}",
    permission: "orders:read",
    tags: ["Orders"],
    summary: "Get an order with its lines",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(Order, "The order"), ...problems(404) },
  }),
  async (c) => {
    const found = await getOrder(c.env, c.get("principal"), c.req.valid("param").id);
    if (!found) throw notFound("order");
    return c.json(orderWithLines(found.order, found.lines, c.get("principal").contactScope), 200, { etag: etag(found.order.version) });
  },
);

orderRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders",
    permission: "orders:read",
    tags: ["Orders"],
    summary: "List orders, newest first",
    request: { query: ListOrdersQuery },
    responses: { 200: jsonResponse(OrderList, "A page of orders"), ...problems() },
  }),
  async (c) => {
    const principal = c.get("principal");
    const page = await listOrders(c.env, principal, c.req.valid("query"));
    const scope = principal.contactScope;
    return c.json({ ...page, data: page.data.map((o) => orderSummary(o, scope)) }, 200);
  },
);

orderRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/events",
    permission: "orders:read",
    tags: ["Orders"],
    summary: "The order's timeline, oldest first",
    request: { params: OrderIdParam, query: OrderEventsQuery },
    responses: { 200: jsonResponse(OrderEventList, "A page of events"), ...problems(404) },
  }),
  async (c) => {
    const { cursor, limit } = c.req.valid("query");
    const found = await listOrderEvents(c.env, c.req.valid("param").id, { principal: c.get("principal"), cursor, limit });
    if (!found) throw notFound("order");
    const internalNote = c.get("principal").insider;
    const names = await actorNames(
      directoryD1(c.env),
      found.data.map((e) => e.actor),
    );
    return c.json({ ...found, data: found.data.map((e) => orderEvent(e, { internalNote, actor: nameIn(names, e.actor) })) }, 200);
  },
);

orderRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/transitions",
    // Any transition permission gets in; the event's own `orders:transition:<event>` is checked below.
    permission: "orders:transition",
    tags: ["Orders"],
    summary: "Move an order through its lifecycle",
    description:
      "Runs through the order's Durable Object, one change at a time. An unknown or illegal event is a 409 listing `allowed_events`; a stale `If-Match` is a 412. Needs `orders:transition:<event>`.",
    request: {
      params: OrderIdParam,
      headers: IfMatchHeader,
      body: jsonBody(TransitionBody),
    },
    responses: { 200: jsonResponse(OrderSummary, "The order after the change"), ...problems(404, 409, 412, 413, 415, 422) },
  }),
  async (c) => {
    const principal = c.get("principal");
    const { event, reason, stock, internal_note, customer_message } = c.req.valid("json");
    const { id } = c.req.valid("param");
    if (isOrderEvent(event) && !allows(principal, `orders:transition:${event}`)) {
      throw new ApiError(403, "forbidden", "Forbidden", `${describe(principal)} may not ${event} orders`);
    }
    if (isOrderEvent(event) && REASON_REQUIRED.has(event) && !reason) {
      throw validationFailed([{ field: "reason", message: `is required to ${event} an order` }]);
    }
    const expectedVersion = ifMatchVersion(c.req.header("if-match"));
    const result = await orderStub(c.env, id).transition({
      orderId: id,
      event,
      reason: reason ?? null,
      internalNote: internal_note ?? null,
      customerMessage: customer_message ?? null,
      actor: principal.id,
      stores: principal.stores,
      expectedVersion,
      mayDoFinanceCheck: allows(principal, "orders:review:finance"),
      ...(stock ? { data: { stock } } : {}),
      wholeOrder: true,
    });
    if (result.ok) return c.json(orderSummary(wholeOrder(result), principal.contactScope), 200, { etag: etag(result.order.version) });
    throw problemFor(result);
  },
);
