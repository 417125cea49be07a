/**
 * Copying a pool's rows from one database to another (docs/SHARDING.md section 8), one bounded chunk at a time, so
 * the move can run as short requests and pick up where the last one stopped.
 *
 * A table keyed by its own columns is made equal, not appended to: the first pass compares each chunk of the
 * source's rows (by primary key) with the target's rows in the same key range (`syncChunk`), and the catch-up the
 * rows whose keys the guard triggers logged in `move_changes` (`syncKeys`); only what differs is written (upserted,
 * or deleted with what is under it where the source no longer has the row). The logs, keyed by a number each
 * database draws (`LOGS`), are append-only: their new rows are copied and numbered again, with the map kept in
 * `moved_rows`.
 *
 * Every write runs inside `move_writer` (src/db/schema/pool-moves.ts), so the guards let it through and the event
 * triggers stay silent: a copied order is not a new order.
 */
import { ownerPath, PLACEMENT, type TableName } from "../db/placement";

/** The logs: table → its key, drawn by each database (AUTOINCREMENT). No row points to them but deliveries to events. */
export const LOGS = { events: "seq", stock_movements: "id", warehouse_events: "id", webhook_attempts: "id" } as const satisfies Partial<Record<TableName, string>>;
type Log = keyof typeof LOGS;
const isLog = (t: TableName): t is Log => t in LOGS;

/**
 * Parents before children (foreign keys, and `via` paths, which need the parent to find a child), events before the
 * deliveries that name them. Every other owned table follows in placement's order. Deleting goes the other way.
 */
const PARENTS_FIRST: readonly TableName[] = [
  "stores",
  "warehouses",
  "zones",
  "bins",
  "orders",
  "shipments",
  "channel_connections",
  "channel_pushes",
  "settlements",
  "suppliers",
  "purchase_orders",
  "stock_counts",
  "stock_transfers",
  "events",
  "webhook_subscriptions",
];

/** Every table a store or a warehouse owns, in the order a copy must go. */
export const OWNED_TABLES: readonly TableName[] = [
  ...PARENTS_FIRST,
  ...(Object.keys(PLACEMENT) as TableName[]).filter((t) => (PLACEMENT[t].home === "store" || PLACEMENT[t].home === "warehouse") && !PARENTS_FIRST.includes(t)),
];

/** A pool's owners: a store's table is filtered by its stores, a warehouse's by its warehouses. */
export type Owners = { pool: string; stores: readonly string[]; warehouses: readonly string[] };

const ownersFor = (table: TableName, o: Owners) => JSON.stringify(PLACEMENT[table].home === "store" ? o.stores : o.warehouses);

const q = (name: string) => `"${name}"`;

/** The rows of `table` (as `alias`) that belong to the owners in the JSON array bound as `?1`. */
export function ownedWhere(table: TableName, alias = "t"): string {
  const path = ownerPath(table);
  const inOwners = (col: string) => `${col} IN (SELECT value FROM json_each(?1))`;
  if (!path.via) return `(${path.columns.map((c) => inOwners(`${alias}.${q(c)}`)).join(" OR ")})`;
  return `${alias}.${q(path.via.by)} IN (SELECT v."id" FROM ${q(path.via.table)} v WHERE ${path.columns.map((c) => inOwners(`v.${q(c)}`)).join(" OR ")})`;
}

/**
 * Parents as many as the pool's orders, each with a few rows under it (lines, events, items, labels): their
 * children are copied by chunks of parents (`syncViaChunk`). Other parents (subscriptions, connections, suppliers,
 * settlements…) are few, with many rows each: their children are chunked by key with the owner filter.
 */
const PER_ORDER_PARENTS: readonly TableName[] = ["orders", "shipments"];
const PARENTS_PER_CHUNK = 100;

type Shape = { columns: string[]; key: string[] };
const shapes = new Map<string, Shape>();

