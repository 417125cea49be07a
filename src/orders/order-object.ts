/**
 * One OrderObject per order (addressed by `idFromName(orderId)`): the only
 * writer of that order's state. It keeps no order data of its own (D1 holds
 * the facts); it serializes changes, owns the order's timers, and hands the
 * outbox rows of each change to the queues.
 *
 * Invariants:
 * - changes run one at a time (the `tail` chain), even though each awaits
 *   D1, which would otherwise let a second request interleave;
 * - every change, whoever asks, is decided by the lifecycle table
 *   (`decide` in ./lifecycle.ts) over the facts its guards need, and the
 *   status written is the decision's `to`: stages propose events, never
 *   statuses;
 * - every change is one D1 batch: the event row (seq = new version), its
 *   outbox rows and the stages' writes, then the order update guarded by
 *   `version`. The unique (order_id, seq) makes a stale writer's whole batch
 *   fail, so the log is gapless and matches the order;
 * - expected failures are returned as values: error classes do not survive RPC.
 *
 * The stages are handed in by `src/index.ts` (`orderObject(stages)`); this
 * module imports none of them.
 */
import { DurableObject } from "cloudflare:workers";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, constraintFailed, type Database, database, nonEmpty, poolMoving } from "../db/client";
import { inBatch, insertRow, perDatabase } from "../db/prepared";
import { historyAsOf } from "./event-history";
import { forgetHomes, shardOf } from "../db/homes";
import { onShard, SHARD_ZERO } from "../db/shard";
import { traceEntry } from "../db/trace";
import { orderEvents, orderHoldReasons, orderLines, orders, outbox } from "../db/schema";
import type { Env, ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { sendOutbox, sendOutboxSoon } from "../outbox/send";
import { type OutboxRow, outboxRowsFor } from "../outbox/topics";
import { orderRulesOf } from "../stores/order-rules-cache";
import {
  allowedEvents,
  type Decision,
  decide,
  type FactKind,
  factsNeeded,
  factsOfEvent,
  type GuardFacts,
  isOrderEvent,
  type LifecycleEvent,
  MILESTONE,
  type OrderStatus,
  type VetoDetail,
} from "./lifecycle";
import { resumeDelay } from "./completion";
import { FINANCE_REVIEW } from "./review";
import { factRead, factsMoved, factsStillHold } from "./facts";
import type {
  ChangeCommand,
  ChangeResult,
  Effects,
  FactLoader,
  FactRows,
  LoadedFact,
  FullOrder,
  OrderRow,
  OrderSnapshot,
  PlanContext,
  Proposal,
  Refused,
  Scope,
  Stages,
  TransitionCommand,
  TransitionResult,
  VersionMismatch,
  OrderHead,
} from "./stage";

type Timer = "flushAt" | "completeAt";
const TIMERS: Timer[] = ["flushAt", "completeAt"];
const DAY_MS = 24 * 60 * 60 * 1000;

/** Retries of an outbox send that failed here, before the cron sweep takes over. */
const FLUSH_RETRY_MS = [5_000, 30_000, 120_000];

const inScope = (stores: Scope, storeId: string) => stores === "*" || stores.includes(storeId);

/** The order's columns its snapshot is made of: an object waking reads these, not the whole row with its sealed contact columns. */
const SNAPSHOT_COLUMNS = {
  id: orders.id,
  storeId: orders.storeId,
  channel: orders.channel,
  status: orders.status,
  version: orders.version,
  requiresShipping: orders.requiresShipping,
  heldAt: orders.heldAt,
  openAfterSales: orders.openAfterSales,
  totalAmount: orders.totalAmount,
  currency: orders.currency,
  paymentStatus: orders.paymentStatus,
  archivedAt: orders.archivedAt,
  /** When the completion timer starts. */
  deliveredAt: orders.deliveredAt,
};
type SnapshotRow = Pick<OrderRow, keyof typeof SNAPSHOT_COLUMNS>;
// What a change answers of the order (stage.ts) is exactly what the snapshot reads.
const _sameColumns: [SnapshotRow, OrderHead] extends [OrderHead, SnapshotRow] ? true : never = true;

const snapshotOf = (o: SnapshotRow, financePending: boolean): OrderSnapshot => ({
  id: o.id,
  storeId: o.storeId,
  channel: o.channel,
  status: o.status as OrderStatus,
  version: o.version,
  requiresShipping: o.requiresShipping,
  heldAt: o.heldAt,
  openAfterSales: o.openAfterSales,
  totalAmount: o.totalAmount,
  currency: o.currency,
  paymentStatus: o.paymentStatus,
  archived: o.archivedAt !== null,
  financePending,
});

const orderIdParam = sql.placeholder("orderId");

/** The order with whether a finance check is pending: an object's snapshot (built once per binding, src/db/prepared.ts). */
const snapshotQuery = perDatabase((db: Database) =>
  db
    .select({
      order: SNAPSHOT_COLUMNS,
      financePending:
        sql<number>`EXISTS (SELECT 1 FROM ${orderHoldReasons} WHERE ${orderHoldReasons.orderId} = ${orders.id} AND ${orderHoldReasons.code} = ${FINANCE_REVIEW})`.mapWith(Boolean),
    })
    .from(orders)
    .where(eq(orders.id, orderIdParam))
    .prepare(),
);

/** The order, its lines and its hold reasons, read together when an object wakes for an audit or an edit. */
const fullOrderQueries = perDatabase((db: Database) => ({
  order: db.select().from(orders).where(eq(orders.id, orderIdParam)).prepare(),
  lines: db.select().from(orderLines).where(eq(orderLines.orderId, orderIdParam)).orderBy(asc(orderLines.lineNo)).prepare(),
  holds: db.select().from(orderHoldReasons).where(eq(orderHoldReasons.orderId, orderIdParam)).prepare(),
}));

/** Guard facts read with the snapshot they belong to, or given by the caller. */
type ReadFacts = Partial<Pick<GuardFacts, LoadedFact>>;

type Committed = { row: OrderHead; whole?: OrderRow } | { stale: true } | { refused: { reason: string; message: string } };
/** Who asks for a change: their id for the timeline, and whether they may do two-level review's finance check. */
type Caller = { actor: string; mayDoFinanceCheck?: boolean | undefined; wholeOrder?: boolean | undefined };

/** The first approval of two-level review: the order stays held, now for the finance check. */
function reviewPassed(p: Proposal, heldMs: number | null): Proposal {
  const message = "Waiting for the finance check";
  return {
    ...p,
    event: "pass_review",
    type: "review_passed",
    statusReason: message,
    data: { ...p.data, level: "customer_service", held_ms: heldMs },
    holdReasons: [{ code: FINANCE_REVIEW, message }],
  };
}

export abstract class OrderKernel extends DurableObject<Env> {
  protected abstract readonly stages: Stages;
  /**
   * The env on the order's shard (docs/SHARDING.md section 5): found from the order's id, by its store tag
   * (src/db/homes.ts), before each command. The answer is cached per isolate, so asking costs nothing, and a pool
   * moved to another database (src/pools/move-pool.ts) is followed: a write to the old one is refused by its guards
   * (`pool_moving`), which drops the cached answers, so the next command asks the directory again.
   */
  protected shardEnv: ShardEnv;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.shardEnv = onShard(env, SHARD_ZERO);
  }

  private async findShard(orderId: string): Promise<void> {
    const shardEnv = onShard(this.env, await shardOf(this.env, { id: orderId }));
    // Another database: what this object read on the old one is not what it will write against.
    if (shardEnv !== this.shardEnv) this.snapshot = null;
    this.shardEnv = shardEnv;
  }

  /** Runs a command's work; a write refused because the pool is moving drops the cached routes for the next try. */
  private async onItsShard<T>(orderId: string, work: () => Promise<T>): Promise<T> {
    await this.findShard(orderId);
    try {
      return await work();
    } catch (err) {
      if (poolMoving(err)) forgetHomes();
      throw err;
    }
  }
  private snapshot: OrderSnapshot | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every change already queued here: one change at a time. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Fires one of the lifecycle's events by name (staff, integrations, the shipments, the timers). */
  transition(cmd: TransitionCommand): Promise<TransitionResult> {
    return this.serialized(() =>
      traceEntry(
        this.shardEnv,
        () => `object:${cmd.event}`,
        () => this.onItsShard(cmd.orderId, () => this.applyTransition(cmd)),
      ),
    );
  }

  /** A change planned by a stage (audit, edit, after-sales, allocation...) from the order and the stage's input. */
  change(cmd: ChangeCommand): Promise<ChangeResult> {
    return this.serialized(() =>
      traceEntry(
        this.shardEnv,
        () => `object:${cmd.stage}`,
        () => this.onItsShard(cmd.orderId, () => this.applyChange(cmd)),
      ),
    );
  }

  private async load(orderId: string): Promise<OrderSnapshot | null> {
    const row = await snapshotQuery(database(this.shardEnv)).get({ orderId });
    return row ? snapshotOf(row.order, row.financePending) : null;
  }

  /**
   * The snapshot of an object that is not holding one, and the facts `event`'s guards may need, in one round trip:
   * waking for `ship` or `deliver` reads the order and its shipments together. The facts are read for every status
   * the event leaves from (but the kinds the caller `gave`); they are the order's as of the snapshot, so they count
   * only with it (a second round, after the snapshot proved stale, reads both again).
   */
  private async wake(orderId: string, event: LifecycleEvent, gave: FactRows): Promise<{ snap: OrderSnapshot | null; facts: ReadFacts }> {
    if (this.snapshot?.id === orderId) return { snap: this.snapshot, facts: {} };
    const db = database(this.shardEnv);
    const loaders = this.factLoaders(factsOfEvent(event)).filter(([kind]) => gave[kind] === undefined);
    if (!loaders.length) return { snap: await this.current(orderId), facts: {} };
    const [rows, ...answers] = (await db.batch([inBatch(snapshotQuery(db), { orderId }), ...loaders.map(([, l]) => factRead(db, l, orderId))])) as [
      { order: SnapshotRow; financePending: boolean }[],
      ...unknown[][],
    ];
    const row = rows[0];
    this.snapshot = row ? snapshotOf(row.order, row.financePending) : null;
    return { snap: this.snapshot, facts: this.factsFrom(loaders, answers) };
  }

  /** The stages' loaders of these kinds of fact (one stage knows each kind: the fulfilment stage, shipments and tasks). */
  private factLoaders(kinds: readonly FactKind[]): [LoadedFact, FactLoader<LoadedFact>][] {
    return kinds.flatMap((kind) => {
      if (kind === "review") return [];
      const loader = Object.values(this.stages).find((stage) => stage.facts?.[kind])?.facts?.[kind] as FactLoader<LoadedFact> | undefined;
      return loader ? [[kind, loader] as [LoadedFact, FactLoader<LoadedFact>]] : [];
    });
  }

  /** The facts of `loaders` from their rows, in order. */
  private factsFrom(loaders: readonly [LoadedFact, FactLoader<LoadedFact>][], rows: readonly unknown[]): ReadFacts {
    const facts: ReadFacts = {};
    for (const [i, [kind, loader]] of loaders.entries()) Object.assign(facts, { [kind]: loader.from(rows[i] as unknown[]) });
    return facts;
  }

  private async current(orderId: string): Promise<OrderSnapshot | null> {
    if (this.snapshot?.id === orderId) return this.snapshot;
    this.snapshot = await this.load(orderId);
    return this.snapshot;
  }

  /**
   * The order with its lines and current hold reasons, in one round trip; refreshes the snapshot. A stage's
   * `prefetch` statements ride along (`prefetched`: their answers, in order).
   */
  private async loadFull(orderId: string, extra: readonly BatchItem<"sqlite">[] = []): Promise<(FullOrder & { prefetched: unknown[] }) | null> {
    const db = database(this.shardEnv);
    const q = fullOrderQueries(db);
    const [order, lines, holds, ...prefetched] = (await db.batch([inBatch(q.order, { orderId }), inBatch(q.lines, { orderId }), inBatch(q.holds, { orderId }), ...extra])) as [
      FullOrder["order"][],
      FullOrder["lines"],
      FullOrder["holds"],
      ...unknown[],
    ];
    if (!order[0]) return null;
    this.snapshot = snapshotOf(
      order[0],
      holds.some((h) => h.code === FINANCE_REVIEW),
    );
    return { order: order[0], lines, holds, prefetched };
  }

  /**
   * What the guards of `event` need, read only for events that have such guards: the stages' facts in one batch.
   * `read`: facts already read with this snapshot (`wake`) or given by the caller, not read again.
   */
  private async guardFacts(snap: OrderSnapshot, event: LifecycleEvent, caller: Caller, read: ReadFacts = {}): Promise<GuardFacts> {
    const facts: GuardFacts = { ...snap };
    const kinds = factsNeeded(snap.status, event);
    const loaders = this.factLoaders(kinds.filter((k) => k !== "review" && read[k] === undefined));
    for (const kind of kinds) if (kind !== "review" && read[kind] !== undefined) Object.assign(facts, { [kind]: read[kind] });
    const db = database(this.shardEnv);
    const [rows, review] = await Promise.all([
      loaders.length ? db.batch(nonEmpty(loaders.map(([, l]) => factRead(db, l, snap.id)))) : Promise.resolve([]),
      kinds.includes("review") && snap.status === "on_hold" ? this.reviewFacts(snap, caller) : Promise.resolve(undefined),
    ]);
    Object.assign(facts, this.factsFrom(loaders, rows));
    if (review) facts.review = review;
    return facts;
  }

  /**
   * Two-level review's facts. Without a pending finance check the snapshot
   * and the store's cached thresholds decide, with no read; a pending one
   * reads who did the customer-service check, so the same person cannot do both.
   */
  private async reviewFacts(snap: OrderSnapshot, caller: Caller) {
    const base = { totalAmount: snap.totalAmount, currency: snap.currency, actor: caller.actor, mayDoFinanceCheck: caller.mayDoFinanceCheck ?? false };
    if (!snap.financePending) return { ...base, thresholds: (await orderRulesOf(this.shardEnv, snap.storeId)).financeReview, holdCodes: [], serviceCheckedBy: null };
    const passed = await database(this.shardEnv)
      .select({ actor: orderEvents.actor })
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, snap.id), eq(orderEvents.type, "review_passed")))
      .orderBy(desc(orderEvents.seq))
      .limit(1)
      .get();
    return { ...base, thresholds: null, holdCodes: [FINANCE_REVIEW], serviceCheckedBy: passed?.actor ?? null };
  }

  private refusal(snap: OrderSnapshot, facts: GuardFacts, d: { code: string; message: string; extra?: VetoDetail | undefined }): Refused {
    return {
      ok: false,
      code: "refused",
      reason: d.code,
      message: d.message,
      status: snap.status,
      version: snap.version,
      allowed: allowedEvents(facts),
      ...(d.extra ? { extra: d.extra } : {}),
    };
  }

  /** The stages' effects on a decided change (stock released by a cancellation, the floor stopped...). */
  private async effectsOf(c: {
    snap: OrderSnapshot;
    decision: Extract<Decision, { ok: true }>;
    proposal: Proposal;
    facts: GuardFacts;
    caller: Caller;
    input: Record<string, unknown>;
  }): Promise<Effects[]> {
    const { snap, decision: d, proposal: p, facts, caller, input } = c;
    const db = database(this.shardEnv);
    const ctx = {
      env: this.shardEnv,
      db,
      order: snap,
      event: d.event,
      from: d.from,
      to: d.to,
      version: snap.version + 1,
      actor: caller.actor,
      reason: p.reason,
      now: Date.now(),
      input,
      facts,
    };
    const out: Effects[] = [];
    for (const stage of Object.values(this.stages)) {
      const effect = stage.effects?.[d.event];
      if (effect) out.push(await effect(ctx));
    }
    return out;
  }

  /**
   * Decides the proposal over the table and commits it with the stages'
   * effects. Resolves to the committed row; to a refusal (the table's, or an
   * effect's failure mapped by its `refusal`); or to "stale" when the order
   * moved on under the snapshot, and the caller reloads and decides again.
   */
  private async decideAndCommit(
    snap: OrderSnapshot,
    proposal: Proposal,
    { caller, input, read, checks = [] }: { caller: Caller; input: Record<string, unknown>; read?: ReadFacts; checks?: readonly BatchItem<"sqlite">[] },
  ): Promise<{ row: OrderHead; whole?: OrderRow } | { stale: true } | Refused> {
    const facts = await this.guardFacts(snap, proposal.event, caller, read);
    const d = decide(facts, proposal.event);
    if (!d.ok) return this.refusal(snap, facts, d);
    const heldMs = snap.status === "on_hold" && snap.heldAt ? Date.now() - snap.heldAt : null;
    const p = d.event === "pass_review" && proposal.event !== "pass_review" ? reviewPassed(proposal, heldMs) : proposal;
    const effects = await this.effectsOf({ snap, decision: d, proposal: p, facts, caller, input });
    const r = await this.commit(snap, { decision: d, proposal: p, effects, actor: caller.actor, whole: caller.wholeOrder === true, checks });
    if ("refused" in r) return this.refusal(snap, facts, { code: r.refused.reason, message: r.refused.message });
    if ("row" in r) await this.followTimers(snap, r.row);
    return r;
  }

  /** Writes one decided change as one batch. */
  private async commit(
    snap: OrderSnapshot,
    c: { decision: Extract<Decision, { ok: true }>; proposal: Proposal; effects: Effects[]; actor: string; whole: boolean; checks?: readonly BatchItem<"sqlite">[] },
  ): Promise<Committed> {
    const { decision: d, proposal: p, effects, actor } = c;
    const now = Date.now();
    const version = snap.version + 1;
    const to = d.to;
    const type = p.type ?? d.event;
    const statusChanges = to !== snap.status;
    const eventData = Object.assign({}, p.data, ...effects.map((e) => e.eventData ?? {}));
    const data = Object.keys(eventData).length || p.data ? eventData : null;
    const owed = statusChanges
      ? outboxRowsFor(snap.id, to, now, { event: type, version, reason: p.reason, ...(p.customerMessage ? { customer_message: p.customerMessage } : {}), data: p.data ?? null })
      : [];
    const rows: OutboxRow[] = [...(p.outbox ?? owed), ...(p.extraOutbox ?? []), ...effects.flatMap((e) => e.outbox ?? [])].map((row) =>
      // What the customer did on their own page: our messages about it answer them (their links retire nothing).
      actor === "customer" ? { ...row, payload: { ...(row.payload as Record<string, unknown>), by_customer: true } } : row,
    );
    const milestone = statusChanges ? MILESTONE[to] : undefined;
    // Hold reasons follow the status unless the change says otherwise: none once an order leaves on_hold.
    const holdReasons = p.holdReasons ?? (snap.status === "on_hold" && statusChanges ? [] : undefined);
    const db = database(this.shardEnv);
    const statements: BatchItem<"sqlite">[] = [
      // First: facts a caller read must still hold (src/orders/facts.ts), or nothing of the change is written.
      ...(c.checks ?? []),
      db.insert(orderEvents).values({
        id: newId("evt", now),
        orderId: snap.id,
        seq: version,
        type,
        fromStatus: snap.status,
        toStatus: to,
        actor,
        reason: p.reason,
        internalNote: p.internalNote ?? null,
        customerMessage: p.customerMessage ?? null,
        data,
        createdAt: now,
        // Read in this batch, from the order's earlier events: what the rollups would otherwise look up per refold.
        ...historyAsOf(snap.id, version),
      }),
      // 9 columns a row: 11 rows a statement stay under D1's 100 bound parameters.
      ...chunk(rows, 11).map((part) => insertRow(db, outbox, part)),
      // Only a held order has hold reasons (leaving on_hold clears them), so only its need deleting.
      ...(holdReasons && snap.status === "on_hold" ? [db.delete(orderHoldReasons).where(eq(orderHoldReasons.orderId, snap.id))] : []),
      ...(holdReasons?.length ? [db.insert(orderHoldReasons).values(holdReasons.map((r) => ({ orderId: snap.id, ...r, createdAt: now })))] : []),
      ...(p.writes ?? []),
      ...effects.flatMap((e) => e.writes ?? []),
    ];
    const update = db
      .update(orders)
      .set({
        ...p.patch,
        status: to,
        version,
        updatedAt: now,
        ...(p.statusReason !== undefined ? { statusReason: p.statusReason } : statusChanges ? { statusReason: to === "on_hold" || to === "cancelled" ? p.reason : null } : {}),
        ...(milestone ? { [milestone]: now } : {}),
      })
      .where(and(eq(orders.id, snap.id), eq(orders.version, snap.version)));
    const returning = c.whole ? update.returning() : update.returning(SNAPSHOT_COLUMNS);
    const after = [...(p.after ?? []), ...effects.flatMap((e) => e.after ?? [])];
    let updated: (SnapshotRow | OrderRow)[];
    try {
      const results = await db.batch([statements[0]!, ...statements.slice(1), returning, ...after]);
      updated = results[statements.length] as (SnapshotRow | OrderRow)[];
    } catch (err) {
      if (constraintFailed(err, "order_events.order_id, order_events.seq")) {
        this.snapshot = null;
        return { stale: true };
      }
      // The order is as the snapshot says; its shipments or tasks moved since the caller read them.
      if (c.checks?.length && factsMoved(err)) return { stale: true };
      for (const refusal of [p.refusal, ...effects.map((e) => e.refusal)]) {
        const refused = refusal?.(err);
        if (refused) return { refused };
      }
      throw err;
    }
    const row = updated[0];
    if (!row) throw new Error(`order ${snap.id} changed without an event at version ${snap.version}`);
    this.snapshot = snapshotOf(row, holdReasons ? holdReasons.some((h) => h.code === FINANCE_REVIEW) : snap.financePending);
    if (rows.length) this.ctx.waitUntil(this.flush(snap.id, rows));
    return c.whole ? { row, whole: row as OrderRow } : { row };
  }

  private async applyTransition(cmd: TransitionCommand): Promise<TransitionResult> {
    // Two rounds at most: the second only after our snapshot proved stale.
    for (let round = 0; round < 2; round++) {
      if (!isOrderEvent(cmd.event)) {
        const snap = await this.current(cmd.orderId);
        if (!snap || !inScope(cmd.stores, snap.storeId)) return { ok: false, code: "not_found" };
        return this.refusal(snap, snap, { code: "unknown_event", message: `unknown event "${cmd.event}"` });
      }
      // The caller's facts count in the first round only: a second one follows a commit they (or the version) failed.
      const gave = round === 0 ? (cmd.facts ?? {}) : {};
      const { snap, facts: woke } = await this.wake(cmd.orderId, cmd.event, gave);
      if (!snap || !inScope(cmd.stores, snap.storeId)) return { ok: false, code: "not_found" };
      const given = this.factLoaders(factsNeeded(snap.status, cmd.event)).filter(([kind]) => gave[kind] !== undefined);
      const read = {
        ...woke,
        ...this.factsFrom(
          given,
          given.map(([kind]) => gave[kind]),
        ),
      };
      const db = database(this.shardEnv);
      const checks = given.map(([kind, loader]) => factsStillHold(db, loader, snap.id, gave[kind]!));
      if (cmd.expectedVersion !== null && cmd.expectedVersion !== snap.version) return { ok: false, code: "version_mismatch", version: snap.version };
      const event = cmd.event;
      const r = await this.decideAndCommit(
        snap,
        {
          event,
          reason: cmd.reason,
          internalNote: cmd.internalNote ?? null,
          customerMessage: cmd.customerMessage ?? null,
          // How long a held order waited for this decision: the auditors' latency.
          data: { ...cmd.data, ...(snap.status === "on_hold" && snap.heldAt ? { held_ms: Date.now() - snap.heldAt } : {}) },
          ...(event === "hold" ? { holdReasons: [{ code: "manual", message: cmd.reason ?? "held by staff" }] } : {}),
        },
        { caller: cmd, input: cmd.data ?? {}, read, checks },
      );
      if ("row" in r) return { ok: true, order: r.row, ...(r.whole ? { whole: r.whole } : {}) };
      if ("stale" in r) continue;
      // Facts the caller gave speed a change up; they never refuse one: a guard's veto is decided again on the object's own.
      if (checks.length && r.ok === false && r.code === "refused" && r.reason !== "illegal_transition") continue;
      return r;
    }
    return this.versionNow(cmd.orderId);
  }

  private async applyChange(cmd: ChangeCommand): Promise<ChangeResult> {
    const stage = this.stages[cmd.stage]?.plan ? this.stages[cmd.stage]! : null;
    if (!stage) throw new Error(`no stage "${cmd.stage}" plans order changes`);
    for (let round = 0; round < 2; round++) {
      const extra = stage.prefetch?.(database(this.shardEnv), cmd.input, cmd.orderId) ?? null;
      // Waking for a stage that reads the whole order anyway (an audit, an edit): one round trip, not the row and then the whole.
      let full = stage.readsWholeOrder && this.snapshot?.id !== cmd.orderId ? this.loadFull(cmd.orderId, extra ?? []) : null;
      if (full) await full;
      const readFull = async () => {
        full ??= this.loadFull(cmd.orderId, extra ?? []);
        const f = await full;
        if (!f) throw new Error(`order ${cmd.orderId} vanished`);
        return f;
      };
      const snap = await this.current(cmd.orderId);
      if (!snap || !inScope(cmd.stores, snap.storeId)) return { ok: false, code: "not_found" };
      if (cmd.expectedVersion !== null && cmd.expectedVersion !== snap.version) return { ok: false, code: "version_mismatch", version: snap.version };
      const ctx: PlanContext = {
        env: this.shardEnv,
        db: database(this.shardEnv),
        order: snap,
        actor: cmd.actor,
        stores: cmd.stores,
        now: Date.now(),
        full: readFull,
        prefetched: async () => (extra ? (await readFull()).prefetched : null),
        refuse: (reason, message) => this.refusal(this.snapshot ?? snap, this.snapshot ?? snap, { code: reason, message }),
      };
      const plan = await stage.plan!(ctx, cmd.input);
      if (!plan.ok) return plan;
      // A stage that read the whole order refreshed the snapshot: commit on what it read.
      const base = this.snapshot?.id === snap.id ? this.snapshot : snap;
      const r = await this.decideAndCommit(base, plan.proposal, { caller: cmd, input: {} });
      if ("stale" in r) continue;
      if (!("row" in r)) return r;
      const next = plan.proposal.followUp?.(r.row);
      const followUp = next
        ? await this.applyChange({
            orderId: cmd.orderId,
            stage: next.stage,
            input: next.input,
            actor: next.actor,
            stores: "*",
            expectedVersion: r.row.version,
            ...(cmd.wholeOrder ? { wholeOrder: true } : {}),
          })
        : undefined;
      return { ok: true, order: r.row, ...(r.whole ? { whole: r.whole } : {}), result: plan.result, ...(followUp ? { followUp } : {}) };
    }
    return this.versionNow(cmd.orderId);
  }

  private async versionNow(orderId: string): Promise<VersionMismatch> {
    return { ok: false, code: "version_mismatch", version: (await this.load(orderId))?.version ?? 0 };
  }

  /**
   * The completion timer follows the order: set on delivery, dropped when it
   * leaves delivered, paused while an after-sales request is open and
   * resumed when the last one closes.
   */
  private async followTimers(before: OrderSnapshot, row: OrderHead): Promise<void> {
    if (row.status === "delivered" && before.status !== "delivered") return this.scheduleCompletion(row);
    if (before.status === "delivered" && row.status !== "delivered") {
      await this.ctx.storage.delete("completePausedMs");
      return this.setTimer("completeAt", null);
    }
    if (row.status !== "delivered") return;
    if (before.openAfterSales === 0 && row.openAfterSales > 0) await this.pauseCompletion();
    else if (before.openAfterSales > 0 && row.openAfterSales === 0) await this.resumeCompletion(row);
  }

  /** Hands the rows over; if the send this object led fails, the alarm retries (rows that joined another's gathering are the sweep's). */
  private async flush(orderId: string, rows: OutboxRow[]): Promise<void> {
    try {
      await sendOutboxSoon(this.shardEnv, rows);
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
  private async scheduleCompletion(order: OrderHead): Promise<void> {
    const window = await this.completionWindow(order.storeId);
    await this.ctx.storage.put("orderId", order.id);
    if (order.openAfterSales > 0) await this.ctx.storage.put("completePausedMs", window);
    else await this.setTimer("completeAt", (order.deliveredAt ?? Date.now()) + window);
  }

  private async completionWindow(storeId: string): Promise<number> {
    return (await orderRulesOf(this.shardEnv, storeId)).completeAfterDays * DAY_MS;
  }

  private async pauseCompletion(): Promise<void> {
    const completeAt = await this.ctx.storage.get<number>("completeAt");
    if (completeAt === undefined) return;
    await this.ctx.storage.put("completePausedMs", Math.max(0, completeAt - Date.now()));
    await this.setTimer("completeAt", null);
  }

  /** The last open request closed: the clock runs again with the time it had left, and at least a day. */
  private async resumeCompletion(order: OrderHead): Promise<void> {
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
      const r = await this.transition({ orderId, event: "complete", reason: "completed automatically after delivery", actor: "system:timer", stores: "*", expectedVersion: null });
      if (!r.ok && r.code !== "refused" && r.code !== "not_found") throw new Error(`auto-complete of ${orderId} failed: ${r.code}`);
      await this.setTimer("completeAt", null);
    }
    if (flushAt !== undefined && flushAt <= now) {
      await this.onItsShard(orderId, () => this.resend(orderId));
    }
  }

  /** Resends this order's owed outbox rows, with backoff; after the last retry here the cron sweep takes over. */
  private async resend(orderId: string): Promise<void> {
    const attempt = (await this.ctx.storage.get<number>("flushAttempt")) ?? 0;
    const owed = await database(this.shardEnv)
      .select()
      .from(outbox)
      .where(and(eq(outbox.orderId, orderId), isNull(outbox.deliveredAt)))
      .all();
    try {
      if (owed.length) await sendOutbox(this.shardEnv, owed);
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

/** The order object with its stages: `src/index.ts` exports `class OrderObject extends orderObject(STAGES) {}`. */
export function orderObject(stages: Stages) {
  return class extends OrderKernel {
    protected readonly stages = stages;
  };
}

/** The order's object, by order id: the one way the rest of the system reaches it. */
export function orderStub(env: ShardEnv, orderId: string) {
  return env.ORDER.get(env.ORDER.idFromName(orderId));
}
