/**
 * Replenishment, pure: for one SKU in one warehouse, whether to order (or
 * move stock from a warehouse with more than it needs), how much, and why,
 * in words and numbers. src/procurement/replenishment.ts reads the facts.
 *
 * - velocity: units sold per day over the window (orders allocated to this
 *   warehouse, cancellations taken off), from the daily rollups;
 * - safety stock: velocity x safety days, rounded up;
 * - reorder point: velocity x lead time (the supplier's), rounded up, plus
 *   the safety stock;
 * - stock position: available (on hand - reserved) + on order (open
 *   purchase orders to this warehouse, less what arrived) - backordered
 *   (orders of the store waiting for the SKU);
 * - at or below the reorder point: order up to the reorder point plus
 *   `cover` days of sales, in the supplier's minimum and whole packs; or, when
 *   another warehouse holds more than its own reorder point plus cover, move
 *   the need from the one with the most.
 */

export type ReplenishmentParams = {
  /** Days of sales history the velocity is taken over. */
  windowDays: number;
  /** Days of sales kept as safety stock. */
  safetyDays: number;
  /** Days of sales an order should cover once it arrives. */
  coverDays: number;
};

export const DEFAULT_PARAMS: ReplenishmentParams = { windowDays: 28, safetyDays: 7, coverDays: 14 };

export type SupplierTerms = { supplierId: string; supplierName: string; leadTimeDays: number; minOrderQty: number; packSize: number };

export type SkuFacts = {
  sku: string;
  /** Units sold in this warehouse over the window. */
  unitsSold: number;
  onHand: number;
  reserved: number;
  onOrder: number;
  backordered: number;
  supplier: SupplierTerms | null;
  /** Other warehouses of the store: what each has available and sold over the window. */
  elsewhere: { warehouseId: string; available: number; unitsSold: number }[];
};

export type Suggestion = {
  sku: string;
  action: "none" | "order" | "transfer" | "no_supplier";
  quantity: number;
  velocity: number;
  safetyStock: number;
  reorderPoint: number;
  position: number;
  target: number;
  available: number;
  onOrder: number;
  backordered: number;
  leadTimeDays: number | null;
  supplier: SupplierTerms | null;
  transferFrom: string | null;
  /** Why, in words, with the numbers. */
  explanation: string;
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/** `quantity` raised to the supplier's minimum and then to whole packs. Pure. */
export function roundToTerms(quantity: number, terms: Pick<SupplierTerms, "minOrderQty" | "packSize"> | null): number {
  if (quantity <= 0) return 0;
  if (!terms) return quantity;
  const atLeast = Math.max(quantity, terms.minOrderQty);
  return Math.ceil(atLeast / terms.packSize) * terms.packSize;
}

/** "1 day", "10 days"; with `'s` for "1 day's lead time", "10 days' lead time". */
const days = (n: number) => (n === 1 ? "1 day" : `${n} days`);
const daysOf = (n: number) => (n === 1 ? "1 day's" : `${n} days'`);

export function suggest(f: SkuFacts, p: ReplenishmentParams = DEFAULT_PARAMS): Suggestion {
  const velocity = f.unitsSold / p.windowDays;
  const lead = f.supplier?.leadTimeDays ?? null;
  const safetyStock = Math.ceil(velocity * p.safetyDays);
  const reorderPoint = Math.ceil(velocity * (lead ?? 0)) + safetyStock;
  const available = f.onHand - f.reserved;
  const position = available + f.onOrder - f.backordered;
  const target = reorderPoint + Math.ceil(velocity * p.coverDays);
  const base = {
    sku: f.sku,
    velocity: round2(velocity),
    safetyStock,
    reorderPoint,
    position,
    target,
    available,
    onOrder: f.onOrder,
    backordered: f.backordered,
    leadTimeDays: lead,
    supplier: f.supplier,
  };
  const sells = `sells ${round2(velocity)}/day (${f.unitsSold} in ${days(p.windowDays)})`;
  const pos = `position ${position} = available ${available} + on order ${f.onOrder} - backordered ${f.backordered}`;
  const needsAny = velocity > 0 || f.backordered > 0;
  if (!needsAny || position > reorderPoint || (velocity === 0 && position >= 0)) {
    return {
      ...base,
      action: "none",
      quantity: 0,
      transferFrom: null,
      explanation:
        velocity === 0 && f.backordered === 0
          ? `no sales in ${days(p.windowDays)} and nothing backordered: nothing to order`
          : `${sells}; ${pos} is above the reorder point ${reorderPoint}: nothing to order yet`,
    };
  }
  const need = Math.max(target - position, f.backordered > 0 ? -position : 0, 1);
  const rop =
    lead === null ? `safety stock ${safetyStock} (${days(p.safetyDays)})` : `reorder point ${reorderPoint} = ${daysOf(lead)} lead time + ${daysOf(p.safetyDays)} safety stock`;
  const why = `${sells}; ${pos}, at or below the ${rop}`;
  // Another warehouse holding more than it needs itself (its own reorder point and cover) moves stock faster than a supplier.
  const surplusOf = (w: SkuFacts["elsewhere"][number]) => {
    const v = w.unitsSold / p.windowDays;
    return w.available - Math.ceil(v * ((lead ?? 0) + p.safetyDays + p.coverDays));
  };
  const donor = [...f.elsewhere].map((w) => ({ w, surplus: surplusOf(w) })).sort((a, b) => b.surplus - a.surplus || a.w.warehouseId.localeCompare(b.w.warehouseId))[0];
  if (donor && donor.surplus >= need) {
    return {
      ...base,
      action: "transfer",
      quantity: need,
      transferFrom: donor.w.warehouseId,
      explanation: `${why}; ${donor.w.warehouseId} has ${donor.surplus} more than it needs: move ${need} to reach ${target} (${daysOf(p.coverDays)} cover past the reorder point)`,
    };
  }
  if (!f.supplier) {
    return { ...base, action: "no_supplier", quantity: need, transferFrom: null, explanation: `${why}; needs ${need}, but no active supplier lists it` };
  }
  const quantity = roundToTerms(need, f.supplier);
  const terms = quantity !== need ? ` (${need} rounded up to the minimum ${f.supplier.minOrderQty} and packs of ${f.supplier.packSize})` : "";
  return {
    ...base,
    action: "order",
    quantity,
    transferFrom: null,
    explanation: `${why}; order ${quantity} from ${f.supplier.supplierName}${terms} to reach ${target} (${daysOf(p.coverDays)} cover past the reorder point)`,
  };
}
