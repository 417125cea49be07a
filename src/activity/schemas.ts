/** The activity log's API shapes: the single source of its types and OpenAPI. */
import { z } from "@hono/zod-openapi";
import { ListQuery, listOf, Rfc3339 } from "../http/route";

export const ACTOR_KINDS = ["user", "key", "anonymous"] as const;

/** Beside an `actor` id wherever people read who did something: what kind of actor it is and its name. */
export const ActorNameFields = {
  actor_kind: z.enum(["user", "key", "system", "channel", "customer", "unknown"]).openapi({ description: "A person, an API key, the system, a channel connection, the customer" }),
  actor_name: z.string().nullable().openapi({ description: "The person's display name or the key's name (today's), or words for the others" }),
};

export const ActivityQuery = z
  .object({
    actor: z.string().min(1).max(100).optional().openapi({ description: "The actor's id: `usr_...`, `key_...`, `bootstrap`" }),
    actor_kind: z.enum(ACTOR_KINDS).optional(),
    action: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "Actions starting with this, e.g. `POST /v1/orders/{id}/transitions` or `sign_in`", example: "PATCH /v1/stores" }),
    target: z.string().min(1).max(100).optional().openapi({ description: "The id acted on (order, shipment, user, store...)" }),
    store_id: z.string().min(1).max(100).optional(),
    from: z.iso.datetime({ offset: true }).optional().openapi({ description: "At or after this instant (RFC 3339)" }),
    to: z.iso.datetime({ offset: true }).optional().openapi({ description: "Before this instant (RFC 3339, exclusive)" }),
    format: z.enum(["json", "csv"]).default("json").openapi({ description: "`csv` streams every matching row as text/csv" }),
    ...ListQuery,
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "must be after from" });

export const ActivityEntry = z
  .object({
    id: z.string(),
    at: Rfc3339,
    actor: z.object({
      id: z.string().nullable(),
      kind: z.string().openapi({ description: "`user` (a person), `key` (an API key), `anonymous` (a sign-in attempt naming no one)" }),
      name: z.string().nullable().openapi({ description: "The person's display name or the key's name when it was done" }),
    }),
    action: z.string().openapi({ description: "`<METHOD> <route>` for API writes, or a word like `sign_in`" }),
    target: z.string().nullable(),
    store_id: z.string().nullable(),
    status: z.number().int().nullable(),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    detail: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "Field names changed, the event or decision, a refusal's problem code; never values of personal data or secrets" }),
  })
  .openapi("ActivityEntry");

export const ActivityList = listOf(ActivityEntry, "ActivityList");

export const ACTIVITY_COLUMNS = ["at", "actor_id", "actor_kind", "actor_name", "action", "target", "store_id", "status", "ip", "user_agent", "detail"] as const;
