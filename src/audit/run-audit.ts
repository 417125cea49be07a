/**
 * Turns an audit into a change of the order: gather the facts, evaluate the
 * rules, and map the outcome onto the lifecycle. Approve and reject are the
 * ordinary events; a hold lists its reasons (replacing the previous ones);
 * an unpaid order waits where it is and is audited again when paid. An
 * approved order is audited again after an edit: it stays approved if it
 * still passes and goes on hold (with the usual hold flow) if not.
 */
import { database } from "../db/client";
import { auditResults } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { outboxRowsFor } from "../outbox/topics";
import { TRANSITIONS } from "../orders/lifecycle";
import type { HoldReason, Proposal } from "../orders/stage";
import type { OrderLineRow, OrderRow } from "../orders/serialize";
import { blockingFindings, evaluate, type AuditDecision } from "./evaluate";
import type { OrderKeys } from "../db/order-keys";
import { gather, gathered, type GatherRows } from "./gather";
import type { Finding } from "./types";

export type AuditPlan = {
  decision: AuditDecision;
  summary: { id: string; outcome: AuditDecision["outcome"]; findings: Finding[]; ruleSetVersion: number };
};

/** Orders the rules are evaluated for: those an `audit` change may take (the table decides what the outcome may do). */
const AUDITABLE: ReadonlySet<string> = new Set(TRANSITIONS.audit.from);

/** One reason per code (two unknown SKUs are one reason with both messages, and both findings' params). */
export function holdReasonsOf(findings: readonly Finding[]): HoldReason[] {
  const byCode = new Map<string, Finding[]>();
  for (const f of findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  return [...byCode].map(([code, same]) => ({
    code,
    message: same
      .map((f) => f.message)
      .join("; ")
      .slice(0, 1000),
    params: same.map((f) => f.params ?? {}),
  }));
}

const sameCodes = (a: readonly string[], b: readonly { code: string }[]) => a.length === b.length && b.every((r) => a.includes(r.code));

const summaryOf = (findings: readonly Finding[]) =>
  findings
    .map((f) => f.message)
    .join("; ")
    .slice(0, 500);

export async function planAudit(
  env: ShardEnv,
  subject: { order: OrderRow; lines: OrderLineRow[] },
  opts: {
    trigger: string;
    currentHolds: readonly string[];
    /** The facts, already read with the order (the audit stage's prefetch), for keys of this very version of it. */
    prefetched?: { keys: OrderKeys; rows: GatherRows };
  },
): Promise<(AuditPlan & { change: Proposal }) | { change: null; skipped: string }> {
  const { trigger, currentHolds } = opts;
  const { order } = subject;
  if (!AUDITABLE.has(order.status)) return { change: null, skipped: `an order that is ${order.status} is not audited` };
  // An approved order was decided already: only a change to it (an edit) is reason to look again.
  if (order.status === "approved" && !trigger.startsWith("edit")) return { change: null, skipped: "an approved order is audited again only when it is edited" };
  const started = Date.now();
  const { ctx, rules, ruleSetVersion, autoAudit } = opts.prefetched ? gathered(opts.prefetched.keys, opts.prefetched.rows, started) : await gather(env, subject, { now: started });
  // Intake's consumer already skips stores that decide new orders by hand; this catches messages that did not say the store.
  if (trigger === "intake" && !autoAudit) return { change: null, skipped: "the store decides new orders by hand" };
  const evaluated = evaluate(subject, ctx, rules);
  // An approved order that still passes stays approved; one that now fails goes on hold, never straight to
  // cancelled: it was approved, so a person confirms a rejection (the findings keep their severity).
  const decision = order.status === "approved" && evaluated.outcome === "reject" ? { ...evaluated, outcome: "hold" as const } : evaluated;
  const id = newId("evt", started);
  const summary = { id, outcome: decision.outcome, findings: decision.findings, ruleSetVersion };
  const record = database(env)
    .insert(auditResults)
    .values({
      id,
      orderId: order.id,
      orderVersion: order.version,
      ruleSetVersion,
      outcome: decision.outcome,
      findings: decision.findings,
      trigger,
      durationMs: Date.now() - started,
      createdAt: started,
    });
  const data = { audit_id: id, outcome: decision.outcome, trigger, rule_set_version: ruleSetVersion, codes: decision.findings.map((f) => f.code) };
  const status = order.status as "received" | "on_hold" | "approved";
  const blocking = blockingFindings(decision);

  switch (decision.outcome) {
    case "approve":
      return { decision, summary, change: { event: status === "approved" ? "audit" : "approve", reason: null, data, writes: [record] } };
    case "reject": {
      const reason = summaryOf(decision.findings.filter((f) => f.severity === "reject"));
      return { decision, summary, change: { event: "reject", reason, data, writes: [record] } };
    }
    case "hold": {
      const reasons = holdReasonsOf(blocking);
      const reason = summaryOf(blocking);
      return {
        decision,
        summary,
        change: {
          event: status === "on_hold" ? "audit" : "hold",
          reason,
          statusReason: reason,
          data,
          holdReasons: reasons,
          writes: [record],
          // Staying on hold for other reasons is news for the customer; for the same reasons it is not.
          ...(status === "on_hold" && sameCodes(currentHolds, reasons) ? { outbox: [] } : {}),
          ...(status === "on_hold" && !sameCodes(currentHolds, reasons)
            ? { outbox: outboxRowsFor(order.id, "on_hold", started, { event: "audit", version: order.version + 1, reason }) }
            : {}),
        },
      };
    }
    case "wait": {
      const waiting = decision.findings.filter((f) => f.severity === "wait");
      const reason = summaryOf(waiting);
      return {
        decision,
        summary,
        change: {
          event: "audit",
          reason,
          data,
          writes: [record],
          // A held order that now only waits for payment no longer needs a person: its reasons say so.
          ...(status === "on_hold" ? { holdReasons: holdReasonsOf(waiting), statusReason: reason } : {}),
        },
      };
    }
  }
}
