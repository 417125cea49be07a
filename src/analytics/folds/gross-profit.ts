/**
 * Gross profit per SKU: the money ledger per store, local day of the entry,
 * order channel, currency and SKU (src/finance; the same days, channels and
 * currencies as the daily finance summary, folds/finance.ts). Per (store,
 * day, channel, currency) the SKU rows plus the order-level row (sku "")
 * add up, column by column, to the finance summary's row.
 *
 * Which SKU an entry's money belongs to (gross-profit-split.ts):
 * - captures, and their reversals: split over the order's SKUs by net line
 *   revenue (line totals less their part of the order discount); shipping
 *   charged and tax stay at the order level;
 * - refunds: over the SKUs the after-sales request names (by the net revenue
 *   of the units named), else like a capture;
 * - cost of goods: the SKU the entry names (written per SKU at handover);
 * - fees, shipping cost and anything else: the order level. A payment fee is
 *   charged on the payment, not on a product, so no split of it would be
 *   more than a guess.
 *
 * Why a fold and not ledger entries per SKU: the ledger records facts as the
 * payment provider and the warehouse state them, on the hot path, and never
 * changes; a split is an allocation (a policy) that is recomputed from the
 * facts whenever a bucket is, so the rule can improve without rewriting the
 * books.
 *
 * Change sources: the finance fold's (ledger entries by created_at) marks
 * every day an entry lands on. A split also reads the order's lines and
 * amounts, which an edit can change after the capture: every order change
 * marks the days of that order's captures and refunds too.
 */
import { sql } from "drizzle-orm";
import { all } from "../d1";
import { DAY_MS } from "../bucket-sql";
import { orderParts, splitOverOrder, splitOverUnits, type OrderLine } from "../gross-profit-split";
import { deleteUnitRows, inUnitTime, ledgerSum, insertJsonRows, localDayNumber, SLOT_MS, withinUnit, type Fold, type FoldUnit } from "./fold";

const at = sql`le.created_at`;
const store = sql`le.store_id`;
const PAGE = 2000;

const COLUMNS = ["store_id", "day", "channel", "currency", "sku", "units_shipped", "revenue", "refunds", "fees", "shipping", "cost_of_goods", "gross_profit"] as const;
const MEASURES = ["units_shipped", "revenue", "refunds", "fees", "shipping", "cost_of_goods", "gross_profit"] as const;
type Measure = (typeof MEASURES)[number];
type Key = { store_id: string; day_number: number; channel: string; currency: string; sku: string };

/** The entries kept whole, summed per SKU (cost of goods) or at the order level (the rest), as the finance fold sums them. */
type DirectRow = Key & Record<Exclude<Measure, "revenue" | "refunds">, number>;

/** A capture or refund to split, with what the split needs. `lines`: [sku, quantity, total] in line order; `named`: the request's lines, JSON. */
type SplitRow = Omit<Key, "sku"> & {
  id: string;
  created_at: number;
  kind: "captured" | "refunded";
  amount: number;
  discount: number;
  shipping: number;
  tax: number;
  lines: string;
  named: string | null;
};

type GrossProfitRow = Key & Record<Measure, number>;

/** Pure: adds the entries to rows per (store, day, channel, currency, sku). */
function addSplits(rows: Map<string, GrossProfitRow>, splits: readonly SplitRow[]) {
  for (const e of splits) {
    const lines = (JSON.parse(e.lines) as [string, number, number][]).map(([sku, quantity, total]): OrderLine => ({ sku, quantity, total }));
    const parts = orderParts({ lines, discount: e.discount, shipping: e.shipping, tax: e.tax });
    const named = e.kind === "refunded" && e.named ? (JSON.parse(e.named) as { sku: string; quantity: number }[]) : [];
    const split = named.length ? splitOverUnits(e.amount, parts, named) : splitOverOrder(e.amount, parts);
    const measure = e.kind === "captured" ? "revenue" : "refunds";
    for (const [sku, amount] of split) {
      const row = rowOf(rows, { store_id: e.store_id, day_number: e.day_number, channel: e.channel, currency: e.currency, sku });
      row[measure] += amount;
      row.gross_profit += amount;
    }
  }
}

function rowOf(rows: Map<string, GrossProfitRow>, k: Key): GrossProfitRow {
  const id = JSON.stringify([k.store_id, k.day_number, k.channel, k.currency, k.sku]);
  let row = rows.get(id);
  if (!row) rows.set(id, (row = { ...k, units_shipped: 0, revenue: 0, refunds: 0, fees: 0, shipping: 0, cost_of_goods: 0, gross_profit: 0 }));
  return row;
}

