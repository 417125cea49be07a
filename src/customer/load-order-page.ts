/** What the customer's order page shows: the order, its lines, timeline, holds and after-sales requests, in one round trip. */
import { asc, eq, sql } from "drizzle-orm";
import { database, readOrPrimary, type Database } from "../db/client";
import { inBatch, perDatabase } from "../db/prepared";
import { afterSalesRequests, channelOrders, orderEvents, orderHoldReasons, orderLines, orders, stores } from "../db/schema";
import type { ShardEnv } from "../env";
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
    // The timeline's columns only: staff's reason and internal note are not even read for the customer's page.
    events: db
      .select({
        type: orderEvents.type,
        fromStatus: orderEvents.fromStatus,
        toStatus: orderEvents.toStatus,
        customerMessage: orderEvents.customerMessage,
        createdAt: orderEvents.createdAt,
      })
      .from(orderEvents)
      .where(eq(orderEvents.orderId, orderId))
      .orderBy(asc(orderEvents.seq))
      .prepare(),
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
export async function loadOrderPage(env: ShardEnv, orderId: string, opts: PageOptions) {
  const db = database(env);
  return pageFrom(orderId, await readPage(db, orderId), opts);
}

/**
 * The visit's token checked and the page read in the same round trip: the page is only returned when the token
 * opens this order (the page's rows are read either way and dropped otherwise). Null for no such visit.
 *
 * A GET, so it may read a replica (src/db/client.ts `readDatabase`), from the visit's bookmark cookie
 * (src/http/bookmark.ts): after the customer's own form, the page shows what it did. A token a replica does not know
 * yet (the link was just sent) is asked again of the primary. A link retired or erased a moment ago may still show
 * its page for as long as the replica lags (seconds); every form post checks the token on the primary.
 */
export async function loadVisitedPage(
  env: ShardEnv,
  orderId: string,
  token: string | undefined,
  opts: PageOptions,
): Promise<{ visit: OpenedToken; page: ReturnType<typeof pageFrom> } | null> {
  if (!token || !isTokenShape(token)) return null;
  const hash = await sha256Hex(token);
  return readOrPrimary(env, async (db) => {
    const [tokenRows, ...rows] = await db.batch([openTokenQuery(db, hash, Date.now()), ...pageQueries(db, orderId)]);
    const visit = openedFrom(tokenRows[0]);
    if (!visit || visit.orderId !== orderId) return null;
    return { visit, page: pageFrom(orderId, rows, { ...opts, superseded: !visit.current }) };
  });
}
