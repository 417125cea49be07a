/**
 * The channel as a stage of the order object: it holds a platform's order
 * with its own reason codes (an unmapped SKU; an approved order the
 * platform changed), which a person's `hold` event cannot carry. The
 * lifecycle table judges the hold like any other.
 */
import type { CHANNEL_REASON_CODES } from "../audit/reason-codes";
import type { ShardEnv } from "../env";
import { orderStub } from "../orders/order-object";
import type { ChangeResult, FindingParams, OrderStage } from "../orders/stage";

export const CHANNEL_STAGE = "channel_hold";

export type ChannelHold = { code: (typeof CHANNEL_REASON_CODES)[number]; message: string; params: FindingParams[] };

export const channelStage: OrderStage<ChannelHold, null> = {
  async plan(ctx, hold) {
    if (ctx.order.status === "on_hold") {
      // Already held: the channel's reason joins the others.
      const full = await ctx.full();
      if (full.holds.some((h) => h.code === hold.code)) return { ok: false, code: "skipped", message: `already held for ${hold.code}` };
      const holdReasons = [...full.holds.map((h) => ({ code: h.code, message: h.message, params: h.params ?? null })), hold];
      return { ok: true, result: null, proposal: { event: "edit", type: "held_by_channel", reason: hold.message, holdReasons, statusReason: hold.message, outbox: [] } };
    }
    return { ok: true, result: null, proposal: { event: "hold", reason: hold.message, statusReason: hold.message, holdReasons: [hold], data: { code: hold.code } } };
  },
};

export function holdForChannel(env: ShardEnv, orderId: string, opts: { actor: string; hold: ChannelHold }): Promise<ChangeResult<null>> {
  return orderStub(env, orderId).change({ orderId, stage: CHANNEL_STAGE, input: opts.hold, actor: opts.actor, stores: "*", expectedVersion: null }) as unknown as Promise<
    ChangeResult<null>
  >;
}
