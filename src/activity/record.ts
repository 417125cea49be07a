/**
 * The activity log's one writer: who did what, when, from which address and
 * browser. Sign-in events are recorded by the sign-in routes; changes made
 * through the API by the activity middleware (src/activity/middleware.ts).
 * Rows are never updated.
 */
import type { Context } from "hono";
import { chunk, directory, directoryD1 } from "../db/client";
import { insertRows } from "../db/insert-rows";
import { activityLog } from "../db/schema";
import type { AppEnv, ShardEnv } from "../env";
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
  await directory(c.env).insert(activityLog).values(activityRow(c, e));
}

export async function recordActivityRows(env: ShardEnv, rows: ActivityRow[]): Promise<void> {
  if (!rows.length) return;
  // 12 columns a row: 8 rows keep a statement under D1's 100 bound parameters. Prepared from cached SQL text
  // (src/db/insert-rows.ts): drizzle's builder made these inserts the most expensive statements of a whole order
  // to build (bench/README.md, "Where the CPU goes").
  const db = directoryD1(env);
  await db.batch(chunk(rows, 8).map((part) => insertRows(db, activityLog, part)));
}

/**
 * How long the middleware's rows wait for others. Every staff write made one
 * D1 round trip of its own after its response (about 8 per order on the
 * floor, the most run statement of a whole order); rows that arrive within
 * this window, from any request this isolate serves, are written together.
 * Long enough to gather a busy floor's writes, short against the seconds
 * after which anyone reads the log.
 */
export const ACTIVITY_COALESCE_MS = 100;

/** Rows waiting for the next write. Plain data only: the write itself runs in the one request that started it. */
let waiting: ActivityRow[] = [];
/** When the request that owns the next write took it on. */
let ownedSince = 0;
/** An owner that has not written by then is taken to be gone (its request cut short): the next request takes over. */
const OWNER_GIVES_UP_MS = 5_000;

/**
 * Adds rows to the next coalesced write. The first request to add to an
 * empty buffer owns the write (kept alive by its `waitUntil`); the others
 * only hand over their rows, so no request waits on I/O another started.
 * Whoever writes takes the whole buffer at once, so a row is written by one
 * owner only, even when a late one wakes after another took over.
 */
export function queueActivityRows(env: ShardEnv, ctx: Pick<ExecutionContext, "waitUntil">, rows: ActivityRow[]): void {
  const now = Date.now();
  const owner = waiting.length === 0 || now - ownedSince > OWNER_GIVES_UP_MS;
  waiting.push(...rows);
  if (!owner) return;
  ownedSince = now;
  ctx.waitUntil(
    (async () => {
      await new Promise((r) => setTimeout(r, ACTIVITY_COALESCE_MS));
      const batch = waiting;
      waiting = [];
      if (!batch.length) return; // another owner took them
      await recordActivityRows(env, batch).catch((err) => console.error(`activity log write of ${batch.length} rows failed`, err));
    })(),
  );
}
