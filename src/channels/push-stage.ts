/**
 * What goes back to the platform starts here: the channels stage of the
 * order object adds a message for the channels queue, in the same batch as
 * the order's change, when an order that came from a platform ships (every
 * parcel handed over, at our dock or by a 3PL), is cancelled or rejected by
 * us, or has an after-sales change (a refund resolved). The queue's side
 * (./push-plan.ts) works out what to push; this only says that something
 * may be owed, so a push is never lost between the change and the queue.
 *
 * A change the platform itself told us of (a cancellation, a refund) is
 * never echoed back: the take-in changes the order with a platform actor
 * (`platformActor`), and this stage leaves those changes alone.
 */
import { eq } from "drizzle-orm";
import { CHANNEL_PLATFORMS, channelOrders } from "../db/schema";
import { newId } from "../lib/ids";
import type { EffectContext, Effects, OrderStage } from "../orders/stage";

export const PUSH_MESSAGES = { shipped: "channel.order_shipped", cancelled: "channel.order_cancelled", afterSales: "channel.after_sales" } as const;

/** The actor of a change a platform made (its webhook, or reconciliation finding it): `channel:<connection id>`. */
export const platformActor = (connectionId: string) => `channel:${connectionId}`;
export const fromPlatform = (actor: string) => actor.startsWith("channel:");

function owed(type: string) {
  return async function channelPushOwed(ctx: EffectContext): Promise<Effects> {
    // What the platform itself did (its cancellation, its refund) is never pushed back to it.
    if (fromPlatform(ctx.actor)) return {};
    // Only a platform's orders (channel = the platform's name) can be linked: every other order ships without a read here.
    if (!(CHANNEL_PLATFORMS as readonly string[]).includes(ctx.order.channel)) return {};
    const link = await ctx.db.select({ connectionId: channelOrders.connectionId }).from(channelOrders).where(eq(channelOrders.orderId, ctx.order.id)).get();
    if (!link) return {};
    return {
      outbox: [
        {
          id: newId("obx", ctx.now),
          orderId: ctx.order.id,
          topic: "channels",
          type,
          payload: { order_id: ctx.order.id, connection_id: link.connectionId, actor: ctx.actor, reason: ctx.reason },
          createdAt: ctx.now,
        },
      ],
    };
  };
}

export const CHANNELS_STAGE = "channel_pushes";

export const channelsStage: OrderStage = {
  effects: {
    ship: owed(PUSH_MESSAGES.shipped),
    cancel: owed(PUSH_MESSAGES.cancelled),
    reject: owed(PUSH_MESSAGES.cancelled),
    after_sales: owed(PUSH_MESSAGES.afterSales),
  },
};
