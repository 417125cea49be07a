/** What customers were told, newest first, within the key's stores. */
import { and, desc, eq, lt } from "drizzle-orm";
import { database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { notifications } from "../db/schema";
import type { ShardEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import type { ListNotificationsFilter } from "./schemas";

export async function listNotifications(env: ShardEnv, p: Principal, q: ListNotificationsFilter) {
  const after = cursorKey(q.cursor);
  // Unless narrowed to a store, from every shard holding one of the principal's stores (src/db/fan-out.ts).
  const rows = await listedAcross(
    env,
    p,
    q.store_id,
    (onIt) =>
      database(onIt)
        .select()
        .from(notifications)
        .where(
          and(
            storeScope(p, notifications.storeId),
            q.order_id ? eq(notifications.orderId, q.order_id) : undefined,
            q.store_id ? eq(notifications.storeId, q.store_id) : undefined,
            after ? lt(notifications.id, after) : undefined,
          ),
        )
        .orderBy(desc(notifications.id))
        .limit(q.limit + 1)
        .all(),
    (n) => n.id,
  );
  return pageOf(rows, q.limit, (n) => n.id);
}
