/**
 * Carrier performance per store, carrier service and local day, from the
 * logistics stage's tables:
 *
 *   shipped    parcels handed over to the carrier that day (shipment_tracking.handed_over_at)
 *   delivered  parcels delivered that day (delivered_at: when the carrier says it happened)
 *   on_time / late  delivered parcels judged against the transit days the
 *              service promised when it was chosen for the label (the chosen
 *              service's `transit_days.max` in the label's explanation, so a
 *              later change of the carrier configuration does not rewrite
 *              history): on time when the local day of delivery is at most
 *              `max` calendar days after the local day of handover, in the
 *              store's time zone. A parcel with no recorded promise or no
 *              handover is delivered but judged neither.
 *   transit    handover -> delivery, over delivered parcels with a handover
 *   exceptions logistics_exceptions per kind, on the day each was raised
 *
 * Tracking rows change in place (handover, delivery) and bump
 * last_update_at; exceptions only grow: both are change sources. Delivery
 * times come from carriers and may lie in the past, so the scan marks the
 * days of the handover and the delivery, not of the update.
 */
import { sql } from "drizzle-orm";
import { CARRIER_EXCEPTION_KINDS } from "../../db/schema";
import { statement } from "../d1";
import { dayNumberSql, dayOfNumberSql, offsetSql } from "../bucket-sql";
import { offsetSegments } from "../time-zones";
import { countWhere, deleteUnitRows, inUnitTime, localDayNumber, SLOT_MS, sumWhere, withinUnit, type Fold, type FoldUnit } from "./fold";

// In SQL, like the other folds. It read every parcel of a unit into the Worker (about 13,000 on the bench's data) and
// grouped them there, with each parcel's local days from Intl's offsets. The database's share is about the same either
// way (bench/rollup-profile.ts: 0.83 s of a rebuild then, 0.8-0.9 s now); the Worker no longer receives and groups the
// rows: a full rollup in workerd took 11.2-11.3 s against 11.2-11.8 s (bench/rollup.mjs, interleaved).

/**
 * How far before a unit the offsets for judging its deliveries reach. A delivery of the unit may end a parcel handed
 * over before it, whose local day of handover needs the offset in force then. A service promises at most 90 days
 * (src/logistics/carrier-config.ts), so a parcel handed over earlier than this is late whatever the offset.
 */
const HANDOVER_LOOKBACK_MS = 100 * 86_400_000;

const zonesFrom = (unit: FoldUnit, from: number) => unit.zones.map((z) => ({ storeIds: z.storeIds, segments: offsetSegments(z.timezone, from, z.end) }));

/** 0: a parcel's handover, 1: its delivery. Each parcel is read once for both, whichever fall in the unit. */
const MOMENTS = sql`(SELECT 0 AS moment UNION ALL SELECT 1)`;

export const carrierPerformance: Fold = {
  name: "carrier-performance",
  tables: ["rollup_carrier_days"],
  async refold(d1, unit) {
    const delivered = sql`t.delivered_at`;
    const handedOver = sql`t.handed_over_at`;
    const store = sql`t.store_id`;
    const handoverDay = dayNumberSql(handedOver, offsetSql(handedOver, store, zonesFrom(unit, unit.start - HANDOVER_LOOKBACK_MS)));
    // The promise of the service chosen for the label, from its explanation: a later change of the carrier configuration does not rewrite history.
    const promisedDays = sql`(SELECT json_extract(v.value, '$.transit_days.max') FROM json_each(t.explanation, '$.services') v
      WHERE json_extract(v.value, '$.chosen') = 1 AND json_extract(v.value, '$.carrier') = t.carrier
        AND json_extract(v.value, '$.service') = t.service LIMIT 1)`;
    const exceptionCounts = CARRIER_EXCEPTION_KINDS.map((k) => countWhere(sql`kind = 2 AND exception = ${k}`));
    const deliveredWithTransit = sql`kind = 1 AND transit IS NOT NULL`;
    const at = sql`x.created_at`;
    const raisedBy = sql`x.store_id`;
    const moment = sql`CASE WHEN m.moment = 0 THEN t.handed_over_at ELSE t.delivered_at END`;
    return [
      deleteUnitRows(d1, "rollup_carrier_days", unit),
      statement(
        d1,
        sql`INSERT INTO rollup_carrier_days (store_id, day, carrier, service, shipped, delivered, on_time, late, transit_n, transit_sum_ms, transit_max_ms,
          ${sql.raw(CARRIER_EXCEPTION_KINDS.join(", "))})
        SELECT store_id, ${dayOfNumberSql(sql`day_number`)}, carrier, service, ${countWhere(sql`kind = 0`)}, ${countWhere(sql`kind = 1`)},
          ${countWhere(sql`kind = 1 AND judged = 1`)}, ${countWhere(sql`kind = 1 AND judged = 0`)}, ${countWhere(deliveredWithTransit)},
          ${sumWhere(sql`transit`, deliveredWithTransit)}, MAX(CASE WHEN ${deliveredWithTransit} THEN transit ELSE 0 END), ${sql.join(exceptionCounts, sql`, `)}
        FROM (
          SELECT store_id, day_number, carrier, service, kind, transit,
            CASE WHEN kind = 0 OR transit IS NULL OR promised IS NULL THEN NULL WHEN day_number - handover_day <= promised THEN 1 ELSE 0 END AS judged,
            NULL AS exception
          FROM (
            SELECT t.store_id AS store_id, ${localDayNumber(moment)} AS day_number, t.carrier AS carrier, t.service AS service,
              m.moment AS kind, CASE WHEN m.moment = 1 THEN t.delivered_at - t.handed_over_at END AS transit,
              CASE WHEN m.moment = 1 THEN ${handoverDay} END AS handover_day, CASE WHEN m.moment = 1 THEN ${promisedDays} END AS promised
            FROM shipment_tracking t CROSS JOIN ${MOMENTS} m ${inUnitTime(moment, store)}
            WHERE (${withinUnit(unit, handedOver)} OR ${withinUnit(unit, delivered)})
          )
          UNION ALL
          SELECT x.store_id, ${localDayNumber(at)}, COALESCE(t.carrier, s.carrier, ''), COALESCE(t.service, ''), 2, NULL, NULL, x.kind
          FROM logistics_exceptions x ${inUnitTime(at, raisedBy)} LEFT JOIN shipment_tracking t ON t.shipment_id = x.shipment_id LEFT JOIN shipments s ON s.id = x.shipment_id
          WHERE ${withinUnit(unit, at)}
        )
        WHERE ${unit.guard}
        GROUP BY store_id, day_number, carrier, service`,
      ),
    ];
  },
  changedSlots(from, to) {
    const updated = sql`last_update_at > ${from} AND last_update_at <= ${to}`;
    return sql`SELECT store_id, handed_over_at / ${SLOT_MS} AS slot FROM shipment_tracking WHERE ${updated} AND handed_over_at IS NOT NULL
      UNION SELECT store_id, delivered_at / ${SLOT_MS} FROM shipment_tracking WHERE ${updated} AND delivered_at IS NOT NULL
      UNION SELECT store_id, created_at / ${SLOT_MS} FROM logistics_exceptions WHERE created_at > ${from} AND created_at <= ${to}`;
  },
  // The aggregate MIN skips a source with nothing (NULL); the scalar min() of SQLite would answer NULL.
  earliestAt: sql`SELECT MIN(t) AS t FROM (SELECT MIN(handed_over_at) AS t FROM shipment_tracking
    UNION ALL SELECT MIN(delivered_at) FROM shipment_tracking UNION ALL SELECT MIN(created_at) FROM logistics_exceptions)`,
};
