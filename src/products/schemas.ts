/** The catalogue API's shapes. */
import { z } from "@hono/zod-openapi";
import { ListQuery, listOf, Rfc3339 } from "../http/route";
import { Amount } from "../orders/schemas";

export const Product = z
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
export const CreateProduct = z
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
export const UpdateProduct = z
  .object(fields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: "give at least one field to change" })
  .openapi("UpdateProduct");
export const ProductIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
export const ListProductsQuery = z.object({
  ...ListQuery,
  store_id: z.string().max(64).optional(),
  sku: z.string().max(64).optional(),
  active: z.enum(["true", "false"]).optional(),
});
export type CreateProductInput = z.infer<typeof CreateProduct>;
export type UpdateProductInput = z.infer<typeof UpdateProduct>;
export type ListProductsFilter = z.infer<typeof ListProductsQuery>;

export const ProductList = listOf(Product, "ProductList");
