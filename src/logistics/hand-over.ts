/**
 * Handover: a labelled shipment leaves with the carrier. In one batch, guarded
 * so a race (an interception, a second click, a tracking scan) commits once or
 * not at all: the shipment becomes `shipped`, its tracking row records the
 * handover, and the packed goods leave the warehouse's OUTBOUND bin (`ship`
 * movements taking them off hand and out of reserved, at the moving-average
 * cost of the moment). Then every order with goods in it is settled
 * (shipped when all its parcels are).
 *
 * A parcel stopped at the dock (intercepted with its label) is refused; but
 * when the carrier scans it anyway (`late`: the tracking says it left), the
 * handover is recorded as it happened, stock and all, with a `recall`
 * exception so that someone gets it back.
 */
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Database, database, nonEmpty } from "../db/client";
import { inBatch, perDatabase } from "../db/prepared";
import { bins, shipmentItems, shipments, shipmentTracking, stockCosts, stockLevels } from "../db/schema";
import { insertLedgerSelect, sqlLedgerId } from "../finance/ledger-writes";
import type { ShardEnv } from "../env";
import { currentUnitCost, isStockShortage, insertMovementsSelect } from "../inventory/stock";
import { randomToken } from "../lib/ids";
import { handedOver, moveShipments } from "../fulfilment/shipment-lifecycle";
import { raiseException } from "./logistics-exceptions";
import { ordersFrom, ordersOfShipmentQueries } from "./order-shipments";
import { SETTLE_READS, settleOrder, settleReads, settleRowsAt } from "./settle-order";

export type HandOverResult =
  | { ok: true; shipmentId: string; handedOverAt: number; ordersShipped: string[] }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "not_labelled" | "intercepted" | "already_shipped" | "nothing_to_ship" | "stock_mismatch" | "conflict"; message: string };

const stockMismatch = (skus: string[]) => ({
  ok: false as const,
  code: "stock_mismatch" as const,
  message: `the OUTBOUND bin holds fewer units of ${skus.join(", ")} than were packed; count it before handing over`,
});

/**
 * Everything the checks of `handOver` read, in one round trip: the shipment, its label, its items by SKU (live and
 * all, since a late handover takes the cancelled orders' packed goods too) and the OUTBOUND stock of those SKUs,
 * and the orders it carries (a handover does not change them). Built once per binding (src/db/prepared.ts).
 */
const handoverReads = perDatabase((db: Database) => {
  const shipmentId = sql.placeholder("shipmentId");
  const outbound = db
    .select({ id: bins.id })
    .from(bins)
    .where(and(eq(bins.warehouseId, sql`(SELECT ${shipments.warehouseId} FROM ${shipments} WHERE ${shipments.id} = ${shipmentId})`), eq(bins.kind, "outbound")));
  const [orderItems, own] = ordersOfShipmentQueries(db, shipmentId);
  return {
    shipment: db.select().from(shipments).where(eq(shipments.id, shipmentId)).prepare(),
    tracking: db.select().from(shipmentTracking).where(eq(shipmentTracking.shipmentId, shipmentId)).prepare(),
    bySku: db
      .select({
        sku: shipmentItems.sku,
        liveItems: sql<number>`SUM(${shipmentItems.cancelledAt} IS NULL)`.mapWith(Number),
        livePacked: sql<number>`SUM(CASE WHEN ${shipmentItems.cancelledAt} IS NULL THEN ${shipmentItems.packedQty} ELSE 0 END)`.mapWith(Number),
        allPacked: sql<number>`SUM(${shipmentItems.packedQty})`.mapWith(Number),
      })
      .from(shipmentItems)
      .where(eq(shipmentItems.shipmentId, shipmentId))
      .groupBy(shipmentItems.sku)
      .prepare(),
    levels: db
      .select({ sku: stockLevels.sku, onHand: stockLevels.onHand, reserved: stockLevels.reserved })
      .from(stockLevels)
      .where(
        and(
          sql`${stockLevels.binId} IN ${outbound}`,
          sql`${stockLevels.sku} IN (SELECT ${shipmentItems.sku} FROM ${shipmentItems} WHERE ${shipmentItems.shipmentId} = ${shipmentId})`,
        ),
      )
      .prepare(),
    orderItems: orderItems.prepare(),
    own: own.prepare(),
  };
});

