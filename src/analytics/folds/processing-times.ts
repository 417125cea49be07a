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
import { dayOfNumberSql } from "../bucket-sql";
import { statement } from "../d1";
import { Groups } from "../groups";
import { summarize } from "../percentiles";
import { SPAN_END_EVENT, SPAN_OF_EVENT, SPANS, type Sla, type Span } from "../sla";
import { dayOfNumber } from "../time-zones";
import { deleteUnitRows, insertJsonRows, type Fold } from "./fold";
import { UNIT_EVENTS } from "./unit-events";

/** The durations of one (store, day, span, channel), in any order. */
export type SpanDurations = { store_id: string; day: string; span: Span; channel: string; durations: readonly number[] };

export const ALL_CHANNELS = "*";

const DURATION_COLUMNS = ["store_id", "day", "span", "channel", "count", "sum_ms", "max_ms", "p50_ms", "p90_ms", "breaches", "histogram"];

/** Pure: each channel's durations to rollup rows (as column arrays), with a row per (store, day, span) over all channels. */
export function durationRows(groups: readonly SpanDurations[], slas: ReadonlyMap<string, Sla>): unknown[][] {
  const acrossChannels = new Groups((key) => ({ key, parts: [] as (readonly number[])[] }));
  const row = (store: string, day: string, span: Span, channel: string, durations: ArrayLike<number>) => {
    const x = summarize(durations);
    const target = slas.get(store)?.[span] ?? null;
    let breaches = 0;
    if (target !== null) for (let i = 0; i < durations.length; i++) if (durations[i]! > target) breaches++;
    return [store, day, span, channel, x.count, x.sumMs, x.maxMs, x.p50Ms, x.p90Ms, breaches, JSON.stringify(x.histogram)];
  };
  const rows = groups.map((g) => {
    acrossChannels.get(g.store_id, g.day, g.span).parts.push(g.durations);
    return row(g.store_id, g.day, g.span, g.channel, g.durations);
  });
  for (const { key, parts } of acrossChannels.all) rows.push(row(key[0]!, key[1]!, key[2] as Span, ALL_CHANNELS, parts.flat()));
  return rows;
}

/** The events that end a span and have a start: the samples. */
const SAMPLES = sql`e.type IN ('approve', 'ship', 'deliver', 'complete') AND NOT (e.type = 'approve' AND e.approved_before)
  AND e.span_started_at IS NOT NULL`;
const spanOfType = sql.raw(`CASE e.type ${SPANS.map((s) => `WHEN '${SPAN_END_EVENT[s]}' THEN '${s}'`).join(" ")} END`);

type GroupRow = [store_id: string, day_number: number, type: string, channel: string, durations: string];

export const processingTimes: Fold = {
  name: "processing-times",
  tables: ["rollup_durations", "rollup_sla_breaches"],
  async refold(d1, unit) {
    // span_started_at and approved_before were looked up once, when the unit's events were staged (unit-events.ts).
    // Exact percentiles need every duration, but not one row each: a unit has tens of thousands of samples, and
    // carrying each as a row from the database to the Worker cost more than the query (issue #18's bench). Each group
    // comes as one row with its durations in one string; the breaches never leave the database.
    const groups = await statement(
      d1,
      sql`
      SELECT e.store_id, e.day_number, e.type, e.channel, group_concat(e.created_at - e.span_started_at)
      FROM ${UNIT_EVENTS}
      WHERE ${SAMPLES}
      GROUP BY e.store_id, e.day_number, e.type, e.channel`,
    ).raw<GroupRow>();
    const durations = durationRows(
      groups.map(([store_id, day_number, type, channel, list]) => ({
        store_id,
        day: dayOfNumber(day_number),
        span: SPAN_OF_EVENT[type]!,
        channel,
        durations: list.split(",").map(Number),
      })),
      unit.slas,
    );
    // Each store's targets as rows (store, span, target), joined to the samples by an index SQLite builds on them: read
    // per sample from the JSON parameter (`(targets -> store) ->> span`), the lookup made a JSON text per sample and
    // parsed it again: 29-30 ms against 20-22 ms for one 7-day unit (node:sqlite, issue #18's bench data).
    const targets = JSON.stringify(Object.fromEntries(unit.slas));
    return [
      deleteUnitRows(d1, "rollup_durations", unit),
      deleteUnitRows(d1, "rollup_sla_breaches", unit),
      ...insertJsonRows(d1, "rollup_durations", DURATION_COLUMNS, durations, unit.guard),
      statement(
        d1,
        sql`INSERT INTO rollup_sla_breaches (order_id, span, store_id, day, channel, started_at, ended_at, duration_ms, target_ms)
        WITH t AS MATERIALIZED (
          SELECT s.key AS store_id, p.key AS span, p.value AS target_ms FROM json_each(${targets}) s, json_each(s.value) p WHERE p.value IS NOT NULL
        )
        SELECT x.order_id, x.span, x.store_id, ${dayOfNumberSql(sql`x.day_number`)}, x.channel, x.started_at, x.ended_at, x.ended_at - x.started_at, t.target_ms
        FROM (
          SELECT e.order_id AS order_id, ${spanOfType} AS span, e.store_id AS store_id, e.day_number AS day_number, e.channel AS channel,
            e.span_started_at AS started_at, e.created_at AS ended_at
          FROM ${UNIT_EVENTS}
          WHERE ${SAMPLES}
        ) x CROSS JOIN t ON t.store_id = x.store_id AND t.span = x.span
        WHERE x.ended_at - x.started_at > t.target_ms AND ${unit.guard}`,
      ),
    ];
  },
};
