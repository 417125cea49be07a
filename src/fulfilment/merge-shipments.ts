/**
 * Merging: shipments of one store to the same customer and address (equal
 * merge keys), waiting in the same warehouse and not yet released to the
 * floor, become one shipment: the others' items move into the oldest, and
 * they are marked `merged` into it. Unmerging moves each item back to the
 * shipment it was allocated to. Both are one batch that asserts, inside
 * the batch, that no shipment involved was released to picking meanwhile.
 *
 * By policy: a store with `merge_hold_minutes` holds new shipments that
 * long before picking, and a new shipment joins a held one with its key.
 */
import { and, asc, eq, gt, inArray, isNull, ne, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { assertInBatch, assertionFailed } from "../db/assert";
import { database } from "../db/client";
import { shipmentItems, shipments, warehouseEvents } from "../db/schema";
import { moveShipments } from "./shipment-lifecycle";
import type { ShipmentRow } from "./shipment-queries";
import type { ShardScope } from "../db/shard";

type Env = ShardScope;
export type MergeResult = { ok: true; targetId: string; mergedIds: string[] } | { ok: false; code: string; message: string };

/** Pure: why these shipments cannot be merged, or null. The oldest is the target. */
export function mergeRefusal(rows: readonly ShipmentRow[]): string | null {
  if (rows.length < 2) return "give at least two shipments";
  const [first] = rows;
  for (const s of rows) {
    if (s.status !== "pending" || s.waveId !== null) return `${s.id} is ${s.status === "pending" ? "released to picking" : s.status}: only pending shipments merge`;
    if (s.interceptedAt !== null) return `${s.id} is intercepted`;
    if (s.dispatchStatus !== null) return `${s.id} is at a third-party warehouse`;
    if (s.storeId !== first!.storeId || s.mergeKey !== first!.mergeKey) return `${s.id} goes to another customer or address`;
    if (s.warehouseId !== first!.warehouseId) return `${s.id} ships from another warehouse`;
  }
  return null;
}

const releasedSql = (ids: readonly string[]) =>
  sql`EXISTS (SELECT 1 FROM shipments WHERE id IN (${sql.join(
    ids.map((i) => sql`${i}`),
    sql`, `,
  )}) AND (status != 'pending' OR wave_id IS NOT NULL OR intercepted_at IS NOT NULL))`;

export async function mergeShipments(env: Env, ids: readonly string[], actor: string): Promise<MergeResult> {
  const db = database(env);
  const rows = await db
    .select()
    .from(shipments)
    .where(inArray(shipments.id, [...ids]))
    .orderBy(asc(shipments.createdAt), asc(shipments.id))
    .all();
  const refusal = mergeRefusal(rows);
  if (refusal) return { ok: false, code: "not_mergeable", message: refusal };
  const [target, ...others] = rows as [ShipmentRow, ...ShipmentRow[]];
  const otherIds = others.map((o) => o.id);
  const now = Date.now();
  try {
    await db.batch([
      assertInBatch(db, "merge: still pending", releasedSql(rows.map((r) => r.id))),
      db.update(shipmentItems).set({ shipmentId: target.id }).where(inArray(shipmentItems.shipmentId, otherIds)),
      moveShipments(db, { event: "merge", where: inArray(shipments.id, otherIds), set: { mergedInto: target.id }, now }),
      db.update(shipments).set({ updatedAt: now }).where(eq(shipments.id, target.id)),
      db.insert(warehouseEvents).values({
        warehouseId: target.warehouseId,
        shipmentId: target.id,
        storeId: target.storeId,
        waveId: null,
        kind: "merge",
        worker: actor,
        durationMs: null,
        data: { merged: otherIds },
        createdAt: now,
      }),
    ]);
  } catch (err) {
    if (assertionFailed(err)) return { ok: false, code: "conflict", message: "a shipment was released to picking meanwhile" };
    throw err;
  }
  return { ok: true, targetId: target.id, mergedIds: otherIds };
}

export async function unmergeShipment(env: Env, target: ShipmentRow, actor: string): Promise<MergeResult> {
  if (target.status !== "pending" || target.waveId !== null || target.interceptedAt !== null) {
    return { ok: false, code: "not_unmergeable", message: "only a pending shipment not yet released to picking can be unmerged" };
  }
  const db = database(env);
  const merged = await db
    .select()
    .from(shipments)
    .where(and(eq(shipments.mergedInto, target.id), eq(shipments.status, "merged")))
    .all();
  if (merged.length === 0) return { ok: false, code: "not_merged", message: "no shipment was merged into this one" };
  const ids = merged.map((m) => m.id);
  const now = Date.now();
  const statements: BatchItem<"sqlite">[] = [
    assertInBatch(db, "unmerge: still pending", releasedSql([target.id])),
    db
      .update(shipmentItems)
      .set({ shipmentId: sql`${shipmentItems.originShipmentId}` })
      .where(and(eq(shipmentItems.shipmentId, target.id), ne(shipmentItems.originShipmentId, target.id))),
    // Back to pending, unless every item of it was cancelled while merged.
    moveShipments(db, {
      event: "unmerge",
      where: inArray(shipments.id, ids),
      to: sql`CASE WHEN EXISTS (SELECT 1 FROM shipment_items x WHERE x.shipment_id = shipments.id AND x.cancelled_at IS NULL) THEN 'pending' ELSE 'cancelled' END`,
      set: { mergedInto: null },
      now,
    }),
    moveShipments(db, {
      event: "cancel",
      where: sql`${shipments.id} = ${target.id} AND NOT EXISTS (SELECT 1 FROM shipment_items x WHERE x.shipment_id = shipments.id AND x.cancelled_at IS NULL)`,
      now,
    }),
    db.insert(warehouseEvents).values({
      warehouseId: target.warehouseId,
      shipmentId: target.id,
      storeId: target.storeId,
      waveId: null,
      kind: "unmerge",
      worker: actor,
      durationMs: null,
      data: { unmerged: ids },
      createdAt: now,
    }),
  ];
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    if (assertionFailed(err)) return { ok: false, code: "conflict", message: "the shipment was released to picking meanwhile" };
    throw err;
  }
  return { ok: true, targetId: target.id, mergedIds: ids };
}

/**
 * The merge policy: a new shipment joins the oldest held shipment with its
 * merge key in the same warehouse, if one is still inside its hold window.
 */
export async function mergeByPolicy(env: Env, shipmentIds: readonly string[], { now = Date.now() }: { now?: number } = {}): Promise<string[]> {
  const db = database(env);
  const merged: string[] = [];
  for (const id of shipmentIds) {
    const s = await db.select().from(shipments).where(eq(shipments.id, id)).get();
    if (!s || s.status !== "pending" || s.dispatchStatus !== null) continue;
    const host = await db
      .select({ id: shipments.id })
      .from(shipments)
      .where(
        and(
          eq(shipments.storeId, s.storeId),
          eq(shipments.mergeKey, s.mergeKey),
          eq(shipments.warehouseId, s.warehouseId),
          eq(shipments.status, "pending"),
          isNull(shipments.waveId),
          isNull(shipments.interceptedAt),
          isNull(shipments.dispatchStatus),
          gt(shipments.holdUntil, now),
          ne(shipments.id, s.id),
        ),
      )
      .orderBy(asc(shipments.createdAt), asc(shipments.id))
      .limit(1)
      .get();
    if (!host || host.id > s.id) continue;
    const r = await mergeShipments(env, [host.id, s.id], "system:merge-policy");
    if (r.ok) merged.push(s.id);
  }
  return merged;
}
