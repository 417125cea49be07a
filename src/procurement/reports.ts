/**
 * Purchasing and stock reports, live (read when asked, not rolled up):
 *
 * - suppliers: per supplier, the orders submitted in a period, how many were
 *   received on time (every unit in by the due time), the fill rate (units
 *   received of units ordered, over the orders received or closed), and the
 *   orders still open now with the value still to come;
 * - stock: per warehouse and SKU, on hand, reserved, available, the moving
 *   average cost and the value at it, units sold per day over 28 days and the
 *   days of cover they leave, and the age of what is on hand (the newest
 *   receipts are taken as what is still there, first in first out).
 *
 * Both as JSON and CSV, like the other reports (src/analytics).
 */
import { and, asc, desc, eq, gt, gte, inArray, sql } from "drizzle-orm";
import { anyOf, database } from "../db/client";
import { purchaseOrderLines, purchaseOrders, rollupSkuDays, stockCosts, stockLevels, stockMovements, suppliers, warehouses } from "../db/schema";
import type { ShardEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { servesAnyOf } from "../inventory/warehouse-stores";
import { fromMinor } from "../lib/money";
import { OPEN_PO_STATUSES } from "./purchase-order-rules";

const DAY_MS = 86_400_000;
const rate = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);

export const SUPPLIER_COLUMNS = [
  "supplier_id",
  "supplier_name",
  "store_id",
  "currency",
  "orders_submitted",
  "orders_completed",
  "orders_on_time",
  "on_time_rate",
  "units_ordered",
  "units_received",
  "fill_rate",
  "open_orders",
  "open_value",
] as const;

/** Pure: one supplier's numbers from its orders (with their lines' totals), for orders submitted in [from, to). */
export function supplierNumbers(
  orders: readonly { status: string; submittedAt: number | null; expectedAt: number | null; receivedAt: number | null; ordered: number; received: number; openValue: number }[],
  { from, to }: { from: number; to: number },
) {
  const inPeriod = orders.filter((o) => o.submittedAt !== null && o.submittedAt >= from && o.submittedAt < to);
  const completed = inPeriod.filter((o) => o.status === "received" || o.status === "closed");
  const onTime = completed.filter((o) => o.receivedAt !== null && o.expectedAt !== null && o.receivedAt <= o.expectedAt);
  const ordered = completed.reduce((t, o) => t + o.ordered, 0);
  const received = completed.reduce((t, o) => t + Math.min(o.received, o.ordered), 0);
  const open = orders.filter((o) => OPEN_PO_STATUSES.has(o.status as never));
  return {
    orders_submitted: inPeriod.length,
    orders_completed: completed.length,
    orders_on_time: onTime.length,
    on_time_rate: rate(onTime.length, completed.length),
    units_ordered: ordered,
    units_received: received,
    fill_rate: rate(received, ordered),
    open_orders: open.length,
    open_value_minor: open.reduce((t, o) => t + o.openValue, 0),
  };
}

