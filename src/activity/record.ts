/**
 * The activity log's one writer: who did what, when, from which address and
 * browser. Sign-in events are recorded by the sign-in routes; changes made
 * through the API by the activity middleware (src/activity/middleware.ts).
 * Rows are never updated.
 */
import type { Context } from "hono";
import { database } from "../db/client";
import { activityLog } from "../db/schema";
import type { AppEnv, Env } from "../env";
import type { Principal } from "../http/auth";
import { clientIp } from "../http/rate-limit";
import { newId } from "../lib/ids";

export type ActivityRow = typeof activityLog.$inferInsert;

export type ActivityEntry = {
  action: string;
  /** The principal, or for an anonymous attempt the person it was about (a failed sign-in names no one: null). */
  actor: Pick<Principal, "id" | "kind" | "name"> | { id: string | null; kind: "anonymous"; name: string | null };
  target?: string | null;
  storeId?: string | null;
  status?: number | null;
  detail?: Record<string, unknown> | null;
};

/** The row for an entry made during this request (address and browser taken from it). */
export function activityRow(c: Context<AppEnv>, e: ActivityEntry, now = Date.now()): ActivityRow {
  return {
    id: newId("act", now),
    at: now,
    actorId: e.actor.id,
    actorKind: e.actor.kind,
    actorName: e.actor.name,
    action: e.action,
    target: e.target ?? null,
    storeId: e.storeId ?? null,
    status: e.status ?? null,
    ip: clientIp(c.req.raw.headers),
    userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
    detail: e.detail ?? null,
  };
}

/** Writes one entry. Awaited: a sign-in or change that cannot be logged is not silently unlogged. */
export async function recordActivity(c: Context<AppEnv>, e: ActivityEntry): Promise<void> {
  await database(c.env).insert(activityLog).values(activityRow(c, e));
}

export async function recordActivityRows(env: Env, rows: ActivityRow[]): Promise<void> {
  if (rows.length) await database(env).insert(activityLog).values(rows);
}
