/**
 * Releases pending shipments of one warehouse to the floor in waves. Only
 * shipments past their merge hold window (pending: not intercepted) and not already
 * in a wave are taken; each wave claims its shipments with a conditional
 * update, so two people releasing waves at once never share a shipment.
 */
import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { chunk, database } from "../db/client";
import { bins, shipmentItems, shipments, waves, zones } from "../db/schema";
import { storeScope, type Principal } from "../http/auth";
import type { WarehouseRow } from "../inventory/scope";
import { newId } from "../lib/ids";
import { moveShipments } from "./shipment-lifecycle";
import { defaultWavePolicy, pickPath, type WaveCandidate, type WaveGroupBy, type WavePolicy } from "./wave-policy";
import type { ShardScope } from "../db/shard";
import { warehouseTag } from "../db/homes";

type Env = ShardScope & { DIRECTORY: D1Database };
export type WaveRow = typeof waves.$inferSelect;

export async function createWaves(
  env: Env,
  wh: WarehouseRow,
  opts: {
    groupBy: WaveGroupBy;
    maxShipments: number;
    maxWaves: number;
    actor: string;
    /** The releasing key's stores: in a warehouse shared by several stores, a store's staff release only their own store's shipments. */
    stores: Principal["stores"];
    policy?: WavePolicy;
  },
): Promise<{ wave: WaveRow; shipmentIds: string[] }[]> {
  const { actor, policy = defaultWavePolicy } = opts;
  const db = database(env);
  const now = Date.now();
  const pending = await db
    .select({ id: shipments.id, carrier: shipments.carrier, createdAt: shipments.createdAt })
    .from(shipments)
    .where(and(eq(shipments.warehouseId, wh.id), eq(shipments.status, "pending"), isNull(shipments.waveId), lte(shipments.holdUntil, now), storeScope(opts, shipments.storeId)))
    .orderBy(asc(shipments.createdAt))
    .limit(500)
    .all();
  const candidates = new Map<string, WaveCandidate>(pending.map((s) => [s.id, { shipmentId: s.id, carrier: s.carrier, createdAt: s.createdAt, items: [] }]));
  for (const part of chunk([...candidates.keys()], 90)) {
    const items = await db
      .select({
        shipmentId: shipmentItems.shipmentId,
        itemId: shipmentItems.id,
        sku: shipmentItems.sku,
        quantity: shipmentItems.reservedQty,
        binCode: bins.code,
        pickSequence: bins.pickSequence,
        zone: zones.code,
      })
      .from(shipmentItems)
      .innerJoin(bins, eq(bins.id, shipmentItems.binId))
      .leftJoin(zones, eq(zones.id, bins.zoneId))
      .where(and(inArray(shipmentItems.shipmentId, part), isNull(shipmentItems.cancelledAt), sql`${shipmentItems.reservedQty} > 0`))
      .all();
    for (const i of items) candidates.get(i.shipmentId)!.items.push(i);
  }
  const groups = policy.group([...candidates.values()], opts.groupBy, opts.maxShipments).slice(0, opts.maxWaves);
  const out: { wave: WaveRow; shipmentIds: string[] }[] = [];
  // A wave's id names its warehouse's tag (src/db/homes.ts): it belongs to the warehouse, not to one store.
  const tag = groups.length ? await warehouseTag(env, wh.id) : null;
  for (const g of groups) {
    const wave: WaveRow = {
      id: newId("wv", now, tag),
      warehouseId: wh.id,
      groupBy: opts.groupBy,
      groupKey: g.key,
      status: "open",
      createdBy: actor,
      createdAt: now,
      completedAt: null,
    };
    const [, claimed] = await db.batch([
      db.insert(waves).values(wave),
      moveShipments(db, { event: "release", where: and(inArray(shipments.id, g.shipmentIds), isNull(shipments.waveId))!, set: { waveId: wave.id }, now }).returning({
        id: shipments.id,
      }),
    ]);
    if (claimed.length === 0) {
      // Someone else released them first: no empty waves.
      await db.delete(waves).where(eq(waves.id, wave.id));
      continue;
    }
    out.push({ wave, shipmentIds: claimed.map((c) => c.id) });
  }
  return out;
}

/**
 * A wave's pick list: every item still to pick or already picked, along the
 * picking path. A wave in a shared warehouse may hold several stores'
 * shipments; a store-scoped reader gets only its stores' lines.
 */
export async function pickList(env: Env, waveId: string, { stores }: { stores: Principal["stores"] }) {
  const rows = await database(env)
    .select({
      itemId: shipmentItems.id,
      shipmentId: shipmentItems.shipmentId,
      orderId: shipmentItems.orderId,
      storeId: shipments.storeId,
      sku: shipmentItems.sku,
      binId: shipmentItems.binId,
      binCode: bins.code,
      pickSequence: bins.pickSequence,
      zone: zones.code,
      quantity: shipmentItems.quantity,
      toPick: shipmentItems.reservedQty,
      picked: shipmentItems.pickedQty,
      short: shipmentItems.shortQty,
      cancelled: shipmentItems.cancelledAt,
      intercepted: shipments.interceptedAt,
    })
    .from(shipmentItems)
    .innerJoin(shipments, eq(shipments.id, shipmentItems.shipmentId))
    .innerJoin(bins, eq(bins.id, shipmentItems.binId))
    .leftJoin(zones, eq(zones.id, bins.zoneId))
    .where(and(eq(shipments.waveId, waveId), storeScope({ stores }, shipments.storeId)))
    .all();
  return pickPath(rows);
}
