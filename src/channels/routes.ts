/**
 * Channel connections: a store's shops on Shopify, WooCommerce and
 * BigCommerce, their SKU maps, and the inbox of webhooks each one sent.
 * Secrets go in and never come out.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { assertStoreInScope } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, ListQuery, problems } from "../http/route";
import { etag, parseIfMatch } from "../orders/serialize";
import { z } from "@hono/zod-openapi";
import { connectionBody, createConnection, getConnection, listConnections, listInbox, listSkuMap, putSkuMap, updateConnection } from "./manage-connections";
import {
  ChannelConnection,
  ChannelConnectionList,
  ConnectionIdParam,
  ConnectionIfMatch,
  CreateChannelConnection,
  InboxPage,
  ListConnectionsQuery,
  ListInboxQuery,
  PutSkuMap,
  SkuMapPage,
  SkuMapResult,
  UpdateChannelConnection,
} from "./schemas";

export const channelRoutes = new OpenAPIHono<AppEnv>();
const tags = ["Channels"];

function expectedVersion(header: string | undefined): number | null {
  const v = parseIfMatch(header);
  if (v === "invalid") throw validationFailed([{ field: "If-Match", message: 'must be the ETag of the connection, e.g. "3"' }], 400);
  return v;
}

channelRoutes.post("/v1/channel-connections", idempotent());
channelRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/channel-connections",
    permission: "channels:manage",
    tags,
    summary: "Connect a shop on a platform",
    description:
      "The answer's `webhook_url` is the address to paste into the platform's webhook settings (Shopify: orders/create, orders/updated, orders/cancelled, refunds/create). Credentials and the webhook secret are sealed at rest and never returned.",
    request: { body: jsonBody(CreateChannelConnection) },
    responses: { 201: jsonResponse(ChannelConnection, "The connection"), ...problems(413, 415, 422) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    assertStoreInScope(c.get("principal"), input.store_id);
    const r = await createConnection(c.env, input);
    if (!r.ok) throw validationFailed([{ field: "store_id", message: "no such store" }]);
    return c.json(connectionBody(c.env, r.row), 201, { location: `/v1/channel-connections/${r.row.id}`, etag: etag(r.row.version) });
  },
);

channelRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/channel-connections",
    permission: "channels:read",
    tags,
    summary: "List channel connections",
    request: { query: ListConnectionsQuery },
    responses: { 200: jsonResponse(ChannelConnectionList, "A page of connections"), ...problems() },
  }),
  async (c) => {
    const page = await listConnections(c.env, c.get("principal"), c.req.valid("query"));
    return c.json({ next_cursor: page.next_cursor, data: page.data.map((r) => connectionBody(c.env, r)) }, 200);
  },
);

channelRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/channel-connections/{id}",
    permission: "channels:read",
    tags,
    summary: "Get a channel connection",
    request: { params: ConnectionIdParam },
    responses: { 200: jsonResponse(ChannelConnection, "The connection"), ...problems(404) },
  }),
  async (c) => {
    const row = await getConnection(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("channel connection");
    return c.json(connectionBody(c.env, row), 200, { etag: etag(row.version) });
  },
);

channelRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/channel-connections/{id}",
    permission: "channels:manage",
    tags,
    summary: "Change, pause or resume a channel connection, or rotate its webhook secret",
    description:
      "A new `webhook_secret` replaces the current one, which keeps verifying for 2 hours (platforms may sign with it for a while after a rotation) or until `previous_webhook_secret: null`. `status: paused` refuses the platform's webhooks with a 503, so the platform keeps them and retries; `active` resumes. Send `If-Match` with the version from the ETag to refuse a change made from a stale read (412).",
    request: { params: ConnectionIdParam, headers: ConnectionIfMatch, body: jsonBody(UpdateChannelConnection) },
    responses: { 200: jsonResponse(ChannelConnection, "The changed connection"), ...problems(404, 412, 413, 415, 422) },
  }),
  async (c) => {
    const r = await updateConnection(c.env, c.get("principal"), {
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
      expectedVersion: expectedVersion(c.req.header("if-match")),
    });
    if (!r.ok && r.code === "not_found") throw notFound("channel connection");
    if (!r.ok && r.code === "version_mismatch") {
      throw new ApiError(412, "version_mismatch", "Precondition failed", `The connection is at version ${r.version}`, { current_version: r.version }, { etag: etag(r.version) });
    }
    const row = (r as Extract<typeof r, { ok: true }>).row;
    return c.json(connectionBody(c.env, row), 200, { etag: etag(row.version) });
  },
);

channelRoutes.openapi(
  apiRoute({
    method: "put",
    path: "/v1/channel-connections/{id}/sku-map",
    permission: "channels:manage",
    tags,
    summary: "Map platform SKUs (or variant ids) to ours",
    description:
      "Adds or replaces each entry (`sku: null` removes it). A platform line is looked up by its SKU, then `variant:<id>`, then `product:<id>`; a platform SKU that is already one of our catalogue's needs no entry. A line that maps to nothing does not fail the order: it is taken in and held with reason `unmapped_sku`.",
    request: { params: ConnectionIdParam, body: jsonBody(PutSkuMap) },
    responses: { 200: jsonResponse(SkuMapResult, "What changed"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const row = await getConnection(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("channel connection");
    return c.json(await putSkuMap(c.env, row.id, c.req.valid("json").entries), 200);
  },
);

channelRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/channel-connections/{id}/sku-map",
    permission: "channels:read",
    tags,
    summary: "The connection's SKU map, by platform key",
    request: { params: ConnectionIdParam, query: z.object({ ...ListQuery }) },
    responses: { 200: jsonResponse(SkuMapPage, "A page of entries"), ...problems(404) },
  }),
  async (c) => {
    const row = await getConnection(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("channel connection");
    return c.json(await listSkuMap(c.env, row.id, c.req.valid("query")), 200);
  },
);

channelRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/channel-connections/{id}/inbox",
    permission: "channels:read",
    tags,
    summary: "The webhooks the platform sent, newest first, and what each came to",
    description:
      "One entry per platform delivery (a retried delivery is one entry). `outcome` and `detail` say what taking it in did: an order created, updated, cancelled, held for an unmapped SKU, a stale state ignored, or why it failed. Bodies (customer data) are kept sealed and not returned.",
    request: { params: ConnectionIdParam, query: ListInboxQuery },
    responses: { 200: jsonResponse(InboxPage, "A page of deliveries"), ...problems(404) },
  }),
  async (c) => {
    const row = await getConnection(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("channel connection");
    return c.json(await listInbox(c.env, row.id, c.req.valid("query")), 200);
  },
);
