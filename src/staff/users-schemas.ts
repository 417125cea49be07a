/** The users API's shapes: staff people, their positions and scope. */
import { z } from "@hono/zod-openapi";
import { USER_STATUSES } from "../db/schema";
import { ListQuery, listOf, Rfc3339 } from "../http/route";
import { STAFF_LOCALES } from "./staff-mail";

const Id = z.string().min(1).max(64);
const Positions = z.array(Id).min(1).max(5).openapi({ description: "Position ids, built-in (`picker`) or custom (`pos_...`); the first is the person's main position" });
const Scope = (what: string) =>
  z
    .array(Id)
    .min(1)
    .max(100)
    .openapi({ description: `${what} ids, or ["*"] for every one` });

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    display_name: z.string(),
    status: z.enum(USER_STATUSES),
    positions: z.array(z.string()),
    store_ids: z.array(z.string()),
    warehouse_ids: z.array(z.string()),
    locale: z.string(),
    two_factor: z.boolean().openapi({ description: "Has an authenticator app set up" }),
    created_by: z.string(),
    created_at: Rfc3339,
    updated_at: Rfc3339,
    deactivated_at: Rfc3339.nullable(),
    last_sign_in_at: Rfc3339.nullable(),
    version: z.number().int(),
  })
  .openapi("User");

export const InviteUser = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    display_name: z.string().trim().min(1).max(100),
    positions: Positions,
    store_ids: Scope("Store").default(["*"]),
    warehouse_ids: Scope("Warehouse").default(["*"]),
    locale: z.enum(STAFF_LOCALES).default("en"),
  })
  .openapi("InviteUser");
export type InviteUserInput = z.infer<typeof InviteUser>;

export const UpdateUser = z
  .object({
    display_name: z.string().trim().min(1).max(100).optional(),
    positions: Positions.optional(),
    store_ids: Scope("Store").optional(),
    warehouse_ids: Scope("Warehouse").optional(),
    locale: z.enum(STAFF_LOCALES).optional(),
    status: z.enum(["active", "deactivated"]).optional().openapi({ description: "`deactivated` ends the person's sessions and revokes the keys they made, at once" }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "name at least one field to change" })
  .openapi("UpdateUser");
export type UpdateUserInput = z.infer<typeof UpdateUser>;

export const UserIdParam = z.object({ id: Id.openapi({ param: { name: "id", in: "path" } }) });
export const IfMatch = z.object({ "if-match": z.string().optional().openapi({ description: 'The user\'s version from the ETag, e.g. "3"' }) });

export const ListUsersQuery = z.object({
  ...ListQuery,
  status: z.enum(USER_STATUSES).optional(),
  position: Id.optional(),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: "Part of the name or email" }),
});
export type ListUsersFilter = z.infer<typeof ListUsersQuery>;

export const UserList = listOf(User, "UserList");
