/**
 * A store's rule set: which rule kinds run, how severe their findings are and
 * with which parameters. Stored as data (audit_rule_sets), versioned; a store
 * without one gets DEFAULT_RULES. A merchant's own rule is a new file in
 * rules/ and a line in RULE_KINDS, not an `if` in the engine.
 */
import { z } from "@hono/zod-openapi";
import { addressRule } from "./rules/address";
import { priceRule, skuRule } from "./rules/catalogue";
import { blocklistRule, duplicateRule, stockRule } from "./rules/customer-checks";
import { amountRule, noteRule, paymentRule, quantityRule, totalsRule } from "./rules/order-checks";
import { SEVERITIES, type RuleKind, type Severity } from "./types";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const RULE_KINDS: Record<string, RuleKind<any>> = Object.fromEntries(
  [addressRule, skuRule, priceRule, totalsRule, quantityRule, duplicateRule, blocklistRule, amountRule, noteRule, paymentRule, stockRule].map((r) => [r.kind, r]),
);

export const RuleConfigSchema = z
  .object({
    kind: z.string().openapi({ enum: Object.keys(RULE_KINDS), example: "price" }),
    enabled: z.boolean().default(true),
    severity: z.enum(SEVERITIES).optional().openapi({ description: "Defaults to the kind's own severity" }),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .openapi("AuditRule");

export type RuleConfig = { kind: string; enabled: boolean; severity: Severity; params: Record<string, unknown> };

export const RuleSetBody = z
  .object({ rules: z.array(RuleConfigSchema).max(50) })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.rules.forEach((r, i) => {
      const kind = RULE_KINDS[r.kind];
      if (!kind) {
        ctx.addIssue({ code: "custom", path: ["rules", i, "kind"], message: `unknown rule kind; one of ${Object.keys(RULE_KINDS).join(", ")}` });
        return;
      }
      if (seen.has(r.kind)) ctx.addIssue({ code: "custom", path: ["rules", i, "kind"], message: "each kind appears once" });
      seen.add(r.kind);
      const parsed = kind.params.safeParse(r.params);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ code: "custom", path: ["rules", i, "params", ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))], message: issue.message });
        }
      }
    });
  })
  .openapi("AuditRuleSet");

/** Every kind, enabled, at its default severity and parameters. */
export const DEFAULT_RULES: RuleConfig[] = Object.values(RULE_KINDS).map((k) => ({
  kind: k.kind,
  enabled: true,
  severity: k.defaultSeverity,
  params: {},
}));

/** Normalises stored or submitted configs: severities filled in, parameters with their defaults. */
export function normaliseRules(rules: readonly z.infer<typeof RuleConfigSchema>[]): RuleConfig[] {
  return rules.flatMap((r) => {
    const kind = RULE_KINDS[r.kind];
    if (!kind) return [];
    return [{ kind: r.kind, enabled: r.enabled, severity: r.severity ?? kind.defaultSeverity, params: kind.params.parse(r.params) as Record<string, unknown> }];
  });
}
