/** The positions API's shapes. */
import { z } from "@hono/zod-openapi";
import { COMPOSABLE_PERMISSIONS, CONTACT_SCOPES } from "../auth/roles";
import { Rfc3339 } from "../http/route";

export const Position = z
  .object({
    id: z.string().openapi({ description: "The built-in name (`picker`) or `pos_...` for a custom position" }),
    name: z.string(),
    description: z.string().nullable(),
    built_in: z.boolean(),
    permissions: z.array(z.string()),
    contact_scope: z.enum(CONTACT_SCOPES).openapi({ description: "What it sees of customers: `contact` everything, `ship_to` what goes on the parcel, `pseudonymous` neither" }),
    require_two_factor: z.boolean(),
    user_count: z.number().int().openapi({ description: "People (invited or active) who hold it" }),
    archived_at: Rfc3339.nullable(),
    version: z.number().int(),
  })
  .openapi("Position");
export const PositionList = z.object({ data: z.array(Position) }).openapi("PositionList");

const Permissions = z
  .array(z.enum(COMPOSABLE_PERMISSIONS as unknown as [string, ...string[]]))
  .min(1)
  .max(COMPOSABLE_PERMISSIONS.length)
  .openapi({ description: "Permissions it grants; nobody grants one they do not hold" });

export const CreatePosition = z
  .object({
    name: z.string().trim().min(1).max(60),
    description: z.string().trim().max(300).nullable().optional(),
    permissions: Permissions,
    contact_scope: z.enum(CONTACT_SCOPES).default("pseudonymous"),
    require_two_factor: z.boolean().default(false),
  })
  .strict()
  .openapi("CreatePosition");
export type CreatePositionInput = z.infer<typeof CreatePosition>;

export const UpdatePosition = z
  .object({
    name: z.string().trim().min(1).max(60).optional(),
    description: z.string().trim().max(300).nullable().optional(),
    permissions: Permissions.optional(),
    contact_scope: z.enum(CONTACT_SCOPES).optional(),
    require_two_factor: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "name at least one field to change" })
  .openapi("UpdatePosition");
export type UpdatePositionInput = z.infer<typeof UpdatePosition>;

export const PositionIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
export const ListPositionsQuery = z.object({ include_archived: z.enum(["true", "false"]).optional() });
