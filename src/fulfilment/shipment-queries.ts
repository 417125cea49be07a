/**
 * Reads of shipments for the API. Store scope and warehouse scope are both
 * part of every query: a shipment the key may not see is simply not found.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, sql, type SQL } from "drizzle-orm";
import { chunk, type Database, database } from "../db/client";
import { acrossShards, byShardOfIds } from "../db/fan-out";
import type { ShardEnv } from "../env";
import { inBatch, type Item, perShape, type ScopeShape, scopedTo, scopeShape, scopeValues } from "../db/prepared";
import { bins, fulfilmentExceptions, shipmentItems, shipments, shipmentTracking } from "../db/schema";
import { storeScope, type Principal } from "../http/auth";
import { validationFailed } from "../http/problem";
import { decodeCursor, encodeCursor } from "../http/route";
import { warehouseScope } from "../inventory/scope";
import { iso } from "../orders/serialize";
import type { z } from "@hono/zod-openapi";
import type { ListShipmentsQuery, Shipment } from "./schemas";
import type { ShardScope } from "../db/shard";

export type ShipmentRow = typeof shipments.$inferSelect;
export type ShipmentItemRow = typeof shipmentItems.$inferSelect;
type Env = ShardScope;

export function shipmentScope(p: Principal): SQL | undefined {
  return and(storeScope(p, shipments.storeId), warehouseScope(p, shipments.warehouseId));
}

/**
 * A shipment by id in a principal's scope, whole: built once per binding and scope shape (src/db/prepared.ts),
 * since every floor action and label request starts with it. Run `.get(shipmentByIdValues(p, id))`.
 */
export const shipmentByIdStatement = perShape((db: Database, shape: ScopeShape) =>
  db
    .select()
    .from(shipments)
    .where(and(eq(shipments.id, sql.placeholder("id")), scopedTo(shape, shipments.storeId, shipments.warehouseId)))
    .prepare(),
);
export const shipmentById = (db: Database, p: Principal) => shipmentByIdStatement(db, scopeShape(p));
export const shipmentByIdValues = (p: Principal, id: string) => ({ ...scopeValues(p), id });
/** `shipmentById` as an item of `db.batch([...])`: the shipment read with an action's other reads, in one round trip. */
export const shipmentRead = (db: Database, p: Principal, id: string): Item<ShipmentRow[]> => inBatch(shipmentById(db, p), shipmentByIdValues(p, id));

type Detail = { items: (ShipmentItemRow & { bin: string })[]; openExceptions: number; trackingNumber: string | null };

/** The reads behind shipments' details (items with bins, open exceptions, label numbers), for at most 90 ids. */
function detailQueries(db: Database, ids: string[]) {
  return [
    db
      .select({ item: shipmentItems, bin: bins.code })
      .from(shipmentItems)
      .innerJoin(bins, eq(bins.id, shipmentItems.binId))
      .where(inArray(shipmentItems.shipmentId, ids))
      .orderBy(asc(shipmentItems.lineNo), asc(shipmentItems.id)),
    db
      .select({ shipmentId: fulfilmentExceptions.shipmentId, n: sql<number>`COUNT(*)`.mapWith(Number) })
      .from(fulfilmentExceptions)
      .where(and(inArray(fulfilmentExceptions.shipmentId, ids), eq(fulfilmentExceptions.status, "open")))
      .groupBy(fulfilmentExceptions.shipmentId),
    // The label's number is what the dock scans off the parcel.
    db.select({ shipmentId: shipmentTracking.shipmentId, number: shipmentTracking.trackingNumber }).from(shipmentTracking).where(inArray(shipmentTracking.shipmentId, ids)),
  ] as const;
}

type DetailQueries = ReturnType<typeof detailQueries>;
type DetailRows = readonly [Awaited<DetailQueries[0]>, Awaited<DetailQueries[1]>, Awaited<DetailQueries[2]>];

function addDetails(out: Map<string, Detail>, [items, exc, labels]: DetailRows): void {
  for (const r of items) out.get(r.item.shipmentId)!.items.push({ ...r.item, bin: r.bin });
  for (const e of exc) out.get(e.shipmentId)!.openExceptions = e.n;
  for (const l of labels) out.get(l.shipmentId)!.trackingNumber = l.number;
}

const emptyDetails = (ids: readonly string[]) => new Map<string, Detail>(ids.map((id) => [id, { items: [], openExceptions: 0, trackingNumber: null }]));

async function details(env: Env, ids: readonly string[]): Promise<Map<string, Detail>> {
  const out = emptyDetails(ids);
  const db = database(env);
  for (const part of chunk([...ids], 90)) addDetails(out, await db.batch(detailQueries(db, part)));
  return out;
}

