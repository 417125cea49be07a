/**
 * The audit itself: run each enabled rule, give its findings the configured
 * severity, clear what the customer confirmed, and decide. Pure: every fact
 * that needs I/O is in the context, so this is tested directly and the same
 * code serves the dry run.
 */
import { RULE_KINDS, type RuleConfig } from "./rule-set";
import type { AuditContext, AuditOrder, Finding, Severity } from "./types";

export type Outcome = "approve" | "hold" | "reject" | "wait";
export type AuditDecision = { outcome: Outcome; findings: Finding[] };

const RANK: Record<Severity, number> = { info: 0, wait: 1, hold: 2, reject: 3 };
const OUTCOME: Record<Severity, Outcome> = { info: "approve", wait: "wait", hold: "hold", reject: "reject" };

export function evaluate(subject: AuditOrder, ctx: AuditContext, rules: readonly RuleConfig[]): AuditDecision {
  const confirmed = new Set(subject.order.confirmations);
  const findings: Finding[] = [];
  for (const rule of rules) {
    const kind = RULE_KINDS[rule.kind];
    if (!rule.enabled || !kind) continue;
    for (const raw of kind.evaluate(subject, ctx, kind.params.parse(rule.params))) {
      const confirmable = raw.confirmable ?? false;
      // A finding the customer confirmed stays on record, but no longer stops the order.
      const severity = confirmable && confirmed.has(raw.code) && rule.severity !== "reject" ? "info" : rule.severity;
      findings.push({ rule: rule.kind, severity, customerAction: null, ...raw, confirmable });
    }
  }
  const worst = findings.reduce<Severity>((w, f) => (RANK[f.severity] > RANK[w] ? f.severity : w), "info");
  return { outcome: OUTCOME[worst], findings };
}

/** The findings that keep an order on hold (or cancel it): what the hold reasons list. */
export function blockingFindings(d: AuditDecision): Finding[] {
  return d.findings.filter((f) => f.severity === "hold" || f.severity === "reject");
}
