/**
 * Which customers a principal sees. A customer is the merchant's, across
 * stores; a person or key scoped to some stores sees a customer who has an
 * order in one of them, and of that customer only those stores' orders.
 * Merging, unmerging and erasing act on every order of the customer, so
 * they need a principal who sees every store the customer bought in.
 */
import { type SQL, sql } from "drizzle-orm";
import { customers } from "../db/schema";
import type { Principal } from "../http/auth";

type Scoped = Pick<Principal, "stores">;

const storeList = (p: Scoped) => JSON.stringify(p.stores === "*" ? [] : p.stores);

/** The customers this principal sees (undefined: all), by the stores their links name: all on the directory. */
export function customerScope(p: Scoped): SQL | undefined {
  if (p.stores === "*") return undefined;
  return sql`EXISTS (SELECT 1 FROM customer_links l
    WHERE (l.customer_id = ${customers.id} OR l.home_customer_id = ${customers.id}) AND l.store_id IN (SELECT value FROM json_each(${storeList(p)})))`;
}

/** Of a customer's orders, those this principal sees (a condition on `orders`' `store_id` column given). */
export function orderStoreScope(p: Scoped, storeColumn: SQL): SQL | undefined {
  if (p.stores === "*") return undefined;
  return sql`${storeColumn} IN (SELECT value FROM json_each(${storeList(p)}))`;
}

/** The stores of the orders now linked to these customers that this principal does not see. */
export function storesBeyond(p: Scoped, storeIds: readonly string[]): string[] {
  if (p.stores === "*") return [];
  const mine = new Set(p.stores);
  return [...new Set(storeIds)].filter((s) => !mine.has(s));
}
