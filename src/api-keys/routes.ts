/**
 * API keys for staff tools and integrations. A key is shown once, at
 * creation; only its SHA-256 is stored. A key acts in one role for a set of
 * stores ("*" for all), and no key can create a key wider than itself.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { idempotent } from "../http/idempotency";
import { forbidden, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { iso } from "../orders/serialize";
import { createApiKey, type KeyRow } from "./create-api-key";
import { listApiKeys } from "./list-api-keys";
import { revokeApiKey } from "./revoke-api-key";
import { ApiKey, ApiKeyList, CreateApiKey, CreatedApiKey, KeyIdParam, ListApiKeysQuery } from "./schemas";

const keyBody = (k: KeyRow) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  store_ids: k.storeIds,
  warehouse_ids: k.warehouseIds,
  key_prefix: k.keyPrefix,
  created_by: k.createdBy,
  created_at: iso(k.createdAt),
  revoked_at: k.revokedAt === null ? null : iso(k.revokedAt),
});

export const apiKeyRoutes = new OpenAPIHono<AppEnv>();

// The secret is never stored: a replay of a key creation returns the key's record without it.
apiKeyRoutes.post("/v1/api-keys", idempotent({ redact: (body) => ({ ...body, key: null }) }));
apiKeyRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/api-keys",
    permission: "api_keys:manage",
    tags: ["API keys"],
    summary: "Create an API key (the key is shown only once)",
    request: { body: jsonBody(CreateApiKey) },
    responses: { 201: jsonResponse(CreatedApiKey, "The key and its secret"), ...problems(413, 415, 422) },
  }),
  async (c) => {
    const r = await createApiKey(c.env, c.req.valid("json"), { principal: c.get("principal") });
    if (!r.ok) throw r.code === "forbidden" ? forbidden(r.message) : validationFailed(r.errors);
    const { row, key } = r;
    return c.json({ ...keyBody(row), key }, 201, { location: `/v1/api-keys/${row.id}` });
  },
);

apiKeyRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/api-keys",
    permission: "api_keys:manage",
    tags: ["API keys"],
    summary: "List API keys (never their secrets)",
    request: { query: ListApiKeysQuery },
    responses: { 200: jsonResponse(ApiKeyList, "A page of keys"), ...problems() },
  }),
  async (c) => {
    const page = await listApiKeys(c.env, c.get("principal"), c.req.valid("query"));
    return c.json({ ...page, data: page.data.map(keyBody) }, 200);
  },
);

apiKeyRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/api-keys/{id}",
    permission: "api_keys:manage",
    tags: ["API keys"],
    summary: "Revoke an API key",
    description: "Takes effect at once on this instance and within 30 seconds everywhere.",
    request: { params: KeyIdParam },
    responses: { 200: jsonResponse(ApiKey, "The revoked key"), ...problems(404) },
  }),
  async (c) => {
    const row = await revokeApiKey(c.env, c.req.valid("param").id, { principal: c.get("principal") });
    if (!row) throw notFound("API key");
    return c.json(keyBody(row), 200);
  },
);
