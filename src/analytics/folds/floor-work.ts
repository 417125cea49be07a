/**
 * The warehouse floor's work per person, warehouse and local day, from the
 * work log (warehouse_events), each event in the store of its shipment:
 *
 *   pick             pick lines confirmed (short or not); units = units picked
 *   short_pick       pick lines confirmed short; units = units missing
 *   pack_scan        items scanned into a parcel
 *   scan_mismatch    scans refused as the wrong item (pick or pack)
 *   pack             shipments packed; units = packages
 *   weight_override  packs accepted outside the weight tolerance with a reason
 *   weigh, intercept, resolve, restock, merge, unmerge: one each
 *
 * Durations are those the floor reported with the action (`duration_n` of
 * `count` had one). Events without a shipment belong to no store and are
 * not counted. The log only grows, and an event's time fixes its bucket; the
 * log does not bump orders.updated_at, so it is its own change source.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { dayOfNumberSql } from "../bucket-sql";
import { actorRoleSql, deleteUnitRows, inUnitTime, localDayNumber, SLOT_MS, withinUnit, type Fold } from "./fold";

const at = sql`w.created_at`;
// The event's own store (written with it since migration 0042); an older event's is its shipment's, joined only then.
const store = sql`COALESCE(w.store_id, s.store_id)`;
const withStore = sql`warehouse_events w LEFT JOIN shipments s ON w.store_id IS NULL AND s.id = w.shipment_id`;

export const floorWork: Fold = {
  name: "floor-work",
  tables: ["rollup_floor_days"],
  async refold(d1, unit) {
    // Part 0 is every event under its own metric (a short pick is a pick too); part 1 adds a short pick's or an override's second metric.
    return [
      deleteUnitRows(d1, "rollup_floor_days", unit),
      statement(
        d1,
        sql`INSERT INTO rollup_floor_days (store_id, day, warehouse_id, worker, role, metric, count, units, duration_n, duration_sum_ms, duration_max_ms)
        SELECT store_id, ${dayOfNumberSql(sql`day_number`)}, warehouse_id, worker, ${actorRoleSql(sql`worker`, unit.roles)}, metric,
          COUNT(*), SUM(units), COUNT(duration_ms), COALESCE(SUM(duration_ms), 0), COALESCE(MAX(duration_ms), 0)
        FROM (
          SELECT ${store} AS store_id, ${localDayNumber(at)} AS day_number, w.warehouse_id AS warehouse_id, w.worker AS worker,
            CASE WHEN p.part = 1 THEN (CASE w.kind WHEN 'short_pick' THEN 'short_pick' ELSE 'weight_override' END)
              WHEN w.kind = 'short_pick' THEN 'pick' ELSE w.kind END AS metric,
            CASE WHEN p.part = 1 THEN (CASE w.kind WHEN 'short_pick' THEN COALESCE(json_extract(w.data, '$.short'), 0) ELSE 1 END)
              WHEN w.kind IN ('pick', 'short_pick') THEN COALESCE(json_extract(w.data, '$.quantity'), 0)
              WHEN w.kind = 'pack' THEN COALESCE(json_extract(w.data, '$.packages'), 0)
              ELSE 0 END AS units,
            CASE WHEN p.part = 0 THEN w.duration_ms END AS duration_ms
          FROM ${withStore} ${inUnitTime(at, store)} CROSS JOIN (SELECT 0 AS part UNION ALL SELECT 1) p
          WHERE ${withinUnit(unit, at)}
            AND (p.part = 0 OR w.kind = 'short_pick' OR (w.kind = 'pack' AND json_extract(w.data, '$.override') IS NOT NULL))
        )
        WHERE ${unit.guard}
        GROUP BY store_id, day_number, warehouse_id, worker, metric`,
      ),
    ];
  },
  changedSlots(from, to) {
    return sql`SELECT ${store} AS store_id, w.created_at / ${SLOT_MS} AS slot
      FROM ${withStore}
      WHERE w.created_at > ${from} AND w.created_at <= ${to} AND ${store} IS NOT NULL`;
  },
  earliestAt: sql`SELECT MIN(created_at) AS t FROM warehouse_events`,
};
