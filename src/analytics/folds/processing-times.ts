/**
 * Processing time between milestones, per local day of the later milestone:
 *
 *   received_to_approved   order received -> its first approval
 *   approved_to_shipped    last approval before shipping -> ship
 *   shipped_to_delivered   ship -> deliver (service orders are never shipped: no sample)
 *   received_to_completed  order received -> complete
 *
 * Every sample is read from order_events, which only grow: once a span's end
 * event exists its duration and day never change, so a bucket recomputed at
 * any later time holds the same samples. p50/p90/max are exact per
 * (store, day, span, channel) and per (store, day, span, "*"); the samples
 * over the store's SLA target are listed in rollup_sla_breaches.
 */
import { sql } from "drizzle-orm";
import { statement } from "../d1";
import { Groups } from "../groups";
import { summarize } from "../percentiles";
import { SPAN_OF_EVENT, type Sla, type Span } from "../sla";
import { dayOfNumber } from "../time-zones";
import { deleteUnitRows, insertJsonRows, type Fold } from "./fold";
import { UNIT_EVENTS } from "./unit-events";

export type Sample = {
  store_id: string;
  order_id: string;
  channel: string;
  day: string;
  type: string;
  started_at: number | null;
  ended_at: number;
};

export const ALL_CHANNELS = "*";

const DURATION_COLUMNS = ["store_id", "day", "span", "channel", "count", "sum_ms", "max_ms", "p50_ms", "p90_ms", "breaches", "histogram"];
const BREACH_COLUMNS = ["order_id", "span", "store_id", "day", "channel", "started_at", "ended_at", "duration_ms", "target_ms"];

type Group = { key: [string, string, Span, string]; values: number[]; breaches: number };

/** Pure: samples to rollup rows (as column arrays) and SLA breaches. */
export function durationRows(samples: readonly Sample[], slas: ReadonlyMap<string, Sla>) {
  const groups = new Groups((key): Group => ({ key: key as Group["key"], values: [], breaches: 0 }));
  const breaches: unknown[][] = [];
  for (const s of samples) {
    const span = SPAN_OF_EVENT[s.type];
    if (!span || s.started_at === null) continue;
    const ms = s.ended_at - s.started_at;
    const target = slas.get(s.store_id)?.[span] ?? null;
    const late = target !== null && ms > target;
    if (late) breaches.push([s.order_id, span, s.store_id, s.day, s.channel, s.started_at, s.ended_at, ms, target]);
    for (const g of [groups.get(s.store_id, s.day, span, s.channel), groups.get(s.store_id, s.day, span, ALL_CHANNELS)]) {
      g.values.push(ms);
      if (late) g.breaches++;
    }
  }
  const rows = groups.all.map((g) => {
    const x = summarize(g.values);
    return [...g.key, x.count, x.sumMs, x.maxMs, x.p50Ms, x.p90Ms, g.breaches, JSON.stringify(x.histogram)];
  });
  return { rows, breaches };
}

type SampleRow = [store_id: string, order_id: string, channel: string, day_number: number, type: string, ended_at: number, started_at: number];

export const processingTimes: Fold = {
  name: "processing-times",
  tables: ["rollup_durations", "rollup_sla_breaches"],
  async refold(d1, unit) {
    // span_started_at and approved_before were looked up once, when the unit's events were staged (unit-events.ts).
    // Rows as arrays (raw), only those with a start, and each day's date made once: a unit reads tens of thousands of
    // samples, and building them cost more than the query (bench/rollup.mjs, issue #18's work).
    const rows = await statement(
      d1,
      sql`
      SELECT e.store_id, e.order_id, e.channel, e.day_number, e.type, e.created_at, e.span_started_at
      FROM ${UNIT_EVENTS}
      WHERE e.type IN ('approve', 'ship', 'deliver', 'complete') AND NOT (e.type = 'approve' AND e.approved_before)
        AND e.span_started_at IS NOT NULL`,
    ).raw<SampleRow>();
    const samples = rows.map(
      ([store_id, order_id, channel, day_number, type, ended_at, started_at]): Sample => ({
        store_id,
        order_id,
        channel,
        day: dayOfNumber(day_number),
        type,
        started_at,
        ended_at,
      }),
    );
    const { rows: durations, breaches } = durationRows(samples, unit.slas);
    return [
      deleteUnitRows(d1, "rollup_durations", unit),
      deleteUnitRows(d1, "rollup_sla_breaches", unit),
      ...insertJsonRows(d1, "rollup_durations", DURATION_COLUMNS, durations, unit.guard),
      ...insertJsonRows(d1, "rollup_sla_breaches", BREACH_COLUMNS, breaches, unit.guard),
    ];
  },
};
