/** The audit API's shapes. */
import { z } from "@hono/zod-openapi";
import type { AuditSummary } from "./audit-stage";
import { ListQuery, listOf, Rfc3339 } from "../http/route";
import { CreateOrderBody, OrderSummary } from "../orders/schemas";
import { normalisePhone } from "./normalise";
import { HOLD_REASON_CODES } from "./reason-codes";
import { RULE_KINDS } from "./rule-set";
import { SEVERITIES } from "./types";
import { idPattern } from "../lib/ids";

export const FindingSchema = z
  .object({
    rule: z.string(),
    code: z.string().openapi({ description: "Stable reason code, e.g. postal_code_invalid" }),
    severity: z.enum(SEVERITIES),
    message: z.string().openapi({ description: "For staff, in English" }),
    params: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .openapi({ description: 'What the message says, as data (e.g. `{ country: "CN" }`): customer-facing text is rendered from the code and these, in the customer\'s language' }),
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

export const RuleConfigSchema = z
  .object({
    kind: z.string().openapi({ enum: Object.keys(RULE_KINDS), example: "price" }),
    enabled: z.boolean().default(true),
    severity: z.enum(SEVERITIES).optional().openapi({ description: "Defaults to the kind's own severity" }),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .openapi("AuditRule");

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

export const StoreParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const RuleSetSchema = z
  .object({
    store_id: z.string(),
    version: z.number().int().openapi({ description: "0 while the store uses the default rules" }),
    rules: z.array(RuleConfigSchema.extend({ description: z.string() })),
    kinds: z.array(z.string()).openapi({ description: "Every rule kind this system knows" }),
  })
  .openapi("StoreAuditRules");

export const BlockEntry = z
  .object({
    id: z.string(),
    store_id: z.string(),
    kind: z.enum(["email", "phone", "address"]),
    value: z.string().openapi({
      description:
        "What the audit compares, normalised: an email lowercased, a phone in international form (E.164), an address as `line 1|postal code|country` lowercased, spacing and punctuation folded, the postal code without spaces",
      example: "7 fraud lane|ls14ap|gb",
    }),
    note: z.string().nullable(),
    created_by: z.string(),
    created_at: Rfc3339,
  })
  .openapi("BlocklistEntry");
export const NewBlockEntry = z
  .object({
    kind: z.enum(["email", "phone", "address"]),
    email: z.email().optional(),
    phone: z.string().trim().min(4).max(32).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional()
      .openapi({ description: "ISO 3166-1 country of a phone number written without its country code (+...)", example: "US" }),
    address: z.object({ line1: z.string().trim().min(1).max(200), postal_code: z.string().trim().min(1).max(20), country: z.string().length(2) }).optional(),
    note: z.string().trim().max(500).optional(),
  })
  .superRefine((b, ctx) => {
    if (!b[b.kind]) ctx.addIssue({ code: "custom", path: [b.kind], message: `give the ${b.kind} to block` });
    // Orders' numbers are compared in international form: a national number is only that with its country.
    else if (b.kind === "phone" && !b.country && !normalisePhone(b.phone!).startsWith("+")) {
      ctx.addIssue({ code: "custom", path: ["country"], message: "give the phone number with its country code (+1 415 555 0100) or the country it belongs to" });
    }
  })
  .openapi("NewBlocklistEntry");
export type NewBlockEntryInput = z.infer<typeof NewBlockEntry>;
export const BlocklistQuery = z.object(ListQuery);
export const BlocklistPage = listOf(BlockEntry, "BlocklistPage");
export const BlockEntryParam = StoreParam.extend({
  entry_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "entry_id", in: "path" } }),
});

export const AuditHistory = z.object({ data: z.array(AuditResultSchema) }).openapi("AuditHistory");

export const AuditRun = z.object({ order: OrderSummary, audit: AuditSummarySchema }).openapi("AuditRun");

export const DryRunBody = z
  .object({
    order_id: z.string().regex(idPattern("ord")).optional().openapi({ description: "Audit an existing order as it is now" }),
    order: CreateOrderBody.optional().openapi({ description: "Or a payload, as it would be created" }),
    rules: RuleSetBody.shape.rules.optional().openapi({ description: "Rules to try instead of the store's" }),
  })
  .refine((b) => (b.order_id === undefined) !== (b.order === undefined), { message: "give exactly one of order_id and order" })
  .superRefine((b, ctx) => {
    if (!b.rules) return;
    const r = RuleSetBody.safeParse({ rules: b.rules });
    if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: "custom", path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message });
  })
  .openapi("AuditDryRun");
export type DryRunInput = z.infer<typeof DryRunBody>;

export const AuditExplanation = z
  .object({ outcome: z.enum(["approve", "hold", "reject", "wait"]), rule_set_version: z.number().int().nullable(), findings: z.array(FindingSchema) })
  .openapi("AuditExplanation");

export const QueueItem = z
  .object({
    order: OrderSummary,
    reasons: z.array(z.object({ code: z.string(), message: z.string() })),
    held_since: Rfc3339.nullable(),
    held_for_ms: z.number().int(),
    claimed_by: z
      .object({ id: z.string(), name: z.string().nullable(), until: Rfc3339 })
      .nullable()
      .openapi({ description: "Who is reviewing it now (a live claim, POST /v1/orders/{id}/claim), or null" }),
  })
  .openapi("ReviewQueueItem");

export const ReviewQueueQuery = z.object({
  ...ListQuery,
  store_id: z.string().max(64).optional(),
  // An unknown code is refused, not answered with an empty queue that looks like "nothing held for it".
  reason: z
    .enum(HOLD_REASON_CODES, { error: () => `not a hold reason code; known codes: ${HOLD_REASON_CODES.join(", ")}` })
    .optional()
    .openapi({ description: "A hold reason code, e.g. postal_code_invalid" }),
  order: z.enum(["oldest", "newest"]).default("oldest"),
  claimed: z.enum(["mine", "others", "none"]).optional().openapi({ description: "Only orders the caller claimed, someone else claimed, or nobody has" }),
});
export type ReviewQueueFilter = z.infer<typeof ReviewQueueQuery>;

export const ReviewQueue = listOf(QueueItem, "ReviewQueue");

type FindingLike = AuditSummary["findings"][number];

export const finding = (f: FindingLike): z.infer<typeof FindingSchema> => ({
  rule: f.rule,
  code: f.code,
  severity: f.severity,
  message: f.message,
  ...(f.params ? { params: f.params } : {}),
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
