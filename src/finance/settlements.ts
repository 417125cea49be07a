/**
 * Settlements as finance reads and works them: the list, one with its counts
 * per status, its lines (the worklist), and resolving an unmatched line with
 * a note. A resolution is recorded once: the update is guarded on the line
 * being unresolved, so two people resolving the same line get one success
 * and one 409, and the first note stands.
 */
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { settlementLines, settlements, type SettlementLineStatus } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { fromMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import { UNMATCHED } from "./settlement-rules";

export type SettlementRow = typeof settlements.$inferSelect;
export type SettlementLineRow = typeof settlementLines.$inferSelect;
export type LineFilter = SettlementLineStatus | "unmatched" | "resolved";

const inScope = (p: Principal, storeId: string) => p.stores === "*" || p.stores.includes(storeId);

export type SettlementCounts = Record<Exclude<SettlementLineStatus, "pending">, number> & { unresolved: number };

export async function settlementOf(env: ShardEnv, p: Principal, id: string): Promise<{ settlement: SettlementRow; counts: SettlementCounts } | null> {
  const db = database(env);
  const [rows, counts] = await db.batch([
    db.select().from(settlements).where(eq(settlements.id, id)),
    db
      .select({ status: settlementLines.status, open: sql<number>`SUM(${settlementLines.resolvedAt} IS NULL)`.mapWith(Number), n: sql<number>`COUNT(*)`.mapWith(Number) })
      .from(settlementLines)
      .where(eq(settlementLines.settlementId, id))
      .groupBy(settlementLines.status),
  ]);
  const s = rows[0];
  if (!s || !inScope(p, s.storeId)) return null;
  const out: SettlementCounts = { matched: 0, amount_differs: 0, missing_from_settlement: 0, not_ours: 0, skipped: 0, unresolved: 0 };
  for (const c of counts) {
    if (c.status !== "pending") out[c.status] = c.n;
    if (UNMATCHED.includes(c.status)) out.unresolved += c.open;
  }
  return { settlement: s, counts: out };
}

export async function listSettlements(env: ShardEnv, p: Principal, q: { storeId?: string | undefined; cursor: string | null; limit: number }) {
  const stores = q.storeId ? [q.storeId] : p.stores;
  if (stores !== "*" && p.stores !== "*" && !stores.every((s) => p.stores.includes(s))) return [];
  // Unless narrowed to a store, from every shard holding one of the principal's stores (src/db/fan-out.ts).
  return listedAcross(
    env,
    p,
    q.storeId,
    (onIt) =>
      database(onIt)
        .select()
        .from(settlements)
        .where(and(stores === "*" ? undefined : inArray(settlements.storeId, [...stores]), q.cursor ? lt(settlements.id, q.cursor) : undefined, isNotNull(settlements.fileSha256)))
        .orderBy(desc(settlements.id))
        .limit(q.limit + 1)
        .all(),
    (r) => r.id,
  );
}

export async function linesOf(env: ShardEnv, settlementId: string, q: { status?: LineFilter | undefined; after: number; limit: number }) {
  const db = database(env);
  const status =
    q.status === "unmatched"
      ? and(inArray(settlementLines.status, [...UNMATCHED]), isNull(settlementLines.resolvedAt))
      : q.status === "resolved"
        ? isNotNull(settlementLines.resolvedAt)
        : q.status
          ? eq(settlementLines.status, q.status)
          : undefined;
  return db
    .select()
    .from(settlementLines)
    .where(and(eq(settlementLines.settlementId, settlementId), status, gt(settlementLines.lineNo, q.after)))
    .orderBy(asc(settlementLines.lineNo))
    .limit(q.limit + 1);
}

export type ResolveResult =
  | { ok: true; line: SettlementLineRow }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "already_resolved" | "not_unmatched"; line: SettlementLineRow };

export async function resolveLine(env: ShardEnv, p: Principal, at: { settlementId: string; lineNo: number; note: string }): Promise<ResolveResult> {
  const db = database(env);
  const found = await settlementOf(env, p, at.settlementId);
  if (!found) return { ok: false, code: "not_found" };
  const where = and(eq(settlementLines.settlementId, at.settlementId), eq(settlementLines.lineNo, at.lineNo));
  const [updated] = await db.batch([
    db
      .update(settlementLines)
      .set({ resolutionNote: at.note, resolvedBy: p.id, resolvedAt: Date.now() })
      .where(and(where, isNull(settlementLines.resolvedAt), inArray(settlementLines.status, [...UNMATCHED])))
      .returning(),
  ]);
  if (updated[0]) return { ok: true, line: updated[0] };
  const line = await db.select().from(settlementLines).where(where).get();
  if (!line) return { ok: false, code: "not_found" };
  return { ok: false, code: line.resolvedAt === null ? "not_unmatched" : "already_resolved", line };
}

export const settlementBody = (s: SettlementRow, counts?: SettlementCounts) => ({
  id: s.id,
  store_id: s.storeId,
  format: s.format,
  status: s.status,
  file_sha256: s.fileSha256,
  line_count: s.lineCount,
  period_start: s.periodStart === null ? null : iso(s.periodStart),
  period_end: s.periodEnd === null ? null : iso(s.periodEnd),
  imported_by: s.importedBy,
  created_at: iso(s.createdAt),
  reconciled_at: s.reconciledAt === null ? null : iso(s.reconciledAt),
  ...(counts ? { counts } : {}),
});

export const lineBody = (l: SettlementLineRow) => ({
  line_no: l.lineNo,
  kind: l.kind,
  type: l.type,
  transaction_id: l.transactionId,
  reference: l.reference,
  amount: fromMinor(l.amount, l.currency),
  fee: fromMinor(l.fee, l.currency),
  currency: l.currency,
  occurred_at: l.occurredAt === null ? null : iso(l.occurredAt),
  order_id: l.orderId,
  expected_amount: l.expectedAmount === null ? null : fromMinor(l.expectedAmount, l.currency),
  status: l.status,
  resolution_note: l.resolutionNote,
  resolved_by: l.resolvedBy,
  resolved_at: l.resolvedAt === null ? null : iso(l.resolvedAt),
});
