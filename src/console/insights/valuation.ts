/**
 * Inventory valuation per warehouse from the stock report's rows: the value
 * on hand at moving-average cost, added up per warehouse in its currency
 * (a warehouse keeps its costs in one currency; money is never added across
 * currencies). Amounts are decimal strings, added exactly in ten-thousandths
 * (every ISO 4217 minor unit fits). Units without a cost yet are counted
 * apart, not valued at zero in silence. Pure.
 */
export type StockRow = { warehouse_id: string; currency: string; on_hand: number; value: string | null };
export type WarehouseValue = { warehouse_id: string; currency: string; skus: number; units: number; value: string; unvalued_units: number };

const SCALE = 10_000;

/** "12.5" -> 125000; "-0.03" -> -300. */
function toScaled(amount: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(amount.trim());
  if (!m) throw new Error(`not an amount: ${amount}`);
  const n = Number(m[2]) * SCALE + Number((m[3] ?? "").padEnd(4, "0"));
  return m[1] ? -n : n;
}

function fromScaled(n: number): string {
  const sign = n < 0 ? "-" : "";
  const a = Math.abs(n);
  return `${sign}${Math.floor(a / SCALE)}.${String(a % SCALE).padStart(4, "0")}`;
}

export function valuationByWarehouse(rows: readonly StockRow[]): WarehouseValue[] {
  const by = new Map<string, { warehouse_id: string; currency: string; skus: number; units: number; scaled: number; unvalued_units: number }>();
  for (const r of rows) {
    const key = `${r.warehouse_id}\u0000${r.currency}`;
    const w = by.get(key) ?? { warehouse_id: r.warehouse_id, currency: r.currency, skus: 0, units: 0, scaled: 0, unvalued_units: 0 };
    w.skus += 1;
    w.units += r.on_hand;
    if (r.value === null) w.unvalued_units += r.on_hand;
    else w.scaled += toScaled(r.value);
    by.set(key, w);
  }
  return [...by.values()].map(({ scaled, ...w }) => ({ ...w, value: fromScaled(scaled) }));
}
