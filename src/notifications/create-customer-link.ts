/** A fresh link to the customer's order page, to send by hand; null when the order is not visible to the key. */
import { eq } from "drizzle-orm";
import { mintCustomerLink } from "../customer/tokens";
import { database } from "../db/client";
import { orders } from "../db/schema";
import type { ShardEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";

export async function createCustomerLink(env: ShardEnv, orderId: string, opts: { principal: Principal }): Promise<{ url: string; expiresAt: number } | null> {
  const db = database(env);
  const order = await db.select({ storeId: orders.storeId }).from(orders).where(eq(orders.id, orderId)).get();
  if (!order || !seesStore(opts.principal, order.storeId)) return null;
  const link = await mintCustomerLink(env, orderId, { db });
  await link.statement;
  return { url: link.url, expiresAt: link.expiresAt };
}
