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
 * Customers, identities and links live on the directory; orders on their
 * store's shard. The linker runs once per shard (the cron's turn on it),
 * with its own cursor there (`customer_sync_state`, one row per shard):
 * it reads the shard's orders, then writes the directory. A link carries
 * the order facts the customer pages count (store, time, status, total),
 * copied from the order at each change the scan meets, newer over older
 * only (`order_updated_at`).
 *
 * Invariants:
 * - Each order is linked in one D1 batch on the directory whose statements resolve the
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
import { d1 as binding, database, directoryD1 } from "../db/client";
import { contactIndexes } from "../db/contact-index";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { merchantIndex, open } from "../lib/pii-crypto";
import { nameTerms } from "./customer-rules";

/** An order as the linker reads it on its shard: its facts, its merchant indexes, and its contact still sealed (copied as it is). */
type Scanned = {
  id: string;
  store_id: string;
  updated_at: number;
  created_at: number;
  status: string;
  payment_status: string;
  currency: string;
  total_amount: number;
  e: string | null;
  p: string | null;
  customer_name: string;
  customer_email: string | null;
  customer_phone: string | null;
  shipping_address: string;
};

const SCANNED = sql.raw(`id, store_id, updated_at, created_at, status, payment_status, currency, total_amount,
  customer_email_merchant_index AS e, customer_phone_merchant_index AS p, customer_name, customer_email, customer_phone, shipping_address`);

export const LINK_BATCH = 100;

/** The blind indexes a customer's name is searched by. */
export const nameTermIndexes = (name: string | null | undefined) => nameTerms(name).map((t) => merchantIndex("name", t));

/** The statements that link one order, on the directory (see the invariants above). */
function linkStatements(dir: D1Database, o: Scanned, now: number): D1PreparedStatement[] {
  const fresh = newId("cst", now);
  const owner = (kind: "email" | "phone", index: string | null) => sql`(SELECT customer_id FROM customer_identities WHERE kind = ${kind} AND value_index = ${index})`;
  const current = sql`(SELECT customer_id FROM customer_links WHERE order_id = ${o.id})`;
  const terms = JSON.stringify(nameTermIndexes(open(o.customer_name)));
  return [
    // Whoever had this order before a contact change has one order fewer.
    statement(dir, sql`UPDATE customers SET dirty = dirty + 1 WHERE id = ${current}`),
    statement(
      dir,
      sql`INSERT INTO customers (id, status, created_at, updated_at) SELECT ${fresh}, 'active', ${now}, ${now}
          WHERE NOT EXISTS (SELECT 1 FROM customer_identities WHERE (kind = 'email' AND value_index = ${o.e}) OR (kind = 'phone' AND value_index = ${o.p}))`,
    ),
    statement(
      dir,
      sql`INSERT INTO customer_events (id, customer_id, type, actor, created_at) SELECT ${newId("cev", now)}, ${fresh}, 'created', 'system', ${now}
          WHERE EXISTS (SELECT 1 FROM customers WHERE id = ${fresh})`,
    ),
    ...(["email", "phone"] as const).flatMap((kind) => {
      const index = kind === "email" ? o.e : o.p;
      const other = kind === "email" ? owner("phone", o.p) : owner("email", o.e);
      if (index === null) return [];
      return [
        statement(
          dir,
          sql`INSERT INTO customer_identities (kind, value_index, customer_id, home_customer_id, created_at)
              SELECT ${kind}, ${index}, c, c, ${now} FROM (SELECT COALESCE(${other}, ${fresh}) AS c) WHERE c IN (SELECT id FROM customers)
              ON CONFLICT (kind, value_index) DO NOTHING`,
        ),
      ];
    }),
    statement(
      dir,
      sql`INSERT INTO customer_links (order_id, store_id, customer_id, home_customer_id, email_index, phone_index, linked_at,
            order_created_at, order_status, payment_status, currency, total_amount, order_updated_at)
          SELECT ${o.id}, ${o.store_id}, customer_id, home_customer_id, ${o.e}, ${o.p}, ${now},
            ${o.created_at}, ${o.status}, ${o.payment_status}, ${o.currency}, ${o.total_amount}, ${o.updated_at} FROM customer_identities
          WHERE (kind = 'email' AND value_index = ${o.e}) OR (kind = 'phone' AND value_index = ${o.p})
          ORDER BY kind = 'email' DESC LIMIT 1
          ON CONFLICT (order_id) DO UPDATE SET customer_id = excluded.customer_id, home_customer_id = excluded.home_customer_id,
            email_index = excluded.email_index, phone_index = excluded.phone_index, linked_at = excluded.linked_at
          WHERE (customer_links.email_index IS NOT excluded.email_index OR customer_links.phone_index IS NOT excluded.phone_index)
            AND customer_links.order_updated_at <= excluded.order_updated_at`,
    ),
    ...factStatements(dir, o, now),
    // The name, contact and address shown are the newest order's (copied sealed as they are).
    statement(
      dir,
      sql`UPDATE customers SET name = ${o.customer_name}, email = ${o.customer_email}, phone = ${o.customer_phone}, address = ${o.shipping_address}, name_terms = ${terms}
          WHERE id = ${current} AND status = 'active'
            AND NOT EXISTS (SELECT 1 FROM customer_links l WHERE l.customer_id = customers.id AND l.order_created_at > ${o.created_at})`,
    ),
  ];
}

