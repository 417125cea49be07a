/**
 * Reading the activity log: newest first, filtered, one store-scoped page
 * at a time. A store-scoped reader sees only rows of their stores; rows
 * naming no store (sign-ins, key changes) only a reader of every store.
 */
import { and, desc, eq, gte, like, lt, or, type SQL } from "drizzle-orm";
import type { z } from "@hono/zod-openapi";
import { directory } from "../db/client";
import { activityLog } from "../db/schema";
import type { ShardEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import type { ActivityEntry, ActivityQuery } from "./schemas";

type Query = Omit<z.output<typeof ActivityQuery>, "format">;
type Row = typeof activityLog.$inferSelect;

const CURSOR = /^\d{1,15}\|act_[0-9A-Z]{26}$/;

/** `LIKE` with the prefix taken literally (`_` and `%` are common in our actions). */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export async function listActivity(env: ShardEnv, p: Pick<Principal, "stores">, q: Query): Promise<{ data: z.infer<typeof ActivityEntry>[]; next_cursor: string | null }> {
  const after = cursorKey(q.cursor, (k) => CURSOR.test(k));
  const conditions: (SQL | undefined)[] = [
    storeScope(p, activityLog.storeId),
    q.actor ? eq(activityLog.actorId, q.actor) : undefined,
    q.actor_kind ? eq(activityLog.actorKind, q.actor_kind) : undefined,
    q.action ? like(activityLog.action, `${escapeLike(q.action)}%`) : undefined,
    q.target ? eq(activityLog.target, q.target) : undefined,
    q.store_id ? eq(activityLog.storeId, q.store_id) : undefined,
    q.from ? gte(activityLog.at, Date.parse(q.from)) : undefined,
    q.to ? lt(activityLog.at, Date.parse(q.to)) : undefined,
  ];
  if (after) {
    const [at, id] = after.split("|") as [string, string];
    conditions.push(or(lt(activityLog.at, Number(at)), and(eq(activityLog.at, Number(at)), lt(activityLog.id, id))));
  }
  const rows = await directory(env)
    .select()
    .from(activityLog)
    .where(and(...conditions))
    .orderBy(desc(activityLog.at), desc(activityLog.id))
    .limit(q.limit + 1);
  const page = pageOf(rows, q.limit, (r) => `${r.at}|${r.id}`);
  return { data: page.data.map(activityEntry), next_cursor: page.next_cursor };
}

export function activityEntry(r: Row): z.infer<typeof ActivityEntry> {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: { id: r.actorId, kind: r.actorKind, name: r.actorName },
    action: r.action,
    target: r.target,
    store_id: r.storeId,
    status: r.status,
    ip: r.ip,
    user_agent: r.userAgent,
    detail: (r.detail as Record<string, unknown> | null) ?? null,
  };
}

/** Every matching row as CSV cells, a page at a time (for the streamed export). */
export async function* activityCsvPages(env: ShardEnv, p: Pick<Principal, "stores">, q: Query): AsyncGenerator<unknown[][]> {
  let cursor: string | undefined;
  do {
    const page = await listActivity(env, p, { ...q, cursor, limit: 500 });
    yield page.data.map((e) => [e.at, e.actor.id, e.actor.kind, e.actor.name, e.action, e.target, e.store_id, e.status, e.ip, e.user_agent, e.detail]);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}
