/**
 * The change feed, read in commit order. A page is every visible event with
 * `seq > after` that passes the filters; the cursor it hands back is the last
 * event's seq, or, at the end of the feed, the highest seq committed when the
 * page was read (read in the same D1 batch, so in the same snapshot). Later
 * commits always get a higher seq (AUTOINCREMENT on one writer), so resuming
 * from that cursor skips nothing, and a filtered poller does not rescan
 * events it could not see.
 *
 * Each shard numbers its own events (docs/SHARDING.md, section 6.4), so with
 * stores on several shards the cursor holds one seq per shard: `e<seq>` for
 * shard 0, as before, then `,<shard>:<seq>` for each other shard read. A page
 * asks every shard holding one of the reader's stores, and merges by time;
 * each shard's events stay in its commit order, and each shard's place moves
 * only past what the page returned of it, or to its top when it had no more.
 */
import { and, asc, eq, gt, inArray, max, or, sql, type SQL } from "drizzle-orm";
import { readDatabase } from "../db/client";
import { shardsHolding } from "../db/fan-out";
import { byShard, SHARD_ZERO } from "../db/shard";
import { events } from "../db/schema";
import type { ShardEnv } from "../env";
import { assertStoreInScope, type Principal } from "../http/auth";
import { cursorKey, encodeCursor } from "../http/pagination";
import type { ListEventsFilter } from "./schemas";

export type EventRow = typeof events.$inferSelect;

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
  const after = placesOf(cursorKey(q.after, (k) => CURSOR.test(k)));
  const shards = q.store_id ? [env.shard] : await shardsHolding(env, p.stores);
  const parts = await byShard(
    env,
    shards,
    (shard) => shard,
    async (onIt) => {
      const from = after.get(onIt.shard.id) ?? 0;
      const db = readDatabase(onIt);
      const [rows, top] = await db.batch([
        db
          .select()
          .from(events)
          .where(and(gt(events.seq, from), visible(p, q.store_id), typeFilter(q.type)))
          .orderBy(asc(events.seq))
          .limit(q.limit + 1),
        db.select({ seq: max(events.seq) }).from(events),
      ]);
      return [{ shard: onIt.shard.id, from, rows, top: top[0]?.seq ?? 0 }];
    },
  );
  // The first `limit` events, each shard's in its commit order, the shards' interleaved by time: each step takes the
  // earliest of the shards' next events (one shard: its page as it is).
  const taken: EventRow[] = [];
  const used = parts.map(() => 0);
  while (taken.length < q.limit) {
    let next = -1;
    for (const [i, part] of parts.entries()) {
      const head = part.rows[used[i]!];
      if (head && (next < 0 || head.createdAt < parts[next]!.rows[used[next]!]!.createdAt)) next = i;
    }
    if (next < 0) break;
    taken.push(parts[next]!.rows[used[next]!]!);
    used[next]! += 1;
  }
  const places = new Map(after);
  let hasMore = false;
  for (const [i, part] of parts.entries()) {
    // Every event this shard had was taken and it had no more: its top (past what the filters hid). Otherwise past
    // the last one taken of it.
    const all = used[i] === part.rows.length && part.rows.length <= q.limit;
    places.set(part.shard, all ? Math.max(part.from, part.top) : (part.rows[used[i]! - 1]?.seq ?? part.from));
    if (!all) hasMore = true;
  }
  return { data: taken, next_cursor: cursorOf(places), has_more: hasMore };
}

/** `e<seq>` (shard 0) then `,<shard>:<seq>` for every other shard read. */
const CURSOR = /^e\d{1,15}(,s\d{1,4}:\d{1,15}){0,64}$/;

function placesOf(key: string | undefined): Map<string, number> {
  const places = new Map<string, number>();
  if (!key) return places;
  const [zero, ...others] = key.slice(1).split(",");
  places.set(SHARD_ZERO.id, Number(zero));
  for (const other of others) {
    const [shard, seq] = other.split(":");
    places.set(shard!, Number(seq));
  }
  return places;
}

function cursorOf(places: ReadonlyMap<string, number>): string {
  const others = [...places].filter(([shard]) => shard !== SHARD_ZERO.id).sort(([a], [b]) => (a < b ? -1 : 1));
  return encodeCursor(`e${places.get(SHARD_ZERO.id) ?? 0}${others.map(([shard, seq]) => `,${shard}:${seq}`).join("")}`);
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
