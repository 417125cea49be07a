/**
 * Pick confirmation, one pick-list line at a time. The scanned code must be
 * the line's SKU (or its barcode). Picked units leave their bin for the
 * warehouse's OUTBOUND bin, still reserved for the shipment (two `pick`
 * movements). A short pick (`short: true`, fewer units than asked) books the
 * missing units off the bin (an `adjust` movement: they are not there) and
 * opens an exception. The item's CHECKs make a pick that races a
 * cancellation (which zeroes `reserved_qty`) fail whole instead of picking
 * released stock.
 */
import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { constraintFailed, type Database, database } from "../db/client";
import { inBatch, perDatabase } from "../db/prepared";
import { fulfilmentExceptions, products, shipmentItems, shipments, warehouseEvents, waves } from "../db/schema";
import { addHeld, changeLevel, insertMovements, isStockShortage, NO_OUTBOUND_BIN, outboundBinQuery, type MovementInput } from "../inventory/stock";
import { seesStore, type Principal } from "../http/auth";
import { newId, tagOf } from "../lib/ids";
import { recordScanMismatch, skusFromCatalogue } from "./scan";
import type { ShardScope } from "../db/shard";

type Env = ShardScope;

export type PickInput = { item_id: string; scanned: string; quantity: number; short?: boolean | undefined; duration_ms?: number | undefined };
export type PickResult =
  | { ok: true; itemId: string; picked: number; short: number; remaining: number; waveStatus: "open" | "picked"; exceptionId: string | null }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "wave_not_found" }
  | { ok: false; code: "wrong_item" | "over_pick" | "item_cancelled" | "intercepted" | "nothing_to_pick" | "conflict" | "no_outbound_bin"; message: string };

/**
 * The line with its shipment, what the scanned code is in the line's store's catalogue (`catalogueForScans` for
 * one code), and where picked goods go, in one round trip (the store and warehouse found through the line).
 * Built once per binding (src/db/prepared.ts): every pick runs it.
 */
const pickReads = perDatabase((db: Database) => {
  const itemId = sql.placeholder("itemId");
  const scanned = sql.placeholder("scanned");
  const ofItem = <T extends "shipmentId" | "warehouseId">(column: T) => db.select({ value: shipmentItems[column] }).from(shipmentItems).where(eq(shipmentItems.id, itemId));
  const itemStore = db
    .select({ storeId: shipments.storeId })
    .from(shipments)
    .where(inArray(shipments.id, ofItem("shipmentId")));
  return {
    // Safe in a batch: no column of the item shares a name with the shipment's columns selected beside it.
    line: db
      .select({ item: shipmentItems, storeId: shipments.storeId, waveId: shipments.waveId, status: shipments.status, interceptReason: shipments.interceptReason })
      .from(shipmentItems)
      .innerJoin(shipments, eq(shipments.id, shipmentItems.shipmentId))
      .where(eq(shipmentItems.id, itemId))
      .prepare(),
    catalogue: db
      .select({ sku: products.sku, barcode: products.barcode })
      .from(products)
      .where(and(inArray(products.storeId, itemStore), or(eq(products.barcode, scanned), eq(products.sku, scanned))))
      .prepare(),
    outbound: outboundBinQuery(db, ofItem("warehouseId")).prepare(),
  };
});

/**
 * `wave`: the wave's id and the condition that keeps it to the picker's scope (the route's): it is read in the pick's
 * first round trip, with the line, and a wave out of scope is `wave_not_found`. `stores` is the picker's store scope:
 * a line of another store's shipment in a shared wave is not theirs to pick (reported as not found).
 */
