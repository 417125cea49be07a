/**
 * One OrderObject per order (addressed by `idFromName(orderId)`): the only
 * writer of that order's state. It keeps no order data of its own (D1 holds
 * the facts); it serializes transitions, owns the order's timers, and hands
 * the outbox rows of each change to the queues.
 *
 * Invariants:
 * - transitions run one at a time (the `tail` chain), even though each one
 *   awaits D1, which would otherwise let a second request interleave;
 * - every change is one D1 batch: the event row (seq = new version), its
 *   outbox rows, then the order update guarded by `version`. The unique
 *   (order_id, seq) makes a stale writer's whole batch fail, so the log is
 *   gapless and matches the order;
 * - expected failures are returned as values: error classes do not survive RPC;
 * - a command may carry an `effect` (see ./effects.ts): another stage's
 *   writes that commit in the same batch, or not at all.
 */
import { DurableObject } from "cloudflare:workers";
import { and, eq, isNull } from "drizzle-orm";
import { constraintFailed, database } from "../db/client";
import { orderEvents, orders, outbox } from "../db/schema";
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { sendOutbox } from "../outbox/send";
import { outboxRowsFor, type OutboxRow } from "../outbox/topics";
import {
  allowedEvents,
  decide,
  isOrderEvent,
  MILESTONE,
  type OrderEvent,
  type OrderStatus,
} from "./lifecycle";
import { effectBuilder, type EffectWrites, type TransitionEffect } from "./effects";
import type { OrderRow } from "./serialize";

export type TransitionCommand = {
  orderId: string;
  event: string;
  reason: string | null;
  actor: string;
  /** The caller's store scope: an order outside it is reported as not found. */
  stores: "*" | readonly string[];
  /** From If-Match: the version the caller last saw, or null to skip the check. */
  expectedVersion: number | null;
  data?: Record<string, unknown>;
  /** Writes of another stage to commit atomically with this change; refused (not thrown) if they cannot. */
  effect?: TransitionEffect;
};

export type TransitionResult =
  | { ok: true; order: OrderRow }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "version_mismatch"; version: number }
  | {
      ok: false;
      code: "refused";
      /** Stable problem code: unknown_event, illegal_transition, a guard's veto, or an effect's refusal. */
      reason: string;
      message: string;
      status: OrderStatus;
      version: number;
      allowed: OrderEvent[];
    };

type Snapshot = { id: string; storeId: string; status: OrderStatus; version: number; requiresShipping: boolean };

/** Retries of an outbox send that failed here, before the cron sweep takes over. */
const FLUSH_RETRY_MS = [5_000, 30_000, 120_000];

