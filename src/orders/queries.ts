/** Reads of orders for the API. Store scope is part of every query, so an order outside it is simply not found. */
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { type Database, database } from "../db/client";
import { inBatch, perShape, type ScopeShape, scopedTo, scopeShape, scopeValues } from "../db/prepared";
import { emailIndex, phoneIndex } from "../db/contact-index";
import { orderEvents, orderHoldReasons, orderLines, orders, stores } from "../db/schema";
import { idFloor } from "../lib/ids";
import { currenciesByExponent } from "../lib/money";
import type { Env } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import type { z } from "@hono/zod-openapi";
import type { ListOrdersQuery } from "./schemas";

const scope = (p: Principal): SQL | undefined => storeScope(p, orders.storeId);

/** An order in a principal's store scope and its lines: built once per binding and scope shape (src/db/prepared.ts). */
const orderStatements = perShape((db: Database, shape: ScopeShape) => {
  const id = sql.placeholder("id");
  return {
    order: db
      .select()
      .from(orders)
      .where(and(eq(orders.id, id), scopedTo(shape, orders.storeId)))
      .prepare(),
    lines: db.select().from(orderLines).where(eq(orderLines.orderId, id)).orderBy(asc(orderLines.lineNo)).prepare(),
  };
});

export async function getOrder(env: Env, p: Principal, id: string) {
  const db = database(env);
  // One round trip for the order and its lines.
  const q = orderStatements(db, scopeShape({ stores: p.stores }));
  const values = { ...scopeValues({ stores: p.stores }), id };
  const [order, lines] = await db.batch([inBatch(q.order, values), inBatch(q.lines, values)]);
  return order[0] ? { order: order[0], lines } : null;
}

/** Substring match; `%` and `_` typed by a user are literal characters, not wildcards. */
const contains = (col: AnyColumn, text: string) => sql`${col} LIKE ${`%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`} ESCAPE '\\'`;

/**
 * Customer contact is sealed at rest, so the search finds a customer by their
 * exact email or phone through the blind indexes, which are keyed per store:
 * one comparison per store the caller may see (the stores table is small).
 */
async function contactMatches(env: Env, p: Principal, opts: { text: string; storeId?: string }): Promise<SQL[]> {
  const db = database(env);
  const storeIds = opts.storeId ? [opts.storeId] : p.stores !== "*" ? [...p.stores] : (await db.select({ id: stores.id }).from(stores).all()).map((s) => s.id);
  const out: SQL[] = [];
  for (const storeId of storeIds.slice(0, 200)) {
    if (opts.text.includes("@")) out.push(and(eq(orders.storeId, storeId), eq(orders.customerEmailIndex, emailIndex(storeId, opts.text)))!);
    else if (/\d/.test(opts.text)) out.push(and(eq(orders.storeId, storeId), eq(orders.customerPhoneIndex, phoneIndex(storeId, opts.text)))!);
  }
  return out;
}

/** The rows whose external id holds `text`, read from orders_store_external_uq alone (it holds the rowid). */
function externalIdMatches(text: string, storeId: string | undefined): SQL {
  return sql`SELECT rowid FROM orders WHERE ${storeId ? sql`store_id = ${storeId} AND ` : sql``}${contains(orders.externalId, text)}`;
}

/** The ids of the orders a contact search matches, as a subquery each of whose terms one index serves. */
function contactOrders(env: Env, matches: SQL[]) {
  return (
    database(env)
      .select({ id: orders.id })
      .from(orders)
      // No constant term beside the matches: SQLite serves an OR with one index per term only when every term has one.
      .where(matches.length ? or(...matches) : sql`0`)
  );
}

/** "19.9" at 2 decimals -> 1990; at 0 -> 19.9: a decimal typed in major units, in an order's minor units, exactly. */
export function scaleDecimal(decimal: string, exponent: number): number {
  const [whole = "0", frac = ""] = decimal.split(".");
  const padded = frac.padEnd(exponent, "0");
  return Number(`${whole}${padded.slice(0, exponent)}.${padded.slice(exponent) || "0"}`);
}

/**
 * The order's total against an amount typed in major units: each order in its own currency's minor units, so
 * "50" means 50.00 USD and 50 JPY alike (one CASE over the currencies' decimal places, no per-row function).
 */
