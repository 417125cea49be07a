/**
 * What a 3PL tells us about a dispatch, already verified and parsed:
 * accepted (it is picking), rejected (the reservation is released, the
 * shipment is `rejected`, an exception opened for someone to re-route, and
 * a `shipment.rejected` message owed that re-routes at once where the
 * store's policy says so: see ./reroute-shipment.ts),
 * or shipped (packages and tracking numbers; the goods leave the stock ledger
 * with `ship` movements, and the money ledger records their cost, per order
 * and SKU, at the warehouse's moving average: `cost_of_goods`, source
 * `3pl_shipped`, keyed `cogs:<shipment>:<order>:<sku>` like a handover's). Each
 * event commits in one batch with its dedupe record, and asserts inside the
 * batch that the shipment is still in a state the event may follow, so a
 * redelivered or out-of-order event changes nothing.
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { assertInBatch, assertionFailed } from "../db/assert";
import { constraintFailed, database } from "../db/client";
import { fulfilmentExceptions, inboundWebhooks, outbox, shipmentItems, shipments, shipmentTracking, stockCosts, stockLevels } from "../db/schema";
import type { ShardEnv } from "../env";
import { changeLevel, currentUnitCost, insertMovements, insertMovementsSelect, type MovementInput } from "../inventory/stock";
import { raiseException } from "../logistics/logistics-exceptions";
import { newId, tagOf } from "../lib/ids";
import { insertLedgerSelect, sqlLedgerId } from "../finance/ledger-writes";
import type { OutboxRow } from "../outbox/topics";
import { releaseItemsWrites } from "./release-order";
import type { ThirdPartyEventInput } from "./schemas";
import { moveShipments } from "./shipment-lifecycle";

export type InboundResult =
  | { ok: true; duplicate: boolean; shipmentId: string; shipOrder: string | null; late?: boolean; outbox?: OutboxRow[] }
  | { ok: false; code: "unknown_shipment" | "wrong_state"; message: string };

export async function receive3plEvent(
  env: ShardEnv,
  event: ThirdPartyEventInput,
  { warehouseId, eventId, actor }: { warehouseId: string; eventId: string; actor: string },
): Promise<InboundResult> {
  const db = database(env);
  const source = `3pl:${warehouseId}`;
  const id = event.data.shipment_id;
  const s = await db
    .select()
    .from(shipments)
    .where(and(eq(shipments.id, id), eq(shipments.warehouseId, warehouseId)))
    .get();
  if (!s || s.dispatchStatus === null) return { ok: false, code: "unknown_shipment", message: `no dispatch ${id} at this warehouse` };
  // A redelivered "shipped" still asks whether the order can ship: the first delivery may have failed right after its commit.
  const shipOrder = event.type === "shipment.shipped" ? s.orderId : null;
  const seen = await db
    .select()
    .from(inboundWebhooks)
    .where(and(eq(inboundWebhooks.source, source), eq(inboundWebhooks.eventId, eventId)))
    .get();
  if (seen) return { ok: true, duplicate: true, shipmentId: id, shipOrder };

  const now = Date.now();
  // News about a dispatch we stopped (the order was cancelled): recorded, never applied silently.
  if (s.status === "cancelled" || s.status === "intercepted") return lateNews(env, { s, source, eventId, event, actor, now });
  const expect = (dispatch: string[], status: string[]) =>
    assertInBatch(
      db,
      `3pl ${event.type}`,
      sql`NOT EXISTS (SELECT 1 FROM shipments WHERE id = ${id} AND dispatch_status IN (${sql.join(
        dispatch.map((d) => sql`${d}`),
        sql`, `,
      )}) AND status IN (${sql.join(
        status.map((x) => sql`${x}`),
        sql`, `,
      )}))`,
    );
  const statements: BatchItem<"sqlite">[] = [db.insert(inboundWebhooks).values({ source, eventId, type: event.type, receivedAt: now })];
  const mine = sql`shipment_id = ${id} AND cancelled_at IS NULL`;
  const owed: OutboxRow[] = [];
  const here = eq(shipments.id, id);
  switch (event.type) {
    case "dispatch.accepted":
      statements.push(expect(["queued", "sent"], ["pending"]), moveShipments(db, { event: "accept", where: here, set: { dispatchStatus: "accepted" }, now }));
      break;
    case "dispatch.rejected": {
      const exceptionId = newId("exc", now, tagOf(id));
      // Re-routing (by policy, or left to a person) starts from this message, committed with the rejection.
      owed.push({
        id: newId("obx", now),
        orderId: s.orderId,
        topic: "fulfilment",
        type: "shipment.rejected",
        payload: { shipment_id: id, exception_id: exceptionId, store_id: s.storeId, warehouse_id: warehouseId },
        createdAt: now,
      });
      statements.push(
        expect(["queued", "sent", "accepted"], ["pending", "picking"]),
        ...releaseItemsWrites(db, mine, { actor, reason: `rejected by the 3PL: ${event.data.reason}`, refType: "shipment", now }),
        moveShipments(db, { event: "reject", where: here, set: { dispatchStatus: "rejected", dispatchNote: event.data.reason }, now }),
        db.insert(fulfilmentExceptions).values({
          id: exceptionId,
          shipmentId: id,
          itemId: null,
          kind: "dispatch_rejected",
          quantity: 0,
          note: event.data.reason,
          status: "open",
          createdBy: actor,
          createdAt: now,
        }),
        db.insert(outbox).values(owed),
      );
      break;
    }
    case "shipment.shipped":
      statements.push(
        expect(["sent", "accepted"], ["pending", "picking"]),
        // Before the items' reservations are cleared: the cost is of what is still reserved, as the movements are.
        costOfGoodsShipped(db, mine, { storeId: s.storeId, actor, now }),
        ...shipItemsWrites(db, mine, { actor, now }),
        moveShipments(db, { event: "ship_3pl", where: here, set: { dispatchStatus: "accepted", packages: event.data.packages, shippedAt: now }, now }),
        trackingOf3pl(db, { shipment: s, packages: event.data.packages, actor, now }),
      );
      break;
  }
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    if (constraintFailed(err, "inbound_webhooks")) return { ok: true, duplicate: true, shipmentId: id, shipOrder };
    if (assertionFailed(err)) return { ok: false, code: "wrong_state", message: `shipment ${id} is ${s.status} (dispatch ${s.dispatchStatus}): ${event.type} does not follow` };
    throw err;
  }
  return { ok: true, duplicate: false, shipmentId: id, shipOrder, ...(owed.length ? { outbox: owed } : {}) };
}

type Package = { tracking_number: string; carrier: string };

/**
 * A parcel a 3PL handed to its carrier becomes trackable like our own: its
 * (first) tracking number is recorded as handed over, so the carrier's
 * webhooks, or a person recording its delivery, move it on and the order is
 * delivered from it. The rate is the 3PL's business (0 here, in the store's
 * currency).
 */
