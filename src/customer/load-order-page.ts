/** What the customer's order page shows: the order, its lines, timeline, holds and after-sales requests, in one round trip. */
import { asc, eq } from "drizzle-orm";
import { database } from "../db/client";
import { afterSalesRequests, channelOrders, orderEvents, orderHoldReasons, orderLines, orders, stores } from "../db/schema";
import type { Env } from "../env";
import { pickLanguage } from "../notifications/templates";
import type { PageModel } from "./page";
import { pagePath } from "./session";

/**
 * `lang`: the language the customer picked, else the order's locale, else the store's language.
 * `superseded`: the page was opened from a link older than the order's newest, so it only shows.
 */
export async function loadOrderPage(env: Env, orderId: string, opts: { lang?: string; superseded?: boolean }) {
  const { lang: langParam, superseded = false } = opts;
  const db = database(env);
  const [o, lines, events, holds, requests] = await db.batch([
    db
      .select({ order: orders, storeName: stores.name, storeLanguage: stores.language, timeZone: stores.timezone, platformName: channelOrders.externalName })
      .from(orders)
      .innerJoin(stores, eq(stores.id, orders.storeId))
      .leftJoin(channelOrders, eq(channelOrders.orderId, orders.id))
      .where(eq(orders.id, orderId)),
    db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.lineNo)),
    db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(asc(orderEvents.seq)),
    db.select({ code: orderHoldReasons.code, params: orderHoldReasons.params }).from(orderHoldReasons).where(eq(orderHoldReasons.orderId, orderId)),
    db.select().from(afterSalesRequests).where(eq(afterSalesRequests.orderId, orderId)).orderBy(asc(afterSalesRequests.id)),
  ]);
  const row = o[0]!;
  const lang = pickLanguage(langParam ?? row.order.locale, row.storeLanguage);
  return {
    lang,
    base: pagePath(orderId),
    superseded,
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
