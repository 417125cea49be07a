/**
 * After-sales as a stage of the order object. Every request change is an
 * order change (an event in the order's timeline, the request's write and
 * the customer's message in one batch), whoever asks: staff, a storefront,
 * or the customer's own page. Because it goes through the object, opening a
 * request and the order's completion are serialized, and the object's
 * completion clock pauses while a request is open.
 */
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { orderStub } from "../orders/order-object";
import type { ChangeResult, OrderStage } from "../orders/stage";
import { type AfterSalesAction, type AfterSalesPlan, type AfterSalesRow, planAfterSales } from "./plan-after-sales";

export const AFTER_SALES_STAGE = "afterSales";

type AfterSalesRefusal = Exclude<AfterSalesPlan, { ok: true }>;

export const afterSalesStage: OrderStage<AfterSalesAction, AfterSalesRow, AfterSalesRefusal> = {
  async plan(ctx, action) {
    const plan = await planAfterSales(ctx.env, ctx.order.id, { actor: ctx.actor, stores: ctx.stores, action });
    if (!plan.ok) return plan;
    return { ok: true, proposal: plan.change, result: plan.request };
  },
};

export type AfterSalesResult = ChangeResult<AfterSalesRow, AfterSalesRefusal>;

export function runAfterSales(env: ShardEnv, orderId: string, opts: { actor: string; stores: Principal["stores"]; action: AfterSalesAction }): Promise<AfterSalesResult> {
  const { actor, stores, action } = opts;
  return orderStub(env, orderId).change({ orderId, stage: AFTER_SALES_STAGE, input: action, actor, stores, expectedVersion: null }) as unknown as Promise<AfterSalesResult>;
}
