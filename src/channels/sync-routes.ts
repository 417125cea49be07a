/**
 * Keeping a channel in step, over HTTP: ask for a backfill of a date range,
 * read the reconciliation runs' reports, read what was pushed back to the
 * platform (every attempt), and send a push again. A connection outside the
 * caller's stores is not found.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { channelConnections, PUSH_KINDS, PUSH_OUTCOMES, PUSH_STATUSES, SYNC_RUN_KINDS, SYNC_RUN_STATUSES } from "../db/schema";
import type { AppEnv, ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { seesStore } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { cursorKey } from "../http/pagination";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, csv, encodeCursor, jsonBody, jsonResponse, problems, Rfc3339 } from "../http/route";
import { sendOutboxSoon } from "../outbox/send";
import type { PushRow } from "./push-plan";
import { listPushes, loadPush, retryPush } from "./push-send";
import { requestBackfill } from "./reconcile-backfill";
import { checkBackfillRange } from "./reconcile-select";
import { listSyncRuns, type SyncRunRow } from "./reconcile";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const ConnectionIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "chn_01J..." }),
});
const PushIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "psh_01J..." }),
});
const Page = {
  cursor: z.string().max(200).optional().openapi({ description: "Opaque cursor from the previous page's next_cursor" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
};

const BackfillBody = z
  .object({
    from: z.iso.datetime({ offset: true }).openapi({ description: "Orders the platform changed at or after this time", example: "2026-11-01T00:00:00Z" }),
    to: z.iso.datetime({ offset: true }).openapi({ description: "...and before this time (at most 366 days after `from`)", example: "2026-12-01T00:00:00Z" }),
  })
  .strict()
  .openapi("BackfillRequest");

const SyncRun = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    store_id: z.string(),
    kind: z.enum(SYNC_RUN_KINDS),
    status: z.enum(SYNC_RUN_STATUSES).openapi({ description: "queued, running (worked in steps), waiting (rate-limited or the platform down, until resume_at), done, failed" }),
    window: z.object({ from: Rfc3339, to: Rfc3339 }),
    pages: z.number().int(),
    seen: z.number().int().openapi({ description: "Platform orders listed in the window" }),
    created: z.number().int().openapi({ description: "Orders we did not have, taken in" }),
    updated: z.number().int().openapi({ description: "Orders whose platform state was newer than ours, taken in again" }),
    unchanged: z.number().int().openapi({ description: "Orders we already had in this state: left alone" }),
    skipped: z.number().int().openapi({ description: "Platform orders that are not orders to take (drafts)" }),
    errors: z.number().int(),
    error_log: z
      .array(z.object({ at: Rfc3339, external_id: z.string().nullable(), message: z.string() }))
      .openapi({ description: "The first errors: orders that failed, the platform's answers" }),
    resume_at: Rfc3339.nullable(),
    requested_by: z.string().nullable(),
    created_at: Rfc3339,
    started_at: Rfc3339.nullable(),
    finished_at: Rfc3339.nullable(),
  })
  .openapi("SyncRun");

const PushAttempt = z.object({
  attempt: z.number().int(),
  at: Rfc3339,
  outcome: z.enum(PUSH_OUTCOMES),
  http_status: z.number().int().nullable(),
  message: z.string().nullable(),
});

const Push = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    order_id: z.string(),
    external_order_id: z.string(),
    kind: z.enum(PUSH_KINDS),
    ref: z.string().openapi({ description: "Ours: the shipment (fulfillment), the order (cancellation), the after-sales request (refund)" }),
    status: z.enum(PUSH_STATUSES).openapi({
      description: "pending, sending, retrying (until next_attempt_at), sent, refused (the platform said no: fix it and retry), failed (gave up after a day and a half)",
    }),
    attempts: z.number().int(),
    next_attempt_at: Rfc3339.nullable(),
    platform_ref: z.string().nullable().openapi({ description: "The platform's id of what it made (its fulfillment, its refund)" }),
    last_error: z.string().nullable(),
    created_at: Rfc3339,
    sent_at: Rfc3339.nullable(),
    attempt_log: z.array(PushAttempt).optional(),
  })
  .openapi("ChannelPush");

const runBody = (r: SyncRunRow) => ({
  id: r.id,
  connection_id: r.connectionId,
  store_id: r.storeId,
  kind: r.kind,
  status: r.status,
  window: { from: iso(r.windowFrom)!, to: iso(r.windowUntil)! },
  pages: r.pages,
  seen: r.seen,
  created: r.created,
  updated: r.updated,
  unchanged: r.unchanged,
  skipped: r.skipped,
  errors: r.errors,
  error_log: r.errorLog.map((e) => ({ at: iso(e.at)!, external_id: e.externalId, message: e.message })),
  resume_at: iso(r.resumeAt),
  requested_by: r.requestedBy,
  created_at: iso(r.createdAt)!,
  started_at: iso(r.startedAt),
  finished_at: iso(r.finishedAt),
});

type AttemptRow = Awaited<ReturnType<typeof listPushes>>[number]["attempts"][number];
const pushBody = (p: PushRow, attempts?: AttemptRow[]) => ({
  id: p.id,
  connection_id: p.connectionId,
  order_id: p.orderId,
  external_order_id: p.externalId,
  kind: p.kind,
  ref: p.ref,
  status: p.status,
  attempts: p.attempts,
  next_attempt_at: iso(p.nextAttemptAt),
  platform_ref: p.platformRef,
  last_error: p.lastError,
  created_at: iso(p.createdAt)!,
  sent_at: iso(p.sentAt),
  ...(attempts ? { attempt_log: attempts.map((a) => ({ attempt: a.attempt, at: iso(a.at)!, outcome: a.outcome, http_status: a.httpStatus, message: a.message })) } : {}),
});

/** The connection, if the caller's stores include it; a 404 otherwise (nothing said about other stores' connections). */
async function connectionOr404(env: ShardEnv, p: Principal, id: string) {
  const row = await database(env).select().from(channelConnections).where(eq(channelConnections.id, id)).get();
  if (!row || !seesStore(p, row.storeId)) throw notFound("channel connection");
  return row;
}

