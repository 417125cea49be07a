/**
 * Holds, rejections and cancellations per local day and the reason given.
 * The reason is the text given with the event (typed by staff, or the
 * audit's summary of its findings); the audit's reason codes are counted
 * alongside, per code and outcome, by audit-findings.ts.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { dayOfNumberSql } from "../bucket-sql";
import { deleteUnitRows, type Fold } from "./fold";
import { UNIT_EVENTS } from "./unit-events";

/** Long free-text reasons are cut: the rollup groups by reason, the full text stays in order_events. */
export const REASON_MAX = 200;

export const holdReasons: Fold = {
  name: "hold-reasons",
  tables: ["rollup_reason_days"],
  async refold(d1, unit) {
    return [
      deleteUnitRows(d1, "rollup_reason_days", unit),
      statement(
        d1,
        sql`INSERT INTO rollup_reason_days (store_id, day, event, reason, count)
        SELECT store_id, ${dayOfNumberSql(sql`day_number`)}, event, reason, n
        FROM (
          SELECT e.store_id AS store_id, e.day_number AS day_number, e.type AS event,
            substr(COALESCE(e.reason, ''), 1, ${sql.raw(String(REASON_MAX))}) AS reason, COUNT(*) AS n
          FROM ${UNIT_EVENTS}
          WHERE e.type IN ('hold', 'reject', 'cancel')
          GROUP BY e.store_id, e.day_number, e.type, reason
        )
        WHERE ${unit.guard}`,
      ),
    ];
  },
};
