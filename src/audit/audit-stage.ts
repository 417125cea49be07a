/**
 * The audit as a stage of the order object: from the whole order and what
 * asked for it (intake, a payment, an edit, a person), the store's rules
 * propose approve, hold (with reasons), reject, or stay as it is (waiting
 * for payment, or held for the same reasons). The lifecycle table judges
 * the proposal like any other: an approval of a held order above the
 * store's threshold becomes two-level review's first check.
 */
import type { ShardEnv } from "../env";
import { orderStub } from "../orders/order-object";
import type { ChangeResult, OrderStage, Scope } from "../orders/stage";
import type { OrderKeys } from "../db/order-keys";
import { gatherQueries, type GatherRows } from "./gather";
import { type AuditPlan, planAudit } from "./run-audit";

export const AUDIT_STAGE = "audit";

export type AuditSummary = AuditPlan["summary"];
export type AuditInput = {
  /** What asked for the audit: intake, payment, edit, manual... */
  trigger: string;
  /** Audit only if the order is still at this version (the outbox message's), else it was handled already. */
  atVersion: number | null;
  /** The order's keys at `atVersion`, as intake computed them: the facts are then read with the order itself. */
  keys?: OrderKeys;
};

export const auditStage: OrderStage<AuditInput, AuditSummary> = {
  readsWholeOrder: true,
  // Keys describe one version of the order: without it to check them against, they are not used.
  prefetch: (db, input, orderId) => (input.keys && input.atVersion !== null ? gatherQueries(db, orderId, input.keys) : null),
  async plan(ctx, input) {
    const full = await ctx.full();
    if (input.atVersion !== null && full.order.version !== input.atVersion) {
      return { ok: false, code: "skipped", message: `the order is at version ${full.order.version}, not ${input.atVersion}` };
    }
    // The order is at the version the keys were computed from, so the facts read with it are the ones `gather` would read.
    const rows = (await ctx.prefetched()) as GatherRows | null;
    const plan = await planAudit(ctx.env, full, {
      trigger: input.trigger,
      currentHolds: full.holds.map((h) => h.code),
      ...(rows && input.keys ? { prefetched: { keys: input.keys, rows } } : {}),
    });
    if (!plan.change) return { ok: false, code: "skipped", message: plan.skipped };
    return { ok: true, proposal: plan.change, result: plan.summary };
  },
};

/** Runs the store's audit rules on the order, through its object. */
export function auditOrder(
  env: ShardEnv,
  cmd: AuditInput & { orderId: string; actor: string; stores: Scope; mayDoFinanceCheck?: boolean; wholeOrder?: boolean },
): Promise<ChangeResult<AuditSummary>> {
  const { orderId, actor, stores, mayDoFinanceCheck, trigger, atVersion, keys, wholeOrder } = cmd;
  return orderStub(env, orderId).change({
    orderId,
    stage: AUDIT_STAGE,
    input: { trigger, atVersion, ...(keys ? { keys } : {}) },
    actor,
    stores,
    expectedVersion: null,
    mayDoFinanceCheck: mayDoFinanceCheck ?? false,
    ...(wholeOrder ? { wholeOrder } : {}),
  }) as unknown as Promise<ChangeResult<AuditSummary>>;
}