export class OrderObject extends DurableObject<Env> {
  private snapshot: Snapshot | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  transition(cmd: TransitionCommand): Promise<TransitionResult> {
    const run = this.tail.then(() => this.apply(cmd));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async load(orderId: string): Promise<Snapshot | null> {
    const row = await database(this.env)
      .select({
        id: orders.id,
        storeId: orders.storeId,
        status: orders.status,
        version: orders.version,
        requiresShipping: orders.requiresShipping,
      })
      .from(orders)
      .where(eq(orders.id, orderId))
      .get();
    return row ? { ...row, status: row.status as OrderStatus } : null;
  }

  private async apply(cmd: TransitionCommand): Promise<TransitionResult> {
    // Two rounds at most: the second only after our snapshot proved stale.
    for (let round = 0; round < 2; round++) {
      const snap = this.snapshot?.id === cmd.orderId ? this.snapshot : await this.load(cmd.orderId);
      if (!snap || (cmd.stores !== "*" && !cmd.stores.includes(snap.storeId))) return { ok: false, code: "not_found" };
      this.snapshot = snap;

      const refuse = (reason: string, message: string) => ({
        ok: false as const,
        code: "refused" as const,
        reason,
        message,
        status: snap.status,
        version: snap.version,
        allowed: allowedEvents(snap),
      });
      if (!isOrderEvent(cmd.event)) return refuse("unknown_event", `unknown event "${cmd.event}"`);
      if (cmd.expectedVersion !== null && cmd.expectedVersion !== snap.version) {
        return { ok: false, code: "version_mismatch", version: snap.version };
      }
      const decision = decide(snap, cmd.event);
      if (!decision.ok) return refuse(decision.code, decision.message);

      const now = Date.now();
      const version = snap.version + 1;
      const db = database(this.env);
      const builder = cmd.effect ? effectBuilder(cmd.effect.kind) : null;
      const effect: EffectWrites = builder
        ? await builder.build(
            db,
            { orderId: cmd.orderId, storeId: snap.storeId, event: cmd.event, from: decision.from, to: decision.to, version, actor: cmd.actor, now },
            cmd.effect!.data,
          )
        : { statements: [] };
      const rows = [
        ...outboxRowsFor(cmd.orderId, decision.to, now, { event: cmd.event, version, reason: cmd.reason }),
        ...(effect.outbox ?? []),
      ];
      const data = cmd.data || effect.eventData ? { ...cmd.data, ...effect.eventData } : null;
      const milestone = MILESTONE[decision.to];
      let updated: OrderRow[];
      try {
        [, , updated] = await db.batch([
          db.insert(orderEvents).values({
            id: newId("evt", now),
            orderId: cmd.orderId,
            seq: version,
            type: cmd.event,
            fromStatus: decision.from,
            toStatus: decision.to,
            actor: cmd.actor,
            reason: cmd.reason,
            data,
            createdAt: now,
          }),
          db.insert(outbox).values(rows),
          db
            .update(orders)
            .set({
              status: decision.to,
              version,
              updatedAt: now,
              statusReason: decision.to === "on_hold" || decision.to === "cancelled" ? cmd.reason : null,
              ...(milestone ? { [milestone]: now } : {}),
            })
            .where(and(eq(orders.id, cmd.orderId), eq(orders.version, snap.version)))
            .returning(),
          ...effect.statements,
        ]);
      } catch (err) {
        if (constraintFailed(err, "order_events.order_id, order_events.seq")) {
          this.snapshot = null;
          continue;
        }
        const refused = builder?.refusal?.(err);
        if (refused) return refuse(refused.reason, refused.message);
        throw err;
      }
      const row = updated[0];
      if (!row) throw new Error(`order ${cmd.orderId} changed without an event at version ${snap.version}`);
      this.snapshot = { ...snap, status: decision.to, version };
      this.ctx.waitUntil(this.flush(cmd.orderId, rows));
      return { ok: true, order: row };
    }
    const snap = await this.load(cmd.orderId);
    return { ok: false, code: "version_mismatch", version: snap?.version ?? 0 };
  }

  private async flush(orderId: string, rows: OutboxRow[]): Promise<void> {
    try {
      await sendOutbox(this.env, rows);
    } catch (err) {
      console.warn(`outbox send for ${orderId} failed; retrying from the alarm`, err);
      await this.ctx.storage.put({ orderId, flushAttempt: 0 });
      await this.ctx.storage.setAlarm(Date.now() + FLUSH_RETRY_MS[0]!);
    }
  }

  /** Resends this order's owed outbox rows. Alarms fire at least once: resending is safe, consumers dedupe. */
  override async alarm(): Promise<void> {
    const orderId = await this.ctx.storage.get<string>("orderId");
    if (!orderId) return;
    const attempt = (await this.ctx.storage.get<number>("flushAttempt")) ?? 0;
    const owed = await database(this.env)
      .select()
      .from(outbox)
      .where(and(eq(outbox.orderId, orderId), isNull(outbox.deliveredAt)))
      .all();
    try {
      if (owed.length) await sendOutbox(this.env, owed);
      await this.ctx.storage.delete("flushAttempt");
    } catch (err) {
      const delay = FLUSH_RETRY_MS[attempt + 1];
      // After the last retry here, the cron sweep keeps resending.
      if (delay !== undefined) {
        await this.ctx.storage.put("flushAttempt", attempt + 1);
        await this.ctx.storage.setAlarm(Date.now() + delay);
      }
      console.warn(`outbox resend for ${orderId} failed (attempt ${attempt + 1})`, err);
    }
  }
}
