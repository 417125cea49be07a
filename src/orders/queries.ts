/**
 * Reads of orders for the API. Store scope is part of every query, so an order outside it is simply not found.
 * They may be a little stale (src/db/client.ts `readDatabase`): in a GET they run on the request's D1 session, which
 * a replica may serve; a client that sends back its write's bookmark reads that write. Nothing here decides a write:
 * the order's object reads the primary for that, and a POST that calls these reads the primary.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { readDatabase, readOrPrimary, type Database } from "../db/client";
import { inBatch, perShape, type ScopeShape, scopedTo, scopeShape, scopeValues } from "../db/prepared";
import { emailIndex, phoneIndex } from "../db/contact-index";
import { orderEvents, orderHoldReasons, orderLines, orders, stores } from "../db/schema";
import { idFloor } from "../lib/ids";
import { currenciesByExponent } from "../lib/money";
import { acrossShards } from "../db/fan-out";
import type { ShardEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import type { z } from "@hono/zod-openapi";
import type { ListOrdersQuery } from "./schemas";
import { containsPattern, searchTerms, trigramPhrase } from "./search-terms";

const scope = (p: Principal, col: AnyColumn | SQL = orders.storeId): SQL | undefined => storeScope(p, col);

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

/** Not found on a replica is asked again of the primary: the order may be one just created. */
export async function getOrder(env: ShardEnv, p: Principal, id: string) {
  return readOrPrimary(env, (db) => orderWithItsLines(db, p, id));
}

async function orderWithItsLines(db: Database, p: Principal, id: string) {
  // One round trip for the order and its lines.
  const q = orderStatements(db, scopeShape({ stores: p.stores }));
  const values = { ...scopeValues({ stores: p.stores }), id };
  const [order, lines] = await db.batch([inBatch(q.order, values), inBatch(q.lines, values)]);
  return order[0] ? { order: order[0], lines } : null;
}

/**
 * Customer contact is sealed at rest, so the search finds a customer by their
 * exact email or phone through the blind indexes, which are keyed per store:
 * one (store, index) pair per store the caller may see (the stores table is small).
 * The pairs are bound as one JSON value and matched as a row value against the
 * (store_id, blind index) indexes: one parameter and a flat expression however many
 * stores there are. As one OR term per store, a merchant with 47 stores or more
 * passed D1's expression depth of 100 and the search failed (and past 200 stores
 * the rest were left out).
 */
async function contactMatches(env: ShardEnv, p: Principal, opts: { text: string; storeId?: string }): Promise<SQL> {
  const db = readDatabase(env);
  const storeIds = opts.storeId ? [opts.storeId] : p.stores !== "*" ? [...p.stores] : (await db.select({ id: stores.id }).from(stores).all()).map((s) => s.id);
  const email = opts.text.includes("@");
  if (!email && !/\d/.test(opts.text)) return sql`0`;
  const pairs = storeIds.map((storeId) => [storeId, email ? emailIndex(storeId, opts.text) : phoneIndex(storeId, opts.text)]);
  const column = email ? orders.customerEmailIndex : orders.customerPhoneIndex;
  return sql`(${orders.storeId}, ${column}) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${JSON.stringify(pairs)}))`;
}

const like = (col: AnyColumn | SQL, substring: string) => sql`${col} LIKE ${containsPattern(substring)} ESCAPE '\\'`;

/**
 * What `q` finds, as one condition, by the text's shape (search-terms.ts). `seeks`: every term of it is served by an
 * index that yields only matching rows (the order id, the blind indexes, the trigram index), so those few rows are
 * where the page should start (listOrders). One or two characters of external id have no trigram: a scan either way.
 */
async function searchFor(env: ShardEnv, p: Principal, text: string, storeId: string | undefined): Promise<{ where: SQL; seeks: boolean }> {
  const terms = searchTerms(text);
  // Contact is sealed: an exact email or phone, through the per-store blind indexes.
  const contact = async (t: string) => inArray(orders.id, contactOrders(env, await contactMatches(env, p, { text: t, storeId })));
  if (terms.kind === "order_id") return { where: eq(orders.id, terms.id), seeks: true };
  if (terms.kind === "email") return { where: await contact(terms.email), seeks: true };
  const external = terms.trigrams
    ? // The trigram index (migrations/0037) gives the candidates; LIKE on the row keeps what SQLite's LIKE matches (the
      // index folds case beyond ASCII, LIKE does not).
      sql`(${orders}.rowid IN (SELECT rowid FROM orders_external_fts WHERE orders_external_fts MATCH ${trigramPhrase(terms.substring)}) AND ${like(orders.externalId, terms.substring)})`
    : // A scan of the narrow orders_store_external_uq (it holds the rowid), of the store's range of it with `store_id`.
      sql`${orders}.rowid IN (SELECT rowid FROM orders WHERE ${storeId ? sql`store_id = ${storeId} AND ` : sql``}${like(sql`external_id`, terms.substring)})`;
  return { where: terms.phone ? or(external, await contact(terms.substring))! : external, seeks: terms.trigrams };
}