function totalCompared(op: ">=" | "<=", decimal: string): SQL {
  const groups = [...currenciesByExponent()].filter(([exp]) => exp !== 2);
  const whens = groups.map(([exp, codes]) => sql` WHEN ${orders.currency} IN (SELECT value FROM json_each(${JSON.stringify(codes)})) THEN ${scaleDecimal(decimal, exp)}`);
  return sql`${orders.totalAmount} ${sql.raw(op)} (CASE${sql.join(whens, sql``)} ELSE ${scaleDecimal(decimal, 2)} END)`;
}

export async function listOrders(env: Env, p: Principal, q: z.infer<typeof ListOrdersQuery>) {
  const after = cursorKey(q.cursor, (k) => k.startsWith("ord_"));
  const where = and(
    scope(p),
    q.store_id ? eq(orders.storeId, q.store_id) : undefined,
    q.status ? inArray(orders.status, q.status) : undefined,
    q.channel ? eq(orders.channel, q.channel) : undefined,
    q.created_from ? gte(orders.createdAt, Date.parse(q.created_from)) : undefined,
    q.created_to ? lt(orders.createdAt, Date.parse(q.created_to)) : undefined,
    // The same range as ids (an order's id is made at its created_at, src/orders/build-order.ts): the page walks
    // the id index from the range's end instead of sorting every order of the range (or scanning every newer one).
    q.created_from ? gte(orders.id, idFloor("ord", Date.parse(q.created_from))) : undefined,
    q.created_to ? lt(orders.id, idFloor("ord", Date.parse(q.created_to))) : undefined,
    q.updated_since ? gte(orders.updatedAt, Date.parse(q.updated_since)) : undefined,
    q.include_archived === "true" ? undefined : isNull(orders.archivedAt),
    q.total_min ? totalCompared(">=", q.total_min) : undefined,
    q.total_max ? totalCompared("<=", q.total_max) : undefined,
    // Both through their indexes (order_lines_sku_idx, order_hold_reasons_code_idx): a few ids, not a scan of lines.
    q.sku ? inArray(orders.id, database(env).select({ id: orderLines.orderId }).from(orderLines).where(eq(orderLines.sku, q.sku))) : undefined,
    q.reason ? inArray(orders.id, database(env).select({ id: orderHoldReasons.orderId }).from(orderHoldReasons).where(eq(orderHoldReasons.code, q.reason))) : undefined,
    q.ids ? inArray(orders.id, q.ids.split(",")) : undefined,
    // The few orders of that customer, found through the blind-index indexes and then sorted: as a plain OR beside the
    // page's order, SQLite walks the store's (or every) order by id instead, reading them all for a customer with none.
    q.customer ? inArray(orders.id, contactOrders(env, await contactMatches(env, p, { text: q.customer, storeId: q.store_id }))) : undefined,
    // Each term through an index, so SQLite takes the union of a few rows instead of walking every order by id. The
    // substring is still a scan, but of the narrow (store_id, external_id) index, not of the orders' sealed rows.
    q.q
      ? or(
          sql`${orders}.rowid IN (${externalIdMatches(q.q, q.store_id)})`,
          eq(orders.id, q.q),
          inArray(orders.id, contactOrders(env, await contactMatches(env, p, { text: q.q, storeId: q.store_id }))),
        )
      : undefined,
    // Ids sort by creation time, so "newest first" pages by id.
    after ? lt(orders.id, after) : undefined,
  );
  const rows = await database(env)
    .select()
    .from(orders)
    .where(where)
    .orderBy(desc(orders.id))
    .limit(q.limit + 1)
    .all();
  return pageOf(rows, q.limit, (o) => o.id);
}

export async function listOrderEvents(env: Env, id: string, opts: { principal: Principal; cursor?: string; limit: number }) {
  const { principal: p, cursor, limit } = opts;
  const after = Number(cursorKey(cursor, (k) => /^\d{1,9}$/.test(k)) ?? 0);
  const db = database(env);
  const [order, events] = await db.batch([
    db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.id, id), scope(p))),
    db
      .select()
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, id), gt(orderEvents.seq, after)))
      .orderBy(asc(orderEvents.seq))
      .limit(limit + 1),
  ]);
  if (!order[0]) return null;
  return pageOf(events, limit, (e) => String(e.seq));
}
