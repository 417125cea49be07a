/**
 * A store's SLA targets. Changing them re-judges the store's history: the
 * next rollup runs rebuild its processing times and breach list (see
 * apply-store-config.ts).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { SlaBody, StoreIdParam, StoreSla } from "./schemas";
import { getStoreSla, setStoreSla } from "./manage-store-sla";

export const slaRoutes = new OpenAPIHono<AppEnv>();

slaRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores/{id}/sla",
    permission: "stores:read",
    tags: ["Stores"],
    summary: "A store's SLA targets",
    request: { params: StoreIdParam },
    responses: { 200: jsonResponse(StoreSla, "The targets (the defaults until the store sets its own)"), ...problems(404) },
  }),
  async (c) => {
    const body = await getStoreSla(c.env, c.get("principal"), c.req.valid("param").id);
    if (!body) throw notFound("store");
    return c.json(body, 200);
  },
);

slaRoutes.openapi(
  apiRoute({
    method: "put",
    path: "/v1/stores/{id}/sla",
    permission: "stores:manage",
    tags: ["Stores"],
    summary: "Set a store's SLA targets",
    description:
      "Replaces all four targets (minutes; null for none). Processing-time rollups and SLA breaches of the store are rebuilt under the new targets by the next rollup runs.",
    request: { params: StoreIdParam, body: jsonBody(SlaBody) },
    responses: { 200: jsonResponse(StoreSla, "The targets"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const body = await setStoreSla(c.env, c.req.valid("param").id, { principal: c.get("principal"), targets: c.req.valid("json") });
    if (!body) throw notFound("store");
    return c.json(body, 200);
  },
);
