/**
 * A store's rule set: which rule kinds run, how severe their findings are and
 * with which parameters. Stored as data (audit_rule_sets), versioned; a store
 * without one gets DEFAULT_RULES. A merchant's own rule is a new file in
 * rules/ and a line in RULE_KINDS, not an `if` in the engine.
 */
import type { z } from "@hono/zod-openapi";
import { addressRule } from "./rules/address";
import { priceRule, skuRule } from "./rules/catalogue";
import { blocklistRule, duplicateRule, stockRule } from "./rules/customer-checks";
import { amountRule, noteRule, paymentRule, quantityRule, totalsRule } from "./rules/order-checks";
import type { RuleConfigSchema } from "./schemas";
import type { RuleKind, Severity } from "./types";

/**
 * Looked up by kinds that clients send: without a prototype, so `constructor`
 * or `toString` is an unknown kind (undefined) like any other, not Object's own.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const RULE_KINDS: Record<string, RuleKind<any>> = Object.assign(
  Object.create(null),
  Object.fromEntries(
    [addressRule, skuRule, priceRule, totalsRule, quantityRule, duplicateRule, blocklistRule, amountRule, noteRule, paymentRule, stockRule].map((r) => [r.kind, r]),
  ),
);

export type RuleConfig = { kind: string; enabled: boolean; severity: Severity; params: Record<string, unknown> };

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
