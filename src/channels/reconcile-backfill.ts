/**
 * A manual backfill: someone asks for a connection's orders changed in a
 * date range to be pulled again. The run is written with its outbox row in
 * one batch (so it is never lost) and worked from the channels queue; if
 * one step does not finish it (a long range, a rate limit), the
 * reconciliation cron goes on with it.
 */
import { database } from "../db/client";
import { channelSyncRuns, outbox } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Handler } from "../outbox/consume";
import { newId } from "../lib/ids";
import type { OutboxRow } from "../outbox/topics";
import type { ConnectionRow } from "./connections";
import { newRun, type ReconcileOptions, type SyncRunRow, workRun } from "./reconcile";

export const BACKFILL_MESSAGE = "channel.backfill";

export async function requestBackfill(
  env: ShardEnv,
  a: { connection: ConnectionRow; from: number; to: number; actor: string; now?: number },
): Promise<{ run: SyncRunRow; outbox: OutboxRow }> {
  const now = a.now ?? Date.now();
  const run = newRun({ connection: a.connection, kind: "backfill", from: a.from, until: a.to, now, requestedBy: a.actor });
  const row: OutboxRow = {
    id: newId("obx", now),
    orderId: null,
    topic: "channels",
    type: BACKFILL_MESSAGE,
    payload: { run_id: run.id, connection_id: run.connectionId },
    createdAt: now,
  };
  const db = database(env);
  await db.batch([db.insert(channelSyncRuns).values(run), db.insert(outbox).values(row)]);
  return { run, outbox: row };
}

/** The queue's side: one step of the run (what is left, the cron finishes). */
export function backfillHandler(options: ReconcileOptions = {}): Handler {
  return async function workBackfill(env, message) {
    const runId = typeof message.payload.run_id === "string" ? message.payload.run_id : null;
    if (runId) await workRun(env, runId, options);
    return [];
  };
}
