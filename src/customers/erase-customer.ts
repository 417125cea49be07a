/**
 * Erasing a customer (a privacy request): every personal field the system
 * holds about them is replaced or dropped, and the financial facts stay,
 * so the books still balance. What is replaced, dropped or kept, and why,
 * is the table in docs/customers.md. Three steps:
 *
 * 1. One D1 batch, guarded like a merge (its first statement takes the
 *    customer from active to erased and stamps `last_op`; the rest run only
 *    under that stamp): the customer records, identities, notes, and the
 *    `erased` event with who, when and why.
 * 2. Each order's own fields through the order's object (the `erase` stage,
 *    ./erase-order-stage.ts), so an edit committing at the same moment is
 *    serialised with it: erased after, or refused after. Done in chunks of
 *    ERASE_PARALLEL at once, at most ERASE_ORDERS_PER_CALL per call: each
 *    order is a Durable Object call, and a Worker invocation's subrequests
 *    are bounded.
 * 3. For the orders of this call, what other tables hold about the person
 *    (invoices' buyer, messages, notes, labels, carriers' and platforms'
 *    bodies), after step 2 so that what an edit wrote just before is
 *    caught too.
 *
 * The customer, its identities, links and events are on the directory; the
 * orders and what hangs off them on their stores' shards. Erased is final,
 * so step 3 checks it once on the directory, then runs each shard's
 * statements there (the orders named by the customer's links).
 *
 * A customer with more orders than one call takes is erased (step 1) and
 * answers `orders_remaining`; calling erase again goes on with steps 2 and
 * 3 for the orders not yet erased. Steps 2 and 3 are idempotent.
 */
import { inArray, sql } from "drizzle-orm";
import { all, batch, first, statement } from "../analytics/d1";
import { anyOf, chunk, database, d1 as binding, directoryD1 } from "../db/client";
import { byShardOfIds } from "../db/fan-out";
import { invoices } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId, randomToken } from "../lib/ids";
import { seal } from "../lib/pii-crypto";
import { ERASED, eraseOrder } from "./erase-order-stage";
import { mergedTree } from "./read-customers";

export { ERASED };

/** Orders erased through their objects at once. */
export const ERASE_PARALLEL = 10;
/** Orders one call erases; the rest wait for the next call (each is a Durable Object call, a subrequest). */
export const ERASE_ORDERS_PER_CALL = 400;

export type EraseResult = { ok: true; orders: number; remaining: number; erasedAt: number } | { ok: false; code: "not_found" | "customer_not_active"; message: string };

export async function eraseCustomer(
  env: ShardEnv,
  { id, actor, reason, perCall = ERASE_ORDERS_PER_CALL }: { id: string; actor: string; reason: string; perCall?: number },
): Promise<EraseResult> {
  const dir = directoryD1(env);
  const customer = await first<{ status: string; erased_at: number | null }>(dir, sql`SELECT status, erased_at FROM customers WHERE id = ${id}`);
  if (!customer) return { ok: false, code: "not_found", message: "no such customer" };
  const linked = async () => (await all<{ order_id: string }>(dir, sql`SELECT order_id FROM customer_links WHERE customer_id = ${id}`)).map((r) => r.order_id);
  // The linked orders not yet erased, read on their shards: the first `perCall + 1` by id.
  const pending = async () =>
    (
      await byShardOfIds(env, await linked(), (onIt, ids) =>
        all<{ id: string }>(binding(onIt), sql`SELECT id FROM orders WHERE id IN ${anyOf(ids)} AND personal_data_erased_at IS NULL`),
      )
    )
      .map((r) => ({ order_id: r.id }))
      .sort((a, b) => (a.order_id < b.order_id ? -1 : 1))
      .slice(0, perCall + 1);
  let erasedAt: number;
  // What an unfinished erasure found left to do: read once, and worked on below.
  let resumed: { order_id: string }[] = [];
  if (customer.status === "active") {
    const orderIds = await linked();
    const invoiceCounts = await byShardOfIds(env, orderIds, async (onIt, ids) => [
      (await first<{ n: number }>(binding(onIt), sql`SELECT COUNT(*) AS n FROM invoices WHERE order_id IN ${anyOf(ids)}`))?.n ?? 0,
    ]);
    const r = await takeCustomer(dir, { id, actor, reason, invoices: invoiceCounts.reduce((a, b) => a + b, 0) });
    if (!r) return { ok: false, code: "customer_not_active", message: `customer ${id} was merged or erased at the same moment` };
    erasedAt = r;
  } else if (customer.status === "erased" && customer.erased_at !== null && (resumed = await pending()).length > 0) {
    // An erasure left unfinished (more orders than one call takes, or a call that failed half-way): go on.
    erasedAt = customer.erased_at;
  } else {
    return { ok: false, code: "customer_not_active", message: `customer ${id} is ${customer.status}: erase the customer it was merged into, or unmerge it first` };
  }

  const todo = resumed.length ? resumed : await pending();
  const ids = todo.slice(0, perCall).map((r) => r.order_id);
  for (const part of chunk(ids, ERASE_PARALLEL)) {
    const results = await Promise.all(part.map((orderId) => eraseOrder(env, { orderId, customerId: id, actor })));
    const failed = results.find((r) => !r.ok && r.code !== "skipped");
    if (failed) throw new Error(`erasing an order of ${id} failed: ${JSON.stringify(failed)}`);
  }
  await eraseAround(env, id, ids);
  const remaining = todo.length > perCall ? (await pending()).length : 0;
  return { ok: true, orders: ids.length, remaining, erasedAt };
}

