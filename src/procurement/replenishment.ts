/**
 * Replenishment for one store's SKUs in one warehouse: the facts each
 * suggestion needs, read in one round trip, decided by ./replenishment-rules.ts;
 * and the suggestions to order turned into draft purchase orders, one per
 * supplier, in one action.
 *
 * Sales come from the daily SKU rollups (src/analytics), so a suggestion is
 * as fresh as the last rollup (every five minutes in production).
 */
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { database } from "../db/client";
import {
  allocations,
  orderLines,
  orders,
  products,
  purchaseOrderLines,
  purchaseOrders,
  rollupSkuDays,
  stockLevels,
  stockTransferLines,
  stockTransfers,
  supplierItems,
  suppliers,
} from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { servesAnyOf } from "../inventory/warehouse-stores";
import { rankWarehouses } from "../fulfilment/default-allocation-policy";
import { candidatesQuery, policyOf, policyQuery } from "../fulfilment/plan-allocation";
import type { CandidateWarehouse, RoutingPolicy } from "../fulfilment/routing-policy";
import { createPurchaseOrder } from "./purchase-orders";
import { type ReplenishmentParams, type SkuFacts, type Suggestion, type SupplierTerms, suggest } from "./replenishment-rules";

const DAY_MS = 86_400_000;

/** The preferred supplier of each SKU, else the one with the shortest lead time (then the cheaper, then by id). */
function termsBySku(
  rows: readonly {
    sku: string;
    supplierId: string;
    supplierName: string;
    itemLead: number | null;
    supplierLead: number;
    minOrderQty: number;
    packSize: number;
    unitCost: number;
    preferred: boolean;
  }[],
) {
  const out = new Map<string, SupplierTerms & { unitCost: number; preferred: boolean }>();
  for (const r of rows) {
    const t = {
      supplierId: r.supplierId,
      supplierName: r.supplierName,
      leadTimeDays: r.itemLead ?? r.supplierLead,
      minOrderQty: r.minOrderQty,
      packSize: r.packSize,
      unitCost: r.unitCost,
      preferred: r.preferred,
    };
    const best = out.get(r.sku);
    const better =
      !best ||
      (t.preferred && !best.preferred) ||
      (t.preferred === best.preferred &&
        (t.leadTimeDays < best.leadTimeDays ||
          (t.leadTimeDays === best.leadTimeDays && (t.unitCost < best.unitCost || (t.unitCost === best.unitCost && t.supplierId < best.supplierId)))));
    if (better) out.set(r.sku, t);
  }
  return out;
}

/**
 * The units of the store's backordered orders this warehouse should cover: each order counts at the first own,
 * active warehouse its destination ranks under the store's routing policy (where allocation will look first),
 * so two warehouses never both plan for the same waiting order.
 */
function backordersHere(
  waiting: { orderId: string; sku: string; units: number; address: { country: string; region?: string | null | undefined } }[],
  policy: RoutingPolicy,
  candidates: CandidateWarehouse[],
  warehouseId: string,
): Map<string, number> {
  const own = new Set(candidates.filter((w) => w.kind === "own" && w.active).map((w) => w.id));
  const homeOf = new Map<string, string | undefined>();
  const out = new Map<string, number>();
  for (const w of waiting) {
    if (!homeOf.has(w.orderId)) {
      const dest = { country: w.address.country, region: w.address.region ?? null };
      homeOf.set(
        w.orderId,
        rankWarehouses(policy, dest, candidates).order.find((id) => own.has(id)),
      );
    }
    if (homeOf.get(w.orderId) === warehouseId) out.set(w.sku, (out.get(w.sku) ?? 0) + Number(w.units));
  }
  return out;
}

export type ReplenishmentResult =
  | { ok: true; suggestions: (Suggestion & { name: string; onHand: number; reserved: number; inTransit: number })[] }
  | { ok: false; field: string; message: string };

