/**
 * Audit findings per reason code, per local day of the audit: every
 * audit_results row (approve, hold, reject or wait) counted under each code
 * its findings carry, with the finding's severity; `audits` counts an audit
 * once per code however often it raised it, `findings` every finding. An
 * audit that found nothing is counted under code "". The free-text reasons
 * staff give stay in the hold-reasons fold; this is where the rule codes are.
 *
 * Audit results only grow. They are written with the order's transition,
 * but stamped when the audit started, which may be another slot than the
 * event's: they are their own change source.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { dayOfNumberSql } from "../bucket-sql";
import { deleteUnitRows, inUnitTime, localDayNumber, SLOT_MS, withinUnit, type Fold } from "./fold";

const at = sql`a.created_at`;
const store = sql`o.store_id`;

export const auditFindings: Fold = {
  name: "audit-findings",
  tables: ["rollup_audit_days"],
  async refold(d1, unit) {
    return [
      deleteUnitRows(d1, "rollup_audit_days", unit),
      statement(
        d1,
        sql`INSERT INTO rollup_audit_days (store_id, day, outcome, code, severity, audits, findings)
        SELECT store_id, ${dayOfNumberSql(sql`day_number`)}, outcome, code, severity, COUNT(DISTINCT audit_id), SUM(found)
        FROM (
          SELECT o.store_id AS store_id, ${localDayNumber(at)} AS day_number, a.outcome AS outcome, a.id AS audit_id,
            COALESCE(json_extract(f.value, '$.code'), '') AS code, COALESCE(json_extract(f.value, '$.severity'), '') AS severity,
            f.key IS NOT NULL AS found
          FROM audit_results a CROSS JOIN orders o ON o.id = a.order_id ${inUnitTime(at, store)} LEFT JOIN json_each(a.findings) f
          WHERE ${withinUnit(unit, at)}
        )
        WHERE ${unit.guard}
        GROUP BY store_id, day_number, outcome, code, severity`,
      ),
    ];
  },
  changedSlots(from, to) {
    return sql`SELECT o.store_id AS store_id, a.created_at / ${SLOT_MS} AS slot
      FROM audit_results a CROSS JOIN orders o ON o.id = a.order_id
      WHERE a.created_at > ${from} AND a.created_at <= ${to}`;
  },
  earliestAt: sql`SELECT MIN(created_at) AS t FROM audit_results`,
};
