/** Reads of after-sales requests, straight from D1; a request outside the key's stores is not found. */
import { and, asc, desc, eq, gt, gte, inArray, lt } from "drizzle-orm";
import { database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { afterSalesRequests, orders } from "../db/schema";
import type { ShardEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import type { ListAfterSalesFilter } from "./schemas";

/** The order's requests, oldest first; null when the order is not visible. */
export async function listOrderAfterSales(env: ShardEnv, orderId: string, opts: { principal: Principal }) {
  const p = opts.principal;
  const db = database(env);
  const [order, rows] = await db.batch([
    db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.id, orderId), storeScope(p, orders.storeId))),
    db.select().from(afterSalesRequests).where(eq(afterSalesRequests.orderId, orderId)).orderBy(afterSalesRequests.id),
  ]);
  return order[0] ? rows : null;
}

/**
 * Newest first, or oldest first (`sort=oldest`); `status=open,accepted` is support's work queue. Unless narrowed to a
 * store, every shard holding one of the principal's stores is asked and the pages merge by id (src/db/fan-out.ts).
 */
export async function listAfterSales(env: ShardEnv, p: Principal, q: ListAfterSalesFilter) {
  const after = cursorKey(q.cursor, (k) => k.startsWith("as_"));
  const oldest = q.sort === "oldest";
  const rows = await listedAcross(
    env,
    p,
    q.store_id,
    (onIt) =>
      database(onIt)
        .select()
        .from(afterSalesRequests)
        .where(
          and(
            storeScope(p, afterSalesRequests.storeId),
            q.status ? inArray(afterSalesRequests.status, q.status) : undefined,
            q.kind ? inArray(afterSalesRequests.kind, q.kind) : undefined,
            q.store_id ? eq(afterSalesRequests.storeId, q.store_id) : undefined,
            q.order_id ? eq(afterSalesRequests.orderId, q.order_id) : undefined,
            q.updated_since ? gte(afterSalesRequests.updatedAt, Date.parse(q.updated_since)) : undefined,
            after ? (oldest ? gt : lt)(afterSalesRequests.id, after) : undefined,
          ),
        )
        .orderBy(oldest ? asc(afterSalesRequests.id) : desc(afterSalesRequests.id))
        .limit(q.limit + 1)
        .all(),
    (r) => r.id,
    oldest ? "asc" : "desc",
  );
  return pageOf(rows, q.limit, (r) => r.id);
}

export async function getAfterSales(env: ShardEnv, p: Principal, id: string) {
  const r = await database(env).select().from(afterSalesRequests).where(eq(afterSalesRequests.id, id)).get();
  return !r || (p.stores !== "*" && !p.stores.includes(r.storeId)) ? null : r;
}
