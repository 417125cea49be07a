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
  /** An aggregate that only labels the key (the same for every row of a group), selected alongside (reports.ts: the hour's). */
  label?: string;
  /** Always grouped by, whatever group_by says. */
  always?: boolean;
};

/** How two shards' partial rows of one group combine into the measure's value (docs/SHARDING.md, build step 7). */
export type Merge = (a: RawRow, b: RawRow, name: string) => string | number | null;

export type GroupedSpec = {
  /** The rollup table read for a grouping, or a subquery giving its rows (order-counts.ts `orderHoursSql`). */
  table: (group: ReadonlySet<string>) => string | SQL;
  /** In sort order. */
  dims: readonly Dim[];
  /** Output name -> aggregate over the table. */
  measures: Readonly<Record<string, string>>;
  /** Query parameter -> column it filters (a list of accepted values). */
  filters: Readonly<Record<string, string>>;
  where?: (q: GroupedQuery) => SQL | undefined;
  /** For a measure whose aggregate is not a plain SUM, COUNT, MIN or MAX: how two shards' values of a group combine. */
  merge?: Readonly<Record<string, Merge>>;
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

/** The page query's parts: the dimensions grouped by, the filter (without the cursor) and the key columns. */
function pageShape(spec: GroupedSpec, q: GroupedQuery) {
  const dims = spec.dims.filter((d) => d.always || q.group.has(d.name));
  const keys = sql.raw(`(${dims.map((d) => d.column).join(", ")})`);
  const conditions = [
    sql`day BETWEEN ${q.from} AND ${q.to}`,
    storeScope(q.stores, { wanted: q.filters.store_id }),
    ...Object.entries(spec.filters).map(([param, column]) => {
      const wanted = q.filters[param];
      return wanted ? inList(column, wanted) : undefined;
    }),
    spec.where?.(q),
  ].filter((c): c is SQL => c !== undefined);
  return { dims, keys, where: sql.join(conditions, sql` AND `) };
}

/** Up to `limit + 1` groups after the cursor, in key order, from one database. */
async function groupedRows(d1: D1Reads, spec: GroupedSpec, q: GroupedQuery, shape: ReturnType<typeof pageShape>): Promise<RawRow[]> {
  const { dims, keys, where } = shape;
  const after = q.cursor === undefined ? undefined : decodeKey(q.cursor, dims.length);
  const select = [
    ...dims.flatMap((d) => [`${d.column} AS "${d.name}"`, ...(d.label ? [`${d.label} AS "${d.name}_label"`] : [])]),
    ...Object.entries(spec.measures).map(([name, agg]) => `${agg} AS "${name}"`),
  ].join(", ");
  const source = spec.table(q.group);
  return all<RawRow>(
    d1,
    sql`SELECT ${sql.raw(select)} FROM ${typeof source === "string" ? sql.identifier(source) : source}
      WHERE ${where}${after ? sql` AND ${keys} > ${rowValue(after)}` : sql``}
      GROUP BY ${sql.raw(dims.map((d) => d.column).join(", "))}
      ORDER BY ${sql.raw(dims.map((d) => d.column).join(", "))}
      LIMIT ${q.limit + 1}`,
  );
}

/** SQLite's order of row values, element by element: NULL first, then numbers, then text (by code unit). */
export function compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
  const rank = (v: unknown) => (v === null || v === undefined ? 0 : typeof v === "number" ? 1 : 2);
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (rank(x) !== rank(y)) return rank(x) - rank(y);
    if (x === y || rank(x) === 0) continue;
    return (x as number | string) < (y as number | string) ? -1 : 1;
  }
  return 0;
}

/**
 * The first `limit` rows of several shards' pages of one keyset query (each its first `limit + 1` after the same
 * cursor), in key order, and whether there are more. Keys are unique across shards (they hold an order id).
 */
