/**
 * The audit's vocabulary. A rule kind looks at an order (and facts gathered
 * for it) and returns findings; the store's rule set says which kinds run,
 * with what parameters and how severe their findings are.
 */
import { z } from "@hono/zod-openapi";
import type { OrderLineRow, OrderRow } from "../orders/serialize";
import type { FindingParams } from "../orders/stage";

export type { FindingParams };

/** info: recorded only; wait: the order waits (unpaid); hold: a person or the customer must act; reject: cancel. */
export type Severity = "info" | "wait" | "hold" | "reject";
export const SEVERITIES = ["info", "wait", "hold", "reject"] as const;

/** What the customer can do about a finding on their order page. */
export type CustomerAction = "fix_address" | "fix_contact" | null;

export type Finding = {
  rule: string;
  code: string;
  severity: Severity;
  /** For staff, in English. Customer-facing text is rendered from `code` and `params` (./finding-text.ts). */
  message: string;
  /** What the message says, as data: `{ country: "CN", postal_code: "2000" }`. Absent on findings recorded before params were kept. */
  params?: FindingParams;
  field?: string;
  /** The customer may fix this on the order page. */
  customerAction: CustomerAction;
  /** The customer may confirm the order as it is ("the address is right"), which clears this finding. */
  confirmable: boolean;
};

/** What a rule returns: the rule set decides the severity. */
export type RawFinding = Pick<Finding, "code" | "message" | "field" | "params"> & Partial<Pick<Finding, "customerAction" | "confirmable">>;

export type AuditOrder = { order: OrderRow; lines: OrderLineRow[] };

export type CatalogueFacts = { name: string; type: "goods" | "service"; active: boolean; price: number; currency: string };

/** Facts that need I/O, gathered before the (pure) evaluation. */
export type AuditContext = {
  catalogue: ReadonlyMap<string, CatalogueFacts | null>;
  /** Other live orders of the same store and customer with the same contents, within the longest window asked for. */
  recentOrders: readonly { id: string; createdAt: number; contents: string }[];
  /** Blocklist entries this order matches. */
  blocked: readonly { kind: "email" | "phone" | "address"; value: string }[];
  /** Units available per SKU across all warehouses, or null where inventory is not kept. */
  stock: ReadonlyMap<string, number> | null;
  now: number;
};

export interface RuleKind<P> {
  kind: string;
  description: string;
  /** Parameters with their defaults; a rule set entry is refused if they do not parse. */
  params: z.ZodType<P>;
  defaultSeverity: Severity;
  evaluate(subject: AuditOrder, ctx: AuditContext, params: P): RawFinding[];
}

/** A contents fingerprint: the same SKUs in the same quantities, in any order. */
export function contentsKey(lines: readonly { sku: string; quantity: number }[]): string {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.sku, (totals.get(l.sku) ?? 0) + l.quantity);
  return [...totals]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([s, q]) => `${s}x${q}`)
    .join(",");
}

/** For rule kinds without parameters. */
export const NoParams = z.object({}).strict();
export type NoParams = z.infer<typeof NoParams>;