export async function replenishment(
  env: ShardEnv,
  p: Principal,
  q: { storeId: string; warehouseId: string; params: ReplenishmentParams; now?: number },
): Promise<ReplenishmentResult> {
  const db = database(env);
  const now = q.now ?? Date.now();
  const fromDay = new Date(now - q.params.windowDays * DAY_MS).toISOString().slice(0, 10);
  const storeSkus = db
    .select({ sku: products.sku })
    .from(products)
    .where(and(eq(products.storeId, q.storeId), eq(products.type, "goods")));
  const [whRows, policyRows, catalogue, sold, stock, onOrder, inTransit, waiting, terms] = await db.batch([
    candidatesQuery(db),
    policyQuery(db, q.storeId),
    db
      .select({ sku: products.sku, name: products.name })
      .from(products)
      .where(and(eq(products.storeId, q.storeId), eq(products.type, "goods"), eq(products.active, true))),
    db
      .select({ warehouseId: rollupSkuDays.warehouseId, sku: rollupSkuDays.sku, units: sql<number>`SUM(${rollupSkuDays.unitsOrdered} - ${rollupSkuDays.unitsCancelled})` })
      .from(rollupSkuDays)
      .where(and(eq(rollupSkuDays.storeId, q.storeId), gte(rollupSkuDays.day, fromDay)))
      .groupBy(rollupSkuDays.warehouseId, rollupSkuDays.sku),
    db
      .select({ warehouseId: stockLevels.warehouseId, sku: stockLevels.sku, onHand: sql<number>`SUM(${stockLevels.onHand})`, reserved: sql<number>`SUM(${stockLevels.reserved})` })
      .from(stockLevels)
      .where(inArray(stockLevels.sku, storeSkus))
      .groupBy(stockLevels.warehouseId, stockLevels.sku),
    db
      .select({ sku: purchaseOrderLines.sku, units: sql<number>`SUM(MAX(${purchaseOrderLines.quantity} - ${purchaseOrderLines.receivedQty}, 0))` })
      .from(purchaseOrderLines)
      .innerJoin(purchaseOrders, eq(purchaseOrders.id, purchaseOrderLines.purchaseOrderId))
      .where(and(eq(purchaseOrders.warehouseId, q.warehouseId), inArray(purchaseOrders.status, ["draft", "submitted", "partially_received"])))
      .groupBy(purchaseOrderLines.sku),
    // Stock on its way here from another of our warehouses counts as on order too.
    db
      .select({ sku: stockTransferLines.sku, units: sql<number>`SUM(${stockTransferLines.quantity} - ${stockTransferLines.receivedQty})` })
      .from(stockTransferLines)
      .innerJoin(stockTransfers, eq(stockTransfers.id, stockTransferLines.transferId))
      .where(and(eq(stockTransfers.toWarehouseId, q.warehouseId), inArray(stockTransfers.status, ["in_transit", "partially_received"])))
      .groupBy(stockTransferLines.sku),
    // Each waiting order with where it ships to: it is counted at the warehouse the store's routing tries first.
    db
      .select({ orderId: allocations.orderId, sku: orderLines.sku, units: orderLines.quantity, address: orders.shippingAddress })
      .from(allocations)
      .innerJoin(orderLines, eq(orderLines.orderId, allocations.orderId))
      .innerJoin(orders, eq(orders.id, allocations.orderId))
      .where(and(eq(allocations.status, "backordered"), eq(allocations.storeId, q.storeId), eq(orderLines.type, "goods"))),
    // Aliased: in a batch, columns are keyed by name, and both tables have a lead time.
    db
      .select({
        sku: supplierItems.sku,
        supplierId: supplierItems.supplierId,
        supplierName: sql<string>`${suppliers.name}`.as("supplier_name"),
        itemLead: sql<number | null>`${supplierItems.leadTimeDays}`.as("item_lead"),
        supplierLead: sql<number>`${suppliers.leadTimeDays}`.as("supplier_lead"),
        minOrderQty: supplierItems.minOrderQty,
        packSize: supplierItems.packSize,
        unitCost: supplierItems.unitCost,
        preferred: sql<number>`${supplierItems.preferred}`.as("item_preferred"),
      })
      .from(supplierItems)
      .innerJoin(suppliers, eq(suppliers.id, supplierItems.supplierId))
      .where(and(eq(suppliers.storeId, q.storeId), eq(suppliers.active, true))),
  ]);
  const wh = whRows.find((w) => w.id === q.warehouseId);
  if (!wh || !servesAnyOf(wh.storeIds, p.stores) || !servesAnyOf(wh.storeIds, [q.storeId]) || (p.warehouses !== "*" && !p.warehouses.includes(wh.id))) {
    return { ok: false, field: "warehouse_id", message: "no such warehouse of this store" };
  }
  // Other own, active warehouses of the store can give stock (a 3PL's stock moves by its own process).
  const others = whRows.filter((w) => w.id !== wh.id && w.kind === "own" && w.active && servesAnyOf(w.storeIds, [q.storeId])).map((w) => w.id);
  const key = (w: string, s: string) => `${w}\u0000${s}`;
  const soldAt = new Map(sold.map((r) => [key(r.warehouseId, r.sku), Math.max(0, Number(r.units))]));
  const stockAt = new Map(stock.map((r) => [key(r.warehouseId, r.sku), { onHand: Number(r.onHand), reserved: Number(r.reserved) }]));
  const onOrderOf = new Map(onOrder.map((r) => [r.sku, Number(r.units)]));
  const inTransitOf = new Map(inTransit.map((r) => [r.sku, Number(r.units)]));
  for (const [sku, units] of inTransitOf) onOrderOf.set(sku, (onOrderOf.get(sku) ?? 0) + units);
  const backorderedOf = backordersHere(
    waiting,
    policyOf(policyRows[0]).policy,
    whRows.filter((w) => servesAnyOf(w.storeIds, [q.storeId])),
    wh.id,
  );
  const supplierOf = termsBySku(terms.map((t) => ({ ...t, preferred: Boolean(t.preferred) })));
  const suggestions = catalogue.map((product) => {
    const here = stockAt.get(key(wh.id, product.sku)) ?? { onHand: 0, reserved: 0 };
    const t = supplierOf.get(product.sku);
    const facts: SkuFacts = {
      sku: product.sku,
      unitsSold: soldAt.get(key(wh.id, product.sku)) ?? 0,
      onHand: here.onHand,
      reserved: here.reserved,
      onOrder: onOrderOf.get(product.sku) ?? 0,
      backordered: backorderedOf.get(product.sku) ?? 0,
      supplier: t ? { supplierId: t.supplierId, supplierName: t.supplierName, leadTimeDays: t.leadTimeDays, minOrderQty: t.minOrderQty, packSize: t.packSize } : null,
      elsewhere: others.map((w) => {
        const s = stockAt.get(key(w, product.sku)) ?? { onHand: 0, reserved: 0 };
        return { warehouseId: w, available: s.onHand - s.reserved, unitsSold: soldAt.get(key(w, product.sku)) ?? 0 };
      }),
    };
    return { ...suggest(facts, q.params), name: product.name, onHand: here.onHand, reserved: here.reserved, inTransit: inTransitOf.get(product.sku) ?? 0 };
  });
  return { ok: true, suggestions: suggestions.sort((a, b) => a.sku.localeCompare(b.sku)) };
}