/**
 * `visible`: the caller's scope over shipments (a person's handover), read with the rest: a shipment outside it is
 * `not_found`. A carrier's late handover has none.
 */
export async function handOver(env: ShardEnv, shipmentId: string, options: { actor: string; late?: boolean; visible?: SQL | undefined }): Promise<HandOverResult> {
  const { actor } = options;
  const db = database(env);
  const q = handoverReads(db);
  const v = { shipmentId };
  // The OUTBOUND bin, for the stock changes below.
  const outbound = db
    .select({ id: bins.id })
    .from(bins)
    .where(and(eq(bins.warehouseId, sql`(SELECT ${shipments.warehouseId} FROM ${shipments} WHERE ${shipments.id} = ${shipmentId})`), eq(bins.kind, "outbound")));
  const [rows, trackingRows, bySku, levels, orderItems, own, seen] = await db.batch([
    inBatch(q.shipment, v),
    inBatch(q.tracking, v),
    inBatch(q.bySku, v),
    inBatch(q.levels, v),
    inBatch(q.orderItems, v),
    inBatch(q.own, v),
    db
      .select({ id: shipments.id })
      .from(shipments)
      .where(and(eq(shipments.id, shipmentId), options.visible)),
  ]);
  const orderIds = ordersFrom(orderItems, own);
  const s = rows[0];
  const tr = trackingRows[0];
  if (!s || !seen[0]) return { ok: false, code: "not_found" };
  const late = options.late === true && s.status === "intercepted" && s.interceptedFrom === "labelled";
  if (s.status === "intercepted" && !late) return { ok: false, code: "intercepted", message: `the shipment was intercepted: ${s.interceptReason ?? "no reason given"}` };
  if (tr?.handedOverAt != null || handedOver(s.status)) {
    return { ok: false, code: "already_shipped", message: `the shipment is already ${s.status}` };
  }
  if ((s.status !== "labelled" && !late) || !tr) return { ok: false, code: "not_labelled", message: `a ${s.status} shipment has no label to hand over; create its label first` };
  const liveItems = bySku.reduce((n, r) => n + r.liveItems, 0);
  if (!liveItems && !late) return { ok: false, code: "nothing_to_ship", message: "every item's order was cancelled: void the label and restock the goods" };

  const now = Date.now();
  const token = `handover:${randomToken(16)}`;
  // Every statement after the first two commits only if this handover is the one that won.
  const won = sql`EXISTS (SELECT 1 FROM ${shipmentTracking} WHERE ${shipmentTracking.shipmentId} = ${shipmentId} AND ${shipmentTracking.lastEventId} = ${token})`;
  // What is in the parcel leaves with it; a late handover takes the cancelled orders' packed goods too.
  const items = bySku.map((r) => ({ sku: r.sku, packed: late ? r.allPacked : r.livePacked })).filter((i) => i.packed > 0);
  const short = items.filter((i) => {
    const l = levels.find((x) => x.sku === i.sku);
    return !l || l.onHand < i.packed || l.reserved < i.packed;
  });
  if (short.length) return stockMismatch(short.map((i) => i.sku));

  const statements: BatchItem<"sqlite">[] = [
    late
      ? moveShipments(db, { event: "late_hand_over", where: and(eq(shipments.id, shipmentId), eq(shipments.interceptedFrom, "labelled"))!, set: { shippedAt: now }, now })
      : moveShipments(db, { event: "hand_over", where: eq(shipments.id, shipmentId), set: { shippedAt: now }, now }),
    db
      .update(shipmentTracking)
      .set({ handedOverAt: now, handedOverBy: actor, lastUpdateAt: now, version: sql`${shipmentTracking.version} + 1`, lastEventId: token })
      .where(
        and(
          eq(shipmentTracking.shipmentId, shipmentId),
          eq(shipmentTracking.version, tr.version),
          isNull(shipmentTracking.handedOverAt),
          sql`EXISTS (SELECT 1 FROM ${shipments} WHERE ${shipments.id} = ${shipmentId} AND ${shipments.status} = 'shipped' AND ${shipments.shippedAt} = ${now})`,
        ),
      ),
    // The cost of goods, per order and SKU of the parcel, at the moving average the goods leave at, if this handover won.
    insertLedgerSelect(
      db,
      sql`SELECT ${sqlLedgerId}, ${s.storeId}, si.order_id, 'cost_of_goods', -SUM(si.packed_qty) * sc.avg_unit_cost, sc.currency, NULL, si.sku, SUM(si.packed_qty), 'handover',
          'cogs:' || ${shipmentId} || ':' || si.order_id || ':' || si.sku, NULL, ${actor}, ${now}
        FROM ${shipmentItems} si JOIN ${stockCosts} sc ON sc.warehouse_id = ${s.warehouseId} AND sc.sku = si.sku
        WHERE si.shipment_id = ${shipmentId} AND si.packed_qty > 0 AND ${late ? sql`1` : sql`si.cancelled_at IS NULL`} AND ${won}
        GROUP BY si.order_id, si.sku`,
    ),
  ];
  for (const i of items) {
    // The movement reads the bin inside the batch; it is written before the level changes, only if this handover won.
    statements.push(
      insertMovementsSelect(
        db,
        sql`SELECT ${s.warehouseId}, b.id, ${i.sku}, 'ship', ${-i.packed}, ${-i.packed}, ${currentUnitCost(sql`${s.warehouseId}`, sql`${i.sku}`)}, ${actor}, NULL, 'shipment', ${shipmentId}, ${now}
            FROM ${bins} b WHERE b.warehouse_id = ${s.warehouseId} AND b.kind = 'outbound' AND ${won}`,
      ),
      db
        .update(stockLevels)
        .set({ onHand: sql`${stockLevels.onHand} - ${i.packed}`, reserved: sql`${stockLevels.reserved} - ${i.packed}`, updatedAt: now })
        .where(and(eq(stockLevels.sku, i.sku), sql`${stockLevels.binId} IN ${outbound}`, won)),
    );
  }
  if (late) {
    for (const orderId of orderIds) {
      statements.push(
        raiseException(
          db,
          {
            shipmentId,
            orderId,
            storeId: s.storeId,
            kind: "recall",
            detail: `the carrier has the parcel although it was intercepted (${s.interceptReason ?? "no reason given"}): recall it`,
            trackingEventId: null,
            now,
          },
          won,
        ),
      );
    }
  }
  // Then, in the same round trip (reads at a batch's end see its writes): whether this handover won, and what
  // settling each order reads.
  const firstRead = statements.length;
  statements.push(
    db.select({ lastEventId: shipmentTracking.lastEventId }).from(shipmentTracking).where(eq(shipmentTracking.shipmentId, shipmentId)),
    ...orderIds.flatMap((orderId) => settleReads(db, orderId)),
  );
  let results: unknown[];
  try {
    results = await db.batch(nonEmpty(statements));
  } catch (err) {
    if (isStockShortage(err)) return stockMismatch(items.map((i) => i.sku));
    throw err;
  }
  const after = results[firstRead] as { lastEventId: string | null }[];
  if (after[0]?.lastEventId !== token) return { ok: false, code: "conflict", message: "the shipment changed meanwhile (handed over or intercepted); reload it" };

  const ordersShipped: string[] = [];
  for (const [i, orderId] of orderIds.entries()) {
    if ((await settleOrder(env, orderId, actor, settleRowsAt(results, firstRead + 1 + i * SETTLE_READS))).shipped) ordersShipped.push(orderId);
  }
  return { ok: true, shipmentId, handedOverAt: now, ordersShipped };
}
