/**
 * The change feed, read in commit order. A page is every visible event with
 * `seq > after` that passes the filters; the cursor it hands back is the last
 * event's seq, or, at the end of the feed, the highest seq committed when the
 * page was read (read in the same D1 batch, so in the same snapshot). Later
 * commits always get a higher seq (AUTOINCREMENT on one writer), so resuming
 * from that cursor skips nothing, and a filtered poller does not rescan
 * events it could not see.
 */
import { and, asc, eq, gt, inArray, max, or, sql, type SQL } from "drizzle-orm";
import { readDatabase } from "../db/client";
import { events } from "../db/schema";
import type { ShardEnv } from "../env";
import { assertStoreInScope, type Principal } from "../http/auth";
import { cursorKey, encodeCursor } from "../http/pagination";
import type { ListEventsFilter } from "./schemas";

export type EventRow = typeof events.$inferSelect;

const cursorOf = (seq: number) => encodeCursor(`e${seq}`);

/** Events of the key's stores, and stock of warehouses that serve every store ("*"). */
function visible(p: Pick<Principal, "stores">, storeId: string | undefined): SQL | undefined {
  if (storeId) return inArray(events.storeId, [storeId, "*"]);
  return p.stores === "*" ? undefined : inArray(events.storeId, [...p.stores, "*"]);
}

function typeFilter(patterns: readonly string[] | undefined): SQL | undefined {
  if (!patterns || patterns.includes("*")) return undefined;
  // GLOB, not LIKE: "_" in after_sales is a literal, and types are case-sensitive.
  return or(...patterns.map((t) => (t.endsWith(".*") ? sql`${events.type} GLOB ${`${t.slice(0, -1)}*`}` : eq(events.type, t))));
}

/**
 * May read a replica (`readDatabase`): `seq` is given in commit order (one writer), so a replica holds a prefix of the
 * feed and its page and `top` are one snapshot. A reader a replica is behind gets its events on a later poll; a
 * cursor from a replica further ahead finds nothing newer on one behind and comes back as it went: nothing is skipped.
 */
export async function listEvents(env: ShardEnv, p: Principal, q: ListEventsFilter) {
  if (q.store_id) assertStoreInScope(p, q.store_id);
  const after = Number(cursorKey(q.after, (k) => /^e\d{1,15}$/.test(k))?.slice(1) ?? 0);
  const db = readDatabase(env);
  const [rows, top] = await db.batch([
    db
      .select()
      .from(events)
      .where(and(gt(events.seq, after), visible(p, q.store_id), typeFilter(q.type)))
      .orderBy(asc(events.seq))
      .limit(q.limit + 1),
    db.select({ seq: max(events.seq) }).from(events),
  ]);
  const data = rows.slice(0, q.limit);
  const hasMore = rows.length > q.limit;
  const last = hasMore ? data[data.length - 1]!.seq : Math.max(after, top[0]?.seq ?? 0);
  return { data, next_cursor: cursorOf(last), has_more: hasMore };
}

export const eventBody = (e: EventRow) => ({
  seq: e.seq,
  type: e.type,
  store_id: e.storeId,
  order_id: e.orderId,
  resource_id: e.resourceId,
  order_version: e.orderVersion,
  data: e.data,
  created_at: new Date(e.createdAt).toISOString(),
});