/** A table's columns and primary key, as the database says (read once per isolate: every database has one schema). */
async function shapeOf(db: D1Database, table: TableName): Promise<Shape> {
  const known = shapes.get(table);
  if (known) return known;
  const { results } = await db.prepare(`PRAGMA table_info(${q(table)})`).all<{ name: string; pk: number }>();
  const shape = {
    columns: results.map((r) => r.name),
    key: results
      .filter((r) => r.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((r) => r.name),
  };
  if (!shape.key.length) throw new Error(`${table} has no primary key: a move cannot tell its rows apart`);
  shapes.set(table, shape);
  return shape;
}

/** A foreign key between two owned tables: `child.column` names `parent.parentColumn`. */
type ForeignKey = { child: TableName; column: string; parent: TableName; parentColumn: string };
let foreignKeys: ForeignKey[] | null = null;

/** Every foreign key among the owned tables, as the database declares them (read once per isolate, in one batch). */
async function keysBetween(db: D1Database): Promise<ForeignKey[]> {
  if (foreignKeys) return foreignKeys;
  const lists = await db.batch<{ from: string; table: string; to: string }>(OWNED_TABLES.map((t) => db.prepare(`PRAGMA foreign_key_list(${q(t)})`)));
  const owned = new Set<string>(OWNED_TABLES);
  foreignKeys = OWNED_TABLES.flatMap((child, i) =>
    lists[i]!.results.filter((k) => owned.has(k.table)).map((k) => ({ child, column: k.from, parent: k.table as TableName, parentColumn: k.to })),
  );
  return foreignKeys;
}

/** The rows that point at a parent row, by a foreign key or by a `via` path: what goes when the parent goes. */
function childrenOf(parent: TableName, keys: readonly ForeignKey[]): { table: TableName; column: string; parentColumn: string }[] {
  const byKey = keys.filter((k) => k.parent === parent).map((k) => ({ table: k.child, column: k.column, parentColumn: k.parentColumn }));
  const byVia = OWNED_TABLES.filter((t) => (PLACEMENT[t] as { via?: string }).via === parent && !byKey.some((k) => k.table === t)).map((t) => ({
    table: t,
    column: (PLACEMENT[t] as { by: string }).by,
    parentColumn: "id",
  }));
  return [...byKey, ...byVia];
}

/**
 * Deletes on the target what the source deleted: a row and, first, every row under it. The source could only have
 * deleted the parent after its children (the keys are NO ACTION), so they are gone there too; rows under a `via`
 * parent would be left where nothing finds them.
 */
function cascade(db: D1Database, table: TableName, where: string, binds: unknown[], keys: readonly ForeignKey[], depth = 0): D1PreparedStatement[] {
  if (depth > 4) throw new Error(`${table}: rows nested deeper than a move expects`);
  const under = childrenOf(table, keys).flatMap((c) =>
    cascade(db, c.table, `${q(c.column)} IN (SELECT ${q(c.parentColumn)} FROM ${q(table)} WHERE ${where})`, binds, keys, depth + 1),
  );
  return [...under, db.prepare(`DELETE FROM ${q(table)} WHERE ${where}`).bind(...binds)];
}

/** D1 binds at most 100 parameters a statement. */
const MAX_PARAMS = 100;

/** Wraps statements in the move's own batch: guards let it through, event triggers stay silent. */
export function asMove(db: D1Database, statements: D1PreparedStatement[]): D1PreparedStatement[] {
  return [db.prepare("INSERT INTO move_writer (id) VALUES (1)"), ...statements, db.prepare("DELETE FROM move_writer")];
}

/** Where a table's pass stands: after this key (null: from the start). */
export type Cursor = unknown[] | null;

export type ChunkResult = { next: Cursor; done: boolean; written: number };

/**
 * What the copy of some columns depends on: a delivery's event and a subscription's start are numbered per
 * database. Returns the rows as the target should have them, and those that cannot be copied yet (held back).
 */
type Translate = (target: D1Database, shape: Shape, rows: unknown[][], owners: Owners, final: boolean) => Promise<{ rows: unknown[][]; held: unknown[][] }>;

/**
 * A delivery names its event by `seq`, which is the target's own numbering for a copied event. A delivery whose
 * event is not copied yet waits; once every event is (`final`), one whose event is still missing names one pruned
 * on the source, and has nothing to name.
 */
const translateDeliveries: Translate = async (target, shape, rows, owners, final) => {
  const at = shape.columns.indexOf("event_seq");
  const seqs = await logMap(
    target,
    owners.pool,
    "events",
    rows.map((r) => r[at] as number),
  );
  const mapped = rows.filter((r) => seqs.has(r[at] as number));
  return {
    rows: mapped.map((r) => r.map((v, i) => (i === at ? seqs.get(r[at] as number) : v))),
    held: final ? [] : rows.filter((r) => !seqs.has(r[at] as number)),
  };
};

/**
 * A subscription gets deliveries for events after its `start_seq`. Every copied event was fanned out on the source
 * before the move froze it (src/pools/move-pool.ts), and its deliveries are copied, so on the target a moved
 * subscription starts after the last copied event: nothing is delivered twice.
 */
const translateSubscriptions: Translate = async (target, shape, rows, owners) => {
  const at = shape.columns.indexOf("start_seq");
  const horizon = await target.prepare("SELECT coalesce(max(to_id), 0) AS n FROM moved_rows WHERE pool_id = ?1 AND log = 'events'").bind(owners.pool).first<{ n: number }>();
  return { rows: rows.map((r) => r.map((v, i) => (i === at ? (horizon?.n ?? 0) : v))), held: [] };
};

const TRANSLATE: Partial<Record<TableName, Translate>> = { webhook_deliveries: translateDeliveries, webhook_subscriptions: translateSubscriptions };

/** The target's ids of the given source ids of one log. */
async function logMap(target: D1Database, pool: string, log: Log, fromIds: readonly number[]): Promise<Map<number, number>> {
  if (!fromIds.length) return new Map();
  const { results } = await target
    .prepare("SELECT from_id, to_id FROM moved_rows WHERE pool_id = ?1 AND log = ?2 AND from_id IN (SELECT value FROM json_each(?3))")
    .bind(pool, log, JSON.stringify(fromIds))
    .all<{ from_id: number; to_id: number }>();
  return new Map(results.map((r) => [r.from_id, r.to_id]));
}

/** A row's key as the guard triggers log it (`json_array` of the key's columns). */
export const keyText = (row: unknown[], keyAt: number[]) => JSON.stringify(keyAt.map((i) => row[i]));
const keyAfter = (key: string[], from: number) => `(${key.map((k) => `t.${q(k)}`).join(", ")}) > (${key.map((_, i) => `?${from + i}`).join(", ")})`;
const keyUpTo = (key: string[], from: number) => `(${key.map((k) => `t.${q(k)}`).join(", ")}) <= (${key.map((_, i) => `?${from + i}`).join(", ")})`;

/**
 * Makes one chunk of `table` equal on the target: the source's next `limit` rows after `after`, against the
 * target's rows in the same key range. Returns where the next chunk starts and how many rows it wrote (rows held back
 * count: the pass is not clean until they are copied).
 */
export async function syncChunk(source: D1Database, target: D1Database, table: TableName, owners: Owners, after: Cursor, limit: number): Promise<ChunkResult> {
  if (isLog(table)) return copyLogChunk(source, target, table, owners, limit);
  const via = ownerPath(table).via;
  if (via && PER_ORDER_PARENTS.includes(via.table)) return syncViaChunk(source, target, table, owners, after);
  const shape = await shapeOf(source, table);
  const cols = shape.columns.map((c) => `t.${q(c)}`).join(", ");
  const order = shape.key.map((k) => `t.${q(k)}`).join(", ");
  const from = `FROM ${q(table)} t WHERE ${ownedWhere(table)}`;
  const owned = ownersFor(table, owners);
  const afterSql = after ? ` AND ${keyAfter(shape.key, 2)}` : "";
  const src = await source
    .prepare(`SELECT ${cols} ${from}${afterSql} ORDER BY ${order} LIMIT ${limit}`)
    .bind(owned, ...(after ?? []))
    .raw();
  const keyAt = shape.key.map((k) => shape.columns.indexOf(k));
  const done = src.length < limit;
  const last = done ? null : keyAt.map((i) => src[src.length - 1]![i]);
  const upTo = last ? ` AND ${keyUpTo(shape.key, 2 + (after?.length ?? 0))}` : "";
  const tgt = await target
    .prepare(`SELECT ${cols} ${from}${afterSql}${upTo} ORDER BY ${order}`)
    .bind(owned, ...(after ?? []), ...(last ?? []))
    .raw();
  const r = await reconcile(source, target, table, owners, shape, src, tgt, false);
  return { next: last, done, written: r.written + r.held.size };
}

/**
 * A chunk of a table whose rows find their owner through an order or a shipment (order lines, events, items): the
 * next 100 parents of the pool after `after`, and all their rows on both sides. Filtering by owner instead would
 * gather every order id of the pool again for each chunk, a cost that grows with the pool (about 25 ms a chunk at
 * 50,000 orders of a store); this walks the parents once.
 */
async function syncViaChunk(source: D1Database, target: D1Database, table: TableName, owners: Owners, after: Cursor): Promise<ChunkResult> {
  const via = ownerPath(table).via!;
  const { results: parents } = await source
    .prepare(`SELECT v."id" AS id FROM ${q(via.table)} v WHERE ${ownedWhere(via.table, "v")}${after ? ' AND v."id" > ?2' : ""} ORDER BY v."id" LIMIT ${PARENTS_PER_CHUNK}`)
    .bind(ownersFor(via.table, owners), ...(after ?? []))
    .all<{ id: string }>();
  const done = parents.length < PARENTS_PER_CHUNK;
  if (!parents.length) return { next: null, done, written: 0 };
  const shape = await shapeOf(source, table);
  const read = `SELECT ${shape.columns.map((c) => `t.${q(c)}`).join(", ")} FROM ${q(table)} t WHERE t.${q(via.by)} IN (SELECT value FROM json_each(?1))`;
  const ids = JSON.stringify(parents.map((p) => p.id));
  const [src, tgt] = await Promise.all([source.prepare(read).bind(ids).raw(), target.prepare(read).bind(ids).raw()]);
  const r = await reconcile(source, target, table, owners, shape, src, tgt, false);
  return { next: done ? null : [parents[parents.length - 1]!.id], done, written: r.written + r.held.size };
}

/**
 * Makes the rows of `table` with the given keys (from `move_changes`) equal on the target: copied, changed, or
 * deleted with what is under them. Returns the keys held back (a parent not copied yet, an event not numbered yet):
 * their entries stay for the next round.
 */
export async function syncKeys(source: D1Database, target: D1Database, table: TableName, owners: Owners, keys: readonly string[], final: boolean) {
  const shape = await shapeOf(source, table);
  const cols = shape.columns.map((c) => `t.${q(c)}`).join(", ");
  const byKey = `FROM ${q(table)} t WHERE (${shape.key.map((k) => `t.${q(k)}`).join(", ")}) IN (SELECT ${shape.key
    .map((_, i) => `json_extract(value, '$[${i}]')`)
    .join(", ")} FROM json_each(?1))`;
  const list = `[${keys.join(",")}]`;
  const [src, tgt] = await Promise.all([source.prepare(`SELECT ${cols} ${byKey}`).bind(list).raw(), target.prepare(`SELECT ${cols} ${byKey}`).bind(list).raw()]);
  return reconcile(source, target, table, owners, shape, src, tgt, final);
}

/**
 * Writes what makes the target's rows `tgt` equal to the source's rows `src` (the same keys or key range): upserts
 * what differs, deletes what the source no longer has, with every row under it. Returns the rows written and the
 * keys held back.
 */
async function reconcile(source: D1Database, target: D1Database, table: TableName, owners: Owners, shape: Shape, src: unknown[][], tgt: unknown[][], final: boolean) {
  const keyAt = shape.key.map((k) => shape.columns.indexOf(k));
  const translated = TRANSLATE[table] ? await TRANSLATE[table](target, shape, src, owners, final) : { rows: src, held: [] };
  const there = new Map(tgt.map((r) => [keyText(r, keyAt), JSON.stringify(r)]));
  const differing = translated.rows.filter((r) => there.get(keyText(r, keyAt)) !== JSON.stringify(r));
  const keys = await keysBetween(source);
  // A row whose parent is newer than the parent's copy waits for the next round, which copies the parent first.
  const changed = await withParentsThere(target, table, shape, differing, keys);
  const held = new Set([...translated.held, ...differing.filter((r) => !changed.includes(r))].map((r) => keyText(r, keyAt)));
  const kept = new Set(src.map((r) => keyText(r, keyAt)));
  const gone = tgt.filter((r) => !kept.has(keyText(r, keyAt)));
  const writes = [
    ...gone.flatMap((r) =>
      cascade(
        target,
        table,
        shape.key.map((k, i) => `${q(k)} = ?${i + 1}`).join(" AND "),
        keyAt.map((i) => r[i]),
        keys,
      ),
    ),
    ...upserts(target, table, shape, changed),
  ];
  if (writes.length) {
    await target.batch(asMove(target, writes)).catch((err: unknown) => {
      throw new Error(`copying ${table} to the target failed`, { cause: err });
    });
  }
  return { written: changed.length + gone.length, held };
}

/** The rows whose parents (by the owned foreign keys) are on the target already. */
async function withParentsThere(target: D1Database, table: TableName, shape: Shape, rows: unknown[][], keys: readonly ForeignKey[]): Promise<unknown[][]> {
  let ready = rows;
  for (const k of keys.filter((f) => f.child === table)) {
    const at = shape.columns.indexOf(k.column);
    const wanted = [...new Set(ready.map((r) => r[at]).filter((v) => v !== null))];
    if (!wanted.length) continue;
    const { results } = await target
      .prepare(`SELECT ${q(k.parentColumn)} AS v FROM ${q(k.parent)} WHERE ${q(k.parentColumn)} IN (SELECT value FROM json_each(?1))`)
      .bind(JSON.stringify(wanted))
      .all<{ v: unknown }>();
    const present = new Set(results.map((r) => r.v));
    ready = ready.filter((r) => r[at] === null || present.has(r[at]));
  }
  return ready;
}

/** Insert or update by primary key, as many rows a statement as D1's parameter limit allows. */
function upserts(db: D1Database, table: TableName, shape: Shape, rows: unknown[][]): D1PreparedStatement[] {
  if (!rows.length) return [];
  const per = Math.max(1, Math.floor(MAX_PARAMS / shape.columns.length));
  const update = shape.columns.filter((c) => !shape.key.includes(c));
  const onConflict = update.length
    ? `ON CONFLICT (${shape.key.map(q).join(", ")}) DO UPDATE SET ${update.map((c) => `${q(c)} = excluded.${q(c)}`).join(", ")}`
    : "ON CONFLICT DO NOTHING";
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    const values = part.map(() => `(${shape.columns.map(() => "?").join(", ")})`).join(", ");
    statements.push(db.prepare(`INSERT INTO ${q(table)} (${shape.columns.map(q).join(", ")}) VALUES ${values} ${onConflict}`).bind(...part.flat()));
  }
  return statements;
}

