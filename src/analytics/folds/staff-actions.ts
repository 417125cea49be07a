/**
 * What each person did per day, per action: the order events they fired
 * (approve, hold and reject are the audit decisions), with latency = how
 * long the order had been waiting in its previous state when they acted.
 * The actor is the API key; its role comes from api_keys ("admin" for the
 * bootstrap key, "system" for actors that are not keys).
 *
 * The warehouse floor's work (picks, packs, scan mismatches, weighing
 * overrides) is folded apart, per warehouse: floor-work.ts.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { dayOfNumberSql } from "../bucket-sql";
import { actorRoleSql, deleteUnitRows, type Fold } from "./fold";
import { UNIT_EVENTS } from "./unit-events";

export const staffActions: Fold = {
  name: "staff-actions",
  tables: ["rollup_staff_days"],
  async refold(d1, unit) {
    return [
      deleteUnitRows(d1, "rollup_staff_days", unit),
      statement(
        d1,
        sql`INSERT INTO rollup_staff_days (store_id, day, actor, role, metric, count, latency_sum_ms, latency_max_ms)
        SELECT store_id, ${dayOfNumberSql(sql`day_number`)}, actor, ${actorRoleSql(sql`actor`, unit.roles)}, metric, n, latency_sum, latency_max
        FROM (
          SELECT e.store_id AS store_id, e.day_number AS day_number, e.actor AS actor, e.type AS metric, COUNT(*) AS n,
            COALESCE(SUM(e.created_at - e.previous_at), 0) AS latency_sum,
            COALESCE(MAX(e.created_at - e.previous_at), 0) AS latency_max
          FROM ${UNIT_EVENTS}
          WHERE e.type <> 'received'
          GROUP BY e.store_id, e.day_number, e.actor, e.type
        )
        WHERE ${unit.guard}`,
      ),
    ];
  },
};
