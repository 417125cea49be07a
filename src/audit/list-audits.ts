/** An order's audit history, newest first; an order outside the key's stores is not found. */
import { desc, eq } from "drizzle-orm";
import { database } from "../db/client";
import { auditResults, orders } from "../db/schema";
import type { ShardEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";

export async function listAudits(env: ShardEnv, orderId: string, opts: { principal: Principal }) {
  const db = database(env);
  const [order, results] = await db.batch([
    db.select({ storeId: orders.storeId }).from(orders).where(eq(orders.id, orderId)),
    db.select().from(auditResults).where(eq(auditResults.orderId, orderId)).orderBy(desc(auditResults.createdAt)).limit(100),
  ]);
  if (!order[0] || !seesStore(opts.principal, order[0].storeId)) return null;
  return results;
}