/**
 * Copies the next `limit` rows of a log the target does not have yet, numbered again there. Where to start is read
 * from the target (`moved_rows`), so a chunk whose batch committed is never copied twice, whatever the caller kept.
 */
async function copyLogChunk(source: D1Database, target: D1Database, log: Log, owners: Owners, limit: number): Promise<ChunkResult> {
  const shape = await shapeOf(source, log);
  const key = LOGS[log];
  const at = await target.prepare("SELECT coalesce(max(from_id), 0) AS n FROM moved_rows WHERE pool_id = ?1 AND log = ?2").bind(owners.pool, log).first<{ n: number }>();
  const copied = shape.columns.filter((c) => c !== key);
  const src = await source
    .prepare(`SELECT t.${q(key)}, ${copied.map((c) => `t.${q(c)}`).join(", ")} FROM ${q(log)} t WHERE ${ownedWhere(log)} AND t.${q(key)} > ?2 ORDER BY t.${q(key)} LIMIT ${limit}`)
    .bind(ownersFor(log, owners), at?.n ?? 0)
    .raw();
  // An attempt names its delivery by id, which a copy keeps: only events are named by their number.
  const rows = src;
  const insert = `INSERT INTO ${q(log)} (${copied.map(q).join(", ")}) VALUES (${copied.map(() => "?").join(", ")})`;
  const writes = rows.flatMap((r) => [
    target.prepare(insert).bind(...r.slice(1)),
    target.prepare("INSERT INTO moved_rows (pool_id, log, from_id, to_id) VALUES (?1, ?2, ?3, last_insert_rowid())").bind(owners.pool, log, r[0]),
  ]);
  if (writes.length) await target.batch(asMove(target, writes));
  return { next: null, done: src.length < limit, written: rows.length };
}

