/** What customers were told (the local provider's outbox, and the delivery record of every provider), and customer links. */
import { seesMessages } from "../orders/project-order";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { notFound } from "../http/problem";
import { apiRoute, jsonResponse, problems } from "../http/route";
import { OrderIdParam } from "../orders/schemas";
import { iso } from "../orders/serialize";
import { createCustomerLink } from "./create-customer-link";
import { listNotifications } from "./list-notifications";
import { CustomerLink, ListNotificationsQuery, NotificationList } from "./schemas";

export const notificationRoutes = new OpenAPIHono<AppEnv>();

notificationRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/notifications",
    permission: "notifications:read",
    tags: ["Notifications"],
    summary: "Messages sent (or recorded) for customers, newest first",
    request: { query: ListNotificationsQuery },
    responses: { 200: jsonResponse(NotificationList, "A page of messages"), ...problems() },
  }),
  async (c) => {
    const principal = c.get("principal");
    const page = await listNotifications(c.env, principal, c.req.valid("query"));
    // The address and the text are the customer's contact data (the text greets them by name).
    const contact = seesMessages(principal.contactScope);
    return c.json(
      {
        data: page.data.map((n) => ({
          id: n.id,
          order_id: n.orderId,
          store_id: n.storeId,
          template: n.template,
          language: n.language,
          channel: n.channel,
          recipient: contact ? n.recipient : null,
          subject: n.subject,
          ...(contact ? { body: n.body } : {}),
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
    responses: { 201: jsonResponse(CustomerLink, "The link"), ...problems(404) },
  }),
  async (c) => {
    const link = await createCustomerLink(c.env, c.req.valid("param").id, { principal: c.get("principal") });
    if (!link) throw notFound("order");
    return c.json({ url: link.url, expires_at: iso(link.expiresAt) }, 201);
  },
);
