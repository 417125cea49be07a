/** The catalogue: SKUs with their type (goods ship, services do not), price and weight. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { assertStoreInScope } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { fromMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import { listProducts } from "./list-products";
import { createProduct, getProduct, type ProductRow, updateProduct } from "./save-product";
import { CreateProduct, ListProductsQuery, Product, ProductIdParam, ProductList, UpdateProduct } from "./schemas";

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
    const r = await createProduct(c.env, body);
    if (!r.ok) {
      if (r.code === "unknown_store") throw validationFailed([{ field: "store_id", message: "no such store" }]);
      if (r.code === "invalid") throw validationFailed(r.errors);
      throw new ApiError(409, "duplicate_sku", "SKU already exists", `Store ${body.store_id} already has SKU ${body.sku}`);
    }
    const row = r.row;
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
    responses: { 200: jsonResponse(ProductList, "A page of products"), ...problems() },
  }),
  async (c) => {
    const page = await listProducts(c.env, c.get("principal"), c.req.valid("query"));
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
    const row = await getProduct(c.env, c.get("principal"), c.req.valid("param").id);
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
    const r = await updateProduct(c.env, c.req.valid("param").id, { principal: c.get("principal"), changes: c.req.valid("json") });
    if (!r.ok) throw r.code === "invalid" ? validationFailed(r.errors) : notFound("product");
    return c.json(productBody(r.row), 200);
  },
);
