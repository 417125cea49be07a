/**
 * One query shape serves every grouped report: rows of a rollup table for a
 * range of local days and the caller's stores, filtered, grouped by the
 * chosen dimensions (plus the report's fixed ones), ordered by them and
 * paged by keyset: the cursor is the last row's group key, compared as a SQL
 * row value, so a page costs the same at any depth and CSV export can walk
 * every page without holding more than one.
 *
 * Column names come from the report specs (constants), never from input.
 */
import type { D1Reads } from "../db/client";
import { sql, type SQL } from "drizzle-orm";
import type { Principal } from "../http/auth";
import { validationFailed } from "../http/problem";
import { all } from "./d1";

export type Dim = {
  /** The group_by name. */
  name: string;
  column: string;
  /** A column that only labels the key (the same for every row of a group), selected alongside. */
  label?: string;
  /** Always grouped by, whatever group_by says. */
  always?: boolean;
};

export type GroupedSpec = {
  table: (group: ReadonlySet<string>) => string;
  /** In sort order. */
  dims: readonly Dim[];
  /** Output name -> aggregate over the table. */
  measures: Readonly<Record<string, string>>;
  /** Query parameter -> column it filters (a list of accepted values). */
  filters: Readonly<Record<string, string>>;
  where?: (q: GroupedQuery) => SQL | undefined;
};

export type GroupedQuery = {
  stores: Principal["stores"];
  from: string;
  to: string;
  group: ReadonlySet<string>;
  filters: Readonly<Record<string, readonly string[] | undefined>>;
  cursor?: string | undefined;
  limit: number;
};

export type RawRow = Record<string, string | number | null>;

export type GroupedResult = {
  rows: RawRow[];
  next: string | null;
  /** For follow-up queries over the same page: the filter without the cursor, the key columns, and the page's key range. */
  page: { dims: readonly Dim[]; where: SQL; keys: SQL; first: unknown[] | null; last: unknown[] | null };
};

const inList = (column: string, values: readonly string[]) => sql`${sql.raw(column)} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;

/** The caller's stores, narrowed by a store_id filter. A filter outside the key's stores finds nothing. */
export function storeScope(stores: Principal["stores"], { wanted, column = "store_id" }: { wanted?: readonly string[]; column?: string } = {}): SQL | undefined {
  if (stores === "*") return wanted ? inList(column, wanted) : undefined;
  return inList(column, wanted ? wanted.filter((s) => stores.includes(s)) : [...stores]);
}

export function encodeKey(values: readonly unknown[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(values));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeKey(cursor: string, length: number): (string | number)[] {
  const bad = () => validationFailed([{ field: "cursor", message: "is not a cursor from this report" }], 400);
  let values: unknown;
  try {
    const bytes = Uint8Array.from(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    values = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw bad();
  }
  if (!Array.isArray(values) || values.length !== length || !values.every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))) {
    throw bad();
  }
  return values as (string | number)[];
}

export const rowValue = (values: readonly unknown[]) =>
  sql`(${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;

export async function queryGrouped(d1: D1Reads, spec: GroupedSpec, q: GroupedQuery): Promise<GroupedResult> {
  const dims = spec.dims.filter((d) => d.always || q.group.has(d.name));
  const keys = sql.raw(`(${dims.map((d) => d.column).join(", ")})`);
  const after = q.cursor === undefined ? undefined : decodeKey(q.cursor, dims.length);
  const conditions = [
    sql`day BETWEEN ${q.from} AND ${q.to}`,
    storeScope(q.stores, { wanted: q.filters.store_id }),
    ...Object.entries(spec.filters).map(([param, column]) => {
      const wanted = q.filters[param];
      return wanted ? inList(column, wanted) : undefined;
    }),
    spec.where?.(q),
  ].filter((c): c is SQL => c !== undefined);
  const where = sql.join(conditions, sql` AND `);
  const select = [
    ...dims.flatMap((d) => [`${d.column} AS "${d.name}"`, ...(d.label ? [`MIN(${d.label}) AS "${d.name}_label"`] : [])]),
    ...Object.entries(spec.measures).map(([name, agg]) => `${agg} AS "${name}"`),
  ].join(", ");
  const rows = await all<RawRow>(
    d1,
    sql`SELECT ${sql.raw(select)} FROM ${sql.identifier(spec.table(q.group))}
      WHERE ${where}${after ? sql` AND ${keys} > ${rowValue(after)}` : sql``}
      GROUP BY ${sql.raw(dims.map((d) => d.column).join(", "))}
      ORDER BY ${sql.raw(dims.map((d) => d.column).join(", "))}
      LIMIT ${q.limit + 1}`,
  );
  const page = rows.slice(0, q.limit);
  const keyOf = (r: RawRow) => dims.map((d) => r[d.name]);
  return {
    rows: page,
    next: rows.length > q.limit ? encodeKey(keyOf(page.at(-1)!)) : null,
    page: { dims, where, keys, first: page[0] ? keyOf(page[0]) : null, last: page.at(-1) ? keyOf(page.at(-1)!) : null },
  };
}
