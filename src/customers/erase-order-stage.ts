/**
 * Erasing a customer's personal data on one order, as a stage of the
 * order's object: planned and committed in the object's turn, so it
 * serialises with edits (an edit committed first is erased with the rest;
 * an edit coming after is refused by `planEdit`, which sees
 * `personal_data_erased_at`). The status, amounts, lines and times stay;
 * the version moves, so a staff edit holding the old ETag gets a 412.
 * Idempotent: an order already erased is skipped, its version untouched.
 */
import { and, eq, sql } from "drizzle-orm";
import { orders, outbox } from "../db/schema";
import type { ShardEnv } from "../env";
import { orderStub } from "../orders/order-object";
import type { ChangeResult, OrderStage } from "../orders/stage";

export const ERASE_ORDER_STAGE = "erase";
export const ERASED = "[erased]";

export type EraseOrderInput = { customerId: string };

export const eraseOrderStage: OrderStage<EraseOrderInput, null> = {
  async plan(ctx, input) {
    const row = await ctx.db.select({ address: orders.shippingAddress, erasedAt: orders.personalDataErasedAt }).from(orders).where(eq(orders.id, ctx.order.id)).get();
    if (!row) return { ok: false, code: "not_found" };
    if (row.erasedAt !== null) return { ok: false, code: "skipped", message: "already erased" };
    return {
      ok: true,
      result: null,
      proposal: {
        event: "erase",
        type: "personal_data_erased",
        reason: "the customer's personal data was erased (privacy request)",
        data: { customer_id: input.customerId },
        // The contact, the address but its country and region (where tax was due), the buyer's note, every blind index.
        patch: {
          customerName: ERASED,
          customerEmail: null,
          customerPhone: null,
          shippingAddress: {
            name: ERASED,
            line1: ERASED,
            line2: null,
            district: null,
            city: "",
            region: row.address.region ?? null,
            postal_code: "",
            country: row.address.country,
          },
          customerEmailIndex: null,
          customerPhoneIndex: null,
          customerEmailMerchantIndex: null,
          customerPhoneMerchantIndex: null,
          note: null,
          personalDataErasedAt: ctx.now,
        },
        // The outbox keeps delivered rows: intake's audit message carried the same blind indexes (src/db/order-keys.ts).
        writes: [
          ctx.db
            .update(outbox)
            .set({ payload: sql`json_remove(${outbox.payload}, '$.audit_keys')` })
            .where(and(eq(outbox.orderId, ctx.order.id), eq(outbox.type, "order.received"))),
        ],
        outbox: [],
      },
    };
  },
};

/** Erases one order's personal data through its object. */
export function eraseOrder(env: ShardEnv, cmd: { orderId: string; customerId: string; actor: string }): Promise<ChangeResult<null>> {
  return orderStub(env, cmd.orderId).change({
    orderId: cmd.orderId,
    stage: ERASE_ORDER_STAGE,
    input: { customerId: cmd.customerId },
    actor: cmd.actor,
    stores: "*",
    expectedVersion: null,
  }) as unknown as Promise<ChangeResult<null>>;
}
