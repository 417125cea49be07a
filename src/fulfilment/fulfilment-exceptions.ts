/**
 * The floor's exceptions (short picks, 3PL rejections) for the people who
 * resolve them. An exception is seen through its shipment: the key's store
 * scope and warehouse scope apply as to shipments, and one it may not see
 * is not found. Resolving is `reroute` (a rejected dispatch's goods go to
 * other warehouses, through the order's object: ./reroute-shipment.ts) or
 * `dismiss` (closed, saying why). Either takes an open exception only, in
 * a guarded write, so of two people resolving one at once exactly one wins.
 */
import type { z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { fulfilmentExceptions, shipments } from "../db/schema";
import type { Principal } from "../http/auth";
import { iso } from "../orders/serialize";
import { type RerouteResult, rerouteShipment } from "./reroute-shipment";
import type { FulfilmentException, ListFulfilmentExceptionsQuery, ResolveFulfilmentExceptionBody } from "./schemas";
import { shipmentScope } from "./shipment-queries";

type Env = Parameters<typeof rerouteShipment>[0];
type Row = { e: typeof fulfilmentExceptions.$inferSelect; s: { orderId: string; storeId: string; warehouseId: string } };

const columns = { e: fulfilmentExceptions, s: { orderId: shipments.orderId, storeId: shipments.storeId, warehouseId: shipments.warehouseId } };

export function exceptionBody({ e, s }: Row): z.infer<typeof FulfilmentException> {
  return {
    id: e.id,
    kind: e.kind,
    status: e.status,
    shipment_id: e.shipmentId,
    order_id: s.orderId,
    store_id: s.storeId,
    warehouse_id: s.warehouseId,
    item_id: e.itemId,
    quantity: e.quantity,
    note: e.note,
    resolution: e.resolution,
    resolution_note: e.resolutionNote,
    rerouted_to: e.reroutedTo ?? null,
    created_by: e.createdBy,
    created_at: iso(e.createdAt),
    resolved_by: e.resolvedBy,
    resolved_at: e.resolvedAt === null ? null : iso(e.resolvedAt),
  };
}

export async function listFulfilmentExceptions(
  env: Env,
  q: z.infer<typeof ListFulfilmentExceptionsQuery>,
  { principal: p, after }: { principal: Principal; after: string | undefined },
): Promise<Row[]> {
  // Unless narrowed to a store or warehouse, from every shard holding one of the principal's stores (src/db/fan-out.ts).
  return listedAcross(
    env,
    p,
    q.store_id ?? q.warehouse_id,
    (onIt) =>
      database(onIt)
        .select(columns)
        .from(fulfilmentExceptions)
        .innerJoin(shipments, eq(shipments.id, fulfilmentExceptions.shipmentId))
        .where(
          and(
            shipmentScope(p),
            q.status ? eq(fulfilmentExceptions.status, q.status) : undefined,
            q.kind ? inArray(fulfilmentExceptions.kind, q.kind) : undefined,
            q.warehouse_id ? eq(shipments.warehouseId, q.warehouse_id) : undefined,
            q.store_id ? eq(shipments.storeId, q.store_id) : undefined,
            q.order_id ? sql`(${shipments.orderId} = ${q.order_id} OR ${shipments.id} IN (SELECT shipment_id FROM shipment_items WHERE order_id = ${q.order_id}))` : undefined,
            after ? lt(fulfilmentExceptions.id, after) : undefined,
          ),
        )
        .orderBy(desc(fulfilmentExceptions.id))
        .limit(q.limit + 1)
        .all(),
    (r) => r.e.id,
  );
}

export async function getFulfilmentException(env: Env, p: Principal, id: string): Promise<Row | null> {
  const row = await database(env)
    .select(columns)
    .from(fulfilmentExceptions)
    .innerJoin(shipments, eq(shipments.id, fulfilmentExceptions.shipmentId))
    .where(and(eq(fulfilmentExceptions.id, id), shipmentScope(p)))
    .get();
  return row ?? null;
}

export type ResolveResult = { ok: true; exception: Row } | Exclude<RerouteResult, { ok: true }>;

/** Resolves an exception the key can see, as asked; refusals are values for the route to map. */
export async function resolveFulfilmentException(
  env: Env,
  id: string,
  { principal: p, body }: { principal: Principal; body: z.infer<typeof ResolveFulfilmentExceptionBody> },
): Promise<ResolveResult> {
  const found = await getFulfilmentException(env, p, id);
  if (!found) return { ok: false, code: "not_found" };
  const note = body.note ?? null;
  if (body.action === "reroute") {
    const r = await rerouteShipment(env, { exceptionId: id, actor: p.id, stores: p.stores, note });
    if (!r.ok) return r;
  } else {
    const [dismissed] = await database(env)
      .update(fulfilmentExceptions)
      .set({ status: "resolved", resolution: "dismissed", resolutionNote: note, resolvedBy: p.id, resolvedAt: Date.now() })
      .where(and(eq(fulfilmentExceptions.id, id), eq(fulfilmentExceptions.status, "open")))
      .returning({ id: fulfilmentExceptions.id });
    if (!dismissed) {
      const now = await getFulfilmentException(env, p, id);
      return { ok: false, code: "already_resolved", message: `resolved by ${now?.e.resolvedBy} (${now?.e.resolution})` };
    }
  }
  return { ok: true, exception: (await getFulfilmentException(env, p, id))! };
}
