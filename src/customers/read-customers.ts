/**
 * Reading customers: the list and search, one customer's profile, what a privacy export holds. Customers and their
 * links are on the directory; a link names its order's store and carries the facts the figures count, so lists,
 * search and scope read the directory alone. What only the orders hold (their contact, lines, after-sales, messages,
 * invoices) is read on each order's shard, by the ids the links give (`byShardOfIds`).
 */
import { and, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import { all } from "../analytics/d1";
import { anyOf, database, directory, directoryD1 } from "../db/client";
import { byShardOfIds } from "../db/fan-out";
import { merchantEmailIndex, merchantPhoneIndex } from "../db/contact-index";
import { afterSalesRequests, blocklistEntries, customerEvents, customerLinks, customers, invoices, notifications, orderLines, orders } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { merchantIndex } from "../lib/pii-crypto";
import { type CustomerStats, customerStats, customerStatsOfGroups, nameTerms, type OrderGroup, searchKind } from "./customer-rules";
import { customerScope, orderStoreScope } from "./scope";

export type CustomerRow = typeof customers.$inferSelect;
export type ListFilter = {
  q?: string | undefined;
  country?: string | undefined;
  tag?: string | undefined;
  segment?: string | undefined;
  status: CustomerRow["status"];
  before?: string | undefined;
  limit: number;
};

/** The search box: an email or phone is looked up by its merchant-wide blind index, a name by the blind indexes of its words. */
function searchCondition(p: Principal, q: string, country: string | undefined): SQL {
  const kind = searchKind(q);
  if (kind !== "name") {
    const index = kind === "email" ? merchantEmailIndex(q) : merchantPhoneIndex(q, country ?? null);
    const owner = sql`${customers.id} IN (SELECT customer_id FROM customer_identities WHERE kind = ${kind} AND value_index = ${index})`;
    const inStores = orderStoreScope(p, sql`l.store_id`);
    if (!inStores) return owner;
    // A store-scoped reader finds a customer only by an email or phone used on an order of their stores: the identity may
    // come from another store's order. A link holds the merchant indexes its order was recognised by.
    const column = kind === "email" ? sql`l.email_index` : sql`l.phone_index`;
    return sql`${owner} AND EXISTS (SELECT 1 FROM customer_links l WHERE l.customer_id = ${customers.id} AND ${column} = ${index} AND ${inStores})`;
  }
  const words = nameTerms(q);
  // Every word of the query among the name's (the first term is the whole query, which a longer name need not hold).
  const wanted = (words.length > 1 ? words.slice(1) : words).map((t) => merchantIndex("name", t));
  return and(...wanted.map((w) => sql`EXISTS (SELECT 1 FROM json_each(${customers.nameTerms}) WHERE value = ${w})`))!;
}

/** A page of customers as this principal may see it: a store-scoped reader gets figures from their stores' orders (`withScopedFigures`). */
export async function listCustomers(env: ShardEnv, p: Principal, f: ListFilter): Promise<CustomerRow[]> {
  return withScopedFigures(env, p, await customerRows(env, p, f));
}

async function customerRows(env: ShardEnv, p: Principal, f: ListFilter): Promise<CustomerRow[]> {
  return directory(env)
    .select()
    .from(customers)
    .where(
      and(
        eq(customers.status, f.status),
        customerScope(p),
        f.q ? searchCondition(p, f.q, f.country) : undefined,
        f.tag ? sql`EXISTS (SELECT 1 FROM json_each(${customers.tags}) WHERE value = ${f.tag.trim().toLowerCase()})` : undefined,
        f.segment ? eq(customers.rfmSegment, f.segment as NonNullable<CustomerRow["rfmSegment"]>) : undefined,
        f.before === undefined ? undefined : lt(customers.id, f.before),
      ),
    )
    .orderBy(desc(customers.id))
    .limit(f.limit + 1)
    .all();
}

/**
 * The stored figures and segment are merchant-wide (the rollups keep them);
 * a store-scoped reader must learn only of their stores' orders. So their
 * page's figures are counted again from those orders, in one grouped query
 * for the whole page (the ids as one JSON parameter), by the same rules as
 * the rollups (`customerStatsOfGroups`); the segment, which ranks a
 * customer among all the merchant's, is not shown to them.
 */
export async function withScopedFigures(env: ShardEnv, p: Principal, rows: CustomerRow[]): Promise<CustomerRow[]> {
  const inStores = orderStoreScope(p, sql`l.store_id`);
  if (!inStores || !rows.length) return rows;
  const ids = rows.map((r) => r.id);
  const dir = directoryD1(env);
  // The contact shown is the newest order's: for them, the newest of their stores' orders, read on its shard.
  const newestRead = all<{ customer_id: string; order_id: string }>(
    dir,
    sql`SELECT customer_id, order_id FROM (SELECT l.customer_id, l.order_id, ROW_NUMBER() OVER (PARTITION BY l.customer_id ORDER BY l.order_created_at DESC, l.order_id DESC) AS rn
        FROM customer_links l WHERE l.customer_id IN ${anyOf(ids)} AND ${inStores}) WHERE rn = 1`,
  );
  const groupsRead = all<{
    customer_id: string;
    status: string;
    payment_status: string;
    currency: string;
    n: number;
    total: number;
    first_at: number;
    last_at: number;
  }>(
    dir,
    sql`SELECT l.customer_id, l.order_status AS status, l.payment_status, l.currency, COUNT(*) AS n, SUM(l.total_amount) AS total,
          MIN(l.order_created_at) AS first_at, MAX(l.order_created_at) AS last_at
        FROM customer_links l
        WHERE l.customer_id IN ${anyOf(ids)} AND ${inStores}
        GROUP BY l.customer_id, l.order_status, l.payment_status, l.currency`,
  );
  const [groups, newest] = await Promise.all([groupsRead, newestRead]);
  const contacts = await byShardOfIds(
    env,
    newest.map((n) => n.order_id),
    (onIt, orderIds) =>
      database(onIt)
        .select({ id: orders.id, name: orders.customerName, email: orders.customerEmail, phone: orders.customerPhone, address: orders.shippingAddress })
        .from(orders)
        .where(inArray(orders.id, anyOf(orderIds)))
        .all(),
  );
  const contactOfOrder = new Map(contacts.map((c) => [c.id, c]));
  const contactOf = new Map(newest.map((n) => [n.customer_id, contactOfOrder.get(n.order_id)]));
  const byCustomer = new Map<string, OrderGroup[]>();
  for (const g of groups) {
    const list = byCustomer.get(g.customer_id) ?? [];
    list.push({ status: g.status, paymentStatus: g.payment_status, currency: g.currency, count: g.n, totalAmount: g.total, firstAt: g.first_at, lastAt: g.last_at });
    byCustomer.set(g.customer_id, list);
  }
  return rows.map((r) => withFigures(r, customerStatsOfGroups(byCustomer.get(r.id) ?? []), contactOf.get(r.id)));
}

type OrderContact = { name: string; email: string | null; phone: string | null; address: CustomerRow["address"] };

/**
 * The row with figures counted within the reader's stores, no merchant-wide
 * segment, and the contact of the newest order of their stores (none if the
 * customer has none there: a merged customer seen through its home links).
 */
function withFigures(r: CustomerRow, s: CustomerStats, contact: OrderContact | undefined): CustomerRow {
  return {
    ...r,
    name: contact?.name ?? null,
    email: contact?.email ?? null,
    phone: contact?.phone ?? null,
    address: contact?.address ?? null,
    ordersCount: s.ordersCount,
    spent: s.spent,
    firstOrderAt: s.firstOrderAt,
    lastOrderAt: s.lastOrderAt,
    mainCurrency: s.mainCurrency,
    mainSpent: s.mainSpent,
    rfmRecency: null,
    rfmFrequency: null,
    rfmMonetary: null,
    rfmSegment: null,
  };
}

export async function findCustomer(env: ShardEnv, p: Principal, id: string): Promise<CustomerRow | null> {
  return (
    (await directory(env)
      .select()
      .from(customers)
      .where(and(eq(customers.id, id), customerScope(p)))
      .get()) ?? null
  );
}

export type Profile = {
  customer: CustomerRow;
  orders: (typeof orders.$inferSelect)[];
  stats: CustomerStats;
  afterSales: (typeof afterSalesRequests.$inferSelect)[];
  blocked: { id: string; storeId: string; kind: string }[];
  events: (typeof customerEvents.$inferSelect)[];
  mergedFrom: string[];
};

/** The customers merged into this one, at any depth: their notes and history are part of its profile. */
export const mergedTree = (id: string) => sql`(WITH RECURSIVE d(id) AS (SELECT ${id} UNION SELECT c.id FROM customers c JOIN d ON c.merged_into = d.id) SELECT id FROM d)`;

export async function customerProfile(env: ShardEnv, p: Principal, id: string): Promise<Profile | null> {
  const customer = await findCustomer(env, p, id);
  if (!customer) return null;
  const dir = directory(env);
  const [links, events, merged] = await dir.batch([
    dir
      .select({ id: customerLinks.orderId })
      .from(customerLinks)
      .where(and(eq(customerLinks.customerId, id), orderStoreScope(p, sql`${customerLinks.storeId}`))),
    dir
      .select()
      .from(customerEvents)
      .where(sql`${customerEvents.customerId} IN ${mergedTree(id)}`)
      .orderBy(desc(customerEvents.id))
      .limit(200),
    dir.select({ id: customers.id }).from(customers).where(eq(customers.mergedInto, id)),
  ]);
  // The linked orders, their after-sales requests and the blocklist entries that match them, on each order's shard.
  const parts = await byShardOfIds(
    env,
    links.map((l) => l.id),
    async (onIt, orderIds) => {
      const db = database(onIt);
      const ids = anyOf(orderIds);
      const [o, a, b] = await db.batch([
        db.select().from(orders).where(inArray(orders.id, ids)),
        db.select().from(afterSalesRequests).where(inArray(afterSalesRequests.orderId, ids)),
        // Blocked in a store under any email or phone the customer ordered with there: matched through the orders' own per-store indexes.
        db
          .selectDistinct({ id: blocklistEntries.id, storeId: blocklistEntries.storeId, kind: blocklistEntries.kind })
          .from(blocklistEntries)
          .innerJoin(
            orders,
            and(
              eq(orders.storeId, blocklistEntries.storeId),
              sql`((${blocklistEntries.kind} = 'email' AND ${blocklistEntries.valueIndex} = ${orders.customerEmailIndex}) OR (${blocklistEntries.kind} = 'phone' AND ${blocklistEntries.valueIndex} = ${orders.customerPhoneIndex}))`,
            ),
          )
          .where(inArray(orders.id, ids)),
      ]);
      return [{ orders: o, afterSales: a, blocked: b }];
    },
  );
  const orderRows = parts.flatMap((x) => x.orders).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  const afterSales = parts.flatMap((x) => x.afterSales).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const blocked = [...new Map(parts.flatMap((x) => x.blocked).map((b) => [b.id, b])).values()];
  const stats = customerStats(orderRows);
  // The summary's figures too: the stored ones are merchant-wide.
  const newestOrder = orderRows[0];
  const shown =
    p.stores === "*"
      ? customer
      : withFigures(
          customer,
          stats,
          newestOrder && { name: newestOrder.customerName, email: newestOrder.customerEmail, phone: newestOrder.customerPhone, address: newestOrder.shippingAddress },
        );
  return { customer: shown, orders: orderRows, stats, afterSales, blocked, events, mergedFrom: merged.map((m) => m.id) };
}

/** Everything held about a customer, unmasked, for a privacy request: the profile, and each order's lines, messages and invoice. */
export async function customerExport(env: ShardEnv, p: Principal, id: string) {
  const profile = await customerProfile(env, p, id);
  if (!profile) return null;
  const parts = await byShardOfIds(
    env,
    profile.orders.map((o) => o.id),
    async (onIt, orderIds) => {
      const db = database(onIt);
      const ids = anyOf(orderIds);
      const [l, m, i] = await db.batch([
        db.select().from(orderLines).where(inArray(orderLines.orderId, ids)),
        db.select().from(notifications).where(inArray(notifications.orderId, ids)),
        db.select().from(invoices).where(inArray(invoices.orderId, ids)),
      ]);
      return [{ lines: l, messages: m, invoices: i }];
    },
  );
  const lines = parts.flatMap((x) => x.lines);
  const messages = parts.flatMap((x) => x.messages);
  const invoiceRows = parts.flatMap((x) => x.invoices);
  return { profile, lines, messages, invoices: invoiceRows };
}

/** The stores of every order now linked to these customers: what a merge, unmerge or erase reaches. */
export async function storesOf(env: ShardEnv, customerIds: readonly string[]): Promise<string[]> {
  const rows = await directory(env)
    .selectDistinct({ storeId: customerLinks.storeId })
    .from(customerLinks)
    .where(inArray(customerLinks.customerId, anyOf([...customerIds])))
    .all();
  return rows.map((r) => r.storeId);
}
