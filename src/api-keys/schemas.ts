/** The API keys API's shapes. */
import { z } from "@hono/zod-openapi";
import { isRole, ROLES } from "../auth/roles";
import { ListQuery, listOf, Rfc3339 } from "../http/route";

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.string().openapi({ description: "A built-in position, or a custom one (`pos_...`)" }),
    store_ids: z.array(z.string()),
    warehouse_ids: z.array(z.string()),
    key_prefix: z.string().openapi({ description: "The first characters of the key, to tell keys apart" }),
    created_by: z.string(),
    created_at: Rfc3339,
    revoked_at: Rfc3339.nullable(),
  })
  .openapi("ApiKey");
export const CreatedApiKey = ApiKey.extend({
  key: z.string().nullable().openapi({ description: "The secret key. Shown only in this response; null in an idempotent replay" }),
}).openapi("CreatedApiKey");
export const CreateApiKey = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z
      .string()
      .refine((r) => isRole(r) || /^pos_[0-9A-Za-z]{10,40}$/.test(r), { message: `must be one of ${ROLES.join(", ")}, or a custom position id (pos_...)` })
      .openapi({ description: "A built-in position, or a custom position's id (`pos_...`): the key may do what it grants" }),
    store_ids: z.array(z.string().min(1).max(64)).min(1).max(100).openapi({ description: 'Store ids, or ["*"] for every store' }),
    warehouse_ids: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(100)
      .default(["*"])
      .openapi({ description: 'Warehouses the key may see and work in, or ["*"] (the default) for every warehouse' }),
  })
  .openapi("CreateApiKey");
export const KeyIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKey>;

export const ListApiKeysQuery = z.object({ ...ListQuery, include_revoked: z.enum(["true", "false"]).optional() });
export type ListApiKeysFilter = z.infer<typeof ListApiKeysQuery>;

export const ApiKeyList = listOf(ApiKey, "ApiKeyList");
