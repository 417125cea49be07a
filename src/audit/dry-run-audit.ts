/**
 * The dry run: what the rules would decide for an existing order or a payload,
 * with the store's rules or ones to try. Changes nothing.
 */
import { asc, eq } from "drizzle-orm";
import { database } from "../db/client";
import { orderLines, orders } from "../db/schema";
import type { ShardEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";
import type { FieldError } from "../http/problem";
import { buildOrder } from "../orders/build-order";
import { lookupSkus } from "../products/catalogue";
import { evaluate, type AuditDecision } from "./evaluate";
import { gather } from "./gather";
import { normaliseRules } from "./rule-set";
import type { DryRunInput } from "./schemas";

export type DryRunResult =
  | { ok: true; decision: AuditDecision; ruleSetVersion: number | null }
  | { ok: false; code: "order_not_found" | "store_not_found" }
  | { ok: false; code: "invalid"; errors: FieldError[] };

export async function dryRunAudit(env: ShardEnv, body: DryRunInput, opts: { principal: Principal }): Promise<DryRunResult> {
  const p = opts.principal;
  const db = database(env);
  let subject;
  if (body.order_id) {
    const [o, lines] = await db.batch([
      db.select().from(orders).where(eq(orders.id, body.order_id)),
      db.select().from(orderLines).where(eq(orderLines.orderId, body.order_id)).orderBy(asc(orderLines.lineNo)),
    ]);
    if (!o[0] || !seesStore(p, o[0].storeId)) return { ok: false, code: "order_not_found" };
    subject = { order: o[0], lines };
  } else {
    const input = body.order!;
    if (!seesStore(p, input.store_id)) return { ok: false, code: "store_not_found" };
    const built = buildOrder(input, {
      catalogue: await lookupSkus(
        env,
        input.store_id,
        input.lines.map((l) => l.sku),
      ),
      actor: p.id,
      now: Date.now(),
    });
    if (!built.ok) return { ok: false, code: "invalid", errors: built.errors.map((e) => ({ ...e, field: `order.${e.field}` })) };
    subject = { order: built.value.order, lines: built.value.lines };
  }
  const g = await gather(env, subject);
  const rules = body.rules ? normaliseRules(body.rules) : g.rules;
  return { ok: true, decision: evaluate(subject, g.ctx, rules), ruleSetVersion: body.rules ? null : g.ruleSetVersion };
}
