/**
 * One OrderObject per order (addressed by `idFromName(orderId)`): the only
 * writer of that order's state. It keeps no order data of its own (D1 holds
 * the facts); it serializes changes, owns the order's timers, and hands the
 * outbox rows of each change to the queues.
 *
 * Invariants:
 * - changes run one at a time (the `tail` chain), even though each awaits
 *   D1, which would otherwise let a second request interleave;
 * - every change is one D1 batch: the event row (seq = new version), its
 *   outbox rows and other writes, then the order update guarded by
 *   `version`. The unique (order_id, seq) makes a stale writer's whole batch
 *   fail, so the log is gapless and matches the order;
 * - expected failures are returned as values: error classes do not survive RPC;
 * - a transition command may carry an `effect` (see ./effects.ts): another
 *   stage's writes that commit in the same batch, or not at all.
 */
import { DurableObject } from "cloudflare:workers";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import { orderEvents, orderHoldReasons, orderLines, orders, outbox, stores } from "../db/schema";
import { FINANCE_REVIEW, reviewStep } from "../audit/two-level-review";
import { constraintFailed, database } from "../db/client";
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { sendOutbox, sendOutboxSoon } from "../outbox/send";
import { outboxRowsFor, type OutboxRow } from "../outbox/topics";
import { planAudit, type AuditPlan } from "../audit/run-audit";
import { planEdit, type EditInput } from "./edit-order";
import { allowedEvents, decide, isOrderEvent, MILESTONE, type OrderEvent, type OrderStatus } from "./lifecycle";
import type { OrderRow } from "./serialize";
import { effectBuilder, type EffectWrites, type TransitionEffect } from "./effects";
import type { FieldError } from "../http/problem";
import { planAfterSales, type AfterSalesAction, type AfterSalesPlan, type AfterSalesRow } from "../after-sales/plan-after-sales";
import { resumeDelay } from "../after-sales/after-sales-rules";
import { financeReviewOf } from "../stores/finance-review-cache";

type Scope = "*" | readonly string[];

export type TransitionCommand = {
  orderId: string;
  event: string;
  reason: string | null;
  actor: string;
  /** The caller's store scope: an order outside it is reported as not found. */
  stores: Scope;
  /** From If-Match: the version the caller last saw, or null to skip the check. */
  expectedVersion: number | null;
  data?: Record<string, unknown>;
  /** The caller may do the finance check of two-level review. */
  mayDoFinanceCheck?: boolean;
  /** Writes of another stage to commit atomically with this change; refused (not thrown) if they cannot. */
  effect?: TransitionEffect;
};

type Refused = {
  ok: false;
  code: "refused";
  /** Stable problem code: unknown_event, illegal_transition, not_editable, or a guard's veto. */
  reason: string;
  message: string;
  status: OrderStatus;
  version: number;
  allowed: OrderEvent[];
};
type NotFound = { ok: false; code: "not_found" };
type VersionMismatch = { ok: false; code: "version_mismatch"; version: number };

export type TransitionResult = { ok: true; order: OrderRow } | NotFound | VersionMismatch | Refused;

export type AuditSummary = { id: string; outcome: AuditPlan["decision"]["outcome"]; findings: AuditPlan["decision"]["findings"]; ruleSetVersion: number };

export type AuditCommand = {
  orderId: string;
  /** What asked for the audit: intake, payment, edit, manual... */
  trigger: string;
  actor: string;
  stores: Scope;
  /** Audit only if the order is still at this version (the outbox message's), else it was handled already. */
  atVersion: number | null;
};
export type AuditResult = { ok: true; order: OrderRow; audit: AuditSummary } | NotFound | { ok: false; code: "skipped"; message: string };

export type EditCommand = {
  orderId: string;
  actor: string;
  stores: Scope;
  expectedVersion: number | null;
  /** A customer may only fix what the audit asked them to; staff may edit any of it. */
  source: "staff" | "customer";
  changes: EditInput;
};
export type EditResult =
  | { ok: true; order: OrderRow; audit: AuditSummary | null }
  | NotFound
  | VersionMismatch
  | Refused
  | { ok: false; code: "invalid"; errors: FieldError[] };

