/**
 * Edits as a stage of the order object: staff correcting an address, lines
 * or amounts, a channel reporting payment, a customer fixing or confirming
 * what held their order. Planned inside the object, so the edit sees exactly
 * the order it changes; audited again at once, in the same turn.
 */
import { AUDIT_STAGE, type AuditSummary } from "../audit/audit-stage";
import type { ShardEnv } from "../env";
import { orderStub } from "../orders/order-object";
import { type ChangeResult, type OrderRow, type OrderStage, type Scope, wholeOrder } from "../orders/stage";
import { type EditInput, planEdit } from "./plan-edit";

export const EDIT_STAGE = "edit";

export type EditStageInput = {
  /** A customer may only fix what the audit asked them to; staff may edit any of it. */
  source: "staff" | "customer";
  changes: EditInput;
};

export const editStage: OrderStage<EditStageInput, null> = {
  readsWholeOrder: true,
  async plan(ctx, input) {
    const full = await ctx.full();
    const plan = await planEdit(ctx.env, full, { holds: full.holds, source: input.source, changes: input.changes, actor: ctx.actor });
    if (!plan.ok) return plan.code === "invalid" ? plan : ctx.refuse(plan.code, plan.message);
    return {
      ok: true,
      result: null,
      proposal: {
        ...plan.change,
        // The edit may have fixed what held the order.
        followUp: (row) => ({ stage: AUDIT_STAGE, input: { trigger: `edit:${input.source}`, atVersion: row.version }, actor: "system:audit" }),
      },
    };
  },
};

export type EditOutcome = ChangeResult<null>;

/** Edits the order through its object; `followUp` in the answer is the audit that followed. */
export function editOrder(
  env: ShardEnv,
  cmd: EditStageInput & { orderId: string; actor: string; stores: Scope; expectedVersion: number | null; wholeOrder?: boolean },
): Promise<EditOutcome> {
  const { orderId, actor, stores, expectedVersion, source, changes, wholeOrder } = cmd;
  return orderStub(env, orderId).change({
    orderId,
    stage: EDIT_STAGE,
    input: { source, changes },
    actor,
    stores,
    expectedVersion,
    ...(wholeOrder ? { wholeOrder } : {}),
  }) as unknown as Promise<EditOutcome>;
}

/** The whole order after an edit asked with `wholeOrder`, and the audit that followed it (the audit's order when it ran). */
export function editedOrder(r: Extract<EditOutcome, { ok: true }>): { order: OrderRow; audit: AuditSummary | null } {
  return r.followUp?.ok ? { order: wholeOrder(r.followUp), audit: r.followUp.result as AuditSummary } : { order: wholeOrder(r), audit: null };
}
