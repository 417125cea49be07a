/** What customers were told (the local provider's outbox, and the delivery record of every provider), and customer links. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { database } from "../db/client";
import { notifications, orders } from "../db/schema";
import type { AppEnv } from "../env";
import { seesStore } from "../http/auth";
import { notFound } from "../http/problem";
import { cursorKey, pageOf } from "../http/pagination";
import { apiRoute, jsonResponse, ListQuery, listOf, problems, Rfc3339 } from "../http/route";
import { mintCustomerLink } from "../customer/tokens";
import { OrderIdParam } from "../orders/schemas";
import { iso } from "../orders/serialize";

export const notificationRoutes = new OpenAPIHono<AppEnv>();

const Notification = z
  .object({
    id: z.string(),
    order_id: z.string(),
    store_id: z.string(),
    template: z.string().openapi({ example: "order.on_hold" }),
    language: z.string(),
    channel: z.enum(["email"]),
    recipient: z.string().nullable(),
    subject: z.string(),
    body: z.string(),
    status: z.enum(["sent", "skipped", "failed"]),
    provider: z.string(),
    provider_ref: z.string().nullable(),
    error: z.string().nullable(),
    created_at: Rfc3339,
  })
  .openapi("Notification");

notificationRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/notifications",
    permission: "notifications:read",
    tags: ["Notifications"],
    summary: "Messages sent (or recorded) for customers, newest first",
    request: { query: z.object({ ...ListQuery, order_id: z.string().max(64).optional(), store_id: z.string().max(64).optional() }) },
    responses: { 200: jsonResponse(listOf(Notification, "NotificationList"), "A page of messages"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    const after = cursorKey(q.cursor);
    const rows = await database(c.env)
      .select()
      .from(notifications)
      .where(
        and(
          p.stores === "*" ? undefined : inArray(notifications.storeId, [...p.stores]),
          q.order_id ? eq(notifications.orderId, q.order_id) : undefined,
          q.store_id ? eq(notifications.storeId, q.store_id) : undefined,
          after ? lt(notifications.id, after) : undefined,
        ),
      )
      .orderBy(desc(notifications.id))
      .limit(q.limit + 1)
      .all();
    const page = pageOf(rows, q.limit, (n) => n.id);
    return c.json(
      {
        data: page.data.map((n) => ({
          id: n.id,
          order_id: n.orderId,
          store_id: n.storeId,
          template: n.template,
          language: n.language,
          channel: n.channel,
          recipient: n.recipient,
          subject: n.subject,
          body: n.body,
          status: n.status,
          provider: n.provider,
          provider_ref: n.providerRef,
          error: n.error,
          created_at: iso(n.createdAt),
        })),
        next_cursor: page.next_cursor,
      },
      200,
    );
  },
);

notificationRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/customer-link",
    permission: "orders:customer_link",
    tags: ["Notifications"],
    summary: "A fresh link to the customer's order page, to send by hand",
    request: { params: OrderIdParam },
    responses: { 201: jsonResponse(z.object({ url: z.string(), expires_at: Rfc3339 }).openapi("CustomerLink"), "The link"), ...problems(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = database(c.env);
    const order = await db.select({ storeId: orders.storeId }).from(orders).where(eq(orders.id, id)).get();
    if (!order || !seesStore(c.get("principal"), order.storeId)) throw notFound("order");
    const link = await mintCustomerLink(db, c.env, id);
    await link.statement;
    return c.json({ url: link.url, expires_at: iso(link.expiresAt) }, 201);
  },
);
