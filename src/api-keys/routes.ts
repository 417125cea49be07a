/**
 * API keys for staff tools and integrations. A key is shown once, at
 * creation; only its SHA-256 is stored. A key acts in one role for a set of
 * stores ("*" for all), and no key can create a key wider than itself.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, isNull, lt } from "drizzle-orm";
import { ROLES, SINGLE_STORE_ROLES } from "../auth/roles";
import { database } from "../db/client";
import { apiKeys, stores, warehouses } from "../db/schema";
import type { AppEnv } from "../env";
import { forgetKey, type Principal } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { forbidden, notFound, validationFailed } from "../http/problem";
import { cursorKey, pageOf } from "../http/pagination";
import { apiRoute, jsonBody, jsonResponse, ListQuery, listOf, problems, Rfc3339 } from "../http/route";
import { newId, randomToken, sha256Hex } from "../lib/ids";
import { iso } from "../orders/serialize";

const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    store_ids: z.array(z.string()),
    warehouse_ids: z.array(z.string()),
    key_prefix: z.string().openapi({ description: "The first characters of the key, to tell keys apart" }),
    created_by: z.string(),
    created_at: Rfc3339,
    revoked_at: Rfc3339.nullable(),
  })
  .openapi("ApiKey");
const CreatedApiKey = ApiKey.extend({
  key: z.string().nullable().openapi({ description: "The secret key. Shown only in this response; null in an idempotent replay" }),
}).openapi("CreatedApiKey");
const CreateApiKey = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    store_ids: z.array(z.string().min(1).max(64)).min(1).max(100).openapi({ description: 'Store ids, or ["*"] for every store' }),
    warehouse_ids: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(100)
      .default(["*"])
      .openapi({ description: 'Warehouses the key may see and work in, or ["*"] (the default) for every warehouse' }),
  })
  .openapi("CreateApiKey");
const KeyIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

type KeyRow = typeof apiKeys.$inferSelect;
const keyBody = (k: KeyRow) => ({
  id: k.id,
  name: k.name,
  role: k.role as (typeof ROLES)[number],
  store_ids: k.storeIds,
  warehouse_ids: k.warehouseIds,
  key_prefix: k.keyPrefix,
  created_by: k.createdBy,
  created_at: iso(k.createdAt),
  revoked_at: k.revokedAt === null ? null : iso(k.revokedAt),
});

const withinScope = (mine: "*" | readonly string[], ids: readonly string[]) =>
  mine === "*" || (!ids.includes("*") && ids.every((s) => mine.includes(s)));
const within = (p: Principal, storeIds: readonly string[], warehouseIds: readonly string[] = ["*"]) =>
  withinScope(p.stores, storeIds) && withinScope(p.warehouses, warehouseIds);

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
    const body = c.req.valid("json");
    const p = c.get("principal");
    const storeIds = [...new Set(body.store_ids)];
    if (storeIds.includes("*") && storeIds.length > 1) {
      throw validationFailed([{ field: "store_ids", message: '"*" stands alone' }]);
    }
    if (SINGLE_STORE_ROLES.has(body.role) && (storeIds.length !== 1 || storeIds[0] === "*")) {
      throw validationFailed([{ field: "store_ids", message: `a ${body.role} key acts for exactly one store` }]);
    }
    const warehouseIds = [...new Set(body.warehouse_ids)];
    if (warehouseIds.includes("*") && warehouseIds.length > 1) {
      throw validationFailed([{ field: "warehouse_ids", message: '"*" stands alone' }]);
    }
    if (!withinScope(p.stores, storeIds)) throw forbidden("A key cannot grant stores beyond its own");
    if (!withinScope(p.warehouses, warehouseIds)) throw forbidden("A key cannot grant warehouses beyond its own");
    const db = database(c.env);
    if (!storeIds.includes("*")) {
      const found = await db.select({ id: stores.id }).from(stores).where(inArray(stores.id, storeIds)).all();
      const missing = storeIds.filter((s) => !found.some((f) => f.id === s));
      if (missing.length) throw validationFailed([{ field: "store_ids", message: `no such store: ${missing.join(", ")}` }]);
    }
    if (!warehouseIds.includes("*")) {
      const found = await db.select({ id: warehouses.id }).from(warehouses).where(inArray(warehouses.id, warehouseIds)).all();
      const missing = warehouseIds.filter((w) => !found.some((f) => f.id === w));
      if (missing.length) throw validationFailed([{ field: "warehouse_ids", message: `no such warehouse: ${missing.join(", ")}` }]);
    }
    const now = Date.now();
    const key = `oms_${randomToken(40)}`;
    const row: KeyRow = {
      id: newId("key", now),
      name: body.name,
      role: body.role,
      storeIds,
      warehouseIds,
      keyHash: await sha256Hex(key),
      keyPrefix: key.slice(0, 10),
      createdBy: p.id,
      createdAt: now,
      revokedAt: null,
    };
    await db.insert(apiKeys).values(row);
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
    request: { query: z.object({ ...ListQuery, include_revoked: z.enum(["true", "false"]).optional() }) },
    responses: { 200: jsonResponse(listOf(ApiKey, "ApiKeyList"), "A page of keys"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = cursorKey(q.cursor);
    const p = c.get("principal");
    const rows = await database(c.env)
      .select()
      .from(apiKeys)
      .where(and(q.include_revoked === "true" ? undefined : isNull(apiKeys.revokedAt), after ? lt(apiKeys.id, after) : undefined))
      .orderBy(desc(apiKeys.id))
      .all();
    // Store scope is a JSON array per key, so it is filtered here: keys are few.
    const visible = rows.filter((k) => within(p, k.storeIds, k.warehouseIds));
    const page = pageOf(visible, q.limit, (k) => k.id);
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
    const db = database(c.env);
    const { id } = c.req.valid("param");
    const existing = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
    if (!existing || !within(c.get("principal"), existing.storeIds, existing.warehouseIds)) throw notFound("API key");
    const [row] = await db
      .update(apiKeys)
      .set({ revokedAt: existing.revokedAt ?? Date.now() })
      .where(eq(apiKeys.id, id))
      .returning();
    forgetKey(existing.keyHash);
    return c.json(keyBody(row!), 200);
  },
);