export type AfterSalesCommand = { orderId: string; actor: string; stores: Scope; action: AfterSalesAction };
export type AfterSalesResult =
  | { ok: true; order: OrderRow; request: AfterSalesRow }
  | Exclude<AfterSalesPlan, { ok: true }>;

type Snapshot = {
  id: string;
  storeId: string;
  status: OrderStatus;
  version: number;
  requiresShipping: boolean;
  heldAt: number | null;
  openAfterSales: number;
  totalAmount: number;
  currency: string;
  /** The order waits for two-level review's finance check (a `finance_review` hold reason). */
  financePending: boolean;
};

/** One state change: what the event records and what the batch writes besides the order update. */
export type Change = {
  type: string;
  to: OrderStatus;
  reason: string | null;
  data?: Record<string, unknown> | null;
  /** Columns to set on the order besides status, version and timestamps. */
  patch?: SQLiteUpdateSetSource<typeof orders>;
  /** Sets the order's status_reason; by default a change of status sets it from `reason` (holds, cancellations) or clears it. */
  statusReason?: string | null;
  /** Replaces the order's hold reasons; undefined keeps them. */
  holdReasons?: { code: string; message: string }[];
  extra?: BatchItem<"sqlite">[];
  /** Writes after the order update (a transition effect's), and how their failure reads as a refusal. */
  after?: BatchItem<"sqlite">[];
  refusal?: (err: unknown) => { reason: string; message: string } | null;
  /** Outbox rows; by default those owed by the new status when it changes, none otherwise. */
  outbox?: OutboxRow[];
};

type Timer = "flushAt" | "completeAt";
const TIMERS: Timer[] = ["flushAt", "completeAt"];
const DAY_MS = 24 * 60 * 60 * 1000;

/** Retries of an outbox send that failed here, before the cron sweep takes over. */
const FLUSH_RETRY_MS = [5_000, 30_000, 120_000];

const inScope = (stores: Scope, storeId: string) => stores === "*" || stores.includes(storeId);

export class OrderObject extends DurableObject<Env> {
  private snapshot: Snapshot | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every change already queued here: one change at a time. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  transition(cmd: TransitionCommand): Promise<TransitionResult> {
    return this.serialized(() => this.applyTransition(cmd));
  }

  /** Runs the store's audit rules and applies the outcome: approve, hold (with reasons), reject, or wait. */
  audit(cmd: AuditCommand): Promise<AuditResult> {
    return this.serialized(() => this.runAudit(cmd));
  }

  /** Changes address, contact, lines or amounts, then audits the order again. */
  edit(cmd: EditCommand): Promise<EditResult> {
    return this.serialized(() => this.applyEdit(cmd));
  }

  /** Opens an after-sales request on the order, or decides one; either holds or releases the order's completion. */
  afterSales(cmd: AfterSalesCommand): Promise<AfterSalesResult> {
    return this.serialized(() => this.applyAfterSales(cmd));
  }

  private async load(orderId: string): Promise<Snapshot | null> {
    const row = await database(this.env)
      .select({
        id: orders.id,
        storeId: orders.storeId,
        status: orders.status,
        version: orders.version,
        requiresShipping: orders.requiresShipping,
        heldAt: orders.heldAt,
        openAfterSales: orders.openAfterSales,
        totalAmount: orders.totalAmount,
        currency: orders.currency,
        financePending: sql<number>`EXISTS (SELECT 1 FROM ${orderHoldReasons} WHERE ${orderHoldReasons.orderId} = ${orders.id} AND ${orderHoldReasons.code} = ${FINANCE_REVIEW})`.mapWith(Boolean),
      })
      .from(orders)
      .where(eq(orders.id, orderId))
      .get();
    return row ? { ...row, status: row.status as OrderStatus } : null;
  }

  private async snapshotOf(orderId: string): Promise<Snapshot | null> {
    if (this.snapshot?.id === orderId) return this.snapshot;
    this.snapshot = await this.load(orderId);
    return this.snapshot;
  }