/** The ids of the orders a contact search matches, as a subquery that one index serves (no other term beside it). */
function contactOrders(env: ShardEnv, matches: SQL) {
  return readDatabase(env).select({ id: orders.id }).from(orders).where(matches);
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

/**
 * A page of the orders the principal may see, newest first. Narrowed to one store, the request is already on that
 * store's shard (src/http/route-shard.ts); otherwise every shard holding one of the principal's stores is asked for a
 * page after the cursor and the pages are merged by id (src/db/fan-out.ts).
 */
export async function listOrders(env: ShardEnv, p: Principal, q: z.infer<typeof ListOrdersQuery>) {
  const rows = q.store_id
    ? await pageRows(env, p, q)
    : await acrossShards(
        env,
        p.stores,
        (onIt) => pageRows(onIt, p, q),
        (o) => o.id,
      );
  return pageOf(rows, q.limit, (o) => o.id);
}

/** One shard's part of a page: up to `limit + 1` orders after the cursor, newest first. */
async function pageRows(env: ShardEnv, p: Principal, q: z.infer<typeof ListOrdersQuery>) {
  const after = cursorKey(q.cursor, (k) => k.startsWith("ord_"));
  const search = q.q ? await searchFor(env, p, q.q, q.store_id) : undefined;
  // With a search whose terms seek, every other filter is tested on the search's few rows: `+column` keeps SQLite from
  // using that column's index. Left to choose, SQLite (no statistics) takes a store's or a status's index for the more
  // selective, walks all of it in id order and tests each row against the search: 60 ms of database time for a store
  // of 230,000 orders at a million (bench/README.md), against 1-4 ms from the search's rows.
  const c = (col: AnyColumn): SQL => (search?.seeks ? sql`+${col}` : sql`${col}`);
  const where = and(
    scope(p, c(orders.storeId)),
    q.store_id ? eq(c(orders.storeId), q.store_id) : undefined,
    q.status ? inArray(c(orders.status), q.status) : undefined,
    q.channel ? eq(orders.channel, q.channel) : undefined,
    q.created_from ? gte(c(orders.createdAt), Date.parse(q.created_from)) : undefined,
    q.created_to ? lt(c(orders.createdAt), Date.parse(q.created_to)) : undefined,
    // The same range as ids (an order's id is made at its created_at, src/orders/build-order.ts): the page walks
    // the id index from the range's end instead of sorting every order of the range (or scanning every newer one).
    q.created_from ? gte(c(orders.id), idFloor("ord", Date.parse(q.created_from))) : undefined,
    q.created_to ? lt(c(orders.id), idFloor("ord", Date.parse(q.created_to))) : undefined,
    q.updated_since ? gte(c(orders.updatedAt), Date.parse(q.updated_since)) : undefined,
    q.include_archived === "true" ? undefined : isNull(orders.archivedAt),
    q.total_min ? totalCompared(">=", q.total_min) : undefined,
    q.total_max ? totalCompared("<=", q.total_max) : undefined,
    // Both through their indexes (order_lines_sku_idx, order_hold_reasons_code_idx): a few ids, not a scan of lines.
    q.sku ? inArray(orders.id, readDatabase(env).select({ id: orderLines.orderId }).from(orderLines).where(eq(orderLines.sku, q.sku))) : undefined,
    q.reason ? inArray(orders.id, readDatabase(env).select({ id: orderHoldReasons.orderId }).from(orderHoldReasons).where(eq(orderHoldReasons.code, q.reason))) : undefined,
    q.ids ? inArray(orders.id, q.ids.split(",")) : undefined,
    // The few orders of that customer, found through the blind-index indexes and then sorted: as a plain OR beside the
    // page's order, SQLite walks the store's (or every) order by id instead, reading them all for a customer with none.
    q.customer ? inArray(orders.id, contactOrders(env, await contactMatches(env, p, { text: q.customer, storeId: q.store_id }))) : undefined,
    // Each term through an index, so SQLite takes the union of a few rows instead of walking every order by id.
    search?.where,
    // Ids sort by creation time, so "newest first" pages by id.
    after ? lt(c(orders.id), after) : undefined,
  );
  const db = readDatabase(env);
  // A search that seeks reads its matches and sorts them: thousands for text in many external ids. Sorting their ids
  // alone, then reading the page's rows, halves that (20 -> 12.5 ms of database time for `100` at a million orders,
  // bench/README.md): the sorter holds ids, not whole rows with their sealed contact.
  const page = search?.seeks
    ? inArray(
        orders.id,
        db
          .select({ id: orders.id })
          .from(orders)
          .where(where)
          .orderBy(desc(orders.id))
          .limit(q.limit + 1),
      )
    : where;
  return db
    .select()
    .from(orders)
    .where(page)
    .orderBy(desc(orders.id))
    .limit(q.limit + 1)
    .all();
}

export async function listOrderEvents(env: ShardEnv, id: string, opts: { principal: Principal; cursor?: string; limit: number }) {
  const { principal: p, cursor, limit } = opts;
  const after = Number(cursorKey(cursor, (k) => /^\d{1,9}$/.test(k)) ?? 0);
  return readOrPrimary(env, (db) => timeline(db, p, id, { after, limit }));
}

async function timeline(db: Database, p: Principal, id: string, { after, limit }: { after: number; limit: number }) {
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
