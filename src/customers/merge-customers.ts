/**
 * Staff merge two records of one person, and unmerge them again.
 *
 * Merge `source` into `target`: the source's orders and identities move to
 * the target (future orders with the source's email or phone go to the
 * target too), the tags are united, and the source is kept as `merged`
 * with `merged_into`. Unmerge gives the source back exactly what it and the
 * customers merged into it brought (their `home_customer_id`), and nothing
 * recognised since.
 *
 * Invariants: each is one D1 batch. Its first statement changes the
 * customer only from the state it must be in and stamps `last_op`; every
 * later statement runs only if that stamp is its own. So of two merges of
 * the same customers at once one wins and the other changes nothing
 * (409), and an order linked while a merge commits is moved with it or
 * linked after it to the customer its identity now points at.
 */
import { sql } from "drizzle-orm";
import { batch, first, statement } from "../analytics/d1";
import { newId, randomToken } from "../lib/ids";
import { normaliseTags } from "./customer-rules";
import { mergedTree } from "./read-customers";
import { type DirectoryEnv, directoryD1 } from "../db/client";

export type MergeRefusal = { ok: false; code: "not_found" | "customer_not_active" | "not_merged" | "version_mismatch"; message: string };

const mine = (id: string, op: string) => sql`EXISTS (SELECT 1 FROM customers WHERE id = ${id} AND last_op = ${op})`;

function event(d1: D1Database, e: { customerId: string; type: string; actor: string; other: string | null; op: string; guardId: string; now: number }) {
  return statement(
    d1,
    sql`INSERT INTO customer_events (id, customer_id, type, actor, other_customer_id, created_at)
        SELECT ${newId("cev", e.now)}, ${e.customerId}, ${e.type}, ${e.actor}, ${e.other}, ${e.now} WHERE ${mine(e.guardId, e.op)}`,
  );
}

type State = { id: string; status: string; merged_into: string | null; tags: string; version: number };
const stateOf = (d1: D1Database, id: string) => first<State>(d1, sql`SELECT id, status, merged_into, tags, version FROM customers WHERE id = ${id}`);

export async function mergeCustomers(
  env: DirectoryEnv,
  { targetId, sourceId, actor, ifMatch }: { targetId: string; sourceId: string; actor: string; ifMatch?: number | null },
): Promise<{ ok: true } | MergeRefusal> {
  const d1 = directoryD1(env);
  const [target, source] = await Promise.all([stateOf(d1, targetId), stateOf(d1, sourceId)]);
  if (!target || !source) return { ok: false, code: "not_found", message: "no such customer" };
  if (ifMatch != null && ifMatch !== target.version) return { ok: false, code: "version_mismatch", message: "the customer changed since it was read" };
  const op = randomToken(12);
  const now = Date.now();
  const tags = normaliseTags([...(JSON.parse(target.tags) as string[]), ...(JSON.parse(source.tags) as string[])]);
  const [moved] = await batch(d1, [
    statement(
      d1,
      sql`UPDATE customers SET status = 'merged', merged_into = ${targetId}, last_op = ${op}, version = version + 1, dirty = dirty + 1, updated_at = ${now}
          WHERE id = ${sourceId} AND status = 'active' AND ${sourceId} <> ${targetId}
            AND EXISTS (SELECT 1 FROM customers WHERE id = ${targetId} AND status = 'active' ${ifMatch != null ? sql`AND version = ${ifMatch}` : sql``})`,
    ),
    statement(d1, sql`UPDATE customer_links SET customer_id = ${targetId} WHERE customer_id = ${sourceId} AND ${mine(sourceId, op)}`),
    statement(d1, sql`UPDATE customer_identities SET customer_id = ${targetId} WHERE customer_id = ${sourceId} AND ${mine(sourceId, op)}`),
    statement(
      d1,
      sql`UPDATE customers SET tags = ${JSON.stringify(tags)}, version = version + 1, dirty = dirty + 1, updated_at = ${now} WHERE id = ${targetId} AND ${mine(sourceId, op)}`,
    ),
    event(d1, { customerId: targetId, type: "merged", actor, other: sourceId, op, guardId: sourceId, now }),
    event(d1, { customerId: sourceId, type: "merged_into", actor, other: targetId, op, guardId: sourceId, now: now + 1 }),
  ]);
  if ((moved?.meta.changes ?? 0) === 1) return { ok: true };
  // Refused: say why from the state now (a concurrent merge may have just changed it).
  const [t, s] = await Promise.all([stateOf(d1, targetId), stateOf(d1, sourceId)]);
  if (ifMatch != null && t?.status === "active" && t.version !== ifMatch) return { ok: false, code: "version_mismatch", message: "the customer changed since it was read" };
  const which = s?.status !== "active" ? `customer ${sourceId} is ${s?.status}` : `customer ${targetId} is ${t?.status}`;
  return { ok: false, code: "customer_not_active", message: `${which}: only active customers are merged` };
}