/** The request behind a refund (`refund:<request>`), or behind the refund a correction reverses. */
const refundRequestId = sql`(SELECT CASE WHEN k LIKE 'refund:%' THEN substr(k, 8) END
  FROM (SELECT COALESCE((SELECT x.source_key FROM ledger_entries x WHERE x.id = le.reverses), le.source_key) AS k))`;

/** Splits the unit's captures and refunds into `rows`, a page at a time: memory holds one page of entries, not the unit's. */
async function addUnitSplits(d1: D1Database, unit: FoldUnit, rows: Map<string, GrossProfitRow>): Promise<void> {
  // Keyset by (created_at, id): the ledger's time index serves the range and the order.
  let after: [number, string] = [-1, ""];
  for (;;) {
    const page = await all<SplitRow>(
      d1,
      sql`SELECT le.id AS id, le.created_at AS created_at, le.store_id AS store_id, ${localDayNumber(at)} AS day_number, o.channel AS channel, le.currency AS currency,
          le.kind AS kind, le.amount AS amount, o.discount_amount AS discount, o.shipping_amount AS shipping, o.tax_amount AS tax,
          (SELECT json_group_array(json_array(l.sku, l.quantity, l.total_amount)) FROM (SELECT * FROM order_lines l WHERE l.order_id = le.order_id ORDER BY l.line_no) l) AS lines,
          CASE WHEN le.kind = 'refunded' THEN (SELECT r.lines FROM after_sales_requests r WHERE r.id = ${refundRequestId}) END AS named
        FROM ledger_entries le ${inUnitTime(at, store)} CROSS JOIN orders o ON o.id = le.order_id
        WHERE ${withinUnit(unit, at)} AND le.kind IN ('captured', 'refunded') AND (le.created_at, le.id) > (${after[0]}, ${after[1]})
        ORDER BY le.created_at, le.id LIMIT ${PAGE}`,
    );
    addSplits(rows, page);
    if (page.length < PAGE) return;
    after = [page.at(-1)!.created_at, page.at(-1)!.id];
  }
}

export const grossProfit: Fold = {
  name: "gross-profit",
  tables: ["rollup_gross_profit_days"],
  async refold(d1, unit) {
    const rows = new Map<string, GrossProfitRow>();
    const [direct] = await Promise.all([
      all<DirectRow>(
        d1,
        sql`SELECT le.store_id AS store_id, ${localDayNumber(at)} AS day_number, o.channel AS channel, le.currency AS currency,
            CASE WHEN le.kind = 'cost_of_goods' THEN COALESCE(le.sku, '') ELSE '' END AS sku,
            SUM(CASE WHEN le.kind = 'cost_of_goods' THEN COALESCE(le.quantity, 0) ELSE 0 END) AS units_shipped,
            ${ledgerSum("payment_fee", "platform_fee")} AS fees,
            ${ledgerSum("shipping_cost")} AS shipping,
            ${ledgerSum("cost_of_goods")} AS cost_of_goods,
            SUM(le.amount) AS gross_profit
          FROM ledger_entries le ${inUnitTime(at, store)} CROSS JOIN orders o ON o.id = le.order_id
          WHERE ${withinUnit(unit, at)} AND le.kind NOT IN ('captured', 'refunded', 'authorised')
          GROUP BY le.store_id, day_number, o.channel, le.currency, 5`,
      ),
      addUnitSplits(d1, unit, rows),
    ]);
    for (const d of direct) {
      const row = rowOf(rows, d);
      for (const m of ["units_shipped", "fees", "shipping", "cost_of_goods", "gross_profit"] as const) row[m] += d[m];
    }
    const values = [...rows.values()].map((r) => [
      r.store_id,
      new Date(r.day_number * DAY_MS).toISOString().slice(0, 10),
      r.channel,
      r.currency,
      r.sku,
      ...MEASURES.map((m) => r[m]),
    ]);
    return [deleteUnitRows(d1, "rollup_gross_profit_days", unit), ...insertJsonRows(d1, "rollup_gross_profit_days", COLUMNS, values, unit.guard)];
  },
  changedSlots(from, to) {
    return sql`SELECT le.store_id AS store_id, le.created_at / ${SLOT_MS} AS slot
      FROM orders o JOIN ledger_entries le ON le.order_id = o.id
      WHERE o.updated_at > ${from} AND o.updated_at <= ${to} AND le.kind IN ('captured', 'refunded')`;
  },
  earliestAt: sql`SELECT MIN(created_at) AS t FROM ledger_entries`,
};
