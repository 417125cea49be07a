import { env } from "../../../test/shard-env";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEFAULT_SLA } from "../sla";
import { addDays, dayStart, offsetSegments } from "../time-zones";
import { carrierPerformance } from "./carrier-performance";
import type { FoldUnit } from "./fold";
import { stageUnitEvents } from "./unit-events";

const STORE = "st_carrier_fold_ny";
const TZ = "America/New_York";

/** The unit of the local days [first, last] of the New York store. */
function unitOf(first: string, last: string): FoldUnit {
  const start = dayStart(TZ, first);
  const end = dayStart(TZ, addDays(last, 1));
  return {
    storeIds: [STORE],
    firstDay: first,
    lastDay: last,
    zones: [{ timezone: TZ, storeIds: [STORE], start, end, segments: offsetSegments(TZ, start, end) }],
    start,
    end,
    slas: new Map([[STORE, DEFAULT_SLA]]),
    roles: "{}",
    guard: sql`1 = 1`,
  };
}

let n = 0;
/** A labelled parcel of the store, its label promising `promised` days (null: no promise recorded). */
function parcel(p: { handedOverAt: string | null; deliveredAt?: string | null; promised?: number | null }) {
  const id = `shp_carrier_fold_${++n}`;
  const promised = p.promised === undefined ? 2 : p.promised;
  const explanation = { services: [{ carrier: "ups", service: "ground", chosen: true, ...(promised === null ? {} : { transit_days: { min: 1, max: promised } }) }] };
  const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);
  return env.DB.prepare(
    `INSERT INTO shipment_tracking (shipment_id, store_id, order_id, carrier, service, adapter, carrier_ref, tracking_number, rate_amount, currency,
      package_count, explanation, last_update_at, labelled_by, labelled_at, handed_over_at, delivered_at)
    VALUES (?, ?, ?, 'ups', 'ground', 'sandbox', ?, ?, 900, 'USD', 1, ?, 0, 'bootstrap', 0, ?, ?)`,
  ).bind(id, STORE, `ord_${id}`, id, id, JSON.stringify(explanation), at(p.handedOverAt), at(p.deliveredAt));
}

function exception(kind: string, at: string) {
  return env.DB.prepare(
    `INSERT INTO logistics_exceptions (id, shipment_id, order_id, store_id, kind, status, created_at)
    VALUES (?, 'shp_carrier_fold_1', 'ord_shp_carrier_fold_1', ?, ?, 'open', ?)`,
  ).bind(`lx_carrier_fold_${++n}`, STORE, kind, Date.parse(at));
}

async function fold(unit: FoldUnit) {
  // Staged first, as a run does: the fold reads the unit's local time from the working tables.
  await env.DB.batch(stageUnitEvents(env.DB, unit));
  await env.DB.batch(await carrierPerformance.refold(env.DB, unit));
  const { results } = await env.DB.prepare(
    `SELECT day, shipped, delivered, on_time, late, transit_n, transit_sum_ms, transit_max_ms, failed_attempt, stale_tracking
    FROM rollup_carrier_days WHERE store_id = ? AND day BETWEEN ? AND ? ORDER BY day`,
  )
    .bind(STORE, unit.firstDay, unit.lastDay)
    .all();
  return Object.fromEntries(results.map(({ day, ...r }) => [day, r]));
}

describe("carrier performance", () => {
  it("judges on time by the store's local calendar days: delivered by the end of the promised day counts, a minute later does not", async () => {
    // Handed over Monday 10:00 in New York; promised 2 days: due by Wednesday 23:59 local (04:59 UTC Thursday).
    await env.DB.batch([
      parcel({ handedOverAt: "2026-03-02T15:00:00Z", deliveredAt: "2026-03-05T04:59:00Z" }),
      parcel({ handedOverAt: "2026-03-02T15:00:00Z", deliveredAt: "2026-03-05T05:01:00Z" }),
      parcel({ handedOverAt: "2026-03-02T15:00:00Z", deliveredAt: "2026-03-05T05:02:00Z", promised: null }),
      parcel({ handedOverAt: null, deliveredAt: "2026-03-05T05:03:00Z" }),
    ]);
    const days = await fold(unitOf("2026-03-01", "2026-03-07"));
    expect(days["2026-03-02"]).toMatchObject({ shipped: 3, delivered: 0, on_time: 0, late: 0 });
    expect(days["2026-03-04"]).toMatchObject({ shipped: 0, delivered: 1, on_time: 1, late: 0, transit_n: 1 });
    expect(days["2026-03-05"]).toMatchObject({ shipped: 0, delivered: 3, on_time: 0, late: 1, transit_n: 2 });
  });

  it("judges a parcel handed over before the unit by the offset of its handover, counts exceptions by kind on the day raised, and leaves out what falls outside the unit's days", async () => {
    await env.DB.batch([
      // Handed over Friday 2026-03-06 at 23:30 in New York (EST, UTC-5), delivered Monday the 9th at 22:00 (EDT, after
      // the clocks went forward on the 8th), promised 2 days: 3 local days, late. Judged with the unit's offset
      // (EDT), the handover would fall on Saturday and the parcel count as on time.
      parcel({ handedOverAt: "2026-03-07T04:30:00Z", deliveredAt: "2026-03-10T02:00:00Z" }),
      exception("failed_attempt", "2026-03-09T16:00:00Z"),
      exception("failed_attempt", "2026-03-09T17:00:00Z"),
      exception("stale_tracking", "2026-03-16T17:00:00Z"),
    ]);
    const days = await fold(unitOf("2026-03-09", "2026-03-15"));
    // No row for the Friday of the handover (outside the days), nor for the exception of the 16th.
    expect(days).toEqual({
      "2026-03-09": {
        shipped: 0,
        delivered: 1,
        on_time: 0,
        late: 1,
        transit_n: 1,
        transit_sum_ms: 69.5 * 3_600_000,
        transit_max_ms: 69.5 * 3_600_000,
        failed_attempt: 2,
        stale_tracking: 0,
      },
    });
  });
});
