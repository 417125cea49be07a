/**
 * The positions API: the built-in positions and the custom ones an admin
 * composes (`users:manage`; reads `users:read`).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { idempotent } from "../http/idempotency";
import { notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { etag, parseIfMatch } from "../orders/serialize";
import { refusal } from "../staff/users-routes";
import { archivePosition, createPosition, findPosition, listPositions, updatePosition } from "./positions";
import { CreatePosition, ListPositionsQuery, Position, PositionIdParam, PositionList, UpdatePosition } from "./schemas";
import { IfMatch } from "../staff/users-schemas";

export const positionRoutes = new OpenAPIHono<AppEnv>();
const tags = ["Staff"];

async function shown(c: { env: AppEnv["Bindings"] }, id: string) {
  const view = await findPosition(c.env, id);
  if (!view) throw notFound("position");
  return view;
}

positionRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/positions",
    permission: "users:read",
    tags,
    summary: "List positions, built-in and custom",
    request: { query: ListPositionsQuery },
    responses: { 200: jsonResponse(PositionList, "Built-in positions first, then custom ones by age"), ...problems() },
  }),
  async (c) => c.json({ data: await listPositions(c.env, { includeArchived: c.req.valid("query").include_archived === "true" }) }, 200),
);

positionRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/positions/{id}",
    permission: "users:read",
    tags,
    summary: "One position",
    request: { params: PositionIdParam },
    responses: { 200: jsonResponse(Position, "The position"), ...problems(404) },
  }),
  async (c) => {
    const view = await shown(c, c.req.valid("param").id);
    return c.json(view, 200, { etag: etag(view.version) });
  },
);

positionRoutes.post("/v1/positions", idempotent());
positionRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/positions",
    permission: "users:manage",
    tags,
    summary: "Compose a custom position",
    description: "From the composable permissions, each one you hold yourself. Positions are shared by every store: only someone acting for all stores composes them.",
    request: { body: jsonBody(CreatePosition) },
    responses: { 201: jsonResponse(Position, "The new position"), ...problems(413, 415, 422) },
  }),
  async (c) => {
    const r = await createPosition(c.env, c.req.valid("json"), { principal: c.get("principal") });
    if (!r.ok) throw refusal(r);
    const view = await shown(c, r.id);
    return c.json(view, 201, { location: `/v1/positions/${r.id}`, etag: etag(view.version) });
  },
);

positionRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/positions/{id}",
    permission: "users:manage",
    tags,
    summary: "Change a position",
    description:
      "A custom position: any field. A built-in one: only its description and whether it requires two-factor (people holding it without a second factor must set one up at their next sign-in). Takes effect within 30 seconds everywhere.",
    request: { params: PositionIdParam, headers: IfMatch, body: jsonBody(UpdatePosition) },
    responses: { 200: jsonResponse(Position, "The changed position"), ...problems(404, 409, 412, 413, 415, 422) },
  }),
  async (c) => {
    const v = parseIfMatch(c.req.header("if-match"));
    if (v === "invalid") throw validationFailed([{ field: "If-Match", message: 'must be the ETag of the position, e.g. "3"' }], 400);
    const r = await updatePosition(c.env, c.req.valid("param").id, c.req.valid("json"), { principal: c.get("principal"), expectedVersion: v });
    if (!r.ok) throw refusal(r);
    const view = await shown(c, r.id);
    return c.json(view, 200, { etag: etag(view.version) });
  },
);

positionRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/positions/{id}",
    permission: "users:manage",
    tags,
    summary: "Archive a custom position",
    description: "People and keys may still hold it, but from now on it grants nothing (their other positions still do). Built-in positions cannot be archived.",
    request: { params: PositionIdParam },
    responses: { 200: jsonResponse(Position, "The archived position"), ...problems(404, 409) },
  }),
  async (c) => {
    const r = await archivePosition(c.env, c.req.valid("param").id, { principal: c.get("principal") });
    if (!r.ok) throw refusal(r);
    return c.json(await shown(c, r.id), 200);
  },
);
