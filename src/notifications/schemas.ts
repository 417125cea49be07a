/** The notifications API's shapes. */
import { z } from "@hono/zod-openapi";
import { ListQuery, listOf, Rfc3339 } from "../http/route";

export const Notification = z
  .object({
    id: z.string(),
    order_id: z.string(),
    store_id: z.string(),
    template: z.string().openapi({ example: "order.on_hold" }),
    language: z.string(),
    channel: z.enum(["email"]),
    recipient: z.string().nullable().openapi({ description: "The customer's address; null for roles that do not see contact data" }),
    subject: z.string(),
    body: z.string().optional().openapi({ description: "The text sent; only for roles that see contact data" }),
    status: z.enum(["sent", "skipped", "failed"]),
    provider: z.string(),
    provider_ref: z.string().nullable(),
    error: z.string().nullable(),
    created_at: Rfc3339,
  })
  .openapi("Notification");

export const ListNotificationsQuery = z.object({ ...ListQuery, order_id: z.string().max(64).optional(), store_id: z.string().max(64).optional() });
export type ListNotificationsFilter = z.infer<typeof ListNotificationsQuery>;

export const NotificationList = listOf(Notification, "NotificationList");

export const CustomerLink = z.object({ url: z.string(), expires_at: Rfc3339 }).openapi("CustomerLink");
