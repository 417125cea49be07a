/**
 * A fold recomputes its rollup rows for a unit of work (a set of stores over
 * consecutive local days, each store in its own time zone) from raw data, and
 * returns the statements that replace them: a DELETE of every row of those
 * (store, day) pairs, then INSERTs. Replacing instead of adding is what makes
 * a rollup run idempotent: refolding a bucket twice, late, or from scratch
 * gives the same rows.
 *
 * Every write carries `unit.guard`: it holds only while this run owns the
 * rollup lease, so a run that lost its lease (it stalled past the expiry and
 * another took over) writes nothing.
 *
 * A new source of facts (shipments, picks, stock costs) plugs in as one more
 * fold in folds/index.ts, with its own tables keyed by (store_id, day).
 */
import { sql, type SQL } from "drizzle-orm";
import { statement } from "../d1";
import type { Sla } from "../sla";
import type { Segment } from "../time-zones";
import { dayNumberSql, inStores, offsetSql } from "../bucket-sql";

/** The stores of one time zone in a unit, and the instants of the unit's days in that zone. */
export type ZonePart = {
  timezone: string;
  storeIds: readonly string[];
  /** [start, end): the UTC instants of the unit's local days in this zone. */
  start: number;
  end: number;
  segments: readonly Segment[];
};

export type FoldUnit = {
  /** Every store of the unit. */
  storeIds: readonly string[];
  /** Inclusive local days, the same calendar days for every store. */
  firstDay: string;
  lastDay: string;
  zones: readonly ZonePart[];
  /** The union of the zones' ranges: what one pass over the events' time index covers. */
  start: number;
  end: number;
  slas: ReadonlyMap<string, Sla>;
  /** A SQL condition that holds while this run owns the lease. */
  guard: SQL;
};

export type Fold = {
  name: string;
  /** Tables whose rows this fold owns, all keyed by (store_id, day). */
  tables: readonly string[];
  refold(d1: D1Database, unit: FoldUnit): Promise<D1PreparedStatement[]>;
};

/** `store_id IN (...)` with one bound parameter, whatever the number of stores. */
export const storeIn = inStores;

export function deleteUnitRows(d1: D1Database, table: string, unit: FoldUnit) {
  return statement(d1, sql`DELETE FROM ${sql.identifier(table)}
    WHERE ${storeIn(sql`store_id`, unit.storeIds)} AND day BETWEEN ${unit.firstDay} AND ${unit.lastDay} AND ${unit.guard}`);
}

/**
 * The order events of the unit's stores in its time range, joined to their
 * orders, as `e` and `o`. CROSS JOIN fixes the loop order: events first, by
 * their time index (a range of time is narrow, while a store's orders span
 * all of it), so the stores of every zone share one pass.
 */
export const EVENTS_WITH_ORDERS = sql`order_events e CROSS JOIN orders o ON o.id = e.order_id`;

export function unitEventsWhere(unit: FoldUnit): SQL {
  const within = sql`e.created_at >= ${unit.start} AND e.created_at < ${unit.end}`;
  if (unit.zones.length === 1) return sql`${within} AND ${inStores(sql`o.store_id`, unit.storeIds)}`;
  const zones = unit.zones.map(
    (z) => sql`(${inStores(sql`o.store_id`, z.storeIds)} AND e.created_at >= ${z.start} AND e.created_at < ${z.end})`,
  );
  return sql`${within} AND (${sql.join(zones, sql` OR `)})`;
}

/** The offset of each event of the unit in its store's zone. */
export const eventOffset = (unit: FoldUnit) => offsetSql(sql`e.created_at`, sql`o.store_id`, unit.zones);

/** The local day number of each event of the unit: group by it, then turn it into a date with dayOfNumberSql. */
export const eventDayNumber = (unit: FoldUnit) => dayNumberSql(sql`e.created_at`, eventOffset(unit));

/** Inserts JSON-array rows through json_each: one bound parameter per statement, chunked to stay well under D1's limits. */
export function insertJsonRows(
  d1: D1Database,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  guard: SQL,
  { orIgnore = false } = {},
) {
  const out: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const part = JSON.stringify(rows.slice(i, i + 200));
    const values = sql.join(
      columns.map((_, j) => sql.raw(`json_extract(value, '$[${j}]')`)),
      sql`, `,
    );
    out.push(
      statement(d1, sql`INSERT ${sql.raw(orIgnore ? "OR IGNORE " : "")}INTO ${sql.identifier(table)} (${sql.join(columns.map((c) => sql.identifier(c)), sql`, `)})
        SELECT ${values} FROM json_each(${part}) WHERE ${guard}`),
    );
  }
  return out;
}
