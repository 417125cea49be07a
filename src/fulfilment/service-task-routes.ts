/** The service team's tasks: list, read, and move through their lifecycle. */
import { storeScope } from "../http/auth";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { serviceTasks } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, listOf, problems } from "../http/route";
import { cursorKey, pageOf } from "../http/pagination";
import { etag, iso, parseIfMatch } from "../orders/serialize";
import { ListTasksQuery, ServiceTask, ServiceTaskIdParam, TaskIfMatch, TaskTransitionBody } from "./schemas";
import { allowedTaskEvents } from "./service-task-lifecycle";
import { changeTask, type TaskRow } from "./service-tasks";

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const taskBody = (t: TaskRow) => ({
  id: t.id,
  order_id: t.orderId,
  store_id: t.storeId,
  line_no: t.lineNo,
  sku: t.sku,
  name: t.name,
  quantity: t.quantity,
  status: t.status,
  assignee: t.assignee,
  note: t.note,
  version: t.version,
  allowed_events: allowedTaskEvents(t.status),
  created_at: iso(t.createdAt),
  updated_at: iso(t.updatedAt),
  assigned_at: isoOrNull(t.assignedAt),
  started_at: isoOrNull(t.startedAt),
  done_at: isoOrNull(t.doneAt),
});

export const serviceTaskRoutes = new OpenAPIHono<AppEnv>();

serviceTaskRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/service-tasks",
    permission: "service_tasks:read",
    tags: ["Service tasks"],
    summary: "List service tasks, newest first",
    request: { query: ListTasksQuery },
    responses: { 200: jsonResponse(listOf(ServiceTask, "ServiceTaskList"), "A page of tasks"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = cursorKey(q.cursor, (k) => k.startsWith("svc_"));
    const p = c.get("principal");
    // Unless narrowed to a store, from every shard holding one of the principal's stores (src/db/fan-out.ts).
    const rows = await listedAcross(
      c.env,
      p,
      q.store_id,
      (onIt) =>
        database(onIt)
          .select()
          .from(serviceTasks)
          .where(
            and(
              storeScope(p, serviceTasks.storeId),
              q.status ? inArray(serviceTasks.status, q.status) : undefined,
              q.assignee ? eq(serviceTasks.assignee, q.assignee) : undefined,
              q.order_id ? eq(serviceTasks.orderId, q.order_id) : undefined,
              q.store_id ? eq(serviceTasks.storeId, q.store_id) : undefined,
              after ? lt(serviceTasks.id, after) : undefined,
            ),
          )
          .orderBy(desc(serviceTasks.id))
          .limit(q.limit + 1)
          .all(),
      (r) => r.id,
    );
    const page = pageOf(rows, q.limit, (r) => r.id);
    return c.json({ data: page.data.map(taskBody), next_cursor: page.next_cursor }, 200);
  },
);

serviceTaskRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/service-tasks/{id}",
    permission: "service_tasks:read",
    tags: ["Service tasks"],
    summary: "Get a service task",
    request: { params: ServiceTaskIdParam },
    responses: { 200: jsonResponse(ServiceTask, "The task"), ...problems(404) },
  }),
  async (c) => {
    const p = c.get("principal");
    const t = await database(c.env)
      .select()
      .from(serviceTasks)
      .where(eq(serviceTasks.id, c.req.valid("param").id))
      .get();
    if (!t || (p.stores !== "*" && !p.stores.includes(t.storeId))) throw notFound("service task");
    return c.json(taskBody(t), 200, { etag: etag(t.version) });
  },
);

serviceTaskRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/service-tasks/{id}/transitions",
    permission: "service_tasks:manage",
    tags: ["Service tasks"],
    summary: "Assign, start, complete, unassign or cancel a task",
    description:
      "The first assignment of a service-only order moves the order to `processing`; when every task that is not cancelled is done, the order is `delivered`. A stale `If-Match` is a 412.",
    request: {
      params: ServiceTaskIdParam,
      headers: TaskIfMatch,
      body: jsonBody(TaskTransitionBody),
    },
    responses: { 200: jsonResponse(ServiceTask, "The task after the change"), ...problems(404, 409, 412, 413, 415, 422) },
  }),
  async (c) => {
    const expectedVersion = parseIfMatch(c.req.header("if-match"));
    if (expectedVersion === "invalid") throw validationFailed([{ field: "If-Match", message: 'must be the ETag of the task, e.g. "3"' }], 400);
    const body = c.req.valid("json");
    const r = await changeTask(c.env, c.req.valid("param").id, { principal: c.get("principal"), change: { ...body, expectedVersion } });
    if (r.ok) return c.json(taskBody(r.task), 200, { etag: etag(r.task.version) });
    switch (r.code) {
      case "not_found":
        throw notFound("service task");
      case "version_mismatch":
        throw new ApiError(412, "version_mismatch", "Precondition failed", `The task is at version ${r.version}`, { current_version: r.version }, { etag: etag(r.version) });
      case "refused":
        throw new ApiError(409, "illegal_transition", "Transition not allowed", `cannot ${body.event} a task that is ${r.status}`, {
          task_status: r.status,
          allowed_events: r.allowed,
        });
      case "order_not_ready":
        throw new ApiError(409, "order_not_ready", "Order not ready", `The task's order is ${r.orderStatus}; work starts once it is approved`, { order_status: r.orderStatus });
    }
  },
);
