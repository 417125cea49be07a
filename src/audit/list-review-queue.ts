/** The auditors' review queue: held orders with every reason they are held for, paged by when they were held. */
import { and, eq, or, sql } from "drizzle-orm";
import { database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { orders } from "../db/schema";
import type { ShardEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import { liveClaimSql } from "../review/claims";
import type { ReviewQueueFilter } from "./schemas";
import { ID_BODY } from "../lib/ids";

const QUEUE_KEY = new RegExp(`^(\\d+):(ord_${ID_BODY})$`);

/** A live claim on the queue's order (the queue holds only held orders; see src/review/claims.ts). */
const liveClaimOf = (now: number, extra = sql``) => sql`FROM order_claims c WHERE c.order_id = ${orders.id} AND ${liveClaimSql(now, orders.approvedAt)} ${extra}`;

export async function listReviewQueue(env: ShardEnv, p: Principal, q: ReviewQueueFilter, now = Date.now()) {
  const raw = cursorKey(q.cursor, (k) => QUEUE_KEY.test(k));
  const m = raw === undefined ? undefined : QUEUE_KEY.exec(raw);
  const heldAt = sql`coalesce(${orders.heldAt}, ${orders.createdAt})`;
  const newest = q.order === "newest";
  const after = m
    ? newest
      ? or(sql`${heldAt} < ${Number(m[1])}`, and(sql`${heldAt} = ${Number(m[1])}`, sql`${orders.id} < ${m[2]}`))
      : or(sql`${heldAt} > ${Number(m[1])}`, and(sql`${heldAt} = ${Number(m[1])}`, sql`${orders.id} > ${m[2]}`))
    : undefined;
  // Unless narrowed to a store, from every shard holding one of the principal's stores, merged in the queue's order.
  const rows = await listedAcross(
    env,
    p,
    q.store_id,
    (onIt) =>
      database(onIt)
        .select({
          order: orders,
          reasons: sql<string>`(SELECT json_group_array(json_object('code', code, 'message', message)) FROM order_hold_reasons r WHERE r.order_id = ${orders.id})`,
          claim: sql<string | null>`(SELECT json_object('id', c.claimed_by, 'until', c.until) ${liveClaimOf(now)})`,
        })
        .from(orders)
        .where(
          and(
            eq(orders.status, "on_hold"),
            storeScope(p, orders.storeId),
            q.store_id ? eq(orders.storeId, q.store_id) : undefined,
            q.reason ? sql`EXISTS (SELECT 1 FROM order_hold_reasons r WHERE r.order_id = ${orders.id} AND r.code = ${q.reason})` : undefined,
            q.claimed === "mine" ? sql`EXISTS (SELECT 1 ${liveClaimOf(now, sql`AND c.claimed_by = ${p.id}`)})` : undefined,
            q.claimed === "others" ? sql`EXISTS (SELECT 1 ${liveClaimOf(now, sql`AND c.claimed_by != ${p.id}`)})` : undefined,
            q.claimed === "none" ? sql`NOT EXISTS (SELECT 1 ${liveClaimOf(now)})` : undefined,
            after,
          ),
        )
        .orderBy(newest ? sql`${heldAt} DESC, ${orders.id} DESC` : sql`${heldAt} ASC, ${orders.id} ASC`)
        .limit(q.limit + 1)
        .all(),
    ({ order }) => `${String(order.heldAt ?? order.createdAt).padStart(15, "0")}:${order.id}`,
    newest ? "desc" : "asc",
  );
  const page = pageOf(rows, q.limit, ({ order }) => `${order.heldAt ?? order.createdAt}:${order.id}`);
  return {
    data: page.data.map(({ order, reasons, claim }) => ({
      order,
      reasons: JSON.parse(reasons) as { code: string; message: string }[],
      claim: claim === null ? null : (JSON.parse(claim) as { id: string; until: number }),
    })),
    next_cursor: page.next_cursor,
  };
}