export async function supplierReport(env: ShardEnv, p: Principal, q: { storeId?: string; from: number; to: number }) {
  const db = database(env);
  const [supplierRows, orderRows] = await db.batch([
    db
      .select()
      .from(suppliers)
      .where(and(storeScope(p, suppliers.storeId), q.storeId === undefined ? undefined : eq(suppliers.storeId, q.storeId)))
      .orderBy(asc(suppliers.name), asc(suppliers.id)),
    db
      .select({
        supplierId: purchaseOrders.supplierId,
        status: purchaseOrders.status,
        submittedAt: purchaseOrders.submittedAt,
        expectedAt: purchaseOrders.expectedAt,
        receivedAt: purchaseOrders.receivedAt,
        ordered: sql<number>`(SELECT COALESCE(SUM(${purchaseOrderLines.quantity}), 0) FROM ${purchaseOrderLines} WHERE ${purchaseOrderLines.purchaseOrderId} = ${purchaseOrders.id})`,
        received: sql<number>`(SELECT COALESCE(SUM(${purchaseOrderLines.receivedQty}), 0) FROM ${purchaseOrderLines} WHERE ${purchaseOrderLines.purchaseOrderId} = ${purchaseOrders.id})`,
        openValue: sql<number>`(SELECT COALESCE(SUM(MAX(${purchaseOrderLines.quantity} - ${purchaseOrderLines.receivedQty}, 0) * ${purchaseOrderLines.unitCost}), 0) FROM ${purchaseOrderLines} WHERE ${purchaseOrderLines.purchaseOrderId} = ${purchaseOrders.id})`,
      })
      .from(purchaseOrders)
      .where(
        and(
          storeScope(p, purchaseOrders.storeId),
          q.storeId === undefined ? undefined : eq(purchaseOrders.storeId, q.storeId),
          inArray(purchaseOrders.status, ["submitted", "partially_received", "received", "closed"]),
        ),
      ),
  ]);
  return supplierRows.map((s) => {
    const mine = orderRows.filter((o) => o.supplierId === s.id).map((o) => ({ ...o, ordered: Number(o.ordered), received: Number(o.received), openValue: Number(o.openValue) }));
    const { open_value_minor, ...numbers } = supplierNumbers(mine, q);
    return { supplier_id: s.id, supplier_name: s.name, store_id: s.storeId, currency: s.currency, ...numbers, open_value: fromMinor(open_value_minor, s.currency) };
  });
}

export const AGE_BUCKETS = [30, 60, 90] as const;

export const STOCK_COLUMNS = [
  "warehouse_id",
  "sku",
  "on_hand",
  "reserved",
  "available",
  "currency",
  "avg_unit_cost",
  "value",
  "units_per_day",
  "days_of_cover",
  "age_0_30",
  "age_31_60",
  "age_61_90",
  "age_over_90",
] as const;

/**
 * Pure: the age of what is on hand, first in first out: the newest receipts are what is still there. `receipts` newest
 * first; units on hand beyond all receipts (stock counted in, or older than the ledger) count as the oldest.
 */
export function ageBuckets(onHand: number, receipts: readonly { at: number; qty: number }[], now: number): [number, number, number, number] {
  const out: [number, number, number, number] = [0, 0, 0, 0];
  let left = Math.max(0, onHand);
  for (const r of receipts) {
    if (left <= 0) break;
    const take = Math.min(left, r.qty);
    const days = Math.floor((now - r.at) / DAY_MS);
    const i = days <= AGE_BUCKETS[0] ? 0 : days <= AGE_BUCKETS[1] ? 1 : days <= AGE_BUCKETS[2] ? 2 : 3;
    out[i] += take;
    left -= take;
  }
  out[3] += left;
  return out;
}

/** Per warehouse and SKU, for the warehouses the key sees (one of them with `warehouseId`). */
/** The stock report's order: by warehouse, then SKU (each shard's rows, and the rows of every shard together). */
export const byWarehouseAndSku = (a: { warehouse_id: string; sku: string }, b: { warehouse_id: string; sku: string }) =>
  a.warehouse_id.localeCompare(b.warehouse_id) || a.sku.localeCompare(b.sku);

