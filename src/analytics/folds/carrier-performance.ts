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
import { all, statement } from "../d1";
import { Groups } from "../groups";
import { daysBetween, localDay } from "../time-zones";
import { deleteUnitRows, insertJsonRows, SLOT_MS, storeIn, type Fold, type FoldUnit } from "./fold";

export type Parcel = {
  store_id: string;
  carrier: string;
  service: string;
  handed_over_at: number | null;
  delivered_at: number | null;
  promised_days: number | null;
};
type ParcelRow = [store_id: string, carrier: string, service: string, handed_over_at: number | null, delivered_at: number | null, promised_days: number | null];
export type RaisedException = { store_id: string; carrier: string; service: string; kind: string; created_at: number };

const COUNTS = ["shipped", "delivered", "on_time", "late", "transit_n", "transit_sum_ms", "transit_max_ms", ...CARRIER_EXCEPTION_KINDS] as const;
const COLUMNS = ["store_id", "day", "carrier", "service", ...COUNTS];

/** Pure: parcels and exceptions to rows (column arrays), for the days in [firstDay, lastDay] of each store's zone. */
export function carrierRows(
  parcels: readonly Parcel[],
  exceptions: readonly RaisedException[],
  zoneOf: ReadonlyMap<string, string>,
  firstDay: string,
  lastDay: string,
): unknown[][] {
  const rows = new Groups((key) => ({ key, n: Object.fromEntries(COUNTS.map((c) => [c, 0])) as Record<(typeof COUNTS)[number], number> }));
  const bucket = (storeId: string, t: number, carrier: string, service: string) => {
    const day = localDay(zoneOf.get(storeId)!, t);
    if (day < firstDay || day > lastDay) return null;
    return rows.get(storeId, day, carrier, service).n;
  };
  for (const p of parcels) {
    if (p.handed_over_at !== null) {
      const n = bucket(p.store_id, p.handed_over_at, p.carrier, p.service);
      if (n) n.shipped++;
    }
    if (p.delivered_at === null) continue;
    const n = bucket(p.store_id, p.delivered_at, p.carrier, p.service);
    if (!n) continue;
    n.delivered++;
    if (p.handed_over_at === null) continue;
    const transit = p.delivered_at - p.handed_over_at;
    n.transit_n++;
    n.transit_sum_ms += transit;
    n.transit_max_ms = Math.max(n.transit_max_ms, transit);
    if (p.promised_days === null) continue;
    const tz = zoneOf.get(p.store_id)!;
    if (daysBetween(localDay(tz, p.handed_over_at), localDay(tz, p.delivered_at)) <= p.promised_days) n.on_time++;
    else n.late++;
  }
  for (const x of exceptions) {
    const n = bucket(x.store_id, x.created_at, x.carrier, x.service);
    if (n && (CARRIER_EXCEPTION_KINDS as readonly string[]).includes(x.kind)) n[x.kind as (typeof CARRIER_EXCEPTION_KINDS)[number]]++;
  }
  return rows.all.map((r) => [...r.key, ...COUNTS.map((c) => r.n[c])]);
}

const between = (column: string, unit: FoldUnit) => sql`${sql.raw(column)} >= ${unit.start} AND ${sql.raw(column)} < ${unit.end}`;

export const carrierPerformance: Fold = {
  name: "carrier-performance",
  tables: ["rollup_carrier_days"],
  async refold(d1, unit) {
    const [parcels, exceptions] = await Promise.all([
      // Rows as arrays (raw): a unit reads thousands of parcels, and making an object of each cost more than the query.
      statement(
        d1,
        sql`
        SELECT t.store_id, t.carrier, t.service, t.handed_over_at, t.delivered_at,
          (SELECT json_extract(v.value, '$.transit_days.max') FROM json_each(t.explanation, '$.services') v
            WHERE json_extract(v.value, '$.chosen') = 1 AND json_extract(v.value, '$.carrier') = t.carrier
              AND json_extract(v.value, '$.service') = t.service LIMIT 1) AS promised_days
        FROM shipment_tracking t
        WHERE (${between("t.handed_over_at", unit)} OR ${between("t.delivered_at", unit)}) AND ${storeIn(sql`t.store_id`, unit.storeIds)}`,
      )
        .raw<ParcelRow>()
        .then((rows) =>
          rows.map(
            ([store_id, carrier, service, handed_over_at, delivered_at, promised_days]): Parcel => ({ store_id, carrier, service, handed_over_at, delivered_at, promised_days }),
          ),
        ),
      all<RaisedException>(
        d1,
        sql`
        SELECT x.store_id, x.kind, x.created_at, COALESCE(t.carrier, s.carrier, '') AS carrier, COALESCE(t.service, '') AS service
        FROM logistics_exceptions x LEFT JOIN shipment_tracking t ON t.shipment_id = x.shipment_id LEFT JOIN shipments s ON s.id = x.shipment_id
        WHERE ${between("x.created_at", unit)} AND ${storeIn(sql`x.store_id`, unit.storeIds)}`,
      ),
    ]);
    const zoneOf = new Map(unit.zones.flatMap((z) => z.storeIds.map((id) => [id, z.timezone] as const)));
    const rows = carrierRows(parcels, exceptions, zoneOf, unit.firstDay, unit.lastDay);
    return [deleteUnitRows(d1, "rollup_carrier_days", unit), ...insertJsonRows(d1, "rollup_carrier_days", COLUMNS, rows, unit.guard)];
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