/**
 * The order's facts as of this read, over older ones only (the figures are counted from them), and its customer's
 * figures to be recounted. Also for an order that lost its email and phone: it keeps its link, and its facts.
 */
function factStatements(dir: D1Database, o: Scanned, now: number): D1PreparedStatement[] {
  return [
    statement(
      dir,
      sql`UPDATE customer_links SET order_status = ${o.status}, payment_status = ${o.payment_status}, currency = ${o.currency}, total_amount = ${o.total_amount},
            order_updated_at = ${o.updated_at}
          WHERE order_id = ${o.id} AND order_updated_at < ${o.updated_at}`,
    ),
    statement(dir, sql`UPDATE customers SET dirty = dirty + 1, updated_at = ${now} WHERE id = (SELECT customer_id FROM customer_links WHERE order_id = ${o.id})`),
  ];
}

type SyncState = { updated_at: number; order_id: string; backfill_after: string };

/** This shard's row of the linker's cursor, made on first use. */
async function ensureState(dir: D1Database, shard: string): Promise<SyncState> {
  await dir.prepare("INSERT INTO customer_sync_state (shard_id, updated_at, order_id, backfill_after) VALUES (?, 0, '', '') ON CONFLICT (shard_id) DO NOTHING").bind(shard).run();
  return (await first<SyncState>(dir, sql`SELECT updated_at, order_id, backfill_after FROM customer_sync_state WHERE shard_id = ${shard}`))!;
}

/**
 * Links this shard's orders changed up to `upTo` (step 1 above); returns how many orders it read.
 * `updated_at >= cursor` first: it bounds the time index's range. Written only as
 * `updated_at > x OR (updated_at = x AND id > y)`, SQLite read every order changed
 * since the cursor and sorted them for each slice of 100: 0.1-0.2 s per slice at
 * 100,000 orders, so a backlog's walk was quadratic and took whole runs.
 */
export async function linkChangedOrders(env: ShardEnv, { upTo, limit = LINK_BATCH }: { upTo: number; limit?: number }): Promise<number> {
  const dir = directoryD1(env);
  const state = await ensureState(dir, env.shard.id);
  const rows = await all<Scanned>(
    binding(env),
    sql`SELECT ${SCANNED} FROM orders
        WHERE updated_at >= ${state.updated_at} AND (updated_at > ${state.updated_at} OR id > ${state.order_id}) AND updated_at <= ${upTo}
        ORDER BY updated_at, id LIMIT ${limit}`,
  );
  if (!rows.length) return 0;
  database(env); // the keyring, for the names' terms
  const now = Date.now();
  const last = rows[rows.length - 1]!;
  await batch(dir, [
    ...rows.flatMap((r) => (r.e !== null || r.p !== null ? linkStatements(dir, r, now) : factStatements(dir, r, now))),
    statement(dir, sql`UPDATE customer_sync_state SET updated_at = ${last.updated_at}, order_id = ${last.id} WHERE shard_id = ${env.shard.id}`),
  ]);
  return rows.length;
}

/**
 * Links this shard's orders that have no customer yet, walking every order
 * by id once (step 2): orders from before migration 0031 get their merchant
 * indexes here (the re-seal job fills them too), guarded by `updated_at` so
 * a concurrent edit's own indexes win. The indexes are written on the shard
 * first, then the links on the directory: a crash between the two leaves
 * the cursor where it was, and linking again is harmless.
 */
export async function backfillLinks(env: ShardEnv, { limit = LINK_BATCH }: { limit?: number } = {}): Promise<number> {
  const dir = directoryD1(env);
  const shard = binding(env);
  const state = await ensureState(dir, env.shard.id);
  const rows = await all<Scanned>(shard, sql`SELECT ${SCANNED} FROM orders WHERE id > ${state.backfill_after} ORDER BY id LIMIT ${limit}`);
  if (!rows.length) return 0;
  const linked = new Set(
    (await all<{ order_id: string }>(dir, sql`SELECT order_id FROM customer_links WHERE order_id IN (SELECT value FROM json_each(${JSON.stringify(rows.map((r) => r.id))}))`)).map(
      (r) => r.order_id,
    ),
  );
  database(env); // the keyring, to read the contact
  const toLink = rows.flatMap((r) => {
    if (linked.has(r.id)) return [];
    const address = JSON.parse(open(r.shipping_address)) as { country: string };
    const email = r.customer_email === null ? null : open(r.customer_email);
    const phone = r.customer_phone === null ? null : open(r.customer_phone);
    const ix = contactIndexes({ storeId: r.store_id, email, phone, country: address.country });
    if (ix.customerEmailMerchantIndex === null && ix.customerPhoneMerchantIndex === null) return [];
    return [{ ...r, e: ix.customerEmailMerchantIndex, p: ix.customerPhoneMerchantIndex }];
  });
  if (toLink.length)
    await batch(
      shard,
      toLink.map((o) =>
        statement(shard, sql`UPDATE orders SET customer_email_merchant_index = ${o.e}, customer_phone_merchant_index = ${o.p} WHERE id = ${o.id} AND updated_at = ${o.updated_at}`),
      ),
    );
  const now = Date.now();
  await batch(dir, [
    ...toLink.flatMap((o) => linkStatements(dir, o, now)),
    statement(dir, sql`UPDATE customer_sync_state SET backfill_after = ${rows[rows.length - 1]!.id} WHERE shard_id = ${env.shard.id}`),
  ]);
  return rows.length;
}