function trackingOf3pl(db: ReturnType<typeof database>, a: { shipment: typeof shipments.$inferSelect; packages: Package[]; actor: string; now: number }) {
  const { shipment: s, packages, actor, now } = a;
  const first = packages[0]!;
  return db
    .insert(shipmentTracking)
    .select(
      sql`SELECT ${s.id}, ${s.storeId}, ${s.orderId}, ${first.carrier}, '3pl', 'external', ${first.tracking_number}, ${first.tracking_number}, NULL, 0, st.currency,
          ${packages.length}, ${JSON.stringify({ source: "3pl", warehouse_id: s.warehouseId, packages })}, NULL, NULL, 0, ${now}, 1, NULL, ${actor}, ${now}, ${actor}, ${now}, NULL
        FROM stores st WHERE st.id = ${s.storeId}`,
    )
    .onConflictDoNothing();
}

/**
 * A 3PL's news about a dispatch we had stopped. An acceptance or a refusal
 * changes nothing (the stock was released with the cancel); a shipment that
 * left anyway is booked as it happened: the units leave the 3PL's bins
 * (`ship` movements, from what was still reserved and from free stock),
 * the shipment is handed over (`late_hand_over`), and a `recall` exception
 * asks someone to get the parcel back. Recorded once: the dedupe record is
 * in the same batch.
 */
