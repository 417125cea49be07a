/** The stock report's valuation per warehouse above its rows, and the warehouse filter it is read by. */
import { count, money } from "../format";
import type { Lang } from "../i18n";
import type { InsightsText } from "./text";
import { type StockRow, valuationByWarehouse } from "./valuation";
import { DataTable } from "./view";

export function Valuation({ rows, warehouses, lang, tx }: { rows: readonly StockRow[]; warehouses: Map<string, string>; lang: Lang; tx: InsightsText }) {
  const totals = valuationByWarehouse(rows);
  if (!totals.length) return null;
  return (
    <section aria-labelledby="valuation-h" class="card valuation" id="valuation">
      <h2 id="valuation-h">{tx.valuation_title}</h2>
      <p class="hint">{tx.valuation_hint}</p>
      <DataTable
        head={[
          { label: tx.valuation_warehouse },
          { label: tx.valuation_skus, num: true },
          { label: tx.valuation_units, num: true },
          { label: tx.valuation_value, num: true },
          { label: tx.valuation_unvalued, num: true },
        ]}
        rows={totals.map((w) => [
          warehouses.get(w.warehouse_id) ?? w.warehouse_id,
          count(w.skus, lang),
          count(w.units, lang),
          <strong data-valuation={w.warehouse_id}>{money(w.value, w.currency, lang)}</strong>,
          count(w.unvalued_units, lang),
        ])}
        empty=""
        caption={tx.valuation_title}
      />
    </section>
  );
}

export function WarehouseSelect(props: { id: string; name: string; anyLabel: string; warehouses: Map<string, string>; selected: string }) {
  const { selected, warehouses } = props;
  return (
    <select id={props.id} name={props.name}>
      <option value="">{props.anyLabel}</option>
      {[...warehouses].map(([id, name]) => (
        <option value={id} selected={id === selected}>
          {name}
        </option>
      ))}
      {selected && !warehouses.has(selected) ? (
        <option value={selected} selected>
          {selected}
        </option>
      ) : null}
    </select>
  );
}