export async function confirmPick(
  env: Env,
  { waveId, visible }: { waveId: string; visible: SQL | undefined },
  { input, worker, stores }: { input: PickInput; worker: string; stores: Principal["stores"] },
): Promise<PickResult> {
  const db = database(env);
  const reads = pickReads(db);
  const values = { itemId: input.item_id, scanned: input.scanned };
  const [waveRows, rows, catalogue, outbounds] = await db.batch([
    db
      .select({ id: waves.id })
      .from(waves)
      .where(and(eq(waves.id, waveId), visible)),
    inBatch(reads.line, values),
    inBatch(reads.catalogue, values),
    inBatch(reads.outbound, values),
  ]);
  const wave = waveRows[0];
  if (!wave) return { ok: false, code: "wave_not_found" };
  const row = rows[0];
  if (!row || row.waveId !== wave.id || !seesStore({ stores }, row.storeId)) return { ok: false, code: "not_found" };
  const item = row.item;
  if (row.status === "intercepted") return { ok: false, code: "intercepted", message: `the shipment is intercepted (${row.interceptReason}): do not pick it` };
  if (item.cancelledAt !== null) return { ok: false, code: "item_cancelled", message: "the item's order was cancelled: do not pick it" };
  if (item.reservedQty === 0) return { ok: false, code: "nothing_to_pick", message: "this line is already picked" };
  const scannedSku = skusFromCatalogue([input.scanned], [item.sku], catalogue).get(input.scanned);
  if (scannedSku !== item.sku) {
    await recordScanMismatch(
      db,
      { stage: "pick", code: input.scanned, expected: item.sku, durationMs: input.duration_ms },
      { at: { warehouseId: item.warehouseId, shipmentId: item.shipmentId, waveId: wave.id, storeId: row.storeId }, worker },
    );
    return { ok: false, code: "wrong_item", message: `scanned ${input.scanned}, the line is ${item.sku}` };
  }
  if (input.quantity > item.reservedQty) return { ok: false, code: "over_pick", message: `only ${item.reservedQty} left to pick on this line` };

  const q = input.quantity;
  const shortQty = input.short ? item.reservedQty - q : 0;
  const now = Date.now();
  const outbound = outbounds[0];
  if (!outbound) return NO_OUTBOUND_BIN;
  const ref = { actor: worker, refType: "shipment", refId: item.shipmentId, createdAt: now };
  const moves: MovementInput[] = [];
  const statements: BatchItem<"sqlite">[] = [
    db
      .update(shipmentItems)
      .set({
        reservedQty: sql`${shipmentItems.reservedQty} - ${q + shortQty}`,
        pickedQty: sql`${shipmentItems.pickedQty} + ${q}`,
        shortQty: sql`${shipmentItems.shortQty} + ${shortQty}`,
      })
      .where(eq(shipmentItems.id, item.id))
      .returning(),
  ];
  if (q > 0) {
    statements.push(
      changeLevel(db, { binId: item.binId, sku: item.sku }, { delta: { onHand: -q, reserved: -q }, now }),
      addHeld(db, { warehouseId: item.warehouseId, binId: outbound.id, sku: item.sku }, { qty: q, now }),
    );
    moves.push(
      { warehouseId: item.warehouseId, binId: item.binId, sku: item.sku, kind: "pick", onHandDelta: -q, reservedDelta: -q, reason: `wave ${wave.id}`, ...ref },
      { warehouseId: item.warehouseId, binId: outbound.id, sku: item.sku, kind: "pick", onHandDelta: q, reservedDelta: q, reason: `wave ${wave.id}`, ...ref },
    );
  }
  const exceptionId = shortQty > 0 ? newId("exc", now, tagOf(item.shipmentId)) : null;
  if (shortQty > 0) {
    statements.push(
      changeLevel(db, { binId: item.binId, sku: item.sku }, { delta: { onHand: -shortQty, reserved: -shortQty }, now }),
      db.insert(fulfilmentExceptions).values({
        id: exceptionId!,
        shipmentId: item.shipmentId,
        itemId: item.id,
        kind: "short_pick",
        quantity: shortQty,
        note: `${shortQty} of ${item.sku} not found in the bin`,
        status: "open",
        createdBy: worker,
        createdAt: now,
      }),
    );
    moves.push({
      warehouseId: item.warehouseId,
      binId: item.binId,
      sku: item.sku,
      kind: "adjust",
      onHandDelta: -shortQty,
      reservedDelta: -shortQty,
      reason: `short pick on wave ${wave.id}`,
      ...ref,
    });
  }
  statements.push(
    ...insertMovements(db, moves),
    db.insert(warehouseEvents).values({
      warehouseId: item.warehouseId,
      shipmentId: item.shipmentId,
      storeId: row.storeId,
      waveId: wave.id,
      kind: shortQty > 0 ? "short_pick" : "pick",
      worker,
      durationMs: input.duration_ms ?? null,
      data: { item_id: item.id, sku: item.sku, bin_id: item.binId, quantity: q, short: shortQty },
      createdAt: now,
    }),
    // The wave is picked once none of its live items has anything left to pick.
    db
      .update(waves)
      .set({ status: "picked", completedAt: now })
      .where(
        and(
          eq(waves.id, wave.id),
          eq(waves.status, "open"),
          sql`NOT EXISTS (SELECT 1 FROM shipment_items si JOIN shipments s ON s.id = si.shipment_id WHERE s.wave_id = ${wave.id} AND si.reserved_qty > 0 AND si.cancelled_at IS NULL)`,
        ),
      )
      .returning({ status: waves.status }),
  );
  let results: unknown[];
  try {
    results = await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    if (constraintFailed(err, "shipment_items_") || isStockShortage(err)) {
      return { ok: false, code: "conflict", message: "the line changed meanwhile (picked or cancelled by someone else); reload the pick list" };
    }
    throw err;
  }
  const [after] = results[0] as (typeof shipmentItems.$inferSelect)[];
  const done = results.at(-1) as { status: string }[];
  return {
    ok: true,
    itemId: item.id,
    picked: after!.pickedQty,
    short: after!.shortQty,
    remaining: after!.reservedQty,
    waveStatus: done.length ? "picked" : "open",
    exceptionId,
  };
}
