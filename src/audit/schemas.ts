/** The audit API's shapes. */
import { z } from "@hono/zod-openapi";
import type { AuditSummary } from "./audit-stage";
import { Rfc3339 } from "../http/route";
import { SEVERITIES } from "./types";

export const FindingSchema = z
  .object({
    rule: z.string(),
    code: z.string().openapi({ description: "Stable reason code, e.g. postal_code_invalid" }),
    severity: z.enum(SEVERITIES),
    message: z.string(),
    field: z.string().optional(),
    customer_action: z.enum(["fix_address", "fix_contact"]).nullable(),
    confirmable: z.boolean(),
  })
  .openapi("AuditFinding");

export const AuditSummarySchema = z
  .object({
    id: z.string(),
    outcome: z.enum(["approve", "hold", "reject", "wait"]),
    rule_set_version: z.number().int(),
    findings: z.array(FindingSchema),
  })
  .openapi("AuditSummary");

export const AuditResultSchema = AuditSummarySchema.extend({
  order_version: z.number().int(),
  trigger: z.string(),
  duration_ms: z.number().int(),
  created_at: Rfc3339,
}).openapi("AuditResult");

type FindingLike = AuditSummary["findings"][number];

export const finding = (f: FindingLike): z.infer<typeof FindingSchema> => ({
  rule: f.rule,
  code: f.code,
  severity: f.severity,
  message: f.message,
  ...(f.field ? { field: f.field } : {}),
  customer_action: f.customerAction,
  confirmable: f.confirmable,
});

export const auditSummary = (a: AuditSummary): z.infer<typeof AuditSummarySchema> => ({
  id: a.id,
  outcome: a.outcome,
  rule_set_version: a.ruleSetVersion,
  findings: a.findings.map(finding),
});
