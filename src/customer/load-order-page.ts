/** What the customer's order page shows: the order, its lines, timeline, holds and after-sales requests, in one round trip. */
import { asc, eq, sql } from "drizzle-orm";
import { database, type Database } from "../db/client";
import { inBatch, perDatabase } from "../db/prepared";
import { afterSalesRequests, channelOrders, orderEvents, orderHoldReasons, orderLines, orders, stores } from "../db/schema";
import type { Env } from "../env";
import { sha256Hex } from "../lib/ids";
import { pickLanguage } from "../notifications/templates";
import type { PageModel } from "./page";
import { pagePath } from "./session";
import { isTokenShape, type OpenedToken, openedFrom, openTokenQuery } from "./tokens";

type PageOptions = { lang?: string | undefined; superseded?: boolean };

/** Built once per binding (src/db/prepared.ts): each customer's visit reads all five, twice an order in the bench. */
const pageStatements = perDatabase((db: Database) => {
  const orderId = sql.placeholder("orderId");
  return {
    order: db
      .select({ order: orders, storeName: stores.name, storeLanguage: stores.language, timeZone: stores.timezone, platformName: channelOrders.externalName })
      .from(orders)
      .innerJoin(stores, eq(stores.id, orders.storeId))
      .leftJoin(channelOrders, eq(channelOrders.orderId, orders.id))
      .where(eq(orders.id, orderId))
      .prepare(),
    lines: db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.lineNo)).prepare(),
    events: db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(asc(orderEvents.seq)).prepare(),
    holds: db.select({ code: orderHoldReasons.code, params: orderHoldReasons.params }).from(orderHoldReasons).where(eq(orderHoldReasons.orderId, orderId)).prepare(),
    requests: db.select().from(afterSalesRequests).where(eq(afterSalesRequests.orderId, orderId)).orderBy(asc(afterSalesRequests.id)).prepare(),
  };
});

function pageQueries(db: Database, orderId: string) {
  const q = pageStatements(db);
  const v = { orderId };
  return [inBatch(q.order, v), inBatch(q.lines, v), inBatch(q.events, v), inBatch(q.holds, v), inBatch(q.requests, v)] as const;
}

const readPage = (db: Database, orderId: string) => db.batch(pageQueries(db, orderId));
type PageRows = Awaited<ReturnType<typeof readPage>>;

function pageFrom(orderId: string, [o, lines, events, holds, requests]: PageRows, opts: PageOptions) {
  const row = o[0]!;
  const lang = pickLanguage(opts.lang ?? row.order.locale, row.storeLanguage);
  return {
    lang,
    base: pagePath(orderId),
    superseded: opts.superseded ?? false,
    storeName: row.storeName,
    timeZone: row.timeZone,
    order: row.order,
    platformName: row.platformName,
    lines,
    events,
    holds,
    requests,
  } satisfies PageModel;
}

/**
 * `lang`: the language the customer picked, else the order's locale, else the store's language.
 * `superseded`: the page was opened from a link older than the order's newest, so it only shows.
 */
export async function loadOrderPage(env: Env, orderId: string, opts: PageOptions) {
  const db = database(env);
  return pageFrom(orderId, await readPage(db, orderId), opts);
}

/**
 * The visit's token checked and the page read in the same round trip: the page is only returned when the token
 * opens this order (the page's rows are read either way and dropped otherwise). Null for no such visit.
 */
export async function loadVisitedPage(
  env: Env,
  orderId: string,
  token: string | undefined,
  opts: PageOptions,
): Promise<{ visit: OpenedToken; page: ReturnType<typeof pageFrom> } | null> {
  if (!token || !isTokenShape(token)) return null;
  const db = database(env);
  const [tokenRows, ...rows] = await db.batch([openTokenQuery(db, await sha256Hex(token), Date.now()), ...pageQueries(db, orderId)]);
  const visit = openedFrom(tokenRows[0]);
  if (!visit || visit.orderId !== orderId) return null;
  return { visit, page: pageFrom(orderId, rows, { ...opts, superseded: !visit.current }) };
}
