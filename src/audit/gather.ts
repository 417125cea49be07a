/**
 * Gathers what the rules need to know beyond the order itself, in one D1
 * round trip: whether the store audits new orders at all, its rule set, the catalogue entries of its SKUs (read
 * fresh, not from the intake cache), recent orders of the same customer and
 * blocklist matches; then stock, where inventory is kept. The statements are built from the order's keys
 * (src/db/order-keys.ts); for a new order, from the keys intake sent, they ride in the batch that reads the order
 * (the audit stage's `prefetch`), and `gathered` reads their answers either way.
 */
import { and, eq, gte, inArray, ne, or, sql } from "drizzle-orm";
import { database, type Database } from "../db/client";
import { type OrderKeys, orderKeys } from "../db/order-keys";
import { auditRuleSets, blocklistEntries, orderLines, orders, products, stores } from "../db/schema";
import type { ShardEnv } from "../env";
import { DEFAULT_RULES, normaliseRules, RULE_KINDS, type RuleConfig } from "./rule-set";
import { availabilityFrom, availabilityQueries } from "../inventory/availability";
import { contentsKey, type AuditContext, type AuditOrder, type CatalogueFacts } from "./types";

export type Gathered = { ctx: AuditContext; rules: RuleConfig[]; ruleSetVersion: number; autoAudit: boolean };

export async function loadRules(env: ShardEnv, storeId: string): Promise<{ rules: RuleConfig[]; version: number }> {
  const row = await database(env).select().from(auditRuleSets).where(eq(auditRuleSets.storeId, storeId)).get();
  return row ? { rules: normaliseRules(row.rules as never), version: row.version } : { rules: DEFAULT_RULES, version: 0 };
}

/** The gather's statements for the order `orderId` with these keys (its own, or intake's): one batch, or part of the object's first read. */
export function gatherQueries(db: Database, orderId: string, keys: OrderKeys) {
  const { store_id: storeId, skus } = keys;
  const sameCustomer = [
    // Both match indexes on (store_id, customer_email_index) and (store_id, customer_phone_index).
    keys.email ? eq(orders.customerEmailIndex, keys.email) : undefined,
    keys.phone ? eq(orders.customerPhoneIndex, keys.phone) : undefined,
  ].filter(Boolean);
  // Stock is read with the rest, whether or not the store's rules turn out to check it: two more statements in
  // this round trip cost less than a round trip of their own for the stores (the default) that check stock.
  const [anyStock, stockRows] = availabilityQueries(db, skus);
  return [
    db.select({ autoAudit: stores.autoAudit }).from(stores).where(eq(stores.id, storeId)),
    db.select().from(auditRuleSets).where(eq(auditRuleSets.storeId, storeId)),
    db
      .select({ sku: products.sku, name: products.name, type: products.type, active: products.active, price: products.price, currency: products.currency })
      .from(products)
      .where(and(eq(products.storeId, storeId), inArray(products.sku, skus.length ? skus : [""]))),
    db
      .select({ id: orders.id, createdAt: orders.createdAt, sku: orderLines.sku, quantity: orderLines.quantity })
      .from(orders)
      .innerJoin(orderLines, eq(orderLines.orderId, orders.id))
      .where(
        and(
          eq(orders.storeId, storeId),
          ne(orders.id, orderId),
          ne(orders.status, "cancelled"),
          gte(orders.createdAt, keys.since),
          sameCustomer.length ? or(...sameCustomer) : sql`0`,
        ),
      )
      .limit(2000),
    db
      .select({ kind: blocklistEntries.kind, value: blocklistEntries.value })
      .from(blocklistEntries)
      .where(
        and(
          eq(blocklistEntries.storeId, storeId),
          or(
            keys.email ? and(eq(blocklistEntries.kind, "email"), eq(blocklistEntries.valueIndex, keys.email)) : undefined,
            keys.phone ? and(eq(blocklistEntries.kind, "phone"), inArray(blocklistEntries.valueIndex, keys.phone_keys)) : undefined,
            and(eq(blocklistEntries.kind, "address"), inArray(blocklistEntries.valueIndex, keys.address_keys)),
          ),
        ),
      ),
    anyStock,
    stockRows,
  ] as const;
}

/** What each of a tuple of queries answers, in order. */
type Answers<Q extends readonly unknown[]> = { readonly [K in keyof Q]: Awaited<Q[K]> };
export type GatherRows = Answers<ReturnType<typeof gatherQueries>>;

/** What the rules are given, from the answers of `gatherQueries`. */
export function gathered(keys: OrderKeys, rows: GatherRows, now: number): Gathered {
  const [storeRows, ruleRows, catalogueRows, recentRows, blockedRows, anyStockRows, stockRowsRead] = rows;
  const ruleSet = ruleRows[0];
  const rules = ruleSet ? normaliseRules(ruleSet.rules as never) : DEFAULT_RULES;
  const catalogue = new Map<string, CatalogueFacts | null>(keys.skus.map((s) => [s, null]));
  for (const r of catalogueRows) catalogue.set(r.sku, { name: r.name, type: r.type, active: r.active, price: r.price, currency: r.currency });

  const byOrder = new Map<string, { id: string; createdAt: number; lines: { sku: string; quantity: number }[] }>();
  for (const r of recentRows) {
    const o = byOrder.get(r.id) ?? { id: r.id, createdAt: r.createdAt, lines: [] };
    o.lines.push({ sku: r.sku, quantity: r.quantity });
    byOrder.set(r.id, o);
  }
  const wantsStock = rules.some((r) => r.kind === "stock" && r.enabled) && RULE_KINDS.stock;
  const stock = wantsStock ? availabilityFrom(anyStockRows, stockRowsRead) : null;

  return {
    rules,
    ruleSetVersion: ruleSet?.version ?? 0,
    autoAudit: storeRows[0]?.autoAudit ?? true,
    ctx: {
      catalogue,
      recentOrders: [...byOrder.values()].map((o) => ({ id: o.id, createdAt: o.createdAt, contents: contentsKey(o.lines) })),
      blocked: blockedRows,
      stock,
      now,
    },
  };
}

/** Gathers the facts of an order in one round trip of their own. */
export async function gather(env: ShardEnv, subject: AuditOrder, { now = Date.now() }: { now?: number } = {}): Promise<Gathered> {
  const db = database(env);
  const keys = orderKeys(subject);
  const rows = await db.batch(gatherQueries(db, subject.order.id, keys));
  return gathered(keys, rows, now);
}
