/** Replaces a store's audit rules: each save bumps the version every later audit result records. */
import { sql } from "drizzle-orm";
import { database } from "../db/client";
import { auditRuleSets } from "../db/schema";
import type { ShardEnv } from "../env";
import type { RuleConfig } from "./rule-set";

export async function saveAuditRules(env: ShardEnv, storeId: string, opts: { rules: RuleConfig[]; actor: string }): Promise<{ version: number }> {
  const { rules, actor } = opts;
  const now = Date.now();
  const [row] = await database(env)
    .insert(auditRuleSets)
    .values({ storeId, version: 1, rules, updatedAt: now, updatedBy: actor })
    .onConflictDoUpdate({
      target: auditRuleSets.storeId,
      set: { rules, version: sql`${auditRuleSets.version} + 1`, updatedAt: now, updatedBy: actor },
    })
    .returning();
  return { version: row!.version };
}
