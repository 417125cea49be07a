/** The activity log API: who did what, as JSON pages or one streamed CSV. Thin: the query is list-activity.ts. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { csvResponse } from "../analytics/csv";
import type { AppEnv } from "../env";
import { apiRoute, problems } from "../http/route";
import { activityCsvPages, listActivity } from "./list-activity";
import { ACTIVITY_COLUMNS, ActivityList, ActivityQuery } from "./schemas";

export const activityRoutes = new OpenAPIHono<AppEnv>();

activityRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/activity",
    permission: "activity:read",
    tags: ["Staff"],
    summary: "Who did what, newest first",
    description:
      "Every write through the API by a person or a key (refused ones too), and sign-ins. A key's order intake and payment reports are not here: the order's timeline has them. A reader scoped to some stores sees only those stores' rows. `format=csv` streams every matching row.",
    request: { query: ActivityQuery },
    responses: {
      200: {
        description: "A page of entries, or with `format=csv` all of them",
        content: { "application/json": { schema: ActivityList }, "text/csv": { schema: z.string() } },
      },
      ...problems(),
    },
  }),
  async (c) => {
    const { format, ...q } = c.req.valid("query");
    const p = c.get("principal");
    if (format === "csv") {
      const stamp = new Date().toISOString().slice(0, 10);
      return (await csvResponse(`activity-${stamp}.csv`, ACTIVITY_COLUMNS, activityCsvPages(c.env, p, { ...q, cursor: undefined }))) as never;
    }
    return c.json(await listActivity(c.env, p, q), 200);
  },
);
