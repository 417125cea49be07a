/** The catalogue: SKUs with their type (goods ship, services do not), price and weight. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { constraintFailed, database } from "../db/client";
import { products, stores } from "../db/schema";
import type { AppEnv } from "../env";
import { assertStoreInScope, seesStore, type Principal } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { cursorKey, pageOf } from "../http/pagination";
import { apiRoute, jsonBody, jsonResponse, ListQuery, listOf, problems, Rfc3339 } from "../http/route";
import { newId } from "../lib/ids";
import { fromMinor, toMinor } from "../lib/money";
import { Amount } from "../orders/schemas";
import { iso } from "../orders/serialize";
import { forgetProduct } from "./catalogue";

const Product = z
  .object({
    id: z.string(),
    store_id: z.string(),
    sku: z.string(),
    name: z.string(),
    type: z.enum(["goods", "service"]),
    price: Amount,
    currency: z.string(),
    weight_grams: z.number().int(),
    barcode: z.string().nullable(),
    active: z.boolean(),
    created_at: Rfc3339,
    updated_at: Rfc3339,
  })
  .openapi("Product");

const fields = {
  name: z.string().trim().min(1).max(200),
  type: z.enum(["goods", "service"]),
  price: Amount.openapi({ description: "In the store's currency" }),
  weight_grams: z.number().int().min(0).max(1_000_000),
  barcode: z
    .string()
    .regex(/^[0-9A-Za-z\-.]{4,64}$/, "must be 4 to 64 letters, digits, - or .")
    .nullable()
    .openapi({ description: "What scanners read off the item (EAN, UPC...); picking and packing accept it as well as the SKU" }),
  active: z.boolean(),
};
const CreateProduct = z
  .object({
    store_id: z.string().min(1).max(64),
    sku: z.string().trim().min(1).max(64),
    ...fields,
    type: fields.type.default("goods"),
    weight_grams: fields.weight_grams.default(0),
    barcode: fields.barcode.default(null),
    active: fields.active.default(true),
  })
  .openapi("CreateProduct");
const UpdateProduct = z
  .object(fields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: "give at least one field to change" })
  .openapi("UpdateProduct");
const ProductIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });
const ListProductsQuery = z.object({
  ...ListQuery,
  store_id: z.string().max(64).optional(),
  sku: z.string().max(64).optional(),
  active: z.enum(["true", "false"]).optional(),
});

type ProductRow = typeof products.$inferSelect;
const productBody = (p: ProductRow) => ({
  id: p.id,
  store_id: p.storeId,
  sku: p.sku,
  name: p.name,
  type: p.type,
  price: fromMinor(p.price, p.currency),
  currency: p.currency,
  weight_grams: p.weightGrams,
  barcode: p.barcode,
  active: p.active,
  created_at: iso(p.createdAt),
  updated_at: iso(p.updatedAt),
});

function priceIn(price: string, currency: string): number {
  const r = toMinor(price, currency);
  if (!r.ok) throw validationFailed([{ field: "price", message: r.message }]);
  return r.minor;
}

async function visibleProduct(env: AppEnv["Bindings"], p: Principal, id: string) {
  const row = await database(env).select().from(products).where(eq(products.id, id)).get();
  return row && seesStore(p, row.storeId) ? row : null;
}

export const productRoutes = new OpenAPIHono<AppEnv>();

productRoutes.post("/v1/products", idempotent());
productRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/products",
    permission: "products:manage",
    tags: ["Products"],
    summary: "Add a product to a store's catalogue",
    request: { body: jsonBody(CreateProduct) },
    responses: { 201: jsonResponse(Product, "The product"), ...problems(409, 413, 415, 422) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    assertStoreInScope(c.get("principal"), body.store_id);
    const db = database(c.env);
    const store = await db.select({ currency: stores.currency }).from(stores).where(eq(stores.id, body.store_id)).get();
    if (!store) throw validationFailed([{ field: "store_id", message: "no such store" }]);
    const now = Date.now();
    const row: ProductRow = {
      id: newId("prd", now),
      storeId: body.store_id,
      sku: body.sku,
      name: body.name,
      type: body.type,
      price: priceIn(body.price, store.currency),
      currency: store.currency,
      weightGrams: body.weight_grams,
      barcode: body.barcode,
      active: body.active,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await db.insert(products).values(row);
    } catch (err) {
      if (constraintFailed(err, "products.store_id, products.sku")) {
        throw new ApiError(409, "duplicate_sku", "SKU already exists", `Store ${body.store_id} already has SKU ${body.sku}`);
      }
      throw err;
    }
    forgetProduct(row.storeId, row.sku);
    return c.json(productBody(row), 201, { location: `/v1/products/${row.id}` });
  },
);

productRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/products",
    permission: "products:read",
    tags: ["Products"],
    summary: "List products",
    request: { query: ListProductsQuery },
    responses: { 200: jsonResponse(listOf(Product, "ProductList"), "A page of products"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = cursorKey(q.cursor);
    const p = c.get("principal");
    const rows = await database(c.env)
      .select()
      .from(products)
      .where(
        and(
          p.stores === "*" ? undefined : inArray(products.storeId, [...p.stores]),
          q.store_id ? eq(products.storeId, q.store_id) : undefined,
          q.sku ? eq(products.sku, q.sku) : undefined,
          q.active ? eq(products.active, q.active === "true") : undefined,
          after ? lt(products.id, after) : undefined,
        ),
      )
      .orderBy(desc(products.id))
      .limit(q.limit + 1)
      .all();
    const page = pageOf(rows, q.limit, (p) => p.id);
    return c.json({ ...page, data: page.data.map(productBody) }, 200);
  },
);

productRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/products/{id}",
    permission: "products:read",
    tags: ["Products"],
    summary: "Get a product",
    request: { params: ProductIdParam },
    responses: { 200: jsonResponse(Product, "The product"), ...problems(404) },
  }),
  async (c) => {
    const row = await visibleProduct(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("product");
    return c.json(productBody(row), 200);
  },
);

productRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/products/{id}",
    permission: "products:manage",
    tags: ["Products"],
    summary: "Update a product",
    description: "The SKU and store never change; create a new product instead.",
    request: { params: ProductIdParam, body: jsonBody(UpdateProduct) },
    responses: { 200: jsonResponse(Product, "The product"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const existing = await visibleProduct(c.env, c.get("principal"), c.req.valid("param").id);
    if (!existing) throw notFound("product");
    const { price, weight_grams, ...rest } = c.req.valid("json");
    const [row] = await database(c.env)
      .update(products)
      .set({
        ...rest,
        ...(price !== undefined ? { price: priceIn(price, existing.currency) } : {}),
        ...(weight_grams !== undefined ? { weightGrams: weight_grams } : {}),
        updatedAt: Date.now(),
      })
      .where(eq(products.id, existing.id))
      .returning();
    forgetProduct(existing.storeId, existing.sku);
    return c.json(productBody(row!), 200);
  },
);
