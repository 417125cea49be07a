/**
 * Recognising customers: each order with an email or phone belongs to the
 * customer who owns that identity (the merchant-wide blind index of the
 * normalised value), or to a new one. Run by the rollups
 * (src/analytics/run-rollups.ts), a bounded slice each time:
 *   1. orders changed since the watermark (new orders, changed contacts,
 *      new statuses for the figures), in (updated_at, id) order;
 *   2. the backfill: every order by id, once, for orders from before
 *      customers existed, computing their merchant indexes on the way.
 *
 * Invariants:
 * - Each order is linked in one D1 batch whose statements resolve the
 *   customer in SQL, so a merge committing between our read and our write
 *   cannot leave an order on a merged customer: the identity already
 *   points at the customer it was merged into.
 * - Recognition never merges two existing customers (an email of one and
 *   a phone of another): the email wins the order, and staff merge.
 * - Re-running a slice changes nothing: identities are unique, links are
 *   keyed by the order and rewritten only when the order's contact changed.
 */
import { sql } from "drizzle-orm";
import { all, batch, first, statement } from "../analytics/d1";
import { contactIndexes } from "../db/contact-index";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { merchantIndex } from "../lib/pii-crypto";
import { anyOf, database, d1 as binding } from "../db/client";
import { orders } from "../db/schema";
import { inArray } from "drizzle-orm";
import { nameTerms } from "./customer-rules";

type Scanned = { id: string; updated_at: number; e: string | null; p: string | null };

export const LINK_BATCH = 100;

/** The blind indexes a customer's name is searched by. */
export const nameTermIndexes = (name: string | null | undefined) => nameTerms(name).map((t) => merchantIndex("name", t));

/** The statements that link one order (see the invariants above). */
function linkStatements(d1: D1Database, o: { id: string; e: string | null; p: string | null; terms: string[] }, now: number): D1PreparedStatement[] {
  const fresh = newId("cst", now);
  const owner = (kind: "email" | "phone", index: string | null) => sql`(SELECT customer_id FROM customer_identities WHERE kind = ${kind} AND value_index = ${index})`;
  const current = sql`(SELECT customer_id FROM customer_links WHERE order_id = ${o.id})`;
  return [
    // Whoever had this order before a contact change has one order fewer.
    statement(d1, sql`UPDATE customers SET dirty = dirty + 1 WHERE id = ${current}`),
    statement(
      d1,
      sql`INSERT INTO customers (id, status, created_at, updated_at) SELECT ${fresh}, 'active', ${now}, ${now}
          WHERE NOT EXISTS (SELECT 1 FROM customer_identities WHERE (kind = 'email' AND value_index = ${o.e}) OR (kind = 'phone' AND value_index = ${o.p}))`,
    ),
    statement(
      d1,
      sql`INSERT INTO customer_events (id, customer_id, type, actor, created_at) SELECT ${newId("cev", now)}, ${fresh}, 'created', 'system', ${now}
          WHERE EXISTS (SELECT 1 FROM customers WHERE id = ${fresh})`,
    ),
    ...(["email", "phone"] as const).flatMap((kind) => {
      const index = kind === "email" ? o.e : o.p;
      const other = kind === "email" ? owner("phone", o.p) : owner("email", o.e);
      if (index === null) return [];
      return [
        statement(
          d1,
          sql`INSERT INTO customer_identities (kind, value_index, customer_id, home_customer_id, created_at)
              SELECT ${kind}, ${index}, c, c, ${now} FROM (SELECT COALESCE(${other}, ${fresh}) AS c) WHERE c IN (SELECT id FROM customers)
              ON CONFLICT (kind, value_index) DO NOTHING`,
        ),
      ];
    }),
    statement(
      d1,
      sql`INSERT INTO customer_links (order_id, customer_id, home_customer_id, email_index, phone_index, linked_at)
          SELECT ${o.id}, customer_id, home_customer_id, ${o.e}, ${o.p}, ${now} FROM customer_identities
          WHERE (kind = 'email' AND value_index = ${o.e}) OR (kind = 'phone' AND value_index = ${o.p})
          ORDER BY kind = 'email' DESC LIMIT 1
          ON CONFLICT (order_id) DO UPDATE SET customer_id = excluded.customer_id, home_customer_id = excluded.home_customer_id,
            email_index = excluded.email_index, phone_index = excluded.phone_index, linked_at = excluded.linked_at
          WHERE customer_links.email_index IS NOT excluded.email_index OR customer_links.phone_index IS NOT excluded.phone_index`,
    ),
    // The figures are recounted; the name, contact and address shown are the newest order's (copied sealed as they are).
    statement(d1, sql`UPDATE customers SET dirty = dirty + 1, updated_at = ${now} WHERE id = ${current}`),
    statement(
      d1,
      sql`UPDATE customers SET name = o.customer_name, email = o.customer_email, phone = o.customer_phone, address = o.shipping_address, name_terms = ${JSON.stringify(o.terms)}
          FROM (SELECT customer_name, customer_email, customer_phone, shipping_address, created_at FROM orders WHERE id = ${o.id}) AS o
          WHERE customers.id = ${current} AND customers.status = 'active'
            AND NOT EXISTS (SELECT 1 FROM customer_links l JOIN orders x ON x.id = l.order_id WHERE l.customer_id = customers.id AND x.created_at > o.created_at)`,
    ),
  ];
}

