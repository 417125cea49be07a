/**
 * One rollup run at a time. Crons can overlap (a slow run, a manual trigger),
 * and two runs refolding the same bucket could let the one that read older
 * data write last. The lease is a row in rollup_state; every rollup write is
 * guarded by `leaseGuard(owner)`, so a run that outlived its lease writes
 * nothing. Invariant: a run's time budget is far below LEASE_MS.
 */
import { sql, type SQL } from "drizzle-orm";
import { batch, run, statement } from "./d1";

export const LEASE_MS = 5 * 60_000;

export function leaseGuard(owner: string): SQL {
  return sql`EXISTS (SELECT 1 FROM rollup_state WHERE id = 1 AND lease_owner = ${owner})`;
}

/** Takes the lease if it is free or expired; resolves to the watermark, or null when another run holds it. */
export async function acquireLease(d1: D1Database, owner: string, now: number): Promise<{ watermark: number } | null> {
  const [, taken] = await batch(d1, [
    statement(d1, sql`INSERT OR IGNORE INTO rollup_state (id, watermark, lease_owner, lease_until) VALUES (1, 0, NULL, 0)`),
    statement(
      d1,
      sql`UPDATE rollup_state SET lease_owner = ${owner}, lease_until = ${now + LEASE_MS}
      WHERE id = 1 AND (lease_owner IS NULL OR lease_until < ${now}) RETURNING watermark`,
    ),
  ]);
  return (taken?.results[0] as { watermark: number } | undefined) ?? null;
}

export async function releaseLease(d1: D1Database, owner: string, { now, lastRun }: { now: number; lastRun: Record<string, unknown> }): Promise<void> {
  await run(
    d1,
    sql`UPDATE rollup_state SET lease_owner = NULL, lease_until = 0, last_run_at = ${now}, last_run = ${JSON.stringify(lastRun)}
    WHERE id = 1 AND lease_owner = ${owner}`,
  );
}
