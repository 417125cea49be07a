/** Stores: the merchant's shops. Creating one needs an admin key for every store. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { seesStore } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { forbidden, notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { iso } from "../orders/serialize";
import { getStore, listStores } from "./list-stores";
import { createStore, type StoreRow, updateStore } from "./save-store";
import { CreateStore, Store, StoreIdParam, StoreList, StoreListQuery, UpdateStore } from "./schemas";

const storeBody = (s: StoreRow) => ({
  id: s.id,
  name: s.name,
  currency: s.currency,
  timezone: s.timezone,
  language: s.language,
  auto_audit: s.autoAudit,
  notify_on: s.notifyOn,
  finance_review: s.financeReview ? { thresholds: s.financeReview } : null,
  complete_after_days: s.completeAfterDays,
  backorder_priority: s.backorderPriority,
  invoicing: s.invoicing ?? null,
  archive_after_days: s.archiveAfterDays,
  return_window_days: s.returnWindowDays,
  created_at: iso(s.createdAt),
  updated_at: iso(s.updatedAt),
});

export const storeRoutes = new OpenAPIHono<AppEnv>();

storeRoutes.post("/v1/stores", idempotent());
storeRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/stores",
    permission: "stores:manage",
    tags: ["Stores"],
    summary: "Create a store",
    description:
      "`stock` says whose warehouses the store can share, and so which database it lives on (docs/SHARDING.md): the main stock pool, a pool of its own on the database with the most room, or another store's pool. A pool of its own is refused while a warehouse serves every store (409 `pool_split`, nothing written).",
    request: { body: jsonBody(CreateStore) },
    responses: { 201: jsonResponse(Store, "The store"), ...problems(409, 413, 415, 422) },
  }),
  async (c) => {
    if (c.get("principal").stores !== "*") throw forbidden("Only an admin key for every store may create stores");
    const row = await createStore(c.env, c.req.valid("json"));
    return c.json(storeBody(row), 201, { location: `/v1/stores/${row.id}` });
  },
);

storeRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores",
    permission: "stores:read",
    tags: ["Stores"],
    summary: "List the stores this key may see",
    request: { query: StoreListQuery },
    responses: { 200: jsonResponse(StoreList, "A page of stores"), ...problems() },
  }),
  async (c) => {
    const page = await listStores(c.env, c.get("principal"), c.req.valid("query"));
    return c.json({ ...page, data: page.data.map(storeBody) }, 200);
  },
);

storeRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores/{id}",
    permission: "stores:read",
    tags: ["Stores"],
    summary: "Get a store",
    request: { params: StoreIdParam },
    responses: { 200: jsonResponse(Store, "The store"), ...problems(404) },
  }),
  async (c) => {
    const row = await getStore(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("store");
    return c.json(storeBody(row), 200);
  },
);

storeRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/stores/{id}",
    permission: "stores:manage",
    tags: ["Stores"],
    summary: "Update a store",
    request: { params: StoreIdParam, body: jsonBody(UpdateStore) },
    responses: { 200: jsonResponse(Store, "The store"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    if (!seesStore(c.get("principal"), id)) throw notFound("store");
    const row = await updateStore(c.env, id, c.req.valid("json"));
    if (!row) throw notFound("store");
    return c.json(storeBody(row), 200);
  },
);