async function namesOf(env: ShardEnv, ids: string[]): Promise<Map<string, typeof orders.$inferSelect>> {
  if (!ids.length) return new Map();
  const rows = await database(env)
    .select()
    .from(orders)
    .where(inArray(orders.id, anyOf(ids)))
    .all();
  return new Map(rows.map((r) => [r.id, r]));
}

async function ensureState(d1: D1Database): Promise<{ updated_at: number; order_id: string; backfill_after: string }> {
  await d1.prepare("INSERT INTO customer_sync_state (id, updated_at, order_id, backfill_after) VALUES (1, 0, '', '') ON CONFLICT (id) DO NOTHING").run();
  return (await first<{ updated_at: number; order_id: string; backfill_after: string }>(
    d1,
    sql`SELECT updated_at, order_id, backfill_after FROM customer_sync_state WHERE id = 1`,
  ))!;
}

/**
 * Links orders changed up to `upTo` (step 1 above); returns how many orders it read.
 * `updated_at >= cursor` first: it bounds the time index's range. Written only as
 * `updated_at > x OR (updated_at = x AND id > y)`, SQLite read every order changed
 * since the cursor and sorted them for each slice of 100: 0.1-0.2 s per slice at
 * 100,000 orders, so a backlog's walk was quadratic and took whole runs.
 */
export async function linkChangedOrders(env: ShardEnv, { upTo, limit = LINK_BATCH }: { upTo: number; limit?: number }): Promise<number> {
  const d1 = binding(env);
  const state = await ensureState(d1);
  const rows = await all<Scanned>(
    d1,
    sql`SELECT id, updated_at, customer_email_merchant_index AS e, customer_phone_merchant_index AS p FROM orders
        WHERE updated_at >= ${state.updated_at} AND (updated_at > ${state.updated_at} OR id > ${state.order_id}) AND updated_at <= ${upTo}
        ORDER BY updated_at, id LIMIT ${limit}`,
  );
  if (!rows.length) return 0;
  const now = Date.now();
  const withContact = rows.filter((r) => r.e !== null || r.p !== null);
  const full = await namesOf(
    env,
    withContact.map((r) => r.id),
  );
  const last = rows[rows.length - 1]!;
  await batch(d1, [
    ...withContact.flatMap((r) => linkStatements(d1, { ...r, terms: nameTermIndexes(full.get(r.id)?.customerName) }, now)),
    statement(d1, sql`UPDATE customer_sync_state SET updated_at = ${last.updated_at}, order_id = ${last.id} WHERE id = 1`),
  ]);
  return rows.length;
}

/**
 * Links orders that have no customer yet, walking every order by id once
 * (step 2): orders from before migration 0031 get their merchant indexes
 * here (the re-seal job fills them too), guarded by `updated_at` so a
 * concurrent edit's own indexes win.
 */
export async function backfillLinks(env: ShardEnv, { limit = LINK_BATCH }: { limit?: number } = {}): Promise<number> {
  const d1 = binding(env);
  const state = await ensureState(d1);
  const rows = await all<{ id: string; linked: number }>(
    d1,
    sql`SELECT o.id, EXISTS (SELECT 1 FROM customer_links l WHERE l.order_id = o.id) AS linked FROM orders o WHERE o.id > ${state.backfill_after} ORDER BY o.id LIMIT ${limit}`,
  );
  if (!rows.length) return 0;
  const now = Date.now();
  const full = await namesOf(
    env,
    rows.filter((r) => !r.linked).map((r) => r.id),
  );
  const statements = [...full.values()].flatMap((o) => {
    const ix = contactIndexes({ storeId: o.storeId, email: o.customerEmail, phone: o.customerPhone, country: o.shippingAddress.country });
    if (ix.customerEmailMerchantIndex === null && ix.customerPhoneMerchantIndex === null) return [];
    return [
      statement(
        d1,
        sql`UPDATE orders SET customer_email_merchant_index = ${ix.customerEmailMerchantIndex}, customer_phone_merchant_index = ${ix.customerPhoneMerchantIndex}
            WHERE id = ${o.id} AND updated_at = ${o.updatedAt}`,
      ),
      ...linkStatements(d1, { id: o.id, e: ix.customerEmailMerchantIndex, p: ix.customerPhoneMerchantIndex, terms: nameTermIndexes(o.customerName) }, now),
    ];
  });
  await batch(d1, [...statements, statement(d1, sql`UPDATE customer_sync_state SET backfill_after = ${rows[rows.length - 1]!.id} WHERE id = 1`)]);
  return rows.length;
}