const before = (cursor: string | undefined, prefix: string) => cursorKey(cursor, (k) => k.startsWith(prefix));

export const syncRoutes = new OpenAPIHono<AppEnv>();

syncRoutes.post("/v1/channel-connections/:id/backfills", idempotent());
syncRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/channel-connections/{id}/backfills",
    permission: "channels:manage",
    tags: ["Channels"],
    summary: "Pull a connection's orders changed in a date range again",
    description:
      "Starts a backfill run: the platform's orders changed in [from, to) are listed page by page, and only those we do not have, or have in an older state, are taken in. Worked from a queue; read its report at `GET /v1/channel-connections/{id}/sync-runs`.",
    request: { params: ConnectionIdParam, body: jsonBody(BackfillBody) },
    responses: { 202: jsonResponse(SyncRun, "The run, queued"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const row = await connectionOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const body = c.req.valid("json");
    const now = Date.now();
    const range = { from: Date.parse(body.from), to: Date.parse(body.to), now };
    const bad = checkBackfillRange(range);
    if (bad) throw validationFailed([{ field: bad.field, message: bad.message }]);
    if (row.status !== "active") throw new ApiError(409, "connection_paused", "Connection paused", "The connection is paused: resume it before a backfill");
    const { run, outbox } = await requestBackfill(c.env, { connection: row, from: range.from, to: range.to, actor: c.get("principal").id, now });
    c.executionCtx.waitUntil(sendOutboxSoon(c.env, [outbox]).catch((err) => console.warn("backfill message not sent; the sweep resends it", err)));
    return c.json(runBody(run), 202, { location: `/v1/channel-connections/${row.id}/sync-runs` });
  },
);

syncRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/channel-connections/{id}/sync-runs",
    permission: "channels:read",
    tags: ["Channels"],
    summary: "A connection's reconciliation and backfill runs, newest first, with what each did",
    request: { params: ConnectionIdParam, query: z.object(Page) },
    responses: { 200: jsonResponse(z.object({ data: z.array(SyncRun), next_cursor: z.string().nullable() }).openapi("SyncRunList"), "Runs"), ...problems(404) },
  }),
  async (c) => {
    const row = await connectionOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const { cursor, limit } = c.req.valid("query");
    const rows = await listSyncRuns(c.env, row.id, { before: before(cursor, "syn_"), limit });
    const data = rows.slice(0, limit);
    return c.json({ data: data.map(runBody), next_cursor: rows.length > limit ? encodeCursor(data.at(-1)!.id) : null }, 200);
  },
);

syncRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/channel-connections/{id}/pushes",
    permission: "channels:read",
    tags: ["Channels"],
    summary: "What was pushed back to the platform (fulfillments, cancellations, refunds), newest first, each with every attempt",
    request: { params: ConnectionIdParam, query: z.object({ ...Page, status: csv(PUSH_STATUSES).optional() }) },
    responses: { 200: jsonResponse(z.object({ data: z.array(Push), next_cursor: z.string().nullable() }).openapi("ChannelPushList"), "Pushes"), ...problems(404) },
  }),
  async (c) => {
    const row = await connectionOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const { cursor, limit, status } = c.req.valid("query");
    const rows = await listPushes(c.env, row.id, { before: before(cursor, "psh_"), limit, status });
    const data = rows.slice(0, limit);
    return c.json({ data: data.map((r) => pushBody(r.push, r.attempts)), next_cursor: rows.length > limit ? encodeCursor(data.at(-1)!.push.id) : null }, 200);
  },
);

syncRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/channel-pushes/{id}/retry",
    permission: "channels:manage",
    tags: ["Channels"],
    summary: "Send a push again now",
    description: "For a push the platform refused (after fixing the cause), one that gave up, or one waiting for its next attempt. A sent push is a 409.",
    request: { params: PushIdParam },
    responses: { 202: jsonResponse(Push, "The push, queued"), ...problems(404, 409) },
  }),
  async (c) => {
    const push = await loadPush(c.env, c.req.valid("param").id);
    if (!push || !seesStore(c.get("principal"), push.storeId)) throw notFound("channel push");
    const r = await retryPush(c.env, push);
    if (!r.ok) {
      throw new ApiError(
        409,
        r.code === "already_sent" ? "already_sent" : "push_in_flight",
        "Conflict",
        r.code === "already_sent" ? "The platform already has it" : "It is being sent right now",
      );
    }
    c.executionCtx.waitUntil(sendOutboxSoon(c.env, [r.outbox]).catch((err) => console.warn("push message not sent; the sweep resends it", err)));
    return c.json(pushBody(r.push), 202);
  },
);
