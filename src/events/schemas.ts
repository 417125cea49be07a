/** The change feed's query and event shapes (GET /v1/events). */
import { z } from "@hono/zod-openapi";
import { Rfc3339 } from "../http/route";
import { EVENT_TYPES, validPattern } from "./event-types";

export const ListEventsQuery = z.object({
  after: z.string().max(2000).optional().openapi({ description: "Opaque cursor: the `next_cursor` of the previous page. Without it the feed starts at the oldest event kept." }),
  type: z
    .string()
    .max(500)
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(
      z
        .array(z.string().refine(validPattern, { message: `is not an event type (${EVENT_TYPES.join(", ")}), a group like order.* or *` }))
        .min(1)
        .max(20),
    )
    .optional()
    .openapi({ description: "Event types or groups, comma-separated: `order.created`, `order.*`, `shipment.*,tracking.*`" }),
  store_id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListEventsFilter = z.infer<typeof ListEventsQuery>;

export const FeedEvent = z
  .object({
    seq: z
      .number()
      .int()
      .openapi({ description: "Position in the feed of the database holding the store: commit order, strictly increasing there (each D1 shard numbers its own)" }),
    type: z.string(),
    store_id: z.string().openapi({ description: 'The store; "*" for stock of a warehouse that serves every store' }),
    order_id: z.string().nullable(),
    resource_id: z.string(),
    order_version: z.number().int().nullable().openapi({ description: "The order's version when the change was written: drop an event older than the version you hold" }),
    data: z.record(z.string(), z.unknown()),
    created_at: Rfc3339,
  })
  .openapi("Event");

export const EventPage = z
  .object({
    data: z.array(FeedEvent),
    next_cursor: z.string().openapi({ description: "Always present: pass it as `after` to resume, also after an empty page" }),
    has_more: z.boolean().openapi({ description: "More events are ready now; false: poll again later with next_cursor" }),
  })
  .openapi("EventPage");