async function lateNews(
  env: ShardEnv,
  a: { s: typeof shipments.$inferSelect; source: string; eventId: string; event: ThirdPartyEventInput; actor: string; now: number },
): Promise<InboundResult> {
  const { s, event, actor, now } = a;
  const db = database(env);
  const statements: BatchItem<"sqlite">[] = [db.insert(inboundWebhooks).values({ source: a.source, eventId: a.eventId, type: event.type, receivedAt: now })];
  if (event.type === "shipment.shipped") {
    const items = await db.select().from(shipmentItems).where(eq(shipmentItems.shipmentId, s.id)).all();
    const moves: MovementInput[] = [];
    const cost = new Map<string, { orderId: string; warehouseId: string; sku: string; units: number }>();
    for (const i of items) {
      const units = i.quantity - i.shortQty - i.pickedQty;
      if (units <= 0) continue;
      const k = `${i.orderId}\u0000${i.sku}`;
      const c = cost.get(k) ?? { orderId: i.orderId, warehouseId: i.warehouseId, sku: i.sku, units: 0 };
      c.units += units;
      cost.set(k, c);
      statements.push(
        changeLevel(db, { binId: i.binId, sku: i.sku }, { delta: { onHand: -units, reserved: -i.reservedQty }, now }),
        db
          .update(shipmentItems)
          .set({ reservedQty: 0, pickedQty: sql`${shipmentItems.pickedQty} + ${units}`, packedQty: sql`${shipmentItems.pickedQty} + ${units}` })
          .where(eq(shipmentItems.id, i.id)),
      );
      moves.push({
        warehouseId: i.warehouseId,
        binId: i.binId,
        sku: i.sku,
        kind: "ship",
        onHandDelta: -units,
        reservedDelta: -i.reservedQty,
        reason: "shipped by the 3PL after the order was cancelled",
        actor,
        refType: "shipment",
        refId: s.id,
        createdAt: now,
      });
    }
    statements.push(
      // The goods left, cancelled or not: their cost is booked as a handover after a cancel books it.
      ...[...cost.values()].map((c) =>
        insertLedgerSelect(
          db,
          sql`SELECT ${sqlLedgerId}, ${s.storeId}, ${c.orderId}, 'cost_of_goods', ${-c.units} * sc.avg_unit_cost, sc.currency, NULL, ${c.sku}, ${c.units}, '3pl_shipped',
              ${`cogs:${s.id}:${c.orderId}:${c.sku}`}, NULL, ${actor}, ${now}
            FROM ${stockCosts} sc WHERE sc.warehouse_id = ${c.warehouseId} AND sc.sku = ${c.sku}`,
        ),
      ),
      ...insertMovements(db, moves),
      moveShipments(db, { event: "late_hand_over", where: eq(shipments.id, s.id), set: { packages: event.data.packages, shippedAt: now, dispatchStatus: "accepted" }, now }),
      trackingOf3pl(db, { shipment: s, packages: event.data.packages, actor, now }),
      ...[...new Set([s.orderId, ...items.map((i) => i.orderId)])].map((orderId) =>
        raiseException(db, {
          shipmentId: s.id,
          orderId,
          storeId: s.storeId,
          kind: "recall",
          detail: `the 3PL shipped it after the order was cancelled (${event.data.packages.map((p) => `${p.carrier} ${p.tracking_number}`).join(", ")}): recall it`,
          trackingEventId: null,
          now,
        }),
      ),
    );
  }
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    if (constraintFailed(err, "inbound_webhooks")) return { ok: true, duplicate: true, shipmentId: s.id, shipOrder: null };
    throw err;
  }
  return { ok: true, duplicate: false, shipmentId: s.id, shipOrder: null, late: true };
}

/**
 * The cost of the goods a 3PL shipped, per order and SKU of the shipment's
 * live items: what is still reserved for them, at the warehouse's moving
 * average unit cost (no entry for a SKU never received at a cost, rather
 * than a guess). The batch's state assertion and dedupe record make it once;
 * the source key makes it once again.
 */
function costOfGoodsShipped(db: ReturnType<typeof database>, itemFilter: SQL, a: { storeId: string; actor: string; now: number }) {
  return insertLedgerSelect(
    db,
    sql`SELECT ${sqlLedgerId}, ${a.storeId}, x.order_id, 'cost_of_goods', -x.units * sc.avg_unit_cost, sc.currency, NULL, x.sku, x.units, '3pl_shipped',
        'cogs:' || x.shipment_id || ':' || x.order_id || ':' || x.sku, NULL, ${a.actor}, ${a.now}
      FROM (SELECT shipment_id, order_id, warehouse_id, sku, SUM(reserved_qty) AS units FROM shipment_items
            WHERE (${itemFilter}) AND reserved_qty > 0 GROUP BY shipment_id, order_id, warehouse_id, sku) x
      JOIN ${stockCosts} sc ON sc.warehouse_id = x.warehouse_id AND sc.sku = x.sku`,
  );
}

/**
 * The 3PL picked and shipped in one go: what is still reserved for the
 * items leaves their bins (a `ship` movement each), and counts as picked
 * and packed. Movements first: they read the reservations the later
 * statements clear.
 */
function shipItemsWrites(db: ReturnType<typeof database>, itemFilter: SQL, { actor, now }: { actor: string; now: number }): BatchItem<"sqlite">[] {
  return [
    insertMovementsSelect(
      db,
      sql`SELECT warehouse_id, bin_id, sku, 'ship', -reserved_qty, -reserved_qty, ${currentUnitCost(sql`shipment_items.warehouse_id`, sql`shipment_items.sku`)},
          ${actor}, 'shipped by the 3PL', 'shipment', shipment_id, ${now}
        FROM shipment_items WHERE (${itemFilter}) AND reserved_qty > 0`,
    ),
    db
      .update(stockLevels)
      .set({
        onHand: sql`on_hand - (SELECT SUM(si.reserved_qty) FROM shipment_items si
          WHERE (${itemFilter}) AND si.reserved_qty > 0 AND si.bin_id = stock_levels.bin_id AND si.sku = stock_levels.sku)`,
        reserved: sql`reserved - (SELECT SUM(si.reserved_qty) FROM shipment_items si
          WHERE (${itemFilter}) AND si.reserved_qty > 0 AND si.bin_id = stock_levels.bin_id AND si.sku = stock_levels.sku)`,
        updatedAt: now,
      })
      .where(sql`(stock_levels.bin_id, stock_levels.sku) IN (SELECT bin_id, sku FROM shipment_items WHERE (${itemFilter}) AND reserved_qty > 0)`),
    db
      .update(shipmentItems)
      .set({ pickedQty: sql`picked_qty + reserved_qty`, packedQty: sql`picked_qty + reserved_qty`, reservedQty: 0 })
      .where(sql`(${itemFilter}) AND reserved_qty > 0`),
  ];
}
