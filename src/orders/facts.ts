/**
 * Guard facts (an order's shipments, its service tasks: src/orders/stage.ts `FactLoader`) read once per binding's
 * prepared statement, by the object or by a caller in its own batch; and the check a commit makes when it decided on
 * rows a caller read: a statement that fails the whole batch unless the fact query, run inside the commit, gives the
 * same rows. A caller that has just written a shipment (a handover, a carrier's delivery) reads the facts in its own
 * batch, so the order object ships or delivers in one round trip instead of two.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { inBatch, type Item, perDatabase } from "../db/prepared";
import { orderEvents } from "../db/schema";
import type { FactLoader, LoadedFact } from "./stage";

type AnyLoader = FactLoader<LoadedFact>;
type Prepared = ReturnType<ReturnType<AnyLoader["query"]>["prepare"]>;

/** One prepared statement per loader and binding: `perDatabase`, for each loader. */
function perLoader<Q>(build: (db: Database, loader: AnyLoader) => Q) {
  const byLoader = new WeakMap<AnyLoader, (db: Database) => Q>();
  return (db: Database, loader: AnyLoader): Q => {
    let of = byLoader.get(loader);
    if (!of) byLoader.set(loader, (of = perDatabase((d) => build(d, loader))));
    return of(db);
  };
}

const readOf = perLoader((db, loader) => loader.query(db, sql.placeholder("orderId")).prepare());

/** The loader's rows for `orderId`, as an item of a batch. */
export function factRead<K extends LoadedFact>(db: Database, loader: FactLoader<K>, orderId: string): Item<unknown[]> {
  return inBatch(readOf(db, loader as AnyLoader) as Prepared, { orderId }) as Item<unknown[]>;
}

/**
 * NOT NULL fails it, so the batch rolls back, unless the order's fact rows are exactly those given (as many, and
 * each of them among them): an event without a `seq`, inserted only when they do not hold. When they hold it inserts
 * nothing, and it never writes the order row (test/structure/one-writer.test.mjs).
 */
const checkOf = perLoader((db, loader) => {
  const rows = loader.query(db, sql.placeholder("orderId"));
  const same: SQL = sql`(SELECT count(*) FROM (${rows}) f) = ${sql.placeholder("count")}
    AND NOT EXISTS (SELECT 1 FROM (${rows}) f WHERE ${loader.identity.sql} NOT IN (SELECT value FROM json_each(${sql.placeholder("rows")})))`;
  // The columns of order_events in order: id, order_id, seq, type, from_status, to_status, actor, reason,
  // internal_note, customer_message, data, created_at, previous_at, last_approved_at, last_shipped_at.
  return db
    .insert(orderEvents)
    .select(
      sql`SELECT 'facts_moved', ${sql.placeholder("orderId")}, NULL, 'facts_moved', NULL, 'received', 'kernel', NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL WHERE NOT (${same})`,
    )
    .prepare();
});

/** The statement that fails a commit when the rows a caller read are no longer the order's (`factsMoved`). */
export function factsStillHold<K extends LoadedFact>(db: Database, loader: FactLoader<K>, orderId: string, rows: readonly unknown[]): Item<D1Result> {
  return inBatch(checkOf(db, loader as AnyLoader) as unknown as Prepared, { orderId, count: rows.length, rows: JSON.stringify(rows.map(loader.identity.of)) }) as Item<D1Result>;
}

/** Whether a commit failed on `factsStillHold`. */
export const factsMoved = (err: unknown) =>
  /NOT NULL constraint failed: order_events\.seq/.test(`${err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err)}`);
