/**
 * Delivery exceptions for the logistics team. Raised from tracking events
 * (failed attempt, carrier exception, returned to sender, conflicting
 * terminal states) and by the staleness cron; at most one open per
 * (shipment, kind) thanks to the unique `open_key`, so a carrier repeating
 * "exception" does not pile up duplicates. Resolving frees the key.
 */
import { and, desc, eq, inArray, lt, sql, type SQL } from "drizzle-orm";
import { database, type Database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import type { ShardEnv } from "../env";
import { logisticsExceptions, type LOGISTICS_EXCEPTION_KINDS } from "../db/schema";
import { storeScope, type Principal } from "../http/auth";
import { newId, tagOf } from "../lib/ids";
import type { ShardScope } from "../db/shard";

export type ExceptionKind = (typeof LOGISTICS_EXCEPTION_KINDS)[number];
export type ExceptionRow = typeof logisticsExceptions.$inferSelect;

export type RaiseInput = {
  shipmentId: string;
  orderId: string;
  storeId: string;
  kind: ExceptionKind;
  detail: string | null;
  trackingEventId: string | null;
  now: number;
};

/** An INSERT that raises the exception unless one is open; with `when`, only if that SQL condition holds inside the batch. */
export function raiseException(db: Database, e: RaiseInput, when: SQL = sql`1`) {
  return db
    .insert(logisticsExceptions)
    .select(
      sql`SELECT ${newId("lex", e.now, tagOf(e.orderId))}, ${e.shipmentId}, ${e.orderId}, ${e.storeId}, ${e.kind}, ${e.detail}, ${e.trackingEventId}, 'open',
                 ${`${e.shipmentId}:${e.kind}`}, ${e.now}, NULL, NULL, NULL
          WHERE ${when}`,
    )
    .onConflictDoNothing();
}

export type ListExceptionsQuery = {
  status?: "open" | "resolved" | undefined;
  kind?: ExceptionKind[] | undefined;
  store_id?: string | undefined;
  order_id?: string | undefined;
  shipment_id?: string | undefined;
  cursor?: string | undefined;
  limit: number;
};

/** Newest first; unless narrowed to a store, from every shard holding one of the principal's stores (src/db/fan-out.ts). */
export async function listExceptions(env: ShardEnv, q: ListExceptionsQuery, { principal: p, after }: { principal: Principal; after: string | undefined }) {
  return listedAcross(
    env,
    p,
    q.store_id,
    (onIt) =>
      database(onIt)
        .select()
        .from(logisticsExceptions)
        .where(
          and(
            storeScope(p, logisticsExceptions.storeId),
            q.status ? eq(logisticsExceptions.status, q.status) : undefined,
            q.kind ? inArray(logisticsExceptions.kind, q.kind) : undefined,
            q.store_id ? eq(logisticsExceptions.storeId, q.store_id) : undefined,
            q.order_id ? eq(logisticsExceptions.orderId, q.order_id) : undefined,
            q.shipment_id ? eq(logisticsExceptions.shipmentId, q.shipment_id) : undefined,
            after ? lt(logisticsExceptions.id, after) : undefined,
          ),
        )
        .orderBy(desc(logisticsExceptions.id))
        .limit(q.limit + 1)
        .all(),
    (r) => r.id,
  );
}

export type ResolveResult = { ok: true; row: ExceptionRow } | { ok: false; code: "not_found" } | { ok: false; code: "already_resolved"; row: ExceptionRow };

export async function resolveException(env: ShardScope, id: string, { principal: p, resolution }: { principal: Principal; resolution: string }): Promise<ResolveResult> {
  const db = database(env);
  const row = await db.select().from(logisticsExceptions).where(eq(logisticsExceptions.id, id)).get();
  if (!row || (p.stores !== "*" && !p.stores.includes(row.storeId))) return { ok: false, code: "not_found" };
  const now = Date.now();
  const [updated] = await db
    .update(logisticsExceptions)
    .set({ status: "resolved", openKey: null, resolvedBy: p.id, resolvedAt: now, resolution })
    .where(and(eq(logisticsExceptions.id, id), eq(logisticsExceptions.status, "open")))
    .returning();
  if (!updated) return { ok: false, code: "already_resolved", row: (await db.select().from(logisticsExceptions).where(eq(logisticsExceptions.id, id)).get())! };
  return { ok: true, row: updated };
}
