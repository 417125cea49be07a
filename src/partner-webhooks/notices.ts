/**
 * Notices for the merchant: the smallest honest channel for news a person
 * must act on. Today only the system writes them (a webhook subscription
 * disabled after failing for a day); staff read them at GET /v1/notices.
 */
import { and, desc, eq, lt } from "drizzle-orm";
import { database } from "../db/client";
import { merchantNotices } from "../db/schema";
import type { ShardEnv } from "../env";
import { assertStoreInScope, storeScope, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import type { ListNoticesFilter } from "./schemas";

export async function listNotices(env: ShardEnv, p: Principal, q: ListNoticesFilter) {
  if (q.store_id) assertStoreInScope(p, q.store_id);
  const after = cursorKey(q.cursor, (k) => k.startsWith("ntc_"));
  const rows = await database(env)
    .select()
    .from(merchantNotices)
    .where(and(storeScope(p, merchantNotices.storeId), q.store_id ? eq(merchantNotices.storeId, q.store_id) : undefined, after ? lt(merchantNotices.id, after) : undefined))
    .orderBy(desc(merchantNotices.id))
    .limit(q.limit + 1)
    .all();
  return pageOf(rows, q.limit, (r) => r.id);
}