export function shipmentBody(s: ShipmentRow, d: Detail): z.infer<typeof Shipment> {
  return {
    id: s.id,
    store_id: s.storeId,
    order_id: s.orderId,
    order_ids: [...new Set([s.orderId, ...d.items.map((i) => i.orderId)])],
    warehouse_id: s.warehouseId,
    status: s.status,
    carrier: s.carrier,
    merged_into: s.mergedInto,
    hold_until: iso(s.holdUntil),
    wave_id: s.waveId,
    intercepted: s.status === "intercepted",
    intercepted_from: s.status === "intercepted" ? s.interceptedFrom : null,
    intercept_reason: s.interceptReason,
    dispatch_status: s.dispatchStatus,
    dispatch_note: s.dispatchNote,
    expected_weight_grams: s.expectedWeightGrams,
    packages: s.packages,
    weight_override_reason: s.weightOverrideReason,
    ready_for_label: s.readyForLabelAt !== null,
    open_exceptions: d.openExceptions,
    tracking_number: d.trackingNumber,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
    items: d.items.map((i) => ({
      id: i.id,
      order_id: i.orderId,
      line_no: i.lineNo,
      sku: i.sku,
      bin_id: i.binId,
      bin: i.bin,
      quantity: i.quantity,
      reserved: i.reservedQty,
      picked: i.pickedQty,
      short: i.shortQty,
      packed: i.packedQty,
      cancelled: i.cancelledAt !== null,
    })),
  };
}

export async function withDetails(env: Env, rows: ShipmentRow[]) {
  const d = await details(
    env,
    rows.map((r) => r.id),
  );
  return rows.map((r) => shipmentBody(r, d.get(r.id)!));
}

/**
 * A shipment in the caller's scope with its details, as batch items: alone (getShipment), or at the end of an
 * action's write batch, where they read what its writes left, so the action and its answer are one round trip.
 * `body` builds the answer from their rows: null when the shipment is out of scope (its details are dropped).
 */
export function shipmentAnswer(db: Database, p: Principal, id: string) {
  const reads: [Item<ShipmentRow[]>, ...DetailQueries] = [shipmentRead(db, p, id), ...detailQueries(db, [id])];
  return {
    reads,
    body(rows: readonly unknown[]) {
      const [found, ...detailRows] = rows as [ShipmentRow[], ...DetailRows];
      const row = found[0];
      if (!row) return null;
      const d = emptyDetails([id]);
      addDetails(d, detailRows);
      return shipmentBody(row, d.get(id)!);
    },
  };
}

/** A shipment in the caller's scope with its details, in one round trip. */
export async function getShipment(env: Env, p: Principal, id: string) {
  const db = database(env);
  const answer = shipmentAnswer(db, p, id);
  return answer.body(await db.batch(answer.reads));
}

/** The shipments holding an order's items (after a merge, that can be another order's shipment). */
export async function shipmentsOfOrder(env: Env, p: Principal, orderId: string) {
  const rows = await database(env)
    .select()
    .from(shipments)
    .where(and(sql`(${shipments.orderId} = ${orderId} OR ${shipments.id} IN (SELECT shipment_id FROM shipment_items WHERE order_id = ${orderId}))`, shipmentScope(p)))
    .orderBy(asc(shipments.id))
    .all();
  return withDetails(env, rows);
}

/**
 * A page of the shipments the principal may see, newest first. Narrowed to a store or a warehouse, the request is
 * already on its shard (src/http/route-shard.ts); otherwise each shard holding one of the principal's stores is asked
 * and the pages merge by id (src/db/fan-out.ts), each shipment's details read on its own shard.
 */
export async function listShipments(env: ShardEnv, p: Principal, q: z.infer<typeof ListShipmentsQuery>) {
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  if (after === null || (after !== undefined && !after.startsWith("shp_"))) {
    throw validationFailed([{ field: "cursor", message: "is not a cursor from this list" }], 400);
  }
  const rows =
    q.store_id || q.warehouse_id
      ? await shipmentPageRows(env, p, q, after)
      : await acrossShards(
          env,
          p.stores,
          (onIt) => shipmentPageRows(onIt, p, q, after),
          (s) => s.id,
        );
  const page = rows.slice(0, q.limit);
  const bodies = await byShardOfIds(
    env,
    page.map((s) => s.id),
    (onIt, ids) =>
      withDetails(
        onIt,
        page.filter((s) => ids.includes(s.id)),
      ),
  );
  const byId = new Map(bodies.map((b) => [b.id, b]));
  return { data: page.map((s) => byId.get(s.id)!), next_cursor: rows.length > q.limit ? encodeCursor(page.at(-1)!.id) : null };
}

/** One shard's part of a page: up to `limit + 1` shipments after the cursor, newest first. */
function shipmentPageRows(env: ShardEnv, p: Principal, q: z.infer<typeof ListShipmentsQuery>, after: string | undefined) {
  return database(env)
    .select()
    .from(shipments)
    .where(
      and(
        shipmentScope(p),
        q.warehouse_id ? eq(shipments.warehouseId, q.warehouse_id) : undefined,
        q.store_id ? eq(shipments.storeId, q.store_id) : undefined,
        q.order_id ? sql`${shipments.id} IN (SELECT shipment_id FROM shipment_items WHERE order_id = ${q.order_id})` : undefined,
        q.status ? inArray(shipments.status, q.status) : undefined,
        q.updated_since ? gte(shipments.updatedAt, Date.parse(q.updated_since)) : undefined,
        q.intercepted === "true" ? isNotNull(shipments.interceptedAt) : q.intercepted === "false" ? isNull(shipments.interceptedAt) : undefined,
        after ? lt(shipments.id, after) : undefined,
      ),
    )
    .orderBy(desc(shipments.id))
    .limit(q.limit + 1)
    .all();
}
