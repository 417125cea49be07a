/**
 * The money ledger per store, local day of the entry, order channel and
 * currency (src/finance): revenue (captures), refunds, fees, shipping, cost
 * of goods and gross profit, never summed across currencies. An entry counts
 * on the day it was recorded: the ledger never changes, so neither does a
 * past day, unless a correction is recorded (on its own day).
 *
 * Ledger entries do not bump orders.updated_at (a label, a handover or a
 * settlement's fees write them without an order change): they are their own
 * change source, by created_at.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { dayOfNumberSql } from "../bucket-sql";
import { deleteUnitRows, inUnitTime, ledgerSum, localDayNumber, SLOT_MS, withinUnit, type Fold } from "./fold";

const at = sql`le.created_at`;
const store = sql`le.store_id`;

export const finance: Fold = {
  name: "finance",
  tables: ["rollup_finance_days"],
  async refold(d1, unit) {
    return [
      deleteUnitRows(d1, "rollup_finance_days", unit),
      statement(
        d1,
        sql`INSERT INTO rollup_finance_days (store_id, day, channel, currency, orders, revenue, refunds, fees, shipping, cost_of_goods, gross_profit)
        SELECT store_id, ${dayOfNumberSql(sql`day_number`)}, channel, currency, orders, revenue, refunds, fees, shipping, cost_of_goods, gross_profit
        FROM (
          SELECT le.store_id AS store_id, ${localDayNumber(at)} AS day_number, o.channel AS channel, le.currency AS currency,
            COUNT(DISTINCT le.order_id) AS orders,
            ${ledgerSum("captured")} AS revenue,
            ${ledgerSum("refunded")} AS refunds,
            ${ledgerSum("payment_fee", "platform_fee")} AS fees,
            ${ledgerSum("shipping_cost")} AS shipping,
            ${ledgerSum("cost_of_goods")} AS cost_of_goods,
            SUM(CASE WHEN le.kind <> 'authorised' THEN le.amount ELSE 0 END) AS gross_profit
          FROM ledger_entries le ${inUnitTime(at, store)} CROSS JOIN orders o ON o.id = le.order_id
          WHERE ${withinUnit(unit, at)}
          GROUP BY le.store_id, day_number, o.channel, le.currency
        )
        WHERE ${unit.guard}`,
      ),
    ];
  },
  changedSlots(from, to) {
    return sql`SELECT le.store_id AS store_id, le.created_at / ${SLOT_MS} AS slot FROM ledger_entries le WHERE le.created_at > ${from} AND le.created_at <= ${to}`;
  },
  earliestAt: sql`SELECT MIN(created_at) AS t FROM ledger_entries`,
};