/**
 * How many of the pool's rows each owned table holds on a database (OWNED_TABLES' order), in one batch: the two sides
 * compared before the switch. A delivery whose event was pruned has nothing to name on the target and is not copied.
 */
export async function countsOf(db: D1Database, owners: Owners): Promise<number[]> {
  const also: Partial<Record<TableName, string>> = { webhook_deliveries: " AND t.event_seq IN (SELECT seq FROM events)" };
  const counts = await db.batch<{ n: number }>(
    OWNED_TABLES.map((t) => db.prepare(`SELECT count(*) AS n FROM ${q(t)} t WHERE ${ownedWhere(t)}${also[t] ?? ""}`).bind(ownersFor(t, owners))),
  );
  return counts.map((c) => c.results[0]?.n ?? 0);
}

/** How many of the pool's rows `table` holds on a database. */
export async function countOwned(db: D1Database, table: TableName, owners: Owners): Promise<number> {
  const row = await db
    .prepare(`SELECT count(*) AS n FROM ${q(table)} t WHERE ${ownedWhere(table)}`)
    .bind(ownersFor(table, owners))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Deletes up to `limit` of the pool's rows of `table` (the source's copy, after the switch); returns how many. */
export async function deleteChunk(db: D1Database, table: TableName, owners: Owners, limit: number): Promise<number> {
  const [, res] = await db.batch(
    asMove(db, [db.prepare(`DELETE FROM ${q(table)} WHERE rowid IN (SELECT t.rowid FROM ${q(table)} t WHERE ${ownedWhere(table)} LIMIT ${limit})`).bind(ownersFor(table, owners))]),
  );
  return res?.meta.changes ?? 0;
}