export type DraftsResult =
  | { ok: true; created: { id: string; supplierId: string; skus: string[] }[]; skipped: { sku: string; action: string; reason: string }[] }
  | { ok: false; field: string; message: string }
  | { ok: false; errors: { field: string; message: string }[] };

/**
 * Draft purchase orders for the suggestions to order (of `skus` when given), one per supplier, at the suppliers'
 * prices. Transfers and SKUs without a supplier are listed as skipped, with why.
 */
export async function draftsFromSuggestions(
  env: ShardEnv,
  p: Principal,
  q: { storeId: string; warehouseId: string; params: ReplenishmentParams; skus?: string[] | undefined },
  actor: string,
): Promise<DraftsResult> {
  const r = await replenishment(env, p, q);
  if (!r.ok) return r;
  const wanted = q.skus ? new Set(q.skus) : null;
  const chosen = r.suggestions.filter((s) => s.action !== "none" && (!wanted || wanted.has(s.sku)));
  const skipped = chosen
    .filter((s) => s.action !== "order")
    .map((s) => ({ sku: s.sku, action: s.action, reason: s.action === "transfer" ? `move ${s.quantity} from ${s.transferFrom} instead` : "no active supplier lists it" }));
  const bySupplier = new Map<string, Suggestion[]>();
  for (const s of chosen.filter((x) => x.action === "order")) bySupplier.set(s.supplier!.supplierId, [...(bySupplier.get(s.supplier!.supplierId) ?? []), s]);
  const created: { id: string; supplierId: string; skus: string[] }[] = [];
  for (const [supplierId, lines] of bySupplier) {
    const made = await createPurchaseOrder(
      env,
      p,
      { supplier_id: supplierId, warehouse_id: q.warehouseId, note: "from replenishment suggestions", lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) },
      actor,
    );
    // One supplier's refusal (deactivated a moment ago, say) does not undo the drafts already made: it is told
    // beside them, per SKU, so the buyer sees what was drafted and what was not.
    if (made.ok) created.push({ id: made.id, supplierId, skus: lines.map((l) => l.sku) });
    else {
      const why = made.errors.map((e) => `${e.field} ${e.message}`).join("; ");
      skipped.push(...lines.map((l) => ({ sku: l.sku, action: l.action, reason: `not drafted for ${supplierId}: ${why}` })));
    }
  }
  return { ok: true, created, skipped };
}