export function firstOfPages<R>(pages: readonly R[][], keyOf: (r: R) => readonly unknown[], limit: number): { rows: R[]; more: boolean } {
  const rows = pages.length === 1 ? [...pages[0]!] : pages.flat().sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

const AGGREGATE = /^(SUM|COUNT|MIN|MAX)\(/;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const both = (f: (x: number, y: number) => number) => (x: unknown, y: unknown) => {
  const [a, b] = [num(x), num(y)];
  return a === null ? b : b === null ? a : f(a, b);
};
const MERGES: Record<string, (x: unknown, y: unknown) => number | null> = { SUM: both((x, y) => x + y), COUNT: both((x, y) => x + y), MIN: both(Math.min), MAX: both(Math.max) };

/**
 * How a measure's values from two shards combine: by the spec's `merge`, else by its aggregate (sums and counts
 * add, MIN and MAX keep the smaller and the larger; NULL, an aggregate over no value, gives way to the other).
 */
export function mergerOf(spec: Pick<GroupedSpec, "measures" | "merge">, name: string): Merge {
  const own = spec.merge?.[name];
  if (own) return own;
  const kind = AGGREGATE.exec(spec.measures[name] ?? "")?.[1];
  if (!kind) throw new Error(`report measure ${name} (${spec.measures[name]}) needs a merge across shards (GroupedSpec.merge)`);
  const merge = MERGES[kind]!;
  return (a, b) => merge(a[name], b[name]);
}

/**
 * One page from the shards' pages of one query: groups with the same key added together (`mergerOf`), in key order,
 * the first `limit` of them, and whether there are more. Each shard gave its first `limit + 1` groups after the same
 * cursor, so the first `limit` keys of them all are complete: a shard holding one of them holds it among its first.
 */
export function mergeGroupedPages(pages: readonly RawRow[][], dims: readonly Dim[], spec: Pick<GroupedSpec, "measures" | "merge">, limit: number) {
  const keyOf = (r: RawRow) => dims.map((d) => r[d.name]);
  const labels = dims.filter((d) => d.label).map((d) => `${d.name}_label`);
  const merges = Object.keys(spec.measures).map((m) => [m, mergerOf(spec, m)] as const);
  const byKey = new Map<string, RawRow>();
  for (const row of pages.flat()) {
    const id = JSON.stringify(keyOf(row));
    const seen = byKey.get(id);
    if (!seen) {
      byKey.set(id, { ...row });
      continue;
    }
    const merged: RawRow = { ...seen };
    for (const [m, merge] of merges) merged[m] = merge(seen, row, m);
    for (const l of labels) merged[l] = seen[l] === null || (row[l] !== null && compareKeys([row[l]], [seen[l]]) < 0) ? row[l]! : seen[l]!;
    byKey.set(id, merged);
  }
  const rows = [...byKey.values()].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/**
 * A page of a grouped report over `shards` (one read each, side by side; docs/SHARDING.md build step 7): the
 * databases holding the caller's stores. With one, its rows as they come.
 */
export async function queryGrouped(shards: readonly D1Reads[], spec: GroupedSpec, q: GroupedQuery): Promise<GroupedResult> {
  const shape = pageShape(spec, q);
  const pages = await Promise.all(shards.map((d1) => groupedRows(d1, spec, q, shape)));
  const { rows: page, more } = pages.length === 1 ? { rows: pages[0]!.slice(0, q.limit), more: pages[0]!.length > q.limit } : mergeGroupedPages(pages, shape.dims, spec, q.limit);
  const keyOf = (r: RawRow) => shape.dims.map((d) => r[d.name]);
  return {
    rows: page,
    next: more ? encodeKey(keyOf(page.at(-1)!)) : null,
    page: { dims: shape.dims, where: shape.where, keys: shape.keys, first: page[0] ? keyOf(page[0]) : null, last: page.at(-1) ? keyOf(page.at(-1)!) : null },
  };
}