export async function stockReport(env: ShardEnv, p: Principal, q: { warehouseId?: string; now?: number }) {
  const db = database(env);
  const now = q.now ?? Date.now();
  const visible = (await db.select({ id: warehouses.id, storeIds: warehouses.storeIds, currency: warehouses.currency }).from(warehouses).orderBy(asc(warehouses.id)).all()).filter(
    (w) => (p.warehouses === "*" || p.warehouses.includes(w.id)) && servesAnyOf(w.storeIds, p.stores) && (q.warehouseId === undefined || w.id === q.warehouseId),
  );
  if (!visible.length) return [];
  // One bound parameter for any number of warehouses (D1 binds at most 100 a statement).
  const anyIds = anyOf(visible.map((w) => w.id));
  const fromDay = new Date(now - 28 * DAY_MS).toISOString().slice(0, 10);
  const [levels, costs, sold, receipts] = await db.batch([
    db
      .select({ warehouseId: stockLevels.warehouseId, sku: stockLevels.sku, onHand: sql<number>`SUM(${stockLevels.onHand})`, reserved: sql<number>`SUM(${stockLevels.reserved})` })
      .from(stockLevels)
      .where(inArray(stockLevels.warehouseId, anyIds))
      .groupBy(stockLevels.warehouseId, stockLevels.sku),
    db.select().from(stockCosts).where(inArray(stockCosts.warehouseId, anyIds)),
    db
      .select({ warehouseId: rollupSkuDays.warehouseId, sku: rollupSkuDays.sku, units: sql<number>`SUM(${rollupSkuDays.unitsOrdered} - ${rollupSkuDays.unitsCancelled})` })
      .from(rollupSkuDays)
      .where(and(inArray(rollupSkuDays.warehouseId, anyIds), gte(rollupSkuDays.day, fromDay)))
      .groupBy(rollupSkuDays.warehouseId, rollupSkuDays.sku),
    // What came in, newest first: receipts, purchase-order receipts and transfers in.
    db
      .select({ warehouseId: stockMovements.warehouseId, sku: stockMovements.sku, at: stockMovements.createdAt, qty: stockMovements.onHandDelta })
      .from(stockMovements)
      .where(and(inArray(stockMovements.warehouseId, anyIds), inArray(stockMovements.kind, ["receive", "transfer_in"]), gt(stockMovements.onHandDelta, 0)))
      .orderBy(desc(stockMovements.createdAt), desc(stockMovements.id)),
  ]);
  const key = (w: string, s: string) => `${w}\u0000${s}`;
  const costOf = new Map(costs.map((c) => [key(c.warehouseId, c.sku), c]));
  const soldOf = new Map(sold.map((r) => [key(r.warehouseId, r.sku), Math.max(0, Number(r.units))]));
  const receiptsOf = new Map<string, { at: number; qty: number }[]>();
  for (const r of receipts) receiptsOf.set(key(r.warehouseId, r.sku), [...(receiptsOf.get(key(r.warehouseId, r.sku)) ?? []), { at: r.at, qty: r.qty }]);
  const currencyOf = new Map(visible.map((w) => [w.id, w.currency]));
  return levels
    .map((l) => ({ ...l, onHand: Number(l.onHand), reserved: Number(l.reserved) }))
    .filter((l) => l.onHand !== 0 || l.reserved !== 0)
    .sort((a, b) => byWarehouseAndSku({ warehouse_id: a.warehouseId, sku: a.sku }, { warehouse_id: b.warehouseId, sku: b.sku }))
    .map((l) => {
      const k = key(l.warehouseId, l.sku);
      const cost = costOf.get(k);
      const currency = cost?.currency ?? currencyOf.get(l.warehouseId)!;
      const perDay = (soldOf.get(k) ?? 0) / 28;
      const available = l.onHand - l.reserved;
      const [a, b, c, d] = ageBuckets(l.onHand, receiptsOf.get(k) ?? [], now);
      return {
        warehouse_id: l.warehouseId,
        sku: l.sku,
        on_hand: l.onHand,
        reserved: l.reserved,
        available,
        currency,
        avg_unit_cost: cost ? fromMinor(cost.avgUnitCost, currency) : null,
        value: cost ? fromMinor(cost.avgUnitCost * l.onHand, currency) : null,
        units_per_day: Math.round(perDay * 100) / 100,
        days_of_cover: perDay > 0 ? Math.floor(available / perDay) : null,
        age_0_30: a,
        age_31_60: b,
        age_61_90: c,
        age_over_90: d,
      };
    });
}
