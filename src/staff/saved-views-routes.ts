/** A person's saved views of the console's lists (/v1/me/saved-views, `account:self`): theirs alone. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { deleteView, listSavedViews, MAX_SAVED_VIEWS, SavedView, SavedViewBody, SavedViewIdParam, SavedViewList, SavedViewsQuery, saveView, savedViewBody } from "./saved-views";

export const savedViewRoutes = new OpenAPIHono<AppEnv>();

/** Only a person has views: no key holds `account:self`, but say so plainly if one ever did. */
function personOf(c: { get(k: "principal"): AppEnv["Variables"]["principal"] }): string {
  const p = c.get("principal");
  if (p.kind !== "user") throw new ApiError(403, "forbidden", "Forbidden", "Saved views belong to a signed-in person");
  return p.id;
}

savedViewRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/me/saved-views",
    permission: "account:self",
    tags: ["Account"],
    summary: "My saved views, by page and name",
    request: { query: SavedViewsQuery },
    responses: { 200: jsonResponse(SavedViewList, "The views"), ...problems() },
  }),
  async (c) => {
    const rows = await listSavedViews(c.env, personOf(c), c.req.valid("query").page);
    return c.json({ data: rows.map(savedViewBody) }, 200);
  },
);

savedViewRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/me/saved-views",
    permission: "account:self",
    tags: ["Account"],
    summary: "Save a list's filters under a name",
    description: `Names are unique per person and page (409 \`saved_view_exists\`); a person keeps at most ${MAX_SAVED_VIEWS} (409 \`saved_views_full\`).`,
    request: { body: jsonBody(SavedViewBody) },
    responses: { 201: jsonResponse(SavedView, "The view"), ...problems(409, 413, 415, 422) },
  }),
  async (c) => {
    const r = await saveView(c.env, personOf(c), c.req.valid("json"));
    if (!r.ok) {
      throw r.code === "saved_view_exists"
        ? new ApiError(409, r.code, "Conflict", "You already have a view with this name on this page")
        : new ApiError(409, r.code, "Conflict", `You already keep ${MAX_SAVED_VIEWS} views: delete one first`);
    }
    return c.json(savedViewBody(r.view), 201);
  },
);

savedViewRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/me/saved-views/{id}",
    permission: "account:self",
    tags: ["Account"],
    summary: "Delete one of my saved views",
    request: { params: SavedViewIdParam },
    responses: { 204: { description: "Deleted" }, ...problems(404) },
  }),
  async (c) => {
    if (!(await deleteView(c.env, personOf(c), c.req.valid("param").id))) throw notFound("saved view");
    return c.body(null, 204);
  },
);