/** The customer that holds a merged one's orders now: the end of its `merged_into` chain. */
async function rootOf(d1: D1Database, id: string): Promise<string | null> {
  const r = await first<{ id: string }>(
    d1,
    sql`WITH RECURSIVE up(id, next, depth) AS (SELECT id, merged_into, 0 FROM customers WHERE id = ${id}
          UNION ALL SELECT c.id, c.merged_into, up.depth + 1 FROM customers c JOIN up ON c.id = up.next WHERE up.depth < 100)
        SELECT id FROM up WHERE next IS NULL`,
  );
  return r?.id ?? null;
}

export async function rootCustomer(env: DirectoryEnv, id: string): Promise<string | null> {
  return rootOf(directoryD1(env), id);
}

export async function unmergeCustomer(env: DirectoryEnv, { id, actor }: { id: string; actor: string }): Promise<{ ok: true; from: string } | MergeRefusal> {
  const d1 = directoryD1(env);
  const c = await stateOf(d1, id);
  if (!c) return { ok: false, code: "not_found", message: "no such customer" };
  if (c.status !== "merged" || !c.merged_into) return { ok: false, code: "not_merged", message: `customer ${id} is ${c.status}, not merged into another` };
  const root = (await rootOf(d1, id)) ?? c.merged_into;
  const op = randomToken(12);
  const now = Date.now();
  const [back] = await batch(d1, [
    statement(
      d1,
      sql`UPDATE customers SET status = 'active', merged_into = NULL, last_op = ${op}, version = version + 1, dirty = dirty + 1, updated_at = ${now}
          WHERE id = ${id} AND status = 'merged' AND merged_into = ${c.merged_into}`,
    ),
    statement(d1, sql`UPDATE customer_links SET customer_id = ${id} WHERE customer_id = ${root} AND home_customer_id IN ${mergedTree(id)} AND ${mine(id, op)}`),
    statement(d1, sql`UPDATE customer_identities SET customer_id = ${id} WHERE customer_id = ${root} AND home_customer_id IN ${mergedTree(id)} AND ${mine(id, op)}`),
    statement(d1, sql`UPDATE customers SET version = version + 1, dirty = dirty + 1, updated_at = ${now} WHERE id IN (${c.merged_into}, ${root}) AND ${mine(id, op)}`),
    event(d1, { customerId: id, type: "unmerged", actor, other: c.merged_into, op, guardId: id, now }),
    event(d1, { customerId: c.merged_into, type: "unmerged", actor, other: id, op, guardId: id, now: now + 1 }),
  ]);
  if ((back?.meta.changes ?? 0) === 1) return { ok: true, from: c.merged_into };
  return { ok: false, code: "not_merged", message: `customer ${id} was unmerged or changed at the same moment` };
}

/** Tags replaced, a note added: one batch, guarded by the version when the caller sent If-Match. */
export async function updateCustomer(
  env: DirectoryEnv,
  { id, tags, note, actor, ifMatch }: { id: string; tags?: string[] | undefined; note?: string | undefined; actor: string; ifMatch?: number | null },
): Promise<{ ok: true } | MergeRefusal> {
  const d1 = directoryD1(env);
  const c = await stateOf(d1, id);
  if (!c) return { ok: false, code: "not_found", message: "no such customer" };
  const op = randomToken(12);
  const now = Date.now();
  const next = tags === undefined ? null : normaliseTags(tags);
  const [changed] = await batch(d1, [
    statement(
      d1,
      sql`UPDATE customers SET last_op = ${op}, version = version + 1, updated_at = ${now} ${next ? sql`, tags = ${JSON.stringify(next)}` : sql``}
          WHERE id = ${id} AND status = 'active' ${ifMatch != null ? sql`AND version = ${ifMatch}` : sql``}`,
    ),
    ...(next
      ? [
          statement(
            d1,
            sql`INSERT INTO customer_events (id, customer_id, type, actor, data, created_at)
                SELECT ${newId("cev", now)}, ${id}, 'tags_changed', ${actor}, ${JSON.stringify({ from: JSON.parse(c.tags), to: next })}, ${now} WHERE ${mine(id, op)}`,
          ),
        ]
      : []),
    ...(note
      ? [
          statement(
            d1,
            sql`INSERT INTO customer_events (id, customer_id, type, actor, body, created_at) SELECT ${newId("cev", now + 1)}, ${id}, 'note_added', ${actor}, ${note}, ${now} WHERE ${mine(id, op)}`,
          ),
        ]
      : []),
  ]);
  if ((changed?.meta.changes ?? 0) === 1) return { ok: true };
  const now2 = await stateOf(d1, id);
  if (now2?.status !== "active") return { ok: false, code: "customer_not_active", message: `customer ${id} is ${now2?.status}: only an active customer's tags and notes change` };
  return { ok: false, code: "version_mismatch", message: "the customer changed since it was read" };
}
