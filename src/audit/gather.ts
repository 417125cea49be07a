/**
 * Gathers what the rules need to know beyond the order itself, in one D1
 * round trip: whether the store audits new orders at all, its rule set, the catalogue entries of its SKUs (read
 * fresh, not from the intake cache), recent orders of the same customer and
 * blocklist matches; then stock, where inventory is kept.
 */
import { and, eq, gte, inArray, ne, or, sql } from "drizzle-orm";
import { blindIndex } from "../lib/pii-crypto";
import { database } from "../db/client";
import { auditRuleSets, blocklistEntries, orderLines, orders, products, stores } from "../db/schema";
import type { ShardEnv } from "../env";
import { DEFAULT_RULES, normaliseRules, RULE_KINDS, type RuleConfig } from "./rule-set";
import { legacyPhoneKey, normaliseAddress, normaliseEmail, normalisePhone } from "./normalise";
import { availabilityFrom, availabilityQueries } from "../inventory/availability";
import { contentsKey, type AuditContext, type AuditOrder, type CatalogueFacts } from "./types";

export type Gathered = { ctx: AuditContext; rules: RuleConfig[]; ruleSetVersion: number; autoAudit: boolean };

export async function loadRules(env: ShardEnv, storeId: string): Promise<{ rules: RuleConfig[]; version: number }> {
  const row = await database(env).select().from(auditRuleSets).where(eq(auditRuleSets.storeId, storeId)).get();
  return row ? { rules: normaliseRules(row.rules as never), version: row.version } : { rules: DEFAULT_RULES, version: 0 };
}

export async function gather(env: ShardEnv, { order, lines }: AuditOrder, { now = Date.now() }: { now?: number } = {}): Promise<Gathered> {
  const db = database(env);
  const skus = [...new Set(lines.map((l) => l.sku))].slice(0, 90);
  const email = order.customerEmail ? normaliseEmail(order.customerEmail) : null;
  const phone = order.customerPhone ? normalisePhone(order.customerPhone, order.shippingAddress.country) : null;
  // Entries stored before phones were parsed hold the digits as typed: they still match a number typed the same way.
  const phoneKeys = order.customerPhone ? [...new Set([phone!, legacyPhoneKey(order.customerPhone)])] : [];
  const address = normaliseAddress(order.shippingAddress);
  // The columns are sealed: the same customer is found through keyed blind indexes of the normalised values.
  const ix = {
    email: email ? blindIndex("email", order.storeId, email) : null,
    phone: phone ? blindIndex("phone", order.storeId, phone) : null,
    phoneKeys: phoneKeys.map((k) => blindIndex("phone", order.storeId, k)),
    address: blindIndex("address", order.storeId, address),
  };
  // The longest duplicate window any store may set; the rule narrows it to the store's own.
  const since = order.createdAt - 30 * 24 * 3_600_000;
  const sameCustomer = [
    // Both match indexes on (store_id, customer_email_index) and (store_id, customer_phone_index).
    ix.email ? eq(orders.customerEmailIndex, ix.email) : undefined,
    ix.phone ? eq(orders.customerPhoneIndex, ix.phone) : undefined,
  ].filter(Boolean);

  // Stock is read with the rest, whether or not the store's rules turn out to check it: two more statements in
  // this round trip cost less than a round trip of their own for the stores (the default) that check stock.
  const [anyStock, stockRows] = availabilityQueries(db, skus);
  const [storeRows, ruleRows, catalogueRows, recentRows, blockedRows, anyStockRows, stockRowsRead] = await db.batch([
    db.select({ autoAudit: stores.autoAudit }).from(stores).where(eq(stores.id, order.storeId)),
    db.select().from(auditRuleSets).where(eq(auditRuleSets.storeId, order.storeId)),
    db
      .select({ sku: products.sku, name: products.name, type: products.type, active: products.active, price: products.price, currency: products.currency })
      .from(products)
      .where(and(eq(products.storeId, order.storeId), inArray(products.sku, skus.length ? skus : [""]))),
    db
      .select({ id: orders.id, createdAt: orders.createdAt, sku: orderLines.sku, quantity: orderLines.quantity })
      .from(orders)
      .innerJoin(orderLines, eq(orderLines.orderId, orders.id))
      .where(
        and(
          eq(orders.storeId, order.storeId),
          ne(orders.id, order.id),
          ne(orders.status, "cancelled"),
          gte(orders.createdAt, since),
          sameCustomer.length ? or(...sameCustomer) : sql`0`,
        ),
      )
      .limit(2000),
    db
      .select({ kind: blocklistEntries.kind, value: blocklistEntries.value })
      .from(blocklistEntries)
      .where(
        and(
          eq(blocklistEntries.storeId, order.storeId),
          or(
            ix.email ? and(eq(blocklistEntries.kind, "email"), eq(blocklistEntries.valueIndex, ix.email)) : undefined,
            ix.phone ? and(eq(blocklistEntries.kind, "phone"), inArray(blocklistEntries.valueIndex, ix.phoneKeys)) : undefined,
            and(eq(blocklistEntries.kind, "address"), eq(blocklistEntries.valueIndex, ix.address)),
          ),
        ),
      ),
    anyStock,
    stockRows,
  ]);

  const ruleSet = ruleRows[0];
  const rules = ruleSet ? normaliseRules(ruleSet.rules as never) : DEFAULT_RULES;
  const catalogue = new Map<string, CatalogueFacts | null>(skus.map((s) => [s, null]));
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
