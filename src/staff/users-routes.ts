/**
 * The users API: staff people and their positions, for admins
 * (`users:manage`; reads `users:read`). A store-scoped admin sees and
 * manages only people within their stores.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { etag, iso, parseIfMatch } from "../orders/serialize";
import { findUser, inviteUser, listUsers, type Refusal, resendInvitation, updateUser, type UserRow } from "./users";
import { IfMatch, InviteUser, ListUsersQuery, UpdateUser, User, UserIdParam, UserList } from "./users-schemas";

export const userBody = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  display_name: u.displayName,
  status: u.status,
  positions: u.positions,
  store_ids: u.storeIds,
  warehouse_ids: u.warehouseIds,
  locale: u.locale,
  two_factor: u.totpEnabledAt !== null,
  created_by: u.createdBy,
  created_at: iso(u.createdAt),
  updated_at: iso(u.updatedAt),
  deactivated_at: u.deactivatedAt === null ? null : iso(u.deactivatedAt),
  last_sign_in_at: u.lastSignInAt === null ? null : iso(u.lastSignInAt),
  version: u.version,
});

export function refusal(r: Refusal & { version?: number }): ApiError {
  if (r.status === 422 && r.errors) return validationFailed(r.errors);
  if (r.status === 412) return new ApiError(412, r.code, "Precondition failed", r.detail, { current_version: r.version }, r.version ? { etag: etag(r.version) } : {});
  const title = { 403: "Forbidden", 404: "Not found", 409: "Conflict", 422: "Unprocessable content" }[r.status];
  return new ApiError(r.status, r.code, title, r.detail);
}

function expectedVersion(header: string | undefined): number | null {
  const v = parseIfMatch(header);
  if (v === "invalid") throw validationFailed([{ field: "If-Match", message: 'must be the ETag of the user, e.g. "3"' }], 400);
  return v;
}

export const userRoutes = new OpenAPIHono<AppEnv>();
const tags = ["Staff"];

userRoutes.post("/v1/users", idempotent());
userRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/users",
    permission: "users:manage",
    tags,
    summary: "Invite a person to the staff",
    description:
      "Creates the person as `invited` and emails them a link (valid 7 days) to set their password. Nobody gives positions with permissions they do not hold, or stores and warehouses beyond their own.",
    request: { body: jsonBody(InviteUser) },
    responses: { 201: jsonResponse(User, "The invited person"), ...problems(409, 413, 415, 422) },
  }),
  async (c) => {
    const r = await inviteUser(c.env, c.req.valid("json"), { principal: c.get("principal") });
    if (!r.ok) throw refusal(r);
    return c.json(userBody(r.row), 201, { location: `/v1/users/${r.row.id}`, etag: etag(r.row.version) });
  },
);

userRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/users",
    permission: "users:read",
    tags,
    summary: "List the staff",
    request: { query: ListUsersQuery },
    responses: { 200: jsonResponse(UserList, "A page of people, newest first"), ...problems() },
  }),
  async (c) => {
    const page = await listUsers(c.env, c.get("principal"), c.req.valid("query"));
    return c.json({ ...page, data: page.data.map(userBody) }, 200);
  },
);

userRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/users/{id}",
    permission: "users:read",
    tags,
    summary: "One person of the staff",
    request: { params: UserIdParam },
    responses: { 200: jsonResponse(User, "The person"), ...problems(404) },
  }),
  async (c) => {
    const row = await findUser(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("user");
    return c.json(userBody(row), 200, { etag: etag(row.version) });
  },
);

userRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/users/{id}",
    permission: "users:manage",
    tags,
    summary: "Change a person: name, positions, scope, language, or deactivate them",
    description:
      "Deactivating ends the person's sessions and revokes every API key they made, at once. An admin cannot deactivate themselves, and the last active admin stays one. `If-Match` guards against a stale read.",
    request: { params: UserIdParam, headers: IfMatch, body: jsonBody(UpdateUser) },
    responses: { 200: jsonResponse(User, "The changed person"), ...problems(404, 409, 412, 413, 415, 422) },
  }),
  async (c) => {
    const r = await updateUser(c.env, c.req.valid("param").id, c.req.valid("json"), {
      principal: c.get("principal"),
      expectedVersion: expectedVersion(c.req.header("if-match")),
    });
    if (!r.ok) throw refusal(r);
    return c.json(userBody(r.row), 200, { etag: etag(r.row.version) });
  },
);

userRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/users/{id}/invitation",
    permission: "users:manage",
    tags,
    summary: "Send the invitation again",
    description: "A new link, valid 7 days; the earlier link stops working.",
    request: { params: UserIdParam },
    responses: { 202: jsonResponse(User, "The invited person"), ...problems(404, 409) },
  }),
  async (c) => {
    const r = await resendInvitation(c.env, c.req.valid("param").id, { principal: c.get("principal") });
    if (!r.ok) throw refusal(r);
    return c.json(userBody(r.row), 202);
  },
);
