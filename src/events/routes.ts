/** The change feed for integrations that poll: every change, in commit order, filterable by type and store. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { apiRoute, jsonResponse, problems } from "../http/route";
import { eventBody, listEvents } from "./list-events";
import { EventPage, ListEventsQuery } from "./schemas";

export const eventRoutes = new OpenAPIHono<AppEnv>();

eventRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/events",
    permission: "events:read",
    tags: ["Events"],
    summary: "Read the change feed",
    description:
      "Orders, shipments, tracking, after-sales requests and stock, oldest first, each written in the same transaction as its change. Resume with `after=<next_cursor>`; `next_cursor` is returned on every page, empty ones included. Events are kept for 30 days.",
    request: { query: ListEventsQuery },
    responses: { 200: jsonResponse(EventPage, "A page of events"), ...problems() },
  }),
  async (c) => {
    const page = await listEvents(c.env, c.get("principal"), c.req.valid("query"));
    return c.json({ ...page, data: page.data.map(eventBody) }, 200);
  },
);