/** Step 1: the customer and what is only theirs. Returns when it was erased, or null if someone else changed the customer first. */
async function takeCustomer(
  d1: D1Database,
  { id, actor, reason, invoices: invoiceCount }: { id: string; actor: string; reason: string; invoices: number },
): Promise<number | null> {
  const op = randomToken(12);
  const now = Date.now();
  const mine = sql`EXISTS (SELECT 1 FROM customers WHERE id = ${id} AND last_op = ${op})`;
  const [taken] = await batch(d1, [
    statement(
      d1,
      sql`UPDATE customers SET status = 'erased', name = NULL, email = NULL, phone = NULL, address = NULL, name_terms = '[]', tags = '[]',
            erased_at = ${now}, last_op = ${op}, version = version + 1, dirty = dirty + 1, updated_at = ${now}
          WHERE id = ${id} AND status = 'active'`,
    ),
    // The same person's records merged into this one.
    statement(
      d1,
      sql`UPDATE customers SET status = 'erased', name = NULL, email = NULL, phone = NULL, address = NULL, name_terms = '[]', tags = '[]', erased_at = ${now}, updated_at = ${now}
          WHERE id IN ${mergedTree(id)} AND id <> ${id} AND ${mine}`,
    ),
    // A new order with the same email or phone is a new customer: nothing recognises the erased one any more.
    statement(d1, sql`DELETE FROM customer_identities WHERE customer_id = ${id} AND ${mine}`),
    statement(d1, sql`UPDATE customer_links SET email_index = NULL, phone_index = NULL WHERE customer_id = ${id} AND ${mine}`),
    statement(d1, sql`UPDATE customer_events SET body = NULL WHERE customer_id IN ${mergedTree(id)} AND type = 'note_added' AND ${mine}`),
    statement(
      d1,
      sql`INSERT INTO customer_events (id, customer_id, type, actor, body, data, created_at)
          SELECT ${newId("cev", now)}, ${id}, 'erased', ${actor}, ${reason},
                 json_object('orders', (SELECT COUNT(*) FROM customer_links WHERE customer_id = ${id}), 'invoices', ${invoiceCount}),
                 ${now} WHERE ${mine}`,
    ),
  ]);
  return (taken?.meta.changes ?? 0) === 1 ? now : null;
}

/** Step 3: what other tables hold about the person, for these orders, on each order's shard (once the customer stands erased). */
async function eraseAround(env: ShardEnv, id: string, orderIds: readonly string[]): Promise<void> {
  if (!orderIds.length) return;
  const state = await first<{ status: string }>(directoryD1(env), sql`SELECT status FROM customers WHERE id = ${id}`);
  if (state?.status !== "erased") return;
  const sealed = (v: unknown) => seal(typeof v === "string" ? v : JSON.stringify(v));
  await byShardOfIds(env, orderIds, async (onIt, part) => {
    const d1 = binding(onIt);
    const ids = anyOf(part);
    const shipmentIds = sql`(SELECT id FROM shipments WHERE order_id IN ${ids})`;
    const invoiceRows = await database(onIt).select({ id: invoices.id, document: invoices.document }).from(invoices).where(inArray(invoices.orderId, ids)).all();
    await batch(d1, [
      // Invoices keep their numbers, lines and totals; the buyer is replaced.
      ...invoiceRows.map((i) =>
        statement(d1, sql`UPDATE invoices SET document = ${sealed({ ...i.document, buyer: { name: ERASED, email: null, address: [] } })} WHERE id = ${i.id}`),
      ),
      statement(d1, sql`UPDATE notifications SET recipient = NULL, body = ${sealed(ERASED)} WHERE order_id IN ${ids}`),
      statement(d1, sql`UPDATE order_events SET internal_note = NULL, customer_message = NULL WHERE order_id IN ${ids}`),
      // Staff's notes on the orders may name or describe the person; the fact that a note was written stays.
      statement(d1, sql`UPDATE order_notes SET body = ${ERASED} WHERE order_id IN ${ids}`),
      statement(d1, sql`UPDATE after_sales_requests SET reason = ${ERASED}, note = NULL WHERE order_id IN ${ids}`),
      statement(d1, sql`DELETE FROM customer_tokens WHERE order_id IN ${ids}`),
      statement(d1, sql`DELETE FROM shipment_labels WHERE shipment_id IN ${shipmentIds}`),
      statement(d1, sql`UPDATE tracking_events SET body = ${sealed("{}")} WHERE shipment_id IN ${shipmentIds}`),
      statement(d1, sql`UPDATE channel_inbox SET body = ${sealed("{}")} WHERE order_id IN ${ids}`),
    ]);
    return [];
  });
}
