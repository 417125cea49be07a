/**
 * Splitting an order's money over its SKUs, for gross profit per SKU. A
 * capture and most refunds are for the whole order, so the ledger cannot say
 * how much of them each SKU earned; these pure rules do, exactly, in the
 * currency's minor units.
 *
 * Invariants:
 * - the parts of a split add up exactly to the amount split (largest
 *   remainder: every part gets the floor of its share, and the units left
 *   over go one each to the largest fractional remainders, ties to the
 *   earlier part), so per-SKU rows plus the order-level row reconcile to the
 *   cent (yen, fils) with the ledger and the daily finance summary;
 * - a SKU's share of an order is its net line revenue: its line totals less
 *   its pro-rata part of the order-level discount;
 * - what is not earned by a SKU (shipping charged to the customer, tax, and
 *   a discount larger than the lines) is the order-level part, `ORDER_LEVEL`;
 * - splitting -x gives the negation of splitting x, so a reversal undoes
 *   exactly what the entry it reverses did.
 */

/** The key of the order-level part: shipping charged, tax, fees, shipping cost, anything not earned by one SKU. */
export const ORDER_LEVEL = "";

/**
 * Splits `amount` (an integer, any sign) in proportion to `weights`
 * (non-negative integers, not all zero), by the largest remainder. BigInt
 * throughout: amount × weight may pass 2^53.
 */
export function largestRemainder(amount: number, weights: readonly bigint[]): number[] {
  if (!Number.isSafeInteger(amount)) throw new Error(`not an integer amount: ${amount}`);
  if (weights.some((w) => w < 0n)) throw new Error("negative weight");
  const total = weights.reduce((s, w) => s + w, 0n);
  if (total === 0n) throw new Error("nothing to split over");
  const whole = BigInt(Math.abs(amount));
  const floors = weights.map((w) => (whole * w) / total);
  let left = whole - floors.reduce((s, f) => s + f, 0n);
  const order = weights.map((w, i) => ({ i, rem: (whole * w) % total })).sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    floors[i]! += 1n;
    left -= 1n;
  }
  const sign = amount < 0 ? -1 : 1;
  return floors.map((f) => sign * Number(f) || 0);
}

export type OrderLine = { sku: string; quantity: number; total: number };
export type OrderAmounts = { lines: readonly OrderLine[]; discount: number; shipping: number; tax: number };

/** An order as SKU parts: net line revenue and units per SKU (in first-line order), and the order-level part. The parts add up to the order's total. */
export type OrderParts = { skus: { sku: string; net: number; units: number }[]; orderLevel: number };

/**
 * total = subtotal + shipping + tax − discount (src/orders/build-order.ts).
 * The discount is taken off the lines pro rata to their totals, up to the
 * subtotal; what a discount takes beyond the lines (free shipping, say) is
 * taken off the order-level part.
 */
export function orderParts(o: OrderAmounts): OrderParts {
  const lines = o.lines.map((l) => ({ ...l, total: Math.max(0, l.total) }));
  const subtotal = lines.reduce((s, l) => s + l.total, 0);
  const onLines = Math.min(Math.max(0, o.discount), subtotal);
  const cuts =
    onLines > 0
      ? largestRemainder(
          onLines,
          lines.map((l) => BigInt(l.total)),
        )
      : lines.map(() => 0);
  const bySku = new Map<string, { sku: string; net: number; units: number }>();
  lines.forEach((l, i) => {
    const part = bySku.get(l.sku) ?? { sku: l.sku, net: 0, units: 0 };
    part.net += l.total - cuts[i]!;
    part.units += l.quantity;
    bySku.set(l.sku, part);
  });
  return { skus: [...bySku.values()], orderLevel: o.shipping + o.tax - (Math.max(0, o.discount) - onLines) };
}

/**
 * A whole-order amount (a capture, a refund that names no lines) split over
 * the order's parts in proportion to them. An order whose parts are all
 * zero (free, or unknown) keeps the amount at the order level.
 */
export function splitOverOrder(amount: number, parts: OrderParts): Map<string, number> {
  const keys = [...parts.skus.map((s) => s.sku), ORDER_LEVEL];
  const weights = [...parts.skus.map((s) => BigInt(Math.max(0, s.net))), BigInt(Math.max(0, parts.orderLevel))];
  return collect(keys, weights, amount);
}

/**
 * A refund that names the units it is for: split over those SKUs in
 * proportion to the net revenue of the units named (a SKU's net per unit ×
 * units named, capped at the units ordered). Named SKUs the order does not
 * hold are ignored; when nothing named carries revenue, the refund is split
 * over the whole order.
 */
export function splitOverUnits(amount: number, parts: OrderParts, named: readonly { sku: string; quantity: number }[]): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const n of named) wanted.set(n.sku, (wanted.get(n.sku) ?? 0) + Math.max(0, Math.trunc(n.quantity)));
  const hit = parts.skus.filter((s) => s.units > 0 && s.net > 0 && (wanted.get(s.sku) ?? 0) > 0);
  if (!hit.length) return splitOverOrder(amount, parts);
  // net_i × named_i / units_i as integers over a common denominator: multiply each by the other SKUs' units.
  const allUnits = hit.reduce((p, s) => p * BigInt(s.units), 1n);
  const weights = hit.map((s) => (BigInt(s.net) * BigInt(Math.min(wanted.get(s.sku)!, s.units)) * allUnits) / BigInt(s.units));
  return collect(
    hit.map((s) => s.sku),
    weights,
    amount,
  );
}

function collect(keys: readonly string[], weights: readonly bigint[], amount: number): Map<string, number> {
  if (weights.every((w) => w === 0n)) return new Map([[ORDER_LEVEL, amount]]);
  const shares = largestRemainder(amount, weights);
  const out = new Map<string, number>();
  keys.forEach((k, i) => {
    if (shares[i] !== 0) out.set(k, (out.get(k) ?? 0) + shares[i]!);
  });
  if (out.size === 0) out.set(ORDER_LEVEL, amount);
  return out;
}
