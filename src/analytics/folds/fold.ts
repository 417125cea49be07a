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
 * another took over) writes nothing, and while none of the unit's stores is
 * on the move between databases (the rollup rows have no move guards of
 * their own: `derived` in src/db/placement.ts).
 *
 * A new source of facts plugs in as one more fold in folds/index.ts, with
 * its own tables keyed by (store_id, day) and, when its changes do not bump
 * orders.updated_at, its own change source (`changedSlots`).
 */
import { sql, type SQL } from "drizzle-orm";
import type { D1Reads } from "../../db/client";
import { statement } from "../d1";
import type { Sla } from "../sla";
import type { Segment } from "../time-zones";
import { dayNumberSql, inStores } from "../bucket-sql";

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
  /** Every key's and person's role (`actorRoles`): a JSON object for `actorRoleSql`. */
  roles: string;
  /** A SQL condition that holds while this run owns the lease and none of the unit's stores is on the move. */
  guard: SQL;
};

/** The change scan's granularity: every zone in use offsets by whole quarter hours, so a slot never straddles a local midnight. */
export const SLOT_MS = 900_000;

export type Fold = {
  name: string;
  /** Tables whose rows this fold owns, all keyed by (store_id, day). */
  tables: readonly string[];
  refold(d1: D1Database, unit: FoldUnit): Promise<D1PreparedStatement[]>;
  /**
   * For facts whose changes do not bump orders.updated_at (or that move
   * buckets the order scan does not mark): a query of `store_id, slot` rows
   * (slot = instant / SLOT_MS) naming the buckets touched by what changed in
   * (from, to]. The scan marks them dirty with the orders' buckets.
   */
  changedSlots?(from: number, to: number): SQL;
  /**
   * With `changedSlots`: a query of one value `t`, the earliest instant its sources hold (`SELECT MIN(...)`, on
   * an index). A run from scratch marks every day from the earliest instant of any fold's facts instead of
   * scanning all of them (mark-changes.ts `markEverything`).
   */
  earliestAt?: SQL;
};

/** `store_id IN (...)` with one bound parameter, whatever the number of stores. */
export const storeIn = inStores;

export function deleteUnitRows(d1: D1Database, table: string, unit: FoldUnit) {
  return statement(
    d1,
    sql`DELETE FROM ${sql.identifier(table)}
    WHERE ${storeIn(sql`store_id`, unit.storeIds)} AND day BETWEEN ${unit.firstDay} AND ${unit.lastDay} AND ${unit.guard}`,
  );
}

/**
 * The unit's local time, as a join: each fact meets the row of `rollup_unit_offsets` (written with the unit's staged
 * events, unit-events.ts) that holds its store and instant `at`: one row per store of the unit and stretch of one UTC
 * offset over the unit's local days of that store. A fact of a store outside the unit, or outside its store's local
 * days of the unit, meets none and is left out; the row's offset gives the fact's local day (`localDayNumber`).
 *
 * Written as conditions per zone instead (the store in each zone's list of stores, then the instant in that zone's
 * range, and the offset as a CASE over the same lists), each fact was tested against the lists one by one: with the
 * bench's 8 zones, floor work took 184-197 ms for a 7-day unit, 143-161 ms with the join (node:sqlite, issue #18's
 * bench data). The joined row is `z`.
 */
export const inUnitTime = (at: SQL, store: SQL) => sql`CROSS JOIN rollup_unit_offsets z ON z.store_id = ${store} AND ${at} >= z.from_ms AND ${at} < z.to_ms`;

/** The local day number of a fact joined by `inUnitTime`: group by it, then dayOfNumberSql. */
export const localDayNumber = (at: SQL) => dayNumberSql(at, sql`z.offset_ms`);

/** The unit's instants, for the time index the facts are read by (`inUnitTime` then keeps each store's own days). */
export const withinUnit = (unit: FoldUnit, at: SQL) => sql`${at} >= ${unit.start} AND ${at} < ${unit.end}`;

/**
 * Conditional aggregates. `COUNT(*) FILTER (WHERE c)` steps the aggregate only for the rows that meet `c`, where
 * `SUM(c)` or `SUM(CASE WHEN c THEN v ELSE 0 END)` steps it for every row: order counts' hour rows, sixteen such
 * measures over each unit's events, took 183-187 ms against 204-209 ms for the bench's first unit (node:sqlite, the
 * same rows).
 */
export const countWhere = (cond: SQL) => sql`COUNT(*) FILTER (WHERE ${cond})`;
/** The sum of `value` over the rows that meet `cond`, 0 when none. */
export const sumWhere = (value: SQL, cond: SQL) => sql`COALESCE(SUM(${value}) FILTER (WHERE ${cond}), 0)`;

/** The amounts of the ledger entries (`le`) of these kinds (constants of the ledger's kinds, inlined), 0 when none. */
export const ledgerSum = (...kinds: string[]) => sumWhere(sql`le.amount`, sql.raw(`le.kind IN (${kinds.map((k) => `'${k}'`).join(", ")})`));

/**
 * The role of an actor: its API key's, a person's first position, "admin" for the bootstrap key, "system" for the rest
 * (timers, webhooks). Keys and people live on the directory, not beside the facts, so the run reads them first
 * (`actorRoles`) and each statement looks the actor up in that one JSON parameter (`unit.roles`).
 *
 * `->>` with a text label reads that one key (SQLite parses the parameter once per statement); walking the object with
 * json_each for every row cost in proportion to the merchant's keys and people: with 304 of them, one 7-day unit's
 * floor fold took 600-740 ms against 360-490 ms (node:sqlite, issue #18's bench data). A label starting with `$`
 * would be read as a path; no key or person id does (src/lib/ids.ts), and such an actor counts as "system".
 */
export const actorRoleSql = (actor: SQL, roles: string) =>
  sql`COALESCE(CASE WHEN substr(${actor}, 1, 1) <> '$' THEN ${roles} ->> ${actor} END, CASE WHEN ${actor} = 'bootstrap' THEN 'admin' ELSE 'system' END)`;

/**
 * Every key's and person's role today, as the JSON object `actorRoleSql` reads (id → role). Keys and people are a
 * merchant's staff and integrations, a few hundred at most, so one read per rollup run carries them all.
 */
export async function actorRoles(directory: D1Reads): Promise<string> {
  const { results } = await directory
    .prepare("SELECT id, role FROM api_keys UNION ALL SELECT id, json_extract(positions, '$[0]') AS role FROM users")
    .all<{ id: string; role: string | null }>();
  return JSON.stringify(Object.fromEntries(results.filter((r) => r.role !== null).map((r) => [r.id, r.role])));
}

/** Inserts JSON-array rows through json_each: one bound parameter per statement, chunked to stay well under D1's limits. */
export function insertJsonRows(d1: D1Database, table: string, columns: readonly string[], rows: readonly unknown[][], guard: SQL, { orIgnore = false } = {}) {
  const out: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const part = JSON.stringify(rows.slice(i, i + 200));
    const values = sql.join(
      columns.map((_, j) => sql.raw(`json_extract(value, '$[${j}]')`)),
      sql`, `,
    );
    out.push(
      statement(
        d1,
        sql`INSERT ${sql.raw(orIgnore ? "OR IGNORE " : "")}INTO ${sql.identifier(table)} (${sql.join(
          columns.map((c) => sql.identifier(c)),
          sql`, `,
        )})
        SELECT ${values} FROM json_each(${part}) WHERE ${guard}`,
      ),
    );
  }
  return out;
}
