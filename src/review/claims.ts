/**
 * Auditors' claims on orders awaiting review, so two auditors do not work
 * the same order at once.
 *
 * Invariants:
 * - One row per order (the primary key). Taking it is ONE conditional
 *   upsert: it inserts, or takes over a row that is the caller's own or has
 *   expired, and otherwise changes nothing. D1 runs statements one at a
 *   time, so of two concurrent claims exactly one gets its row back.
 * - A claim counts only while `until` is ahead, the order is still received
 *   or on hold, and it has not been approved since the claim was taken:
 *   approving, rejecting or cancelling ends it with no write of its own
 *   (`isLive` and `liveClaimSql` below), so no stage has to remember to, and
 *   an order held again after its approval comes back unclaimed rather than
 *   to whoever had it before.
 */
import { type Column, type SQL, sql } from "drizzle-orm";
import type { ShardEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";
import { d1 } from "../db/client";

export const CLAIM_MS = 15 * 60_000;
export const AWAITING_REVIEW = ["received", "on_hold"] as const;

/**
 * SQL: the claim row `c` of order `o` is live at `now`, for lists that hold
 * only orders awaiting review. Approval stamps `approved_at` each time, so a
 * claim older than the latest approval belongs to an earlier stay in the queue.
 */
export const liveClaimSql = (now: number, o: SQL | Column) => sql`c.until > ${now} AND (${o} IS NULL OR ${o} < c.claimed_at)`;

export type Claim = { orderId: string; claimedBy: string; until: number; claimedAt: number };
export type ClaimResult =
  | { ok: true; claim: Claim }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "not_claimable"; status: string }
  | { ok: false; code: "claimed"; claim: Claim };

type Row = { order_id: string; claimed_by: string; until: number; claimed_at: number };
type State = { store_id: string; status: string; approved_at: number | null } & (Row | { [K in keyof Row]: null });

/** The same rule as `liveClaimSql`, over a row read with its order. */
function isLive(s: State, now: number): s is State & Row {
  return (
    s.claimed_by !== null && (s.until ?? 0) > now && (AWAITING_REVIEW as readonly string[]).includes(s.status) && (s.approved_at === null || s.approved_at < (s.claimed_at ?? 0))
  );
}

const claimRow = (r: Row): Claim => ({ orderId: r.order_id, claimedBy: r.claimed_by, until: r.until, claimedAt: r.claimed_at });

async function orderState(env: ShardEnv, p: Principal, orderId: string) {
  const row = await d1(env)
    .prepare(
      `SELECT o.store_id, o.status, o.approved_at, c.order_id, c.claimed_by, c.until, c.claimed_at
       FROM orders o LEFT JOIN order_claims c ON c.order_id = o.id WHERE o.id = ?1`,
    )
    .bind(orderId)
    .first<State>();
  if (!row || !seesStore(p, row.store_id)) return null;
  return row;
}

/** The order's live claim (null when nobody holds it); null order when it is not the caller's to see. */
export async function currentClaim(env: ShardEnv, p: Principal, orderId: string, now = Date.now()): Promise<{ claim: Claim | null } | null> {
  const state = await orderState(env, p, orderId);
  if (!state) return null;
  return { claim: isLive(state, now) ? claimRow(state) : null };
}

/** Claims the order for `p` for CLAIM_MS (or extends the caller's own claim). */
export async function claimOrder(env: ShardEnv, p: Principal, orderId: string, now = Date.now()): Promise<ClaimResult> {
  const state = await orderState(env, p, orderId);
  if (!state) return { ok: false, code: "not_found" };
  const until = now + CLAIM_MS;
  // The order's status is part of the statement, so a claim never lands on an order that just left the queue.
  // `stale` is the row no longer being live (the rule of `isLive`): anyone may take it, and its holder starts afresh.
  const stale = `(order_claims.until <= ?4
        OR (SELECT status FROM orders WHERE id = ?1) NOT IN ('received', 'on_hold')
        OR coalesce((SELECT approved_at FROM orders WHERE id = ?1) >= order_claims.claimed_at, 0))`;
  const won = await d1(env)
    .prepare(
      `INSERT INTO order_claims (order_id, claimed_by, until, claimed_at)
       SELECT id, ?2, ?3, ?4 FROM orders WHERE id = ?1 AND status IN ('received', 'on_hold')
     ON CONFLICT (order_id) DO UPDATE SET claimed_by = excluded.claimed_by, until = excluded.until,
       claimed_at = CASE WHEN order_claims.claimed_by = excluded.claimed_by AND NOT ${stale} THEN order_claims.claimed_at ELSE excluded.claimed_at END
     WHERE order_claims.claimed_by = excluded.claimed_by OR ${stale}
     RETURNING order_id, claimed_by, until, claimed_at`,
    )
    .bind(orderId, p.id, until, now)
    .first<Row>();
  if (won) return { ok: true, claim: claimRow(won) };
  const after = await orderState(env, p, orderId);
  if (!after) return { ok: false, code: "not_found" };
  if (!(AWAITING_REVIEW as readonly string[]).includes(after.status)) return { ok: false, code: "not_claimable", status: after.status };
  if (isLive(after, now)) return { ok: false, code: "claimed", claim: claimRow(after) };
  // Not reachable: the upsert only declines a live claim of someone else's.
  return { ok: false, code: "not_claimable", status: after.status };
}

export type ReleaseResult = { ok: true; released: boolean } | { ok: false; code: "not_found" } | { ok: false; code: "not_holder"; claim: Claim };

/** Ends the claim: the holder's own, or anyone's for someone who manages audits. Releasing nothing is fine. */
export async function releaseClaim(env: ShardEnv, p: Principal, orderId: string, opts: { mayReleaseOthers: boolean; now?: number }): Promise<ReleaseResult> {
  const now = opts.now ?? Date.now();
  const state = await orderState(env, p, orderId);
  if (!state) return { ok: false, code: "not_found" };
  const live = isLive(state, now);
  if (live && state.claimed_by !== p.id && !opts.mayReleaseOthers) return { ok: false, code: "not_holder", claim: claimRow(state) };
  const r = await d1(env)
    .prepare("DELETE FROM order_claims WHERE order_id = ?1 AND (?4 OR claimed_by = ?2 OR until <= ?3)")
    .bind(orderId, p.id, now, opts.mayReleaseOthers ? 1 : 0)
    .run();
  return { ok: true, released: live && r.meta.changes > 0 };
}