  /** The order with its lines and current hold reasons, in one round trip; refreshes the snapshot. */
  private async loadFull(orderId: string) {
    const db = database(this.env);
    const [order, lines, holds] = await db.batch([
      db.select().from(orders).where(eq(orders.id, orderId)),
      db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.lineNo)),
      db.select().from(orderHoldReasons).where(eq(orderHoldReasons.orderId, orderId)),
    ]);
    if (!order[0]) return null;
    this.snapshot = { ...order[0], status: order[0].status as OrderStatus, financePending: holds.some((h) => h.code === FINANCE_REVIEW) };
    return { order: order[0], lines, holds };
  }

  private refusal(snap: Snapshot, reason: string, message: string): Refused {
    return { ok: false, code: "refused", reason, message, status: snap.status, version: snap.version, allowed: allowedEvents(snap) };
  }

  /**
   * Writes one change as one batch. Resolves to the updated row, or to null
   * when the order moved on under a stale snapshot (the batch was refused
   * whole); the caller then reloads and decides again.
   */
  private async commit(snap: Snapshot, actor: string, change: Change): Promise<OrderRow | null | { refused: { reason: string; message: string } }> {
    const now = Date.now();
    const version = snap.version + 1;
    const statusChanges = change.to !== snap.status;
    const rows =
      change.outbox ??
      (statusChanges ? outboxRowsFor(snap.id, change.to, now, { event: change.type, version, reason: change.reason, data: change.data ?? null }) : []);
    const milestone = statusChanges ? MILESTONE[change.to] : undefined;
    // Hold reasons follow the status unless the change says otherwise: none once an order leaves on_hold.
    const holdReasons = change.holdReasons ?? (snap.status === "on_hold" && statusChanges ? [] : undefined);
    const db = database(this.env);
    const statements: BatchItem<"sqlite">[] = [
      db.insert(orderEvents).values({
        id: newId("evt", now),
        orderId: snap.id,
        seq: version,
        type: change.type,
        fromStatus: snap.status,
        toStatus: change.to,
        actor,
        reason: change.reason,
        data: change.data ?? null,
        createdAt: now,
      }),
      ...(rows.length ? [db.insert(outbox).values(rows)] : []),
      // Only a held order has hold reasons (leaving on_hold clears them), so only its need deleting.
      ...(holdReasons && snap.status === "on_hold" ? [db.delete(orderHoldReasons).where(eq(orderHoldReasons.orderId, snap.id))] : []),
      ...(holdReasons?.length ? [db.insert(orderHoldReasons).values(holdReasons.map((r) => ({ orderId: snap.id, ...r, createdAt: now })))] : []),
      ...(change.extra ?? []),
    ];
    const update = db
      .update(orders)
      .set({
        ...change.patch,
        status: change.to,
        version,
        updatedAt: now,
        ...(change.statusReason !== undefined
          ? { statusReason: change.statusReason }
          : statusChanges
            ? { statusReason: change.to === "on_hold" || change.to === "cancelled" ? change.reason : null }
            : {}),
        ...(milestone ? { [milestone]: now } : {}),
      })
      .where(and(eq(orders.id, snap.id), eq(orders.version, snap.version)))
      .returning();
    let updated: OrderRow[];
    try {
      const results = await db.batch([statements[0]!, ...statements.slice(1), update, ...(change.after ?? [])]);
      updated = results[statements.length] as OrderRow[];
    } catch (err) {
      if (constraintFailed(err, "order_events.order_id, order_events.seq")) {
        this.snapshot = null;
        return null;
      }
      const refused = change.refusal?.(err);
      if (refused) return { refused };
      throw err;
    }
    const row = updated[0];
    if (!row) throw new Error(`order ${snap.id} changed without an event at version ${snap.version}`);
    this.snapshot = {
      ...snap,
      status: change.to,
      version,
      heldAt: row.heldAt,
      openAfterSales: row.openAfterSales,
      totalAmount: row.totalAmount,
      currency: row.currency,
      financePending: holdReasons ? holdReasons.some((h) => h.code === FINANCE_REVIEW) : snap.financePending,
    };
    if (rows.length) this.ctx.waitUntil(this.flush(snap.id, rows));
    return row;
  }

  /** For changes that carry no effect, so cannot be refused by one. */
  private async committed(snap: Snapshot, actor: string, change: Change): Promise<OrderRow | null> {
    const r = await this.commit(snap, actor, change);
    if (r && "refused" in r) throw new Error(`unexpected refusal: ${r.refused.reason}`);
    return r;
  }

  private async applyTransition(cmd: TransitionCommand): Promise<TransitionResult> {
    // Two rounds at most: the second only after our snapshot proved stale.
    for (let round = 0; round < 2; round++) {
      const snap = await this.snapshotOf(cmd.orderId);
      if (!snap || !inScope(cmd.stores, snap.storeId)) return { ok: false, code: "not_found" };
      if (!isOrderEvent(cmd.event)) return this.refusal(snap, "unknown_event", `unknown event "${cmd.event}"`);
      if (cmd.expectedVersion !== null && cmd.expectedVersion !== snap.version) {
        return { ok: false, code: "version_mismatch", version: snap.version };
      }
      const decision = decide(snap, cmd.event);
      if (!decision.ok) return this.refusal(snap, decision.code, decision.message);
      const now = Date.now();
      if (cmd.event === "approve" && snap.status === "on_hold") {
        const review = await this.reviewStep(snap, cmd);
        if (review.step === "refused") return this.refusal(snap, review.code, review.message);
        if (review.step === "service_check") {
          const message = "Waiting for the finance check";
          const row = await this.committed(snap, cmd.actor, {
            type: "review_passed",
            to: "on_hold",
            reason: cmd.reason,
            statusReason: message,
            data: { level: "customer_service", held_ms: snap.heldAt ? now - snap.heldAt : null },
            holdReasons: [{ code: FINANCE_REVIEW, message }],
          });
          if (row) return { ok: true, order: row };
          continue;
        }
      }
      const db = database(this.env);
      const builder = cmd.effect ? effectBuilder(cmd.effect.kind) : null;
      const effect: EffectWrites = builder
        ? await builder.build(
            db,
            { orderId: cmd.orderId, storeId: snap.storeId, event: cmd.event, from: decision.from, to: decision.to, version: snap.version + 1, actor: cmd.actor, now },
            cmd.effect!.data,
          )
        : { statements: [] };
      const result = await this.commit(snap, cmd.actor, {
        type: cmd.event,
        to: decision.to,
        reason: cmd.reason,
        // How long a held order waited for this decision: the auditors' latency.
        data: { ...cmd.data, ...effect.eventData, ...(snap.status === "on_hold" && snap.heldAt ? { held_ms: now - snap.heldAt } : {}) },
        ...(decision.to === "on_hold" ? { holdReasons: [{ code: "manual", message: cmd.reason ?? "held by staff" }] } : {}),
        ...(effect.outbox?.length
          ? { outbox: [...outboxRowsFor(snap.id, decision.to, now, { event: cmd.event, version: snap.version + 1, reason: cmd.reason, data: cmd.data ?? null }), ...effect.outbox] }
          : {}),
        after: effect.statements,
        ...(builder?.refusal ? { refusal: builder.refusal } : {}),
      });
      if (result && "refused" in result) return this.refusal(snap, result.refused.reason, result.refused.message);
      const row = result;
      if (row) {
        if (decision.to === "delivered") await this.scheduleCompletion(row);
        else if (snap.status === "delivered") {
          await this.ctx.storage.delete("completePausedMs");
          await this.setTimer("completeAt", null);
        }
        return { ok: true, order: row };
      }
    }
    const snap = await this.load(cmd.orderId);
    return { ok: false, code: "version_mismatch", version: snap?.version ?? 0 };
  }

  /**
   * For approving a held order: which step of two-level review this is, if the
   * store uses it. Without a pending finance check the snapshot and the
   * store's cached thresholds decide, with no read; a pending one reads who
   * did the customer-service check, so the same person cannot do both.
   */
  private async reviewStep(snap: Snapshot, cmd: TransitionCommand) {
    const facts = { totalAmount: snap.totalAmount, currency: snap.currency, actor: cmd.actor, mayDoFinanceCheck: cmd.mayDoFinanceCheck ?? false };
    if (!snap.financePending) {
      return reviewStep({ ...facts, thresholds: await financeReviewOf(this.env, snap.storeId), holdCodes: [], serviceCheckedBy: null });
    }
    const db = database(this.env);
    const passed = await db
      .select({ actor: orderEvents.actor })
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, snap.id), eq(orderEvents.type, "review_passed")))
      .orderBy(desc(orderEvents.seq))
      .limit(1)
      .get();
    return reviewStep({ ...facts, thresholds: null, holdCodes: [FINANCE_REVIEW], serviceCheckedBy: passed?.actor ?? null });
  }

  private async runAudit(cmd: AuditCommand): Promise<AuditResult> {
    for (let round = 0; round < 2; round++) {
      const full = await this.loadFull(cmd.orderId);
      if (!full || !inScope(cmd.stores, full.order.storeId)) return { ok: false, code: "not_found" };
      if (cmd.atVersion !== null && full.order.version !== cmd.atVersion) {
        return { ok: false, code: "skipped", message: `the order is at version ${full.order.version}, not ${cmd.atVersion}` };
      }
      const plan = await planAudit(this.env, full, cmd.trigger, full.holds.map((h) => h.code));
      if (!plan.change) return { ok: false, code: "skipped", message: plan.skipped };
      const row = await this.committed(this.snapshot!, cmd.actor, plan.change);
      if (row) return { ok: true, order: row, audit: plan.summary };
    }
    return { ok: false, code: "skipped", message: "the order kept changing; audit again" };
  }

  private async applyEdit(cmd: EditCommand): Promise<EditResult> {
    const full = await this.loadFull(cmd.orderId);
    if (!full || !inScope(cmd.stores, full.order.storeId)) return { ok: false, code: "not_found" };
    const snap = this.snapshot!;
    if (cmd.expectedVersion !== null && cmd.expectedVersion !== snap.version) {
      return { ok: false, code: "version_mismatch", version: snap.version };
    }
    const plan = await planEdit(this.env, full, full.holds, cmd);
    if (!plan.ok) {
      return plan.code === "invalid" ? { ok: false, code: "invalid", errors: plan.errors } : this.refusal(snap, plan.code, plan.message);
    }
    const edited = await this.committed(snap, cmd.actor, plan.change);
    if (!edited) return { ok: false, code: "version_mismatch", version: (await this.load(cmd.orderId))?.version ?? 0 };
    // The edit may have fixed what held the order: audit it again at once, in the same turn.
    const audited = await this.runAudit({ orderId: cmd.orderId, trigger: `edit:${cmd.source}`, actor: "system:audit", stores: "*", atVersion: edited.version });
    return audited.ok ? { ok: true, order: audited.order, audit: audited.audit } : { ok: true, order: edited, audit: null };
  }

  private async applyAfterSales(cmd: AfterSalesCommand): Promise<AfterSalesResult> {
    for (let round = 0; round < 2; round++) {
      const plan = await planAfterSales(this.env, cmd.orderId, cmd.actor, cmd.stores, cmd.action);
      if (!plan.ok) return plan;
      const o = plan.order;
      // After-sales orders have shipped: they left on_hold behind, and its reasons with it.
      const snap: Snapshot = { ...o, status: o.status as OrderStatus, financePending: false };
      const row = await this.committed(snap, cmd.actor, plan.change);
      if (!row) continue;
      if (row.status === "delivered") {
        if (cmd.action.type === "open" && row.openAfterSales === 1) await this.pauseCompletion();
        else if (plan.closes && row.openAfterSales === 0) await this.resumeCompletion(row);
      }
      return { ok: true, order: row, request: plan.request };
    }
    return { ok: false, code: "version_mismatch", version: (await this.load(cmd.orderId))?.version ?? 0 };
  }

  /** Hands the rows over; if the send this object led fails, the alarm retries (rows that joined another's gathering are the sweep's). */
  private async flush(orderId: string, rows: OutboxRow[]): Promise<void> {
    try {
      await sendOutboxSoon(this.env, rows);
    } catch (err) {
      console.warn(`outbox send for ${orderId} failed; retrying from the alarm`, err);
      await this.ctx.storage.put({ orderId, flushAttempt: 0 });
      await this.setTimer("flushAt", Date.now() + FLUSH_RETRY_MS[0]!);
    }
  }

  /**
   * The order's timers live in this object's storage (`flushAt`, `completeAt`),
   * and the one alarm is set to the earliest of them.
   */
  private async setTimer(name: Timer, at: number | null): Promise<void> {
    if (at === null) await this.ctx.storage.delete(name);
    else await this.ctx.storage.put(name, at);
    const times = (await this.ctx.storage.get<number>(TIMERS)) as Map<string, number>;
    const next = Math.min(...[...times.values()].filter((t) => typeof t === "number"));
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(next);
    else await this.ctx.storage.deleteAlarm();
  }

  /**
   * A delivered order completes by itself after the store's window, unless it
   * moves on first. While an after-sales request is open the clock is paused:
   * the time left waits in `completePausedMs` until the last request closes.
   */
  private async scheduleCompletion(order: OrderRow): Promise<void> {
    const window = await this.completionWindow(order.storeId);
    await this.ctx.storage.put("orderId", order.id);
    if (order.openAfterSales > 0) await this.ctx.storage.put("completePausedMs", window);
    else await this.setTimer("completeAt", (order.deliveredAt ?? Date.now()) + window);
  }

  private async completionWindow(storeId: string): Promise<number> {
    const store = await database(this.env).select({ days: stores.completeAfterDays }).from(stores).where(eq(stores.id, storeId)).get();
    return (store?.days ?? 7) * DAY_MS;
  }

  private async pauseCompletion(): Promise<void> {
    const completeAt = await this.ctx.storage.get<number>("completeAt");
    if (completeAt === undefined) return;
    await this.ctx.storage.put("completePausedMs", Math.max(0, completeAt - Date.now()));
    await this.setTimer("completeAt", null);
  }

  /** The last open request closed: the clock runs again with the time it had left (at least a day, see resumeDelay). */
  private async resumeCompletion(order: OrderRow): Promise<void> {
    const paused = (await this.ctx.storage.get<number>("completePausedMs")) ?? (await this.completionWindow(order.storeId));
    await this.ctx.storage.delete("completePausedMs");
    await this.ctx.storage.put("orderId", order.id);
    await this.setTimer("completeAt", Date.now() + resumeDelay(paused));
  }

  /**
   * Runs what is due. Alarms fire at least once and may overlap a request:
   * each timer's work is safe to repeat (a resend is deduped by consumers; a
   * completion is a transition, serialized and refused once done).
   */
  override async alarm(): Promise<void> {
    const orderId = await this.ctx.storage.get<string>("orderId");
    if (!orderId) return;
    const now = Date.now();
    const flushAt = await this.ctx.storage.get<number>("flushAt");
    const completeAt = await this.ctx.storage.get<number>("completeAt");
    if (completeAt !== undefined && completeAt <= now) {
      const r = await this.transition({
        orderId,
        event: "complete",
        reason: "completed automatically after delivery",
        actor: "system:timer",
        stores: "*",
        expectedVersion: null,
      });
      if (!r.ok && r.code !== "refused" && r.code !== "not_found") throw new Error(`auto-complete of ${orderId} failed: ${r.code}`);
      await this.setTimer("completeAt", null);
    }
    if (flushAt !== undefined && flushAt <= now) await this.resend(orderId);
  }

  /** Resends this order's owed outbox rows, with backoff; after the last retry here the cron sweep takes over. */
  private async resend(orderId: string): Promise<void> {
    const attempt = (await this.ctx.storage.get<number>("flushAttempt")) ?? 0;
    const owed = await database(this.env)
      .select()
      .from(outbox)
      .where(and(eq(outbox.orderId, orderId), isNull(outbox.deliveredAt)))
      .all();
    try {
      if (owed.length) await sendOutbox(this.env, owed);
      await this.ctx.storage.delete("flushAttempt");
      await this.setTimer("flushAt", null);
    } catch (err) {
      const delay = FLUSH_RETRY_MS[attempt + 1];
      await this.ctx.storage.put("flushAttempt", attempt + 1);
      await this.setTimer("flushAt", delay === undefined ? null : Date.now() + delay);
      console.warn(`outbox resend for ${orderId} failed (attempt ${attempt + 1})`, err);
    }
  }
}
