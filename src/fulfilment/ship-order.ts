/**
 * An order with goods is shipped when every shipment holding its live
 * items has been handed over. Today only 3PL confirmations get shipments
 * there; the logistics stage will call this for its own carriers' scans.
 */
import { sql } from "drizzle-orm";
import { database } from "../db/client";
import type { Env } from "../env";

const HANDED_OVER = new Set(["shipped", "in_transit", "out_for_delivery", "delivered"]);

export async function shipOrderIfComplete(env: Env, orderId: string, actor: string): Promise<boolean> {
  const rows = await database(env).all<{ status: string }>(
    sql`SELECT DISTINCT s.status AS status FROM shipment_items si JOIN shipments s ON s.id = si.shipment_id WHERE si.order_id = ${orderId} AND si.cancelled_at IS NULL`,
  );
  if (rows.length === 0 || !rows.every((r) => HANDED_OVER.has(r.status))) return false;
  const r = await env.ORDER.get(env.ORDER.idFromName(orderId)).transition({
    orderId,
    event: "ship",
    reason: "every shipment handed over",
    actor,
    stores: "*",
    expectedVersion: null,
  });
  return r.ok;
}
