/** Every after-sales write goes through the order's object, whoever asks: staff, a storefront, or the customer's own page. */
import type { Env } from "../env";
import type { Principal } from "../http/auth";
import type { AfterSalesResult } from "../orders/order-object";
import type { AfterSalesAction } from "./plan-after-sales";

export function runAfterSales(env: Env, orderId: string, actor: string, stores: Principal["stores"], action: AfterSalesAction): Promise<AfterSalesResult> {
  return env.ORDER.get(env.ORDER.idFromName(orderId)).afterSales({ orderId, actor, stores, action });
}
